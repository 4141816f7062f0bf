//! What a server function reaches through the request: the database and
//! the signed-in account.

use leptos::prelude::*;

use std::sync::Arc;

use super::auth;
use super::error::ApiError;
use super::settings::Settings;
use super::store::{Db, User};

pub fn db() -> Result<Db, ServerFnError> {
    use_context::<Db>().ok_or_else(|| ServerFnError::ServerError("database unavailable".into()))
}

pub fn settings() -> Arc<Settings> {
    use_context::<Arc<Settings>>().unwrap_or_default()
}

/// Who sends the request (address and browser).
pub async fn client() -> auth::Client {
    match leptos_axum::extract::<http::request::Parts>().await {
        Ok(parts) => auth::Client::of(&settings(), &parts),
        Err(_) => auth::Client::default(),
    }
}

pub async fn headers() -> Result<http::HeaderMap, ServerFnError> {
    Ok(leptos_axum::extract::<http::HeaderMap>().await?)
}

/// The account of the request's session; `Unauthorized` without one.
pub async fn signed_in(db: &Db) -> Result<(User, String), ApiError> {
    let session = session_for(db, auth::Purpose::Work).await?;
    Ok((session.user, session.token_hash))
}

/// The same, for what concerns the account itself (allowed before a reset
/// password is replaced).
pub async fn session_for(db: &Db, purpose: auth::Purpose) -> Result<auth::CurrentUser, ApiError> {
    let headers = headers()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    auth::session_user(db, &settings(), &headers, purpose).await
}

pub fn set_cookie(value: http::HeaderValue) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
