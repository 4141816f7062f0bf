//! Requests for access: a person Ciudadanía Digital vouched for whom the
//! app does not know says which entity they belong to, and an administrator
//! accepts them (giving roles or an entity) or rejects them. Nobody gets in
//! by signing in alone.

use axum::http::HeaderMap;

use super::admin::{account_row, admin_only};
use super::auth::{self, Client};
use super::ciudadania::REQUEST_COOKIE;
use super::error::{ApiError, FieldError};
use super::settings::Settings;
use super::store::{Db, Decision, NewUser, User};
use crate::accounts::AccountRow;
use crate::audit::AuditEvent;
use crate::domain::accounts::{check_roles, parse_roles};
use crate::identity::{Acceptance, AccessRequest, MAX_REQUEST_TEXT};

/// The pending requests, oldest first.
pub async fn pending(db: &Db, admin: &User) -> Result<Vec<AccessRequest>, ApiError> {
    admin_only(admin)?;
    db.pending_access_requests().await
}

fn not_pending() -> ApiError {
    ApiError::Conflict("Esa solicitud ya no está pendiente: otro administrador la resolvió.".into())
}

fn not_found() -> ApiError {
    ApiError::NotFound("No existe esa solicitud.".into())
}

/// Accepts a request: the person's account is created with their identity
/// card, name and Ciudadanía Digital subject, and the roles or the entity
/// the administrator chose; their next sign-in lets them in.
pub async fn accept(
    db: &Db,
    admin: &User,
    client: &Client,
    request_id: &str,
    acceptance: Acceptance,
) -> Result<AccountRow, ApiError> {
    admin_only(admin)?;
    let request = db.access_request(request_id).await?.ok_or_else(not_found)?;
    let entity_id = acceptance.entity_id.filter(|id| !id.trim().is_empty());
    let roles = parse_roles(&acceptance.roles).map_err(|e| ApiError::Invalid(vec![e]))?;
    let mut errors = check_roles(entity_id.is_some(), &roles, acceptance.is_admin);
    if entity_id.is_none() && roles.is_empty() && !acceptance.is_admin {
        errors.push(FieldError::new(
            "roles",
            "Elija los roles de la persona, o la entidad de la que será cuenta.",
        ));
    }
    if let Some(entity) = &entity_id {
        if db.find_entity(entity).await?.is_none() {
            errors.push(FieldError::new(
                "entity_id",
                "No existe una entidad con ese identificador.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    // An entity's account acts as the entity by being one: no role stored.
    let roles = if entity_id.is_some() {
        Vec::new()
    } else {
        roles
    };
    let shape = NewUser {
        id: None,
        email: None,
        password_hash: None,
        ci_number: None,
        full_name: None,
        subject: None,
        roles: &roles,
        entity_id: entity_id.as_deref(),
        is_admin: acceptance.is_admin,
        demo: false,
    };
    let audit = client
        .audit(AuditEvent::AccessAccepted)
        .by(admin)
        .about(format!("{} (CI {})", request.full_name, request.ci_number))
        .detail(serde_json::json!({
            "roles": roles.iter().map(|r| r.slug()).collect::<Vec<_>>(),
            "administrador": acceptance.is_admin,
            "entidad": entity_id,
        }));
    match db
        .accept_access_request(request_id, &shape, &admin.id, &audit)
        .await?
    {
        Decision::Done(Some(user_id)) => account_row(db, &user_id).await,
        Decision::Done(None) | Decision::NotPending => Err(not_pending()),
        Decision::Taken => Err(ApiError::Conflict(format!(
            "Ya existe una cuenta con el carnet {}: rechace esta solicitud; la persona ingresará con esa cuenta.",
            request.ci_number
        ))),
    }
}

/// Rejects a request, saying why (the person reads it).
pub async fn reject(
    db: &Db,
    admin: &User,
    client: &Client,
    request_id: &str,
    reason: &str,
) -> Result<AccessRequest, ApiError> {
    admin_only(admin)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REQUEST_TEXT {
        return Err(ApiError::invalid(
            "reason",
            format!("Diga a la persona por qué (hasta {MAX_REQUEST_TEXT} caracteres)."),
        ));
    }
    let request = db.access_request(request_id).await?.ok_or_else(not_found)?;
    let audit = client
        .audit(AuditEvent::AccessRejected)
        .by(admin)
        .about(format!("{} (CI {})", request.full_name, request.ci_number))
        .detail(serde_json::json!({ "motivo": reason }));
    match db
        .reject_access_request(request_id, reason, &admin.id, &audit)
        .await?
    {
        Decision::Done(_) => db.access_request(request_id).await?.ok_or_else(not_found),
        _ => Err(not_pending()),
    }
}

/// The request of the person whose browser carries its cookie.
pub async fn own(
    db: &Db,
    settings: &Settings,
    headers: &HeaderMap,
) -> Result<Option<AccessRequest>, ApiError> {
    let Some(token) = auth::cookie_value(headers, &settings.cookie_name(REQUEST_COOKIE)) else {
        return Ok(None);
    };
    db.access_request_by_token(&auth::token_hash(&token)).await
}

/// The person says which entity they belong to (and anything else an
/// administrator should know); a rejected request asked again waits anew.
pub async fn complete_own(
    db: &Db,
    settings: &Settings,
    headers: &HeaderMap,
    claimed_entity: &str,
    note: &str,
) -> Result<AccessRequest, ApiError> {
    let claimed_entity = claimed_entity.trim();
    let note = note.trim();
    let mut errors = Vec::new();
    if claimed_entity.is_empty() || claimed_entity.chars().count() > MAX_REQUEST_TEXT {
        errors.push(FieldError::new(
            "claimed_entity",
            format!("Escriba la entidad en la que trabaja (hasta {MAX_REQUEST_TEXT} caracteres), por ejemplo «Ministerio de Salud y Deportes» o «AGETIC»."),
        ));
    }
    if note.chars().count() > MAX_REQUEST_TEXT {
        errors.push(FieldError::new(
            "note",
            format!("El comentario admite hasta {MAX_REQUEST_TEXT} caracteres."),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let token = auth::cookie_value(headers, &settings.cookie_name(REQUEST_COOKIE))
        .ok_or_else(no_request)?;
    let note = (!note.is_empty()).then_some(note);
    db.complete_access_request(&auth::token_hash(&token), claimed_entity, note)
        .await?
        .ok_or_else(no_request)
}

fn no_request() -> ApiError {
    ApiError::NotFound(
        "No encontramos su solicitud (o ya fue aceptada): ingrese de nuevo con Ciudadanía Digital."
            .into(),
    )
}
