//! A domain in memory with many windows, for the benches.

use std::sync::Arc;

use ssm_api::types::CreateMaintenanceWindowRequest;
use ssm_server::domain::{Domain, Limits, Scope, Simulation};
use ssm_server::store::Store;
use ssm_server::ManualClock;

pub fn scope() -> Scope {
    Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

/// `windows` enabled windows on four schedules (weekly, weekdays, every 12
/// hours, monthly), every other one in America/Los_Angeles.
pub fn domain(clock: Arc<ManualClock>, windows: usize) -> Arc<Domain> {
    let store = Arc::new(Store::open(std::path::Path::new(":memory:"), false).expect("store"));
    let limits = Limits {
        windows,
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
    let schedules = [
        "cron(0 2 ? * SUN *)",
        "cron(15 10 ? * MON-FRI *)",
        "rate(12 hours)",
        "cron(0 2 L * ? *)",
    ];
    for i in 0..windows {
        let input = CreateMaintenanceWindowRequest {
            name: format!("window-{i}"),
            schedule: schedules[i % schedules.len()].into(),
            schedule_timezone: (i % 2 == 0).then(|| "America/Los_Angeles".into()),
            duration: 2,
            cutoff: 1,
            allow_unassociated_targets: true,
            ..Default::default()
        };
        domain.create_window(&scope(), input).expect("window");
    }
    domain
}
