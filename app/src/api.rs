//! The JSON shape of the procedures for other systems (`/api/v1/procedures`),
//! and how the pages read the API's refusals.

use serde::Serialize;
use serde_json::Value;

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

/// A text of one item per line as the API's list: its non-empty lines,
/// trimmed (from the page's code and from a plain form alike).
pub fn lines_list(text: &str) -> Value {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| Value::String(line.to_owned()))
        .collect()
}

/// What the API said when it refused a request (`{"error": …, "fields":
/// [{"message": …}]}`): its sentence and each field's message, as a page
/// shows them; a sentence with the status when the body says nothing.
pub fn refusal(body: &Value, status: u16) -> (String, Vec<String>) {
    let message = body
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("El servidor rechazó la solicitud ({status})."));
    let details = body
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|field| {
            field
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    (message, details)
}

#[cfg(test)]
mod tests {
    use super::{lines_list, refusal};
    use serde_json::json;

    #[test]
    fn a_list_is_the_non_empty_lines_trimmed() {
        assert_eq!(
            lines_list("a@b.bo\r\n\r\n  c@d.bo  \n"),
            json!(["a@b.bo", "c@d.bo"])
        );
        assert_eq!(lines_list(""), json!([]));
    }

    #[test]
    fn a_refusal_reads_as_its_sentence_and_field_messages() {
        let body = json!({ "error": "Revise los datos enviados.", "fields": [
            { "field": "mail", "message": "Elija una opción." }
        ] });
        assert_eq!(
            refusal(&body, 422),
            (
                "Revise los datos enviados.".into(),
                vec!["Elija una opción.".into()]
            )
        );
        assert_eq!(
            refusal(&json!(null), 502),
            ("El servidor rechazó la solicitud (502).".into(), vec![])
        );
    }
}
