//! Accounts, their roles, and sessions.

use std::collections::{BTreeMap, BTreeSet};

use super::dialect::{self, Pool};
use crate::accounts::AccountRow;
use crate::domain::role::Role;
use crate::server::error::ApiError;
use crate::server::store::{AccountChange, AuditEntry, NewSession, NewUser, Session, User};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: Option<String>,
    password_hash: Option<String>,
    entity_id: Option<String>,
    is_admin: bool,
    disabled: bool,
    must_change_password: bool,
    demo: bool,
    ci_number: Option<String>,
    full_name: Option<String>,
}

async fn user_where(pool: &Pool, column: &str, value: &str) -> Result<Option<User>, ApiError> {
    let sql = format!(
        "SELECT id, email, password_hash, entity_id, is_admin, disabled, must_change_password, demo,
                ci_number, full_name
         FROM users WHERE {column} = $1"
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
    let mut user = User::new(row.id, row.email, row.entity_id, row.is_admin, roles);
    user.password_hash = row.password_hash;
    user.ci_number = row.ci_number;
    user.full_name = row.full_name;
    user.disabled = row.disabled;
    user.must_change_password = row.must_change_password;
    user.demo = row.demo;
    Ok(Some(user))
}

pub async fn find_user_by_id(pool: &Pool, id: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "id", id).await
}

pub async fn find_user_by_email(pool: &Pool, email: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "email", email).await
}

pub async fn find_user_by_ci(pool: &Pool, ci_number: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "ci_number", ci_number).await
}

pub async fn find_user_by_subject(pool: &Pool, subject: &str) -> Result<Option<User>, ApiError> {
    user_where(pool, "subject", subject).await
}

/// `false` when the e-mail, the identity card or the subject is taken.
pub async fn create_user(
    pool: &Pool,
    id: &str,
    user: &NewUser<'_>,
    now: i64,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let created = insert_user_in(&mut tx, id, user, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// Inserts an account and its roles in `conn`'s transaction; `false` when
/// the e-mail, the identity card or the subject is taken.
pub(super) async fn insert_user_in(
    conn: &mut dialect::Connection,
    id: &str,
    user: &NewUser<'_>,
    now: i64,
) -> Result<bool, ApiError> {
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, password_hash, entity_id, is_admin, demo, created_at,
                            ci_number, full_name, subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(user.email)
    .bind(&user.password_hash)
    .bind(user.entity_id)
    .bind(user.is_admin)
    .bind(user.demo)
    .bind(now)
    .bind(user.ci_number)
    .bind(user.full_name)
    .bind(user.subject)
    .execute(&mut *conn)
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
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct AccountListRow {
    id: String,
    email: Option<String>,
    full_name: Option<String>,
    ci_number: Option<String>,
    is_admin: bool,
    disabled: bool,
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
        "SELECT u.id, u.email, u.full_name, u.ci_number, u.is_admin, u.disabled, u.created_at,
                e.name AS entity_name
         FROM users u LEFT JOIN entities e ON e.id = u.entity_id
         ORDER BY u.entity_id IS NOT NULL, COALESCE(u.email, u.full_name, u.ci_number)",
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
                name: crate::server::store::person_label(
                    row.full_name.as_deref(),
                    row.email.as_deref(),
                    row.ci_number.as_deref(),
                ),
                id: row.id,
                email: row.email,
                ci_number: row.ci_number,
                roles: held,
                entity: row.entity_name,
                is_admin: row.is_admin,
                disabled: row.disabled,
                created_at: row.created_at,
            }
        })
        .collect())
}

/// Replaces a staff account's roles and administrator flag, ends its
/// sessions and records it, in one transaction that keeps at least one
/// administrator.
pub async fn set_user_access(
    pool: &Pool,
    user_id: &str,
    roles: &[Role],
    is_admin: bool,
    audit: &AuditEntry,
    now: i64,
) -> Result<AccountChange, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    if !is_admin && leaves_no_admin(&mut tx, user_id).await? {
        return Ok(AccountChange::LastAdmin);
    }
    let updated = sqlx::query("UPDATE users SET is_admin = $1 WHERE id = $2")
        .bind(is_admin)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(AccountChange::NotFound);
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
    end_sessions_in(&mut tx, user_id).await?;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(AccountChange::Done)
}

/// Whether taking `user_id`'s administration away (or disabling it) would
/// leave no administrator who can sign in; holds the administrators' rows.
async fn leaves_no_admin(conn: &mut dialect::Connection, user_id: &str) -> Result<bool, ApiError> {
    dialect::lock_admins(conn).await?;
    let (is_admin, others): (bool, i64) = sqlx::query_as(
        "SELECT
             COALESCE((SELECT is_admin AND NOT disabled FROM users WHERE id = $1), FALSE),
             (SELECT COUNT(*) FROM users WHERE is_admin AND NOT disabled AND id <> $1)",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(is_admin && others == 0)
}

/// Disables (ending its sessions) or enables an account, and records it.
pub async fn set_user_disabled(
    pool: &Pool,
    user_id: &str,
    disabled: bool,
    audit: &AuditEntry,
    now: i64,
) -> Result<AccountChange, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    if disabled && leaves_no_admin(&mut tx, user_id).await? {
        return Ok(AccountChange::LastAdmin);
    }
    let updated = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(disabled)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Ok(AccountChange::NotFound);
    }
    if disabled {
        end_sessions_in(&mut tx, user_id).await?;
    }
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(AccountChange::Done)
}

/// Stores a new password hash and records it. `must_change` (an
/// administrator's reset) asks for another at the next sign-in and ends
/// every session; otherwise the person's other sessions end and
/// `keeping` (the one they changed it from) goes on.
pub async fn set_password(
    pool: &Pool,
    user_id: &str,
    hash: &str,
    must_change: bool,
    keeping: Option<&str>,
    audit: &AuditEntry,
    now: i64,
) -> Result<AccountChange, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let updated =
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(must_change)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Ok(AccountChange::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keeping.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(AccountChange::Done)
}

async fn end_sessions_in(conn: &mut dialect::Connection, user_id: &str) -> Result<u64, ApiError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Opens a session in place of `replacing` (the one the browser came
/// with, so a session id is never carried across a sign-in), keeps at
/// most `keep` per person (the newest) and sweeps every expired session.
pub async fn create_session(
    pool: &Pool,
    session: &NewSession<'_>,
    now: i64,
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    if let Some(old) = session.replacing {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(old)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, id_token)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(session.token_hash)
    .bind(session.user_id)
    .bind(now)
    .bind(session.id_token)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash NOT IN (
             SELECT token_hash FROM sessions WHERE user_id = $1
             ORDER BY created_at DESC, token_hash LIMIT $2)",
    )
    .bind(session.user_id)
    .bind(session.keep)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(session.idle_since)
        .bind(session.opened_since)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of an account and records it; how many there were.
pub async fn end_sessions(
    pool: &Pool,
    user_id: &str,
    audit: &AuditEntry,
    now: i64,
) -> Result<u64, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let ended = end_sessions_in(&mut tx, user_id).await?;
    let audit = audit
        .clone()
        .detail(serde_json::json!({ "sesiones": ended }));
    super::audit::append_in(&mut tx, &audit, now).await?;
    tx.commit().await?;
    Ok(ended)
}

pub async fn find_session(pool: &Pool, token_hash: &str) -> Result<Option<Session>, ApiError> {
    Ok(sqlx::query_as::<_, Session>(
        "SELECT user_id, created_at, last_seen_at, id_token FROM sessions WHERE token_hash = $1",
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
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The latest moment until which any of `keys` is locked (0: none is).
pub async fn sign_in_locked_until(pool: &Pool, keys: &[String]) -> Result<i64, ApiError> {
    let mut until = 0;
    for key in keys {
        let locked: Option<i64> =
            sqlx::query_scalar("SELECT locked_until FROM sign_in_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?;
        until = until.max(locked.unwrap_or(0));
    }
    Ok(until)
}

/// Counts a failed sign-in against `key` (starting again when the last
/// failure is older than `counting_since`), locks it until what `lock`
/// says for that count, and returns the count.
pub async fn record_sign_in_failure(
    pool: &Pool,
    key: &str,
    now: i64,
    counting_since: i64,
    lock: &(dyn Fn(i64) -> i64 + Sync),
) -> Result<i64, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_failures (key, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN sign_in_failures.last_failure_at < $3 THEN 1
                             ELSE sign_in_failures.failures + 1 END,
             last_failure_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(counting_since)
    .fetch_one(&mut *tx)
    .await?;
    let until = lock(failures);
    if until > now {
        sqlx::query(
            "UPDATE sign_in_failures SET locked_until = $1 WHERE key = $2 AND locked_until < $1",
        )
        .bind(until)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(failures)
}

pub async fn clear_sign_in_failures(pool: &Pool, key: &str) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets failures older than `before` whose lock has passed.
pub async fn sweep_sign_in_failures(pool: &Pool, before: i64, now: i64) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE last_failure_at < $1 AND locked_until < $2")
        .bind(before)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether this database was made for demo mode: written on its first
/// start (as `demo` says), read on every later one.
pub async fn claim_instance(pool: &Pool, demo: bool, now: i64) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO instance (id, demo, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(demo)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let made_for_demo: bool = sqlx::query_scalar("SELECT demo FROM instance WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(made_for_demo)
}

/// Stores a new password hash; `must_change` asks for another at the next
/// sign-in (after an administrator's reset).
pub async fn set_password_hash(
    pool: &Pool,
    user_id: &str,
    hash: &str,
    must_change: bool,
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
        .bind(hash)
        .bind(must_change)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
