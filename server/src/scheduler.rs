//! The background scheduler: starts each enabled window's runs at their
//! times, records overlapping runs as skipped, and forgets old history.
//!
//! It works from a clock, not from timers: each [`Scheduler::tick`] starts
//! every run due since the previous tick. The server ticks every second on
//! the real clock; tests move a manual clock and tick, running days of
//! schedule in milliseconds. Runs missed while the server was down are not
//! back-filled: the first tick looks back only to the start of the process.

use std::sync::{Arc, Mutex};

use awsjson_runtime::Timestamp;
use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::{plan, skipped, window_schedule, Domain, Scope};
use crate::store::Change;

/// At most this many runs of one window are started by a single tick, so a
/// large jump of a test clock cannot stall the server.
const MAX_RUNS_PER_TICK: usize = 1000;

pub struct Scheduler {
    domain: Arc<Domain>,
    last_tick: Mutex<DateTime<Utc>>,
    history: TimeDelta,
}

impl Scheduler {
    pub fn new(domain: Arc<Domain>, history: TimeDelta) -> Self {
        let now = domain.clock.now();
        Self {
            domain,
            last_tick: Mutex::new(now),
            history,
        }
    }

    /// Starts the runs due in (previous tick, now]; returns how many.
    pub fn tick(&self) -> usize {
        let now = self.domain.clock.now();
        let since = {
            let mut last = self.last_tick.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *last, now)
        };
        let mut started = 0;
        for scope in self.domain.store.scopes() {
            started += self.tick_scope(&scope, since, now);
        }
        started
    }

    fn tick_scope(&self, scope: &Scope, since: DateTime<Utc>, now: DateTime<Utc>) -> usize {
        let oldest_kept = Timestamp::from(now - self.history);
        let result = self.domain.store.write(scope, |data, _| {
            let mut changes = Vec::new();
            for window in data.window_order.values().filter_map(|id| data.windows.get(id)) {
                if !window.enabled {
                    continue;
                }
                let Ok(schedule) = window_schedule(window) else { continue };
                // The end of this window's latest run, to detect overlaps.
                let mut busy_until = data
                    .executions_by_window
                    .range((window.id.clone(), i64::MIN, String::new())..)
                    .take_while(|((w, _, _), _)| *w == window.id)
                    .filter_map(|((_, _, id), _)| data.executions.get(id))
                    .filter_map(|e| e.end)
                    .max();
                for due in schedule.occurrences_after(since).take_while(|t| *t <= now).take(MAX_RUNS_PER_TICK) {
                    let at = Timestamp::from(due.with_timezone(&Utc));
                    if busy_until.is_some_and(|end| end > at) {
                        changes.push(Change::PutExecution(skipped(window, at)));
                        continue;
                    }
                    let execution = plan(window, at, &self.domain.simulation);
                    busy_until = execution.end;
                    tracing::info!(window = %window.id, execution = %execution.id, "maintenance window run started");
                    changes.push(Change::PutExecution(execution));
                }
            }
            for execution in data.executions.values().filter(|e| e.start < oldest_kept) {
                changes.push(Change::DeleteExecution(execution.id.clone()));
            }
            let started = changes.iter().filter(|c| matches!(c, Change::PutExecution(_))).count();
            Ok::<_, std::convert::Infallible>((started, changes))
        });
        result.unwrap_or_else(|e| {
            tracing::error!(error = ?e, "scheduler could not record runs");
            0
        })
    }
}
