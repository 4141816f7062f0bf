//! Fills a database with a large synthetic history for measuring the
//! dashboard: `server seed [cases] [history rows]` (defaults 100 000 and
//! 2 000 000) into `DATABASE_URL`. Cases walk the real procedures through the
//! engine, so every state, history row and activity time is one the app
//! itself could have produced; choices and durations are pseudo-random with
//! a fixed seed, so two runs give the same database.

use std::time::Instant;

use app::cases::HistoryEvent;
use app::domain::calendar::{bolivia_calendar, now_ms};
use app::domain::engine::CaseState;
use app::domain::procedure::Procedure;
use app::domain::procedures;
use app::domain::role::Role;
use app::server::store::{CaseChange, Db, NewCase, NewUser, StateChange};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
const ENTITIES: usize = 200;
/// The account synthetic cases are opened and moved by.
const SEED_USER: &str = "seed";

/// xorshift64*: small, fast and reproducible.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Step {
    activity: u16,
    choice: &'static str,
    at: i64,
    /// The case after the step, and the activities it made current.
    state: CaseState,
    entered: Vec<u16>,
}

struct Walk {
    steps: Vec<Step>,
}

/// Walks `procedure` from its first activity for at most `budget` steps,
/// preferring ways forward to loops back.
/// Nothing is completed after `now`; `forward` is the percentage of steps
/// that avoid a loop back when they can.
fn walk(
    procedure: &'static Procedure,
    opened_at: i64,
    now: i64,
    budget: usize,
    forward_share: u64,
    random: &mut Random,
) -> Walk {
    let mut state = CaseState::start(procedure);
    let mut clock = opened_at;
    let mut steps = Vec::new();
    while !state.is_closed() && steps.len() < budget {
        let current: Vec<u16> = state.active.iter().copied().collect();
        let number = current[random.below(current.len() as u64) as usize];
        let activity = procedure
            .activity(number)
            .expect("current activities exist");
        let forward: Vec<_> = activity
            .next
            .iter()
            .filter(|c| c.leads_to.iter().all(|n| *n > number) || c.end.is_some())
            .collect();
        let choice = if !forward.is_empty() && random.below(100) < forward_share {
            forward[random.below(forward.len() as u64) as usize]
        } else {
            &activity.next[random.below(activity.next.len() as u64) as usize]
        };
        clock += HOUR_MS + random.below((4 * DAY_MS) as u64) as i64;
        if clock > now {
            break;
        }
        let Ok(step) = state.complete(procedure, number, Some(choice.id)) else {
            break;
        };
        let entered = step.entered(&state, number);
        steps.push(Step {
            activity: number,
            choice: choice.id,
            at: clock,
            state: step.state.clone(),
            entered,
        });
        state = step.state;
    }
    Walk { steps }
}

/// Cases written per transaction.
const BATCH: usize = 1_000;

/// Over how many days the seeded cases were opened, unless told.
pub const DEFAULT_DAYS: usize = 540;

/// Seeds `cases` cases and about `history_target` history rows, opened over
/// the last `days` days, through the same path by which cases open and
/// change.
pub async fn run(
    db: &Db,
    cases: usize,
    history_target: usize,
    days: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    // Synthetic data makes a demo database (served with APP_DEMO=1 for
    // measurements), never one with real accounts.
    if !db.claim_instance(true).await.map_err(|e| e.to_string())? {
        return Err(
            "server seed solo llena una base de datos nueva o de demostración, \
                    nunca una con cuentas reales."
                .into(),
        );
    }
    let started = Instant::now();
    let now = now_ms();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    db.create_user(NewUser {
        id: Some(SEED_USER),
        email: Some("semilla@sistema.local"),
        password_hash: None,
        ci_number: None,
        full_name: None,
        subject: None,
        roles: &[],
        entity_id: None,
        is_admin: false,
        demo: false,
    })
    .await
    .map_err(|e| e.to_string())?;
    for e in 0..ENTITIES {
        db.create_entity(
            Some(&format!("seed-entity-{e}")),
            &format!("Entidad sintética {e}"),
            &format!("SEM-{e}"),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    let entity_ids: Vec<String> = (0..ENTITIES).map(|e| format!("seed-entity-{e}")).collect();
    let mut history_rows = 0usize;
    let current = procedures::current();
    let mut n = 0;
    while n < cases {
        let mut batch = Vec::with_capacity(BATCH);
        while n < cases && batch.len() < BATCH {
            // Steps this case may take so that the history reaches its
            // target: behind it, the longest procedure comes up and loops
            // (observation rounds) are taken more often.
            let left = history_target.saturating_sub(history_rows) / (cases - n);
            let behind = history_rows < history_target * n / cases;
            let procedure = if behind {
                current
                    .iter()
                    .copied()
                    .max_by_key(|p| p.activities.len())
                    .unwrap_or(current[0])
            } else {
                current[n % current.len()]
            };
            let opened_at = now - random.below(days.max(1) as u64 * DAY_MS as u64) as i64;
            let cap = left + random.below(left as u64 + 1) as usize;
            let forward_share = if behind { 25 } else { 90 };
            let walked = walk(
                procedure,
                opened_at,
                now,
                cap.max(1),
                forward_share,
                &mut random,
            );
            history_rows += walked.steps.len() + 1;
            batch.push((
                format!("seed-{n:08}"),
                procedure,
                n % ENTITIES,
                opened_at,
                walked,
            ));
            n += 1;
        }
        let first = batch
            .iter()
            .map(|(_, procedure, _, _, _)| CaseState::start(procedure))
            .collect::<Vec<_>>();
        let replayed: Vec<_> = batch
            .iter()
            .zip(&first)
            .map(|((id, procedure, entity, opened_at, walked), first)| {
                let case = NewCase {
                    id,
                    procedure,
                    year: bolivia_calendar(*opened_at).0,
                    entity_ids: std::slice::from_ref(&entity_ids[*entity]),
                    title: "Caso sintético",
                    state: first,
                    current_since: first.active.iter().map(|&a| (a, *opened_at)).collect(),
                    opened_by: SEED_USER,
                    at: *opened_at,
                    notices: Vec::new(),
                };
                let changes = walked
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        let activity = procedure.activity(step.activity);
                        CaseChange {
                            case_id: id,
                            expected_version: i as i64 + 1,
                            at: step.at,
                            user_id: SEED_USER,
                            role: activity.map_or(Role::JefeUgat, |a| a.roles[0]),
                            event: HistoryEvent::Completed,
                            activity: Some(step.activity),
                            choice: Some(step.choice),
                            output: activity.map(|a| a.output),
                            output_reference: Some("S/N"),
                            comment: None,
                            step: Some(StateChange {
                                procedure,
                                state: &step.state,
                                entered: step.entered.clone(),
                                derived: Vec::new(),
                            }),
                            files: &[],
                            supports: None,
                            assignee: None,
                            entity: None,
                            notices: Vec::new(),
                        }
                    })
                    .collect();
                (case, changes)
            })
            .collect();
        db.replay(&replayed).await.map_err(|e| e.to_string())?;
    }
    println!(
        "seeded {cases} cases and {history_rows} history rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
