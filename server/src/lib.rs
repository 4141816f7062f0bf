#![recursion_limit = "256"]
//! The web server: configuration, database, the JSON API and the
//! server-rendered Leptos pages, in one axum router.

pub mod api;
pub mod events;
pub mod seed;

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

use std::sync::Arc;

use app::server::stats::StatsCache;
use app::server::store::Db;
use app::{shell, App};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub stats: Arc<StatsCache>,
}

pub fn router(leptos_options: LeptosOptions, db: Db) -> Router {
    let routes = generate_route_list(App);
    let state = AppState {
        leptos_options: leptos_options.clone(),
        stats: StatsCache::new(db.clone()),
        db,
    };
    Router::new()
        .nest("/api/v1", api::routes())
        .route("/healthz", get(api::health))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                // Server functions reach the database through the context.
                let db = state.db.clone();
                let stats = state.stats.clone();
                move || {
                    provide_context(db.clone());
                    provide_context(stats.clone());
                }
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(
            app::server::auth::same_origin_only,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}
