//! The entity's portal as the pages load it: where each request form
//! stands, drafts to fill and what was sent.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::forms::{Anexo, Draft, Report, Submission};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseLink {
    pub id: String,
    pub reference: String,
}

/// One form: its draft, if any was saved, and its latest sent version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormStanding {
    pub anexo: Anexo,
    pub draft_saved_at: Option<i64>,
    pub latest: Option<Submission>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Portal {
    pub entity_name: String,
    /// The PR6 case sent forms are attached to.
    pub open_case: Option<CaseLink>,
    pub forms: Vec<FormStanding>,
}

/// What a form's pages need: the draft, the server's check of it, and the
/// latest sent version (with observations when it was returned).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormPageData {
    pub draft: Draft,
    pub report: Report,
    pub latest: Option<Submission>,
    pub open_case: Option<CaseLink>,
}

#[cfg(feature = "ssr")]
fn anexo_or_not_found(slug: &str) -> Result<Anexo, crate::server::error::ApiError> {
    Anexo::from_slug(slug)
        .ok_or_else(|| crate::server::error::ApiError::NotFound("No existe ese formulario.".into()))
}

#[server]
pub async fn load_portal() -> Result<Portal, ServerFnError> {
    use crate::actions::backend;
    use crate::server::forms;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(forms::portal(&pool, &user).await?)
}

#[server]
pub async fn load_form_page(anexo: String) -> Result<FormPageData, ServerFnError> {
    use crate::actions::backend;
    use crate::forms::today_in_bolivia;
    use crate::server::forms;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    let anexo = anexo_or_not_found(&anexo)?;
    let draft = forms::load_draft(&pool, &user, anexo).await?;
    let portal = forms::portal(&pool, &user).await?;
    Ok(FormPageData {
        report: draft.form.validate(today_in_bolivia()),
        draft,
        latest: forms::latest(&pool, &user, anexo).await?,
        open_case: portal.open_case,
    })
}

#[server]
pub async fn load_submission(id: String) -> Result<Submission, ServerFnError> {
    use crate::actions::backend;
    use crate::server::forms;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(forms::submission(&pool, &user, &id).await?)
}

#[server]
pub async fn load_case_submissions(case_id: String) -> Result<Vec<Submission>, ServerFnError> {
    use crate::actions::backend;
    use crate::server::forms;
    let pool = backend::pool()?;
    let (user, _) = backend::signed_in(&pool).await?;
    Ok(forms::submissions(&pool, &user, Some(&case_id)).await?)
}
