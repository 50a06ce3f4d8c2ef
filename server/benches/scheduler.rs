//! Scheduler overhead: one tick over 10,000 enabled windows when nothing is
//! due (the steady state, paid every second), and when every window is due.

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ssm_api::types::CreateMaintenanceWindowRequest;
use ssm_server::domain::{Domain, Limits, Scope, Simulation};
use ssm_server::scheduler::Scheduler;
use ssm_server::store::Store;
use ssm_server::ManualClock;

const WINDOWS: usize = 10_000;

fn domain(clock: Arc<ManualClock>) -> Arc<Domain> {
    let store = Arc::new(Store::open(std::path::Path::new(":memory:"), false).expect("store"));
    let limits = Limits {
        windows: WINDOWS,
        ..Limits::default()
    };
    let simulation = Simulation {
        invocation_millis: 5_000,
        ..Simulation::default()
    };
    let domain = Arc::new(Domain {
        store,
        limits,
        clock,
        simulation,
    });
    let scope = Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    };
    let schedules = [
        "cron(0 2 ? * SUN *)",
        "cron(15 10 ? * MON-FRI *)",
        "rate(12 hours)",
        "cron(0 2 L * ? *)",
    ];
    for i in 0..WINDOWS {
        let input = CreateMaintenanceWindowRequest {
            name: format!("window-{i}"),
            schedule: schedules[i % schedules.len()].into(),
            schedule_timezone: (i % 2 == 0).then(|| "America/Los_Angeles".into()),
            duration: 2,
            cutoff: 1,
            allow_unassociated_targets: true,
            ..Default::default()
        };
        domain.create_window(&scope, input).expect("window");
    }
    domain
}

fn scheduler(c: &mut Criterion) {
    let start = Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let domain = domain(clock.clone());
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
    let domain = domain(clock);
    let scope = Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    };
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
