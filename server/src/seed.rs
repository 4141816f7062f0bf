//! Fills a database with a large synthetic history for measuring the
//! dashboard: `server seed [cases] [history rows]` (defaults 100 000 and
//! 2 000 000) into `DATABASE_URL`. Cases walk the real procedures through the
//! engine, so every state, history row and activity time is one the app
//! itself could have produced; choices and durations are pseudo-random with
//! a fixed seed, so two runs give the same database.

use std::time::Instant;

use app::domain::engine::CaseState;
use app::domain::procedure::Procedure;
use app::domain::procedures;
use sqlx::SqlitePool;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
const ENTITIES: usize = 200;

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

struct Walk {
    state: CaseState,
    /// (activity, choice, started_at, finished_at)
    steps: Vec<(u16, &'static str, i64, i64)>,
    current_since: Vec<(u16, i64)>,
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
    let mut since: std::collections::BTreeMap<u16, i64> =
        state.active.iter().map(|a| (*a, opened_at)).collect();
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
        let started = since.remove(&number).unwrap_or(clock);
        steps.push((number, choice.id, started, clock));
        for added in step.state.active.difference(&state.active) {
            since.insert(*added, clock);
        }
        if step.state.is_closed() {
            since.clear();
        }
        state = step.state;
    }
    let current_since = state
        .active
        .iter()
        .map(|a| (*a, since.get(a).copied().unwrap_or(clock)))
        .collect();
    Walk {
        state,
        steps,
        current_since,
    }
}

/// Seeds `cases` cases and about `history_target` history rows.
pub async fn run(
    pool: &SqlitePool,
    cases: usize,
    history_target: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let now = app::now_ms();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);

    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO users (id, email, password_hash, is_admin, created_at) VALUES ('seed', 'semilla@sistema.local', '!', FALSE, ?) ON CONFLICT DO NOTHING")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    for e in 0..ENTITIES {
        sqlx::query("INSERT INTO entities (id, name, code, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(format!("seed-entity-{e}"))
            .bind(format!("Entidad sintética {e}"))
            .bind(format!("SEM-{e}"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    let mut history_rows = 0usize;
    let mut counters: std::collections::HashMap<(&str, i64), i64> = Default::default();
    let mut tx = pool.begin().await?;
    for n in 0..cases {
        // Steps this case may take so that the history reaches its target:
        // behind it, the longest procedure comes up and loops (observation
        // rounds) are taken more often.
        let left = history_target.saturating_sub(history_rows) / (cases - n);
        let behind = history_rows < history_target * n / cases;
        let procedure = if behind {
            procedures::ALL
                .iter()
                .copied()
                .max_by_key(|p| p.activities.len())
                .unwrap_or(procedures::ALL[0])
        } else {
            procedures::ALL[n % procedures::ALL.len()]
        };
        let opened_at = now - random.below((540 * DAY_MS) as u64) as i64;
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
        let year = app::cases::bolivia_calendar(opened_at).0;
        let number = counters.entry((procedure.code, year)).or_insert(0);
        *number += 1;
        let id = format!("seed-{n:08}");
        let reference = format!("{}-{year}-S{number:06}", procedure.code);
        let last = walked.steps.last().map_or(opened_at, |s| s.3);
        let closed_at = walked.state.is_closed().then_some(last);
        sqlx::query(
            "INSERT INTO cases (id, reference, procedure, entity_id, title, status, state, version, ending, opened_by, opened_at, updated_at, closed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'seed', ?, ?, ?)",
        )
        .bind(&id)
        .bind(&reference)
        .bind(procedure.code)
        .bind(format!("seed-entity-{}", n % ENTITIES))
        .bind("Caso sintético")
        .bind(if closed_at.is_some() { "closed" } else { "open" })
        .bind(serde_json::to_string(&walked.state)?)
        .bind(walked.steps.len() as i64 + 1)
        .bind(walked.state.ended.as_ref().map(|e| e.label.clone()))
        .bind(opened_at)
        .bind(last)
        .bind(closed_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO case_history (case_id, version, at, user_id) VALUES (?, 1, ?, 'seed')",
        )
        .bind(&id)
        .bind(opened_at)
        .execute(&mut *tx)
        .await?;
        for (version, (activity, choice, started_at, at)) in walked.steps.iter().enumerate() {
            let role = procedure.activity(*activity).map(|a| a.roles[0].slug());
            sqlx::query(
                "INSERT INTO case_history (case_id, version, at, user_id, role, activity, choice, output, output_reference, started_at)
                 VALUES (?, ?, ?, 'seed', ?, ?, ?, ?, 'S/N', ?)",
            )
            .bind(&id)
            .bind(version as i64 + 2)
            .bind(at)
            .bind(role)
            .bind(i64::from(*activity))
            .bind(choice)
            .bind(procedure.activity(*activity).map(|a| a.output))
            .bind(started_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO activity_times (procedure, activity, started_at, finished_at) VALUES (?, ?, ?, ?)")
                .bind(procedure.code)
                .bind(i64::from(*activity))
                .bind(started_at)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        history_rows += walked.steps.len() + 1;
        if closed_at.is_none() {
            for (activity, since) in &walked.current_since {
                sqlx::query("INSERT INTO case_current (case_id, activity, since) VALUES (?, ?, ?)")
                    .bind(&id)
                    .bind(i64::from(*activity))
                    .bind((*since).min(now))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if n % 5_000 == 4_999 {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    for ((procedure, year), last) in counters {
        sqlx::query("INSERT INTO case_counters (procedure, year, last_number) VALUES (?, ?, ?) ON CONFLICT (procedure, year) DO UPDATE SET last_number = MAX(last_number, excluded.last_number)")
            .bind(procedure)
            .bind(year)
            .bind(last)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    println!(
        "seeded {cases} cases and {history_rows} history rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
