//! Due times an administrator set, overriding the defaults.

use super::dialect::{self, Pool};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::server::error::ApiError;

/// Every due time set, as `(procedure, version, activity, due_ms)`.
pub async fn due_times(pool: &Pool) -> Result<Vec<(String, i64, i64, i64)>, ApiError> {
    Ok(sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT procedure, procedure_version, activity, due_ms FROM activity_due",
    )
    .fetch_all(pool)
    .await?)
}

/// Sets (`Some`) or resets (`None`) the due times of the activities of
/// this version of `procedure`, in one transaction.
pub async fn set_due_times(
    pool: &Pool,
    procedure: &Procedure,
    due_ms: &[(ActivityNumber, Option<i64>)],
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    for (number, value) in due_ms {
        match value {
            Some(ms) => {
                sqlx::query(
                    "INSERT INTO activity_due (procedure, procedure_version, activity, due_ms) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (procedure, procedure_version, activity) DO UPDATE SET due_ms = excluded.due_ms",
                )
                .bind(procedure.code)
                .bind(i64::from(procedure.version))
                .bind(i64::from(*number))
                .bind(ms)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "DELETE FROM activity_due WHERE procedure = $1 AND procedure_version = $2 AND activity = $3",
                )
                .bind(procedure.code)
                .bind(i64::from(procedure.version))
                .bind(i64::from(*number))
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
