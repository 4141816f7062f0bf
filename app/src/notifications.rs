//! Notices as their readers see them (the bell, its page and the JSON
//! API), and what derivation asks for.

use serde::{Deserialize, Serialize};

use crate::domain::derivation::{MailPreference, NoticeKind};
use crate::domain::procedure::{ActivityNumber, Procedure};
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
    /// The procedure and the version of it the case follows.
    pub procedure: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub procedure_version: u16,
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
            procedures::definition(&self.procedure, self.procedure_version),
            &self.reference,
            self.activity,
        )
    }
}

/// "Se le derivó una actividad: PR6-2026-0001, actividad 5 (Recibe y revisa
/// la solicitud)": the case's reference and the activity, nothing more
/// personal (the same words go by e-mail).
/// The activity is named as the version of the procedure the case follows
/// names it.
pub fn notice_text(
    kind: NoticeKind,
    procedure: Option<&Procedure>,
    reference: &str,
    activity: ActivityNumber,
) -> String {
    let title = procedure
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

/// Who may hold any of some activities of a case: one list to choose from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidates {
    pub numbers: Vec<ActivityNumber>,
    pub people: Vec<Candidate>,
}

impl Candidates {
    /// The people of the list for `numbers` among `lists`, if one was
    /// drawn up for them (for a reader who may use it).
    pub fn for_numbers(lists: &[Candidates], numbers: &[ActivityNumber]) -> Option<Vec<Candidate>> {
        lists
            .iter()
            .find(|list| list.numbers == numbers)
            .map(|list| list.people.clone())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::trial::PR09_V2;
    use crate::domain::procedures::PR09;

    #[test]
    fn a_notice_names_the_activity_as_the_cases_version_does() {
        let kind = NoticeKind::Current;
        for (procedure, number) in [(&PR09, 3), (&PR09_V2, 3), (&PR09_V2, 2)] {
            let title = procedure.activity(number).unwrap().title;
            let text = notice_text(kind, Some(procedure), "PR09-2026-0001", number);
            assert!(
                text.ends_with(&format!("actividad {number} ({title})")),
                "{text}"
            );
        }
        assert_ne!(
            PR09.activity(3).unwrap().title,
            PR09_V2.activity(3).unwrap().title
        );
        assert!(notice_text(kind, None, "PR09-2026-0001", 3).ends_with("actividad 3"));
    }
}
