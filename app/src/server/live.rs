//! Changes of cases as they happen, for the pages that show them: every
//! server hears of every committed change (in process on SQLite, through
//! `LISTEN/NOTIFY` on PostgreSQL) and passes it to its open streams; and,
//! the same way, of newly stored dashboard figures.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use crate::cases::CaseChanged;

/// What an open stream is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveEvent {
    Changed(CaseChanged),
    /// These people have new notices.
    Notified(Vec<String>),
    /// Changes may have been missed (a lost connection to the database, a
    /// stream that fell behind): whoever shows something should fetch it
    /// again.
    Resync,
}

#[derive(Clone, Debug)]
pub struct Live {
    sender: broadcast::Sender<LiveEvent>,
    /// Changes this server committed, counted as they commit (the stream
    /// tells of them a moment later on PostgreSQL).
    committed_here: Arc<AtomicU64>,
    /// Changes and resyncs the stream told of.
    heard: Arc<AtomicU64>,
    /// When the dashboard figures some server stored last were computed.
    figures: watch::Sender<i64>,
}

/// Changes a slow stream may fall behind by before it is told to resync.
const BACKLOG: usize = 1024;

impl Default for Live {
    fn default() -> Live {
        Live {
            sender: broadcast::channel(BACKLOG).0,
            committed_here: Arc::default(),
            heard: Arc::default(),
            figures: watch::channel(0).0,
        }
    }
}

impl Live {
    pub fn publish(&self, changed: CaseChanged) {
        self.heard.fetch_add(1, Ordering::AcqRel);
        // Nobody listening is not an error.
        let _ = self.sender.send(LiveEvent::Changed(changed));
    }

    pub fn notified(&self, people: Vec<String>) {
        let _ = self.sender.send(LiveEvent::Notified(people));
    }

    pub fn count_committed_here(&self) {
        self.committed_here.fetch_add(1, Ordering::AcqRel);
    }

    /// Grows with every change this server made or heard of: what was
    /// read at one value may have changed at the next.
    pub fn epoch(&self) -> u64 {
        self.committed_here.load(Ordering::Acquire) + self.heard.load(Ordering::Acquire)
    }

    pub fn resync(&self) {
        self.heard.fetch_add(1, Ordering::AcqRel);
        let _ = self.sender.send(LiveEvent::Resync);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }

    pub fn figures_stored(&self, generated_at: i64) {
        self.figures.send_if_modified(|latest| {
            let newer = generated_at > *latest;
            if newer {
                *latest = generated_at;
            }
            newer
        });
    }

    /// Told when some server stored newer dashboard figures.
    pub fn figures(&self) -> watch::Receiver<i64> {
        self.figures.subscribe()
    }
}
