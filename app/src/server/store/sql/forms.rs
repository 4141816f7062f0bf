//! The request forms: one draft per entity and form, and every sent
//! version, recorded in the entity's open PR6 case.

use super::case_events::append_in;
use super::dialect::{self, Pool};
use crate::cases::{CaseChanged, HistoryEvent};
use crate::forms::{submission_reference, Anexo};
use crate::portal::CaseLink;
use crate::server::error::ApiError;
use crate::server::store::{
    CaseChange, FormReturn, FormSubmission, ReturnOutcome, SubmissionRow, SubmitOutcome,
};

pub async fn draft(
    pool: &Pool,
    entity_id: &str,
    anexo: Anexo,
) -> Result<Option<(String, i64)>, ApiError> {
    Ok(sqlx::query_as::<_, (String, i64)>(
        "SELECT data, updated_at FROM form_drafts WHERE entity_id = $1 AND anexo = $2",
    )
    .bind(entity_id)
    .bind(anexo.slug())
    .fetch_optional(pool)
    .await?)
}

/// Every draft of the entity as `(anexo, data, updated_at)`, newest first.
pub async fn drafts(pool: &Pool, entity_id: &str) -> Result<Vec<(String, String, i64)>, ApiError> {
    Ok(sqlx::query_as::<_, (String, String, i64)>(
        "SELECT anexo, data, updated_at FROM form_drafts WHERE entity_id = $1 ORDER BY updated_at DESC",
    )
    .bind(entity_id)
    .fetch_all(pool)
    .await?)
}

pub async fn save_draft(
    pool: &Pool,
    entity_id: &str,
    anexo: Anexo,
    data: &str,
    user_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO form_drafts (entity_id, anexo, data, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (entity_id, anexo) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(entity_id)
    .bind(anexo.slug())
    .bind(data)
    .bind(now)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn sent_and_kept(pool: &Pool, entity_id: &str, anexo: Anexo) -> Result<bool, ApiError> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM form_submissions WHERE entity_id = $1 AND anexo = $2 AND status = 'submitted'",
    )
    .bind(entity_id)
    .bind(anexo.slug())
    .fetch_one(pool)
    .await?;
    Ok(count > 0)
}

/// The entity's open PR6 case, which sent forms are attached to.
pub async fn open_pr6_case(pool: &Pool, entity_id: &str) -> Result<Option<CaseLink>, ApiError> {
    Ok(sqlx::query_as::<_, CaseLink>(
        "SELECT c.id, c.reference FROM cases c JOIN case_entities ce ON ce.case_id = c.id
         WHERE ce.entity_id = $1 AND c.procedure = 'PR6' AND c.status = 'open'
         ORDER BY c.opened_at DESC LIMIT 1",
    )
    .bind(entity_id)
    .fetch_optional(pool)
    .await?)
}

/// Keeps the form as a new version attached to the entity's open PR6 case
/// and records it in the case's history, in one transaction.
pub async fn submit(pool: &Pool, form: &FormSubmission<'_>) -> Result<SubmitOutcome, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let Some((case_id, case_reference, case_version)) = sqlx::query_as::<_, (String, String, i64)>(
        "SELECT c.id, c.reference, c.version FROM cases c JOIN case_entities ce ON ce.case_id = c.id
         WHERE ce.entity_id = $1 AND c.procedure = 'PR6' AND c.status = 'open'
         ORDER BY c.opened_at DESC LIMIT 1",
    )
    .bind(form.entity_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(SubmitOutcome::NoOpenCase);
    };
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM form_submissions WHERE entity_id = $1 AND anexo = $2",
    )
    .bind(form.entity_id)
    .bind(form.anexo.slug())
    .fetch_one(&mut *tx)
    .await?;
    let reference = submission_reference(&case_reference, form.anexo, version);
    sqlx::query(
        "INSERT INTO form_submissions (id, entity_id, anexo, version, case_id, reference, data, submitted_at, submitted_by, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted')",
    )
    .bind(form.id)
    .bind(form.entity_id)
    .bind(form.anexo.slug())
    .bind(version)
    .bind(&case_id)
    .bind(&reference)
    .bind(form.data)
    .bind(form.at)
    .bind(form.user_id)
    .execute(&mut *tx)
    .await?;
    let change = CaseChange {
        case_id: &case_id,
        expected_version: case_version,
        at: form.at,
        user_id: form.user_id,
        role: crate::domain::role::Role::Entidad,
        event: HistoryEvent::FormSubmitted,
        activity: None,
        choice: None,
        output: Some(form.anexo.title()),
        output_reference: Some(&reference),
        comment: None,
        step: None,
        files: &[],
        supports: None,
        assignee: None,
        entity: None,
        notices: Vec::new(),
    };
    let Some(changed) = append_in(&mut tx, &change, false).await? else {
        return Ok(SubmitOutcome::CaseChanged);
    };
    tx.commit().await?;
    Ok(SubmitOutcome::Sent(changed))
}

/// Marks a sent form returned with observations and records it in its
/// case's history, in one transaction.
pub async fn return_submission(
    pool: &Pool,
    back: &FormReturn<'_>,
) -> Result<ReturnOutcome, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let Some((anexo, status, reference, case_id, case_version)) =
        sqlx::query_as::<_, (String, String, String, String, i64)>(
            "SELECT s.anexo, s.status, s.reference, s.case_id, c.version
             FROM form_submissions s JOIN cases c ON c.id = s.case_id WHERE s.id = $1",
        )
        .bind(back.id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(ReturnOutcome::NotFound);
    };
    if status != "submitted" {
        return Ok(ReturnOutcome::AlreadyReturned);
    }
    let anexo = Anexo::from_slug(&anexo)
        .ok_or_else(|| ApiError::Internal(format!("unknown form kind {anexo}")))?;
    sqlx::query(
        "UPDATE form_submissions SET status = 'returned', observations = $1, returned_at = $2, returned_by = $3 WHERE id = $4",
    )
    .bind(back.observations)
    .bind(back.at)
    .bind(back.user_id)
    .bind(back.id)
    .execute(&mut *tx)
    .await?;
    let change = CaseChange {
        case_id: &case_id,
        expected_version: case_version,
        at: back.at,
        user_id: back.user_id,
        role: back.role,
        event: HistoryEvent::FormReturned,
        activity: None,
        choice: None,
        output: Some(anexo.title()),
        output_reference: Some(&reference),
        comment: Some(back.observations),
        step: None,
        files: &[],
        supports: None,
        assignee: None,
        entity: None,
        notices: Vec::new(),
    };
    let Some(changed): Option<CaseChanged> = append_in(&mut tx, &change, false).await? else {
        return Ok(ReturnOutcome::CaseChanged);
    };
    tx.commit().await?;
    Ok(ReturnOutcome::Returned(changed))
}

const SUBMISSION_COLUMNS: &str = concat!(
    "SELECT s.id, s.anexo, s.reference, s.version, s.case_id, c.reference AS case_reference,
        e.name AS entity_name, s.status, s.observations, s.submitted_at, ",
    person_label!(),
    " AS submitted_by, s.data, s.entity_id
     FROM form_submissions s
     JOIN cases c ON c.id = s.case_id
     JOIN entities e ON e.id = s.entity_id
     JOIN users u ON u.id = s.submitted_by"
);

pub async fn find_submission(pool: &Pool, id: &str) -> Result<Option<SubmissionRow>, ApiError> {
    Ok(
        sqlx::query_as::<_, SubmissionRow>(&format!("{SUBMISSION_COLUMNS} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The sent forms of a case and/or an entity, newest first.
pub async fn submissions(
    pool: &Pool,
    case_id: Option<&str>,
    entity_id: Option<&str>,
) -> Result<Vec<SubmissionRow>, ApiError> {
    let sql = format!(
        "{SUBMISSION_COLUMNS} WHERE ($1 IS NULL OR s.case_id = $1) AND ($2 IS NULL OR s.entity_id = $2)
         ORDER BY s.submitted_at DESC, s.version DESC LIMIT 500"
    );
    Ok(sqlx::query_as::<_, SubmissionRow>(&sql)
        .bind(case_id)
        .bind(entity_id)
        .fetch_all(pool)
        .await?)
}
