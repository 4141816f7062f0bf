//! `/api/v1`: the same operations as the pages, as JSON for other systems.

use axum::extract::{DefaultBodyLimit, OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use app::accounts::{Account, AccountRow, DueRow, Entity, EntityRow};
use app::api::ProcedureDoc;
use app::audit::{AuditFilter, AuditRow};
use app::cases::CaseView;
use app::domain::procedure::ActivityNumber;
use app::domain::procedures;
use app::paging::{Page, PageRequest};

use crate::AppState;
use app::cases::{CaseFilter, InboxPart};
use app::forms::{today_in_bolivia, Anexo, AnyForm, Draft, Report, Submission};
use app::identity::{Acceptance, AccessRequest};
use app::notifications::{AssignRequest, Candidate, NotificationList, Preferences};
use app::server::access;
use app::server::admin::{self, NewAccount};
use app::server::auth::{self, Client, CurrentUser};
use app::server::cases::{self, Completion};
use app::server::derivation::{self, Derivation};
use app::server::error::{ApiError, ApiJson, ApiQuery};
use app::server::forms;
use app::server::notices;
use app::server::store::Db;
use app::server::store::FailedMail;

/// Requests larger than this are refused before they are read.
const BODY_LIMIT: usize = 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/procedures", get(list_procedures))
        .route("/procedures/{code}", get(get_procedure))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/me/password", put(change_my_password))
        .route("/entities", get(list_entities).post(create_entity))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}/access", put(change_access))
        .route("/users/{id}/status", put(change_status))
        .route("/users/{id}/password", put(reset_password))
        .route("/users/{id}/sessions", delete(end_sessions))
        .route(
            "/access-request",
            get(own_access_request).put(complete_own_access_request),
        )
        .route("/access-requests", get(access_requests))
        .route("/access-requests/{id}/accept", post(accept_access_request))
        .route("/access-requests/{id}/reject", post(reject_access_request))
        .route("/audit", get(audit_log))
        .route("/audit.csv", get(audit_csv))
        .route("/cases", get(list_cases).post(open_case))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/dossier", get(crate::records::dossier_json))
        .route("/cases/{id}/dossier.csv", get(crate::records::dossier_csv))
        .route("/cases/{id}/dossier.pdf", get(crate::records::dossier_pdf))
        .route("/history.csv", get(crate::records::history))
        .route("/inbox", get(inbox))
        .route("/cases/{id}/events", get(crate::events::case_events))
        .route("/events", get(crate::events::my_events))
        .route("/stats/events", get(crate::events::stats_events))
        .route("/cases/{id}/entities", post(name_entity))
        .route("/cases/{id}/activities/{number}/complete", post(complete))
        .route("/cases/{id}/activities/{number}/assign", post(assign))
        .route("/cases/{id}/activities/{number}/take", post(take))
        .route("/cases/{id}/activities/{number}/release", post(release))
        .route(
            "/cases/{id}/activities/{number}/candidates",
            get(candidates),
        )
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read_all_notifications))
        .route("/notifications/{id}/read", post(read_notification))
        .route(
            "/notification-preferences",
            get(notification_preferences).put(set_notification_preferences),
        )
        .route("/mail/failed", get(failed_mail))
        .route("/mail/{id}/retry", post(retry_mail))
        .route(
            "/cases/{id}/files",
            get(crate::files::list)
                .post(crate::files::upload)
                // Files stream to disk within their own limits.
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}/attachments", post(crate::files::attach))
        .route("/files/{id}", get(crate::files::download))
        .route("/forms/{anexo}/validate", post(validate_form))
        .route("/forms/{anexo}/draft", get(get_draft).put(put_draft))
        .route("/forms/{anexo}/submit", post(submit_form))
        .route("/submissions", get(list_submissions))
        .route("/submissions/{id}", get(get_submission))
        .route("/submissions/{id}/registration", get(registration))
        .route("/submissions/{id}/return", post(return_submission))
        .route("/stats", get(stats))
        .route("/due-times", get(due_times))
        .route("/due-times/{procedure}", put(set_due_times))
        .route("/stats/activities.csv", get(activities_csv))
        .route("/stats/months.csv", get(months_csv))
        .route("/stats/integrations.csv", get(integrations_csv))
        .route("/stats/inconsistencies.csv", get(inconsistencies_csv))
        .fallback(|| async { ApiError::NotFound("Recurso no encontrado.".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn list_procedures() -> Json<Vec<ProcedureDoc>> {
    Json(
        procedures::current()
            .into_iter()
            .map(ProcedureDoc::from)
            .collect(),
    )
}

async fn get_procedure(Path(code): Path<String>) -> Result<Json<ProcedureDoc>, ApiError> {
    procedures::find(&code)
        .map(|p| Json(ProcedureDoc::from(p)))
        .ok_or_else(|| ApiError::NotFound(format!("No existe el procedimiento «{code}».")))
}

pub async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.db.ping().await?;
    Ok("ok")
}

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let signed_in = auth::sign_in(
        &state.db,
        &state.settings,
        &client,
        &headers,
        &body.email,
        body.password,
    )
    .await?;
    Ok(auth::with_cookie(
        Json(signed_in.user.account()),
        signed_in.cookie,
    ))
}

/// Ends the session: `204`, or `200 { "end_session_url" }` when it was
/// opened through Ciudadanía Digital, whose session ends at that address.
async fn logout(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    user: Option<CurrentUser>,
) -> Result<Response, ApiError> {
    let id_token = auth::sign_out(&state.db, &client, user.as_ref()).await?;
    let cleared = auth::cleared_cookie(&state.settings);
    let end_session = match (&state.ciudadania, id_token) {
        (Some(provider), Some(id_token)) => {
            let origin = app::server::ciudadania::public_origin(&state.settings, &headers);
            provider.end_session_url(&id_token, &origin).await
        }
        _ => None,
    };
    Ok(match end_session {
        Some(url) => {
            auth::with_cookie(Json(serde_json::json!({ "end_session_url": url })), cleared)
        }
        None => auth::with_cookie(StatusCode::NO_CONTENT, cleared),
    })
}

async fn me(user: CurrentUser) -> Json<Account> {
    Json(user.account())
}

async fn list_entities(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<Vec<EntityRow>>, ApiError> {
    Ok(Json(admin::overview(&db, &user).await?.entities))
}

#[derive(Deserialize)]
struct NewEntity {
    name: String,
    code: String,
}

async fn create_entity(
    State(db): State<Db>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewEntity>,
) -> Result<(StatusCode, Json<Entity>), ApiError> {
    let entity = admin::create_entity(&db, &user, &body.name, &body.code).await?;
    Ok((StatusCode::CREATED, Json(entity)))
}

async fn list_users(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<Vec<AccountRow>>, ApiError> {
    Ok(Json(admin::overview(&db, &user).await?.accounts))
}

async fn create_user(
    State(db): State<Db>,
    user: CurrentUser,
    ApiJson(body): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let created = admin::create_account(&db, &user, body).await?;
    Ok((StatusCode::CREATED, Json(created.account())))
}

/// The request of a person the app does not know yet, by the cookie their
/// sign-in left.
async fn own_access_request(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<AccessRequest>, ApiError> {
    access::own(&state.db, &state.settings, &headers)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::NotFound(
                "No hay una solicitud de acceso suya: ingrese con Ciudadanía Digital.".into(),
            )
        })
}

#[derive(Deserialize)]
struct OwnRequest {
    claimed_entity: String,
    #[serde(default)]
    note: String,
}

async fn complete_own_access_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OwnRequest>,
) -> Result<Json<AccessRequest>, ApiError> {
    Ok(Json(
        access::complete_own(
            &state.db,
            &state.settings,
            &headers,
            &body.claimed_entity,
            &body.note,
        )
        .await?,
    ))
}

async fn access_requests(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<Vec<AccessRequest>>, ApiError> {
    Ok(Json(access::pending(&db, &user).await?))
}

async fn accept_access_request(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Acceptance>,
) -> Result<(StatusCode, Json<AccountRow>), ApiError> {
    let account = access::accept(&db, &user, &client, &id, body).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

#[derive(Deserialize)]
struct Rejection {
    reason: String,
}

async fn reject_access_request(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Rejection>,
) -> Result<Json<AccessRequest>, ApiError> {
    Ok(Json(
        access::reject(&db, &user, &client, &id, &body.reason).await?,
    ))
}

#[derive(Deserialize)]
struct Access {
    roles: Vec<String>,
    #[serde(default)]
    is_admin: bool,
}

async fn change_access(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Access>,
) -> Result<Json<AccountRow>, ApiError> {
    Ok(Json(
        admin::change_access(&db, &user, &client, &id, &body.roles, body.is_admin).await?,
    ))
}

#[derive(Deserialize)]
struct Status {
    disabled: bool,
}

async fn change_status(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Status>,
) -> Result<Json<AccountRow>, ApiError> {
    Ok(Json(
        admin::set_disabled(&db, &user, &client, &id, body.disabled).await?,
    ))
}

#[derive(Deserialize)]
struct Reset {
    password: String,
}

async fn reset_password(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Reset>,
) -> Result<StatusCode, ApiError> {
    admin::reset_password(&db, &user, &client, &id, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end_sessions(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ended = admin::end_sessions(&db, &user, &client, &id).await?;
    Ok(Json(serde_json::json!({ "ended": ended })))
}

#[derive(Deserialize)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

async fn change_my_password(
    State(db): State<Db>,
    user: CurrentUser,
    client: Client,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    auth::change_own_password(
        &db,
        &client,
        &user,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit_log(
    State(db): State<Db>,
    user: CurrentUser,
    ApiQuery(filter): ApiQuery<AuditFilter>,
) -> Result<Json<Vec<AuditRow>>, ApiError> {
    Ok(Json(
        admin::audit_log(&db, &user, &filter, admin::AUDIT_PAGE).await?,
    ))
}

/// The audit log as CSV: what the filter keeps, up to 100 000 entries.
async fn audit_csv(
    State(db): State<Db>,
    user: CurrentUser,
    ApiQuery(filter): ApiQuery<AuditFilter>,
) -> Result<Response, ApiError> {
    let rows = admin::audit_log(&db, &user, &filter, 100_000).await?;
    Ok(csv_download("auditoria.csv", app::audit::audit_csv(&rows)))
}

#[derive(Deserialize)]
struct OpenCase {
    procedure: String,
    /// The one entity the case concerns.
    entity_id: Option<String>,
    /// Or the entities a PR09 case concerns (none, one or several).
    entity_ids: Option<Vec<String>>,
    title: String,
}

async fn open_case(
    State(db): State<Db>,
    user: CurrentUser,
    ApiJson(body): ApiJson<OpenCase>,
) -> Result<(StatusCode, Json<CaseView>), ApiError> {
    let procedure = procedures::find(&body.procedure).ok_or_else(|| {
        ApiError::invalid(
            "procedure",
            "No existe ese procedimiento; use PR05, PR6, PR7 o PR09.",
        )
    })?;
    let entities = cases::named_entities(body.entity_id, body.entity_ids)?;
    let id = cases::open(&db, &user, procedure, &entities, &body.title).await?;
    let view = cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a new case is not visible".into()))?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn list_cases(
    State(db): State<Db>,
    user: CurrentUser,
    OriginalUri(uri): OriginalUri,
    ApiQuery(filter): ApiQuery<CaseFilter>,
    ApiQuery(page): ApiQuery<PageRequest>,
) -> Result<Response, ApiError> {
    let page = cases::list(&db, &user.actor(), &filter, &page).await?;
    Ok(paged(&uri, page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InboxQuery {
    /// `assigned-to-me`, `for-my-roles`, or both (empty or `all`).
    part: String,
}

async fn inbox(
    State(db): State<Db>,
    user: CurrentUser,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageRequest>,
    ApiQuery(query): ApiQuery<InboxQuery>,
) -> Result<Response, ApiError> {
    let part = InboxPart::parse(&query.part).ok_or_else(|| {
        ApiError::invalid(
            "part",
            "La parte de la bandeja es assigned-to-me, for-my-roles o all.",
        )
    })?;
    let page = cases::inbox(&db, &user.actor(), part, &page).await?;
    Ok(paged(&uri, page))
}

/// A page as the list's entries, with the total in `X-Total-Count` and the
/// pages around it in `Link` (RFC 8288: `rel="next"`, `rel="prev"`, and
/// `rel="first"` once past the first), the way other paged APIs answer.
fn paged<T: Serialize>(uri: &Uri, page: Page<T>) -> Response {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default();
    let link_to = |cursor: Option<(&str, &str)>, rel: &str| {
        let mut query: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(name, _)| name != "after" && name != "before")
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        query.extend(cursor);
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        let separator = if query.is_empty() { "" } else { "?" };
        format!("<{}{separator}{query}>; rel=\"{rel}\"", uri.path())
    };
    let mut links = Vec::new();
    if let Some(next) = &page.next {
        links.push(link_to(Some(("after", next)), "next"));
    }
    if let Some(previous) = &page.previous {
        links.push(link_to(Some(("before", previous)), "prev"));
        links.push(link_to(None, "first"));
    }
    let mut headers = HeaderMap::new();
    headers.insert("x-total-count", HeaderValue::from(page.total));
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        if !links.is_empty() {
            headers.insert(header::LINK, value);
        }
    }
    (headers, Json(page.items)).into_response()
}

pub(crate) async fn get_case(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, ApiError> {
    cases::view(&db, &user.actor(), &id)
        .await?
        .map(Json)
        .ok_or_else(cases::case_not_found)
}

#[derive(Deserialize)]
struct CompleteBody {
    choice: Option<String>,
    output_reference: String,
    comment: Option<String>,
    version: i64,
    /// Uploads (`POST /cases/{id}/files`) attached as the activity's output.
    #[serde(default)]
    files: Vec<String>,
    /// For an activity that derives: who takes the work that follows.
    #[serde(default)]
    assignee: Option<String>,
    /// For an activity that receives the request forms: go on although
    /// none was received.
    #[serde(default)]
    without_forms: bool,
}

async fn complete(
    State(db): State<Db>,
    user: CurrentUser,
    Path((id, number)): Path<(String, ActivityNumber)>,
    ApiJson(body): ApiJson<CompleteBody>,
) -> Result<Json<CaseView>, ApiError> {
    cases::complete(
        &db,
        &user,
        &id,
        Completion {
            activity: number,
            choice: body.choice.as_deref(),
            output_reference: &body.output_reference,
            comment: body.comment.as_deref(),
            version: body.version,
            files: &body.files,
            assignee: body.assignee.as_deref(),
            without_forms: body.without_forms,
        },
    )
    .await?;
    get_case(State(db), user, Path(id)).await
}

async fn assign(
    State(db): State<Db>,
    user: CurrentUser,
    Path((id, number)): Path<(String, ActivityNumber)>,
    ApiJson(body): ApiJson<AssignRequest>,
) -> Result<Json<CaseView>, ApiError> {
    let what = Derivation::Assign {
        user_id: &body.user_id,
        reason: body.reason.as_deref(),
    };
    derive_and_show(db, user, id, number, what, body.version).await
}

#[derive(Deserialize)]
struct NameEntityRequest {
    entity_id: String,
    /// The case's version the person saw, when given.
    version: Option<i64>,
}

/// `POST /api/v1/cases/{id}/entities`: names one more entity the case
/// concerns (PR09), then answers the case as it is now.
async fn name_entity(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NameEntityRequest>,
) -> Result<Json<CaseView>, ApiError> {
    cases::name_entity(&db, &user, &id, &body.entity_id, body.version).await?;
    get_case(State(db), user, Path(id)).await
}

/// Derives, takes or releases, then answers the case as it is now.
async fn derive_and_show(
    db: Db,
    user: CurrentUser,
    id: String,
    number: ActivityNumber,
    what: Derivation<'_>,
    version: Option<i64>,
) -> Result<Json<CaseView>, ApiError> {
    derivation::derive(&db, &user, &id, number, what, version).await?;
    get_case(State(db), user, Path(id)).await
}

/// The body of take and release: empty, or the version seen.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SeenVersion {
    #[serde(default)]
    version: Option<i64>,
}

fn seen_version(body: &[u8]) -> Result<Option<i64>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<SeenVersion>(body)
        .map(|seen| seen.version)
        .map_err(|_| {
            ApiError::invalid(
                "version",
                "Envíe un cuerpo vacío o { \"version\": N } con la versión del expediente que vio.",
            )
        })
}

async fn take(
    State(db): State<Db>,
    user: CurrentUser,
    Path((id, number)): Path<(String, ActivityNumber)>,
    body: axum::body::Bytes,
) -> Result<Json<CaseView>, ApiError> {
    let version = seen_version(&body)?;
    derive_and_show(db, user, id, number, Derivation::Take, version).await
}

async fn release(
    State(db): State<Db>,
    user: CurrentUser,
    Path((id, number)): Path<(String, ActivityNumber)>,
    body: axum::body::Bytes,
) -> Result<Json<CaseView>, ApiError> {
    let version = seen_version(&body)?;
    derive_and_show(db, user, id, number, Derivation::Release, version).await
}

async fn candidates(
    State(db): State<Db>,
    user: CurrentUser,
    Path((id, number)): Path<(String, ActivityNumber)>,
) -> Result<Json<Vec<Candidate>>, ApiError> {
    Ok(Json(derivation::candidates(&db, &user, &id, number).await?))
}

async fn notifications(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<NotificationList>, ApiError> {
    Ok(Json(notices::list(&db, &user).await?))
}

async fn read_notification(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<NotificationList>, ApiError> {
    notices::mark_read(&db, &user, Some(&id)).await?;
    Ok(Json(notices::list(&db, &user).await?))
}

async fn read_all_notifications(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<NotificationList>, ApiError> {
    notices::mark_read(&db, &user, None).await?;
    Ok(Json(notices::list(&db, &user).await?))
}

async fn notification_preferences(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(notices::preferences(&db, &user).await?))
}

async fn set_notification_preferences(
    State(db): State<Db>,
    user: CurrentUser,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<Preferences>, ApiError> {
    notices::set_preferences(&db, &user, &body).await?;
    Ok(Json(notices::preferences(&db, &user).await?))
}

async fn failed_mail(
    State(db): State<Db>,
    user: CurrentUser,
) -> Result<Json<Vec<FailedMail>>, ApiError> {
    Ok(Json(notices::failed_mail(&db, &user).await?))
}

async fn retry_mail(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    notices::retry_mail(&db, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn anexo_of(slug: &str) -> Result<Anexo, ApiError> {
    Anexo::from_slug(slug).ok_or_else(|| {
        ApiError::NotFound(format!(
            "No existe el formulario «{slug}»; use anexo-1, anexo-2 o anexo-3."
        ))
    })
}

/// A form body of the kind the path names; a wrong shape is a 422 that says
/// which field.
fn form_from(anexo: Anexo, body: serde_json::Value) -> Result<AnyForm, ApiError> {
    AnyForm::from_json(anexo, body).map_err(|message| {
        ApiError::invalid(
            "form",
            format!("El formulario no tiene la forma esperada: {message}."),
        )
    })
}

/// Checks a form without storing it; no session needed.
async fn validate_form(
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<Report>, ApiError> {
    let form = form_from(anexo_of(&slug)?, body)?;
    Ok(Json(form.validate(today_in_bolivia())))
}

async fn get_draft(
    State(db): State<Db>,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<Json<Draft>, ApiError> {
    Ok(Json(forms::load_draft(&db, &user, anexo_of(&slug)?).await?))
}

#[derive(serde::Serialize)]
struct Saved {
    saved_at: i64,
}

async fn put_draft(
    State(db): State<Db>,
    user: CurrentUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<Saved>, ApiError> {
    let form = form_from(anexo_of(&slug)?, body)?;
    let saved_at = forms::save_draft(&db, &user, &form).await?;
    Ok(Json(Saved { saved_at }))
}

async fn submit_form(
    State(db): State<Db>,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<Submission>), ApiError> {
    let submission = forms::submit(&db, &user, anexo_of(&slug)?).await?;
    Ok((StatusCode::CREATED, Json(submission)))
}

#[derive(Deserialize)]
struct SubmissionQuery {
    case_id: Option<String>,
}

async fn list_submissions(
    State(db): State<Db>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SubmissionQuery>,
) -> Result<Json<Vec<Submission>>, ApiError> {
    Ok(Json(
        forms::submissions(&db, &user, query.case_id.as_deref()).await?,
    ))
}

async fn get_submission(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Submission>, ApiError> {
    Ok(Json(forms::submission(&db, &user, &id).await?))
}

/// A sent Anexo 2 as the RFC 7591 client registration, to download.
async fn registration(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let submission = forms::submission(&db, &user, &id).await?;
    let AnyForm::Dos(anexo2) = &submission.form else {
        return Err(ApiError::NotFound(
            "Solo el Anexo 2 tiene registro de cliente.".into(),
        ));
    };
    let disposition = format!(
        "attachment; filename=\"registro-cliente-{}.json\"",
        submission.reference
    );
    let mut response = Json(anexo2.registration()).into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
struct ReturnBody {
    observations: String,
}

async fn return_submission(
    State(db): State<Db>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReturnBody>,
) -> Result<Json<Submission>, ApiError> {
    Ok(Json(
        forms::return_submission(&db, &user, &id, &body.observations).await?,
    ))
}

/// The dashboard's figures.
async fn stats(
    State(cache): State<std::sync::Arc<app::server::stats::StatsCache>>,
    user: CurrentUser,
) -> Result<Json<app::domain::stats::Stats>, ApiError> {
    app::server::stats::managers_only(&user)?;
    Ok(Json((*cache.get().await?).clone()))
}

fn csv_download(name: &str, body: String) -> Response {
    crate::records::download("text/csv; charset=utf-8", name, body)
}

/// One of the dashboard's tables as CSV, for managers.
async fn stats_csv(
    cache: &std::sync::Arc<app::server::stats::StatsCache>,
    user: &CurrentUser,
    name: &str,
    table: fn(&app::domain::stats::Stats) -> String,
) -> Result<Response, ApiError> {
    app::server::stats::managers_only(user)?;
    let stats = cache.get().await?;
    Ok(csv_download(name, table(&stats)))
}

type StatsState = State<std::sync::Arc<app::server::stats::StatsCache>>;

async fn activities_csv(State(cache): StatsState, user: CurrentUser) -> Result<Response, ApiError> {
    stats_csv(
        &cache,
        &user,
        "actividades.csv",
        app::dashboard::activities_csv,
    )
    .await
}

async fn months_csv(State(cache): StatsState, user: CurrentUser) -> Result<Response, ApiError> {
    stats_csv(&cache, &user, "meses.csv", app::dashboard::months_csv).await
}

async fn integrations_csv(
    State(cache): StatsState,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    app::server::stats::managers_only(&user)?;
    let whole = cache.integrations().await?;
    Ok(csv_download(
        "integraciones.csv",
        app::dashboard::integrations_csv(&whole),
    ))
}

async fn inconsistencies_csv(
    State(cache): StatsState,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    app::server::stats::managers_only(&user)?;
    let whole = cache.integrations().await?;
    Ok(csv_download(
        "inconsistencias.csv",
        app::dashboard::inconsistencies_csv(&whole),
    ))
}

async fn due_times(State(db): State<Db>, user: CurrentUser) -> Result<Json<Vec<DueRow>>, ApiError> {
    app::server::stats::managers_only(&user)?;
    Ok(Json(admin::due_rows(&db).await?))
}

/// `{ "9": 72, "10": "" }`: hours per activity; empty or null resets to the
/// default.
async fn set_due_times(
    State(db): State<Db>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<std::collections::BTreeMap<String, serde_json::Value>>,
) -> Result<Json<Vec<DueRow>>, ApiError> {
    let procedure = procedures::find(&code)
        .ok_or_else(|| ApiError::NotFound(format!("No existe el procedimiento «{code}».")))?;
    let mut hours = Vec::new();
    for (key, value) in &body {
        let number: ActivityNumber = key.parse().map_err(|_| {
            ApiError::invalid(key, format!("«{key}» no es un número de actividad."))
        })?;
        let parsed = match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) if text.trim().is_empty() => None,
            serde_json::Value::String(text) => Some(text.trim().parse::<u32>().map_err(|_| {
                ApiError::invalid(
                    key,
                    format!("Actividad {number}: escriba el plazo en horas, como 72."),
                )
            })?),
            serde_json::Value::Number(n) => Some(
                n.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| {
                        ApiError::invalid(
                            key,
                            format!("Actividad {number}: escriba el plazo en horas, como 72."),
                        )
                    })?,
            ),
            _ => {
                return Err(ApiError::invalid(
                    key,
                    format!("Actividad {number}: escriba el plazo en horas, como 72."),
                ))
            }
        };
        hours.push((number, parsed));
    }
    admin::set_due_times(&db, &user, procedure, &hours).await?;
    Ok(Json(admin::due_rows(&db).await?))
}
