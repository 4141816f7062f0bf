//! Sign-in with Ciudadanía Digital: the way out to the provider and the
//! way back. Every answer is a redirect: to the page asked for, to the
//! request page of a person the app does not know, or to the sign-in page
//! with the reason (`?aviso=`) when the sign-in did not go through.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use app::identity::SignInProblem;
use app::server::auth::{self, Client};
use app::server::ciudadania::{
    public_origin, CallbackQuery, FinishError, Outcome, ATTEMPT_COOKIE, CALLBACK_PATH,
    REQUEST_COOKIE, REQUEST_PAGE, START_PATH,
};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(START_PATH, get(start))
        .route(CALLBACK_PATH, get(callback))
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

/// `303 See Other` to `location`, with any byte outside printable ASCII
/// (an accented path the person asked for) percent-encoded.
fn see_other(location: &str) -> Response {
    let encoded: String = location
        .bytes()
        .map(|b| match b {
            0x21..=0x7e => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    match HeaderValue::from_str(&encoded) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => to_sign_in_page(SignInProblem::Expired),
    }
}

fn to_sign_in_page(problem: SignInProblem) -> Response {
    see_other(&format!("/ingresar?aviso={}", problem.code()))
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let Some(provider) = &state.ciudadania else {
        return see_other("/ingresar");
    };
    let origin = public_origin(&state.settings, &headers);
    let next = query
        .next
        .as_deref()
        .map(|next| app::actions::safe_next(Some(next)));
    match provider
        .start(&state.db, &state.settings, &origin, next)
        .await
    {
        Ok((location, cookie)) => auth::with_cookie(see_other(&location), cookie),
        Err(problem) => to_sign_in_page(problem),
    }
}

async fn callback(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Query(answer): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = &state.ciudadania else {
        return see_other("/ingresar");
    };
    let origin = public_origin(&state.settings, &headers);
    let outcome = provider
        .finish(
            &state.db,
            &state.settings,
            &client,
            &headers,
            &origin,
            &answer,
        )
        .await;
    let response = match outcome {
        // Signed in: a request for access this browser kept is over.
        Ok(Outcome::SignedIn { cookie, next }) => auth::with_cookie(
            auth::with_cookie(see_other(&next), cookie),
            auth::short_cookie(&state.settings, REQUEST_COOKIE, "", 0),
        ),
        Ok(Outcome::Unknown { cookie }) => auth::with_cookie(see_other(REQUEST_PAGE), cookie),
        Err(FinishError::Problem(problem)) => to_sign_in_page(problem),
        // The app's own failure: logged, and explained as a pause rather
        // than shown raw in the browser.
        Err(FinishError::App(error)) => {
            tracing::error!(?error, "finishing a sign-in through Ciudadanía Digital");
            to_sign_in_page(SignInProblem::ProviderDown)
        }
    };
    // The attempt is used up however it ended.
    auth::with_cookie(
        response,
        auth::short_cookie(&state.settings, ATTEMPT_COOKIE, "", 0),
    )
}
