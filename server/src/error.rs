//! The API's errors: one status per kind, a JSON body of the shape
//! `{ "error": "...", "fields": [...] }`, details of internal failures logged
//! and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    Internal(String),
}

#[derive(Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Serialize)]
struct Body {
    error: String,
    fields: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Error interno del servidor. Intente de nuevo más tarde.".to_owned(),
                )
            }
        };
        let body = Body {
            error: message,
            fields: Vec::new(),
        };
        (status, Json(body)).into_response()
    }
}
