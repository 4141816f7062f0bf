//! The dashboard's figures on the server: facts read from the store in a few
//! narrow queries, summarized by the pure `domain::stats`, and kept as a
//! snapshot that is refreshed in the background, so that asking for the
//! figures never waits for a scan of the whole history.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::{Row, SqlitePool};

use super::error::ApiError;
use super::store::{now_ms, User};
use crate::domain::access::MANAGERS;
use crate::domain::engine::CaseState;
use crate::domain::integrations::{integrations, IntegrationStats, Pr6Case, SentForm};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::stats::{default_due_ms, summarize, CaseFact, Stats, Took};
use crate::forms::{Anexo, AnyForm};

/// Figures younger than this are served as they are.
const FRESH_FOR: Duration = Duration::from_secs(60);

pub fn managers_only(user: &User) -> Result<(), ApiError> {
    if user.entity_id.is_none()
        && (user.is_admin || MANAGERS.iter().any(|r| user.roles.contains(r)))
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "El tablero es para el Jefe de la UGAT, la DGE y el Responsable del AIT.".into(),
        ))
    }
}

/// The figures, and PR09's lists whole (the figures carry their first rows).
#[derive(Clone)]
pub struct Snapshot {
    pub stats: Arc<Stats>,
    pub integrations: Arc<IntegrationStats>,
}

/// Every fact the figures need, read now.
pub async fn compute(pool: &SqlitePool) -> Result<Snapshot, ApiError> {
    let mut cases: Vec<CaseFact> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows =
        sqlx::query("SELECT id, procedure, status, opened_at, closed_at, state FROM cases")
            .fetch(pool);
    while let Some(row) = rows.try_next().await? {
        let Some(procedure) = procedures::find(row.get("procedure")) else {
            continue;
        };
        let state: CaseState = serde_json::from_str(row.get("state")).unwrap_or_default();
        let extra_rounds = state.rounds.values().map(|r| r.saturating_sub(1)).sum();
        index.insert(row.get("id"), cases.len());
        cases.push(CaseFact {
            procedure,
            open: row.get::<String, _>("status") == "open",
            opened_at: row.get("opened_at"),
            closed_at: row.get("closed_at"),
            extra_rounds,
            current: Vec::new(),
        });
    }
    drop(rows);
    let mut current = sqlx::query("SELECT case_id, activity, since FROM case_current").fetch(pool);
    while let Some(row) = current.try_next().await? {
        if let Some(&i) = index.get(row.get::<&str, _>("case_id")) {
            let number =
                ActivityNumber::try_from(row.get::<i64, _>("activity")).unwrap_or_default();
            cases[i].current.push((number, row.get("since")));
        }
    }
    drop(current);
    let mut took = Vec::new();
    let mut times = sqlx::query(
        "SELECT procedure, activity, finished_at - started_at AS ms FROM activity_times",
    )
    .fetch(pool);
    while let Some(row) = times.try_next().await? {
        if let Some(procedure) = procedures::find(row.get("procedure")) {
            took.push(Took {
                procedure,
                activity: ActivityNumber::try_from(row.get::<i64, _>("activity"))
                    .unwrap_or_default(),
                ms: row.get("ms"),
            });
        }
    }
    drop(times);
    let due = DueTimes::load(pool).await?;
    let mut stats = summarize(&procedures::ALL, &cases, &took, now_ms(), |p, n| {
        due.of(p, n)
    });
    let whole = integrations(&pr6_cases(pool).await?);
    stats.integrations = whole.summary();
    Ok(Snapshot {
        stats: Arc::new(stats),
        integrations: Arc::new(whole),
    })
}

/// The PR6 cases with what PR09 reads of them: the activities done, the way
/// taken at activity 9, and the latest version of each form sent.
async fn pr6_cases(pool: &SqlitePool) -> Result<Vec<Pr6Case>, ApiError> {
    let mut cases: Vec<Pr6Case> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows = sqlx::query(
        "SELECT c.id, c.reference, c.status, c.state, e.name FROM cases c JOIN entities e ON e.id = c.entity_id
         WHERE c.procedure = 'PR6' ORDER BY c.reference",
    )
    .fetch(pool);
    while let Some(row) = rows.try_next().await? {
        let state: CaseState = serde_json::from_str(row.get("state")).unwrap_or_default();
        index.insert(row.get("id"), cases.len());
        cases.push(Pr6Case {
            case_id: row.get("id"),
            reference: row.get("reference"),
            entity: row.get("name"),
            closed: row.get::<String, _>("status") == "closed",
            done: state.done,
            way_at_9: None,
            forms: Vec::new(),
        });
    }
    drop(rows);
    let mut ways = sqlx::query(
        "SELECT h.case_id, h.choice FROM case_history h JOIN cases c ON c.id = h.case_id
         WHERE h.activity = 9 AND c.procedure = 'PR6' ORDER BY h.version",
    )
    .fetch(pool);
    while let Some(row) = ways.try_next().await? {
        if let Some(&i) = index.get(row.get::<&str, _>("case_id")) {
            cases[i].way_at_9 = row.get("choice");
        }
    }
    drop(ways);
    let mut sent =
        sqlx::query("SELECT case_id, anexo, status, data FROM form_submissions ORDER BY version")
            .fetch(pool);
    while let Some(row) = sent.try_next().await? {
        let Some(&i) = index.get(row.get::<&str, _>("case_id")) else {
            continue;
        };
        let Some(anexo) = Anexo::from_slug(row.get("anexo")) else {
            continue;
        };
        let form: Option<AnyForm> = serde_json::from_str(row.get("data")).ok();
        let number = anexo.number();
        let latest = SentForm {
            anexo: number,
            returned: row.get::<String, _>("status") == "returned",
            names_payment_methods: matches!(&form, Some(AnyForm::Tres(f)) if !f.payment_methods.is_empty()),
            declares_authentication: matches!(&form, Some(AnyForm::Uno(f)) if f.authentication_integrated),
        };
        let forms = &mut cases[i].forms;
        forms.retain(|f| f.anexo != number);
        forms.push(latest);
    }
    Ok(cases)
}

/// How long each activity may wait: what an administrator set, else the
/// default for who does it.
#[derive(Clone, Debug, Default)]
pub struct DueTimes(HashMap<(String, ActivityNumber), i64>);

impl DueTimes {
    pub async fn load(pool: &SqlitePool) -> Result<DueTimes, ApiError> {
        let rows = sqlx::query("SELECT procedure, activity, due_ms FROM activity_due")
            .fetch_all(pool)
            .await?;
        Ok(DueTimes(
            rows.iter()
                .map(|row| {
                    let number =
                        ActivityNumber::try_from(row.get::<i64, _>("activity")).unwrap_or_default();
                    ((row.get("procedure"), number), row.get("due_ms"))
                })
                .collect(),
        ))
    }

    pub fn of(&self, procedure: &Procedure, number: ActivityNumber) -> i64 {
        self.0
            .get(&(procedure.code.to_owned(), number))
            .copied()
            .unwrap_or_else(|| default_due(procedure, number))
    }

    pub fn is_set(&self, procedure: &Procedure, number: ActivityNumber) -> bool {
        self.0.contains_key(&(procedure.code.to_owned(), number))
    }
}

pub fn default_due(procedure: &Procedure, number: ActivityNumber) -> i64 {
    procedure
        .activity(number)
        .map_or(default_due_ms(&[]), |a| default_due_ms(a.roles))
}

/// Sets (or, with `None`, resets to the default) the due times of a
/// procedure's activities, in one transaction.
pub async fn set_due_times(
    pool: &SqlitePool,
    user: &User,
    procedure: &Procedure,
    hours: &[(ActivityNumber, Option<u32>)],
) -> Result<(), ApiError> {
    crate::server::admin::admin_only(user)?;
    let mut errors = Vec::new();
    for (number, value) in hours {
        if procedure.activity(*number).is_none() {
            errors.push(crate::domain::validation::FieldError::new(
                &number.to_string(),
                format!("{} no tiene actividad {number}.", procedure.code),
            ));
        } else if value.is_some_and(|h| !(1..=8_760).contains(&h)) {
            errors.push(crate::domain::validation::FieldError::new(
                &number.to_string(),
                format!("Actividad {number}: escriba un plazo de 1 a 8760 horas, o déjelo vacío para el plazo por defecto."),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for (number, value) in hours {
        match value {
            Some(h) => {
                sqlx::query(
                    "INSERT INTO activity_due (procedure, activity, due_ms) VALUES (?, ?, ?)
                     ON CONFLICT (procedure, activity) DO UPDATE SET due_ms = excluded.due_ms",
                )
                .bind(procedure.code)
                .bind(i64::from(*number))
                .bind(i64::from(*h) * 3_600_000)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM activity_due WHERE procedure = ? AND activity = ?")
                    .bind(procedure.code)
                    .bind(i64::from(*number))
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The latest figures and when they were taken.
pub struct StatsCache {
    pool: SqlitePool,
    snapshot: RwLock<Option<(Instant, Snapshot)>>,
    refreshing: AtomicBool,
    first: tokio::sync::Mutex<()>,
}

impl StatsCache {
    pub fn new(pool: SqlitePool) -> Arc<StatsCache> {
        Arc::new(StatsCache {
            pool,
            snapshot: RwLock::new(None),
            refreshing: AtomicBool::new(false),
            first: tokio::sync::Mutex::new(()),
        })
    }

    fn cached(&self) -> Option<(Instant, Snapshot)> {
        self.snapshot.read().ok()?.clone()
    }

    async fn refresh(&self) -> Result<Snapshot, ApiError> {
        let fresh = compute(&self.pool).await?;
        if let Ok(mut snapshot) = self.snapshot.write() {
            *snapshot = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    /// Fresh figures at once; stale ones at once too, while new ones are
    /// computed in the background; the very first are computed on the spot.
    pub async fn get(self: &Arc<Self>) -> Result<Arc<Stats>, ApiError> {
        Ok(self.snapshot().await?.stats)
    }

    /// PR09's lists whole, for the CSV downloads.
    pub async fn integrations(self: &Arc<Self>) -> Result<Arc<IntegrationStats>, ApiError> {
        Ok(self.snapshot().await?.integrations)
    }

    async fn snapshot(self: &Arc<Self>) -> Result<Snapshot, ApiError> {
        if let Some((taken, snapshot)) = self.cached() {
            if taken.elapsed() > FRESH_FOR && !self.refreshing.swap(true, Ordering::AcqRel) {
                let this = self.clone();
                tokio::spawn(async move {
                    if let Err(error) = this.refresh().await {
                        tracing::warn!(?error, "refreshing the dashboard's figures");
                    }
                    this.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(snapshot);
        }
        let _only_one = self.first.lock().await;
        match self.cached() {
            Some((_, snapshot)) => Ok(snapshot),
            None => self.refresh().await,
        }
    }
}
