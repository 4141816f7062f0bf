//! The shape of a procedure of the manual: numbered activities, each with its
//! responsible roles, its output (salida) and where the work goes next.

use super::role::Role;

pub type ActivityNumber = u16;

/// An approved edition of the manual: the law a case follows.
#[derive(Debug, PartialEq, Eq)]
pub struct Manual {
    /// As printed, e.g. "UGAT/AIT-M06".
    pub code: &'static str,
    pub version: u16,
    /// The administrative resolution that approved it.
    pub resolution: &'static str,
    /// The resolution's date, as printed (day/month/year).
    pub approved_on: &'static str,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Procedure {
    /// The short code the manual uses in its text, e.g. "PR05": what
    /// references and addresses carry.
    pub code: &'static str,
    /// The procedure's own version, as its sheets print it ("Versión: 2").
    pub version: u16,
    /// The code on its sheets, e.g. "UGAT/AIT-PR05".
    pub printed_code: &'static str,
    /// The edition of the manual that approved this version.
    pub manual: &'static Manual,
    /// The manual's section that holds it, e.g. "8.1".
    pub section: &'static str,
    /// The first activity of each printed sheet after the first (the
    /// manual's text gives its sheets, "Páginas: 2 de 2", not its pages).
    pub sheet_starts: &'static [ActivityNumber],
    pub name: &'static str,
    pub objective: &'static str,
    /// Which public entities one of its cases concerns.
    pub concerns: Concerns,
    /// In the manual's order, numbered 1..N.
    pub activities: &'static [Activity],
}

/// Which public entities a case of a procedure concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concerns {
    /// The one entity that asked (PR05, PR6, PR7: "la entidad solicitante").
    OneEntity,
    /// "la(s) entidad(es) correspondiente(s)" (PR09, activity 4): none
    /// while the statistics are analysed, one or several once they are.
    AnyEntities,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Activity {
    pub number: ActivityNumber,
    /// A few words for the flowchart's box; the manual has none.
    pub title: &'static str,
    /// The manual's own words.
    pub description: &'static str,
    pub roles: &'static [Role],
    pub output: &'static str,
    /// The ways out of this activity. One choice means no decision is asked.
    pub next: &'static [Choice],
    /// A join waits for every line of work that can still reach it.
    pub join: bool,
    /// How an ambiguous passage of the manual was read.
    pub note: Option<&'static str>,
    /// Its output is the request forms (Anexos 1 to 3) the entity sends:
    /// completing it with none received asks for a confirmation.
    pub receives_forms: bool,
}

impl Activity {
    /// Only a public entity does it: a case that concerns none cannot
    /// reach it.
    pub fn is_entitys_alone(&self) -> bool {
        !self.roles.is_empty() && self.roles.iter().all(|r| *r == Role::Entidad)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Choice {
    /// Stable identifier sent by clients that complete the activity.
    pub id: &'static str,
    /// The condition in short Spanish; empty for a plain sequence.
    pub label: &'static str,
    /// Activities that become current; several at once is a parallel split.
    pub leads_to: &'static [ActivityNumber],
    /// Set when this choice ends the case, naming how it ended.
    pub end: Option<&'static str>,
}

/// The id of the only way out of an activity that asks no decision.
pub const CONTINUE: &str = "continuar";

impl Choice {
    /// Continue to one activity, or to several in parallel.
    pub const fn to(leads_to: &'static [ActivityNumber]) -> Choice {
        Choice {
            id: CONTINUE,
            label: "",
            leads_to,
            end: None,
        }
    }

    /// One side of a decision.
    pub const fn branch(
        id: &'static str,
        label: &'static str,
        leads_to: &'static [ActivityNumber],
    ) -> Choice {
        Choice {
            id,
            label,
            leads_to,
            end: None,
        }
    }

    /// The side of a decision that ends the case.
    pub const fn ends(id: &'static str, label: &'static str, end: &'static str) -> Choice {
        Choice {
            id,
            label,
            leads_to: &[],
            end: Some(end),
        }
    }

    /// The last activity's way out: the procedure is complete.
    pub const fn finish() -> Choice {
        Choice {
            id: CONTINUE,
            label: "",
            leads_to: &[],
            end: Some("Procedimiento concluido"),
        }
    }

    pub fn is_parallel(&self) -> bool {
        self.leads_to.len() > 1
    }
}

/// Builds an activity that is not a join and has no note; see [`Activity::join`]
/// and [`Activity::note`] for the rest.
pub const fn activity(
    number: ActivityNumber,
    roles: &'static [Role],
    title: &'static str,
    description: &'static str,
    output: &'static str,
    next: &'static [Choice],
) -> Activity {
    Activity {
        number,
        title,
        description,
        roles,
        output,
        next,
        join: false,
        note: None,
        receives_forms: false,
    }
}

impl Activity {
    pub const fn join(self) -> Activity {
        Activity { join: true, ..self }
    }

    pub const fn receives_forms(self) -> Activity {
        Activity {
            receives_forms: true,
            ..self
        }
    }

    pub const fn note(self, note: &'static str) -> Activity {
        Activity {
            note: Some(note),
            ..self
        }
    }

    /// Whether completing it asks the user to pick among several conditions.
    pub fn is_decision(&self) -> bool {
        self.next.len() > 1
    }

    pub fn choice(&self, id: &str) -> Option<&'static Choice> {
        self.next.iter().find(|choice| choice.id == id)
    }

    /// Every activity this one can hand work to, whatever is chosen.
    pub fn successors(&self) -> impl Iterator<Item = ActivityNumber> + '_ {
        self.next
            .iter()
            .flat_map(|choice| choice.leads_to.iter().copied())
    }
}

/// Where the manual says an activity: enough for a reader to check any step
/// against the approved text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub printed_code: &'static str,
    pub version: u16,
    pub number: ActivityNumber,
    pub section: &'static str,
    pub sheet: usize,
    pub sheets: usize,
}

impl Source {
    /// "UGAT/AIT-PR05 versión 2, actividad 15 (hoja 2 de 2; sección 8.1
    /// del manual)".
    pub fn cite(&self) -> String {
        format!(
            "{} versión {}, actividad {} (hoja {} de {}; sección {} del manual)",
            self.printed_code, self.version, self.number, self.sheet, self.sheets, self.section
        )
    }
}

impl Procedure {
    /// Where the manual prints activity `number`.
    pub fn source(&self, number: ActivityNumber) -> Source {
        Source {
            printed_code: self.printed_code,
            version: self.version,
            number,
            section: self.section,
            sheet: 1 + self
                .sheet_starts
                .iter()
                .filter(|&&first| first <= number)
                .count(),
            sheets: 1 + self.sheet_starts.len(),
        }
    }

    /// "UGAT/AIT-PR05 v2 · UGAT/AIT-M06 v2, R.A. AGETIC/RA/0153/2023".
    pub fn edition_label(&self) -> String {
        format!(
            "{} v{} · {} v{}, {}",
            self.printed_code,
            self.version,
            self.manual.code,
            self.manual.version,
            self.manual.resolution
        )
    }

    pub fn activity(&self, number: ActivityNumber) -> Option<&'static Activity> {
        // Numbers run 1..N in order (the checker holds every procedure to it).
        self.activities
            .get(usize::from(number).checked_sub(1)?)
            .filter(|activity| activity.number == number)
    }

    pub fn first(&self) -> &'static Activity {
        &self.activities[0]
    }

    /// Activities that hand work to `number`.
    pub fn predecessors(&self, number: ActivityNumber) -> Vec<ActivityNumber> {
        self.activities
            .iter()
            .filter(|activity| activity.successors().any(|next| next == number))
            .map(|activity| activity.number)
            .collect()
    }

    /// Whether work at `from` can still arrive at `to` without first passing
    /// through `to`: what a join waits for.
    pub fn can_reach(&self, from: ActivityNumber, to: ActivityNumber) -> bool {
        let mut seen = vec![false; self.activities.len() + 1];
        let mut stack = vec![from];
        while let Some(current) = stack.pop() {
            let Some(activity) = self.activity(current) else {
                continue;
            };
            for next in activity.successors() {
                if next == to {
                    return true;
                }
                if let Some(slot) = seen.get_mut(usize::from(next)) {
                    if !*slot {
                        *slot = true;
                        stack.push(next);
                    }
                }
            }
        }
        false
    }

    /// Edges that go back to an activity already on the way from the start:
    /// the loops of the procedure ("vuelve a la actividad 10").
    pub fn loop_edges(&self) -> Vec<(ActivityNumber, ActivityNumber)> {
        // Depth-first search from activity 1; an edge into a node still on the
        // stack is a back edge.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            OnStack,
            Finished,
        }
        let mut marks = vec![Mark::New; self.activities.len() + 1];
        let mut back_edges = Vec::new();
        let mut stack: Vec<(ActivityNumber, Vec<ActivityNumber>)> = Vec::new();
        let start = self.first();
        marks[usize::from(start.number)] = Mark::OnStack;
        stack.push((start.number, start.successors().collect()));
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            if pending.is_empty() {
                marks[usize::from(node)] = Mark::Finished;
                stack.pop();
                continue;
            }
            let next = pending.remove(0);
            let Some(target) = self.activity(next) else {
                continue;
            };
            match marks[usize::from(next)] {
                Mark::New => {
                    marks[usize::from(next)] = Mark::OnStack;
                    stack.push((next, target.successors().collect()));
                }
                Mark::OnStack => back_edges.push((node, next)),
                Mark::Finished => {}
            }
        }
        back_edges
    }
}
