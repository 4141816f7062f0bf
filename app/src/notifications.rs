//! Notices as their readers see them (the bell, its page and the JSON
//! API), and what derivation asks for.

use serde::{Deserialize, Serialize};

use crate::domain::derivation::{MailPreference, NoticeKind};
use crate::domain::procedure::ActivityNumber;
use crate::domain::procedures;

/// One notice of the signed-in person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NotificationItem {
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub case_id: String,
    pub reference: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub activity: ActivityNumber,
    /// `assigned`, `current`, `reminder`, `overdue` or `escalated`.
    pub kind: String,
    pub read: bool,
}

impl NotificationItem {
    pub fn kind(&self) -> Option<NoticeKind> {
        NoticeKind::from_slug(&self.kind)
    }

    /// What the notice says, in one line.
    pub fn text(&self) -> String {
        notice_text(
            self.kind().unwrap_or(NoticeKind::Current),
            &self.reference,
            self.activity,
        )
    }
}

/// "Se le derivó una actividad: PR6-2026-0001, actividad 5 (Recibe y revisa
/// la solicitud)": the case's reference and the activity, nothing more
/// personal (the same words go by e-mail).
pub fn notice_text(kind: NoticeKind, reference: &str, activity: ActivityNumber) -> String {
    let title = reference
        .split('-')
        .next()
        .and_then(procedures::find)
        .and_then(|p| p.activity(activity))
        .map(|a| format!(" ({})", a.title))
        .unwrap_or_default();
    format!(
        "{}: {reference}, actividad {activity}{title}",
        kind.headline()
    )
}

/// The person's latest notices and how many are unread.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NotificationList {
    pub unread: i64,
    pub items: Vec<NotificationItem>,
}

/// Notices a list shows at most.
pub const NOTICES_SHOWN: i64 = 100;

/// `POST …/activities/{number}/assign`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub user_id: String,
    /// Required when the activity is already someone else's.
    #[serde(default)]
    pub reason: Option<String>,
    /// The case's version the person saw, when given.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Someone who may hold an activity, to choose from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
}

/// `GET`/`PUT /api/v1/notification-preferences`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// `each`, `daily` or `none`.
    pub mail: String,
}

impl Preferences {
    pub fn of(preference: MailPreference) -> Preferences {
        Preferences {
            mail: preference.slug().to_owned(),
        }
    }
}

/// Longest reason a reassignment may give.
pub const MAX_REASON: usize = 500;

/// A mail given up on after its last try, as administrators see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FailedMail {
    pub id: String,
    /// Whom it was for, by name.
    pub person: String,
    pub email: Option<String>,
    /// A daily digest rather than one notice.
    pub digest: bool,
    pub created_at: i64,
    pub failed_at: i64,
    pub attempts: i64,
    /// What the SMTP server (or the app) said last.
    pub last_error: String,
}
