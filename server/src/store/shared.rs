//! The PostgreSQL backend, for several replicas on one database.
//!
//! Each scope has a row in `scopes` whose `version` every write bumps. A
//! replica caches each scope's data with the version it was loaded at:
//! - a write locks the scope's row (`SELECT … FOR UPDATE`), catches its
//!   cache up if the version moved, decides, writes its changes and the new
//!   version, commits, and only then updates the cache. Writers of one scope
//!   are therefore serialized across replicas by PostgreSQL itself, so
//!   quotas, ClientTokens and read-modify-write updates hold globally;
//! - a read asks for the scope's version (one round trip) and catches its
//!   cache up first if it is older, so it sees every write acknowledged
//!   before it started, by any replica.
//!
//! Catching up reads only what changed after the cache's version: each row
//! carries the version of the write that last put it, and removals are
//! logged with theirs.
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
use std::time::{Duration, Instant};

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
        version BIGINT NOT NULL,
        PRIMARY KEY (account, region, id)
    );
    CREATE INDEX windows_by_version ON windows (account, region, version);
    CREATE TABLE executions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        window_id TEXT NOT NULL,
        start_ms BIGINT NOT NULL,
        body TEXT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (account, region, id)
    );
    CREATE INDEX executions_by_window ON executions (account, region, window_id, start_ms);
    CREATE INDEX executions_by_version ON executions (account, region, version);
    CREATE TABLE client_tokens (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        operation TEXT NOT NULL,
        token TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (account, region, operation, token)
    );
    CREATE INDEX client_tokens_by_version ON client_tokens (account, region, version);
    -- What writes removed, so a replica catches up from its version without
    -- reloading the scope: kind is window, execution or tokens_before (id =
    -- the expiry bound in Unix milliseconds). Kept an hour (see CATCH_UP_FOR).
    CREATE TABLE removals (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        version BIGINT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        removed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX removals_by_version ON removals (account, region, version);
    CREATE INDEX removals_by_age ON removals (removed_at);
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
    /// When the data was last brought to a version (`None`: never). A copy
    /// older than [`CATCH_UP_FOR`] may miss removals already forgotten, so
    /// it is reloaded whole instead.
    synced: Option<Instant>,
}

impl Cached {
    /// How to bring this copy to the database's state.
    fn since(&self) -> Since {
        match self.synced {
            Some(at) if self.version > 0 && at.elapsed() < CATCH_UP_FOR => {
                Since::Version(self.version)
            }
            _ => Since::Start,
        }
    }

    /// Brings the copy from the version `since` was taken at to `version`,
    /// unless another thread already brought it there or further. Applying
    /// rows as of `version` onto any copy between the two gives the state at
    /// `version`: every row changed after `since` is among them.
    fn catch_up(&mut self, since: Since, version: i64, changes: Vec<Change>) {
        let applies = match since {
            Since::Start => self.version < version,
            Since::Version(from) => self.version >= from && self.version < version,
        };
        if !applies {
            return;
        }
        if since == Since::Start {
            self.data = ScopeData::default();
        }
        for change in changes {
            self.data.apply(change);
        }
        self.version = version;
        self.synced = Some(Instant::now());
    }
}

/// What a catch-up reads: everything, or what changed after a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Since {
    Start,
    Version(i64),
}

/// Removals are kept this long on the database's clock; a copy is caught
/// up from its version only if it was synced less than half of it ago on
/// this replica's clock, so clocks running at slightly different rates
/// cannot lose one.
const REMOVALS_KEPT: &str = "1 hour";
const CATCH_UP_FOR: Duration = Duration::from_secs(30 * 60);

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
        let since = entry
            .cached
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .since();
        let (loaded_version, changes) = self.with_client(|client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(db)?;
            let version = current_version(&mut tx, scope)?;
            let changes = changes_since(&mut tx, scope, since)?;
            tx.commit().map_err(db)?;
            Ok((version, changes))
        })?;
        // Another thread may have brought the copy this far or further
        // meanwhile; either way it is at least as new as this read must see.
        entry
            .cached
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .catch_up(since, loaded_version, changes);
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
            let since = {
                let cached = entry.cached.read().unwrap_or_else(|e| e.into_inner());
                (cached.version != version).then(|| cached.since())
            };
            if let Some(since) = since {
                // The row lock keeps every other writer out, so what this
                // reads is the state the version names.
                let changes = changes_since(&mut tx, scope, since)?;
                entry
                    .cached
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .catch_up(since, version, changes);
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
                write_change(&mut tx, scope, version + 1, change)?;
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
                cached.synced = Some(Instant::now());
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
            client
                .execute(
                    &format!("DELETE FROM removals WHERE removed_at < now() - interval '{REMOVALS_KEPT}'"),
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

/// The changes that bring a copy of the scope from `since` to the state
/// this transaction sees: every row written after it, then every removal.
fn changes_since(
    client: &mut impl GenericClient,
    scope: &Scope,
    since: Since,
) -> Result<Vec<Change>, String> {
    let after = match since {
        Since::Start => 0,
        Since::Version(version) => version,
    };
    let params: [&(dyn postgres::types::ToSql + Sync); 3] = [&scope.account, &scope.region, &after];
    let mut changes = Vec::new();
    let windows = client
        .query(
            "SELECT body FROM windows WHERE account = $1 AND region = $2 AND version > $3 ORDER BY seq",
            &params,
        )
        .map_err(db)?;
    for row in windows {
        changes.push(Change::PutWindow(from_json::<Window>(row.get(0))?));
    }
    let executions = client
        .query(
            "SELECT body FROM executions WHERE account = $1 AND region = $2 AND version > $3 ORDER BY start_ms",
            &params,
        )
        .map_err(db)?;
    for row in executions {
        changes.push(Change::PutExecution(from_json::<Execution>(row.get(0))?));
    }
    let tokens = client
        .query(
            "SELECT operation, token, fingerprint, resource_id, created_ms FROM client_tokens
             WHERE account = $1 AND region = $2 AND version > $3",
            &params,
        )
        .map_err(db)?;
    for row in tokens {
        let operation: &str = row.get(0);
        let Some(operation) = TOKEN_OPERATIONS.iter().find(|op| **op == operation) else {
            continue;
        };
        changes.push(Change::PutClientToken(ClientToken {
            operation,
            token: row.get(1),
            fingerprint: row.get(2),
            resource_id: row.get(3),
            created_ms: row.get(4),
        }));
    }
    if since == Since::Start {
        return Ok(changes);
    }
    let removals = client
        .query(
            "SELECT kind, id FROM removals WHERE account = $1 AND region = $2 AND version > $3 ORDER BY version",
            &params,
        )
        .map_err(db)?;
    for row in removals {
        let (kind, id): (&str, String) = (row.get(0), row.get(1));
        changes.push(match kind {
            "window" => Change::DeleteWindow(id),
            "execution" => Change::DeleteExecution(id),
            "tokens_before" => Change::ExpireClientTokens {
                before_ms: id.parse().map_err(|_| format!("unreadable removal {id}"))?,
            },
            other => return Err(format!("unknown removal kind {other}")),
        });
    }
    Ok(changes)
}

/// Writes one change as part of the write that makes the scope `version`.
fn write_change(
    client: &mut impl GenericClient,
    scope: &Scope,
    version: i64,
    change: &Change,
) -> Result<(), String> {
    let (account, region) = (&scope.account, &scope.region);
    let removal = |client: &mut _, kind: &str, id: &str| {
        GenericClient::execute(
            client,
            "INSERT INTO removals (account, region, version, kind, id) VALUES ($1, $2, $3, $4, $5)",
            &[account, region, &version, &kind, &id],
        )
    };
    let done = match change {
        Change::PutWindow(window) => client.execute(
            "INSERT INTO windows (account, region, id, seq, body, version) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account, region, id) DO UPDATE
             SET seq = excluded.seq, body = excluded.body, version = excluded.version",
            &[account, region, &window.id, &(window.seq as i64), &to_json(window)?, &version],
        ),
        Change::DeleteWindow(id) => client
            .execute(
                "DELETE FROM windows WHERE account = $1 AND region = $2 AND id = $3",
                &[account, region, id],
            )
            .and_then(|_| removal(client, "window", id)),
        Change::PutExecution(execution) => client.execute(
            "INSERT INTO executions (account, region, id, window_id, start_ms, body, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (account, region, id) DO UPDATE SET body = excluded.body, version = excluded.version",
            &[
                account,
                region,
                &execution.id,
                &execution.window_id,
                &execution.start.unix_millis(),
                &to_json(execution)?,
                &version,
            ],
        ),
        Change::DeleteExecution(id) => client
            .execute(
                "DELETE FROM executions WHERE account = $1 AND region = $2 AND id = $3",
                &[account, region, id],
            )
            .and_then(|_| removal(client, "execution", id)),
        Change::PutClientToken(token) => client.execute(
            "INSERT INTO client_tokens (account, region, operation, token, fingerprint, resource_id, created_ms, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (account, region, operation, token) DO UPDATE
             SET fingerprint = excluded.fingerprint, resource_id = excluded.resource_id,
                 created_ms = excluded.created_ms, version = excluded.version",
            &[
                account,
                region,
                &token.operation,
                &token.token,
                &token.fingerprint,
                &token.resource_id,
                &token.created_ms,
                &version,
            ],
        ),
        Change::ExpireClientTokens { before_ms } => client
            .execute(
                "DELETE FROM client_tokens WHERE account = $1 AND region = $2 AND created_ms < $3",
                &[account, region, before_ms],
            )
            .and_then(|_| removal(client, "tokens_before", &before_ms.to_string())),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str, created_ms: i64) -> Change {
        Change::PutClientToken(ClientToken {
            operation: TOKEN_OPERATIONS[0],
            token: name.into(),
            fingerprint: "f".into(),
            resource_id: format!("mw-{name}"),
            created_ms,
        })
    }

    fn tokens(cached: &Cached) -> Vec<String> {
        let mut names: Vec<String> = cached
            .data
            .client_tokens
            .keys()
            .map(|(_, t)| t.clone())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_copy_catches_up_from_its_version_and_never_goes_back() {
        let mut cached = Cached::default();
        assert_eq!(
            cached.since(),
            Since::Start,
            "never loaded: read everything"
        );
        cached.catch_up(Since::Start, 3, vec![token("a", 10), token("b", 20)]);
        assert_eq!(
            (cached.version, tokens(&cached)),
            (3, vec!["a".into(), "b".into()])
        );
        assert_eq!(cached.since(), Since::Version(3));

        // What changed after 3: a new token, and tokens before 15 expired.
        cached.catch_up(
            Since::Version(3),
            5,
            vec![token("c", 30), Change::ExpireClientTokens { before_ms: 15 }],
        );
        assert_eq!(
            (cached.version, tokens(&cached)),
            (5, vec!["b".into(), "c".into()])
        );

        // A slower reader's catch-up to 4, or a stale delta from 3, changes nothing.
        cached.catch_up(Since::Version(3), 4, vec![token("a", 10)]);
        cached.catch_up(Since::Start, 4, vec![token("a", 10)]);
        assert_eq!(
            (cached.version, tokens(&cached)),
            (5, vec!["b".into(), "c".into()])
        );

        // A delta taken before this copy moved on from 4 still lands on it.
        cached.catch_up(Since::Version(4), 6, vec![token("d", 40)]);
        assert_eq!(cached.version, 6);
        assert!(tokens(&cached).contains(&"d".to_owned()));

        // A delta from a version after this copy's would skip writes: refused.
        cached.catch_up(Since::Version(7), 8, vec![token("e", 50)]);
        assert_eq!(cached.version, 6);
    }
}
