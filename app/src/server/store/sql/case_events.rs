//! The one path by which a case changes: opened, then every event (a
//! completion, a form sent or returned, files attached, an activity
//! derived, taken or released) appended in one transaction that bumps the
//! version (refused when it is not the one the change was decided on),
//! moves the current activities and who holds them, records how long the
//! completed one took, appends the history, records the notices with their
//! mail, and announces the change to open pages.

use super::dialect::{self, Connection, Pool};
use super::notifications::{self, Told};
use crate::cases::{case_reference, CaseChanged, CaseStatus, HistoryEvent};
use crate::server::error::ApiError;
use crate::server::store::{CaseChange, NewCase};

/// Hands out the next reference of the procedure and year, inserts the case
/// at its first activities and records its opening. Returns the reference.
pub async fn open_in(
    conn: &mut Connection,
    case: &NewCase<'_>,
    mail: bool,
) -> Result<(String, CaseChanged), ApiError> {
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO case_counters (procedure, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (procedure, year) DO UPDATE SET last_number = case_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(case.procedure.code)
    .bind(case.year)
    .fetch_one(&mut *conn)
    .await?;
    let reference = case_reference(case.procedure.code, case.year, number);
    let closed = case.state.is_closed();
    sqlx::query(
        "INSERT INTO cases (id, reference, procedure, procedure_version, title, status, state, version, ending, opened_by, opened_at, updated_at, closed_at)
         VALUES ($1, $2, $3, $11, $4, $5, $6, 1, $7, $8, $9, $9, $10)",
    )
    .bind(case.id)
    .bind(&reference)
    .bind(case.procedure.code)
    .bind(case.title)
    .bind(if closed { CaseStatus::Closed } else { CaseStatus::Open }.as_str())
    .bind(state_json(case.state)?)
    .bind(case.state.ended.as_ref().map(|e| e.label.as_str()))
    .bind(case.opened_by)
    .bind(case.at)
    .bind(closed.then_some(case.at))
    .bind(i64::from(case.procedure.version))
    .execute(&mut *conn)
    .await?;
    for (position, entity_id) in case.entity_ids.iter().enumerate() {
        sqlx::query("INSERT INTO case_entities (case_id, entity_id, position) VALUES ($1, $2, $3)")
            .bind(case.id)
            .bind(entity_id)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    for (number, since) in &case.current_since {
        sqlx::query(
            "INSERT INTO case_current (case_id, activity, since, procedure, procedure_version) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case.id)
        .bind(i64::from(*number))
        .bind(since)
        .bind(case.procedure.code)
        .bind(i64::from(case.procedure.version))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("INSERT INTO case_history (case_id, version, at, user_id) VALUES ($1, 1, $2, $3)")
        .bind(case.id)
        .bind(case.at)
        .bind(case.opened_by)
        .execute(&mut *conn)
        .await?;
    let notified = notifications::record_in(
        conn,
        &Told {
            case_id: case.id,
            except: Some(case.opened_by),
            at: case.at,
            mail,
        },
        &case.notices,
    )
    .await?;
    let opened = CaseChanged {
        case_id: case.id.to_owned(),
        entities: case.entity_ids.to_vec(),
        version: 1,
        notified,
    };
    dialect::announce(conn, &opened).await?;
    if !opened.notified.is_empty() {
        dialect::announce_notified(conn, &opened.notified).await?;
    }
    Ok((reference, opened))
}

pub async fn open(
    pool: &Pool,
    case: &NewCase<'_>,
    mail: bool,
) -> Result<(String, CaseChanged), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let opened = open_in(&mut tx, case, mail).await?;
    tx.commit().await?;
    Ok(opened)
}

/// The entities case `case_id` concerns, in the order named.
pub async fn entity_ids_in(conn: &mut Connection, case_id: &str) -> Result<Vec<String>, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT entity_id FROM case_entities WHERE case_id = $1 ORDER BY position",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Appends `change` inside the caller's transaction; `None` when the case
/// is no longer at the version the change was decided on.
pub async fn append_in(
    conn: &mut Connection,
    change: &CaseChange<'_>,
    mail: bool,
) -> Result<Option<CaseChanged>, ApiError> {
    debug_assert!(
        change.event != HistoryEvent::Opened,
        "cases open through open_in"
    );
    let version = change.expected_version + 1;
    let updated: Option<String> = match &change.step {
        Some(step) => {
            let closed = step.state.is_closed();
            sqlx::query_scalar(
                "UPDATE cases SET state = $1, version = $2, status = $3, ending = $4, updated_at = $5, closed_at = $6
                 WHERE id = $7 AND version = $8 RETURNING id",
            )
            .bind(state_json(step.state)?)
            .bind(version)
            .bind(if closed { CaseStatus::Closed } else { CaseStatus::Open }.as_str())
            .bind(step.state.ended.as_ref().map(|e| e.label.as_str()))
            .bind(change.at)
            .bind(closed.then_some(change.at))
            .bind(change.case_id)
            .bind(change.expected_version)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_scalar(
                "UPDATE cases SET version = $1, updated_at = $2 WHERE id = $3 AND version = $4 RETURNING id",
            )
            .bind(version)
            .bind(change.at)
            .bind(change.case_id)
            .bind(change.expected_version)
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    if updated.is_none() {
        return Ok(None);
    }
    let mut started_at: Option<i64> = None;
    if let Some(step) = &change.step {
        // The completed activity leaves the inboxes; newly current ones enter.
        started_at = sqlx::query_scalar(
            "DELETE FROM case_current WHERE case_id = $1 AND activity = $2 RETURNING since",
        )
        .bind(change.case_id)
        .bind(change.activity.map(i64::from))
        .fetch_optional(&mut *conn)
        .await?;
        if step.state.is_closed() {
            sqlx::query("DELETE FROM case_current WHERE case_id = $1")
                .bind(change.case_id)
                .execute(&mut *conn)
                .await?;
        }
        for number in &step.entered {
            let assignee = change.assignee.filter(|_| step.derived.contains(number));
            sqlx::query(
                "INSERT INTO case_current (case_id, activity, since, procedure, assignee_id, procedure_version) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(change.case_id)
            .bind(i64::from(*number))
            .bind(change.at)
            .bind(step.procedure.code)
            .bind(assignee)
            .bind(i64::from(step.procedure.version))
            .execute(&mut *conn)
            .await?;
        }
        if let (Some(started_at), Some(activity)) = (started_at, change.activity) {
            sqlx::query(
                "INSERT INTO activity_times (procedure, activity, started_at, finished_at, procedure_version) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(step.procedure.code)
            .bind(i64::from(activity))
            .bind(started_at)
            .bind(change.at)
            .bind(i64::from(step.procedure.version))
            .execute(&mut *conn)
            .await?;
        }
    }
    if matches!(
        change.event,
        HistoryEvent::Assigned | HistoryEvent::Taken | HistoryEvent::Released
    ) {
        sqlx::query(
            "UPDATE case_current SET assignee_id = $1 WHERE case_id = $2 AND activity = $3",
        )
        .bind(change.assignee)
        .bind(change.case_id)
        .bind(change.activity.map(i64::from))
        .execute(&mut *conn)
        .await?;
    }
    if let Some(entity_id) = change.entity {
        sqlx::query(
            "INSERT INTO case_entities (case_id, entity_id, position)
             SELECT $1, $2, COALESCE(MAX(position), -1) + 1 FROM case_entities WHERE case_id = $1",
        )
        .bind(change.case_id)
        .bind(entity_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO case_history (case_id, version, at, user_id, role, activity, choice, output, output_reference, comment, event, started_at, assignee_id, entity_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(change.case_id)
    .bind(version)
    .bind(change.at)
    .bind(change.user_id)
    .bind(change.role.slug())
    .bind(change.activity.map(i64::from))
    .bind(change.choice)
    .bind(change.output)
    .bind(change.output_reference)
    .bind(change.comment)
    .bind(change.event.column())
    .bind(started_at)
    .bind(change.assignee)
    .bind(change.entity)
    .execute(&mut *conn)
    .await?;
    if !change.files.is_empty() {
        super::files::attach_in(
            conn,
            change.case_id,
            change.user_id,
            version,
            change.files,
            change.supports,
        )
        .await?;
    }
    let notified = notifications::record_in(
        conn,
        &Told {
            case_id: change.case_id,
            except: Some(change.user_id),
            at: change.at,
            mail,
        },
        &change.notices,
    )
    .await?;
    let changed = CaseChanged {
        case_id: change.case_id.to_owned(),
        entities: entity_ids_in(conn, change.case_id).await?,
        version,
        notified,
    };
    dialect::announce(conn, &changed).await?;
    if !changed.notified.is_empty() {
        dialect::announce_notified(conn, &changed.notified).await?;
    }
    Ok(Some(changed))
}

/// Appends `change` in a transaction of its own.
pub async fn append(
    pool: &Pool,
    change: &CaseChange<'_>,
    mail: bool,
) -> Result<Option<CaseChanged>, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let changed = append_in(&mut tx, change, mail).await?;
    if changed.is_some() {
        tx.commit().await?;
    }
    Ok(changed)
}

fn state_json(state: &crate::domain::engine::CaseState) -> Result<String, ApiError> {
    serde_json::to_string(state).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Writes many cases with their whole past at once (for measurements on a
/// large history): each opened and each event appended through the same
/// path as live changes, in one transaction.
pub async fn replay(
    pool: &Pool,
    cases: &[(NewCase<'_>, Vec<CaseChange<'_>>)],
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    for (case, changes) in cases {
        open_in(&mut tx, case, false).await?;
        for change in changes {
            if append_in(&mut tx, change, false).await?.is_none() {
                return Err(ApiError::Internal(format!(
                    "replaying case {}: version {} out of order",
                    case.id, change.expected_version
                )));
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
