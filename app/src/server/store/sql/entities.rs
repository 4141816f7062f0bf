//! The public entities that request services.

use super::dialect::Pool;
use crate::accounts::{Entity, EntityRow};
use crate::server::error::ApiError;

/// `false` when the code is taken.
pub async fn create_entity(pool: &Pool, entity: &Entity, now: i64) -> Result<bool, ApiError> {
    let inserted = sqlx::query(
        "INSERT INTO entities (id, name, code, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING",
    )
    .bind(&entity.id)
    .bind(&entity.name)
    .bind(&entity.code)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn find_entity(pool: &Pool, id: &str) -> Result<Option<Entity>, ApiError> {
    Ok(
        sqlx::query_as::<_, Entity>("SELECT id, name, code FROM entities WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn list_entities(pool: &Pool) -> Result<Vec<Entity>, ApiError> {
    Ok(
        sqlx::query_as::<_, Entity>("SELECT id, name, code FROM entities ORDER BY name")
            .fetch_all(pool)
            .await?,
    )
}

/// The entities with how many accounts and open cases each has.
pub async fn list_entity_rows(pool: &Pool) -> Result<Vec<EntityRow>, ApiError> {
    Ok(sqlx::query_as::<_, EntityRow>(
        "SELECT e.id, e.name, e.code,
                (SELECT COUNT(*) FROM users u WHERE u.entity_id = e.id) AS accounts,
                (SELECT COUNT(*) FROM case_entities ce JOIN cases c ON c.id = ce.case_id
                 WHERE ce.entity_id = e.id AND c.status = 'open') AS open_cases
         FROM entities e ORDER BY e.name",
    )
    .fetch_all(pool)
    .await?)
}
