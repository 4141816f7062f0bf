//! Persistence, by aggregate (accounts and sessions, entities, case events,
//! case queries, forms, due times, the dashboard's figures), on one of two
//! backends: SQLite, the embedded default, or PostgreSQL for several
//! servers. The SQL is written once in `sql/` and compiled per backend
//! (`sqlite.rs`, `postgres.rs`, each with the little that differs); [`Db`]
//! is what the rest of the app holds, and it does not say which one runs.
//! The store holds SQL only: who may do what, and what a change is, are
//! decided above it.

mod postgres;
mod sqlite;

pub use crate::notifications::FailedMail;
pub use sqlite::sql::files::not_pending;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::{OsRng, RngCore};

use super::error::ApiError;
use super::live::Live;
use crate::accounts::{AccountRow, Entity, EntityRow};
use crate::cases::{
    CaseChanged, CaseEntity, CaseKey, CaseStatus, CaseSummary, HistoryEntry, HistoryEvent,
    InboxItem, InboxKey, InboxPart,
};
use crate::documents::FileInfo;
use crate::domain::access::Actor;
use crate::domain::derivation::{DeadlinePolicy, MailPreference, Notice, NoticeKind};
use crate::domain::engine::CaseState;
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::Role;
use crate::forms::Anexo;
use crate::identity::{AccessRequest, CitizenProfile};
use crate::paging::PageQuery;
use crate::portal::CaseLink;

/// A random 128-bit identifier, hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The database the app runs on, and the stream of its changes.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    live: Live,
    totals: Totals,
    /// Notices are mailed (an SMTP server is configured).
    mail: bool,
}

/// The totals of lists, kept until this server makes or hears of the next
/// change: many people paging through the same lists count them once per
/// change rather than once per page.
#[derive(Clone, Debug, Default)]
struct Totals(Arc<Mutex<HashMap<String, (u64, i64)>>>);

/// Totals kept at most; more and they are all forgotten.
const TOTALS_KEPT: usize = 1024;

impl Totals {
    async fn get_or_count(
        &self,
        key: String,
        live: &Live,
        count: impl std::future::Future<Output = Result<i64, ApiError>>,
    ) -> Result<i64, ApiError> {
        let epoch = live.epoch();
        let kept = self
            .0
            .lock()
            .ok()
            .and_then(|totals| totals.get(&key).copied());
        if let Some((counted_at, total)) = kept {
            if counted_at == epoch {
                return Ok(total);
            }
        }
        let total = count.await?;
        if let Ok(mut totals) = self.0.lock() {
            if totals.len() >= TOTALS_KEPT {
                totals.clear();
            }
            totals.insert(key, (epoch, total));
        }
        Ok(total)
    }
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Why the database could not be opened.
#[derive(Debug)]
pub enum ConnectError {
    UnknownScheme(String),
    Database(sqlx::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::UnknownScheme(url) => write!(
                f,
                "DATABASE_URL «{url}» no es una base de datos conocida: use sqlite://ruta/archivo.db o postgres://usuario@servidor:5432/base"
            ),
            ConnectError::Database(error) => write!(f, "no se pudo abrir la base de datos: {error}"),
        }
    }
}

impl std::error::Error for ConnectError {}

impl From<sqlx::Error> for ConnectError {
    fn from(error: sqlx::Error) -> ConnectError {
        ConnectError::Database(error)
    }
}

impl From<sqlx::migrate::MigrateError> for ConnectError {
    fn from(error: sqlx::migrate::MigrateError) -> ConnectError {
        ConnectError::Database(error.into())
    }
}

/// Runs `$module::$function(pool, args…)` on whichever backend `db` holds.
macro_rules! on_backend {
    ($db:expr, $module:ident :: $function:ident ( $($arg:expr),* $(,)? )) => {
        match &$db.backend {
            Backend::Sqlite(pool) => sqlite::sql::$module::$function(pool, $($arg),*).await,
            Backend::Postgres(pool) => postgres::sql::$module::$function(pool, $($arg),*).await,
        }
    };
}

impl Db {
    /// Opens (creating and migrating) the database `url` names:
    /// `sqlite:…` or `postgres:…`/`postgresql:…`; any other scheme is
    /// refused.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        let live = Live::default();
        let backend = match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Backend::Sqlite(sqlite::connect(url).await?),
            Some("postgres" | "postgresql") => {
                let pool = postgres::connect(url).await?;
                postgres::listen(pool.clone(), live.clone());
                Backend::Postgres(pool)
            }
            _ => return Err(ConnectError::UnknownScheme(url.to_owned())),
        };
        Ok(Db {
            backend,
            live,
            totals: Totals::default(),
            mail: false,
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Tells the open pages of every server about a committed change.
    fn committed(&self, mut changed: CaseChanged) {
        self.live.count_committed_here();
        let notified = std::mem::take(&mut changed.notified);
        match self.backend {
            Backend::Sqlite(_) => sqlite::after_commit(&self.live, changed),
            Backend::Postgres(_) => postgres::after_commit(&self.live, changed),
        }
        self.notified(notified);
    }

    /// Tells the open pages of every server that these people have new
    /// notices.
    fn notified(&self, people: Vec<String>) {
        if people.is_empty() {
            return;
        }
        match self.backend {
            Backend::Sqlite(_) => sqlite::after_notices(&self.live, people),
            Backend::Postgres(_) => postgres::after_notices(&self.live, people),
        }
    }

    /// The dashboard figures some server stored last, as JSON, and when
    /// they were computed.
    pub async fn stored_figures(&self) -> Result<Option<(i64, String)>, ApiError> {
        on_backend!(self, figures::stored_figures())
    }

    pub async fn stored_figures_at(&self) -> Result<i64, ApiError> {
        on_backend!(self, figures::stored_figures_at())
    }

    /// Whether this server may compute the figures now (no other server
    /// does); the lease lapses at `until` if it never stores them.
    pub async fn lease_figures(&self, now: i64, until: i64) -> Result<bool, ApiError> {
        on_backend!(self, figures::lease_figures(now, until))
    }

    /// Stores computed figures for every server (unless newer ones are
    /// there) and tells them.
    pub async fn store_figures(&self, generated_at: i64, figures: &str) -> Result<(), ApiError> {
        if on_backend!(self, figures::store_figures(generated_at, figures))? {
            match self.backend {
                Backend::Sqlite(_) => sqlite::after_figures(&self.live, generated_at),
                Backend::Postgres(_) => postgres::after_figures(&self.live, generated_at),
            }
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), ApiError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Backend::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }?;
        Ok(())
    }

    // Accounts and sessions.

    pub async fn find_user_by_id(&self, id: &str) -> Result<Option<User>, ApiError> {
        on_backend!(self, accounts::find_user_by_id(id))
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, ApiError> {
        let email = email.trim().to_lowercase();
        on_backend!(self, accounts::find_user_by_email(&email))
    }

    /// By the identity card number, canonical.
    pub async fn find_user_by_ci(&self, ci_number: &str) -> Result<Option<User>, ApiError> {
        on_backend!(self, accounts::find_user_by_ci(ci_number))
    }

    /// By Ciudadanía Digital's subject.
    pub async fn find_user_by_subject(&self, subject: &str) -> Result<Option<User>, ApiError> {
        on_backend!(self, accounts::find_user_by_subject(subject))
    }

    /// `None` when the e-mail, the identity card or the subject is taken.
    pub async fn create_user(&self, user: NewUser<'_>) -> Result<Option<User>, ApiError> {
        let id = user.id.map_or_else(new_id, str::to_owned);
        let email = user.email.map(|email| email.trim().to_lowercase());
        let user = NewUser {
            email: email.as_deref(),
            ..user
        };
        let now = crate::domain::calendar::now_ms();
        if !on_backend!(self, accounts::create_user(&id, &user, now))? {
            return Ok(None);
        }
        self.find_user_by_id(&id).await
    }

    // Sign-in through Ciudadanía Digital.

    /// Records an attempt and forgets those started before `expired_before`.
    pub async fn start_sign_in(
        &self,
        attempt: &SignInAttempt,
        expired_before: i64,
    ) -> Result<(), ApiError> {
        on_backend!(self, identities::start_sign_in(attempt, expired_before))
    }

    /// Takes (and so uses up) the attempt a `state` names.
    pub async fn take_sign_in(&self, state_hash: &str) -> Result<Option<SignInAttempt>, ApiError> {
        on_backend!(self, identities::take_sign_in(state_hash))
    }

    /// `false` when the account is linked to another subject already.
    pub async fn link_subject(
        &self,
        user_id: &str,
        subject: &str,
        profile: &CitizenProfile,
        audit: &AuditEntry,
    ) -> Result<bool, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            identities::link_subject(user_id, subject, profile, audit, now)
        )
    }

    pub async fn refresh_name(&self, user_id: &str, full_name: &str) -> Result<(), ApiError> {
        on_backend!(self, identities::refresh_name(user_id, full_name))
    }

    pub async fn record_access_request(
        &self,
        subject: &str,
        profile: &CitizenProfile,
        token_hash: &str,
    ) -> Result<AccessRequest, ApiError> {
        let now = crate::domain::calendar::now_ms();
        let id = new_id();
        on_backend!(
            self,
            identities::record_access_request(&id, subject, profile, token_hash, now)
        )
    }

    pub async fn access_request_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<AccessRequest>, ApiError> {
        on_backend!(self, identities::access_request_by_token(token_hash))
    }

    pub async fn access_request(&self, id: &str) -> Result<Option<AccessRequest>, ApiError> {
        on_backend!(self, identities::access_request(id))
    }

    pub async fn complete_access_request(
        &self,
        token_hash: &str,
        claimed_entity: &str,
        note: Option<&str>,
    ) -> Result<Option<AccessRequest>, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            identities::complete_access_request(token_hash, claimed_entity, note, now)
        )
    }

    pub async fn pending_access_requests(&self) -> Result<Vec<AccessRequest>, ApiError> {
        on_backend!(self, identities::pending_access_requests())
    }

    /// Accepts a pending request, creating its account as `shape` says
    /// (roles, entity, administrator) with the person's identity.
    pub async fn accept_access_request(
        &self,
        request_id: &str,
        shape: &NewUser<'_>,
        decided_by: &str,
        audit: &AuditEntry,
    ) -> Result<Decision, ApiError> {
        let now = crate::domain::calendar::now_ms();
        let new_user_id = new_id();
        on_backend!(
            self,
            identities::accept_access_request(
                request_id,
                &new_user_id,
                shape,
                decided_by,
                audit,
                now
            )
        )
    }

    pub async fn reject_access_request(
        &self,
        request_id: &str,
        reason: &str,
        decided_by: &str,
        audit: &AuditEntry,
    ) -> Result<Decision, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            identities::reject_access_request(request_id, reason, decided_by, audit, now)
        )
    }

    pub async fn list_accounts(&self) -> Result<Vec<AccountRow>, ApiError> {
        on_backend!(self, accounts::list_accounts())
    }

    pub async fn set_user_access(
        &self,
        user_id: &str,
        roles: &[Role],
        is_admin: bool,
        audit: &AuditEntry,
    ) -> Result<AccountChange, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            accounts::set_user_access(user_id, roles, is_admin, audit, now)
        )
    }

    pub async fn set_user_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        audit: &AuditEntry,
    ) -> Result<AccountChange, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            accounts::set_user_disabled(user_id, disabled, audit, now)
        )
    }

    /// Stores a new password hash and records it: `must_change` (a reset)
    /// ends every session, otherwise all but `keeping`.
    pub async fn set_password(
        &self,
        user_id: &str,
        hash: &str,
        must_change: bool,
        keeping: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<AccountChange, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(
            self,
            accounts::set_password(user_id, hash, must_change, keeping, audit, now)
        )
    }

    pub async fn create_session(&self, session: &NewSession<'_>) -> Result<(), ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, accounts::create_session(session, now))
    }

    pub async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        must_change: bool,
    ) -> Result<(), ApiError> {
        on_backend!(
            self,
            accounts::set_password_hash(user_id, hash, must_change)
        )
    }

    pub async fn end_sessions(&self, user_id: &str, audit: &AuditEntry) -> Result<u64, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, accounts::end_sessions(user_id, audit, now))
    }

    pub async fn sign_in_locked_until(&self, keys: &[String]) -> Result<i64, ApiError> {
        on_backend!(self, accounts::sign_in_locked_until(keys))
    }

    pub async fn record_sign_in_failure(
        &self,
        key: &str,
        now: i64,
        counting_since: i64,
        lock: &(dyn Fn(i64) -> i64 + Sync),
    ) -> Result<i64, ApiError> {
        on_backend!(
            self,
            accounts::record_sign_in_failure(key, now, counting_since, lock)
        )
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<(), ApiError> {
        on_backend!(self, accounts::clear_sign_in_failures(key))
    }

    pub async fn sweep_sign_in_failures(&self, before: i64, now: i64) -> Result<(), ApiError> {
        on_backend!(self, accounts::sweep_sign_in_failures(before, now))
    }

    /// Whether this database was made for demo mode (decided on its first
    /// start by `demo`).
    pub async fn claim_instance(&self, demo: bool) -> Result<bool, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, accounts::claim_instance(demo, now))
    }

    pub async fn find_session(&self, token_hash: &str) -> Result<Option<Session>, ApiError> {
        on_backend!(self, accounts::find_session(token_hash))
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), ApiError> {
        on_backend!(self, accounts::touch_session(token_hash, now))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), ApiError> {
        on_backend!(self, accounts::delete_session(token_hash))
    }

    // The audit log.

    pub async fn audit(&self, entry: &AuditEntry) -> Result<(), ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, audit::append(entry, now))
    }

    pub async fn audit_log(
        &self,
        filter: &crate::audit::AuditFilter,
        limit: i64,
    ) -> Result<Vec<crate::audit::AuditRow>, ApiError> {
        on_backend!(self, audit::list(filter, limit))
    }

    // Entities.

    /// `None` when the code is taken.
    pub async fn create_entity(
        &self,
        id: Option<&str>,
        name: &str,
        code: &str,
    ) -> Result<Option<Entity>, ApiError> {
        let entity = Entity {
            id: id.map_or_else(new_id, str::to_owned),
            name: name.trim().to_owned(),
            code: code.trim().to_uppercase(),
        };
        let now = crate::domain::calendar::now_ms();
        Ok(on_backend!(self, entities::create_entity(&entity, now))?.then_some(entity))
    }

    pub async fn find_entity(&self, id: &str) -> Result<Option<Entity>, ApiError> {
        on_backend!(self, entities::find_entity(id))
    }

    pub async fn list_entities(&self) -> Result<Vec<Entity>, ApiError> {
        on_backend!(self, entities::list_entities())
    }

    pub async fn list_entity_rows(&self) -> Result<Vec<EntityRow>, ApiError> {
        on_backend!(self, entities::list_entity_rows())
    }

    // Case events: the one path by which a case changes.

    /// Opens a case; returns its reference.
    pub async fn open_case(&self, case: &NewCase<'_>) -> Result<String, ApiError> {
        let (reference, opened) = on_backend!(self, case_events::open(case, self.mail))?;
        self.committed(opened);
        Ok(reference)
    }

    /// Appends an event to a case; `false` when the case is no longer at
    /// the version the change was decided on (nothing is written).
    pub async fn append(&self, change: &CaseChange<'_>) -> Result<bool, ApiError> {
        let changed = on_backend!(self, case_events::append(change, self.mail))?;
        Ok(changed.map(|changed| self.committed(changed)).is_some())
    }

    // Notices and their mail.

    /// The same database, queueing mail for the notices (an SMTP server is
    /// configured) or not.
    pub fn sending_mail(mut self, mail: bool) -> Db {
        self.mail = mail;
        self
    }

    pub async fn notifications(
        &self,
        user_id: &str,
        limit: i64,
    ) -> Result<crate::notifications::NotificationList, ApiError> {
        on_backend!(self, notifications::list(user_id, limit))
    }

    /// Everyone who may hold an activity of `roles` in case `case_id`, by
    /// name; of the entities' accounts, only those of `of_entity` when
    /// given (an entity never learns who another entity's people are).
    pub async fn holders(
        &self,
        case_id: &str,
        roles: &'static [Role],
        of_entity: Option<&str>,
    ) -> Result<Vec<crate::notifications::Candidate>, ApiError> {
        on_backend!(self, notifications::holders(case_id, roles, of_entity))
    }

    pub async fn unread_notifications(&self, user_id: &str) -> Result<i64, ApiError> {
        on_backend!(self, notifications::unread(user_id))
    }

    /// Marks one notice of the person read, or all (`None`); whether the
    /// notice is theirs.
    pub async fn mark_read(&self, user_id: &str, id: Option<&str>) -> Result<bool, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, notifications::mark_read(user_id, id, now))
    }

    pub async fn mail_preference(&self, user_id: &str) -> Result<MailPreference, ApiError> {
        on_backend!(self, notifications::mail_preference(user_id))
    }

    pub async fn set_mail_preference(
        &self,
        user_id: &str,
        preference: MailPreference,
    ) -> Result<(), ApiError> {
        on_backend!(
            self,
            notifications::set_mail_preference(user_id, preference)
        )
    }

    /// Records the deadline notices reached by `now` (see
    /// `notifications::deadline_notices`) and tells the people notified.
    pub async fn deadline_notices(
        &self,
        now: i64,
        dues: &[(&'static Procedure, ActivityNumber, i64)],
        policy: &DeadlinePolicy,
        notices_for: DeadlineAddressees<'_>,
    ) -> Result<usize, ApiError> {
        let notified = on_backend!(
            self,
            notifications::deadline_notices(now, dues, policy, notices_for, self.mail)
        )?;
        let count = notified.len();
        self.notified(notified);
        Ok(count)
    }

    pub async fn queue_digests(&self, cutoff: i64, now: i64) -> Result<u64, ApiError> {
        on_backend!(self, notifications::queue_digests(cutoff, now))
    }

    /// Sends the next mail due, if any; `None` when none is due, else
    /// whether it was sent.
    pub async fn deliver_next_mail(
        &self,
        now: i64,
        send: MailSender<'_>,
    ) -> Result<Option<bool>, ApiError> {
        on_backend!(self, notifications::deliver_next(now, send))
    }

    pub async fn next_mail_at(&self) -> Result<Option<i64>, ApiError> {
        on_backend!(self, notifications::next_mail_at())
    }

    pub async fn failed_mail(&self, limit: i64) -> Result<Vec<FailedMail>, ApiError> {
        on_backend!(self, notifications::failed_mail(limit))
    }

    pub async fn retry_mail(&self, id: &str) -> Result<bool, ApiError> {
        let now = crate::domain::calendar::now_ms();
        on_backend!(self, notifications::retry_mail(id, now))
    }

    /// Writes cases with their whole past through the same path, in one
    /// transaction (seeding for measurements); announces nothing.
    pub async fn replay(
        &self,
        cases: &[(NewCase<'_>, Vec<CaseChange<'_>>)],
    ) -> Result<(), ApiError> {
        on_backend!(self, case_events::replay(cases))
    }

    // Files.

    /// Records uploads whose contents are stored, as pending files.
    pub async fn record_uploads(
        &self,
        files: &[NewFile<'_>],
        ensure_stored: EnsureStored<'_>,
    ) -> Result<(), ApiError> {
        on_backend!(self, files::record_uploads(files, ensure_stored))
    }

    pub async fn find_file(&self, id: &str) -> Result<Option<FileRecord>, ApiError> {
        on_backend!(self, files::find_file(id))
    }

    /// A case's attached files, and `user_id`'s pending ones.
    pub async fn case_files(
        &self,
        case_id: &str,
        user_id: &str,
    ) -> Result<Vec<FileRecord>, ApiError> {
        on_backend!(self, files::case_files(case_id, user_id))
    }

    pub async fn submission_files(&self, submission_id: &str) -> Result<Vec<FileInfo>, ApiError> {
        on_backend!(self, files::submission_files(submission_id))
    }

    pub async fn forget_pending_files(&self, before: i64) -> Result<u64, ApiError> {
        on_backend!(self, files::forget_pending(before))
    }

    pub async fn unreferenced_blobs(
        &self,
        before: i64,
        limit: i64,
    ) -> Result<Vec<String>, ApiError> {
        on_backend!(self, files::unreferenced_blobs(before, limit))
    }

    pub async fn known_blobs(&self) -> Result<Vec<String>, ApiError> {
        on_backend!(self, files::known_blobs())
    }

    /// Removes an unreferenced content's row while `remove` deletes it
    /// from the store; whether it was removed.
    pub async fn remove_blob(
        &self,
        sha256: &str,
        before: i64,
        remove: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), ApiError>> + Send + '_>,
        >,
    ) -> Result<bool, ApiError> {
        on_backend!(self, files::remove_blob(sha256, before, remove))
    }

    // Case queries.

    pub async fn find_case(&self, id: &str) -> Result<Option<CaseRecord>, ApiError> {
        on_backend!(self, case_queries::find_case(id))
    }

    /// Each current activity `(activity, since, assignee id, assignee name)`.
    pub async fn current_since(
        &self,
        id: &str,
    ) -> Result<Vec<(i64, i64, Option<String>, Option<String>)>, ApiError> {
        on_backend!(self, case_queries::current_since(id))
    }

    pub async fn history(&self, id: &str) -> Result<Vec<HistoryEntry>, ApiError> {
        on_backend!(self, case_queries::history(id))
    }

    /// The next `limit` cases `query` asks for after `after`, oldest
    /// opened first.
    pub async fn export_cases(
        &self,
        query: &CaseQuery<'_>,
        after: Option<&CaseKey>,
        limit: i64,
    ) -> Result<Vec<ExportedCase>, ApiError> {
        on_backend!(self, case_queries::export_cases(query, after, limit))
    }

    /// The histories of `ids`, in order, without their files.
    pub async fn histories(&self, ids: &[String]) -> Result<Vec<(String, HistoryEntry)>, ApiError> {
        on_backend!(self, case_queries::histories(ids))
    }

    pub async fn list_cases(
        &self,
        query: &CaseQuery<'_>,
        page: &PageQuery<CaseKey>,
    ) -> Result<Vec<CaseSummary>, ApiError> {
        on_backend!(self, case_queries::list_cases(query, page))
    }

    pub async fn count_cases(&self, query: &CaseQuery<'_>) -> Result<i64, ApiError> {
        let count = async { on_backend!(self, case_queries::count_cases(query)) };
        self.totals
            .get_or_count(format!("cases {}", query.key()), &self.live, count)
            .await
    }

    pub async fn inbox(
        &self,
        actor: &Actor,
        part: InboxPart,
        page: &PageQuery<InboxKey>,
    ) -> Result<Vec<InboxItem>, ApiError> {
        on_backend!(self, case_queries::inbox(actor, part, page))
    }

    pub async fn count_inbox(&self, actor: &Actor, part: InboxPart) -> Result<i64, ApiError> {
        let count = async { on_backend!(self, case_queries::count_inbox(actor, part)) };
        self.totals
            .get_or_count(format!("inbox {actor:?} {part:?}"), &self.live, count)
            .await
    }

    // Forms.

    pub async fn draft(
        &self,
        entity_id: &str,
        anexo: Anexo,
    ) -> Result<Option<(String, i64)>, ApiError> {
        on_backend!(self, forms::draft(entity_id, anexo))
    }

    pub async fn drafts(&self, entity_id: &str) -> Result<Vec<(String, String, i64)>, ApiError> {
        on_backend!(self, forms::drafts(entity_id))
    }

    pub async fn save_draft(
        &self,
        entity_id: &str,
        anexo: Anexo,
        data: &str,
        user_id: &str,
        now: i64,
    ) -> Result<(), ApiError> {
        on_backend!(
            self,
            forms::save_draft(entity_id, anexo, data, user_id, now)
        )
    }

    /// Whether the entity has a sent `anexo` that was not returned.
    pub async fn sent_and_kept(&self, entity_id: &str, anexo: Anexo) -> Result<bool, ApiError> {
        on_backend!(self, forms::sent_and_kept(entity_id, anexo))
    }

    pub async fn open_pr6_case(&self, entity_id: &str) -> Result<Option<CaseLink>, ApiError> {
        on_backend!(self, forms::open_pr6_case(entity_id))
    }

    pub async fn submit_form(&self, form: &FormSubmission<'_>) -> Result<SubmitOutcome, ApiError> {
        let outcome = on_backend!(self, forms::submit(form))?;
        if let SubmitOutcome::Sent(changed) = &outcome {
            self.committed(changed.clone());
        }
        Ok(outcome)
    }

    pub async fn return_form(&self, back: &FormReturn<'_>) -> Result<ReturnOutcome, ApiError> {
        let outcome = on_backend!(self, forms::return_submission(back))?;
        if let ReturnOutcome::Returned(changed) = &outcome {
            self.committed(changed.clone());
        }
        Ok(outcome)
    }

    pub async fn find_submission(&self, id: &str) -> Result<Option<SubmissionRow>, ApiError> {
        on_backend!(self, forms::find_submission(id))
    }

    pub async fn submissions(
        &self,
        case_id: Option<&str>,
        entity_id: Option<&str>,
    ) -> Result<Vec<SubmissionRow>, ApiError> {
        on_backend!(self, forms::submissions(case_id, entity_id))
    }

    // Due times and the dashboard's figures.

    /// Every due time set, as `(procedure, version, activity, due_ms)`.
    pub async fn due_times(&self) -> Result<Vec<(String, i64, i64, i64)>, ApiError> {
        on_backend!(self, due_times::due_times())
    }

    pub async fn set_due_times(
        &self,
        procedure: &Procedure,
        due_ms: &[(ActivityNumber, Option<i64>)],
    ) -> Result<(), ApiError> {
        on_backend!(self, due_times::set_due_times(procedure, due_ms))
    }

    pub async fn case_figures(&self) -> Result<CaseFigures, ApiError> {
        on_backend!(self, figures::case_figures())
    }

    pub async fn pr6_figures(&self) -> Result<Pr6Figures, ApiError> {
        on_backend!(self, figures::pr6_figures())
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The provider's ID token, for a session opened through it.
    pub id_token: Option<String>,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    /// `None` for a person registered by identity card only.
    pub email: Option<String>,
    /// `None`: no local password (signs in with Ciudadanía Digital).
    pub password_hash: Option<String>,
    pub entity_id: Option<String>,
    pub is_admin: bool,
    pub roles: BTreeSet<Role>,
    /// Refused at sign-in and by every session.
    pub disabled: bool,
    /// Must choose a new password before anything else (after a reset).
    pub must_change_password: bool,
    /// A demo account: signs in only while the app runs in demo mode.
    pub demo: bool,
    /// The identity card number, canonical (`4789123-1A LP`).
    pub ci_number: Option<String>,
    /// The name Ciudadanía Digital gave at the last sign-in.
    pub full_name: Option<String>,
}

impl User {
    pub fn new(
        id: String,
        email: Option<String>,
        entity_id: Option<String>,
        is_admin: bool,
        mut roles: BTreeSet<Role>,
    ) -> User {
        if entity_id.is_some() {
            // An entity's account acts as the entity, and as nothing else.
            roles = BTreeSet::from([Role::Entidad]);
        }
        User {
            id,
            email,
            password_hash: None,
            entity_id,
            is_admin,
            roles,
            disabled: false,
            must_change_password: false,
            demo: false,
            ci_number: None,
            full_name: None,
        }
    }

    /// How the app names the person: the name Ciudadanía Digital gave,
    /// else the e-mail, else the identity card.
    pub fn label(&self) -> String {
        person_label(
            self.full_name.as_deref(),
            self.email.as_deref(),
            self.ci_number.as_deref(),
        )
    }

    /// The account as the pages and the API show it.
    pub fn account(&self) -> crate::accounts::Account {
        crate::accounts::Account {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.label(),
            ci_number: self.ci_number.clone(),
            roles: self.roles.iter().copied().collect(),
            entity_id: self.entity_id.clone(),
            is_admin: self.is_admin,
            must_change_password: self.must_change_password,
            has_password: self.password_hash.is_some(),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            roles: self.roles.clone(),
            entity_id: self.entity_id.clone(),
            is_admin: self.is_admin,
            person: Some(self.id.clone()),
        }
    }
}

/// One rule for naming a person (the queries' `person_label!` says it in SQL).
pub fn person_label(full_name: Option<&str>, email: Option<&str>, ci: Option<&str>) -> String {
    full_name
        .or(email)
        .map(str::to_owned)
        .or_else(|| ci.map(|ci| format!("CI {ci}")))
        .unwrap_or_default()
}

pub struct NewUser<'a> {
    /// A fixed identifier (seeding); a random one when `None`.
    pub id: Option<&'a str>,
    pub email: Option<&'a str>,
    /// `None`: the person signs in only with Ciudadanía Digital.
    pub password_hash: Option<String>,
    /// Canonical, as `forms::rules::identity_card` writes it.
    pub ci_number: Option<&'a str>,
    pub full_name: Option<&'a str>,
    /// Ciudadanía Digital's subject, when it is already known.
    pub subject: Option<&'a str>,
    pub roles: &'a [Role],
    pub entity_id: Option<&'a str>,
    pub is_admin: bool,
    pub demo: bool,
}

/// How a change to an account went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChange {
    Done,
    NotFound,
    /// Refused: it would leave no administrator who can sign in.
    LastAdmin,
}

/// An entry to append to the audit log.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub event: crate::audit::AuditEvent,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub subject: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub detail: serde_json::Value,
}

impl AuditEntry {
    pub fn new(event: crate::audit::AuditEvent) -> AuditEntry {
        AuditEntry {
            event,
            actor_id: None,
            actor_email: None,
            subject: None,
            address: None,
            user_agent: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }

    /// Done by `user`.
    pub fn by(mut self, user: &User) -> AuditEntry {
        self.actor_id = Some(user.id.clone());
        self.actor_email = Some(user.label());
        self
    }

    /// Tried by whoever typed `email` (an account that may not exist), or
    /// whom Ciudadanía Digital vouched for.
    pub fn typed_by(mut self, email: &str) -> AuditEntry {
        self.actor_email = Some(email.to_owned());
        self
    }

    /// Done to `subject` (an account's e-mail, an entity, a procedure).
    pub fn about(mut self, subject: impl Into<String>) -> AuditEntry {
        self.subject = Some(subject.into());
        self
    }

    pub fn from_client(
        mut self,
        address: Option<String>,
        user_agent: Option<String>,
    ) -> AuditEntry {
        self.address = address;
        self.user_agent = user_agent;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> AuditEntry {
        self.detail = detail;
        self
    }
}

/// How deciding a request went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Accepted: the new account's id; or rejected.
    Done(Option<String>),
    /// No pending request with that id (decided meanwhile, or none).
    NotPending,
    /// The identity card (or e-mail) already has an account.
    Taken,
}

/// A sign-in on its way through Ciudadanía Digital.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignInAttempt {
    /// The hash of the `state` sent to the provider.
    pub state_hash: String,
    /// The hash of the cookie of the browser that started it.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go afterwards (a path of this site).
    pub next: Option<String>,
    pub created_at: i64,
}

/// A session to open, and what to clear away with it.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: &'a str,
    /// The session the browser came with, ended in the same step.
    pub replacing: Option<&'a str>,
    /// Sessions kept per person, the newest.
    pub keep: i64,
    /// Sessions unused since before this, or opened before `opened_since`,
    /// have expired.
    pub idle_since: i64,
    pub opened_since: i64,
    /// The provider's ID token, for a session opened through Ciudadanía
    /// Digital: the hint its end-session endpoint asks for.
    pub id_token: Option<&'a str>,
}

/// A case as the export of the history names it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExportedCase {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    pub procedure_version: i64,
    /// Joined by [`crate::cases::ENTITY_NAME_SEPARATOR`] (empty for none).
    pub entity_names: String,
    pub opened_at: i64,
}

/// A case as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRecord {
    pub id: String,
    pub reference: String,
    pub procedure: String,
    /// The version of the procedure the case was opened under.
    pub procedure_version: i64,
    /// The entities it concerns, in the order named (read apart from the
    /// case's row).
    #[sqlx(skip)]
    pub entities: Vec<CaseEntity>,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    /// The engine's state, JSON.
    pub state: String,
    pub version: i64,
    pub ending: Option<String>,
    pub opened_at: i64,
    pub updated_at: i64,
}

impl CaseRecord {
    pub fn entity_ids(&self) -> Vec<&str> {
        self.entities.iter().map(|e| e.id.as_str()).collect()
    }
}

/// A new case, at the activities its procedure starts with.
pub struct NewCase<'a> {
    pub id: &'a str,
    pub procedure: &'static Procedure,
    /// The year in Bolivia, which numbers the reference.
    pub year: i64,
    /// The entities it concerns, in the order named.
    pub entity_ids: &'a [String],
    pub title: &'a str,
    pub state: &'a CaseState,
    pub current_since: Vec<(ActivityNumber, i64)>,
    pub opened_by: &'a str,
    pub at: i64,
    /// Told of the first activities (never to whoever opened the case).
    pub notices: Vec<Notice>,
}

/// One event appended to a case.
pub struct CaseChange<'a> {
    pub case_id: &'a str,
    /// The version the change was decided on; another is a conflict.
    pub expected_version: i64,
    pub at: i64,
    pub user_id: &'a str,
    pub role: Role,
    pub event: HistoryEvent,
    /// The activity completed, for a completion.
    pub activity: Option<ActivityNumber>,
    pub choice: Option<&'a str>,
    pub output: Option<&'a str>,
    pub output_reference: Option<&'a str>,
    pub comment: Option<&'a str>,
    /// How the engine moved the case, for a completion.
    pub step: Option<StateChange<'a>>,
    /// Pending uploads of the person this entry attaches.
    pub files: &'a [String],
    /// The sent form the attached files support.
    pub supports: Option<&'a str>,
    /// For a completion, whom the activities it derives go to; for an
    /// assignment, the activity's new holder (`None`: released).
    pub assignee: Option<&'a str>,
    /// The entity an [`HistoryEvent::EntityNamed`] adds to the case.
    pub entity: Option<&'a str>,
    /// Who is told of the change (never whoever made it).
    pub notices: Vec<Notice>,
}

/// Checks, while its blob row is held, that a content is in the file store
/// (storing it again if a sweep took it meanwhile).
pub type EnsureStored<'a> = &'a (dyn Fn(
    &str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>> + Send>>
         + Sync);

/// An upload whose content is in the file store, to be recorded.
pub struct NewFile<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub sha256: &'a str,
    pub size: i64,
    pub media_type: &'a str,
    pub name: &'a str,
    pub uploaded_by: &'a str,
    pub at: i64,
}

/// A file's row, with who uploaded it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileRecord {
    pub id: String,
    pub case_id: String,
    pub name: String,
    pub size: i64,
    pub media_type: String,
    pub sha256: String,
    /// The uploader's e-mail.
    pub uploaded_by: String,
    pub uploader_id: String,
    pub uploaded_at: i64,
    pub version: Option<i64>,
}

impl FileRecord {
    pub fn into_info(self) -> FileInfo {
        FileInfo {
            id: self.id,
            name: self.name,
            size: self.size,
            media_type: self.media_type,
            sha256: self.sha256,
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at,
            version: self.version,
        }
    }
}

/// The engine's move of a case: its new state and the activities that
/// became current.
pub struct StateChange<'a> {
    /// The version the case follows.
    pub procedure: &'static Procedure,
    pub state: &'a CaseState,
    pub entered: Vec<ActivityNumber>,
    /// Those of `entered` derived to the change's assignee.
    pub derived: Vec<ActivityNumber>,
}

/// What a list of cases is narrowed to, checked and normalised.
#[derive(Default)]
pub struct CaseQuery<'a> {
    pub procedure: Option<&'static Procedure>,
    pub status: Option<CaseStatus>,
    pub entity_id: Option<&'a str>,
    /// Upper case, part of the reference.
    pub reference: Option<String>,
    /// Only cases with a current activity that waits for this actor.
    pub waiting_for: Option<&'a Actor>,
    /// `[from, until)` in milliseconds.
    pub opened: Option<(i64, i64)>,
    pub closed: Option<(i64, i64)>,
    /// Only open cases standing at one of these `(procedure version,
    /// activity, current since before)`.
    pub standing_at: Option<Vec<(&'static Procedure, ActivityNumber, Option<i64>)>>,
}

impl CaseQuery<'_> {
    /// Tells queries apart: the same key, the same cases.
    fn key(&self) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            self.procedure.map(|p| p.code),
            self.status,
            self.entity_id,
            self.reference,
            self.waiting_for,
            self.opened,
            self.closed,
            self.standing_at,
        )
    }
}

/// A form being sent.
pub struct FormSubmission<'a> {
    pub id: &'a str,
    pub entity_id: &'a str,
    pub anexo: Anexo,
    /// The checked form, JSON.
    pub data: &'a str,
    pub user_id: &'a str,
    pub at: i64,
}

pub enum SubmitOutcome {
    Sent(CaseChanged),
    NoOpenCase,
    CaseChanged,
}

/// A sent form returned with observations.
pub struct FormReturn<'a> {
    pub id: &'a str,
    pub observations: &'a str,
    pub user_id: &'a str,
    pub role: Role,
    pub at: i64,
}

pub enum ReturnOutcome {
    Returned(CaseChanged),
    NotFound,
    AlreadyReturned,
    CaseChanged,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: String,
    pub anexo: String,
    pub reference: String,
    pub version: i64,
    pub case_id: String,
    pub case_reference: String,
    pub entity_name: String,
    pub status: String,
    pub observations: Option<String>,
    pub submitted_at: i64,
    pub submitted_by: String,
    pub data: String,
    pub entity_id: String,
}

/// A mail the outbox holds, to compose and send.
#[derive(Clone, Debug)]
pub struct MailJob {
    /// The outbox row: the same mail has the same id however often it is
    /// tried (its Message-ID says so to the receiving server).
    pub id: String,
    pub to: String,
    /// A daily digest of `notices`, or one notice.
    pub digest: bool,
    pub notices: Vec<crate::notifications::NotificationItem>,
}

/// Why a mail was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailFailure {
    /// Worth trying again later (the server is down, busy, refused for now).
    Transient(String),
    /// Trying again will not help (no such mailbox, no address).
    Permanent(String),
}

/// Who is told a deadline notice of an activity: `(procedure, version,
/// activity, kind, assignee)` → the notices.
pub type DeadlineAddressees<'a> =
    &'a (dyn Fn(&str, u16, ActivityNumber, NoticeKind, Option<&str>) -> Vec<Notice> + Sync);

/// Composes and sends one mail.
pub type MailSender<'a> = &'a (dyn Fn(
    MailJob,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), MailFailure>> + Send>>
         + Sync);

/// What the figures read of a case.
#[derive(sqlx::FromRow)]
pub struct CaseFigure {
    pub id: String,
    pub procedure: String,
    pub procedure_version: i64,
    pub status: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    /// The engine's state, JSON.
    pub state: String,
}

/// Every case, current activity `(case_id, activity, since)` and, per
/// activity, how long each completion took `(procedure, version, activity,
/// [ms])`.
pub struct CaseFigures {
    pub cases: Vec<CaseFigure>,
    pub current: Vec<(String, i64, i64)>,
    pub times: Vec<(String, i64, i64, Vec<i64>)>,
}

/// PR6's cases `(id, reference, status, state, entity name)`, the choices
/// made at activity 9 `(case_id, choice)` and the sent forms `(case_id,
/// anexo, status, data)`.
pub struct Pr6Figures {
    pub cases: Vec<(String, String, String, String, String)>,
    pub ways: Vec<(String, Option<String>)>,
    pub sent: Vec<(String, String, String, String)>,
}
