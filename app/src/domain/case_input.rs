//! What a person types into a case: the limits (the pages' `maxlength` uses
//! them too) and the checks the server runs before anything is stored.

use super::procedure::Concerns;
use super::validation::FieldError;

pub const MAX_TITLE: usize = 300;
pub const MAX_OUTPUT_REFERENCE: usize = 200;
pub const MAX_COMMENT: usize = 2_000;
pub const MAX_OBSERVATIONS: usize = 4_000;
/// The entities one case may name (a PR09 analysis may concern many).
pub const MAX_CASE_ENTITIES: usize = 100;

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

/// The entities a new case names, as its procedure wants them: the one that
/// asked, or for PR09 none, one or several, each once.
pub fn check_entities(concerns: Concerns, entity_ids: &[impl AsRef<str>]) -> Vec<FieldError> {
    let repeated = entity_ids
        .iter()
        .enumerate()
        .any(|(i, id)| entity_ids[..i].iter().any(|e| e.as_ref() == id.as_ref()));
    let message = match (concerns, entity_ids.len()) {
        (Concerns::OneEntity, 0) => Some("Elija la entidad solicitante.".to_owned()),
        (Concerns::OneEntity, 1) => None,
        (Concerns::OneEntity, _) => {
            Some("Este procedimiento atiende a una sola entidad: elija una.".to_owned())
        }
        (Concerns::AnyEntities, n) if n > MAX_CASE_ENTITIES => Some(format!(
            "Un expediente puede nombrar como máximo {MAX_CASE_ENTITIES} entidades."
        )),
        _ if repeated => Some("Cada entidad se nombra una sola vez.".to_owned()),
        _ => None,
    };
    message
        .map(|m| FieldError::new("entity_id", m))
        .into_iter()
        .collect()
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
    #[test]
    fn a_case_names_its_entities_as_its_procedure_wants() {
        use super::{check_entities, Concerns};
        let none: [&str; 0] = [];
        assert!(!check_entities(Concerns::OneEntity, &none).is_empty());
        assert!(check_entities(Concerns::OneEntity, &["e1"]).is_empty());
        assert!(!check_entities(Concerns::OneEntity, &["e1", "e2"]).is_empty());
        assert!(check_entities(Concerns::AnyEntities, &none).is_empty());
        assert!(check_entities(Concerns::AnyEntities, &["e1", "e2"]).is_empty());
        assert_eq!(
            check_entities(Concerns::AnyEntities, &["e1", "e2", "e1"])[0].message,
            "Cada entidad se nombra una sola vez."
        );
        let many: Vec<String> = (0..=super::MAX_CASE_ENTITIES)
            .map(|n| format!("e{n}"))
            .collect();
        assert!(!check_entities(Concerns::AnyEntities, &many).is_empty());
    }

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
