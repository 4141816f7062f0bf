//! The audit log: appended to, never changed (the database refuses it).

use super::dialect::Pool;
use crate::audit::{AuditFilter, AuditRow};
use crate::server::error::ApiError;
use crate::server::store::AuditEntry;

pub async fn append(pool: &Pool, entry: &AuditEntry, now: i64) -> Result<(), ApiError> {
    let mut tx = super::dialect::begin_write(pool).await?;
    append_in(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends within a change being written, so the entry commits with it.
pub async fn append_in(
    conn: &mut super::dialect::Connection,
    entry: &AuditEntry,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO audit_log (at, event, actor_id, actor_email, subject, address, user_agent, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(entry.event.slug())
    .bind(&entry.actor_id)
    .bind(&entry.actor_email)
    .bind(&entry.subject)
    .bind(&entry.address)
    .bind(&entry.user_agent)
    .bind(entry.detail.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    event: String,
    actor_email: Option<String>,
    subject: Option<String>,
    address: Option<String>,
    user_agent: Option<String>,
    detail: String,
}

/// The newest `limit` entries the filter keeps.
pub async fn list(
    pool: &Pool,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, ApiError> {
    let who = filter
        .who
        .as_deref()
        .map(|w| format!("%{}%", w.trim().to_lowercase()));
    let rows = sqlx::query_as::<_, Row>(
        "SELECT id, at, event, actor_email, subject, address, user_agent, detail FROM audit_log
         WHERE ($1 IS NULL OR event = $1)
           AND ($2 IS NULL OR LOWER(COALESCE(actor_email, '')) LIKE $2 OR LOWER(COALESCE(subject, '')) LIKE $2)
           AND ($3 IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4",
    )
    .bind(filter.event.as_deref())
    .bind(who.as_deref())
    .bind(filter.before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditRow {
            id: row.id,
            at: row.at,
            event: row.event,
            actor_email: row.actor_email,
            subject: row.subject,
            address: row.address,
            user_agent: row.user_agent,
            detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}
