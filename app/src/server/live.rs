//! Changes of cases as they happen, for the pages that show them: every
//! server hears of every committed change (in process on SQLite, through
//! `LISTEN/NOTIFY` on PostgreSQL) and passes it to its open streams.

use tokio::sync::broadcast;

use crate::cases::CaseChanged;

/// What an open stream is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveEvent {
    Changed(CaseChanged),
    /// Changes may have been missed (a lost connection to the database, a
    /// stream that fell behind): whoever shows something should fetch it
    /// again.
    Resync,
}

#[derive(Clone, Debug)]
pub struct Live {
    sender: broadcast::Sender<LiveEvent>,
}

/// Changes a slow stream may fall behind by before it is told to resync.
const BACKLOG: usize = 1024;

impl Default for Live {
    fn default() -> Live {
        Live {
            sender: broadcast::channel(BACKLOG).0,
        }
    }
}

impl Live {
    pub fn publish(&self, changed: CaseChanged) {
        // Nobody listening is not an error.
        let _ = self.sender.send(LiveEvent::Changed(changed));
    }

    pub fn resync(&self) {
        let _ = self.sender.send(LiveEvent::Resync);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}
