//! The maintenance-window rules, independent of HTTP and of the wire: each
//! operation reads or writes the [`Store`] and answers with API types.

mod executions;
mod fault;
mod filters;
mod ids;
mod paging;
mod runs;
mod schedule;
mod tags;
mod targets;
mod tasks;
mod windows;

use std::sync::Arc;

pub use fault::{fail, Fault};
pub use runs::{latest_run, plan, skipped, Simulation};
pub use schedule::{next_execution_time, runs_between, window_schedule};

use crate::clock::Clock;
pub use crate::store::Scope;
use crate::store::{Change, ClientToken, ScopeData, Store, WriteError};

/// Quotas per account and Region (AWS's defaults unless configured).
#[derive(Clone, Debug)]
pub struct Limits {
    pub windows: usize,
    pub targets_per_window: usize,
    pub tasks_per_window: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            windows: 50,
            targets_per_window: 100,
            tasks_per_window: 20,
        }
    }
}

pub struct Domain {
    pub store: Arc<Store>,
    pub limits: Limits,
    pub clock: Arc<dyn Clock>,
    pub simulation: Simulation,
}

impl Domain {
    /// Closes runs that were under way when the server last stopped: their
    /// simulated work did not happen, so they end FAILED, saying why. With
    /// several replicas on one database, "the server" is the run's replica:
    /// runs of replicas still alive are left to them.
    pub fn recover_interrupted_runs(&self) -> Result<usize, String> {
        let live = self.store.live_replicas()?;
        let now = smithy_runtime::Timestamp::from(self.clock.now());
        let orphaned = |e: &&crate::store::Execution| {
            e.end.is_some_and(|end| end > now)
                && e.start <= now
                && !e.runner.as_ref().is_some_and(|r| live.contains(r))
        };
        let mut closed = 0;
        for scope in self.store.scopes() {
            // Most scopes have nothing to close; look before taking the
            // write lock, which with PostgreSQL is a row lock.
            if !self.store.read(&scope, |data| {
                data.executions.values().any(|e| orphaned(&e))
            }) {
                continue;
            }
            let result = self.store.write(&scope, |data, _| {
                let changes: Vec<Change> = data
                    .executions
                    .values()
                    .filter(orphaned)
                    .map(|e| {
                        let mut e = e.clone();
                        runs::interrupt(&mut e, now);
                        Change::PutExecution(e)
                    })
                    .collect();
                Ok::<_, std::convert::Infallible>((changes.len(), changes))
            });
            closed += result.map_err(|e| format!("cannot close interrupted runs: {e:?}"))?;
        }
        Ok(closed)
    }

    fn read<R>(&self, scope: &Scope, read: impl FnOnce(&ScopeData) -> R) -> R {
        self.store.read(scope, read)
    }

    fn write<R>(
        &self,
        scope: &Scope,
        decide: impl FnOnce(&ScopeData, u64) -> Result<(R, Vec<Change>), Fault>,
    ) -> Result<R, Fault> {
        self.store.write(scope, decide).map_err(|e| match e {
            WriteError::Rejected(fault) => fault,
            WriteError::Storage(message) => {
                tracing::error!(%message, "storage failure");
                Fault::storage()
            }
        })
    }
}

/// How long a `ClientToken` is remembered after its first use. AWS documents
/// no lifetime for SSM's tokens; a day covers any SDK's retries many times
/// over, and bounds what the store keeps to a day of creates.
pub const CLIENT_TOKEN_RETENTION_HOURS: i64 = 24;

impl Domain {
    /// Runs `create` at most once per client token. A retry with the same
    /// parameters gets the first call's id back, a reuse with other
    /// parameters `IdempotentParameterMismatch`; a SHA-256 digest of
    /// `request` (without its token) tells the two apart, so no request
    /// values, sensitive ones included, are kept.
    fn once<T: serde::Serialize>(
        &self,
        data: &ScopeData,
        operation: &'static str,
        token: Option<String>,
        request: &T,
        create: impl FnOnce() -> Result<(String, Vec<Change>), Fault>,
    ) -> Result<(String, Vec<Change>), Fault> {
        let Some(token) = token else {
            return create();
        };
        let now_ms = self.clock.now().timestamp_millis();
        let expired_before = now_ms.saturating_sub(CLIENT_TOKEN_RETENTION_HOURS * 60 * 60 * 1000);
        let json = serde_json::to_vec(request).map_err(|e| Fault::Internal(e.to_string()))?;
        let fingerprint = digest(&json);
        let seen = data
            .client_tokens
            .get(&(operation, token.clone()))
            .filter(|seen| seen.created_ms >= expired_before);
        if let Some(seen) = seen {
            return if seen.fingerprint == fingerprint {
                Ok((seen.resource_id.clone(), Vec::new()))
            } else {
                Err(Fault::IdempotencyMismatch)
            };
        }
        let (id, mut changes) = create()?;
        // Expired tokens are dropped by the writes that add new ones, so
        // what is kept stays bounded by a day of creates per scope.
        if data
            .client_tokens_by_age
            .first()
            .is_some_and(|oldest| oldest.0 < expired_before)
        {
            changes.push(Change::ExpireClientTokens {
                before_ms: expired_before,
            });
        }
        changes.push(Change::PutClientToken(ClientToken {
            operation,
            token,
            fingerprint,
            resource_id: id.clone(),
            created_ms: now_ms,
        }));
        Ok((id, changes))
    }
}

/// Lower-case hex SHA-256: stable across releases and platforms, unlike
/// std's hashers, because it is persisted.
fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The window `id` of the scope, or AWS's DoesNotExistException.
fn find_window<'d>(data: &'d ScopeData, id: &str) -> Result<&'d crate::store::Window, Fault> {
    data.window(id).ok_or_else(|| Fault::window_not_found(id))
}

/// An Update* field: a given value replaces the stored one; with
/// `Replace=true` an omitted one clears it.
fn merge<T>(current: &mut Option<T>, given: Option<T>, replace: bool) {
    if given.is_some() || replace {
        *current = given;
    }
}

/// The message AWS's validator uses for members that must be present.
fn missing_members(names: &[&str]) -> Option<Fault> {
    let items: Vec<String> = names
        .iter()
        .map(|name| {
            format!("Value null at '{name}' failed to satisfy constraint: Member must not be null")
        })
        .collect();
    match items.len() {
        0 => None,
        1 => Some(Fault::Validation(format!(
            "1 validation error detected: {}",
            items[0]
        ))),
        n => Some(Fault::Validation(format!(
            "{n} validation errors detected: {}",
            items.join("; ")
        ))),
    }
}
