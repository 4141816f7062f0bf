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
