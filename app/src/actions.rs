//! Server functions: thin, they find the signed-in account, call the store
//! and report its refusals in the words the API uses.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cases::{CaseFilter, CaseSummary, CaseView, InboxItem};
use crate::domain::procedure::ActivityNumber;
use crate::domain::role::Role;

/// The signed-in account as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub email: String,
    pub roles: Vec<Role>,
    pub entity_id: Option<String>,
    pub is_admin: bool,
}

impl Account {
    pub fn is_entity(&self) -> bool {
        self.entity_id.is_some()
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod backend {
    use leptos::prelude::*;
    use sqlx::SqlitePool;

    use crate::server::auth;
    use crate::server::error::ApiError;
    use crate::server::store::User;

    pub fn pool() -> Result<SqlitePool, ServerFnError> {
        use_context::<SqlitePool>()
            .ok_or_else(|| ServerFnError::ServerError("database unavailable".into()))
    }

    pub async fn headers() -> Result<http::HeaderMap, ServerFnError> {
        Ok(leptos_axum::extract::<http::HeaderMap>().await?)
    }

    /// The account of the request's session; `Unauthorized` without one.
    pub async fn signed_in(pool: &SqlitePool) -> Result<(User, String), ApiError> {
        let headers = headers()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let session = auth::session_user(pool, &headers).await?;
        Ok((session.user, session.token_hash))
    }

    pub fn set_cookie(value: http::HeaderValue) {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

#[server]
pub async fn current_account() -> Result<Option<Account>, ServerFnError> {
    use crate::server::error::ApiError;
    let pool = backend::pool()?;
    match backend::signed_in(&pool).await {
        Ok((user, _)) => Ok(Some(user.account())),
        Err(ApiError::Unauthorized) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Only paths of this site are followed after signing in.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") => path,
        _ => "/bandeja",
    }
}

#[server]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::server::auth;
    let pool = backend::pool()?;
    let user = auth::authenticate(&pool, &email, password).await?;
    backend::set_cookie(auth::start_session(&pool, &user).await?);
    leptos_axum::redirect(safe_next(next.as_deref()));
    Ok(())
}

#[server]
pub async fn sign_out() -> Result<(), ServerFnError> {
    use crate::server::{auth, store};
    let pool = backend::pool()?;
    if let Ok((_, token_hash)) = backend::signed_in(&pool).await {
        store::delete_session(&pool, &token_hash).await?;
    }
    backend::set_cookie(auth::cleared_cookie());
    leptos_axum::redirect("/ingresar");
    Ok(())
}

#[server]
pub async fn list_cases(filter: CaseFilter) -> Result<Vec<CaseSummary>, ServerFnError> {
    use crate::server::store;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(store::list_cases(&pool, &user.actor(), &filter).await?)
}

/// An entity a case can be opened for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityChoice {
    pub id: String,
    pub name: String,
}

#[server]
pub async fn entities_for_opening() -> Result<Vec<EntityChoice>, ServerFnError> {
    use crate::server::store;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    let entities = store::list_entities(&pool).await?;
    Ok(entities
        .into_iter()
        .filter(|e| user.entity_id.as_ref().is_none_or(|own| own == &e.id))
        .map(|e| EntityChoice {
            id: e.id,
            name: e.name,
        })
        .collect())
}

#[server]
pub async fn open_case(
    procedure: String,
    entity_id: String,
    title: String,
) -> Result<String, ServerFnError> {
    use crate::domain::procedures;
    use crate::server::error::ApiError;
    use crate::server::store;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    let procedure = procedures::find(&procedure)
        .ok_or_else(|| ApiError::invalid("procedure", "Elija un procedimiento."))?;
    let id = store::open_case(&pool, &user, procedure, &entity_id, &title).await?;
    leptos_axum::redirect(&format!("/expedientes/{id}"));
    Ok(id)
}

#[server]
pub async fn inbox() -> Result<Vec<InboxItem>, ServerFnError> {
    use crate::server::store;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(store::inbox(&pool, &user.actor()).await?)
}

#[server]
pub async fn load_case(id: String) -> Result<CaseView, ServerFnError> {
    use crate::server::error::ApiError;
    use crate::server::store;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    store::case_view(&pool, &user.actor(), &id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound("No existe el expediente o no le corresponde.".into()).into()
        })
}

#[server]
pub async fn complete_activity(
    id: String,
    number: ActivityNumber,
    choice: Option<String>,
    output_reference: String,
    comment: Option<String>,
    version: i64,
) -> Result<CaseView, ServerFnError> {
    use crate::server::error::ApiError;
    use crate::server::store::{self, Completion};
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    store::complete_activity(
        &pool,
        &user,
        &id,
        Completion {
            activity: number,
            choice: choice.as_deref(),
            output_reference: &output_reference,
            comment: comment.as_deref(),
            version,
        },
    )
    .await?;
    store::case_view(&pool, &user.actor(), &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a completed case is not visible".into()).into())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn after_signing_in_only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/expedientes/abc")), "/expedientes/abc");
        assert_eq!(safe_next(Some("//evil.example")), "/bandeja");
        assert_eq!(safe_next(Some("https://evil.example")), "/bandeja");
        assert_eq!(safe_next(None), "/bandeja");
    }
}
