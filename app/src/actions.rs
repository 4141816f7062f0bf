//! Server functions, all of them: thin, they find the signed-in account,
//! call a service and report its refusals in the words the API uses.
// A server function's arguments are its form's fields, one each, however
// many the form has.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::accounts::{Account, AdminOverview, EntityChoice};
use crate::cases::{CaseFilter, CaseSummary, CaseView, InboxItem, InboxPart};
use crate::domain::procedure::ActivityNumber;
use crate::domain::stats::Stats;
use crate::forms::Submission;
use crate::identity::{AccessRequest, SignInChoices};
use crate::notifications::{Candidates, FailedMail, NotificationList, Preferences};
use crate::paging::{Page, PageRequest};
use crate::portal::{FormPageData, Portal};

/// How server functions answer: JSON, as Leptos's default, but read in the
/// browser as text, the way an island's props are read. Leptos reads its
/// own JSON answers from bytes, and every type an island gets both ways was
/// in the browser's build twice, once per reader.
pub type JsonText = Post<JsonAsText>;

pub struct JsonAsText;

impl ContentType for JsonAsText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonAsText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonAsText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonAsText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[server(output = JsonText)]
pub async fn current_account() -> Result<Option<Account>, ServerFnError> {
    use crate::server::error::ApiError;
    use crate::server::request;
    let db = request::db()?;
    match request::session_for(&db, crate::server::auth::Purpose::OwnAccount).await {
        Ok(session) => Ok(Some(session.user.account())),
        Err(ApiError::Unauthorized) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Only paths of this site are followed after signing in.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if is_path_on_this_site(path) => path,
        _ => "/bandeja",
    }
}

/// A path of this site: one leading `/` (`//host` is another site), no `\`
/// (which browsers read as `/`), no control character (which would end the
/// `Location` header early).
fn is_path_on_this_site(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[server(output = JsonText)]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, ServerFnError> {
    use crate::server::{auth, request};
    let db = request::db()?;
    let headers = request::headers().await?;
    let client = request::client().await;
    let signed_in = auth::sign_in(
        &db,
        &request::settings(),
        &client,
        &headers,
        &email,
        password,
    )
    .await?;
    request::set_cookie(signed_in.cookie);
    // After a reset, the new password comes before anything else.
    let destination = if signed_in.user.must_change_password {
        "/cuenta"
    } else {
        safe_next(next.as_deref())
    };
    leptos_axum::redirect(destination);
    Ok(destination.to_owned())
}

/// Ends the session; answers where to go: the provider's end-session
/// address when the session came through Ciudadanía Digital, else the
/// sign-in page.
#[server(output = JsonText)]
pub async fn sign_out() -> Result<String, ServerFnError> {
    use crate::server::{auth, ciudadania, request};
    let db = request::db()?;
    let settings = request::settings();
    let session = request::session_for(&db, auth::Purpose::OwnAccount)
        .await
        .ok();
    let id_token = auth::sign_out(&db, &request::client().await, session.as_ref()).await?;
    request::set_cookie(auth::cleared_cookie(&settings));
    let provider = use_context::<std::sync::Arc<ciudadania::Ciudadania>>();
    let destination = match (provider, id_token) {
        (Some(provider), Some(id_token)) => {
            let origin = ciudadania::public_origin(&settings, &request::headers().await?);
            provider.end_session_url(&id_token, &origin).await
        }
        _ => None,
    }
    .unwrap_or_else(|| ciudadania::POST_LOGOUT_PATH.to_owned());
    leptos_axum::redirect(&destination);
    Ok(destination)
}

/// What the sign-in page offers.
#[server(output = JsonText)]
pub async fn sign_in_options() -> Result<SignInChoices, ServerFnError> {
    use crate::server::request;
    let settings = request::settings();
    Ok(SignInChoices {
        ciudadania: settings.ciudadania.is_some(),
        passwords_for_everyone: settings.passwords.admits(false),
        passwords_for_admins: settings.passwords.admits(true),
    })
}

/// The request for access of the person whose browser carries it.
#[server(output = JsonText)]
pub async fn my_access_request() -> Result<Option<AccessRequest>, ServerFnError> {
    use crate::server::{access, request};
    let db = request::db()?;
    Ok(access::own(&db, &request::settings(), &request::headers().await?).await?)
}

/// The person says which entity they belong to.
#[server(output = JsonText)]
pub async fn send_access_request(
    claimed_entity: String,
    note: String,
) -> Result<AccessRequest, ServerFnError> {
    use crate::server::{access, request};
    let db = request::db()?;
    let headers = request::headers().await?;
    Ok(access::complete_own(&db, &request::settings(), &headers, &claimed_entity, &note).await?)
}

#[server(output = JsonText)]
pub async fn list_cases(
    filter: CaseFilter,
    page: PageRequest,
) -> Result<Page<CaseSummary>, ServerFnError> {
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(cases::list(&db, &user.actor(), &filter, &page).await?)
}

#[server(output = JsonText)]
pub async fn entities_for_opening() -> Result<Vec<EntityChoice>, ServerFnError> {
    use crate::server::request;
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let actor = user.actor();
    Ok(db
        .list_entities()
        .await?
        .into_iter()
        .filter(|e| actor.may_see(std::slice::from_ref(&e.id)))
        .map(|e| EntityChoice {
            id: e.id,
            name: e.name,
        })
        .collect())
}

#[server(output = JsonText)]
pub async fn open_case(
    procedure: String,
    entity_id: String,
    title: String,
) -> Result<String, ServerFnError> {
    use crate::domain::procedures;
    use crate::server::error::ApiError;
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let procedure = procedures::find(&procedure)
        .ok_or_else(|| ApiError::invalid("procedure", "Elija un procedimiento."))?;
    let entities = cases::named_entities(Some(entity_id), None)?;
    let id = cases::open(&db, &user, procedure, &entities, &title).await?;
    leptos_axum::redirect(&format!("/expedientes/{id}"));
    Ok(id)
}

/// The entities the reader may still name on a PR09 case (none when they
/// may name none there).
#[server(output = JsonText)]
pub async fn entities_to_name(case_id: String) -> Result<Vec<EntityChoice>, ServerFnError> {
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(cases::entities_to_name(&db, &user, &case_id).await?)
}

/// Names one more entity a PR09 case concerns. Whatever else changed on
/// the case since the page was read is no conflict: the entity is named on
/// the case as it is.
#[server(output = JsonText)]
pub async fn name_case_entity(case_id: String, entity_id: String) -> Result<(), ServerFnError> {
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    cases::name_entity(&db, &user, &case_id, &entity_id, None).await?;
    Ok(())
}

#[server(output = JsonText)]
pub async fn inbox(
    page: PageRequest,
    #[server(default)] part: InboxPart,
) -> Result<Page<InboxItem>, ServerFnError> {
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(cases::inbox(&db, &user.actor(), part, &page).await?)
}

/// A case as its page shows it to the reader, with the lists of people it
/// offers them to derive to (`server::derivation::offered_lists`).
#[server(output = JsonText)]
pub async fn load_case_page(id: String) -> Result<(CaseView, Vec<Candidates>), ServerFnError> {
    use crate::server::{cases, derivation, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let case = cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(cases::case_not_found)?;
    let procedure = crate::domain::procedures::definition(&case.procedure, case.procedure_version)
        .ok_or_else(cases::case_not_found)?;
    let offered = derivation::offered_lists(&db, &user, &case, procedure).await?;
    Ok((case, offered))
}

#[server(output = JsonText)]
pub async fn complete_activity(
    id: String,
    number: ActivityNumber,
    choice: Option<String>,
    output_reference: String,
    comment: Option<String>,
    version: i64,
    #[server(default)] files: Vec<String>,
    #[server(default)] assignee: Option<String>,
    #[server(default)] without_forms: bool,
) -> Result<CaseView, ServerFnError> {
    use crate::server::error::ApiError;
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    cases::complete(
        &db,
        &user,
        &id,
        cases::Completion {
            activity: number,
            choice: choice.as_deref(),
            output_reference: &output_reference,
            comment: comment.as_deref(),
            version,
            files: &files,
            assignee: assignee.as_deref(),
            without_forms,
        },
    )
    .await?;
    cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a completed case is not visible".into()).into())
}

/// Attaches the person's uploads to a completed activity (`activity`) or
/// to a sent form (`submission`) of a case; returns the case as it is now.
#[server(output = JsonText)]
pub async fn attach_files(
    id: String,
    #[server(default)] activity: Option<ActivityNumber>,
    #[server(default)] submission: Option<String>,
    // Absent from a plain post without uploads: refused as no file at all.
    #[server(default)] files: Vec<String>,
    #[server(default)] comment: Option<String>,
    #[server(default)] version: Option<i64>,
) -> Result<CaseView, ServerFnError> {
    use crate::server::error::ApiError;
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let to = match (activity, submission.as_deref()) {
        (Some(number), None) => cases::AttachTo::Activity(number),
        (None, Some(submission)) => cases::AttachTo::Submission(submission),
        _ => {
            return Err(ApiError::invalid(
                "activity",
                "Indique la actividad o el formulario al que adjunta los archivos.",
            )
            .into())
        }
    };
    cases::attach(
        &db,
        &user,
        &id,
        cases::Attachment {
            to,
            files: &files,
            comment: comment.as_deref(),
            version,
        },
    )
    .await?;
    cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(|| ApiError::Internal("a changed case is not visible".into()).into())
}

#[server(output = JsonText)]
pub async fn load_administration() -> Result<AdminOverview, ServerFnError> {
    use crate::server::{admin, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(admin::overview(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn load_audit(
    filter: crate::audit::AuditFilter,
) -> Result<Vec<crate::audit::AuditRow>, ServerFnError> {
    use crate::server::{admin, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(admin::audit_log(&db, &user, &filter, admin::AUDIT_PAGE).await?)
}

#[server(output = JsonText)]
pub async fn load_dashboard() -> Result<Stats, ServerFnError> {
    use std::sync::Arc;

    use crate::server::request;
    use crate::server::stats::{managers_only, StatsCache};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    managers_only(&user)?;
    let cache = use_context::<Arc<StatsCache>>()
        .ok_or_else(|| ServerFnError::new("statistics unavailable"))?;
    Ok((*cache.get().await?).clone())
}

#[cfg(feature = "ssr")]
fn anexo_or_not_found(slug: &str) -> Result<crate::forms::Anexo, crate::server::error::ApiError> {
    crate::forms::Anexo::from_slug(slug)
        .ok_or_else(|| crate::server::error::ApiError::NotFound("No existe ese formulario.".into()))
}

#[server(output = JsonText)]
pub async fn load_portal() -> Result<Portal, ServerFnError> {
    use crate::server::{forms, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(forms::portal(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn load_form_page(anexo: String) -> Result<FormPageData, ServerFnError> {
    use crate::forms::today_in_bolivia;
    use crate::server::{forms, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let anexo = anexo_or_not_found(&anexo)?;
    let draft = forms::load_draft(&db, &user, anexo).await?;
    let portal = forms::portal(&db, &user).await?;
    Ok(FormPageData {
        report: draft.form.validate(today_in_bolivia()),
        draft,
        latest: forms::latest(&db, &user, anexo).await?,
        open_case: portal.open_case,
    })
}

#[server(output = JsonText)]
pub async fn load_submission(id: String) -> Result<Submission, ServerFnError> {
    use crate::server::{forms, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(forms::submission(&db, &user, &id).await?)
}

/// A sent form with the supporting documents attached to it, and whether
/// the reader may attach more (its entity's accounts).
#[server(output = JsonText)]
pub async fn load_submission_files(
    id: String,
) -> Result<(Vec<crate::documents::FileInfo>, bool), ServerFnError> {
    use crate::server::{forms, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let sent = forms::submission(&db, &user, &id).await?;
    let files = db.submission_files(&sent.id).await?;
    // An entity's account sees only its own entity's forms.
    let may_attach = user.entity_id.is_some();
    Ok((files, may_attach))
}

/// The whole record of a case (its hoja de ruta).
#[server(output = JsonText)]
pub async fn load_dossier(id: String) -> Result<crate::dossier::Dossier, ServerFnError> {
    use crate::server::{dossier, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(dossier::dossier(&db, &user, &id).await?)
}

#[server(output = JsonText)]
pub async fn load_case_submissions(case_id: String) -> Result<Vec<Submission>, ServerFnError> {
    use crate::server::{forms, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(forms::submissions(&db, &user, Some(&case_id)).await?)
}

#[cfg(test)]
mod tests {
    use super::{safe_next, JsonAsText};
    use crate::domain::procedure::ActivityNumber;
    use leptos::server_fn::{Bytes, Decodes, Encodes};

    #[test]
    fn answers_travel_as_json_and_are_read_back_as_text() {
        let activity: ActivityNumber = 7;
        let answer = (String::from("Nota interna Nº 3 «revisada»"), activity);
        let sent = <JsonAsText as Encodes<_>>::encode(&answer).unwrap();
        assert_eq!(
            std::str::from_utf8(&sent).unwrap(),
            r#"["Nota interna Nº 3 «revisada»",7]"#
        );
        let read: (String, ActivityNumber) = JsonAsText::decode(sent).unwrap();
        assert_eq!(read, answer);
        // Not UTF-8: refused, as JSON that does not parse is.
        let broken = Bytes::from_static(b"[\"\xff\"]");
        assert!(<JsonAsText as Decodes<(String,)>>::decode(broken).is_err());
    }

    #[test]
    fn sign_in_leads_only_to_paths_of_this_site() {
        for kept in ["/bandeja", "/expedientes?estado=open", "/portal/anexo-1"] {
            assert_eq!(safe_next(Some(kept)), kept);
        }
        for refused in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\evil.example",
            "/bandeja\r\nSet-Cookie: x=1",
            "/\tevil",
            "bandeja",
            "",
        ] {
            assert_eq!(safe_next(Some(refused)), "/bandeja", "{refused:?}");
        }
        assert_eq!(safe_next(None), "/bandeja");
    }
}

/// Derives (`assign`, with `user_id` and a `reason` when it was someone
/// else's), takes (`take`) or releases (`release`) a current activity;
/// returns the case as it is now.
#[server(output = JsonText)]
pub async fn derive_activity(
    id: String,
    number: ActivityNumber,
    action: String,
    #[server(default)] user_id: Option<String>,
    #[server(default)] reason: Option<String>,
    #[server(default)] version: Option<i64>,
) -> Result<CaseView, ServerFnError> {
    use crate::server::derivation::{self, Derivation};
    use crate::server::error::ApiError;
    use crate::server::{cases, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let what = match (action.as_str(), user_id.as_deref()) {
        ("take", _) => Derivation::Take,
        ("release", _) => Derivation::Release,
        ("assign", Some(user_id)) if !user_id.is_empty() => Derivation::Assign {
            user_id,
            reason: reason.as_deref(),
        },
        ("assign", _) => {
            return Err(ApiError::invalid("user_id", "Elija a quién derivar la actividad.").into())
        }
        _ => return Err(ApiError::invalid("action", "Acción desconocida.").into()),
    };
    derivation::derive(&db, &user, &id, number, what, version).await?;
    cases::view(&db, &user.actor(), &id)
        .await?
        .ok_or_else(|| cases::case_not_found().into())
}

/// How many notices the signed-in person has not read (0 when signed out).
#[server(output = JsonText)]
pub async fn unread_notices() -> Result<i64, ServerFnError> {
    use crate::server::request;
    let db = request::db()?;
    match request::signed_in(&db).await {
        Ok((user, _)) => Ok(db.unread_notifications(&user.id).await?),
        Err(_) => Ok(0),
    }
}

#[server(output = JsonText)]
pub async fn my_notices() -> Result<NotificationList, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(notices::list(&db, &user).await?)
}

/// Marks one notice read, or all of them (no `id`).
#[server(output = JsonText)]
pub async fn mark_notices_read(
    #[server(default)] id: Option<String>,
) -> Result<NotificationList, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    notices::mark_read(&db, &user, id.as_deref().filter(|i| !i.is_empty())).await?;
    Ok(notices::list(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn my_mail_preference() -> Result<Preferences, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(notices::preferences(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn set_mail_preference(mail: String) -> Result<Preferences, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    let wanted = Preferences { mail };
    notices::set_preferences(&db, &user, &wanted).await?;
    Ok(notices::preferences(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn undelivered_mail() -> Result<Vec<FailedMail>, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    Ok(notices::failed_mail(&db, &user).await?)
}

#[server(output = JsonText)]
pub async fn retry_failed_mail(id: String) -> Result<Vec<FailedMail>, ServerFnError> {
    use crate::server::{notices, request};
    let db = request::db()?;
    let (user, _) = request::signed_in(&db).await?;
    notices::retry_mail(&db, &user, &id).await?;
    Ok(notices::failed_mail(&db, &user).await?)
}
