//! Notices for their readers (the bell, its page, the API), each person's
//! mail preference, the deadline notices and daily digests found from the
//! database, and the mail administrators see given up on.

use super::error::ApiError;
use super::stats::DueTimes;
use super::store::{Db, FailedMail, User};
use crate::domain::derivation::{self, digest_cutoff, DeadlinePolicy, MailPreference};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::notifications::{NotificationList, Preferences, NOTICES_SHOWN};

pub async fn list(db: &Db, user: &User) -> Result<NotificationList, ApiError> {
    db.notifications(&user.id, NOTICES_SHOWN).await
}

/// Marks one of the person's notices read, or all of them (`None`).
pub async fn mark_read(db: &Db, user: &User, id: Option<&str>) -> Result<(), ApiError> {
    if db.mark_read(&user.id, id).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound(
            "No existe ese aviso o no es suyo.".into(),
        ))
    }
}

pub async fn preferences(db: &Db, user: &User) -> Result<Preferences, ApiError> {
    Ok(Preferences::of(db.mail_preference(&user.id).await?))
}

pub async fn set_preferences(db: &Db, user: &User, wanted: &Preferences) -> Result<(), ApiError> {
    let preference = MailPreference::from_slug(wanted.mail.trim()).ok_or_else(|| {
        ApiError::invalid(
            "mail",
            "Elija each (un correo por aviso), daily (un resumen diario) o none (ningún correo).",
        )
    })?;
    db.set_mail_preference(&user.id, preference).await
}

fn administrators_only(user: &User) -> Result<(), ApiError> {
    if user.actor().administers() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Solo los administradores ven los correos no entregados.".into(),
        ))
    }
}

/// Mail shown at most among those given up on.
const FAILED_SHOWN: i64 = 200;

pub async fn failed_mail(db: &Db, user: &User) -> Result<Vec<FailedMail>, ApiError> {
    administrators_only(user)?;
    db.failed_mail(FAILED_SHOWN).await
}

pub async fn retry_mail(db: &Db, user: &User, id: &str) -> Result<(), ApiError> {
    administrators_only(user)?;
    if db.retry_mail(id).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound(
            "No hay un correo no entregado con ese identificador.".into(),
        ))
    }
}

/// Records the deadline notices every current activity reached by `now`,
/// by the due times the dashboard uses; returns how many people were told.
pub async fn sweep_deadlines(
    db: &Db,
    now: i64,
    policy: &DeadlinePolicy,
) -> Result<usize, ApiError> {
    let due = DueTimes::load(db).await?;
    let dues: Vec<(&'static Procedure, ActivityNumber, i64)> = procedures::every_version()
        .iter()
        .flat_map(|&p| {
            let due = &due;
            p.activities
                .iter()
                .map(move |a| (p, a.number, due.of(p, a.number)))
        })
        .collect();
    let notices_for =
        |procedure: &str, version: u16, number: ActivityNumber, kind, assignee: Option<&str>| {
            procedures::definition(procedure, version)
                .and_then(|p| p.activity(number))
                .map(|activity| derivation::on_deadline(activity, kind, assignee))
                .unwrap_or_default()
        };
    db.deadline_notices(now, &dues, policy, &notices_for).await
}

/// Queues the daily digests due at `now` (after `digest_hour` in Bolivia).
pub async fn queue_digests(db: &Db, now: i64, digest_hour: i64) -> Result<u64, ApiError> {
    db.queue_digests(digest_cutoff(now, digest_hour), now).await
}
