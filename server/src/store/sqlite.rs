//! The SQLite side of the store: schema, migrations, load and commit.

use std::path::Path;

use rusqlite::{params, Connection};

use super::{Change, ClientToken, Execution, Scope, Window};

/// Migrations in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE windows (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (account, region, id)
    );
    CREATE TABLE executions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        window_id TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
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
        PRIMARY KEY (account, region, operation, token)
    );
",
    "
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
",
    "
    -- Tokens now keep a digest of the request and expire. Rows from before
    -- held the whole request, sensitive members included, and no age: they
    -- are dropped, which forgets tokens first used before the upgrade.
    DELETE FROM client_tokens;
    ALTER TABLE client_tokens ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX client_tokens_by_age ON client_tokens (account, region, created_ms);
",
];

/// Operations that take a client token; stored names map back to these.
pub(super) const TOKEN_OPERATIONS: &[&str] = &[
    "CreateMaintenanceWindow",
    "RegisterTargetWithMaintenanceWindow",
    "RegisterTaskWithMaintenanceWindow",
];

pub struct Db {
    connection: Connection,
}

impl Db {
    pub fn open(path: &Path, durable: bool) -> Result<Self, String> {
        let connection = Connection::open(path)
            .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
        let synchronous = if durable { "FULL" } else { "NORMAL" };
        connection
            .execute_batch(&format!("PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"))
            .map_err(|e| format!("cannot configure database: {e}"))?;
        let mut db = Self { connection };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&mut self) -> Result<(), String> {
        let version: usize = self
            .connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| format!("cannot read schema version: {e}"))?;
        if version > MIGRATIONS.len() {
            return Err(format!(
                "the database has schema version {version}, newer than this program's {}; use a newer ssm-server",
                MIGRATIONS.len()
            ));
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.connection.transaction().map_err(|e| e.to_string())?;
            tx.execute_batch(migration)
                .map_err(|e| format!("migration {} failed: {e}", index + 1))?;
            tx.pragma_update(None, "user_version", index + 1)
                .map_err(|e| e.to_string())?;
            tx.commit().map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    pub fn load_windows(&self) -> Result<Vec<(Scope, Window)>, String> {
        self.load("SELECT account, region, body FROM windows ORDER BY seq")
    }

    pub fn load_executions(&self) -> Result<Vec<(Scope, Execution)>, String> {
        self.load("SELECT account, region, body FROM executions ORDER BY start_ms")
    }

    fn load<T: serde::de::DeserializeOwned>(&self, sql: &str) -> Result<Vec<(Scope, T)>, String> {
        let mut statement = self.connection.prepare(sql).map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for row in rows {
            let (account, region, body) = row.map_err(|e| e.to_string())?;
            let record = serde_json::from_str(&body)
                .map_err(|e| format!("unreadable record in the database: {e}"))?;
            out.push((Scope { account, region }, record));
        }
        Ok(out)
    }

    /// The next sequence number to hand out, as last committed (0 in a
    /// database written before it was kept).
    pub fn load_next_seq(&self) -> Result<u64, String> {
        let stored: Option<i64> = self
            .connection
            .query_row(
                "SELECT value FROM counters WHERE name = 'next_seq'",
                [],
                |row| row.get(0),
            )
            .map_or_else(
                |e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(format!("cannot read the sequence counter: {e}")),
                },
                |v| Ok(Some(v)),
            )?;
        Ok(stored.map_or(0, |v| v.max(0) as u64))
    }

    pub fn load_client_tokens(&self) -> Result<Vec<(Scope, ClientToken)>, String> {
        let mut statement = self
            .connection
            .prepare("SELECT account, region, operation, token, fingerprint, resource_id, created_ms FROM client_tokens")
            .map_err(|e| e.to_string())?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    Scope {
                        account: row.get(0)?,
                        region: row.get(1)?,
                    },
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, i64>(6)?,
                ))
            })
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for row in rows {
            let (scope, operation, token, fingerprint, resource_id, created_ms) =
                row.map_err(|e| e.to_string())?;
            let Some(operation) = TOKEN_OPERATIONS.iter().find(|op| **op == operation) else {
                continue;
            };
            out.push((
                scope,
                ClientToken {
                    operation,
                    token,
                    fingerprint,
                    resource_id,
                    created_ms,
                },
            ));
        }
        Ok(out)
    }

    /// Writes `changes` and the sequence counter in one transaction, so a
    /// number handed out is never handed out again, even after the item that
    /// held it is deleted and the server restarts.
    pub fn commit(
        &mut self,
        scope: &Scope,
        changes: &[Change],
        next_seq: u64,
    ) -> Result<(), String> {
        let tx = self.connection.transaction().map_err(|e| e.to_string())?;
        tx.execute(
            "INSERT INTO counters (name, value) VALUES ('next_seq', ?1)
             ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            params![next_seq as i64],
        )
        .map_err(|e| format!("database write failed: {e}"))?;
        let (account, region) = (&scope.account, &scope.region);
        for change in changes {
            let done = match change {
                Change::PutWindow(window) => tx.execute(
                    "INSERT INTO windows (account, region, id, seq, body) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (account, region, id) DO UPDATE SET seq = excluded.seq, body = excluded.body",
                    params![account, region, window.id, window.seq as i64, to_json(window)?],
                ),
                Change::DeleteWindow(id) => {
                    tx.execute("DELETE FROM windows WHERE account = ?1 AND region = ?2 AND id = ?3", params![account, region, id])
                }
                Change::PutExecution(execution) => tx.execute(
                    "INSERT INTO executions (account, region, id, window_id, start_ms, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (account, region, id) DO UPDATE SET body = excluded.body",
                    params![account, region, execution.id, execution.window_id, execution.start.unix_millis(), to_json(execution)?],
                ),
                Change::DeleteExecution(id) => tx
                    .execute("DELETE FROM executions WHERE account = ?1 AND region = ?2 AND id = ?3", params![account, region, id]),
                Change::PutClientToken(token) => tx.execute(
                    "INSERT OR REPLACE INTO client_tokens (account, region, operation, token, fingerprint, resource_id, created_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![account, region, token.operation, token.token, token.fingerprint, token.resource_id, token.created_ms],
                ),
                Change::ExpireClientTokens { before_ms } => tx.execute(
                    "DELETE FROM client_tokens WHERE account = ?1 AND region = ?2 AND created_ms < ?3",
                    params![account, region, before_ms],
                ),
            };
            done.map_err(|e| format!("database write failed: {e}"))?;
        }
        tx.commit()
            .map_err(|e| format!("database commit failed: {e}"))
    }

    /// For tests: the stored schema version.
    #[cfg(test)]
    pub fn schema_version(&self) -> Option<usize> {
        self.connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .ok()
    }
}

fn to_json<T: serde::Serialize>(record: &T) -> Result<String, String> {
    serde_json::to_string(record).map_err(|e| format!("cannot encode a record: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_record_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ssm.db");
        let first = Db::open(&path, true).unwrap();
        assert_eq!(first.schema_version(), Some(MIGRATIONS.len()));
        drop(first);
        let again = Db::open(&path, true).unwrap();
        assert_eq!(again.schema_version(), Some(MIGRATIONS.len()));
    }
}
