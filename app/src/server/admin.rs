//! What only administrators do: register entities, create accounts and
//! assign roles. The pages and the API both come through here.

use serde::Deserialize;

use super::auth::{self, Client};
use super::error::{ApiError, FieldError};
use super::stats::{default_due, DueTimes};
use super::store::{AccountChange, AuditEntry, Db, NewUser, User};
use crate::accounts::{AccountRow, AdminOverview, DueRow, Entity};
use crate::audit::{AuditEvent, AuditFilter, AuditRow};
use crate::domain::accounts::{check_account, check_entity, check_roles, parse_roles};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::identity::ci_key;

pub fn admin_only(user: &User) -> Result<(), ApiError> {
    if user.actor().administers() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Solo un administrador puede hacer esto.".into(),
        ))
    }
}

fn reject_if_any(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

pub async fn overview(db: &Db, admin: &User) -> Result<AdminOverview, ApiError> {
    admin_only(admin)?;
    Ok(AdminOverview {
        entities: db.list_entity_rows().await?,
        accounts: db.list_accounts().await?,
        due_times: due_rows(db).await?,
        access_requests: db.pending_access_requests().await?,
    })
}

/// Every activity's due time, in hours.
pub async fn due_rows(db: &Db) -> Result<Vec<DueRow>, ApiError> {
    let due = DueTimes::load(db).await?;
    Ok(procedures::current()
        .into_iter()
        .flat_map(|procedure| {
            let due = &due;
            procedure.activities.iter().map(move |activity| DueRow {
                procedure: procedure.code.to_owned(),
                activity: activity.number,
                set_hours: due
                    .is_set(procedure, activity.number)
                    .then(|| due.of(procedure, activity.number) / HOUR_MS),
                default_hours: default_due(procedure, activity.number) / HOUR_MS,
            })
        })
        .collect())
}

pub async fn create_entity(
    db: &Db,
    admin: &User,
    name: &str,
    code: &str,
) -> Result<Entity, ApiError> {
    admin_only(admin)?;
    reject_if_any(check_entity(name, code))?;
    let entity = db.create_entity(None, name, code).await?.ok_or_else(|| {
        ApiError::Conflict(format!(
            "Ya existe una entidad con el código {}.",
            code.trim().to_uppercase()
        ))
    })?;
    db.audit(
        &AuditEntry::new(AuditEvent::EntityCreated)
            .by(admin)
            .about(format!("{} ({})", entity.name, entity.code)),
    )
    .await?;
    Ok(entity)
}

/// A request for a new account, as the API and the admin page send it:
/// an identity card number (the person signs in with Ciudadanía Digital),
/// an e-mail with a password, or both. Blank fields count as absent.
#[derive(Debug, Deserialize)]
pub struct NewAccount {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub ci_number: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    pub entity_id: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

pub async fn create_account(db: &Db, admin: &User, request: NewAccount) -> Result<User, ApiError> {
    admin_only(admin)?;
    let entity_id = given(request.entity_id);
    let email = given(request.email).map(|e| e.trim().to_lowercase());
    // A password is taken as typed: spaces may be part of it.
    let password = request.password.filter(|p| !p.is_empty());
    let ci = given(request.ci_number);
    let parsed = parse_roles(&request.roles);
    let roles = parsed.clone().unwrap_or_default();
    let mut errors = check_account(
        email.as_deref(),
        password.as_deref(),
        ci.is_some(),
        entity_id.is_some(),
        &roles,
        request.is_admin,
    );
    let ci_number = match ci.as_deref().map(ci_key) {
        Some(Ok(canonical)) => Some(canonical),
        Some(Err(message)) => {
            errors.push(FieldError::new("ci_number", message));
            None
        }
        None => None,
    };
    errors.extend(parsed.err());
    // Long enough, then hard to guess: in its place among the fields.
    let refused_already = errors.iter().any(|e| e.field == "password");
    if let (false, Some(password), Some(email)) = (refused_already, &password, &email) {
        if let Err(weak) = auth::check_new_password("password", password, email) {
            let before = errors
                .iter()
                .take_while(|e| matches!(e.field.as_str(), "email" | "ci_number"))
                .count();
            errors.insert(before, weak);
        }
    }
    if let Some(entity) = &entity_id {
        if db.find_entity(entity).await?.is_none() {
            errors.push(FieldError::new(
                "entity_id",
                "No existe una entidad con ese identificador.",
            ));
        }
    }
    reject_if_any(errors)?;
    if let Some(ci) = &ci_number {
        if db.find_user_by_ci(ci).await?.is_some() {
            return Err(ApiError::Conflict(format!(
                "Ya existe una cuenta con el carnet {ci}."
            )));
        }
    }
    // An entity's account acts as the entity by being one: no role stored.
    let roles = if entity_id.is_some() {
        Vec::new()
    } else {
        roles
    };
    let password_hash = match password {
        Some(password) => Some(auth::hash_password(password).await?),
        None => None,
    };
    let created = db
        .create_user(NewUser {
            id: None,
            email: email.as_deref(),
            password_hash,
            ci_number: ci_number.as_deref(),
            full_name: None,
            subject: None,
            roles: &roles,
            entity_id: entity_id.as_deref(),
            is_admin: request.is_admin,
            demo: false,
        })
        .await?
        .ok_or_else(|| match (&email, &ci_number) {
            (Some(email), _) => {
                ApiError::Conflict(format!("Ya existe una cuenta con el correo {email}."))
            }
            (None, ci) => ApiError::Conflict(format!(
                "Ya existe una cuenta con el carnet {}.",
                ci.as_deref().unwrap_or_default()
            )),
        })?;
    db.audit(
        &AuditEntry::new(AuditEvent::AccountCreated)
            .by(admin)
            .about(created.label())
            .detail(access_detail(&created)),
    )
    .await?;
    Ok(created)
}

/// What an account may do, as the audit log records it.
fn access_detail(user: &User) -> serde_json::Value {
    serde_json::json!({
        "roles": user.roles.iter().map(|r| r.slug()).collect::<Vec<_>>(),
        "administrador": user.is_admin,
        "entidad": user.entity_id,
    })
}

fn account_not_found() -> ApiError {
    ApiError::NotFound("No existe esa cuenta.".into())
}

fn last_admin() -> ApiError {
    ApiError::Conflict(
        "Es el último administrador habilitado: nombre antes a otro administrador.".into(),
    )
}

/// The account as the administrators' list shows it.
pub(super) async fn account_row(db: &Db, user_id: &str) -> Result<AccountRow, ApiError> {
    db.list_accounts()
        .await?
        .into_iter()
        .find(|account| account.id == user_id)
        .ok_or_else(account_not_found)
}

fn applied(change: AccountChange) -> Result<(), ApiError> {
    match change {
        AccountChange::Done => Ok(()),
        AccountChange::NotFound => Err(account_not_found()),
        AccountChange::LastAdmin => Err(last_admin()),
    }
}

/// Disables an account (ending its sessions) or enables it again. The last
/// administrator stays enabled, and nobody disables themselves.
pub async fn set_disabled(
    db: &Db,
    admin: &User,
    client: &Client,
    user_id: &str,
    disabled: bool,
) -> Result<AccountRow, ApiError> {
    admin_only(admin)?;
    let target = db
        .find_user_by_id(user_id)
        .await?
        .ok_or_else(account_not_found)?;
    if disabled && target.id == admin.id {
        return Err(ApiError::Conflict(
            "No puede deshabilitar su propia cuenta; pídaselo a otro administrador.".into(),
        ));
    }
    let event = if disabled {
        AuditEvent::AccountDisabled
    } else {
        AuditEvent::AccountEnabled
    };
    let audit = client.audit(event).by(admin).about(target.label());
    applied(db.set_user_disabled(user_id, disabled, &audit).await?)?;
    account_row(db, user_id).await
}

/// Sets a temporary password the person must replace at their next
/// sign-in, and ends their sessions.
pub async fn reset_password(
    db: &Db,
    admin: &User,
    client: &Client,
    user_id: &str,
    password: String,
) -> Result<(), ApiError> {
    admin_only(admin)?;
    let target = db
        .find_user_by_id(user_id)
        .await?
        .ok_or_else(account_not_found)?;
    let Some(email) = &target.email else {
        return Err(ApiError::Conflict(
            "Esa cuenta no tiene correo: la persona ingresa con Ciudadanía Digital, sin contraseña."
                .into(),
        ));
    };
    auth::check_new_password("password", &password, email)
        .map_err(|e| ApiError::Invalid(vec![e]))?;
    let hash = auth::hash_password(password).await?;
    let audit = client
        .audit(AuditEvent::PasswordReset)
        .by(admin)
        .about(target.label());
    applied(db.set_password(user_id, &hash, true, None, &audit).await?)
}

/// Ends every session of an account; how many there were.
pub async fn end_sessions(
    db: &Db,
    admin: &User,
    client: &Client,
    user_id: &str,
) -> Result<u64, ApiError> {
    admin_only(admin)?;
    let target = db
        .find_user_by_id(user_id)
        .await?
        .ok_or_else(account_not_found)?;
    let audit = client
        .audit(AuditEvent::SessionsEnded)
        .by(admin)
        .about(target.label());
    db.end_sessions(user_id, &audit).await
}

/// Replaces what a staff account may do and ends its sessions (the person
/// signs in again under the new rules). An administrator cannot drop their
/// own administrator flag, and the last one stays.
pub async fn change_access(
    db: &Db,
    admin: &User,
    client: &Client,
    user_id: &str,
    role_slugs: &[String],
    is_admin: bool,
) -> Result<AccountRow, ApiError> {
    admin_only(admin)?;
    let target = db
        .find_user_by_id(user_id)
        .await?
        .ok_or_else(account_not_found)?;
    let roles = parse_roles(role_slugs).map_err(|e| ApiError::Invalid(vec![e]))?;
    let mut errors = check_roles(target.entity_id.is_some(), &roles, is_admin);
    if target.id == admin.id && !is_admin {
        errors.push(FieldError::new(
            "is_admin",
            "No puede quitarse a sí mismo el acceso de administrador; pídaselo a otro administrador.",
        ));
    }
    reject_if_any(errors)?;
    let after = serde_json::json!({
        "roles": roles.iter().map(|r| r.slug()).collect::<Vec<_>>(),
        "administrador": is_admin,
    });
    let audit = client
        .audit(AuditEvent::AccessChanged)
        .by(admin)
        .about(target.label())
        .detail(serde_json::json!({ "antes": access_detail(&target), "despues": after }));
    applied(
        db.set_user_access(user_id, &roles, is_admin, &audit)
            .await?,
    )?;
    account_row(db, user_id).await
}

const HOUR_MS: i64 = 3_600_000;

/// Sets (hours) or resets (`None`) the due times of `procedure`'s
/// activities; every value is checked before any is stored.
pub async fn set_due_times(
    db: &Db,
    user: &User,
    procedure: &Procedure,
    hours: &[(ActivityNumber, Option<u32>)],
) -> Result<(), ApiError> {
    admin_only(user)?;
    let mut errors = Vec::new();
    for (number, value) in hours {
        if procedure.activity(*number).is_none() {
            errors.push(FieldError::new(
                &number.to_string(),
                format!("{} no tiene actividad {number}.", procedure.code),
            ));
        } else if value.is_some_and(|h| !(1..=8_760).contains(&h)) {
            errors.push(FieldError::new(
                &number.to_string(),
                format!("Actividad {number}: escriba un plazo de 1 a 8760 horas, o déjelo vacío para el plazo por defecto."),
            ));
        }
    }
    reject_if_any(errors)?;
    let due_ms: Vec<_> = hours
        .iter()
        .map(|(number, h)| (*number, h.map(|h| i64::from(h) * HOUR_MS)))
        .collect();
    db.set_due_times(procedure, &due_ms).await?;
    let hours: serde_json::Map<String, serde_json::Value> = hours
        .iter()
        .map(|(number, h)| (number.to_string(), serde_json::json!(h)))
        .collect();
    db.audit(
        &AuditEntry::new(AuditEvent::DueTimesChanged)
            .by(user)
            .about(procedure.code)
            .detail(serde_json::json!({ "version": procedure.version, "horas": hours })),
    )
    .await
}

/// Entries of the audit log shown at a time.
pub const AUDIT_PAGE: i64 = 200;

/// The newest entries of the audit log that `filter` keeps, for administrators.
pub async fn audit_log(
    db: &Db,
    admin: &User,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, ApiError> {
    admin_only(admin)?;
    let filter = AuditFilter {
        event: filter.event.clone().filter(|e| !e.trim().is_empty()),
        who: filter.who.clone().filter(|w| !w.trim().is_empty()),
        before: filter.before,
    };
    if let Some(event) = &filter.event {
        if AuditEvent::from_slug(event).is_none() {
            return Err(ApiError::invalid(
                "event",
                format!("No hay eventos de tipo «{event}»."),
            ));
        }
    }
    db.audit_log(&filter, limit).await
}
