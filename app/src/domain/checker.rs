//! Holds every procedure to the rules that make it a sound flow, so that a
//! mistake in the data fails the tests with the activity it concerns.

use std::collections::{BTreeSet, HashSet, VecDeque};

use super::engine::CaseState;
use super::procedure::{ActivityNumber, Procedure};

/// How many times exploration lets any activity repeat: enough to take every
/// loop once and come back out of it.
const MAX_ROUNDS: u32 = 2;

/// Every problem found, each naming the procedure and activity; empty when sound.
pub fn check(procedure: &Procedure) -> Vec<String> {
    let mut problems = Vec::new();
    let code = procedure.code;
    macro_rules! problem {
        ($number:expr, $message:expr $(,)?) => {
            problems.push(match $number {
                Some(n) => format!("{code} actividad {n}: {}", $message),
                None => format!("{code}: {}", $message),
            })
        };
    }

    if procedure.activities.is_empty() {
        problem!(Option::<ActivityNumber>::None, "no tiene actividades");
        return problems;
    }
    for (index, activity) in procedure.activities.iter().enumerate() {
        let expected = index + 1;
        if usize::from(activity.number) != expected {
            problem!(
                Some(activity.number),
                format!("está en la posición {expected}: los números deben ir de 1 a N sin huecos"),
            );
        }
    }
    if !problems.is_empty() {
        return problems;
    }

    for activity in procedure.activities {
        let n = Some(activity.number);
        if activity.title.trim().is_empty() {
            problem!(n, "no tiene título");
        }
        if activity.description.trim().is_empty() {
            problem!(n, "no tiene descripción");
        }
        if activity.roles.is_empty() {
            problem!(n, "no tiene responsable");
        }
        if activity.output.trim().is_empty() {
            problem!(n, "no tiene salida");
        }
        if activity.next.is_empty() {
            problem!(
                n,
                "no tiene salida en el flujo (ni siguiente actividad ni fin)"
            );
        }
        let mut ids = BTreeSet::new();
        for choice in activity.next {
            if !ids.insert(choice.id) {
                problem!(n, format!("repite la opción «{}»", choice.id));
            }
            if activity.next.len() > 1 && choice.label.trim().is_empty() {
                problem!(n, format!("la opción «{}» no tiene condición", choice.id));
            }
            match (choice.leads_to.is_empty(), choice.end.is_some()) {
                (true, false) => problem!(
                    n,
                    format!("la opción «{}» no lleva a ninguna parte", choice.id)
                ),
                (false, true) => problem!(
                    n,
                    format!("la opción «{}» termina el caso y a la vez sigue", choice.id)
                ),
                _ => {}
            }
            for &target in choice.leads_to {
                if procedure.activity(target).is_none() {
                    problem!(
                        n,
                        format!(
                            "la opción «{}» lleva a la actividad {target}, que no existe",
                            choice.id
                        )
                    );
                }
            }
        }
    }
    if !problems.is_empty() {
        return problems;
    }

    // Reachable from the start.
    let reachable = reachable_from(procedure, procedure.first().number);
    for activity in procedure.activities {
        if !reachable.contains(&activity.number) {
            problem!(Some(activity.number), "no se alcanza desde la actividad 1");
        }
    }
    // Can reach an end.
    for activity in procedure.activities {
        let downstream = reachable_from(procedure, activity.number);
        let ends = |n: &ActivityNumber| {
            procedure
                .activity(*n)
                .is_some_and(|a| a.next.iter().any(|c| c.end.is_some()))
        };
        if !downstream.iter().any(ends) {
            problem!(Some(activity.number), "no puede llegar a ningún fin");
        }
    }
    // Every join is fed by at least two lines of one parallel split.
    for join in procedure.activities.iter().filter(|a| a.join) {
        let fed = procedure.activities.iter().any(|split| {
            split.next.iter().filter(|c| c.is_parallel()).any(|choice| {
                choice
                    .leads_to
                    .iter()
                    .filter(|&&line| line == join.number || procedure.can_reach(line, join.number))
                    .count()
                    >= 2
            })
        });
        if !fed {
            problem!(
                Some(join.number),
                "es una unión pero no la alimentan las líneas de ninguna división paralela",
            );
        }
    }
    if !problems.is_empty() {
        return problems;
    }

    for message in explore(procedure) {
        problems.push(format!("{}: {message}", procedure.code));
    }
    problems
}

fn reachable_from(procedure: &Procedure, start: ActivityNumber) -> BTreeSet<ActivityNumber> {
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for next in procedure
            .activity(n)
            .into_iter()
            .flat_map(|a| a.successors())
        {
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// Plays every order of completion and every choice with the engine itself
/// (loops taken once), and reports activities never made current, choices
/// never offered, dead ends, and work left behind when the case ends.
fn explore(procedure: &Procedure) -> Vec<String> {
    let mut problems = BTreeSet::new();
    let mut seen_active = BTreeSet::new();
    let mut taken = BTreeSet::new();
    let mut visited = HashSet::new();
    let start = CaseState::start(procedure);
    let mut queue = VecDeque::from([start.clone()]);
    visited.insert(start);
    while let Some(state) = queue.pop_front() {
        if state.is_closed() {
            continue;
        }
        if state.active.is_empty() {
            let waiting: Vec<_> = state.waiting.keys().map(u16::to_string).collect();
            problems.insert(format!(
                "el flujo se detiene sin terminar; esperan las uniones {}",
                waiting.join(", ")
            ));
            continue;
        }
        seen_active.extend(state.active.iter().copied());
        for &number in &state.active {
            let activity = procedure.activity(number).expect("checked above");
            for choice in activity.next {
                let step = match state.complete(procedure, number, Some(choice.id)) {
                    Ok(step) => step,
                    Err(error) => {
                        problems.insert(format!(
                            "actividad {number}, opción «{}»: {error}",
                            choice.id
                        ));
                        continue;
                    }
                };
                taken.insert((number, choice.id));
                if !step.withdrawn.is_empty() {
                    let left: Vec<_> = step.withdrawn.iter().map(u16::to_string).collect();
                    problems.insert(format!(
                        "actividad {number}: termina el caso con trabajo pendiente en {}",
                        left.join(", ")
                    ));
                }
                if step.state.rounds.values().any(|&r| r > MAX_ROUNDS) {
                    continue;
                }
                if visited.insert(step.state.clone()) {
                    queue.push_back(step.state);
                }
            }
        }
    }
    for activity in procedure.activities {
        if !seen_active.contains(&activity.number) {
            problems.insert(format!(
                "actividad {}: ningún recorrido la pone en curso",
                activity.number
            ));
        }
        for choice in activity.next {
            if seen_active.contains(&activity.number)
                && !taken.contains(&(activity.number, choice.id))
            {
                problems.insert(format!(
                    "actividad {}: la opción «{}» no se puede tomar",
                    activity.number, choice.id
                ));
            }
        }
    }
    problems.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedure::Activity;
    use crate::domain::procedure::{activity, Choice, Concerns};
    use crate::domain::procedures::{every_version, trial, M06_V2};
    use crate::domain::role::Role::*;

    #[test]
    fn every_version_of_every_procedure_is_sound() {
        for procedure in every_version()
            .iter()
            .chain(trial::WITH_TRIAL.every_version())
        {
            let problems = check(procedure);
            assert!(problems.is_empty(), "{}", problems.join("\n"));
        }
    }

    #[test]
    fn the_manual_counts_of_activities() {
        let counts: Vec<_> = every_version()
            .iter()
            .map(|p| (p.code, p.activities.len()))
            .collect();
        assert_eq!(
            counts,
            [("PR05", 28), ("PR6", 19), ("PR7", 27), ("PR09", 14)]
        );
    }

    /// A procedure of the given activities, for the checker to refuse.
    const fn sample(activities: &'static [Activity]) -> Procedure {
        Procedure {
            code: "X",
            version: 1,
            printed_code: "X",
            manual: &M06_V2,
            section: "",
            sheet_starts: &[],
            name: "",
            objective: "",
            concerns: Concerns::OneEntity,
            activities,
        }
    }

    static GAP: Procedure = sample(&[
        activity(1, &[Dge], "t", "a", "b", &[Choice::to(&[3])]),
        activity(3, &[Dge], "t", "a", "b", &[Choice::finish()]),
    ]);

    static MISSING: Procedure = sample(&[
        activity(1, &[], "t", "a", "b", &[Choice::to(&[7])]),
        activity(2, &[Dge], "t", "a", "", &[Choice::finish()]),
    ]);

    static NO_END: Procedure = sample(&[
        activity(1, &[Dge], "t", "a", "b", &[Choice::to(&[2])]),
        activity(2, &[Dge], "t", "a", "b", &[Choice::to(&[1])]),
        activity(3, &[Dge], "t", "a", "b", &[Choice::finish()]),
    ]);

    /// Two parallel lines meet at 4, which is not marked as a join.
    static MISSING_JOIN: Procedure = sample(&[
        activity(1, &[Dge], "t", "a", "b", &[Choice::to(&[2, 3])]),
        activity(2, &[Dge], "t", "a", "b", &[Choice::to(&[4])]),
        activity(3, &[Dge], "t", "a", "b", &[Choice::to(&[4])]),
        activity(4, &[Dge], "t", "a", "b", &[Choice::finish()]),
    ]);

    /// A join that no split feeds.
    static LONELY_JOIN: Procedure = sample(&[
        activity(1, &[Dge], "t", "a", "b", &[Choice::to(&[2])]),
        activity(2, &[Dge], "t", "a", "b", &[Choice::finish()]).join(),
    ]);

    /// An early end while a parallel line still works.
    static EARLY_END: Procedure = sample(&[
        activity(1, &[Dge], "t", "a", "b", &[Choice::to(&[2, 3])]),
        activity(
            2,
            &[Dge],
            "t",
            "a",
            "b",
            &[
                Choice::ends("fin", "Fin", "Fin"),
                Choice::branch("sigue", "Sigue", &[4]),
            ],
        ),
        activity(3, &[Dge], "t", "a", "b", &[Choice::to(&[4])]),
        activity(4, &[Dge], "t", "a", "b", &[Choice::finish()]).join(),
    ]);

    fn assert_found(procedure: &Procedure, expected: &str) {
        let problems = check(procedure);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "expected «{expected}» among {problems:#?}"
        );
    }

    #[test]
    fn numbers_must_run_without_gaps() {
        assert_found(&GAP, "X actividad 3: está en la posición 2");
    }

    #[test]
    fn roles_outputs_and_targets_must_exist() {
        assert_found(&MISSING, "X actividad 1: no tiene responsable");
        assert_found(&MISSING, "X actividad 2: no tiene salida");
        assert_found(
            &MISSING,
            "X actividad 1: la opción «continuar» lleva a la actividad 7, que no existe",
        );
    }

    #[test]
    fn every_activity_is_reachable_and_can_end() {
        assert_found(&NO_END, "X actividad 3: no se alcanza desde la actividad 1");
        assert_found(&NO_END, "X actividad 1: no puede llegar a ningún fin");
    }

    #[test]
    fn parallel_lines_need_a_join_to_meet() {
        assert_found(
            &MISSING_JOIN,
            "actividad 4 recibió trabajo de dos líneas paralelas",
        );
    }

    #[test]
    fn a_join_needs_a_split() {
        assert_found(
            &LONELY_JOIN,
            "X actividad 2: es una unión pero no la alimentan",
        );
    }

    #[test]
    fn an_end_must_not_leave_work_behind() {
        assert_found(
            &EARLY_END,
            "actividad 2: termina el caso con trabajo pendiente en 3",
        );
    }
}
