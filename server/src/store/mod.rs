//! Durable state: every record lives in memory for reads and in SQLite for
//! durability. A write is acknowledged only after its SQLite transaction
//! committed; memory changes after that, so a failed write changes nothing.
//!
//! Writers queue on one mutex that owns the database; the in-memory state
//! has its own lock, taken for reading while a write decides and for writing
//! only to apply changes that are already durable. A commit's fsync therefore
//! never holds up a read: readers see the state before the write until it is
//! both durable and applied.

mod records;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Mutex, RwLock};

pub use records::{
    ClientToken, Derived, Execution, ExecutionTask, Invocation, NextRun, ScheduleCache, Window,
    WindowTarget, WindowTask,
};

/// An account and Region: state never crosses from one scope to another.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub account: String,
    pub region: String,
}

/// Everything one scope holds.
#[derive(Default)]
pub struct ScopeData {
    pub windows: HashMap<String, Window>,
    /// Window ids by creation sequence, for stable pagination.
    pub window_order: BTreeMap<u64, String>,
    pub executions: HashMap<String, Execution>,
    /// `(window id, start millis, execution id)`, for newest-first listing.
    pub executions_by_window: BTreeMap<(String, i64, String), ()>,
    pub client_tokens: HashMap<(&'static str, String), ClientToken>,
    /// `(first use, operation, token)`, so expired tokens are found oldest
    /// first without a scan.
    pub client_tokens_by_age: BTreeSet<(i64, &'static str, String)>,
}

impl ScopeData {
    pub fn window(&self, id: &str) -> Option<&Window> {
        self.windows.get(id)
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::PutWindow(window) => {
                self.window_order.insert(window.seq, window.id.clone());
                self.windows.insert(window.id.clone(), window);
            }
            Change::DeleteWindow(id) => {
                if let Some(window) = self.windows.remove(&id) {
                    self.window_order.remove(&window.seq);
                }
            }
            Change::PutExecution(execution) => {
                let key = (
                    execution.window_id.clone(),
                    execution.start.unix_millis(),
                    execution.id.clone(),
                );
                self.executions_by_window.insert(key, ());
                self.executions.insert(execution.id.clone(), execution);
            }
            Change::DeleteExecution(id) => {
                if let Some(execution) = self.executions.remove(&id) {
                    self.executions_by_window.remove(&(
                        execution.window_id,
                        execution.start.unix_millis(),
                        id,
                    ));
                }
            }
            Change::PutClientToken(token) => {
                self.client_tokens_by_age.insert((
                    token.created_ms,
                    token.operation,
                    token.token.clone(),
                ));
                let key = (token.operation, token.token.clone());
                if let Some(old) = self.client_tokens.insert(key, token) {
                    self.client_tokens_by_age
                        .remove(&(old.created_ms, old.operation, old.token));
                }
            }
            Change::ExpireClientTokens { before_ms } => {
                while let Some(oldest) = self.client_tokens_by_age.first() {
                    if oldest.0 >= before_ms {
                        break;
                    }
                    if let Some((_, operation, token)) = self.client_tokens_by_age.pop_first() {
                        self.client_tokens.remove(&(operation, token));
                    }
                }
            }
        }
    }
}

/// One change a write makes.
#[derive(Debug)]
pub enum Change {
    PutWindow(Window),
    DeleteWindow(String),
    PutExecution(Execution),
    DeleteExecution(String),
    PutClientToken(ClientToken),
    /// Forgets the scope's tokens first used before `before_ms`.
    ExpireClientTokens {
        before_ms: i64,
    },
}

#[derive(Debug)]
pub enum WriteError<E> {
    /// The caller's closure refused the write.
    Rejected(E),
    /// SQLite failed; nothing changed.
    Storage(String),
}

pub struct Store {
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

impl Store {
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
