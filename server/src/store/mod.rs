//! Durable state: every record lives in memory for reads and in SQLite for
//! durability. A write is acknowledged only after its SQLite transaction
//! committed; memory changes after that, so a failed write changes nothing.
//!
//! Writers queue on one mutex that owns the database; the in-memory state
//! has its own lock, taken for reading while a write decides and for writing
//! only to apply changes that are already durable. A commit's fsync therefore
//! never holds up a read: readers see the state before the write until it is
//! both durable and applied.

//! Durable state behind one API for every backend: [`Store::read`] runs a
//! closure against a scope's data, [`Store::write`] lets a closure decide
//! changes from that data and makes them durable before they are seen.
//!
//! Two backends: SQLite in this process ([`local`], the default) and
//! PostgreSQL shared by several replicas ([`shared`]). The domain's rules
//! run unchanged on either, because both give a writer the scope's latest
//! committed data and keep other writers of that scope out until its changes
//! committed.

mod local;
mod records;
mod shared;
mod sqlite;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

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
    /// The database failed; nothing changed.
    Storage(String),
}

pub enum Store {
    /// SQLite in this process: reads answer from memory.
    Local(local::Local),
    /// PostgreSQL, possibly shared with other replicas: reads check the
    /// database, so they block.
    Shared(Box<shared::Shared>),
}

impl Store {
    /// Opens (creating and migrating as needed) the SQLite database at
    /// `path`; `:memory:` keeps nothing after the process ends.
    pub fn open(path: &Path, durable: bool) -> Result<Self, String> {
        local::Local::open(path, durable).map(Self::Local)
    }

    /// Opens the database `--db` names: a `postgres://` or `postgresql://`
    /// URL is PostgreSQL; anything else (optionally `sqlite://`) is an
    /// SQLite path.
    pub fn open_url(db: &Path, durable: bool) -> Result<Self, String> {
        match db.to_str() {
            Some(url) if is_postgres_url(url) => {
                shared::Shared::connect(url).map(|s| Self::Shared(Box::new(s)))
            }
            Some(url) if url.starts_with("sqlite://") => {
                Self::open(Path::new(&url["sqlite://".len()..]), durable)
            }
            _ => Self::open(db, durable),
        }
    }

    /// Runs `read` against the scope's data (empty if the scope has none).
    /// With PostgreSQL this waits for the database (and panics if it fails,
    /// which the blocking pool turns into an internal error): call it where
    /// blocking is allowed, see [`Store::reads_block`].
    pub fn read<R>(&self, scope: &Scope, read: impl FnOnce(&ScopeData) -> R) -> R {
        match self {
            Self::Local(store) => store.read(scope, read),
            Self::Shared(store) => store.read(scope, read),
        }
    }

    /// Whether reads wait for I/O and so belong on the blocking pool.
    pub fn reads_block(&self) -> bool {
        matches!(self, Self::Shared(_))
    }

    /// Every scope, for background work such as the scheduler.
    pub fn scopes(&self) -> Vec<Scope> {
        match self {
            Self::Local(store) => store.scopes(),
            Self::Shared(store) => store.scopes(),
        }
    }

    /// Decides a write from the current data and makes it durable.
    ///
    /// `decide` gets the scope's latest committed data and a sequence number
    /// no other write gets, and returns the result plus the changes to make;
    /// the changes are committed in one transaction before any reader sees
    /// them. No other write of the scope, in this process or another,
    /// commits between what `decide` saw and its changes. This blocks on the
    /// database: call it from a thread that may block.
    pub fn write<R, E>(
        &self,
        scope: &Scope,
        decide: impl FnOnce(&ScopeData, u64) -> Result<(R, Vec<Change>), E>,
    ) -> Result<R, WriteError<E>> {
        match self {
            Self::Local(store) => store.write(scope, decide),
            Self::Shared(store) => store.write(scope, decide),
        }
    }

    /// This process's name on the runs it starts, when other replicas may
    /// need to tell whether it is still alive (PostgreSQL only).
    pub fn replica(&self) -> Option<&str> {
        match self {
            Self::Local(_) => None,
            Self::Shared(store) => Some(store.replica()),
        }
    }

    /// Replicas that are alive: their runs are theirs to finish. Empty with
    /// SQLite, where the only process is this one and every run found open
    /// at start was left by a process that is gone. With PostgreSQL this
    /// also renews this replica's own lease.
    pub fn live_replicas(&self) -> Result<HashSet<String>, String> {
        match self {
            Self::Local(_) => Ok(HashSet::new()),
            Self::Shared(store) => store.heartbeat(),
        }
    }
}

pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}
