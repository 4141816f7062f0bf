//! What makes a request for an entity or an account acceptable, before the
//! database is asked anything.

use super::role::Role;
use super::validation::{is_valid_email, required, FieldError};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_ENTITY_NAME: usize = 200;
pub const MAX_ENTITY_CODE: usize = 40;

/// A new public entity: its name and the short code it is known by.
pub fn check_entity(name: &str, code: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    required("name", name, MAX_ENTITY_NAME, &mut errors);
    required("code", code, MAX_ENTITY_CODE, &mut errors);
    let code = code.trim();
    if !code.is_empty()
        && !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.push(FieldError::new(
            "code",
            "Use solo letras sin tilde, números y guiones, como ADSIB o MIN-SALUD.",
        ));
    }
    errors
}

/// The roles named by their slugs; unknown slugs are an error.
pub fn parse_roles(slugs: &[String]) -> Result<Vec<Role>, FieldError> {
    let mut roles = Vec::new();
    for slug in slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match Role::from_slug(slug) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => {
                return Err(FieldError::new(
                    "roles",
                    format!("No existe el rol «{slug}»."),
                ))
            }
        }
    }
    Ok(roles)
}

/// What an account may hold: an entity's account acts only as the entity;
/// staff hold the manual's roles except the entity's.
pub fn check_roles(entity: bool, roles: &[Role], is_admin: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    // Naming the entity's own role for an entity's account says what it is.
    let staff_roles = roles.iter().any(|role| *role != Role::Entidad);
    if entity && (staff_roles || is_admin) {
        errors.push(FieldError::new(
            "roles",
            "Una cuenta de entidad actúa solo como la entidad: no lleva roles del personal.",
        ));
    }
    if !entity && roles.contains(&Role::Entidad) {
        errors.push(FieldError::new(
            "entity_id",
            "El rol de entidad requiere indicar a qué entidad pertenece la cuenta.",
        ));
    }
    errors
}

/// A new account's e-mail, password and roles.
pub fn check_account(
    email: &str,
    password: &str,
    entity: bool,
    roles: &[Role],
    is_admin: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !is_valid_email(email.trim()) {
        errors.push(FieldError::new(
            "email",
            "Escriba un correo válido, como nombre@entidad.gob.bo.",
        ));
    }
    errors.extend(check_password_length("password", password));
    errors.extend(check_roles(entity, roles, is_admin));
    errors
}

/// A password's length: at least 12 characters, and not only blanks.
/// (How guessable it is the server checks against its list.)
pub fn check_password_length(field: &str, password: &str) -> Option<FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(FieldError::new(
            field,
            format!("La contraseña debe tener al menos {MIN_PASSWORD_CHARS} caracteres."),
        ))
    } else if password.trim().is_empty() {
        Some(FieldError::new(
            field,
            "La contraseña no puede ser solo espacios.",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn entities_need_a_name_and_a_plain_code() {
        assert!(check_entity("Agencia de Gobierno Electrónico", "AGETIC").is_empty());
        assert!(check_entity("Ministerio de Salud", "MIN-SALUD_2").is_empty());
        assert_eq!(fields(&check_entity(" ", "")), ["name", "code"]);
        assert_eq!(fields(&check_entity("Entidad", "CÓDIGO X")), ["code"]);
        assert_eq!(fields(&check_entity("Entidad", &"A".repeat(41))), ["code"]);
    }

    #[test]
    fn roles_are_known_slugs_without_repeats() {
        let slugs = ["jefe-ugat", " dge ", "jefe-ugat", ""].map(String::from);
        assert_eq!(parse_roles(&slugs), Ok(vec![Role::JefeUgat, Role::Dge]));
        let unknown = parse_roles(&["jefe".into()]).unwrap_err();
        assert_eq!(unknown.field, "roles");
        assert!(unknown.message.contains("jefe"));
    }

    #[test]
    fn entity_accounts_hold_no_staff_role_and_staff_not_the_entity_role() {
        assert!(check_roles(true, &[], false).is_empty());
        assert!(check_roles(false, &[Role::Dge, Role::Uit], true).is_empty());
        assert_eq!(fields(&check_roles(true, &[Role::Dge], false)), ["roles"]);
        assert_eq!(fields(&check_roles(true, &[], true)), ["roles"]);
        assert_eq!(
            fields(&check_roles(false, &[Role::Entidad], false)),
            ["entity_id"]
        );
    }

    #[test]
    fn accounts_need_a_real_email_and_a_long_password() {
        assert!(check_account("ana@agetic.gob.bo", "doce-caracter", false, &[], false).is_empty());
        assert_eq!(
            fields(&check_account("ana", "corta", false, &[], false)),
            ["email", "password"]
        );
    }
}
