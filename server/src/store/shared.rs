//! The PostgreSQL backend, for several replicas on one database.
//!
//! Each scope has a row in `scopes` whose `version` every write bumps. A
//! replica caches each scope's data with the version it was loaded at:
//! - a write locks the scope's row (`SELECT … FOR UPDATE`), reloads the
//!   scope if the version moved, decides, writes its changes and the new
//!   version, commits, and only then updates the cache. Writers of one scope
//!   are therefore serialized across replicas by PostgreSQL itself, so
//!   quotas, ClientTokens and read-modify-write updates hold globally;
//! - a read asks for the scope's version (one round trip) and reloads the
//!   scope first if its cache is older, so it sees every write acknowledged
//!   before it started, by any replica.
//!
//! Sequence numbers come from a database sequence taken under the scope's
//! lock, so within a scope they grow in commit order and pagination tokens
//! mean the same on every replica.
//!
//! The driver is the synchronous `postgres` crate: the store's API is
//! synchronous closures that borrow the cached data and always run on the
//! blocking pool, and that crate is the maintained blocking face of
//! `tokio-postgres`, so no async machinery crosses the domain's borrows.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use postgres::{Client, GenericClient, IsolationLevel, NoTls};

use super::sqlite::TOKEN_OPERATIONS;
use super::{Change, ClientToken, Execution, Scope, ScopeData, Window, WriteError};

/// Migrations in order; `schema_migrations` records which ran. Each runs in
/// the transaction that holds the migration lock, so replicas starting
/// together run each exactly once.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE scopes (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        version BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (account, region)
    );
    CREATE TABLE windows (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, region, id)
    );
    CREATE TABLE executions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        window_id TEXT NOT NULL,
        start_ms BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, region, id)
    );
    CREATE INDEX executions_by_window ON executions (account, region, window_id, start_ms);
    CREATE TABLE client_tokens (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        operation TEXT NOT NULL,
        token TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        PRIMARY KEY (account, region, operation, token)
    );
    CREATE SEQUENCE item_seq;
    CREATE TABLE replicas (
        id TEXT PRIMARY KEY,
        lease_until TIMESTAMPTZ NOT NULL
    );
"];

/// Arbitrary, fixed: the first key of the advisory lock migrations hold
/// (the second is the schema, so databases' schemas migrate independently).
const MIGRATION_LOCK: i32 = 0x5353_4d31;

/// How long a replica counts as alive after its last heartbeat. The
/// scheduler renews it every second; this leaves room for a slow database.
pub const LEASE_SECONDS: f64 = 15.0;

/// Connections kept open between uses; more are opened while busy.
const MAX_IDLE_CONNECTIONS: usize = 32;

pub struct Shared {
    config: postgres::Config,
    idle: Mutex<Vec<Client>>,
    scopes: RwLock<HashMap<Scope, Arc<Entry>>>,
    replica: String,
}

/// One scope as this replica knows it.
#[derive(Default)]
struct Entry {
    /// This replica's writers of the scope queue here rather than on the
    /// row lock, so the cache is updated in commit order.
    writer: Mutex<()>,
    cached: RwLock<Cached>,
}

/// A scope's data as of `version` (0: nothing written yet).
#[derive(Default)]
struct Cached {
    version: i64,
    data: ScopeData,
}

fn db(error: postgres::Error) -> String {
    format!("database: {error}")
}

impl Shared {
    pub fn connect(url: &str) -> Result<Self, String> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| format!("invalid PostgreSQL URL: {e}"))?;
        let store = Self {
            config,
            idle: Mutex::new(Vec::new()),
            scopes: RwLock::new(HashMap::new()),
            replica: uuid::Uuid::new_v4().to_string(),
        };
        store.with_client(migrate)?;
        store.heartbeat()?;
        Ok(store)
    }

    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Runs `work` on a pooled connection; one that broke is not reused.
    fn with_client<T>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<T, String>,
    ) -> Result<T, String> {
        let pooled = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut client = match pooled {
            Some(client) => client,
            None => self
                .config
                .connect(NoTls)
                .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?,
        };
        let result = work(&mut client);
        if !client.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < MAX_IDLE_CONNECTIONS {
                idle.push(client);
            }
        }
        result
    }

    fn entry(&self, scope: &Scope) -> Arc<Entry> {
        if let Some(entry) = self
            .scopes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(scope)
        {
            return entry.clone();
        }
        self.scopes
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(scope.clone())
            .or_default()
            .clone()
    }

    pub fn read<R>(&self, scope: &Scope, read: impl FnOnce(&ScopeData) -> R) -> R {
        self.try_read(scope, read)
            .unwrap_or_else(|error| panic!("storage failure while reading: {error}"))
    }

    fn try_read<R>(&self, scope: &Scope, read: impl FnOnce(&ScopeData) -> R) -> Result<R, String> {
        let version = self.with_client(|client| current_version(client, scope))?;
        if version == 0 {
            return Ok(read(&ScopeData::default()));
        }
        let entry = self.entry(scope);
        {
            let cached = entry.cached.read().unwrap_or_else(|e| e.into_inner());
            if cached.version >= version {
                return Ok(read(&cached.data));
            }
        }
        let (loaded_version, data) = self.with_client(|client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(db)?;
            let version = current_version(&mut tx, scope)?;
            let data = load_scope(&mut tx, scope)?;
            tx.commit().map_err(db)?;
            Ok((version, data))
        })?;
        {
            let mut cached = entry.cached.write().unwrap_or_else(|e| e.into_inner());
            // Another thread may have installed something newer meanwhile;
            // either is at least as new as the version this read must see.
            if loaded_version > cached.version {
                *cached = Cached {
                    version: loaded_version,
                    data,
                };
            }
        }
        let cached = entry.cached.read().unwrap_or_else(|e| e.into_inner());
        Ok(read(&cached.data))
    }

    pub fn scopes(&self) -> Vec<Scope> {
        let listed = self.with_client(|client| {
            let rows = client
                .query(
                    "SELECT account, region FROM scopes ORDER BY account, region",
                    &[],
                )
                .map_err(db)?;
            Ok(rows
                .iter()
                .map(|row| Scope {
                    account: row.get(0),
                    region: row.get(1),
                })
                .collect())
        });
        listed.unwrap_or_else(|error| {
            tracing::error!(%error, "cannot list scopes");
            Vec::new()
        })
    }

    pub fn write<R, E>(
        &self,
        scope: &Scope,
        decide: impl FnOnce(&ScopeData, u64) -> Result<(R, Vec<Change>), E>,
    ) -> Result<R, WriteError<E>> {
        let entry = self.entry(scope);
        let _writers = entry.writer.lock().unwrap_or_else(|e| e.into_inner());
        let storage = WriteError::Storage;
        let mut rejected = None;
        let committed = self.with_client(|client| {
            let mut tx = client.transaction().map_err(db)?;
            let (version, seq) = lock_scope(&mut tx, scope)?;
            {
                let stale = entry
                    .cached
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .version
                    != version;
                if stale {
                    // The row lock keeps every other writer out, so what
                    // this loads is what the version says.
                    let data = load_scope(&mut tx, scope)?;
                    *entry.cached.write().unwrap_or_else(|e| e.into_inner()) =
                        Cached { version, data };
                }
            }
            let decided = {
                let cached = entry.cached.read().unwrap_or_else(|e| e.into_inner());
                decide(&cached.data, seq)
            };
            let (result, changes) = match decided {
                Ok(decided) => decided,
                Err(error) => {
                    rejected = Some(error);
                    return Ok(None);
                }
            };
            if changes.is_empty() {
                tx.commit().map_err(db)?;
                return Ok(Some((result, changes, version)));
            }
            for change in &changes {
                write_change(&mut tx, scope, change)?;
            }
            tx.execute(
                "UPDATE scopes SET version = version + 1 WHERE account = $1 AND region = $2",
                &[&scope.account, &scope.region],
            )
            .map_err(db)?;
            tx.commit()
                .map_err(|e| format!("database commit failed: {e}"))?;
            Ok(Some((result, changes, version)))
        });
        let (result, changes, version) = match committed.map_err(storage)? {
            Some(done) => done,
            None => return Err(WriteError::Rejected(rejected.expect("rejection kept"))),
        };
        if !changes.is_empty() {
            let mut cached = entry.cached.write().unwrap_or_else(|e| e.into_inner());
            // A reader may already have loaded this commit or a later one.
            if cached.version == version {
                for change in changes {
                    cached.data.apply(change);
                }
                cached.version = version + 1;
            }
        }
        Ok(result)
    }

    /// Renews this replica's lease and returns the replicas whose lease
    /// has not lapsed, this one included. Leases are on the database's
    /// clock, so replicas' clocks need not agree.
    pub fn heartbeat(&self) -> Result<HashSet<String>, String> {
        self.with_client(|client| {
            client
                .execute(
                    "INSERT INTO replicas (id, lease_until) VALUES ($1, now() + make_interval(secs => $2))
                     ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until",
                    &[&self.replica, &LEASE_SECONDS],
                )
                .map_err(db)?;
            client
                .execute(
                    "DELETE FROM replicas WHERE lease_until < now() - interval '1 day'",
                    &[],
                )
                .map_err(db)?;
            let rows = client
                .query("SELECT id FROM replicas WHERE lease_until > now()", &[])
                .map_err(db)?;
            Ok(rows.iter().map(|row| row.get(0)).collect())
        })
    }
}

impl Drop for Shared {
    /// Closing a connection blocks on the driver's own runtime, which must
    /// not happen on an async thread, where the last handle to a server's
    /// store is often dropped: close them on a thread of their own.
    fn drop(&mut self) {
        let clients = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        if !clients.is_empty() {
            std::thread::spawn(move || drop(clients));
        }
    }
}

/// Runs the migrations this database lacks, under a lock so that replicas
/// starting together take turns and find the work done.
fn migrate(client: &mut Client) -> Result<(), String> {
    let mut tx = client.transaction().map_err(db)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
        &[&MIGRATION_LOCK],
    )
    .map_err(db)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .map_err(db)?;
    let done: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .map_err(db)?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if done > known {
        return Err(format!(
            "the database has schema version {done}, newer than this program's {known}; use a newer ssm-server"
        ));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        tx.batch_execute(migration)
            .map_err(|e| format!("migration {} failed: {e}", index + 1))?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&(index as i32 + 1)],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

fn current_version(client: &mut impl GenericClient, scope: &Scope) -> Result<i64, String> {
    let row = client
        .query_opt(
            "SELECT version FROM scopes WHERE account = $1 AND region = $2",
            &[&scope.account, &scope.region],
        )
        .map_err(db)?;
    Ok(row.map_or(0, |row| row.get(0)))
}

/// Locks the scope's row (creating it if needed) and returns its version
/// and a fresh sequence number, taken under the lock so numbers grow in
/// commit order within the scope.
fn lock_scope(client: &mut impl GenericClient, scope: &Scope) -> Result<(i64, u64), String> {
    const LOCK: &str = "SELECT version, nextval('item_seq') FROM scopes
                        WHERE account = $1 AND region = $2 FOR UPDATE";
    let params: [&(dyn postgres::types::ToSql + Sync); 2] = [&scope.account, &scope.region];
    let row = match client.query_opt(LOCK, &params).map_err(db)? {
        Some(row) => row,
        None => {
            client
                .execute(
                    "INSERT INTO scopes (account, region) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &params,
                )
                .map_err(db)?;
            client.query_one(LOCK, &params).map_err(db)?
        }
    };
    let seq: i64 = row.get(1);
    Ok((row.get(0), seq.max(0) as u64))
}

fn load_scope(client: &mut impl GenericClient, scope: &Scope) -> Result<ScopeData, String> {
    let params: [&(dyn postgres::types::ToSql + Sync); 2] = [&scope.account, &scope.region];
    let mut data = ScopeData::default();
    let windows = client
        .query(
            "SELECT body FROM windows WHERE account = $1 AND region = $2 ORDER BY seq",
            &params,
        )
        .map_err(db)?;
    for row in windows {
        data.apply(Change::PutWindow(from_json::<Window>(row.get(0))?));
    }
    let executions = client
        .query(
            "SELECT body FROM executions WHERE account = $1 AND region = $2 ORDER BY start_ms",
            &params,
        )
        .map_err(db)?;
    for row in executions {
        data.apply(Change::PutExecution(from_json::<Execution>(row.get(0))?));
    }
    let tokens = client
        .query(
            "SELECT operation, token, fingerprint, resource_id, created_ms FROM client_tokens
             WHERE account = $1 AND region = $2",
            &params,
        )
        .map_err(db)?;
    for row in tokens {
        let operation: &str = row.get(0);
        let Some(operation) = TOKEN_OPERATIONS.iter().find(|op| **op == operation) else {
            continue;
        };
        data.apply(Change::PutClientToken(ClientToken {
            operation,
            token: row.get(1),
            fingerprint: row.get(2),
            resource_id: row.get(3),
            created_ms: row.get(4),
        }));
    }
    Ok(data)
}

fn write_change(
    client: &mut impl GenericClient,
    scope: &Scope,
    change: &Change,
) -> Result<(), String> {
    let (account, region) = (&scope.account, &scope.region);
    let done = match change {
        Change::PutWindow(window) => client.execute(
            "INSERT INTO windows (account, region, id, seq, body) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, region, id) DO UPDATE SET seq = excluded.seq, body = excluded.body",
            &[account, region, &window.id, &(window.seq as i64), &to_json(window)?],
        ),
        Change::DeleteWindow(id) => client.execute(
            "DELETE FROM windows WHERE account = $1 AND region = $2 AND id = $3",
            &[account, region, id],
        ),
        Change::PutExecution(execution) => client.execute(
            "INSERT INTO executions (account, region, id, window_id, start_ms, body) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account, region, id) DO UPDATE SET body = excluded.body",
            &[
                account,
                region,
                &execution.id,
                &execution.window_id,
                &execution.start.unix_millis(),
                &to_json(execution)?,
            ],
        ),
        Change::DeleteExecution(id) => client.execute(
            "DELETE FROM executions WHERE account = $1 AND region = $2 AND id = $3",
            &[account, region, id],
        ),
        Change::PutClientToken(token) => client.execute(
            "INSERT INTO client_tokens (account, region, operation, token, fingerprint, resource_id, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (account, region, operation, token) DO UPDATE
             SET fingerprint = excluded.fingerprint, resource_id = excluded.resource_id, created_ms = excluded.created_ms",
            &[
                account,
                region,
                &token.operation,
                &token.token,
                &token.fingerprint,
                &token.resource_id,
                &token.created_ms,
            ],
        ),
        Change::ExpireClientTokens { before_ms } => client.execute(
            "DELETE FROM client_tokens WHERE account = $1 AND region = $2 AND created_ms < $3",
            &[account, region, before_ms],
        ),
    };
    done.map(drop)
        .map_err(|e| format!("database write failed: {e}"))
}

fn to_json<T: serde::Serialize>(record: &T) -> Result<String, String> {
    serde_json::to_string(record).map_err(|e| format!("cannot encode a record: {e}"))
}

fn from_json<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|e| format!("unreadable record in the database: {e}"))
}
