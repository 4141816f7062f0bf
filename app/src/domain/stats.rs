//! The managers' figures, computed from plain facts about cases so that
//! every figure can be checked by hand against a small set of cases.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::integrations::IntegrationStats;
use super::procedure::{ActivityNumber, Procedure};
use super::role::Role;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How long an activity may wait before it is overdue, unless an
/// administrator set another time: three days for AGETIC's own work, ten for
/// what the entity has to do (it often needs its own approvals).
pub fn default_due_ms(roles: &[Role]) -> i64 {
    if roles.contains(&Role::Entidad) {
        10 * DAY_MS
    } else {
        3 * DAY_MS
    }
}

/// What the figures need to know about one case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseFact {
    pub procedure: &'static Procedure,
    pub open: bool,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    /// Times activities were made current again by a loop.
    pub extra_rounds: u32,
    /// The current activities and since when.
    pub current: Vec<(ActivityNumber, i64)>,
}

/// How long one completed activity took.
#[derive(Clone, Debug, PartialEq)]
pub struct Took {
    pub procedure: &'static Procedure,
    pub activity: ActivityNumber,
    pub ms: i64,
}

/// The middle and the 90th percentile of a set of durations (nearest rank:
/// the smallest value with at least that share of values at or below it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    pub count: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

impl Spread {
    pub fn of(mut values: Vec<i64>) -> Spread {
        values.sort_unstable();
        let rank = |percent: usize| -> Option<i64> {
            let n = values.len();
            (n > 0).then(|| values[(percent * n).div_ceil(100).max(1) - 1])
        };
        Spread {
            count: values.len(),
            median_ms: rank(50),
            p90_ms: rank(90),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityStats {
    pub number: ActivityNumber,
    /// Open cases standing at it now.
    pub waiting: usize,
    /// Since when the one that has waited longest is there.
    pub oldest_since: Option<i64>,
    pub due_ms: i64,
    pub overdue: usize,
    /// How long it took when completed.
    pub took: Spread,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcedureStats {
    pub code: String,
    /// The procedure's version: each version has its own row.
    #[serde(default = "first_version")]
    pub version: u16,
    pub name: String,
    pub open: usize,
    pub closed: usize,
    /// From opening to closing, over closed cases.
    pub cycle: Spread,
    /// Cases where a loop made some activity current again, and how many
    /// extra rounds there were in all.
    pub cases_with_rounds: usize,
    pub extra_rounds: u64,
    pub activities: Vec<ActivityStats>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    /// `2026-11`, as the month reads in Bolivia.
    pub month: String,
    pub opened: usize,
    pub closed: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub generated_at: i64,
    pub open: usize,
    pub closed: usize,
    pub overdue: usize,
    pub procedures: Vec<ProcedureStats>,
    pub months: Vec<MonthCount>,
    /// PR09: the e-government tools integrated, and what does not add up.
    #[serde(default)]
    pub integrations: IntegrationStats,
}

fn month_of(ms: i64) -> String {
    let (year, month, _, _) = crate::domain::calendar::bolivia_calendar(ms);
    format!("{year:04}-{month:02}")
}

/// Every figure of the dashboard. `due` gives an activity's due time.
pub fn summarize(
    procedures: &[&'static Procedure],
    cases: &[CaseFact],
    took: &[Took],
    now: i64,
    due: impl Fn(&Procedure, ActivityNumber) -> i64,
) -> Stats {
    let mut months: BTreeMap<String, MonthCount> = BTreeMap::new();
    let mut count = |ms: i64, opened: bool| {
        let key = month_of(ms);
        let entry = months.entry(key.clone()).or_insert(MonthCount {
            month: key,
            opened: 0,
            closed: 0,
        });
        if opened {
            entry.opened += 1;
        } else {
            entry.closed += 1;
        }
    };
    for case in cases {
        count(case.opened_at, true);
        if let Some(closed) = case.closed_at {
            count(closed, false);
        }
    }
    // Versions of one procedure are kept apart: their activities are
    // numbered differently.
    let mut durations: BTreeMap<(&str, u16, ActivityNumber), Vec<i64>> = BTreeMap::new();
    for t in took {
        durations
            .entry((t.procedure.code, t.procedure.version, t.activity))
            .or_default()
            .push(t.ms);
    }
    let stats: Vec<ProcedureStats> = procedures
        .iter()
        .map(|procedure| {
            let own: Vec<&CaseFact> = cases
                .iter()
                .filter(|c| {
                    c.procedure.code == procedure.code && c.procedure.version == procedure.version
                })
                .collect();
            let activities = procedure
                .activities
                .iter()
                .map(|activity| {
                    let due_ms = due(procedure, activity.number);
                    let since: Vec<i64> = own
                        .iter()
                        .filter(|c| c.open)
                        .flat_map(|c| c.current.iter())
                        .filter(|(number, _)| *number == activity.number)
                        .map(|(_, since)| *since)
                        .collect();
                    ActivityStats {
                        number: activity.number,
                        waiting: since.len(),
                        oldest_since: since.iter().copied().min(),
                        due_ms,
                        overdue: since.iter().filter(|s| now - **s > due_ms).count(),
                        took: Spread::of(
                            durations
                                .remove(&(procedure.code, procedure.version, activity.number))
                                .unwrap_or_default(),
                        ),
                    }
                })
                .collect();
            ProcedureStats {
                code: procedure.code.to_owned(),
                version: procedure.version,
                name: procedure.name.to_owned(),
                open: own.iter().filter(|c| c.open).count(),
                closed: own.iter().filter(|c| !c.open).count(),
                cycle: Spread::of(
                    own.iter()
                        .filter_map(|c| c.closed_at.map(|closed| closed - c.opened_at))
                        .collect(),
                ),
                cases_with_rounds: own.iter().filter(|c| c.extra_rounds > 0).count(),
                extra_rounds: own.iter().map(|c| u64::from(c.extra_rounds)).sum(),
                activities,
            }
        })
        .collect();
    Stats {
        generated_at: now,
        open: stats.iter().map(|p| p.open).sum(),
        closed: stats.iter().map(|p| p.closed).sum(),
        overdue: stats
            .iter()
            .flat_map(|p| p.activities.iter())
            .map(|a| a.overdue)
            .sum(),
        procedures: stats,
        months: months.into_values().collect(),
        integrations: IntegrationStats::default(),
    }
}

/// What figures stored before versions were kept read as.
fn first_version() -> u16 {
    1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::{PR05, PR09, PR6};

    // 2026-11-27 12:00 in Bolivia (UTC-4) is 16:00 UTC.
    const NOW: i64 = 1_795_795_200_000;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        assert_eq!(
            Spread::of(vec![7]),
            Spread {
                count: 1,
                median_ms: Some(7),
                p90_ms: Some(7)
            }
        );
        // 10 values: the median is the 5th, the 90th percentile the 9th.
        let spread = Spread::of(vec![10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        assert_eq!(
            spread,
            Spread {
                count: 10,
                median_ms: Some(5),
                p90_ms: Some(9)
            }
        );
        // 4 values: ranks 2 and 4.
        let spread = Spread::of(vec![40, 10, 30, 20]);
        assert_eq!(
            spread,
            Spread {
                count: 4,
                median_ms: Some(20),
                p90_ms: Some(40)
            }
        );
    }

    fn due_two_days(_: &Procedure, _: ActivityNumber) -> i64 {
        2 * DAY_MS
    }

    /// Five cases whose figures are worked out by hand in the test below.
    fn fixture() -> (Vec<CaseFact>, Vec<Took>) {
        let cases = vec![
            // PR6, open, at 9 since 3 days ago (overdue), and at 3 since 1 day.
            CaseFact {
                procedure: &PR6,
                open: true,
                opened_at: NOW - 40 * DAY_MS,
                closed_at: None,
                extra_rounds: 0,
                current: vec![(9, NOW - 3 * DAY_MS)],
            },
            CaseFact {
                procedure: &PR6,
                open: true,
                opened_at: NOW - 2 * DAY_MS,
                closed_at: None,
                extra_rounds: 0,
                current: vec![(3, NOW - DAY_MS)],
            },
            // PR6, closed after 10 days, with two extra rounds.
            CaseFact {
                procedure: &PR6,
                open: false,
                opened_at: NOW - 45 * DAY_MS,
                closed_at: Some(NOW - 35 * DAY_MS),
                extra_rounds: 2,
                current: vec![],
            },
            // PR6, closed after 20 days.
            CaseFact {
                procedure: &PR6,
                open: false,
                opened_at: NOW - 30 * DAY_MS,
                closed_at: Some(NOW - 10 * DAY_MS),
                extra_rounds: 0,
                current: vec![],
            },
            // PR05, open, at 2 since 5 days (overdue).
            CaseFact {
                procedure: &PR05,
                open: true,
                opened_at: NOW - 6 * DAY_MS,
                closed_at: None,
                extra_rounds: 1,
                current: vec![(2, NOW - 5 * DAY_MS)],
            },
        ];
        let took = vec![
            Took {
                procedure: &PR6,
                activity: 1,
                ms: HOUR_MS,
            },
            Took {
                procedure: &PR6,
                activity: 1,
                ms: 3 * HOUR_MS,
            },
            Took {
                procedure: &PR6,
                activity: 1,
                ms: 2 * HOUR_MS,
            },
            Took {
                procedure: &PR6,
                activity: 2,
                ms: DAY_MS,
            },
        ];
        (cases, took)
    }

    #[test]
    fn figures_match_the_hand_count() {
        let (cases, took) = fixture();
        let stats = summarize(&[&PR05, &PR6, &PR09], &cases, &took, NOW, due_two_days);
        assert_eq!((stats.open, stats.closed, stats.overdue), (3, 2, 2));

        let pr6 = &stats.procedures[1];
        assert_eq!((pr6.code.as_str(), pr6.open, pr6.closed), ("PR6", 2, 2));
        // Cycle times 10 and 20 days: median is the 1st of 2, p90 the 2nd.
        assert_eq!(
            pr6.cycle,
            Spread {
                count: 2,
                median_ms: Some(10 * DAY_MS),
                p90_ms: Some(20 * DAY_MS)
            }
        );
        assert_eq!((pr6.cases_with_rounds, pr6.extra_rounds), (1, 2));
        let at = |n: ActivityNumber| &pr6.activities[usize::from(n) - 1];
        assert_eq!(
            (at(9).waiting, at(9).overdue, at(9).oldest_since),
            (1, 1, Some(NOW - 3 * DAY_MS))
        );
        assert_eq!((at(3).waiting, at(3).overdue), (1, 0));
        assert_eq!((at(4).waiting, at(4).oldest_since), (0, None));
        // Activity 1 took 1, 3 and 2 hours: median 2 h, p90 3 h.
        assert_eq!(
            at(1).took,
            Spread {
                count: 3,
                median_ms: Some(2 * HOUR_MS),
                p90_ms: Some(3 * HOUR_MS)
            }
        );
        assert_eq!(at(2).took.count, 1);

        let pr05 = &stats.procedures[0];
        assert_eq!((pr05.open, pr05.closed, pr05.cycle.count), (1, 0, 0));
        assert_eq!(pr05.activities[1].overdue, 1);
        let pr09 = &stats.procedures[2];
        assert_eq!((pr09.open, pr09.closed), (0, 0));
        assert!(pr09.activities.iter().all(|a| a.waiting == 0));
    }

    #[test]
    fn months_count_openings_and_closings_in_bolivian_time() {
        let (cases, took) = fixture();
        let stats = summarize(&[&PR05, &PR6, &PR09], &cases, &took, NOW, due_two_days);
        // Opened: 40 d ago (2026-10-18), 2 d (11-25), 45 d (10-13), 30 d
        // (10-28), 6 d (11-21). Closed: 35 d ago (10-23), 10 d (11-17).
        assert_eq!(
            stats.months,
            vec![
                MonthCount {
                    month: "2026-10".into(),
                    opened: 3,
                    closed: 1
                },
                MonthCount {
                    month: "2026-11".into(),
                    opened: 2,
                    closed: 1
                },
            ]
        );
    }

    #[test]
    fn entity_work_has_longer_default_due_times() {
        assert_eq!(default_due_ms(&[Role::Entidad]), 10 * DAY_MS);
        assert_eq!(default_due_ms(&[Role::Uit, Role::Upat]), 3 * DAY_MS);
    }

    #[test]
    fn versions_of_a_procedure_are_counted_apart() {
        use crate::domain::procedures::trial::PR09_V2;
        let at = |procedure, number| CaseFact {
            procedure,
            open: true,
            opened_at: NOW - DAY_MS,
            closed_at: None,
            extra_rounds: 0,
            current: vec![(number, NOW - DAY_MS)],
        };
        // Activity 3 is the Jefe's decision in version 1, a new step in 2.
        let cases = vec![at(&PR09, 3), at(&PR09_V2, 3), at(&PR09_V2, 3)];
        let took = vec![Took {
            procedure: &PR09_V2,
            activity: 3,
            ms: 60_000,
        }];
        let stats = summarize(&[&PR09, &PR09_V2], &cases, &took, NOW, due_two_days);
        let rows: Vec<_> = stats
            .procedures
            .iter()
            .map(|p| {
                (
                    p.version,
                    p.open,
                    p.activities.len(),
                    p.activities[2].waiting,
                    p.activities[2].took.count,
                )
            })
            .collect();
        assert_eq!(rows, [(1, 1, 14, 1, 0), (2, 2, 15, 2, 1)]);
    }
}
