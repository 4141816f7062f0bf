//! `/api/v1` for a case's records: its dossier as JSON, CSV and PDF, and
//! the history of many cases as one streamed CSV.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::TryStreamExt;

use app::cases::CaseFilter;
use app::dossier::Dossier;
use app::server::auth::CurrentUser;
use app::server::dossier::{dossier, history_csv, history_export};
use app::server::dossier_pdf;
use app::server::error::{ApiError, ApiQuery};
use app::server::store::Db;

/// `GET /cases/{id}/dossier`: the whole case as one record.
pub async fn dossier_json(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(dossier(&db, &user, &id).await?))
}

/// `GET /cases/{id}/dossier.csv`: its history, a record per entry.
pub async fn dossier_csv(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let dossier = dossier(&db, &user, &id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &dossier.file_name("csv"),
        history_csv(&dossier),
    ))
}

/// `GET /cases/{id}/dossier.pdf`: the dossier to print or archive.
pub async fn dossier_pdf(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let dossier = dossier(&db, &user, &id).await?;
    let name = dossier.file_name("pdf");
    // Drawing a long dossier takes a few milliseconds of CPU: off the
    // threads that serve requests.
    let pdf = tokio::task::spawn_blocking(move || dossier_pdf::render(&dossier))
        .await
        .map_err(|error| ApiError::Internal(format!("drawing a dossier failed: {error}")))?;
    Ok(download("application/pdf", &name, pdf))
}

/// `GET /history.csv?…`: the history of every case the filters (the case
/// list's) ask for, streamed.
pub async fn history(
    State(db): State<Db>,
    user: CurrentUser,
    ApiQuery(filter): ApiQuery<CaseFilter>,
) -> Result<Response, ApiError> {
    let parts = history_export(db, &user, filter)
        .await?
        .map_err(|error| std::io::Error::other(error.to_string()));
    Ok(download(
        "text/csv; charset=utf-8",
        "historial-expedientes.csv",
        Body::from_stream(parts),
    ))
}

/// A body the browser saves as `file_name`.
pub(crate) fn download(media_type: &str, file_name: &str, body: impl Into<Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}
