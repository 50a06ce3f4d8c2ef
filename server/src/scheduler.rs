//! The background scheduler: starts each enabled window's runs at their
//! times, records overlapping runs as skipped, and forgets old history.
//!
//! It works from a clock, not from timers: each [`Scheduler::tick`] starts
//! every run due since the previous tick. The server ticks every second on
//! the real clock; tests move a manual clock and tick, running days of
//! schedule in milliseconds. Runs missed while the server was down are not
//! back-filled: the first tick looks back only to the start of the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use smithy_runtime::Timestamp;

use crate::domain::{latest_run, plan, skipped, window_schedule, Domain, Scope};
use crate::store::Change;

/// At most this many runs of one window are started by a single tick, so a
/// large jump of a test clock cannot stall the server.
const MAX_RUNS_PER_TICK: usize = 1000;

pub struct Scheduler {
    domain: Arc<Domain>,
    marks: Mutex<Marks>,
    history: TimeDelta,
}

/// How far each scope's runs are recorded. Held for the whole tick, so two
/// ticks never record the same interval.
struct Marks {
    /// The last tick's time (at first, the process start): where a scope
    /// without a mark of its own starts looking.
    everyone: DateTime<Utc>,
    /// Scopes whose last write failed, with where their unrecorded interval
    /// starts: the next tick records those runs instead of dropping them.
    behind: HashMap<Scope, DateTime<Utc>>,
}

impl Scheduler {
    pub fn new(domain: Arc<Domain>, history: TimeDelta) -> Self {
        let now = domain.clock.now();
        Self {
            domain,
            marks: Mutex::new(Marks {
                everyone: now,
                behind: HashMap::new(),
            }),
            history,
        }
    }

    /// Records the runs due in (previous tick, now], started or skipped as
    /// overlapping; returns how many. The interval of a scope whose write
    /// failed stays open until a tick records it.
    pub fn tick(&self) -> usize {
        let now = self.domain.clock.now();
        let mut marks = self.marks.lock().unwrap_or_else(|e| e.into_inner());
        let mut recorded = 0;
        for scope in self.domain.store.scopes() {
            let since = marks.behind.get(&scope).copied().unwrap_or(marks.everyone);
            match self.tick_scope(&scope, since, now) {
                Ok(count) => {
                    recorded += count;
                    marks.behind.remove(&scope);
                }
                Err(error) => {
                    tracing::error!(%error, region = %scope.region, "scheduler could not record runs; retrying on the next tick");
                    marks.behind.insert(scope, since);
                }
            }
        }
        marks.everyone = now;
        recorded
    }

    /// With replicas sharing a database: renews this replica's lease and
    /// closes the runs of replicas whose lease lapsed, by the rule a restart
    /// applies to its own. With SQLite, a restart does that once at start.
    pub fn close_orphaned_runs(&self) {
        if self.domain.store.replica().is_none() {
            return;
        }
        match self.domain.recover_interrupted_runs() {
            Ok(0) => {}
            Ok(closed) => tracing::warn!(closed, "closed runs of a replica that stopped"),
            Err(error) => tracing::error!(%error, "cannot close runs of stopped replicas"),
        }
    }

    fn tick_scope(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, String> {
        let oldest_kept = Timestamp::from(now - self.history);
        // Find the work under the shared lock, so requests keep flowing; most
        // ticks find none and never take the exclusive one.
        let (due, expired) = self.domain.store.read(scope, |data| {
            let due: Vec<(String, Vec<Timestamp>)> = data
                .window_order
                .values()
                .filter_map(|id| data.windows.get(id))
                .filter(|w| w.enabled)
                .filter_map(|w| {
                    let schedule = window_schedule(w).ok()?;
                    let times: Vec<Timestamp> = schedule
                        .occurrences_after(since)
                        .take_while(|t| *t <= now)
                        .take(MAX_RUNS_PER_TICK)
                        .map(|t| Timestamp::from(t.with_timezone(&Utc)))
                        .collect();
                    (!times.is_empty()).then(|| (w.id.clone(), times))
                })
                .collect();
            let expired: Vec<String> = data
                .executions
                .values()
                .filter(|e| e.start < oldest_kept)
                .map(|e| e.id.clone())
                .collect();
            (due, expired)
        });
        if due.is_empty() && expired.is_empty() {
            return Ok(0);
        }
        let runner = self.domain.store.replica().map(str::to_owned);
        let result = self.domain.store.write(scope, |data, _| {
            let mut changes: Vec<Change> = expired.into_iter().map(Change::DeleteExecution).collect();
            let mut recorded = 0;
            for (window_id, times) in &due {
                // The window may have changed since the scan; it is still the
                // one to run if it exists.
                let Some(window) = data.window(window_id) else { continue };
                // The end of this window's latest run, to detect overlaps.
                let mut busy_until = latest_run(data, &window.id).and_then(|e| e.end);
                for at in times {
                    // Another replica sharing the database may have recorded
                    // this run already: each is recorded once, by whichever
                    // writes first under the scope's lock.
                    if recorded_at(data, &window.id, *at) {
                        continue;
                    }
                    if busy_until.is_some_and(|end| end > *at) {
                        changes.push(Change::PutExecution(skipped(window, *at)));
                        recorded += 1;
                        continue;
                    }
                    let mut execution = plan(window, *at, &self.domain.simulation);
                    execution.runner = runner.clone();
                    busy_until = execution.end;
                    tracing::info!(window = %window.id, execution = %execution.id, "maintenance window run started");
                    changes.push(Change::PutExecution(execution));
                    recorded += 1;
                }
            }
            Ok::<_, std::convert::Infallible>((recorded, changes))
        });
        result.map_err(|e| format!("{e:?}"))
    }
}

/// Whether `window_id` has a run recorded as starting at `at`.
fn recorded_at(data: &crate::store::ScopeData, window_id: &str, at: Timestamp) -> bool {
    let at_ms = at.unix_millis();
    data.executions_by_window
        .range((window_id.to_owned(), at_ms, String::new())..)
        .next()
        .is_some_and(|((w, start, _), _)| w == window_id && *start == at_ms)
}
