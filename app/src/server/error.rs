//! The API's errors: one status per kind, a JSON body of the shape
//! `{ "error": "...", "fields": [...] }`, details of internal failures logged
//! and never shown.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    /// A request the server cannot read, with the status the reader chose.
    Unreadable(StatusCode, String),
    Unauthorized,
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    /// Too many attempts: try again after this many seconds.
    Throttled(u64),
    Invalid(Vec<FieldError>),
    Internal(String),
}

pub use crate::domain::validation::FieldError;

#[derive(Serialize)]
struct Body {
    error: String,
    fields: Vec<FieldError>,
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unreadable(status, _) => *status,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the person is told.
    pub fn message(&self) -> String {
        match self {
            ApiError::Invalid(fields) => fields
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Internal(_) => {
                "Error interno del servidor. Intente de nuevo más tarde.".into()
            }
            ApiError::Unauthorized => "Inicie sesión para continuar.".into(),
            ApiError::Throttled(seconds) => format!(
                "Demasiados intentos fallidos. Espere {} antes de intentar de nuevo.",
                crate::domain::calendar::spoken_seconds(*seconds)
            ),
            ApiError::Unreadable(_, m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m) => m.clone(),
        }
    }
}

impl ApiError {
    /// `Retry-After` for a throttled request.
    fn retry_after(&self) -> Option<axum::http::HeaderValue> {
        match self {
            ApiError::Throttled(seconds) => Some(axum::http::HeaderValue::from(*seconds)),
            _ => None,
        }
    }
}

/// For logs and command-line tools: the detail of internal failures too.
/// (Not `std::error::Error`: server functions convert it themselves.)
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Internal(detail) => write!(f, "{detail}"),
            other => write!(f, "{} ({})", other.message(), other.status()),
        }
    }
}

/// Server functions report the same message the API would, and the page
/// or call that failed answers with the API's status (a case that is not
/// yours is a 404 on its page too).
impl From<ApiError> for leptos::prelude::ServerFnError {
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(detail) = &error {
            tracing::error!(%detail, "internal error");
        }
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
            if let Some(retry_after) = error.retry_after() {
                response.insert_header(axum::http::header::RETRY_AFTER, retry_after);
            }
        }
        leptos::prelude::ServerFnError::ServerError(error.message())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let error = match &self {
            ApiError::Invalid(_) => "Revise los datos enviados.".to_owned(),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                self.message()
            }
            _ => self.message(),
        };
        let retry_after = self.retry_after();
        let fields = match self {
            ApiError::Invalid(fields) => fields,
            _ => Vec::new(),
        };
        let mut response = (status, Json(Body { error, fields })).into_response();
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after);
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = match &rejection {
            JsonRejection::JsonDataError(e) => {
                return ApiError::Unreadable(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "El cuerpo JSON no tiene la forma esperada: {}",
                        e.body_text()
                    ),
                )
            }
            JsonRejection::JsonSyntaxError(_) => "El cuerpo no es JSON válido.".to_owned(),
            JsonRejection::MissingJsonContentType(_) => {
                "El cuerpo debe enviarse con Content-Type: application/json.".to_owned()
            }
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                "El cuerpo de la solicitud es demasiado grande.".to_owned()
            }
            _ => "No se pudo leer el cuerpo de la solicitud.".to_owned(),
        };
        ApiError::Unreadable(rejection.status(), message)
    }
}

/// `Json` whose refusals answer in the API's error shape. The body must be
/// a JSON object: serde would otherwise read `[]` as a struct with every
/// field missing.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(ApiError::Unreadable(
                StatusCode::UNPROCESSABLE_ENTITY,
                "El cuerpo JSON debe ser un objeto, entre llaves: { … }.".into(),
            ));
        }
        T::deserialize(value).map(ApiJson).map_err(|error| {
            ApiError::Unreadable(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("El cuerpo JSON no tiene la forma esperada: {error}"),
            )
        })
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Unreadable(
            StatusCode::BAD_REQUEST,
            format!(
                "Los parámetros de la dirección no son válidos: {}",
                rejection.body_text()
            ),
        )
    }
}

/// `Query` whose refusals answer in the API's error shape.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
