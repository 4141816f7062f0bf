//! The JSON shape of the procedures for other systems (`/api/v1/procedures`).

use serde::Serialize;

use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::Role;

#[derive(Debug, Serialize)]
pub struct ProcedureDoc {
    pub code: &'static str,
    pub name: &'static str,
    pub objective: &'static str,
    pub activities: Vec<ActivityDoc>,
}

#[derive(Debug, Serialize)]
pub struct ActivityDoc {
    pub number: ActivityNumber,
    /// A short label for diagrams; the manual's text is `description`.
    pub title: &'static str,
    pub description: &'static str,
    pub roles: &'static [Role],
    pub output: &'static str,
    /// A join starts only when every line that can still reach it has arrived.
    pub join: bool,
    pub note: Option<&'static str>,
    /// The ways out; with one, completing needs no choice.
    pub next: Vec<ChoiceDoc>,
}

#[derive(Debug, Serialize)]
pub struct ChoiceDoc {
    pub id: &'static str,
    /// The condition; `null` for a plain sequence.
    pub label: Option<&'static str>,
    /// Activities that become current; several mean parallel work, none an end.
    pub leads_to: &'static [ActivityNumber],
    /// How the case ends when this choice is taken.
    pub end: Option<&'static str>,
}

impl From<&'static Procedure> for ProcedureDoc {
    fn from(procedure: &'static Procedure) -> Self {
        ProcedureDoc {
            code: procedure.code,
            name: procedure.name,
            objective: procedure.objective,
            activities: procedure
                .activities
                .iter()
                .map(|activity| ActivityDoc {
                    number: activity.number,
                    title: activity.title,
                    description: activity.description,
                    roles: activity.roles,
                    output: activity.output,
                    join: activity.join,
                    note: activity.note,
                    next: activity
                        .next
                        .iter()
                        .map(|choice| ChoiceDoc {
                            id: choice.id,
                            label: (!choice.label.is_empty()).then_some(choice.label),
                            leads_to: choice.leads_to,
                            end: choice.end,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
