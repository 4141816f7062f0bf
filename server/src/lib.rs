#![recursion_limit = "256"]
//! The web server: configuration, database, the JSON API and the
//! server-rendered Leptos pages, in one axum router.

pub mod api;
pub mod events;
pub mod files;
pub mod notify;
pub mod records;
pub mod seed;
pub mod serving;
pub mod signin;

use axum::extract::FromRef;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

use std::sync::Arc;
use std::time::Duration;

use app::server::ciudadania::Ciudadania;
use app::server::edge;
use app::server::error::ApiError;
use app::server::files::FileStore;
use app::server::mail::Mailer;
use app::server::settings::Settings;
use app::server::stats::StatsCache;
use app::server::store::Db;
use app::{shell, App};

/// Each part of a request's body must arrive within this of the last.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub stats: Arc<StatsCache>,
    pub settings: Arc<Settings>,
    /// Where the activities' files are stored.
    pub files: FileStore,
    /// Sign-in with Ciudadanía Digital, when configured.
    pub ciudadania: Option<Arc<Ciudadania>>,
    /// The SMTP server notices are mailed through, when configured.
    pub mailer: Option<Arc<Mailer>>,
    /// Cancelled when the server stops, so that live streams end and the
    /// stop need not wait for them.
    pub stopping: CancellationToken,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        settings: Settings,
        files: FileStore,
    ) -> AppState {
        let ciudadania = settings.ciudadania.clone().map(|provider| {
            Ciudadania::new(provider).expect("an HTTP client for Ciudadanía Digital")
        });
        // Links in mail lead to the public origin, else to this server.
        let origin = settings
            .origin
            .clone()
            .unwrap_or_else(|| format!("http://{}", leptos_options.site_addr));
        let mailer = settings.mail.as_ref().map(|mail| {
            Arc::new(Mailer::new(mail, &origin).expect("checked when the settings were read"))
        });
        let db = db.sending_mail(mailer.is_some());
        AppState {
            leptos_options,
            files,
            ciudadania,
            mailer,
            stats: StatsCache::new(db.clone()),
            db,
            settings: Arc::new(settings),
            stopping: CancellationToken::new(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let settings = state.settings.clone();
    let app = Router::new()
        .nest_service(
            "/api/v1",
            // The API's forms also work as plain HTML, without the wasm.
            // Around the API's router, not inside it: a plain form's
            // `_method` must be read before the route is chosen.
            tower::Layer::layer(
                &axum::middleware::from_fn_with_state(
                    state.leptos_options.clone(),
                    app::server::plain_forms::answer_plain_posts,
                ),
                api::routes().with_state(state.clone()),
            ),
        )
        .merge(signin::routes())
        .route("/healthz", get(api::health))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                // Server functions reach the database through the context.
                let db = state.db.clone();
                let stats = state.stats.clone();
                let settings = state.settings.clone();
                let ciudadania = state.ciudadania.clone();
                move || {
                    provide_context(db.clone());
                    provide_context(stats.clone());
                    provide_context(settings.clone());
                    if let Some(ciudadania) = &ciudadania {
                        provide_context(ciudadania.clone());
                    }
                }
            },
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell));
    harden(app, settings).with_state(state)
}

/// What every route goes through on the open internet: the same-origin
/// check on writes, compression, timeouts, panics turned into a logged
/// 500, and the security headers on every answer (errors included).
pub fn harden<S: Clone + Send + Sync + 'static>(
    routes: Router<S>,
    settings: Arc<Settings>,
) -> Router<S> {
    routes
        .layer(axum::middleware::from_fn(edge::server_function_errors))
        .layer(axum::middleware::from_fn_with_state(
            settings.clone(),
            edge::same_origin_only,
        ))
        .layer(CompressionLayer::new())
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(axum::middleware::from_fn(edge::deadline))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn_with_state(
            settings,
            edge::security_headers,
        ))
}

/// A panic is a bug: logged, and answered as any internal error is.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(sin mensaje)");
    ApiError::Internal(format!("panic while answering: {detail}")).into_response()
}
