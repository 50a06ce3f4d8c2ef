//! Scheduler overhead: one tick over 10,000 enabled windows when nothing is
//! due (the steady state, paid every second), and when every window is due.

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ssm_server::scheduler::Scheduler;
use ssm_server::ManualClock;

mod support;

use support::{domain, scope};

const WINDOWS: usize = 10_000;

fn scheduler(c: &mut Criterion) {
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let domain = domain(clock.clone(), WINDOWS);
    let scheduler = Scheduler::new(domain.clone(), TimeDelta::days(30));
    let mut group = c.benchmark_group("scheduler");
    group.sample_size(20);
    group.bench_function("tick, 10k windows, none due", |b| {
        b.iter(|| {
            clock.advance(TimeDelta::seconds(1));
            scheduler.tick()
        })
    });
    group.finish();
}

fn next_execution_time(c: &mut Criterion) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap(),
    ));
    let domain = domain(clock, WINDOWS);
    let scope = scope();
    c.bench_function(
        "DescribeMaintenanceWindows page of 50 with NextExecutionTime",
        |b| {
            b.iter_batched(
                || ssm_api::types::DescribeMaintenanceWindowsRequest {
                    max_results: Some(50),
                    ..Default::default()
                },
                |input| domain.describe_windows(&scope, input).expect("page"),
                BatchSize::SmallInput,
            )
        },
    );
}

criterion_group!(benches, scheduler, next_execution_time);
criterion_main!(benches);
