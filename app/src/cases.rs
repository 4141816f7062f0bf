//! What a case looks like to its readers (pages and the JSON API).

use serde::{Deserialize, Serialize};

use crate::domain::engine::CaseState;
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::Role;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    pub entity_id: String,
    pub entity_name: String,
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    pub version: i64,
    /// How the case ended, once closed.
    pub ending: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub opened_at: i64,
    pub updated_at: i64,
    pub active: Vec<ActiveActivity>,
    pub waiting: Vec<ActivityNumber>,
    pub done: Vec<ActivityNumber>,
    /// Times each activity has been made current, where above one.
    pub repeated: Vec<Repeat>,
    pub history: Vec<HistoryEntry>,
}

/// What a list of cases is narrowed to; the pages' and the API's filters.
/// Empty values mean "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseFilter {
    /// A procedure code, any case (`pr6` finds PR6).
    pub procedure: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// Staff only: an entity sees its own cases whatever it asks.
    pub entity_id: Option<String>,
    /// Part of the reference.
    pub reference: Option<String>,
    /// Only cases with a current activity that waits for the reader.
    pub waiting_for_me: bool,
    /// Only open cases standing at this activity (of `procedure`, when given).
    pub activity: Option<ActivityNumber>,
    /// Only open cases with a current activity past its due time.
    pub overdue: bool,
    /// Only cases opened, or closed, in this month (`2026-11`, Bolivian time).
    pub opened_in: Option<String>,
    pub closed_in: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveActivity {
    pub number: ActivityNumber,
    pub roles: Vec<Role>,
    /// When it became current, in milliseconds since the Unix epoch.
    pub since: i64,
    pub choices: Vec<ChoiceView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChoiceView {
    pub id: String,
    pub label: Option<String>,
    /// Activities that become current; empty when the choice ends the case.
    pub leads_to: Vec<ActivityNumber>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    pub activity: ActivityNumber,
    pub rounds: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub version: i64,
    pub at: i64,
    pub user: String,
    pub role: Option<Role>,
    /// `None` for the opening of the case.
    pub activity: Option<ActivityNumber>,
    pub choice: Option<String>,
    /// The output the manual names for the activity.
    pub output: Option<String>,
    pub output_reference: Option<String>,
    pub comment: Option<String>,
    /// What happened when no activity was completed: `form-submitted` or
    /// `form-returned` (the form's name is the output, its reference the
    /// output reference); `None` for the opening and for completions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// For a completion, when the activity became current: how long it
    /// took is `at - started_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
}

/// The current activities of a state with the choices each offers.
pub fn active_activities(
    procedure: &Procedure,
    state: &CaseState,
    since: impl Fn(ActivityNumber) -> i64,
) -> Vec<ActiveActivity> {
    state
        .active
        .iter()
        .filter_map(|&number| procedure.activity(number))
        .map(|activity| ActiveActivity {
            number: activity.number,
            roles: activity.roles.to_vec(),
            since: since(activity.number),
            choices: activity
                .next
                .iter()
                .map(|choice| ChoiceView {
                    id: choice.id.to_owned(),
                    label: (!choice.label.is_empty()).then(|| choice.label.to_owned()),
                    leads_to: choice.leads_to.to_vec(),
                })
                .collect(),
        })
        .collect()
}

/// A line of the case list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    pub entity_id: String,
    pub title: String,
    pub status: String,
    pub version: i64,
    pub updated_at: i64,
}

/// An activity waiting in someone's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub procedure: String,
    pub entity_name: String,
    pub activity: ActivityNumber,
    /// When it became current, in milliseconds since the Unix epoch.
    pub since: i64,
}

impl CaseView {
    /// The engine state as far as a diagram shows it.
    pub fn diagram_state(&self) -> CaseState {
        let mut state = CaseState::default();
        state.active.extend(self.active.iter().map(|a| a.number));
        state
            .waiting
            .extend(self.waiting.iter().map(|&n| (n, Default::default())));
        state.done.extend(self.done.iter().copied());
        for &n in state.active.iter().chain(state.done.iter()) {
            state.rounds.insert(n, 1);
        }
        for repeat in &self.repeated {
            state.rounds.insert(repeat.activity, repeat.rounds);
        }
        state
    }
}

/// Bolivia keeps UTC−4 all year.
const BOLIVIA_OFFSET_MINUTES: i64 = -4 * 60;

/// A moment as read on a calendar and clock in Bolivia:
/// (year, month, day, minute of the day).
pub fn bolivia_calendar(ms: i64) -> (i64, i64, i64, i64) {
    let minutes = ms.div_euclid(60_000) + BOLIVIA_OFFSET_MINUTES;
    let days = minutes.div_euclid(1440);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, minutes.rem_euclid(1440))
}

/// The instant a month begins in Bolivia, from `"2026-11"`; `None` for
/// anything else.
pub fn bolivia_month_start(month: &str) -> Option<i64> {
    let (year, number) = month.split_once('-')?;
    let (year, number): (i64, i64) = (year.parse().ok()?, number.parse().ok()?);
    if !(1..=12).contains(&number) || !(1970..=9999).contains(&year) {
        return None;
    }
    // Days since the epoch of the 1st (Howard Hinnant's days_from_civil).
    let y = if number <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (number + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 1440 - BOLIVIA_OFFSET_MINUTES) * 60_000)
}

/// The month after `"2026-11"`: `"2026-12"`.
pub fn next_month(month: &str) -> Option<String> {
    let (year, number) = month.split_once('-')?;
    let (year, number): (i64, i64) = (year.parse().ok()?, number.parse().ok()?);
    Some(if number >= 12 {
        format!("{:04}-01", year + 1)
    } else {
        format!("{year:04}-{:02}", number + 1)
    })
}

/// A time as read in Bolivia, "2026-11-26 19:40".
pub fn bolivia_time(ms: i64) -> String {
    let (year, month, day, minute) = bolivia_calendar(ms);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute / 60,
        minute % 60
    )
}

/// How long ago, in words: "hace 5 min", "hace 3 h", "hace 2 días".
pub fn waited(since_ms: i64, now_ms: i64) -> String {
    format!("hace {}", span(since_ms, now_ms))
}

/// The time between two instants in words: "menos de un minuto", "5 min",
/// "3 h", "4 días".
pub fn span(from_ms: i64, to_ms: i64) -> String {
    let minutes = (to_ms - from_ms).max(0) / 60_000;
    match minutes {
        0 => "menos de un minuto".into(),
        1..=59 => format!("{minutes} min"),
        60..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} días", minutes / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_begin_at_midnight_in_bolivia() {
        let start = bolivia_month_start("2026-11").unwrap();
        assert_eq!(bolivia_time(start), "2026-11-01 00:00");
        assert_eq!(bolivia_time(start - 60_000), "2026-10-31 23:59");
        let march = bolivia_month_start("2024-03").unwrap();
        assert_eq!(bolivia_time(march - 1), "2024-02-29 23:59");
        assert_eq!(next_month("2026-12").as_deref(), Some("2027-01"));
        assert_eq!(bolivia_month_start("2026-13"), None);
        assert_eq!(bolivia_month_start("noviembre"), None);
    }

    #[test]
    fn times_read_in_bolivia() {
        assert_eq!(bolivia_time(0), "1969-12-31 20:00");
        // 2026-01-01T03:30:00Z is still New Year's Eve in La Paz.
        assert_eq!(bolivia_time(1_767_238_200_000), "2025-12-31 23:30");
        assert_eq!(bolivia_time(1_709_208_000_000), "2024-02-29 08:00");
    }

    #[test]
    fn waiting_times_in_words() {
        assert_eq!(waited(0, 30_000), "hace menos de un minuto");
        assert_eq!(waited(0, 5 * 60_000), "hace 5 min");
        assert_eq!(waited(0, 3 * 3_600_000), "hace 3 h");
        assert_eq!(waited(0, 3 * 86_400_000), "hace 3 días");
    }
}
