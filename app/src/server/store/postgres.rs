//! The scale-out store: several stateless app servers on one PostgreSQL.
//! Changes are announced with `NOTIFY` inside their transaction, so every
//! server (this one too) hears of them once they commit, through `LISTEN`.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};

use super::Live;
use crate::cases::CaseChanged;

/// The channel changes of cases are announced on.
const CHANNEL: &str = "case_changed";
/// The channel newly stored dashboard figures are announced on.
const FIGURES_CHANNEL: &str = "dashboard_figures";
/// The channel people with new notices are announced on (ids, by commas).
const NOTIFIED_CHANNEL: &str = "notified";
/// People named in one announcement, well within `NOTIFY`'s 8000 bytes.
const NOTIFIED_PER_MESSAGE: usize = 200;

pub(super) mod dialect {
    use crate::cases::CaseChanged;

    pub type DB = sqlx::Postgres;
    pub type Pool = sqlx::PgPool;
    pub type Connection = sqlx::PgConnection;

    pub type WriteTx = sqlx::Transaction<'static, DB>;

    /// Read committed is enough: every change is guarded by the case's
    /// version (`UPDATE … WHERE version = $n`), which PostgreSQL re-checks
    /// after waiting for a concurrent writer of the same row.
    pub async fn begin_write(pool: &Pool) -> Result<WriteTx, sqlx::Error> {
        pool.begin().await
    }

    /// Holds the administrators' rows until the transaction ends, so that
    /// two changes that each leave one administrator cannot both pass
    /// (always in id order: two such changes wait, never deadlock).
    pub async fn lock_admins(conn: &mut Connection) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT id FROM users WHERE is_admin ORDER BY id FOR UPDATE")
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Holds a stored content's row until the transaction ends: an upload
    /// of the same content waits for its removal to finish.
    pub async fn lock_blob(conn: &mut Connection, sha256: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT sha256 FROM blobs WHERE sha256 = $1 FOR UPDATE")
            .bind(sha256)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn announce(conn: &mut Connection, changed: &CaseChanged) -> Result<(), sqlx::Error> {
        let payload = serde_json::to_string(changed).unwrap_or_default();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(super::CHANNEL)
            .bind(payload)
            .execute(conn)
            .await?;
        Ok(())
    }

    pub async fn announce_notified(
        conn: &mut Connection,
        people: &[String],
    ) -> Result<(), sqlx::Error> {
        for some in people.chunks(super::NOTIFIED_PER_MESSAGE) {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(super::NOTIFIED_CHANNEL)
                .bind(some.join(","))
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Each server claims a due mail by locking its row for as long as it
    /// sends it; the others pass over it. A server that dies meanwhile
    /// releases it with its connection, and another sends it.
    pub const CLAIM_ROW: &str = " FOR UPDATE OF o SKIP LOCKED";

    /// A due mail's row, locked in a transaction that also records the
    /// outcome of sending it.
    pub struct MailClaim {
        tx: sqlx::Transaction<'static, DB>,
    }

    impl MailClaim {
        /// Always a claim: any server may send any mail.
        pub async fn begin(pool: &Pool) -> Result<Option<MailClaim>, sqlx::Error> {
            Ok(Some(MailClaim {
                tx: pool.begin().await?,
            }))
        }

        pub fn reader(&mut self) -> &mut Connection {
            &mut self.tx
        }

        pub async fn writer(&mut self) -> Result<&mut Connection, sqlx::Error> {
            Ok(&mut self.tx)
        }

        pub async fn finish(self) -> Result<(), sqlx::Error> {
            self.tx.commit().await
        }
    }

    pub async fn announce_figures(
        conn: &mut Connection,
        generated_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(super::FIGURES_CHANNEL)
            .bind(generated_at.to_string())
            .execute(conn)
            .await?;
        Ok(())
    }
}

// The same SQL, compiled for this backend: deliberate, see `sql/mod.rs`.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
pub(super) mod sql;

pub(super) async fn connect(url: &str) -> Result<dialect::Pool, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    // Servers starting together take turns: migrations hold an advisory lock.
    sqlx::migrate!("../migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// `NOTIFY` already told every server, this one included.
pub(super) fn after_commit(_live: &Live, _changed: CaseChanged) {}

/// `NOTIFY` already told every server, this one included.
pub(super) fn after_figures(_live: &Live, _generated_at: i64) {}

/// `NOTIFY` already told every server, this one included.
pub(super) fn after_notices(_live: &Live, _people: Vec<String>) {}

/// Forwards the changes every server announces to this server's open pages,
/// for as long as the process lives; after a lost connection it listens
/// again and tells the pages to catch up on what they may have missed.
pub(super) fn listen(pool: dialect::Pool, live: Live) {
    tokio::spawn(async move {
        let mut pause = Duration::from_millis(100);
        loop {
            match PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(error) = listener
                        .listen_all([CHANNEL, FIGURES_CHANNEL, NOTIFIED_CHANNEL])
                        .await
                    {
                        tracing::warn!(%error, "LISTEN {CHANNEL}, {FIGURES_CHANNEL}");
                    } else {
                        pause = Duration::from_millis(100);
                        live.resync();
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(notification))
                                    if notification.channel() == FIGURES_CHANNEL =>
                                {
                                    if let Ok(generated_at) = notification.payload().parse() {
                                        live.figures_stored(generated_at);
                                    }
                                }
                                Ok(Some(notification))
                                    if notification.channel() == NOTIFIED_CHANNEL =>
                                {
                                    live.notified(
                                        notification
                                            .payload()
                                            .split(',')
                                            .map(str::to_owned)
                                            .collect(),
                                    );
                                }
                                Ok(Some(notification)) => {
                                    match serde_json::from_str(notification.payload()) {
                                        Ok(changed) => live.publish(changed),
                                        Err(error) => tracing::warn!(%error, "unreadable change"),
                                    }
                                }
                                // The connection was lost; `try_recv` reconnects
                                // on the next call, and what was said meanwhile
                                // is gone.
                                Ok(None) => live.resync(),
                                Err(error) => {
                                    tracing::warn!(%error, "listening for changes");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "connecting to listen for changes"),
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    });
}
