//! `/api/v1` for the activities' files: upload (multipart, streamed),
//! the files of a case, attaching after the fact, and download.

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use app::cases::CaseView;
use app::documents::{FileInfo, FileKind};
use app::domain::procedure::ActivityNumber;
use app::server::auth::CurrentUser;
use app::server::cases::{self, AttachTo, Attachment};
use app::server::error::{ApiError, ApiJson};
use app::server::files;

use crate::AppState;

#[derive(Serialize)]
pub struct Files {
    files: Vec<FileInfo>,
}

/// `POST /cases/{id}/files`: every part with a file name becomes a pending
/// upload of the person (201 with their ids), attached later by a
/// completion or an attachment that names them.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Files>), ApiError> {
    // A body announced larger than the limit is refused before it is read
    // (the parts' headers take a little room beside the files).
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > state.files.limits.per_request + 64 * 1024) {
        return Err(files::request_too_large(&state.files.limits));
    }
    let files = files::upload(&state.db, &state.files, &user, &id, multipart).await?;
    Ok((StatusCode::CREATED, Json(Files { files })))
}

/// `GET /cases/{id}/files`: the attached files in history order, then the
/// reader's own pending uploads.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Files>, ApiError> {
    let files = files::case_files(&state.db, &user, &id).await?;
    Ok(Json(Files { files }))
}

#[derive(Deserialize)]
pub struct AttachBody {
    /// A completed activity the files belong to (a correction)…
    activity: Option<ActivityNumber>,
    /// …or a form the entity sent, by its id.
    submission_id: Option<String>,
    files: Vec<String>,
    comment: Option<String>,
    /// The version the reader saw; without it the files are added to the
    /// case as it is (adding files conflicts with nothing).
    version: Option<i64>,
}

/// `POST /cases/{id}/attachments`: pending uploads added to a completed
/// activity or a sent form as a new history entry.
pub async fn attach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AttachBody>,
) -> Result<Json<CaseView>, ApiError> {
    let to = match (body.activity, body.submission_id.as_deref()) {
        (Some(number), None) => AttachTo::Activity(number),
        (None, Some(submission)) => AttachTo::Submission(submission),
        _ => {
            return Err(ApiError::invalid(
                "activity",
                "Indique la actividad (activity) o el formulario enviado (submission_id) al que adjunta los archivos, uno de los dos.",
            ))
        }
    };
    cases::attach(
        &state.db,
        &user,
        &id,
        Attachment {
            to,
            files: &body.files,
            comment: body.comment.as_deref(),
            version: body.version,
        },
    )
    .await?;
    crate::api::get_case(State(state.db), user, Path(id)).await
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// `1`: shown in the browser (PDFs and images), in a sandbox.
    #[serde(default)]
    ver: Option<String>,
}

/// `GET /files/{id}`: the file as it was uploaded, to whoever sees its
/// case; a download unless viewing a PDF or image was asked for.
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let file = files::visible_file(&state.db, &user, &id).await?;
    let etag = format!("\"{}\"", file.sha256);
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    if unchanged {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let viewable = FileKind::from_media_type(&file.media_type).is_some_and(FileKind::viewable);
    let inline = viewable && query.ver.as_deref() == Some("1");
    let content = state.files.open(&file.sha256).await?;
    let mut response = Body::from_stream(content).into_response();
    let headers = response.headers_mut();
    let value = |text: &str| {
        HeaderValue::from_str(text).map_err(|e| ApiError::Internal(format!("header: {e}")))
    };
    headers.insert(header::CONTENT_TYPE, value(&file.media_type)?);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(&files::content_disposition(&file.name, inline))?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(HeaderName::from_static("x-sha256"), value(&file.sha256)?);
    if inline {
        // Shown as a document of no origin: a PDF's scripts reach nothing.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    }
    // The same id always names the same bytes; who may read them can
    // change, so only this browser keeps them, checking again first.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(header::ETAG, value(&etag)?);
    Ok(response)
}

/// How often each server sweeps what failed uploads left.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Sweeps the file store now and then every hour until the server stops
/// (every server may: a sweep takes nothing another needs).
pub fn sweep_regularly(state: &AppState) {
    let db = state.db.clone();
    let store = state.files.clone();
    let stopping = state.stopping.clone();
    tokio::spawn(async move {
        loop {
            let now = app::domain::calendar::now_ms();
            match store.sweep(&db, now).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "file store swept"),
                Err(error) => tracing::warn!(?error, "file store sweep failed"),
            }
            tokio::select! {
                _ = stopping.cancelled() => break,
                _ = tokio::time::sleep(SWEEP_EVERY) => {}
            }
        }
    });
}
