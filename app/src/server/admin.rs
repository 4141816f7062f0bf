//! What only administrators do: register entities, create accounts and
//! assign roles. The pages and the API both come through here.

use serde::Deserialize;

use super::auth;
use super::error::{ApiError, FieldError};
use super::stats::{default_due, DueTimes};
use super::store::{Db, NewUser, User};
use crate::accounts::{AccountRow, AdminOverview, DueRow, Entity};
use crate::domain::accounts::{check_account, check_entity, check_roles, parse_roles};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;

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
    })
}

/// Every activity's due time, in hours.
pub async fn due_rows(db: &Db) -> Result<Vec<DueRow>, ApiError> {
    let due = DueTimes::load(db).await?;
    Ok(procedures::ALL
        .iter()
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
    db.create_entity(None, name, code).await?.ok_or_else(|| {
        ApiError::Conflict(format!(
            "Ya existe una entidad con el código {}.",
            code.trim().to_uppercase()
        ))
    })
}

/// A request for a new account, as the API and the admin page send it.
#[derive(Debug, Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub roles: Vec<String>,
    pub entity_id: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

pub async fn create_account(db: &Db, admin: &User, request: NewAccount) -> Result<User, ApiError> {
    admin_only(admin)?;
    let entity_id = request.entity_id.filter(|id| !id.trim().is_empty());
    let parsed = parse_roles(&request.roles);
    let roles = parsed.clone().unwrap_or_default();
    let mut errors = check_account(
        &request.email,
        &request.password,
        entity_id.is_some(),
        &roles,
        request.is_admin,
    );
    errors.extend(parsed.err());
    if let Some(entity) = &entity_id {
        if db.find_entity(entity).await?.is_none() {
            errors.push(FieldError::new(
                "entity_id",
                "No existe una entidad con ese identificador.",
            ));
        }
    }
    reject_if_any(errors)?;
    db.create_user(NewUser {
        id: None,
        email: request.email.trim(),
        password_hash: auth::hash_password(request.password).await?,
        roles: &roles,
        entity_id: entity_id.as_deref(),
        is_admin: request.is_admin,
        demo: false,
    })
    .await?
    .ok_or_else(|| {
        ApiError::Conflict(format!(
            "Ya existe una cuenta con el correo {}.",
            request.email.trim().to_lowercase()
        ))
    })
}

/// Replaces what a staff account may do. An administrator cannot drop their
/// own administrator flag, so that the app always keeps one.
pub async fn change_access(
    db: &Db,
    admin: &User,
    user_id: &str,
    role_slugs: &[String],
    is_admin: bool,
) -> Result<AccountRow, ApiError> {
    admin_only(admin)?;
    let not_found = || ApiError::NotFound("No existe esa cuenta.".into());
    let target = db.find_user_by_id(user_id).await?.ok_or_else(not_found)?;
    let roles = parse_roles(role_slugs).map_err(|e| ApiError::Invalid(vec![e]))?;
    let mut errors = check_roles(target.entity_id.is_some(), &roles, is_admin);
    if target.id == admin.id && !is_admin {
        errors.push(FieldError::new(
            "is_admin",
            "No puede quitarse a sí mismo el acceso de administrador; pídaselo a otro administrador.",
        ));
    }
    reject_if_any(errors)?;
    if !db.set_user_access(user_id, &roles, is_admin).await? {
        return Err(not_found());
    }
    db.list_accounts()
        .await?
        .into_iter()
        .find(|account| account.id == user_id)
        .ok_or_else(not_found)
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
    db.set_due_times(procedure.code, &due_ms).await
}
