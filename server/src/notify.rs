//! The notices' background work on every server: the deadline notices and
//! daily digests looked for each minute (the database says what is done,
//! so servers looking at once or after a restart neither lose nor repeat
//! one), and the outbox's mail sent as soon as it is committed, by
//! whichever server claims it, tried again later when the SMTP server
//! fails.

use std::sync::Arc;
use std::time::Duration;

use app::domain::calendar::now_ms;
use app::server::live::LiveEvent;
use app::server::mail::Mailer;
use app::server::notices;
use app::server::store::{Db, MailJob};
use tokio_util::sync::CancellationToken;

use crate::AppState;

/// How often deadlines and digests are looked for.
const LOOK_EVERY: Duration = Duration::from_secs(60);
/// The longest a sender sleeps without looking at the outbox (mail another
/// server queued while this one missed the news, retries falling due).
const OUTBOX_POLL: Duration = Duration::from_secs(5);
/// Mails each server sends at once.
const SENDERS: usize = 4;

/// Starts the background work until the server stops.
pub fn run_regularly(state: &AppState) {
    look_for_deadlines(state);
    if let Some(mailer) = &state.mailer {
        for _ in 0..SENDERS {
            send_mail(state.db.clone(), mailer.clone(), state.stopping.clone());
        }
    }
}

fn look_for_deadlines(state: &AppState) {
    let db = state.db.clone();
    let settings = state.settings.notices;
    let stopping = state.stopping.clone();
    tokio::spawn(async move {
        loop {
            let now = now_ms();
            if let Err(error) = notices::sweep_deadlines(&db, now, &settings.deadlines).await {
                tracing::warn!(?error, "looking for deadlines");
            }
            if let Err(error) = notices::queue_digests(&db, now, settings.digest_hour).await {
                tracing::warn!(?error, "queueing daily digests");
            }
            tokio::select! {
                _ = stopping.cancelled() => break,
                _ = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    });
}

/// One sender: sends what is due, then waits for news of notices (from any
/// server), the next retry, or the poll.
fn send_mail(db: Db, mailer: Arc<Mailer>, stopping: CancellationToken) {
    tokio::spawn(async move {
        let mut news = db.live().subscribe();
        let send = move |job: MailJob| {
            let mailer = mailer.clone();
            Box::pin(async move { mailer.send(job).await })
                as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>
        };
        loop {
            loop {
                match db.deliver_next_mail(now_ms(), &send).await {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(?error, "sending mail from the outbox");
                        break;
                    }
                }
            }
            // Mail due now that this sender could not claim is another
            // sender's (or another server's): look again at the poll.
            let now = now_ms();
            let wait = match db.next_mail_at().await {
                Ok(Some(at)) if at > now => {
                    Duration::from_millis((at - now) as u64).min(OUTBOX_POLL)
                }
                _ => OUTBOX_POLL,
            };
            tokio::select! {
                _ = stopping.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
                _ = notified(&mut news) => {}
            }
        }
    });
}

/// Returns when someone was notified (their mail may be queued).
async fn notified(news: &mut tokio::sync::broadcast::Receiver<LiveEvent>) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match news.recv().await {
            Ok(LiveEvent::Notified(_) | LiveEvent::Resync) | Err(RecvError::Lagged(_)) => return,
            Ok(_) => {}
            Err(RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}
