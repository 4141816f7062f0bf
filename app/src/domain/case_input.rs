//! What a person types into a case: the limits (the pages' `maxlength` uses
//! them too) and the checks the server runs before anything is stored.

use super::validation::FieldError;

pub const MAX_TITLE: usize = 300;
pub const MAX_OUTPUT_REFERENCE: usize = 200;
pub const MAX_COMMENT: usize = 2_000;
pub const MAX_OBSERVATIONS: usize = 4_000;

fn too_long(field: &str, max: usize) -> FieldError {
    FieldError::new(field, format!("Use como máximo {max} caracteres."))
}

/// The title a new case is known by.
pub fn check_title(title: &str) -> Vec<FieldError> {
    let title = title.trim();
    if title.is_empty() {
        vec![FieldError::new(
            "title",
            "Escriba un título que identifique el expediente.",
        )]
    } else if title.chars().count() > MAX_TITLE {
        vec![too_long("title", MAX_TITLE)]
    } else {
        Vec::new()
    }
}

/// What a completion records besides the decision: the output's reference
/// and an optional comment.
pub fn check_completion(output_reference: &str, comment: Option<&str>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let reference = output_reference.trim();
    if reference.is_empty() {
        errors.push(FieldError::new(
            "output_reference",
            "Indique la referencia de la salida (por ejemplo, el número de la nota o del informe).",
        ));
    } else if reference.chars().count() > MAX_OUTPUT_REFERENCE {
        errors.push(too_long("output_reference", MAX_OUTPUT_REFERENCE));
    }
    errors.extend(check_comment(comment));
    errors
}

/// A comment that goes with a change of a case, when there is one.
pub fn check_comment(comment: Option<&str>) -> Vec<FieldError> {
    if comment.is_some_and(|c| c.trim().chars().count() > MAX_COMMENT) {
        vec![too_long("comment", MAX_COMMENT)]
    } else {
        Vec::new()
    }
}

/// The observations a reviewer returns a sent form with.
pub fn check_observations(observations: &str) -> Vec<FieldError> {
    let observations = observations.trim();
    if observations.is_empty() || observations.chars().count() > MAX_OBSERVATIONS {
        vec![FieldError::new(
            "observations",
            format!("Escriba las observaciones que la entidad debe corregir (hasta {MAX_OBSERVATIONS} caracteres)."),
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_required_and_bounded() {
        assert_eq!(check_title("  ").len(), 1);
        assert!(check_title("Integración de pagos").is_empty());
        assert_eq!(check_title(&"ñ".repeat(MAX_TITLE + 1)).len(), 1);
        assert!(check_title(&"ñ".repeat(MAX_TITLE)).is_empty());
    }

    #[test]
    fn a_completion_names_its_output() {
        let errors = check_completion(" ", Some(&"x".repeat(MAX_COMMENT + 1)));
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["output_reference", "comment"]);
        assert!(check_completion("NI-123/2026", None).is_empty());
    }

    #[test]
    fn observations_say_what_to_correct() {
        assert_eq!(check_observations("").len(), 1);
        assert!(check_observations("Falta el correo de contacto.").is_empty());
    }
}
