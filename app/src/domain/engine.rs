//! The pure rule that moves a case through a procedure: which activities are
//! current, and what completing one of them with a chosen way out yields.
//! No I/O: the caller stores the state it gets back.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::procedure::{ActivityNumber, Choice, Procedure};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseState {
    /// The activities someone has to complete now.
    pub active: BTreeSet<ActivityNumber>,
    /// Joins that hold the work of some lines while others can still arrive,
    /// each with the activities whose work has arrived.
    pub waiting: BTreeMap<ActivityNumber, BTreeSet<ActivityNumber>>,
    /// Activities completed at least once.
    pub done: BTreeSet<ActivityNumber>,
    /// How many times each activity has been made current; above one it was
    /// repeated by a loop (an observation round, a failed test).
    pub rounds: BTreeMap<ActivityNumber, u32>,
    /// Set once the case reached an end of the flow.
    pub ended: Option<Ending>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ending {
    /// The activity whose completion ended the case.
    pub activity: ActivityNumber,
    pub choice: String,
    /// How the case ended, in the manual's terms.
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    CaseClosed,
    UnknownActivity(ActivityNumber),
    NotCurrent(ActivityNumber),
    ChoiceRequired {
        activity: ActivityNumber,
        offered: Vec<&'static Choice>,
    },
    ChoiceNotOffered {
        activity: ActivityNumber,
        choice: String,
        offered: Vec<&'static Choice>,
    },
    /// Work arrived at an activity that is not a join while it was current:
    /// the procedure's data lacks a join. The checker rules this out.
    ReachedTwice(ActivityNumber),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::CaseClosed => write!(f, "El expediente ya está cerrado."),
            EngineError::UnknownActivity(n) => {
                write!(f, "La actividad {n} no existe en este procedimiento.")
            }
            EngineError::NotCurrent(n) => write!(
                f,
                "La actividad {n} no está en curso: puede que otra persona ya la haya completado."
            ),
            EngineError::ChoiceRequired { activity, offered } => write!(
                f,
                "La actividad {activity} requiere elegir una opción: {}.",
                choices_list(offered)
            ),
            EngineError::ChoiceNotOffered {
                activity,
                choice,
                offered,
            } => write!(
                f,
                "La opción «{choice}» no existe en la actividad {activity}; las opciones son: {}.",
                choices_list(offered)
            ),
            EngineError::ReachedTwice(n) => write!(
                f,
                "La actividad {n} recibió trabajo de dos líneas paralelas sin ser una unión."
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// The choices of a decision as both the person who reads the refusal and
/// a client of the API need them: «what it says» (its id).
fn choices_list(offered: &[&Choice]) -> String {
    let named: Vec<String> = offered
        .iter()
        .map(|choice| match choice.label {
            "" => choice.id.to_owned(),
            label => format!("«{label}» ({})", choice.id),
        })
        .collect();
    match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} o {last}", rest.join(", ")),
        _ => named.concat(),
    }
}

/// What completing an activity produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub state: CaseState,
    pub choice: &'static Choice,
    /// Activities that were still current or waiting when the case ended.
    pub withdrawn: BTreeSet<ActivityNumber>,
}

impl Step {
    /// The activities this step made current, given the state it was taken
    /// from and the activity completed: a loop back to the completed
    /// activity counts as entering it again.
    pub fn entered(&self, before: &CaseState, completed: ActivityNumber) -> Vec<ActivityNumber> {
        let mut still_current = before.active.clone();
        still_current.remove(&completed);
        self.state
            .active
            .difference(&still_current)
            .copied()
            .collect()
    }
}

impl CaseState {
    /// A new case: the first activity is current.
    pub fn start(procedure: &Procedure) -> CaseState {
        let mut state = CaseState::default();
        let first = procedure.first().number;
        state.active.insert(first);
        state.rounds.insert(first, 1);
        state
    }

    pub fn is_closed(&self) -> bool {
        self.ended.is_some()
    }

    pub fn is_current(&self, number: ActivityNumber) -> bool {
        self.active.contains(&number)
    }

    pub fn is_done(&self, number: ActivityNumber) -> bool {
        self.done.contains(&number)
    }

    pub fn is_waiting(&self, number: ActivityNumber) -> bool {
        self.waiting.contains_key(&number)
    }

    pub fn rounds(&self, number: ActivityNumber) -> u32 {
        self.rounds.get(&number).copied().unwrap_or(0)
    }

    /// Completes a current activity, taking `choice` (required where the
    /// activity offers several ways out), and yields the next state.
    pub fn complete(
        &self,
        procedure: &Procedure,
        number: ActivityNumber,
        choice: Option<&str>,
    ) -> Result<Step, EngineError> {
        if self.is_closed() {
            return Err(EngineError::CaseClosed);
        }
        let activity = procedure
            .activity(number)
            .ok_or(EngineError::UnknownActivity(number))?;
        if !self.is_current(number) {
            return Err(EngineError::NotCurrent(number));
        }
        let offered = || activity.next.iter().collect::<Vec<_>>();
        let taken = match (choice, activity.next) {
            (None, [only]) => only,
            (None, _) => {
                return Err(EngineError::ChoiceRequired {
                    activity: number,
                    offered: offered(),
                })
            }
            (Some(id), _) => activity
                .choice(id)
                .ok_or_else(|| EngineError::ChoiceNotOffered {
                    activity: number,
                    choice: id.to_owned(),
                    offered: offered(),
                })?,
        };

        let mut next = self.clone();
        next.active.remove(&number);
        next.done.insert(number);
        let mut withdrawn = BTreeSet::new();
        if let Some(label) = taken.end {
            withdrawn.extend(next.active.iter().copied());
            withdrawn.extend(next.waiting.keys().copied());
            next.active.clear();
            next.waiting.clear();
            next.ended = Some(Ending {
                activity: number,
                choice: taken.id.to_owned(),
                label: label.to_owned(),
            });
        } else {
            for &target in taken.leads_to {
                next.arrive(procedure, number, target)?;
            }
            next.release_joins(procedure)?;
        }
        Ok(Step {
            state: next,
            choice: taken,
            withdrawn,
        })
    }

    fn arrive(
        &mut self,
        procedure: &Procedure,
        from: ActivityNumber,
        target: ActivityNumber,
    ) -> Result<(), EngineError> {
        let activity = procedure
            .activity(target)
            .ok_or(EngineError::UnknownActivity(target))?;
        if activity.join {
            self.waiting.entry(target).or_default().insert(from);
            Ok(())
        } else {
            self.activate(target)
        }
    }

    fn activate(&mut self, target: ActivityNumber) -> Result<(), EngineError> {
        if !self.active.insert(target) {
            return Err(EngineError::ReachedTwice(target));
        }
        *self.rounds.entry(target).or_insert(0) += 1;
        Ok(())
    }

    /// A join starts once no current activity, and no other waiting join,
    /// can still bring work to it.
    fn release_joins(&mut self, procedure: &Procedure) -> Result<(), EngineError> {
        loop {
            let ready = self.waiting.keys().copied().find(|&join| {
                !self.active.contains(&join)
                    && !self
                        .active
                        .iter()
                        .chain(self.waiting.keys().filter(|&&other| other != join))
                        .any(|&from| procedure.can_reach(from, join))
            });
            let Some(join) = ready else {
                return Ok(());
            };
            self.waiting.remove(&join);
            self.activate(join)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::{PR05, PR09, PR6, PR7};

    /// Completes the given activities in order, each with its choice.
    fn walk(procedure: &Procedure, steps: &[(ActivityNumber, Option<&str>)]) -> CaseState {
        let mut state = CaseState::start(procedure);
        for &(number, choice) in steps {
            let step = state
                .complete(procedure, number, choice)
                .unwrap_or_else(|e| panic!("{} activity {number}: {e}", procedure.code));
            assert!(step.withdrawn.is_empty(), "work withdrawn: {step:?}");
            state = step.state;
        }
        state
    }

    fn current(state: &CaseState) -> Vec<ActivityNumber> {
        state.active.iter().copied().collect()
    }

    fn seq(
        from: ActivityNumber,
        to: ActivityNumber,
    ) -> Vec<(ActivityNumber, Option<&'static str>)> {
        (from..=to).map(|n| (n, None)).collect()
    }

    #[test]
    fn a_new_case_stands_at_activity_one() {
        for procedure in crate::domain::procedures::every_version() {
            let state = CaseState::start(procedure);
            assert_eq!(current(&state), vec![1]);
            assert_eq!(state.rounds(1), 1);
            assert!(!state.is_closed());
        }
    }

    #[test]
    fn pr09_without_inconsistencies_closes_at_activity_three() {
        let state = walk(
            &PR09,
            &[(1, None), (2, None), (3, Some("sin-inconsistencias"))],
        );
        let ending = state.ended.clone().expect("closed");
        assert_eq!(ending.activity, 3);
        assert_eq!(ending.choice, "sin-inconsistencias");
        assert!(state.active.is_empty());
        assert!(!state.is_done(4));
    }

    #[test]
    fn pr09_with_inconsistencies_runs_to_the_external_note() {
        let mut steps = vec![(1, None), (2, None), (3, Some("con-inconsistencias"))];
        steps.extend(seq(4, 13));
        let state = walk(&PR09, &steps);
        assert_eq!(current(&state), vec![14]);
        let state = state.complete(&PR09, 14, None).unwrap().state;
        assert_eq!(state.ended.unwrap().label, "Procedimiento concluido");
    }

    #[test]
    fn a_decision_needs_one_of_its_own_choices() {
        let state = walk(&PR09, &[(1, None), (2, None)]);
        assert_eq!(
            state.complete(&PR09, 3, None),
            Err(EngineError::ChoiceRequired {
                activity: 3,
                offered: PR09.activity(3).unwrap().next.iter().collect(),
            })
        );
        let refusal = state.complete(&PR09, 3, None).unwrap_err().to_string();
        for choice in PR09.activity(3).unwrap().next {
            assert!(
                refusal.contains(&format!("«{}» ({})", choice.label, choice.id)),
                "{refusal}"
            );
        }
        assert!(matches!(
            state.complete(&PR09, 3, Some("tal-vez")),
            Err(EngineError::ChoiceNotOffered { activity: 3, .. })
        ));
    }

    #[test]
    fn only_current_activities_can_be_completed() {
        let state = CaseState::start(&PR09);
        assert_eq!(
            state.complete(&PR09, 2, None),
            Err(EngineError::NotCurrent(2))
        );
        assert_eq!(
            state.complete(&PR09, 99, None),
            Err(EngineError::UnknownActivity(99))
        );
        let closed = walk(
            &PR09,
            &[(1, None), (2, None), (3, Some("sin-inconsistencias"))],
        );
        assert_eq!(
            closed.complete(&PR09, 4, None),
            Err(EngineError::CaseClosed)
        );
    }

    #[test]
    fn pr05_splits_waits_at_joins_and_loops_through_observations() {
        let state = walk(&PR05, &seq(1, 2));
        assert_eq!(current(&state), vec![3, 5]);
        let state = walk(&PR05, &seq(1, 4));
        assert_eq!(current(&state), vec![5, 6, 7, 8, 14]);

        // The pilot test waits for both users (7) and environments (8).
        let mut steps = seq(1, 4);
        steps.push((7, None));
        let state = walk(&PR05, &steps);
        assert!(state.is_waiting(9) && !state.is_current(9));
        steps.push((8, None));
        let state = walk(&PR05, &steps);
        assert!(state.is_current(9));

        // Two observation rounds, then none.
        for _ in 0..2 {
            steps.push((9, Some("con-observaciones")));
            steps.extend(seq(10, 12));
        }
        let state = walk(&PR05, &steps);
        assert_eq!(state.rounds(9), 3);
        steps.push((9, Some("sin-observaciones")));
        steps.push((13, None));
        // Training waits for the users' inputs (14).
        let state = walk(&PR05, &steps);
        assert!(state.is_waiting(15));
        steps.push((14, None));
        steps.push((15, None));
        steps.push((6, None));
        // Approval of use (18) waits for production and security (5, 16, 17).
        let state = walk(&PR05, &steps);
        assert_eq!(current(&state), vec![5]);
        assert!(state.is_waiting(18));
        steps.extend([(5, None), (16, None), (17, None)]);
        steps.extend(seq(18, 28));
        let state = walk(&PR05, &steps);
        assert_eq!(state.ended.unwrap().activity, 28);
        assert_eq!(state.done.len(), 28);
    }

    #[test]
    fn pr6_by_email_without_presentation_straight_to_forms() {
        let state = walk(&PR6, &[(1, Some("correo-electronico"))]);
        assert_eq!(current(&state), vec![5]);
        let state = walk(
            &PR6,
            &[
                (1, Some("correo-electronico")),
                (5, Some("sin-presentacion")),
            ],
        );
        assert_eq!(current(&state), vec![8]);
    }

    #[test]
    fn pr6_ends_early_when_the_tool_does_not_fit() {
        let mut steps = vec![(1, Some("nota-externa"))];
        steps.extend(seq(2, 4));
        steps.extend([
            (5, Some("requiere-presentacion")),
            (6, None),
            (7, Some("no-cumple")),
        ]);
        let state = walk(&PR6, &steps);
        let ending = state.ended.unwrap();
        assert_eq!(ending.activity, 7);
        assert!(ending.label.contains("no cumple"));
    }

    #[test]
    fn pr6_both_tool_groups_run_in_parallel_and_join_at_integration() {
        let prefix = [
            (1, Some("correo-electronico")),
            (5, Some("requiere-presentacion")),
            (6, None),
            (7, Some("cumple")),
            (8, None),
            (9, Some("ambas")),
        ];
        let state = walk(&PR6, &prefix);
        assert_eq!(current(&state), vec![10, 11]);
        let mut steps = prefix.to_vec();
        steps.push((11, None));
        let state = walk(&PR6, &steps);
        assert!(state.is_waiting(12));
        steps.push((10, None));
        steps.push((12, Some("requiere-certificacion")));
        steps.extend(seq(13, 19));
        assert!(walk(&PR6, &steps).is_closed());
    }

    #[test]
    fn pr6_single_tool_group_does_not_wait_for_the_other() {
        for (choice, path) in [("cd-iop", 10), ("pagos-facturacion", 11)] {
            let steps = [
                (1, Some("correo-electronico")),
                (5, Some("sin-presentacion")),
                (8, None),
                (9, Some(choice)),
                (path, None),
            ];
            let state = walk(&PR6, &steps);
            assert_eq!(current(&state), vec![12], "{choice}");
            let state = state
                .complete(&PR6, 12, Some("sin-certificacion"))
                .unwrap()
                .state;
            assert_eq!(current(&state), vec![14]);
        }
    }

    #[test]
    fn pr7_deploys_after_every_prerequisite_and_redeploys_on_failed_tests() {
        let mut steps = seq(1, 4);
        steps.push((5, Some("integra-hge")));
        let state = walk(&PR7, &steps);
        assert_eq!(current(&state), vec![6, 7, 16, 17, 19]);
        steps.extend([(6, None), (7, None), (8, None), (9, None)]);
        let state = walk(&PR7, &steps);
        assert!(
            state.is_waiting(10),
            "waits for the functional training (16)"
        );
        steps.push((16, None));
        steps.push((10, None));
        steps.push((11, Some("pruebas-fallidas")));
        let state = walk(&PR7, &steps);
        assert_eq!(state.rounds(10), 2);
        steps.extend([(10, None), (11, Some("pruebas-exitosas"))]);
        steps.extend(seq(12, 15));
        let state = walk(&PR7, &steps);
        assert!(state.is_waiting(20));
        steps.extend([(17, None), (18, None), (19, None)]);
        steps.extend(seq(20, 27));
        let state = walk(&PR7, &steps);
        assert_eq!(state.ended.unwrap().activity, 27);
        assert_eq!(state.done.len(), 27);
    }

    #[test]
    fn pr7_without_tools_skips_their_registration() {
        let mut steps = seq(1, 4);
        steps.push((5, Some("sin-hge")));
        let state = walk(&PR7, &steps);
        assert_eq!(current(&state), vec![6, 16, 17, 19]);
        assert!(
            state.is_waiting(15),
            "the second line waits at the migration report"
        );
        steps.extend([
            (6, None),
            (16, None),
            (10, None),
            (11, Some("pruebas-exitosas")),
        ]);
        steps.extend(seq(12, 14));
        let state = walk(&PR7, &steps);
        assert!(state.is_current(15));
        steps.extend([(15, None), (17, None), (18, None), (19, None)]);
        steps.extend(seq(20, 27));
        let state = walk(&PR7, &steps);
        assert!(state.is_closed());
        assert!(!state.is_done(7) && !state.is_done(8) && !state.is_done(9));
    }
}
