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

/// A new account's ways in and roles: an identity card number (the person
/// signs in with Ciudadanía Digital), an e-mail with a password, or both.
pub fn check_account(
    email: Option<&str>,
    password: Option<&str>,
    has_ci: bool,
    entity: bool,
    roles: &[Role],
    is_admin: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match email {
        Some(email) if !is_valid_email(email.trim()) => errors.push(FieldError::new(
            "email",
            "Escriba un correo válido, como nombre@entidad.gob.bo.",
        )),
        None if !has_ci => errors.push(FieldError::new(
            "ci_number",
            "Escriba el número de carnet de la persona (ingresará con Ciudadanía Digital) o su correo con una contraseña.",
        )),
        _ => {}
    }
    match (email, password) {
        (_, Some(password)) => {
            errors.extend(check_password_length("password", password));
            if email.is_none() {
                errors.push(FieldError::new(
                    "password",
                    "Una contraseña necesita un correo con el que ingresar: escriba también el correo.",
                ));
            }
        }
        (Some(_), None) if !has_ci => errors.push(FieldError::new(
            "password",
            "Sin número de carnet, la persona ingresa con correo y contraseña: escriba una contraseña inicial.",
        )),
        _ => {}
    }
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
        let account = |email, password| check_account(email, password, false, false, &[], false);
        assert!(account(Some("ana@agetic.gob.bo"), Some("doce-caracter")).is_empty());
        assert_eq!(
            fields(&account(Some("ana"), Some("corta"))),
            ["email", "password"]
        );
        assert_eq!(
            fields(&account(Some("ana@agetic.gob.bo"), None)),
            ["password"]
        );
        assert_eq!(fields(&account(None, None)), ["ci_number"]);
    }

    #[test]
    fn an_identity_card_alone_is_a_way_in_and_a_password_needs_an_email() {
        let account = |email, password| check_account(email, password, true, false, &[], false);
        assert!(account(None, None).is_empty());
        assert!(account(Some("ana@agetic.gob.bo"), None).is_empty());
        assert_eq!(fields(&account(None, Some("doce-caracter"))), ["password"]);
    }
}
