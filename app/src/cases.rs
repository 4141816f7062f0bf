//! What a case looks like to its readers (pages and the JSON API).

use serde::{Deserialize, Serialize};

use crate::domain::calendar::span;
use crate::domain::engine::CaseState;
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::Role;
use crate::paging::{split_cursor, Cursor, Keyed};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    /// The version of the procedure the case was opened under, which it
    /// follows to its end.
    pub procedure_version: u16,
    /// The edition of the manual that approved that version.
    pub manual: ManualEdition,
    /// The public entities it concerns, in the order named: the one that
    /// asked, or for PR09 none yet, one or several.
    pub entities: Vec<CaseEntity>,
    pub title: String,
    pub status: CaseStatus,
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

impl CaseView {
    pub fn entity_ids(&self) -> Vec<&str> {
        self.entities.iter().map(|e| e.id.as_str()).collect()
    }

    /// The entities' names as one text, joined by
    /// [`ENTITY_NAME_SEPARATOR`] (empty for none), as the lists give them.
    pub fn joined_entity_names(&self) -> String {
        let names: Vec<&str> = self.entities.iter().map(|e| e.name.as_str()).collect();
        names.join(ENTITY_NAME_SEPARATOR)
    }

    /// The entities' names as the pages print them.
    pub fn entity_names(&self) -> String {
        entities_label(&self.joined_entity_names()).to_owned()
    }
}

/// A public entity a case concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CaseEntity {
    pub id: String,
    pub name: String,
}

/// Between the names of a case's entities where they are one text (the
/// lists, the inbox, the history export).
pub const ENTITY_NAME_SEPARATOR: &str = "; ";

/// What the pages print for a case's entities, given their joined names:
/// a PR09 case may name none yet.
pub fn entities_label(joined_names: &str) -> &str {
    if joined_names.is_empty() {
        "Sin entidad todavía"
    } else {
        joined_names
    }
}

/// An edition of the manual, as a case names the law it follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualEdition {
    /// "UGAT/AIT-M06".
    pub code: String,
    pub version: u16,
    /// The resolution that approved it, e.g. "R.A. AGETIC/RA/0153/2023".
    pub resolution: String,
    /// Its date, day/month/year as printed.
    pub approved_on: String,
}

impl ManualEdition {
    pub fn of(procedure: &Procedure) -> ManualEdition {
        ManualEdition {
            code: procedure.manual.code.to_owned(),
            version: procedure.manual.version,
            resolution: procedure.manual.resolution.to_owned(),
            approved_on: procedure.manual.approved_on.to_owned(),
        }
    }
}

/// `PR6-2026-0007`: the procedure, the year in Bolivia, and the case's
/// number in that year.
pub fn case_reference(procedure: &str, year: i64, number: i64) -> String {
    format!("{procedure}-{year}-{number:04}")
}

/// A case changed: which, whose and its new version. Announced to the open
/// pages, which fetch what they show again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseChanged {
    pub case_id: String,
    /// The entities the case concerns: whose pages hear of it.
    pub entities: Vec<String>,
    pub version: i64,
    /// The people the change notified (announced on their own).
    #[serde(skip)]
    pub notified: Vec<String>,
}

/// Whether a case still has work to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    /// As stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<CaseStatus> {
        match text {
            "open" => Some(CaseStatus::Open),
            "closed" => Some(CaseStatus::Closed),
            _ => None,
        }
    }

    /// As a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "Abierto",
            CaseStatus::Closed => "Cerrado",
        }
    }
}

impl TryFrom<String> for CaseStatus {
    type Error = String;

    fn try_from(text: String) -> Result<CaseStatus, String> {
        CaseStatus::parse(&text).ok_or_else(|| format!("unknown case status {text:?}"))
    }
}

/// What a change recorded in a case's history was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryEvent {
    Opened,
    Completed,
    FormSubmitted,
    FormReturned,
    /// Files added after the fact: to a completed activity (a correction)
    /// or to a sent form (supporting documents).
    FilesAttached,
    /// A current activity derived to a person (or reassigned, with a
    /// reason) by a head.
    Assigned,
    /// A current activity taken by someone who holds its role.
    Taken,
    /// A current activity handed back to everyone with its role.
    Released,
    /// A public entity named as concerned by the case (PR09's
    /// "entidad(es) correspondiente(s)").
    EntityNamed,
}

impl HistoryEvent {
    /// The history's `event` column: the opening and completions leave it
    /// empty (they are told apart by their activity), other events name
    /// themselves.
    pub fn column(self) -> Option<&'static str> {
        match self {
            HistoryEvent::Opened | HistoryEvent::Completed => None,
            HistoryEvent::FormSubmitted => Some("form-submitted"),
            HistoryEvent::FormReturned => Some("form-returned"),
            HistoryEvent::FilesAttached => Some("files-attached"),
            HistoryEvent::Assigned => Some("assigned"),
            HistoryEvent::Taken => Some("taken"),
            HistoryEvent::Released => Some("released"),
            HistoryEvent::EntityNamed => Some("entity-named"),
        }
    }

    pub fn from_column(column: Option<&str>, activity: Option<ActivityNumber>) -> HistoryEvent {
        match (column, activity) {
            (Some("form-submitted"), _) => HistoryEvent::FormSubmitted,
            (Some("form-returned"), _) => HistoryEvent::FormReturned,
            (Some("files-attached"), _) => HistoryEvent::FilesAttached,
            (Some("assigned"), _) => HistoryEvent::Assigned,
            (Some("taken"), _) => HistoryEvent::Taken,
            (Some("released"), _) => HistoryEvent::Released,
            (Some("entity-named"), _) => HistoryEvent::EntityNamed,
            (_, Some(_)) => HistoryEvent::Completed,
            (_, None) => HistoryEvent::Opened,
        }
    }
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
    /// Whom it is derived to; `None`: anyone with its role may take it.
    pub assignee: Option<Person>,
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
    /// What happened when no activity was completed: a form sent or
    /// returned (the form's name is the output, its reference the output
    /// reference); `None` for the opening and for completions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<HistoryEvent>,
    /// For a completion, when the activity became current: how long it
    /// took is `at - started_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    /// The files this entry attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<crate::documents::FileInfo>,
    /// Whom the activity was derived to: by an assignment, or by a
    /// completion for the activities that followed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Person>,
    /// The entity the entry named as concerned by the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<CaseEntity>,
}

/// Someone named on a case: who holds an activity, whom it was derived to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// The current activities of a state with the choices each offers.
pub fn active_activities(
    procedure: &Procedure,
    state: &CaseState,
    current: impl Fn(ActivityNumber) -> (i64, Option<Person>),
) -> Vec<ActiveActivity> {
    state
        .active
        .iter()
        .filter_map(|&number| procedure.activity(number))
        .map(|activity| {
            let (since, assignee) = current(activity.number);
            ActiveActivity {
                number: activity.number,
                roles: activity.roles.to_vec(),
                since,
                assignee,
                choices: activity
                    .next
                    .iter()
                    .map(|choice| ChoiceView {
                        id: choice.id.to_owned(),
                        label: (!choice.label.is_empty()).then(|| choice.label.to_owned()),
                        leads_to: choice.leads_to.to_vec(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A line of the case list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CaseSummary {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    /// The names of the entities it concerns, joined by
    /// [`ENTITY_NAME_SEPARATOR`] (empty for none).
    pub entity_names: String,
    pub title: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: CaseStatus,
    pub version: i64,
    pub opened_at: i64,
    pub updated_at: i64,
}

/// Where a case stands in the case list: newest opened first.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseKey {
    pub opened_at: i64,
    pub id: String,
}

impl Cursor for CaseKey {
    fn encode(&self) -> String {
        format!("{}.{}", self.opened_at, self.id)
    }

    fn decode(text: &str) -> Option<Self> {
        let [opened_at, id] = split_cursor(text)?;
        Some(CaseKey {
            opened_at: opened_at.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

impl Keyed for CaseSummary {
    type Key = CaseKey;
    fn key(&self) -> CaseKey {
        CaseKey {
            opened_at: self.opened_at,
            id: self.id.clone(),
        }
    }
}

/// An activity waiting in someone's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxItem {
    pub case_id: String,
    pub reference: String,
    pub title: String,
    pub procedure: String,
    /// The version of the procedure the case follows.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub procedure_version: u16,
    /// The names of the entities its case concerns, joined by
    /// [`ENTITY_NAME_SEPARATOR`] (empty for none).
    pub entity_names: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "i64"))]
    pub activity: ActivityNumber,
    /// When it became current, in milliseconds since the Unix epoch.
    pub since: i64,
    /// Set when the activity is derived to the reader; otherwise it waits
    /// for anyone with its role.
    pub assigned_to_me: bool,
}

/// Which part of the inbox: what is derived to the reader, what waits for
/// anyone with their roles, or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InboxPart {
    #[default]
    All,
    AssignedToMe,
    ForMyRoles,
}

impl InboxPart {
    pub fn parse(text: &str) -> Option<InboxPart> {
        match text {
            "" | "all" => Some(InboxPart::All),
            "assigned-to-me" => Some(InboxPart::AssignedToMe),
            "for-my-roles" => Some(InboxPart::ForMyRoles),
            _ => None,
        }
    }
}

/// Where an activity stands in the inbox: longest waiting first.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxKey {
    pub since: i64,
    pub case_id: String,
    pub activity: i64,
}

impl Cursor for InboxKey {
    fn encode(&self) -> String {
        format!("{}.{}.{}", self.since, self.case_id, self.activity)
    }

    fn decode(text: &str) -> Option<Self> {
        let [since, case_id, activity] = split_cursor(text)?;
        Some(InboxKey {
            since: since.parse().ok()?,
            case_id: case_id.to_owned(),
            activity: activity.parse().ok()?,
        })
    }
}

impl Keyed for InboxItem {
    type Key = InboxKey;
    fn key(&self) -> InboxKey {
        InboxKey {
            since: self.since,
            case_id: self.case_id.clone(),
            activity: i64::from(self.activity),
        }
    }
}

/// What the case page keeps of a case in the browser: enough to draw it on
/// its diagram and to tell a newer version of it from an older one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveCase {
    pub procedure: String,
    pub procedure_version: u16,
    pub version: i64,
    pub state: CaseState,
    /// Who holds each current activity derived to someone, by name.
    pub holders: Vec<(ActivityNumber, String)>,
}

impl CaseView {
    pub fn live(&self) -> LiveCase {
        LiveCase {
            procedure: self.procedure.clone(),
            procedure_version: self.procedure_version,
            version: self.version,
            state: self.diagram_state(),
            holders: self
                .active
                .iter()
                .filter_map(|a| a.assignee.as_ref().map(|p| (a.number, p.name.clone())))
                .collect(),
        }
    }

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

/// Who made a history entry: "Ana Quispe (Jefe de la UGAT)".
pub fn who_with_role(person: &str, role: Option<Role>) -> String {
    match role {
        Some(role) => format!("{person} ({})", role.label()),
        None => person.to_owned(),
    }
}

/// What a history entry did, in one sentence: the case page's timeline and
/// the dossier say it alike.
pub fn history_summary(procedure: &Procedure, entry: &HistoryEntry) -> String {
    let form = entry.output.as_deref().unwrap_or_default();
    let reference = entry.output_reference.as_deref().unwrap_or_default();
    let assignee = || {
        entry
            .assignee
            .as_ref()
            .map_or("otra persona", |person| person.name.as_str())
    };
    match entry.activity.and_then(|n| procedure.activity(n)) {
        None => match entry.event {
            Some(HistoryEvent::FormSubmitted) => {
                format!("Envió el formulario {form} ({reference}).")
            }
            Some(HistoryEvent::FormReturned) => {
                format!("Devolvió con observaciones el formulario {form} ({reference}).")
            }
            Some(HistoryEvent::FilesAttached) => {
                format!("Adjuntó documentos de respaldo al formulario {form} ({reference}).")
            }
            Some(HistoryEvent::EntityNamed) => match &entry.entity {
                Some(entity) => format!("Añadió al expediente la entidad {}.", entity.name),
                None => "Añadió una entidad al expediente.".to_owned(),
            },
            _ => "Abrió el expediente.".to_owned(),
        },
        Some(activity) => {
            let (number, title) = (activity.number, activity.title);
            match entry.event {
                Some(HistoryEvent::FilesAttached) => {
                    format!("Adjuntó una corrección a la actividad {number} · {title}.")
                }
                Some(HistoryEvent::Assigned) => {
                    format!("Derivó la actividad {number} · {title} a {}.", assignee())
                }
                Some(HistoryEvent::Taken) => format!("Tomó la actividad {number} · {title}."),
                Some(HistoryEvent::Released) => format!(
                    "Liberó la actividad {number} · {title}: cualquiera con el rol puede tomarla."
                ),
                _ => {
                    let choice = entry
                        .choice
                        .as_deref()
                        .and_then(|id| activity.choice(id))
                        .filter(|c| !c.label.is_empty())
                        .map(|c| format!(" — {}", c.label))
                        .unwrap_or_default();
                    let output = match (&entry.output, &entry.output_reference) {
                        (Some(output), Some(reference)) => {
                            format!(" Salida: {output}, {reference}.")
                        }
                        _ => String::new(),
                    };
                    let took = entry
                        .started_at
                        .map(|since| format!(" Tomó {}.", span(since, entry.at)))
                        .unwrap_or_default();
                    let derived = entry
                        .assignee
                        .as_ref()
                        .map(|person| format!(" Derivó lo que sigue a {}.", person.name))
                        .unwrap_or_default();
                    format!(
                        "Completó la actividad {number} · {title}{choice}.{output}{took}{derived}"
                    )
                }
            }
        }
    }
}

/// A request form (Anexo) the entity sent on a case, as its history says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormReceived {
    /// The form's name, e.g. "Anexo 2 · Autenticación (Ciudadanía Digital)".
    pub name: String,
    /// The sent version's reference, e.g. "PR6-2026-0001-A2v1".
    pub reference: String,
}

/// The forms sent on a case, each version, oldest first.
pub fn forms_received(history: &[HistoryEntry]) -> Vec<FormReceived> {
    history
        .iter()
        .filter(|entry| entry.event == Some(HistoryEvent::FormSubmitted))
        .map(|entry| FormReceived {
            name: entry.output.clone().unwrap_or_default(),
            reference: entry.output_reference.clone().unwrap_or_default(),
        })
        .collect()
}

/// Why an activity that receives the request forms was not completed: none
/// has arrived and the person did not confirm going on without them.
pub const NO_FORMS_RECEIVED: &str = "Aún no se recibió ningún formulario de solicitud (Anexos 1 a 3) en este expediente. Si completa la actividad sin ellos, confírmelo.";
