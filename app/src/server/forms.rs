//! The entity's request forms on the server: drafts kept as typed, and sent
//! versions checked with the same `validate()` as the browser, attached to
//! the entity's open PR6 case and recorded in its history.

use sqlx::{Row, SqlitePool};

use super::error::ApiError;
use super::store::{new_id, now_ms, User};
use crate::domain::access::FORM_REVIEWERS;
use crate::domain::role::Role;
use crate::forms::{
    today_in_bolivia, Anexo, Anexo1, Anexo2, Anexo3, AnyForm, Draft, Submission, SubmissionStatus,
};
use crate::portal::{CaseLink, FormStanding, Portal};

/// A form's JSON beyond this is not a form anyone typed.
const MAX_FORM_BYTES: usize = 32 * 1024;
const MAX_OBSERVATIONS: usize = 4_000;

/// The entity an account fills forms for; staff do not fill them.
fn entity_of(user: &User) -> Result<&str, ApiError> {
    user.entity_id.as_deref().ok_or_else(|| {
        ApiError::Forbidden(
            "Los formularios los llena una cuenta de la entidad solicitante.".into(),
        )
    })
}

fn parse(anexo: Anexo, data: &str) -> Result<AnyForm, ApiError> {
    let value: serde_json::Value = serde_json::from_str(data)
        .map_err(|e| ApiError::Internal(format!("stored form is not JSON: {e}")))?;
    // Stored forms carry their tag; a bare form body is read as `anexo`.
    match serde_json::from_value::<AnyForm>(value.clone()) {
        Ok(form) => Ok(form),
        Err(_) => AnyForm::from_json(anexo, value).map_err(ApiError::Internal),
    }
}

/// The draft of `anexo` for the user's entity; when none was saved yet, a
/// form pre-filled with what the entity already typed elsewhere.
pub async fn load_draft(pool: &SqlitePool, user: &User, anexo: Anexo) -> Result<Draft, ApiError> {
    let entity = entity_of(user)?;
    let row =
        sqlx::query("SELECT data, updated_at FROM form_drafts WHERE entity_id = ? AND anexo = ?")
            .bind(entity)
            .bind(anexo.slug())
            .fetch_optional(pool)
            .await?;
    if let Some(row) = row {
        return Ok(Draft {
            form: parse(anexo, row.get("data"))?,
            saved_at: Some(row.get("updated_at")),
        });
    }
    Ok(Draft {
        form: prefilled(pool, user, entity, anexo).await?,
        saved_at: None,
    })
}

/// What the entity typed once serves every form: its e-mail, contacts and
/// its own name and code.
async fn prefilled(
    pool: &SqlitePool,
    user: &User,
    entity: &str,
    anexo: Anexo,
) -> Result<AnyForm, ApiError> {
    let mut email = user.email.clone();
    let mut contacts = Vec::new();
    let rows = sqlx::query(
        "SELECT anexo, data FROM form_drafts WHERE entity_id = ? ORDER BY updated_at DESC",
    )
    .bind(entity)
    .fetch_all(pool)
    .await?;
    for (index, row) in rows.iter().enumerate() {
        let Some(slug) = Anexo::from_slug(row.get("anexo")) else {
            continue;
        };
        let form = parse(slug, row.get("data"))?;
        let typed_email = match &form {
            AnyForm::Uno(f) => f.email.trim().to_owned(),
            AnyForm::Dos(f) => {
                contacts = f.contacts.clone();
                f.email.trim().to_owned()
            }
            AnyForm::Tres(f) => f.email.trim().to_owned(),
        };
        if index == 0 && !typed_email.is_empty() {
            email = typed_email;
        }
    }
    let (name, code): (String, String) =
        sqlx::query_as("SELECT name, code FROM entities WHERE id = ?")
            .bind(entity)
            .fetch_one(pool)
            .await?;
    Ok(match anexo {
        Anexo::Uno => AnyForm::Uno(Anexo1 {
            email,
            ..Anexo1::default()
        }),
        Anexo::Dos => AnyForm::Dos(Anexo2 {
            email,
            contacts,
            ..Anexo2::default()
        }),
        Anexo::Tres => AnyForm::Tres(Anexo3 {
            email,
            entity_name: name,
            entity_code: code,
            ..Anexo3::default()
        }),
    })
}

/// Keeps what was typed, whatever its state: a draft is never refused for
/// being incomplete or wrong. Returns when it was saved.
pub async fn save_draft(pool: &SqlitePool, user: &User, form: &AnyForm) -> Result<i64, ApiError> {
    let entity = entity_of(user)?;
    let data = serde_json::to_string(form).map_err(|e| ApiError::Internal(e.to_string()))?;
    if data.len() > MAX_FORM_BYTES {
        return Err(ApiError::invalid(
            "form",
            "El formulario es demasiado largo para guardarlo; acorte los textos.",
        ));
    }
    let now = now_ms();
    sqlx::query(
        "INSERT INTO form_drafts (entity_id, anexo, data, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entity_id, anexo) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(entity)
    .bind(form.anexo().slug())
    .bind(&data)
    .bind(now)
    .bind(&user.id)
    .execute(pool)
    .await?;
    Ok(now)
}

/// Sends the saved draft of `anexo`: checked again here, kept as an
/// immutable new version, attached to the entity's open PR6 case and
/// recorded in its history, all in one transaction.
pub async fn submit(pool: &SqlitePool, user: &User, anexo: Anexo) -> Result<Submission, ApiError> {
    let entity = entity_of(user)?;
    let draft = load_draft(pool, user, anexo).await?;
    if draft.saved_at.is_none() {
        return Err(ApiError::Conflict(
            "No hay un borrador guardado de este formulario: llénelo antes de enviarlo.".into(),
        ));
    }
    let form = draft.form.normalised();
    let report = form.validate(today_in_bolivia());
    let mut errors = report.errors;
    if let AnyForm::Uno(anexo1) = &form {
        let anexo2_sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM form_submissions WHERE entity_id = ? AND anexo = 'anexo-2' AND status = 'submitted'",
        )
        .bind(entity)
        .fetch_one(pool)
        .await?;
        errors.extend(anexo1.prerequisite(anexo2_sent > 0));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let data = serde_json::to_string(&form).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let case = sqlx::query(
        "SELECT id, reference, version FROM cases
         WHERE entity_id = ? AND procedure = 'PR6' AND status = 'open'
         ORDER BY opened_at DESC LIMIT 1",
    )
    .bind(entity)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        ApiError::Conflict(
            "Su entidad no tiene un expediente PR6 abierto al que adjuntar el formulario. Ábralo en Expedientes y vuelva a enviar: el borrador se conserva.".into(),
        )
    })?;
    let case_id: String = case.get("id");
    let case_reference: String = case.get("reference");
    let case_version: i64 = case.get("version");
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM form_submissions WHERE entity_id = ? AND anexo = ?",
    )
    .bind(entity)
    .bind(anexo.slug())
    .fetch_one(&mut *tx)
    .await?;
    let id = new_id();
    let reference = submission_reference(&case_reference, anexo, version);
    let now = now_ms();
    sqlx::query(
        "INSERT INTO form_submissions (id, entity_id, anexo, version, case_id, reference, data, submitted_at, submitted_by, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted')",
    )
    .bind(&id)
    .bind(entity)
    .bind(anexo.slug())
    .bind(version)
    .bind(&case_id)
    .bind(&reference)
    .bind(&data)
    .bind(now)
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    record_in_case(
        &mut tx,
        CaseEvent {
            case_id: &case_id,
            case_version,
            user,
            role: Role::Entidad,
            event: "form-submitted",
            output: anexo.title(),
            reference: &reference,
            comment: None,
        },
    )
    .await?;
    tx.commit().await?;
    find_submission(pool, &id)
        .await?
        .ok_or_else(|| ApiError::Internal("submission vanished after insert".into()))
}

/// `PR6-2026-0007-A2v1`: the case, the form, its version.
fn submission_reference(case_reference: &str, anexo: Anexo, version: i64) -> String {
    format!("{case_reference}-A{}v{version}", anexo.number())
}

struct CaseEvent<'a> {
    case_id: &'a str,
    case_version: i64,
    user: &'a User,
    role: Role,
    event: &'a str,
    output: &'a str,
    reference: &'a str,
    comment: Option<&'a str>,
}

/// Appends a form event to the case's history and bumps its version, so
/// that open pages of the case see it.
async fn record_in_case(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    event: CaseEvent<'_>,
) -> Result<(), ApiError> {
    let now = now_ms();
    let next = event.case_version + 1;
    let updated =
        sqlx::query("UPDATE cases SET version = ?, updated_at = ? WHERE id = ? AND version = ?")
            .bind(next)
            .bind(now)
            .bind(event.case_id)
            .bind(event.case_version)
            .execute(&mut **tx)
            .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::Conflict(
            "El expediente cambió mientras se registraba el formulario; intente de nuevo.".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO case_history (case_id, version, at, user_id, role, output, output_reference, comment, event)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.case_id)
    .bind(next)
    .bind(now)
    .bind(&event.user.id)
    .bind(event.role.slug())
    .bind(event.output)
    .bind(event.reference)
    .bind(event.comment)
    .bind(event.event)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// AGETIC staff return a sent form with observations; the entity corrects
/// its draft and sends a new version.
pub async fn return_submission(
    pool: &SqlitePool,
    user: &User,
    id: &str,
    observations: &str,
) -> Result<Submission, ApiError> {
    let role = FORM_REVIEWERS
        .into_iter()
        .find(|role| user.entity_id.is_none() && user.roles.contains(role))
        .ok_or_else(|| {
            ApiError::Forbidden("Solo el personal del AIT o la UGAT devuelve formularios.".into())
        })?;
    let observations = observations.trim();
    if observations.is_empty() || observations.chars().count() > MAX_OBSERVATIONS {
        return Err(ApiError::invalid(
            "observations",
            format!("Escriba las observaciones que la entidad debe corregir (hasta {MAX_OBSERVATIONS} caracteres)."),
        ));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row = sqlx::query(
        "SELECT s.anexo, s.status, s.reference, s.case_id, c.version AS case_version
         FROM form_submissions s JOIN cases c ON c.id = s.case_id WHERE s.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::NotFound("No existe ese formulario enviado.".into()))?;
    if row.get::<String, _>("status") != "submitted" {
        return Err(ApiError::Conflict(
            "Este formulario ya fue devuelto; la entidad enviará una nueva versión.".into(),
        ));
    }
    let anexo = Anexo::from_slug(row.get("anexo"))
        .ok_or_else(|| ApiError::Internal("unknown form kind".into()))?;
    let now = now_ms();
    sqlx::query(
        "UPDATE form_submissions SET status = 'returned', observations = ?, returned_at = ?, returned_by = ? WHERE id = ?",
    )
    .bind(observations)
    .bind(now)
    .bind(&user.id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let case_id: String = row.get("case_id");
    let reference: String = row.get("reference");
    record_in_case(
        &mut tx,
        CaseEvent {
            case_id: &case_id,
            case_version: row.get("case_version"),
            user,
            role,
            event: "form-returned",
            output: anexo.title(),
            reference: &reference,
            comment: Some(observations),
        },
    )
    .await?;
    tx.commit().await?;
    find_submission(pool, id)
        .await?
        .ok_or_else(|| ApiError::Internal("submission vanished after update".into()))
}

const SUBMISSION_COLUMNS: &str = "SELECT s.id, s.anexo, s.reference, s.version, s.case_id, c.reference AS case_reference,
        e.name AS entity_name, s.status, s.observations, s.submitted_at, u.email AS submitted_by, s.data, s.entity_id
     FROM form_submissions s
     JOIN cases c ON c.id = s.case_id
     JOIN entities e ON e.id = s.entity_id
     JOIN users u ON u.id = s.submitted_by";

fn submission_from(row: &sqlx::sqlite::SqliteRow) -> Result<Submission, ApiError> {
    let anexo = Anexo::from_slug(row.get("anexo"))
        .ok_or_else(|| ApiError::Internal("unknown form kind".into()))?;
    Ok(Submission {
        id: row.get("id"),
        reference: row.get("reference"),
        version: row.get("version"),
        case_id: row.get("case_id"),
        case_reference: row.get("case_reference"),
        entity_name: row.get("entity_name"),
        status: if row.get::<String, _>("status") == "returned" {
            SubmissionStatus::Returned
        } else {
            SubmissionStatus::Submitted
        },
        observations: row.get("observations"),
        submitted_at: row.get("submitted_at"),
        submitted_by: row.get("submitted_by"),
        form: parse(anexo, row.get("data"))?,
    })
}

async fn find_submission(pool: &SqlitePool, id: &str) -> Result<Option<Submission>, ApiError> {
    let row = sqlx::query(&format!("{SUBMISSION_COLUMNS} WHERE s.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(submission_from).transpose()
}

/// A sent form the user may see: staff any, an entity its own.
pub async fn submission(pool: &SqlitePool, user: &User, id: &str) -> Result<Submission, ApiError> {
    let not_found =
        || ApiError::NotFound("No existe ese formulario enviado o no le corresponde.".into());
    let row = sqlx::query(&format!("{SUBMISSION_COLUMNS} WHERE s.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(not_found)?;
    let owner: String = row.get("entity_id");
    if !user.actor().may_see(&owner) {
        return Err(not_found());
    }
    submission_from(&row)
}

/// The sent forms of a case, or of the user's entity, newest first.
pub async fn submissions(
    pool: &SqlitePool,
    user: &User,
    case_id: Option<&str>,
) -> Result<Vec<Submission>, ApiError> {
    let mut sql = format!("{SUBMISSION_COLUMNS} WHERE 1 = 1");
    if case_id.is_some() {
        sql.push_str(" AND s.case_id = ?");
    }
    if user.entity_id.is_some() {
        sql.push_str(" AND s.entity_id = ?");
    }
    sql.push_str(" ORDER BY s.submitted_at DESC, s.version DESC LIMIT 500");
    let mut query = sqlx::query(&sql);
    if let Some(case_id) = case_id {
        query = query.bind(case_id);
    }
    if let Some(entity) = &user.entity_id {
        query = query.bind(entity);
    }
    query
        .fetch_all(pool)
        .await?
        .iter()
        .map(submission_from)
        .collect()
}

/// The entity's portal: its open PR6 case, and where each form stands.
pub async fn portal(pool: &SqlitePool, user: &User) -> Result<Portal, ApiError> {
    let entity = entity_of(user)?;
    let entity_name: String = sqlx::query_scalar("SELECT name FROM entities WHERE id = ?")
        .bind(entity)
        .fetch_one(pool)
        .await?;
    let open_case = sqlx::query(
        "SELECT id, reference FROM cases WHERE entity_id = ? AND procedure = 'PR6' AND status = 'open'
         ORDER BY opened_at DESC LIMIT 1",
    )
    .bind(entity)
    .fetch_optional(pool)
    .await?
    .map(|row| CaseLink {
        id: row.get("id"),
        reference: row.get("reference"),
    });
    let sent = submissions(pool, user, None).await?;
    let mut forms = Vec::new();
    for anexo in Anexo::ALL {
        let draft_saved_at: Option<i64> = sqlx::query_scalar(
            "SELECT updated_at FROM form_drafts WHERE entity_id = ? AND anexo = ?",
        )
        .bind(entity)
        .bind(anexo.slug())
        .fetch_optional(pool)
        .await?;
        forms.push(FormStanding {
            anexo,
            draft_saved_at,
            latest: sent.iter().find(|s| s.form.anexo() == anexo).cloned(),
        });
    }
    Ok(Portal {
        entity_name,
        open_case,
        forms,
    })
}

/// The latest sent version of `anexo` for the user's entity.
pub async fn latest(
    pool: &SqlitePool,
    user: &User,
    anexo: Anexo,
) -> Result<Option<Submission>, ApiError> {
    entity_of(user)?;
    Ok(submissions(pool, user, None)
        .await?
        .into_iter()
        .find(|s| s.form.anexo() == anexo))
}
