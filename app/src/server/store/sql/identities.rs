//! Sign-in through Ciudadanía Digital: the attempts on their way through
//! the provider, the link between an account and the provider's subject,
//! and the requests for access of the people the app does not know.

use super::dialect::{self, Pool};
use crate::identity::{AccessRequest, CitizenProfile};
use crate::server::error::ApiError;
use crate::server::store::{AuditEntry, Decision, NewUser, SignInAttempt};

/// Records an attempt and forgets those started before `expired_before`.
pub async fn start_sign_in(
    pool: &Pool,
    attempt: &SignInAttempt,
    expired_before: i64,
) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query("DELETE FROM sign_in_attempts WHERE created_at < $1")
        .bind(expired_before)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sign_in_attempts (state_hash, browser_hash, nonce, pkce_verifier, next, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&attempt.state_hash)
    .bind(&attempt.browser_hash)
    .bind(&attempt.nonce)
    .bind(&attempt.pkce_verifier)
    .bind(&attempt.next)
    .bind(attempt.created_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the attempt a `state` names: it is deleted in the same step, so a
/// second answer with the same `state` finds nothing.
pub async fn take_sign_in(
    pool: &Pool,
    state_hash: &str,
) -> Result<Option<SignInAttempt>, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let attempt = sqlx::query_as::<_, SignInAttempt>(
        "DELETE FROM sign_in_attempts WHERE state_hash = $1
         RETURNING state_hash, browser_hash, nonce, pkce_verifier, next, created_at",
    )
    .bind(state_hash)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(attempt)
}

/// Links an account found by its identity card to the provider's subject
/// (unless another subject holds it already) and keeps the name the
/// provider gave; `false` when it was linked to someone else.
pub async fn link_subject(
    pool: &Pool,
    user_id: &str,
    subject: &str,
    profile: &CitizenProfile,
    audit: &AuditEntry,
    now: i64,
) -> Result<bool, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let linked = sqlx::query(
        "UPDATE users SET subject = $1, full_name = $2
         WHERE id = $3 AND (subject IS NULL OR subject = $1)",
    )
    .bind(subject)
    .bind(&profile.full_name)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if linked {
        super::audit::append_in(&mut tx, audit, now).await?;
    }
    tx.commit().await?;
    Ok(linked)
}

/// Keeps the name the provider gives at each sign-in.
pub async fn refresh_name(pool: &Pool, user_id: &str, full_name: &str) -> Result<(), ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    sqlx::query(
        "UPDATE users SET full_name = $1 WHERE id = $2 AND (full_name IS NULL OR full_name <> $1)",
    )
    .bind(full_name)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

const REQUEST_COLUMNS: &str = "id, ci_number, full_name, email, claimed_entity, note, status, \
                               requested_at, decision_note";

/// Records (or refreshes, when the same person comes back) the request of
/// someone the app does not know, readable with the cookie `token_hash`
/// names. A refreshed request keeps what the person wrote and its status.
pub async fn record_access_request(
    pool: &Pool,
    id: &str,
    subject: &str,
    profile: &CitizenProfile,
    token_hash: &str,
    now: i64,
) -> Result<AccessRequest, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let sql = format!(
        "INSERT INTO access_requests (id, subject, ci_number, full_name, email, status, requested_at, token_hash)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
         ON CONFLICT (subject) DO UPDATE SET
             ci_number = excluded.ci_number, full_name = excluded.full_name,
             email = excluded.email, token_hash = excluded.token_hash
         RETURNING {REQUEST_COLUMNS}"
    );
    let request = sqlx::query_as::<_, AccessRequest>(&sql)
        .bind(id)
        .bind(subject)
        .bind(&profile.ci_number)
        .bind(&profile.full_name)
        .bind(&profile.email)
        .bind(now)
        .bind(token_hash)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(request)
}

pub async fn access_request_by_token(
    pool: &Pool,
    token_hash: &str,
) -> Result<Option<AccessRequest>, ApiError> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM access_requests WHERE token_hash = $1");
    Ok(sqlx::query_as::<_, AccessRequest>(&sql)
        .bind(token_hash)
        .fetch_optional(pool)
        .await?)
}

/// What the person adds to their request; a rejected request asked again
/// waits anew. `None` once it was accepted (there is nothing to ask).
pub async fn complete_access_request(
    pool: &Pool,
    token_hash: &str,
    claimed_entity: &str,
    note: Option<&str>,
    now: i64,
) -> Result<Option<AccessRequest>, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let sql = format!(
        "UPDATE access_requests SET claimed_entity = $1, note = $2, status = 'pending',
                requested_at = $3, decided_by = NULL, decided_at = NULL, decision_note = NULL
         WHERE token_hash = $4 AND status <> 'accepted'
         RETURNING {REQUEST_COLUMNS}"
    );
    let request = sqlx::query_as::<_, AccessRequest>(&sql)
        .bind(claimed_entity)
        .bind(note)
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(request)
}

/// The requests waiting for a decision, oldest first.
pub async fn pending_access_requests(pool: &Pool) -> Result<Vec<AccessRequest>, ApiError> {
    let sql = format!(
        "SELECT {REQUEST_COLUMNS} FROM access_requests WHERE status = 'pending' ORDER BY requested_at, id"
    );
    Ok(sqlx::query_as::<_, AccessRequest>(&sql)
        .fetch_all(pool)
        .await?)
}

/// Accepts a pending request: creates its person's account, linked to the
/// provider's subject, and records who accepted it, all in one step.
pub async fn accept_access_request(
    pool: &Pool,
    request_id: &str,
    new_user_id: &str,
    shape: &NewUser<'_>,
    decided_by: &str,
    audit: &AuditEntry,
    now: i64,
) -> Result<Decision, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    // Decided here, so that a second decision finds it decided; the account
    // it names is linked once it exists.
    let pending: Option<(String, String, String, Option<String>)> = sqlx::query_as(
        "UPDATE access_requests SET status = 'accepted', decided_by = $1, decided_at = $2
         WHERE id = $3 AND status = 'pending'
         RETURNING subject, ci_number, full_name, email",
    )
    .bind(decided_by)
    .bind(now)
    .bind(request_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((subject, ci_number, full_name, email)) = pending else {
        return Ok(Decision::NotPending);
    };
    let email_free = match &email {
        Some(email) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(&mut *tx)
                .await?
                == 0
        }
        None => true,
    };
    let user = NewUser {
        email: email.as_deref().filter(|_| email_free),
        ci_number: Some(&ci_number),
        full_name: Some(&full_name),
        subject: Some(&subject),
        password_hash: None,
        ..*shape
    };
    if !super::accounts::insert_user_in(&mut tx, new_user_id, &user, now).await? {
        return Ok(Decision::Taken);
    }
    sqlx::query("UPDATE access_requests SET user_id = $1 WHERE id = $2")
        .bind(new_user_id)
        .bind(request_id)
        .execute(&mut *tx)
        .await?;
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(Decision::Done(Some(new_user_id.to_owned())))
}

/// Rejects a pending request, saying why.
pub async fn reject_access_request(
    pool: &Pool,
    request_id: &str,
    reason: &str,
    decided_by: &str,
    audit: &AuditEntry,
    now: i64,
) -> Result<Decision, ApiError> {
    let mut tx = dialect::begin_write(pool).await?;
    let rejected = sqlx::query(
        "UPDATE access_requests SET status = 'rejected', decided_by = $1, decided_at = $2, decision_note = $3
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(decided_by)
    .bind(now)
    .bind(reason)
    .bind(request_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if rejected == 0 {
        return Ok(Decision::NotPending);
    }
    super::audit::append_in(&mut tx, audit, now).await?;
    tx.commit().await?;
    Ok(Decision::Done(None))
}

/// The status of a request, by id (for the tests and the API's answer).
pub async fn access_request(
    pool: &Pool,
    request_id: &str,
) -> Result<Option<AccessRequest>, ApiError> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM access_requests WHERE id = $1");
    Ok(sqlx::query_as::<_, AccessRequest>(&sql)
        .bind(request_id)
        .fetch_optional(pool)
        .await?)
}
