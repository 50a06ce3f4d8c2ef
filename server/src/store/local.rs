//! The embedded backend: every record in memory for reads, SQLite for
//! durability. A write is acknowledged only after its SQLite transaction
//! committed; memory changes after that, so a failed write changes nothing.
//!
//! Writers queue on one mutex that owns the database; the in-memory state
//! has its own lock, taken for reading while a write decides and for writing
//! only to apply changes that are already durable. A commit's fsync therefore
//! never holds up a read: readers see the state before the write until it is
//! both durable and applied.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, RwLock};

use super::{sqlite, Change, Scope, ScopeData, WriteError};

pub struct Local {
    state: RwLock<State>,
    writer: Mutex<Writer>,
}

#[derive(Default)]
struct State {
    scopes: HashMap<Scope, ScopeData>,
}

/// What only writers touch, behind the writers' mutex.
struct Writer {
    db: sqlite::Db,
    next_seq: u64,
}

impl Local {
    /// Opens (creating and migrating as needed) the database at `path`;
    /// `:memory:` keeps nothing after the process ends.
    pub fn open(path: &Path, durable: bool) -> Result<Self, String> {
        let db = sqlite::Db::open(path, durable)?;
        let mut next_seq = db.load_next_seq()?;
        let mut state = State::default();
        for (scope, window) in db.load_windows()? {
            // Databases written before the counter was stored: no item may
            // sort below one that exists.
            let highest = window
                .targets
                .iter()
                .map(|t| t.seq)
                .chain(window.tasks.iter().map(|t| t.seq))
                .fold(window.seq, u64::max);
            next_seq = next_seq.max(highest + 1);
            state
                .scopes
                .entry(scope)
                .or_default()
                .apply(Change::PutWindow(window));
        }
        for (scope, execution) in db.load_executions()? {
            state
                .scopes
                .entry(scope)
                .or_default()
                .apply(Change::PutExecution(execution));
        }
        for (scope, token) in db.load_client_tokens()? {
            state
                .scopes
                .entry(scope)
                .or_default()
                .apply(Change::PutClientToken(token));
        }
        Ok(Self {
            state: RwLock::new(state),
            writer: Mutex::new(Writer { db, next_seq }),
        })
    }

    /// Runs `read` against the scope's data (empty if the scope has none).
    pub fn read<R>(&self, scope: &Scope, read: impl FnOnce(&ScopeData) -> R) -> R {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        match state.scopes.get(scope) {
            Some(data) => read(data),
            None => read(&ScopeData::default()),
        }
    }

    /// Every scope, for background work such as the scheduler.
    pub fn scopes(&self) -> Vec<Scope> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.scopes.keys().cloned().collect()
    }

    /// Decides a write from the current data and makes it durable.
    ///
    /// `decide` gets the scope's data and a fresh sequence number and returns
    /// the result plus the changes to make; the changes are committed in one
    /// SQLite transaction before memory changes. Writes are serialized, so
    /// what `decide` saw is still true when its changes land. This blocks on
    /// the disk: call it from a thread that may block.
    pub fn write<R, E>(
        &self,
        scope: &Scope,
        decide: impl FnOnce(&ScopeData, u64) -> Result<(R, Vec<Change>), E>,
    ) -> Result<R, WriteError<E>> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let seq = writer.next_seq;
        let (result, changes) = {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            let empty = ScopeData::default();
            let data = state.scopes.get(scope).unwrap_or(&empty);
            decide(data, seq).map_err(WriteError::Rejected)?
        };
        if changes.is_empty() {
            return Ok(result);
        }
        writer
            .db
            .commit(scope, &changes, seq + 1)
            .map_err(WriteError::Storage)?;
        writer.next_seq = seq + 1;
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        let data = state.scopes.entry(scope.clone()).or_default();
        for change in changes {
            data.apply(change);
        }
        Ok(result)
    }
}
