//! `/api/v1`: the same operations as the pages, as JSON for other systems.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

use app::api::ProcedureDoc;
use app::domain::procedures;

use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/procedures", get(list_procedures))
        .route("/procedures/{code}", get(get_procedure))
        .fallback(|| async { ApiError::NotFound("Recurso no encontrado.".into()) })
}

async fn list_procedures() -> Json<Vec<ProcedureDoc>> {
    Json(
        procedures::ALL
            .iter()
            .map(|p| ProcedureDoc::from(*p))
            .collect(),
    )
}

async fn get_procedure(Path(code): Path<String>) -> Result<Json<ProcedureDoc>, ApiError> {
    procedures::find(&code)
        .map(|p| Json(ProcedureDoc::from(p)))
        .ok_or_else(|| ApiError::NotFound(format!("No existe el procedimiento «{code}».")))
}

pub async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    sqlx::query("SELECT 1")
        .execute(&state.pool)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok("ok")
}
