//! What the managers' dashboard is computed from, read in bulk.

use futures_util::TryStreamExt;

use super::dialect::{self, Pool};
use crate::server::error::ApiError;
use crate::server::store::{CaseFigures, Pr6Figures};

/// Every case with its state, and every current activity with its start.
pub async fn case_figures(pool: &Pool) -> Result<CaseFigures, ApiError> {
    let cases = sqlx::query_as(
        "SELECT id, procedure, procedure_version, status, opened_at, closed_at, state FROM cases",
    )
    .fetch(pool)
    .try_collect()
    .await?;
    let current = sqlx::query_as("SELECT case_id, activity, since FROM case_current")
        .fetch(pool)
        .try_collect()
        .await?;
    // Millions of durations travel as one list per activity: row by row
    // they cost many times more than the reading itself.
    let lists: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT procedure, procedure_version, activity, string_agg(CAST(finished_at - started_at AS TEXT), ',')
         FROM activity_times GROUP BY procedure, procedure_version, activity",
    )
    .fetch_all(pool)
    .await?;
    let times = lists
        .into_iter()
        .map(|(procedure, version, activity, list)| {
            let took = list.split(',').filter_map(|ms| ms.parse().ok()).collect();
            (procedure, version, activity, took)
        })
        .collect();
    Ok(CaseFigures {
        cases,
        current,
        times,
    })
}

/// PR6's cases with their entity, the way each took at activity 9 (the
/// last time), and every sent form in version order.
pub async fn pr6_figures(pool: &Pool) -> Result<Pr6Figures, ApiError> {
    let cases = sqlx::query_as(concat!(
        "SELECT c.id, c.reference, c.status, c.state, ",
        entity_names!(),
        " FROM cases c WHERE c.procedure = 'PR6' ORDER BY c.reference"
    ))
    .fetch_all(pool)
    .await?;
    let ways = sqlx::query_as(
        "SELECT h.case_id, h.choice FROM case_history h JOIN cases c ON c.id = h.case_id
         WHERE h.activity = 9 AND h.event IS NULL AND c.procedure = 'PR6' ORDER BY h.version",
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

/// The figures some server stored last: when they were computed and what
/// they are (JSON); `None` before the first.
pub async fn stored_figures(pool: &Pool) -> Result<Option<(i64, String)>, ApiError> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT generated_at, figures FROM dashboard_snapshot WHERE id = 1 AND generated_at > 0",
    )
    .fetch_optional(pool)
    .await?)
}

/// When the stored figures were computed (0 before the first).
pub async fn stored_figures_at(pool: &Pool) -> Result<i64, ApiError> {
    Ok(
        sqlx::query_scalar("SELECT generated_at FROM dashboard_snapshot WHERE id = 1")
            .fetch_one(pool)
            .await?,
    )
}

/// Takes the lease to compute the figures until `until`, unless another
/// server holds it at `now`.
pub async fn lease_figures(pool: &Pool, now: i64, until: i64) -> Result<bool, ApiError> {
    let taken = sqlx::query(
        "UPDATE dashboard_snapshot SET computing_until = $1 WHERE id = 1 AND computing_until <= $2",
    )
    .bind(until)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Stores newly computed figures, unless newer ones are stored already,
/// and gives the lease back. Whether they were stored.
pub async fn store_figures(
    pool: &Pool,
    generated_at: i64,
    figures: &str,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let stored = sqlx::query(
        "UPDATE dashboard_snapshot SET generated_at = $1, figures = $2 WHERE id = 1 AND generated_at < $1",
    )
    .bind(generated_at)
    .bind(figures)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if stored {
        dialect::announce_figures(&mut tx, generated_at).await?;
    }
    sqlx::query("UPDATE dashboard_snapshot SET computing_until = 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(stored)
}
