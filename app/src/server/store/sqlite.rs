//! The embedded default: one SQLite file, WAL, `synchronous=FULL` so that
//! a completed activity survives a power cut, write transactions begun
//! `IMMEDIATE` so that two writers never deadlock on a lock upgrade, and
//! writers that arrive together share one commit.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::Live;
use crate::cases::CaseChanged;

pub(super) mod dialect {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};

    use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

    use crate::cases::CaseChanged;

    pub type DB = sqlx::Sqlite;
    pub type Pool = sqlx::SqlitePool;
    pub type Connection = sqlx::SqliteConnection;

    /// The most changes one commit makes durable together.
    const MAX_GROUP: usize = 64;

    /// One SQLite file's writers. SQLite writes one transaction at a time,
    /// and each durable commit waits for the disk: writers queue here, in
    /// order, and those that arrive while others write share one commit
    /// (group commit). Each change runs in a savepoint of the shared
    /// transaction, so it is whole or undone on its own, and none is
    /// reported done before the commit that holds it is on disk.
    struct Writers {
        turn: Arc<Semaphore>,
        /// The transaction the last writer left for the next one, with
        /// the changes in it that wait for its commit.
        parked: Mutex<Option<Group>>,
        next_group: AtomicU64,
        /// One mail is sent at a time from the file's outbox, by the
        /// process that holds the lock on its sender file (kept here once
        /// taken, released by the system when the process ends).
        mail_turn: Arc<tokio::sync::Mutex<Option<std::fs::File>>>,
    }

    struct Group {
        id: u64,
        tx: sqlx::Transaction<'static, DB>,
        members: Vec<oneshot::Sender<Result<(), String>>>,
    }

    impl Group {
        /// Commits every change in the group and tells each its outcome.
        async fn commit(self) -> Result<(), String> {
            let result = self.tx.commit().await.map_err(|e| e.to_string());
            for member in self.members {
                let _ = member.send(result.clone());
            }
            result
        }
    }

    fn writers_of(pool: &Pool) -> Arc<Writers> {
        static ALL: OnceLock<Mutex<HashMap<PathBuf, Arc<Writers>>>> = OnceLock::new();
        let file = pool.connect_options().get_filename().to_path_buf();
        let mut all = ALL
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        all.entry(file)
            .or_insert_with(|| {
                Arc::new(Writers {
                    turn: Arc::new(Semaphore::new(1)),
                    parked: Mutex::new(None),
                    next_group: AtomicU64::new(0),
                    mail_turn: Arc::default(),
                })
            })
            .clone()
    }

    /// A change being written: a savepoint in a shared write transaction,
    /// holding the file's turn to write. Dropped without `commit`, the
    /// change is undone and the others in its group go on.
    pub struct WriteTx {
        held: Option<Held>,
    }

    struct Held {
        group: Group,
        turn: OwnedSemaphorePermit,
        writers: Arc<Writers>,
    }

    fn gone() -> sqlx::Error {
        sqlx::Error::Protocol("the write transaction is gone".into())
    }

    impl WriteTx {
        /// Keeps the change and returns once it is durable: at once when
        /// nobody else waits to write, else with the changes written
        /// meanwhile, in one commit.
        pub async fn commit(mut self) -> Result<(), sqlx::Error> {
            let Held {
                mut group,
                turn,
                writers,
            } = self.held.take().ok_or_else(gone)?;
            sqlx::query("RELEASE SAVEPOINT change")
                .execute(&mut *group.tx)
                .await?;
            if group.members.len() + 1 >= MAX_GROUP {
                let result = group.commit().await;
                drop(turn);
                return result.map_err(sqlx::Error::Protocol);
            }
            let (told, outcome) = oneshot::channel();
            group.members.push(told);
            let id = group.id;
            *writers.parked.lock().unwrap_or_else(|e| e.into_inner()) = Some(group);
            drop(turn);
            wait_for_commit(&writers, id, outcome).await
        }
    }

    /// A parked change waits for whoever commits its group: a writer that
    /// came after it, or itself when its turn to write comes round again
    /// and the group is still parked.
    async fn wait_for_commit(
        writers: &Writers,
        id: u64,
        mut outcome: oneshot::Receiver<Result<(), String>>,
    ) -> Result<(), sqlx::Error> {
        let told = tokio::select! {
            biased;
            told = &mut outcome => told,
            turn = writers.turn.clone().acquire_owned() => {
                let turn = turn.map_err(|_| sqlx::Error::PoolClosed)?;
                let mine = {
                    let mut parked = writers.parked.lock().unwrap_or_else(|e| e.into_inner());
                    if parked.as_ref().is_some_and(|g| g.id == id) {
                        parked.take()
                    } else {
                        None
                    }
                };
                if let Some(group) = mine {
                    let _ = group.commit().await;
                }
                drop(turn);
                outcome.await
            }
        };
        match told {
            Ok(result) => result.map_err(sqlx::Error::Protocol),
            // The shared transaction was lost (its connection failed):
            // nothing in it was kept.
            Err(_) => Err(sqlx::Error::Protocol(
                "the shared write transaction was rolled back".into(),
            )),
        }
    }

    impl Drop for WriteTx {
        fn drop(&mut self) {
            let Some(held) = self.held.take() else {
                return;
            };
            // Undoing the change takes statements: the turn goes with them.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(undo(held));
            }
        }
    }

    /// Rolls back one change; the rest of its group waits for its commit.
    async fn undo(held: Held) {
        let Held {
            mut group,
            turn,
            writers,
        } = held;
        let undone = sqlx::query("ROLLBACK TO SAVEPOINT change")
            .execute(&mut *group.tx)
            .await
            .is_ok()
            && sqlx::query("RELEASE SAVEPOINT change")
                .execute(&mut *group.tx)
                .await
                .is_ok();
        if undone && !group.members.is_empty() {
            *writers.parked.lock().unwrap_or_else(|e| e.into_inner()) = Some(group);
        } else if undone {
            let _ = group.tx.rollback().await;
        }
        // Otherwise the group is dropped, rolled back whole: its members are
        // told it failed.
        drop(turn);
    }

    impl std::ops::Deref for WriteTx {
        type Target = Connection;

        fn deref(&self) -> &Connection {
            match &self.held {
                Some(held) => &held.group.tx,
                None => unreachable!("a write transaction is used until committed"),
            }
        }
    }

    impl std::ops::DerefMut for WriteTx {
        fn deref_mut(&mut self) -> &mut Connection {
            match &mut self.held {
                Some(held) => &mut held.group.tx,
                None => unreachable!("a write transaction is used until committed"),
            }
        }
    }

    /// Waits for the file's turn to write and opens a change: in the
    /// transaction a previous writer left open, or a new one (`IMMEDIATE`
    /// still guards against any other process on the file).
    pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
        let writers = writers_of(pool);
        let turn = writers
            .turn
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let parked = writers
            .parked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let mut group = match parked {
            Some(group) => group,
            None => Group {
                id: writers.next_group.fetch_add(1, Ordering::Relaxed),
                tx: pool.begin_with("BEGIN IMMEDIATE").await?,
                members: Vec::new(),
            },
        };
        if let Err(error) = sqlx::query("SAVEPOINT change")
            .execute(&mut *group.tx)
            .await
        {
            if !group.members.is_empty() {
                *writers.parked.lock().unwrap_or_else(|e| e.into_inner()) = Some(group);
            }
            return Err(error);
        }
        Ok(WriteTx {
            held: Some(Held {
                group,
                turn,
                writers,
            }),
        })
    }

    /// Writes to the file take turns: whoever writes already holds every row.
    pub async fn lock_blob(_conn: &mut Connection, _sha256: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Writes to the file take turns: whoever writes already holds every row.
    pub async fn lock_admins(_conn: &mut Connection) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// One process holds the file: changes are announced in process, once
    /// committed (see [`super::after_commit`]).
    pub async fn announce(
        _conn: &mut Connection,
        _changed: &CaseChanged,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Likewise for new notices (see [`super::after_notices`]).
    pub async fn announce_notified(
        _conn: &mut Connection,
        _people: &[String],
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// One process holds the file and sends its mail one at a time: the
    /// outbox needs no row locks.
    pub const CLAIM_ROW: &str = "";

    /// The outbox's turn: the due mail is read, sent, and its outcome
    /// written in a short write transaction of its own (the file's writers
    /// never wait for a mail server). Only one process sends a file's mail:
    /// the one holding the lock on `<database>-mail.lock`; should it die,
    /// the system releases the lock and another process takes over.
    pub struct MailClaim {
        _turn: tokio::sync::OwnedMutexGuard<Option<std::fs::File>>,
        pool: Pool,
        reader: sqlx::pool::PoolConnection<DB>,
        writer: Option<WriteTx>,
    }

    impl MailClaim {
        /// `None` when another process sends this file's mail.
        pub async fn begin(pool: &Pool) -> Result<Option<MailClaim>, sqlx::Error> {
            let mut turn = writers_of(pool).mail_turn.clone().lock_owned().await;
            if turn.is_none() {
                let mut name = pool.connect_options().get_filename().as_os_str().to_owned();
                name.push("-mail.lock");
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(PathBuf::from(name))
                    .map_err(sqlx::Error::Io)?;
                match file.try_lock() {
                    Ok(()) => *turn = Some(file),
                    Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                    Err(std::fs::TryLockError::Error(error)) => return Err(sqlx::Error::Io(error)),
                }
            }
            Ok(Some(MailClaim {
                _turn: turn,
                pool: pool.clone(),
                reader: pool.acquire().await?,
                writer: None,
            }))
        }

        pub fn reader(&mut self) -> &mut Connection {
            &mut self.reader
        }

        pub async fn writer(&mut self) -> Result<&mut Connection, sqlx::Error> {
            if self.writer.is_none() {
                self.writer = Some(begin_write(&self.pool).await?);
            }
            self.writer.as_deref_mut().ok_or_else(gone)
        }

        pub async fn finish(self) -> Result<(), sqlx::Error> {
            match self.writer {
                Some(tx) => tx.commit().await,
                None => Ok(()),
            }
        }
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
    migrate(&options).await?;
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// Migrates on a connection of its own with foreign keys off, as SQLite
/// asks for a table rebuilt to change a column (the pragma is ignored inside
/// the transaction each migration runs in), then checks every foreign key.
async fn migrate(options: &SqliteConnectOptions) -> Result<(), sqlx::Error> {
    use sqlx::{Connection, Row};
    let mut connection =
        sqlx::SqliteConnection::connect_with(&options.clone().foreign_keys(false)).await?;
    sqlx::migrate!("../migrations/sqlite")
        .run(&mut connection)
        .await?;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut connection)
        .await?;
    if let Some(first) = broken.first() {
        let table: String = first.try_get(0)?;
        return Err(sqlx::Error::Protocol(format!(
            "after migrating, {} rows name a missing row (first in {table})",
            broken.len()
        )));
    }
    connection.close().await
}

/// Tells this process's open pages about a committed change.
pub(super) fn after_commit(live: &Live, changed: CaseChanged) {
    live.publish(changed);
}

/// Tells this process's open pages that these people have new notices.
pub(super) fn after_notices(live: &Live, people: Vec<String>) {
    live.notified(people);
}

pub(super) fn after_figures(live: &Live, generated_at: i64) {
    live.figures_stored(generated_at);
}
