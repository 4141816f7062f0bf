//! The embedded default: one SQLite file, WAL, `synchronous=FULL` so that
//! a completed activity survives a power cut, write transactions begun
//! `IMMEDIATE` so that two writers never deadlock on a lock upgrade.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::Live;
use crate::cases::CaseChanged;

pub(super) mod dialect {
    use std::sync::OnceLock;

    use tokio::sync::{OwnedSemaphorePermit, Semaphore};

    use crate::cases::CaseChanged;

    pub type DB = sqlx::Sqlite;
    pub type Pool = sqlx::SqlitePool;
    pub type Connection = sqlx::SqliteConnection;

    /// A write transaction, holding the process's turn to write.
    pub struct WriteTx {
        tx: sqlx::Transaction<'static, DB>,
        _turn: OwnedSemaphorePermit,
    }

    impl WriteTx {
        pub async fn commit(self) -> Result<(), sqlx::Error> {
            self.tx.commit().await
        }
    }

    impl std::ops::Deref for WriteTx {
        type Target = Connection;

        fn deref(&self) -> &Connection {
            &self.tx
        }
    }

    impl std::ops::DerefMut for WriteTx {
        fn deref_mut(&mut self) -> &mut Connection {
            &mut self.tx
        }
    }

    /// SQLite writes one transaction at a time: writers queue here, in
    /// order, rather than spin on the file's lock (which under load costs
    /// more than the writes). `IMMEDIATE` still guards against any other
    /// process on the file.
    pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
        static TURN: OnceLock<std::sync::Arc<Semaphore>> = OnceLock::new();
        let turn = TURN
            .get_or_init(|| std::sync::Arc::new(Semaphore::new(1)))
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(WriteTx {
            tx: pool.begin_with("BEGIN IMMEDIATE").await?,
            _turn: turn,
        })
    }

    /// One process holds the file: changes are announced in process, once
    /// committed (see [`super::after_commit`]).
    pub async fn announce(
        _conn: &mut Connection,
        _changed: &CaseChanged,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Likewise for stored dashboard figures (see [`super::after_figures`]).
    pub async fn announce_figures(
        _conn: &mut Connection,
        _generated_at: i64,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

// The same SQL, compiled for this backend: deliberate, see `sql/mod.rs`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
pub(super) mod sql;

pub(super) async fn connect(url: &str) -> Result<dialect::Pool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

/// Tells this process's open pages about a committed change.
pub(super) fn after_commit(live: &Live, changed: CaseChanged) {
    live.publish(changed);
}

pub(super) fn after_figures(live: &Live, generated_at: i64) {
    live.figures_stored(generated_at);
}
