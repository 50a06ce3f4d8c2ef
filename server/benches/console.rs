//! Console page render time, server-side: the whole `/console` overview
//! (reading the windows, their runs, overlaps, the SVG and the HTML) for
//! 1,000 windows over 7 days, and over 30 days; and, for 7 days, the data
//! alone (runs, overlaps, table lines) without any HTML.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use ssm_server::console::timeline::{Span, Zone};
use ssm_server::console::{overview, page, Defaults, View};
use ssm_server::ManualClock;

mod support;

use support::{domain, scope};

const WINDOWS: usize = 1_000;

fn console(c: &mut Criterion) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 4, 12, 0, 0).unwrap(),
    ));
    let domain = domain(clock, WINDOWS);
    let scope = scope();
    let defaults = Defaults {
        account: &scope.account,
        region: &scope.region,
    };
    let mut group = c.benchmark_group("console");
    group.sample_size(30);
    for range in ["7d", "30d"] {
        let query = format!("range={range}");
        let rendered = page(&domain, &defaults, "/console", Some(&query));
        assert_eq!(rendered.status, 200);
        let bars = rendered.html.matches(r#"<g class="run"#).count();
        eprintln!(
            "/console?{query}: {WINDOWS} windows, {bars} bars, {} bytes of HTML",
            rendered.html.len()
        );
        group.bench_function(format!("overview, {WINDOWS} windows, {range}"), |b| {
            b.iter(|| page(&domain, &defaults, "/console", Some(&query)))
        });
    }
    let view = View {
        scope: scope.clone(),
        span: Span::Week,
        zone: Zone::Utc,
    };
    group.bench_function(format!("data only, {WINDOWS} windows, 7d"), |b| {
        b.iter(|| overview(&domain, &view))
    });
    group.finish();
}

criterion_group!(benches, console);
criterion_main!(benches);
