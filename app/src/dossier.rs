//! A case's dossier (hoja de ruta): the whole case as one record, for an
//! auditor or an archive. The page, the PDF, the JSON and the CSV all read
//! their lines from here.

use serde::{Deserialize, Serialize};

use crate::cases::{
    history_summary, who_with_role, CaseStatus, CaseView, HistoryEntry, HistoryEvent,
};
use crate::domain::calendar::{bolivia_time, span};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::role::Role;
use crate::forms::{Submission, SubmissionStatus};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    /// The case with its whole history, oldest entry first.
    pub case: CaseView,
    /// Every version of every form sent on the case, oldest first.
    pub forms: Vec<Submission>,
    /// The activities completed, in the order they were (a loop walks an
    /// activity more than once).
    pub walked: Vec<ActivityNumber>,
    /// When the dossier was drawn up, in milliseconds since the Unix epoch.
    pub generated_at: i64,
}

/// One history entry as the dossier prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierLine {
    /// 1 for the opening, then one more per entry.
    pub order: usize,
    pub at: i64,
    pub person: String,
    pub role: Option<Role>,
    pub activity: Option<ActivityNumber>,
    pub activity_title: String,
    /// What was done, in a sentence.
    pub what: String,
    /// For a completion, how long the activity was current.
    pub took_ms: Option<i64>,
    pub output: String,
    pub output_reference: String,
    pub comment: String,
    /// The names of the files the entry attached.
    pub files: Vec<String>,
}

impl DossierLine {
    pub fn of(procedure: &Procedure, order: usize, entry: &HistoryEntry) -> DossierLine {
        let completed = entry.activity.is_some() && entry.event.is_none();
        DossierLine {
            order,
            at: entry.at,
            person: entry.user.clone(),
            role: entry.role,
            activity: entry.activity,
            activity_title: entry
                .activity
                .and_then(|n| procedure.activity(n))
                .map(|a| a.title.to_owned())
                .unwrap_or_default(),
            what: history_summary(procedure, entry),
            took_ms: entry
                .started_at
                .filter(|_| completed)
                .map(|since| (entry.at - since).max(0)),
            output: entry.output.clone().unwrap_or_default(),
            output_reference: entry.output_reference.clone().unwrap_or_default(),
            comment: entry.comment.clone().unwrap_or_default(),
            files: entry.files.iter().map(|f| f.name.clone()).collect(),
        }
    }

    /// "2026-11-29 10:15", Bolivian time.
    pub fn when(&self) -> String {
        bolivia_time(self.at)
    }

    /// "3 h", "2 días"; empty unless a completion.
    pub fn took(&self) -> String {
        self.took_ms.map(|ms| span(0, ms)).unwrap_or_default()
    }

    /// "Ana Pérez (Jefe de la UGAT)".
    pub fn who(&self) -> String {
        who_with_role(&self.person, self.role)
    }
}

/// One sent version of a form as the dossier prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct FormLine {
    pub reference: String,
    pub title: &'static str,
    pub version: i64,
    pub status: &'static str,
    pub sent: String,
    pub sent_by: String,
    pub observations: String,
}

impl Dossier {
    pub fn new(case: CaseView, mut forms: Vec<Submission>, generated_at: i64) -> Dossier {
        forms.sort_by(|a, b| {
            (a.submitted_at, a.version, &a.id).cmp(&(b.submitted_at, b.version, &b.id))
        });
        let walked = case
            .history
            .iter()
            .filter(|entry| entry.event.is_none())
            .filter_map(|entry| entry.activity)
            .collect();
        Dossier {
            case,
            forms,
            walked,
            generated_at,
        }
    }

    /// The procedure, in the version the case follows.
    pub fn procedure(&self) -> &'static Procedure {
        procedures::definition(&self.case.procedure, self.case.procedure_version)
            .expect("cases hold known procedures")
    }

    /// The header: what the case is, under which law, where it stands.
    pub fn header(&self) -> Vec<(&'static str, String)> {
        let case = &self.case;
        let procedure = self.procedure();
        let mut rows = vec![
            ("Expediente", case.reference.clone()),
            ("Asunto", case.title.clone()),
            (
                "Procedimiento",
                format!(
                    "{} versión {} · {}",
                    procedure.printed_code, procedure.version, procedure.name
                ),
            ),
            (
                "Manual",
                format!(
                    "{} versión {}, aprobado por {} de {}",
                    case.manual.code,
                    case.manual.version,
                    case.manual.resolution,
                    case.manual.approved_on
                ),
            ),
            (
                if case.entities.len() > 1 {
                    "Entidades"
                } else {
                    "Entidad"
                },
                case.entity_names(),
            ),
            ("Abierto", bolivia_time(case.opened_at)),
            ("Estado", case.status.label().to_owned()),
        ];
        if case.status == CaseStatus::Closed {
            let closed_at = self.closed_at().unwrap_or(case.updated_at);
            rows.push(("Cerrado", bolivia_time(closed_at)));
            if let Some(ending) = &case.ending {
                rows.push(("Conclusión", ending.clone()));
            }
        } else {
            let current = case
                .active
                .iter()
                .filter_map(|a| procedure.activity(a.number))
                .map(|a| format!("{} · {}", a.number, a.title))
                .collect::<Vec<_>>()
                .join("; ");
            rows.push(("En curso", current));
        }
        rows
    }

    pub fn lines(&self) -> Vec<DossierLine> {
        let procedure = self.procedure();
        self.case
            .history
            .iter()
            .enumerate()
            .map(|(index, entry)| DossierLine::of(procedure, index + 1, entry))
            .collect()
    }

    pub fn form_lines(&self) -> Vec<FormLine> {
        self.forms
            .iter()
            .map(|form| FormLine {
                reference: form.reference.clone(),
                title: form.form.anexo().title(),
                version: form.version,
                status: match form.status {
                    SubmissionStatus::Submitted => "Recibido",
                    SubmissionStatus::Returned => "Devuelto con observaciones",
                },
                sent: bolivia_time(form.submitted_at),
                sent_by: form.submitted_by.clone(),
                observations: form.observations.clone().unwrap_or_default(),
            })
            .collect()
    }

    /// When the case closed: its last completion (files attached later do
    /// not move it).
    pub fn closed_at(&self) -> Option<i64> {
        (self.case.status == CaseStatus::Closed)
            .then(|| {
                self.case
                    .history
                    .iter()
                    .rev()
                    .find(|entry| entry.activity.is_some() && entry.event.is_none())
                    .map(|entry| entry.at)
            })
            .flatten()
    }

    /// The walked activities as a reader follows them: "1, 2, 3, 2, 3".
    pub fn walked_text(&self) -> String {
        self.walked
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The path walked, in a sentence.
    pub fn walked_sentence(&self) -> String {
        if self.walked.is_empty() {
            "Aún no se completó ninguna actividad.".to_owned()
        } else {
            format!("Actividades completadas, en orden: {}.", self.walked_text())
        }
    }

    /// When it was drawn up, in a sentence.
    pub fn generated_sentence(&self) -> String {
        format!(
            "Generada el {} (hora de Bolivia).",
            bolivia_time(self.generated_at)
        )
    }

    /// The file name a download of the dossier takes, e.g.
    /// `hoja-de-ruta-PR6-2026-0007.pdf`.
    pub fn file_name(&self, extension: &str) -> String {
        let reference: String = self
            .case
            .reference
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!("hoja-de-ruta-{reference}.{extension}")
    }
}

/// What a history entry is, as a column: the history's events by name,
/// the opening and completions by theirs.
pub fn event_name(entry: &HistoryEntry) -> &'static str {
    match entry.event.and_then(HistoryEvent::column) {
        Some(name) => name,
        None if entry.activity.is_some() => "completed",
        None => "opened",
    }
}

/// The columns of the history as CSV: the dossier's, and the export of
/// many cases', alike.
pub const HISTORY_CSV_HEADER: [&str; 17] = [
    "expediente",
    "procedimiento",
    "version_procedimiento",
    "entidad",
    "orden",
    "version_expediente",
    "fecha_hora_bolivia",
    "evento",
    "persona",
    "rol",
    "actividad",
    "titulo_actividad",
    "hecho",
    "duracion_minutos",
    "salida",
    "referencia_salida",
    "comentario",
];

/// The case a history row belongs to, as the CSV names it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseHeading {
    pub reference: String,
    pub procedure: String,
    pub procedure_version: u16,
    /// Joined by [`crate::cases::ENTITY_NAME_SEPARATOR`] (empty for none).
    pub entity_names: String,
}

impl CaseHeading {
    pub fn of(case: &CaseView) -> CaseHeading {
        CaseHeading {
            reference: case.reference.clone(),
            procedure: case.procedure.clone(),
            procedure_version: case.procedure_version,
            entity_names: case.joined_entity_names(),
        }
    }

    /// One history entry as a CSV record, in `HISTORY_CSV_HEADER`'s order.
    pub fn csv_record(
        &self,
        procedure: &Procedure,
        order: usize,
        entry: &HistoryEntry,
    ) -> [String; 17] {
        let line = DossierLine::of(procedure, order, entry);
        [
            self.reference.clone(),
            self.procedure.clone(),
            self.procedure_version.to_string(),
            self.entity_names.clone(),
            order.to_string(),
            entry.version.to_string(),
            line.when(),
            event_name(entry).to_owned(),
            line.person,
            line.role.map(|r| r.label().to_owned()).unwrap_or_default(),
            line.activity.map(|n| n.to_string()).unwrap_or_default(),
            line.activity_title,
            line.what,
            line.took_ms
                .map(|ms| (ms / 60_000).to_string())
                .unwrap_or_default(),
            line.output,
            line.output_reference,
            line.comment,
        ]
    }
}

/// Cases and history entries made up for the tests of the dossier and of
/// its drawing.
#[cfg(test)]
pub(crate) mod samples {
    use super::*;
    use crate::cases::{CaseEntity, ManualEdition};

    /// An entry by the same person; a completion took three hours.
    pub fn entry(version: i64, activity: Option<ActivityNumber>, at: i64) -> HistoryEntry {
        HistoryEntry {
            version,
            at,
            user: "Ana Quispe".into(),
            role: Some(Role::JefeUgat),
            activity,
            choice: None,
            output: None,
            output_reference: None,
            comment: None,
            event: None,
            started_at: activity.map(|_| at - 3 * 3_600_000),
            files: Vec::new(),
            assignee: None,
            entity: None,
        }
    }

    /// An open case of `procedure` with `history`.
    pub fn case(procedure: &Procedure, reference: &str, history: Vec<HistoryEntry>) -> CaseView {
        CaseView {
            id: "c1".into(),
            reference: reference.into(),
            procedure: procedure.code.into(),
            procedure_version: procedure.version,
            manual: ManualEdition::of(procedure),
            entities: vec![CaseEntity {
                id: "e1".into(),
                name: "Ministerio de Prueba".into(),
            }],
            title: "Integración".into(),
            status: CaseStatus::Open,
            version: history.len() as i64,
            ending: None,
            opened_at: 0,
            updated_at: 0,
            active: Vec::new(),
            waiting: Vec::new(),
            done: Vec::new(),
            repeated: Vec::new(),
            history,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::samples::entry;
    use super::*;
    use crate::cases::Person;
    use crate::domain::procedures::PR6;

    fn case(history: Vec<HistoryEntry>) -> CaseView {
        samples::case(&PR6, "PR6-2026-0001", history)
    }

    #[test]
    fn the_walk_is_the_completions_in_order_and_skips_other_events() {
        let mut derived = entry(3, Some(2), 30);
        derived.event = Some(HistoryEvent::Assigned);
        derived.assignee = Some(Person {
            id: "u2".into(),
            name: "Luis".into(),
        });
        let history = vec![
            entry(1, None, 10),
            entry(2, Some(1), 20),
            derived,
            entry(4, Some(2), 40),
        ];
        let dossier = Dossier::new(case(history), Vec::new(), 0);
        assert_eq!(dossier.walked, vec![1, 2]);
        assert_eq!(
            dossier.walked_sentence(),
            "Actividades completadas, en orden: 1, 2."
        );
        let lines = dossier.lines();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0].what, "Abrió el expediente.");
        assert_eq!(lines[1].took(), "3 h");
        assert!(
            lines[2].what.starts_with("Derivó la actividad 2"),
            "{}",
            lines[2].what
        );
        assert_eq!(lines[2].took_ms, None, "only completions take time");
    }

    #[test]
    fn a_csv_record_has_every_column_and_names_its_event() {
        let dossier = Dossier::new(
            case(vec![entry(1, None, 0), entry(2, Some(1), 7_200_000)]),
            Vec::new(),
            0,
        );
        let heading = CaseHeading::of(&dossier.case);
        let record = heading.csv_record(dossier.procedure(), 2, &dossier.case.history[1]);
        assert_eq!(record.len(), HISTORY_CSV_HEADER.len());
        assert_eq!(record[0], "PR6-2026-0001");
        assert_eq!(record[7], "completed");
        assert_eq!(record[10], "1");
        assert_eq!(record[13], "180");
        let opening = heading.csv_record(dossier.procedure(), 1, &dossier.case.history[0]);
        assert_eq!(opening[7], "opened");
        assert_eq!(opening[13], "");
    }

    #[test]
    fn a_closed_case_closed_with_its_last_completion_not_a_later_correction() {
        let mut correction = entry(4, Some(2), 90_000_000);
        correction.event = Some(HistoryEvent::FilesAttached);
        let mut view = case(vec![
            entry(1, None, 0),
            entry(2, Some(1), 3_600_000),
            entry(3, Some(2), 7_200_000),
            correction,
        ]);
        view.status = CaseStatus::Closed;
        view.updated_at = 90_000_000;
        let dossier = Dossier::new(view, Vec::new(), 0);
        assert_eq!(dossier.closed_at(), Some(7_200_000));
        let header = dossier.header();
        let closed = header
            .iter()
            .find(|(label, _)| *label == "Cerrado")
            .unwrap();
        assert_eq!(closed.1, bolivia_time(7_200_000));
    }

    #[test]
    fn a_download_is_named_by_the_reference_alone() {
        let mut view = case(Vec::new());
        view.reference = "PR6-2026-0001\"; x".into();
        assert_eq!(
            Dossier::new(view, Vec::new(), 0).file_name("pdf"),
            "hoja-de-ruta-PR6-2026-0001x.pdf"
        );
    }
}
