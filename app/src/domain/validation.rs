//! Rules for values people type, shared by the browser and the server so that
//! both say the same thing about the same input.

use serde::{Deserialize, Serialize};

/// One field's problem, in words that tell the person how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A required text field, trimmed, within `max` characters.
pub fn required(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, "Es obligatorio."));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("Use como máximo {max} caracteres."),
        ));
    }
}

/// The "valid e-mail address" of the WHATWG HTML standard, the rule browsers
/// apply to `<input type="email">`: a local part of letters, digits and
/// ``.!#$%&'*+/=?^_`{|}~-``, then `@`, then dot-separated labels of letters,
/// digits and inner hyphens, each at most 63 characters.
pub fn is_valid_email(value: &str) -> bool {
    const LOCAL_SYMBOLS: &str = ".!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c));
    local_ok && !domain.is_empty() && domain.split('.').all(is_domain_label) && value.len() <= 254
}

fn is_domain_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_follow_the_rule_browsers_apply() {
        let valid = [
            "ana@agetic.gob.bo",
            "a@b",
            "soporte+ciudadania@entidad.gob.bo",
            "o'brien@example.com",
            "x_y.z@sub-domain.example.bo",
            "123@456.bo",
            "first.last@a1.b2.c3",
            "!#$%&'*+/=?^_`{|}~-@example.org",
            "user@localhost",
            "USER@EXAMPLE.COM",
        ];
        for email in valid {
            assert!(is_valid_email(email), "{email} should be valid");
        }
        let invalid = [
            "",
            "ana",
            "@agetic.gob.bo",
            "ana@",
            "ana@@agetic.gob.bo",
            "ana maria@agetic.gob.bo",
            "ana@agetic..gob.bo",
            "ana@-agetic.gob.bo",
            "ana@agetic-.gob.bo",
            "ana@agetic.gob.bo.",
            "ñandú@agetic.gob.bo",
            "ana@agetic_gob.bo",
            "\"ana\"@agetic.gob.bo",
        ];
        for email in invalid {
            assert!(!is_valid_email(email), "{email} should be invalid");
        }
        let long_label = format!("a@{}.bo", "x".repeat(64));
        assert!(!is_valid_email(&long_label));
    }

    #[test]
    fn required_fields_are_trimmed_and_bounded() {
        let mut errors = Vec::new();
        required("name", "  ", 10, &mut errors);
        required("code", "12345678901", 10, &mut errors);
        required("fine", " ok ", 10, &mut errors);
        assert_eq!(
            errors,
            vec![
                FieldError::new("name", "Es obligatorio."),
                FieldError::new("code", "Use como máximo 10 caracteres."),
            ]
        );
    }
}
