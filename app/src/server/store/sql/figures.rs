//! What the managers' dashboard is computed from, read in bulk.

use futures_util::TryStreamExt;

use super::dialect::Pool;
use crate::server::error::ApiError;
use crate::server::store::{CaseFigures, Pr6Figures};

/// Every case with its state, and every current activity with its start.
pub async fn case_figures(pool: &Pool) -> Result<CaseFigures, ApiError> {
    let cases =
        sqlx::query_as("SELECT id, procedure, status, opened_at, closed_at, state FROM cases")
            .fetch(pool)
            .try_collect()
            .await?;
    let current = sqlx::query_as("SELECT case_id, activity, since FROM case_current")
        .fetch(pool)
        .try_collect()
        .await?;
    let times = sqlx::query_as(
        "SELECT procedure, activity, finished_at - started_at AS ms FROM activity_times",
    )
    .fetch(pool)
    .try_collect()
    .await?;
    Ok(CaseFigures {
        cases,
        current,
        times,
    })
}

/// PR6's cases with their entity, the way each took at activity 9 (the
/// last time), and every sent form in version order.
pub async fn pr6_figures(pool: &Pool) -> Result<Pr6Figures, ApiError> {
    let cases = sqlx::query_as(
        "SELECT c.id, c.reference, c.status, c.state, e.name FROM cases c JOIN entities e ON e.id = c.entity_id
         WHERE c.procedure = 'PR6' ORDER BY c.reference",
    )
    .fetch_all(pool)
    .await?;
    let ways = sqlx::query_as(
        "SELECT h.case_id, h.choice FROM case_history h JOIN cases c ON c.id = h.case_id
         WHERE h.activity = 9 AND c.procedure = 'PR6' ORDER BY h.version",
    )
    .fetch_all(pool)
    .await?;
    let sent = sqlx::query_as(
        "SELECT case_id, anexo, status, data FROM form_submissions ORDER BY version",
    )
    .fetch_all(pool)
    .await?;
    Ok(Pr6Figures { cases, ways, sent })
}
