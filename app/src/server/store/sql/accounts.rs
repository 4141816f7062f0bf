//! Accounts, their roles, and sessions.

use std::collections::{BTreeMap, BTreeSet};

use super::dialect::{self, Pool};
use crate::accounts::AccountRow;
use crate::domain::role::Role;
use crate::server::error::ApiError;
use crate::server::store::{NewUser, Session, User};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    password_hash: String,
    entity_id: Option<String>,
    is_admin: bool,
}

async fn user_where(pool: &Pool, column: &str, value: &str) -> Result<Option<User>, ApiError> {
    let sql = format!(
        "SELECT id, email, password_hash, entity_id, is_admin FROM users WHERE {column} = $1"
    );
    let Some(row) = sqlx::query_as::<_, UserRow>(&sql)
        .bind(value)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let roles: BTreeSet<Role> =
        sqlx::query_scalar::<_, String>("SELECT role FROM user_roles WHERE user_id = $1")
            .bind(&row.id)
            .fetch_all(pool)
            .await?
            .iter()
            .filter_map(|slug| Role::from_slug(slug))
            .collect();
    Ok(Some(User::new(
        row.id,
        row.email,
        row.password_hash,
        row.entity_id,
        row.is_admin,
        roles,
    )))
}

pub async fn find_user_by_id(pool: &Pool, id: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "id", id).await
}

pub async fn find_user_by_email(pool: &Pool, email: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "email", email).await
}

/// `false` when the e-mail is taken.
pub async fn create_user(
    pool: &Pool,
    id: &str,
    user: &NewUser<'_>,
    now: i64,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, entity_id, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(id)
    .bind(user.email)
    .bind(&user.password_hash)
    .bind(user.entity_id)
    .bind(user.is_admin)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    for role in user.roles {
        sqlx::query(
            "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(role.slug())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct AccountListRow {
    id: String,
    email: String,
    is_admin: bool,
    created_at: i64,
    entity_name: Option<String>,
}

/// Every account, staff first, then by e-mail.
pub async fn list_accounts(pool: &Pool) -> Result<Vec<AccountRow>, ApiError> {
    let mut roles: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for (user_id, slug) in
        sqlx::query_as::<_, (String, String)>("SELECT user_id, role FROM user_roles")
            .fetch_all(pool)
            .await?
    {
        if let Some(role) = Role::from_slug(&slug) {
            roles.entry(user_id).or_default().push(role);
        }
    }
    let rows = sqlx::query_as::<_, AccountListRow>(
        "SELECT u.id, u.email, u.is_admin, u.created_at, e.name AS entity_name
         FROM users u LEFT JOIN entities e ON e.id = u.entity_id
         ORDER BY u.entity_id IS NOT NULL, u.email",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut held = roles.remove(&row.id).unwrap_or_default();
            if row.entity_name.is_some() {
                // An entity's account acts as the entity, and as nothing else.
                held = vec![Role::Entidad];
            }
            held.sort();
            AccountRow {
                id: row.id,
                email: row.email,
                roles: held,
                entity: row.entity_name,
                is_admin: row.is_admin,
                created_at: row.created_at,
            }
        })
        .collect())
}

/// Replaces a staff account's roles and administrator flag in one
/// transaction; `false` when there is no such account.
pub async fn set_user_access(
    pool: &Pool,
    user_id: &str,
    roles: &[Role],
    is_admin: bool,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let updated = sqlx::query("UPDATE users SET is_admin = $1 WHERE id = $2")
        .bind(is_admin)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role.slug())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn create_session(
    pool: &Pool,
    token_hash: &str,
    user_id: &str,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find_session(pool: &Pool, token_hash: &str) -> Result<Option<Session>, ApiError> {
    Ok(sqlx::query_as::<_, Session>(
        "SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?)
}

pub async fn touch_session(pool: &Pool, token_hash: &str, now: i64) -> Result<(), ApiError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_session(pool: &Pool, token_hash: &str) -> Result<(), ApiError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}
