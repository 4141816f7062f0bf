//! The entity's portal as the pages show it: where each request form
//! stands, drafts to fill and what was sent.

use serde::{Deserialize, Serialize};

use crate::forms::{Anexo, Draft, Report, Submission};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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
