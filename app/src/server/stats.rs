//! The dashboard's figures on the server: facts read from the store in a few
//! narrow queries, summarized by the pure `domain::stats`, and kept as a
//! snapshot that is refreshed in the background, so that asking for the
//! figures never waits for a scan of the whole history.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::case_lookup::stored_definition;
use super::error::ApiError;
use super::store::{Db, User};
use crate::cases::CaseStatus;
use crate::domain::calendar::now_ms;
use crate::domain::engine::CaseState;
use crate::domain::integrations::{integrations, IntegrationStats, Pr6Case, SentForm};
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::procedures;
use crate::domain::stats::{default_due_ms, summarize, CaseFact, Stats, Took};
use crate::forms::{Anexo, AnyForm};

/// Figures younger than this are served as they are.
const FRESH_FOR: Duration = Duration::from_secs(60);

pub fn managers_only(user: &User) -> Result<(), ApiError> {
    if user.actor().sees_dashboard() {
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
pub async fn compute(db: &Db) -> Result<Snapshot, ApiError> {
    let figures = db.case_figures().await?;
    let mut cases: Vec<CaseFact> = Vec::with_capacity(figures.cases.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(figures.cases.len());
    for case in figures.cases {
        let Some(procedure) = stored_definition(&case.procedure, case.procedure_version) else {
            continue;
        };
        let state: CaseState = serde_json::from_str(&case.state).unwrap_or_default();
        let extra_rounds = state.rounds.values().map(|r| r.saturating_sub(1)).sum();
        index.insert(case.id, cases.len());
        cases.push(CaseFact {
            procedure,
            open: CaseStatus::parse(&case.status) == Some(CaseStatus::Open),
            opened_at: case.opened_at,
            closed_at: case.closed_at,
            extra_rounds,
            current: Vec::new(),
        });
    }
    for (case_id, activity, since) in figures.current {
        if let Some(&i) = index.get(&case_id) {
            let number = ActivityNumber::try_from(activity).unwrap_or_default();
            cases[i].current.push((number, since));
        }
    }
    let mut took: Vec<Took> = Vec::new();
    for (code, version, activity, durations) in figures.times {
        let Some(procedure) = stored_definition(&code, version) else {
            continue;
        };
        let activity = ActivityNumber::try_from(activity).unwrap_or_default();
        took.extend(durations.into_iter().map(|ms| Took {
            procedure,
            activity,
            ms,
        }));
    }
    let due = DueTimes::load(db).await?;
    // The newest version of each procedure, and an older one while it has
    // cases.
    let current = procedures::current();
    let shown: Vec<&'static Procedure> = procedures::every_version()
        .iter()
        .copied()
        .filter(|p| {
            current.iter().any(|c| std::ptr::eq(*c, *p))
                || cases.iter().any(|c| std::ptr::eq(c.procedure, *p))
        })
        .collect();
    let mut stats = summarize(&shown, &cases, &took, now_ms(), |p, n| due.of(p, n));
    let whole = integrations(&pr6_cases(db).await?);
    stats.integrations = whole.summary();
    Ok(Snapshot {
        stats: Arc::new(stats),
        integrations: Arc::new(whole),
    })
}

async fn pr6_cases(db: &Db) -> Result<Vec<Pr6Case>, ApiError> {
    let figures = db.pr6_figures().await?;
    let mut cases: Vec<Pr6Case> = Vec::with_capacity(figures.cases.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for (id, reference, status, state, entity) in figures.cases {
        let state: CaseState = serde_json::from_str(&state).unwrap_or_default();
        index.insert(id.clone(), cases.len());
        cases.push(Pr6Case {
            case_id: id,
            reference,
            entity,
            closed: CaseStatus::parse(&status) == Some(CaseStatus::Closed),
            done: state.done,
            way_at_9: None,
            forms: Vec::new(),
        });
    }
    for (case_id, choice) in figures.ways {
        if let Some(&i) = index.get(&case_id) {
            cases[i].way_at_9 = choice;
        }
    }
    for (case_id, anexo, status, data) in figures.sent {
        let Some(&i) = index.get(&case_id) else {
            continue;
        };
        let Some(anexo) = Anexo::from_slug(&anexo) else {
            continue;
        };
        let form: Option<AnyForm> = serde_json::from_str(&data).ok();
        let number = anexo.number();
        let latest = SentForm {
            anexo: number,
            returned: status == "returned",
            names_payment_methods: matches!(&form, Some(AnyForm::Tres(f)) if !f.payment_methods.is_empty()),
            declares_authentication: matches!(&form, Some(AnyForm::Uno(f)) if f.authentication_integrated),
        };
        let forms = &mut cases[i].forms;
        forms.retain(|f| f.anexo != number);
        forms.push(latest);
    }
    Ok(cases)
}

/// The due times an administrator set, each for an activity of one version
/// of a procedure; the defaults elsewhere.
#[derive(Clone, Debug, Default)]
pub struct DueTimes(HashMap<(String, u16, ActivityNumber), i64>);

impl DueTimes {
    pub async fn load(db: &Db) -> Result<DueTimes, ApiError> {
        Ok(DueTimes(
            db.due_times()
                .await?
                .into_iter()
                .filter_map(|(procedure, version, activity, due_ms)| {
                    let key = (
                        procedure,
                        u16::try_from(version).ok()?,
                        ActivityNumber::try_from(activity).ok()?,
                    );
                    Some((key, due_ms))
                })
                .collect(),
        ))
    }

    fn set(&self, procedure: &Procedure, number: ActivityNumber) -> Option<i64> {
        self.0
            .get(&(procedure.code.to_owned(), procedure.version, number))
            .copied()
    }

    pub fn of(&self, procedure: &Procedure, number: ActivityNumber) -> i64 {
        self.set(procedure, number)
            .unwrap_or_else(|| default_due(procedure, number))
    }

    pub fn is_set(&self, procedure: &Procedure, number: ActivityNumber) -> bool {
        self.set(procedure, number).is_some()
    }
}

pub fn default_due(procedure: &Procedure, number: ActivityNumber) -> i64 {
    procedure
        .activity(number)
        .map_or(default_due_ms(&[]), |a| default_due_ms(a.roles))
}

/// The least time between two computations after changes, however
/// quick they are; slower computations space themselves out more.
const MIN_PACE: Duration = Duration::from_secs(5);

/// Figures this quick to compute are computed again when asked for after a
/// change; slower ones are served as they are while they are computed in the
/// background.
const CURRENT_WHEN_CHEAPER_THAN: Duration = Duration::from_millis(200);

/// How long one server may take to compute the figures before another one
/// may try instead.
const LEASE: Duration = Duration::from_secs(120);

/// The figures as stored for every server.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredFigures {
    stats: Stats,
    integrations: IntegrationStats,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The latest figures, the same whichever server answers: one server at a
/// time computes them (it holds a lease in the database), stores them and
/// tells the others, which read what it stored. Changes on any server mark
/// them stale (through the live stream); while someone watches the
/// dashboard they are computed again at a pace the computation's own cost
/// sets, then announced to the watchers.
pub struct StatsCache {
    db: Db,
    snapshot: RwLock<Option<Snapshot>>,
    refreshing: AtomicBool,
    /// The live epoch when the snapshot was taken: any change this server
    /// made or heard of since makes it stale.
    seen_epoch: AtomicU64,
    /// How long the last computation took.
    cost: RwLock<Duration>,
    first: tokio::sync::Mutex<()>,
    /// `generated_at` of the latest figures, for the dashboard's stream.
    refreshed: watch::Sender<i64>,
}

impl StatsCache {
    /// The cache, which straight away reads the stored figures (or computes
    /// the first ones) so that the first visitor does not wait.
    pub fn new(db: Db) -> Arc<StatsCache> {
        let cache = Arc::new(StatsCache {
            db,
            snapshot: RwLock::new(None),
            refreshing: AtomicBool::new(false),
            seen_epoch: AtomicU64::new(0),
            cost: RwLock::new(Duration::ZERO),
            first: tokio::sync::Mutex::new(()),
            refreshed: watch::channel(0).0,
        });
        follow_changes(&cache);
        follow_stored(&cache);
        let warming = cache.clone();
        tokio::spawn(async move {
            match warming.first_snapshot().await {
                Ok(snapshot) if age(&snapshot) > FRESH_FOR => warming.refresh_in_background(),
                Ok(_) => {}
                Err(error) => tracing::warn!(?error, "reading the dashboard's figures"),
            }
        });
        cache
    }

    /// Told each time the figures were computed again.
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.refreshed.subscribe()
    }

    fn cached(&self) -> Option<Snapshot> {
        self.snapshot.read().ok()?.clone()
    }

    fn cached_at(&self) -> i64 {
        self.cached().map_or(0, |s| s.stats.generated_at)
    }

    /// Keeps `fresh` unless newer figures are kept already, and tells the
    /// dashboard's watchers.
    fn keep(&self, fresh: Snapshot) {
        let generated_at = fresh.stats.generated_at;
        if let Ok(mut snapshot) = self.snapshot.write() {
            if snapshot
                .as_ref()
                .is_some_and(|s| s.stats.generated_at >= generated_at)
            {
                return;
            }
            *snapshot = Some(fresh);
        }
        self.refreshed.send_replace(generated_at);
    }

    /// Every change until now is in the figures about to be taken.
    fn mark_seen(&self) {
        self.seen_epoch
            .store(self.db.live().epoch(), Ordering::Release);
    }

    /// Something changed since the figures were taken.
    fn is_stale(&self) -> bool {
        self.seen_epoch.load(Ordering::Acquire) != self.db.live().epoch()
    }

    fn cost(&self) -> Duration {
        self.cost.read().map_or(Duration::ZERO, |c| *c)
    }

    /// How long to wait between computations after changes.
    fn pace(&self) -> Duration {
        MIN_PACE.max(self.cost() * 5)
    }

    /// Computes the figures now, keeps them and stores them for the other
    /// servers.
    async fn compute_and_store(&self) -> Result<Snapshot, ApiError> {
        self.mark_seen();
        let started = Instant::now();
        let fresh = compute(&self.db).await?;
        let cost = started.elapsed();
        tracing::info!(ms = cost.as_millis(), "dashboard figures computed");
        if let Ok(mut kept) = self.cost.write() {
            *kept = cost;
        }
        self.keep(fresh.clone());
        let stored = serde_json::to_string(&StoredFigures {
            stats: (*fresh.stats).clone(),
            integrations: (*fresh.integrations).clone(),
        })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        self.db
            .store_figures(fresh.stats.generated_at, &stored)
            .await?;
        Ok(fresh)
    }

    /// Reads the figures some server stored, if newer than the kept ones.
    async fn load_stored(&self) -> Result<Option<Snapshot>, ApiError> {
        let Some((generated_at, figures)) = self.db.stored_figures().await? else {
            return Ok(None);
        };
        if generated_at > self.cached_at() {
            match serde_json::from_str::<StoredFigures>(&figures) {
                Ok(stored) => {
                    self.mark_seen();
                    self.keep(Snapshot {
                        stats: Arc::new(stored.stats),
                        integrations: Arc::new(stored.integrations),
                    });
                }
                // Written by another version of the app: compute anew.
                Err(error) => {
                    tracing::warn!(%error, "stored dashboard figures unreadable");
                    return Ok(None);
                }
            }
        }
        Ok(self.cached())
    }

    /// The kept figures, else the stored ones, else computed now; one at a
    /// time, so that the first visitors wait for one computation together.
    async fn first_snapshot(&self) -> Result<Snapshot, ApiError> {
        let _only_one = self.first.lock().await;
        if let Some(snapshot) = self.cached() {
            return Ok(snapshot);
        }
        match self.load_stored().await? {
            Some(snapshot) => Ok(snapshot),
            None => self.compute_and_store().await,
        }
    }

    /// Computes the figures again in the background, unless that is under
    /// way already here or on another server (which will tell).
    fn refresh_in_background(self: &Arc<Self>) {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let now = now_ms();
            let refreshed = match this.db.lease_figures(now, now + millis(LEASE)).await {
                Ok(true) => this.compute_and_store().await.map(drop),
                Ok(false) => Ok(()),
                Err(error) => Err(error),
            };
            if let Err(error) = refreshed {
                tracing::warn!(?error, "refreshing the dashboard's figures");
            }
            this.refreshing.store(false, Ordering::Release);
        });
    }

    /// Fresh figures at once; stale ones at once too, while new ones are
    /// computed in the background; the very first are read or computed on
    /// the spot.
    pub async fn get(self: &Arc<Self>) -> Result<Arc<Stats>, ApiError> {
        Ok(self.snapshot().await?.stats)
    }

    /// PR09's lists whole, for the CSV downloads.
    pub async fn integrations(self: &Arc<Self>) -> Result<Arc<IntegrationStats>, ApiError> {
        Ok(self.snapshot().await?.integrations)
    }

    async fn snapshot(self: &Arc<Self>) -> Result<Snapshot, ApiError> {
        let Some(mut snapshot) = self.cached() else {
            return self.first_snapshot().await;
        };
        // Another server may have stored newer figures: a one-row read.
        if self.db.stored_figures_at().await? > snapshot.stats.generated_at {
            if let Some(stored) = self.load_stored().await? {
                snapshot = stored;
            }
        }
        let stale = self.is_stale();
        let age = age(&snapshot);
        // Quick figures are never served older than promised, nor missing a
        // change; slow ones are served at once while new ones are computed
        // (the dashboard then says how old they are, and swaps them in).
        let cost = self.cost();
        let cheap = cost <= CURRENT_WHEN_CHEAPER_THAN;
        if (stale && cheap) || (age > FRESH_FOR && cheap && cost > Duration::ZERO) {
            return self.current_snapshot().await;
        }
        if (stale && age > self.pace()) || age > FRESH_FOR {
            self.refresh_in_background();
        }
        Ok(snapshot)
    }

    /// Figures with every change so far and younger than promised, computed
    /// now if need be; one computation at a time, the others wait for it.
    async fn current_snapshot(&self) -> Result<Snapshot, ApiError> {
        let _only_one = self.first.lock().await;
        match self.cached() {
            Some(snapshot) if !self.is_stale() && age(&snapshot) <= FRESH_FOR => Ok(snapshot),
            _ => self.compute_and_store().await,
        }
    }
}

/// How long ago the figures were computed.
fn age(snapshot: &Snapshot) -> Duration {
    let ms = now_ms().saturating_sub(snapshot.stats.generated_at).max(0);
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// After each change, while the dashboard is watched, computes the figures
/// again once the pace allows.
fn follow_changes(cache: &Arc<StatsCache>) {
    let weak = Arc::downgrade(cache);
    let mut changes = cache.db.live().subscribe();
    tokio::spawn(async move {
        loop {
            if let Err(tokio::sync::broadcast::error::RecvError::Closed) = changes.recv().await {
                return;
            }
            let Some(cache) = weak.upgrade() else {
                return;
            };
            let watched = cache.refreshed.receiver_count() > 0;
            let Some(snapshot) = cache.cached() else {
                continue;
            };
            if watched {
                let wait = cache.pace().saturating_sub(age(&snapshot));
                drop(cache);
                tokio::time::sleep(wait).await;
                if let Some(cache) = weak.upgrade() {
                    if cache.is_stale() {
                        cache.refresh_in_background();
                    }
                }
            }
        }
    });
}

/// Reads the figures another server stored as soon as it says so.
fn follow_stored(cache: &Arc<StatsCache>) {
    let weak = Arc::downgrade(cache);
    let mut stored = cache.db.live().figures();
    tokio::spawn(async move {
        while stored.changed().await.is_ok() {
            let generated_at = *stored.borrow_and_update();
            let Some(cache) = weak.upgrade() else {
                return;
            };
            if generated_at > cache.cached_at() {
                if let Err(error) = cache.load_stored().await {
                    tracing::warn!(?error, "reading the dashboard's stored figures");
                }
            }
        }
    });
}
