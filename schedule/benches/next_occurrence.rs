//! Cost of one `next_after` call for typical schedules.

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use criterion::{criterion_group, criterion_main, Criterion};
use mw_schedule::WindowSchedule;

fn window(expr: &str, tz: Tz) -> WindowSchedule {
    let anchor: DateTime<Utc> = "2020-01-01T00:00:00Z".parse().unwrap();
    let mut w = WindowSchedule::new(expr.parse().unwrap(), anchor);
    w.timezone = tz;
    w
}

fn next_after(c: &mut Criterion) {
    let cases = [
        ("cron simple", window("cron(15 10 ? * MON-FRI *)", Tz::UTC)),
        (
            "cron #/L in a DST zone",
            window("cron(30 2 ? * SUN#2,6L *)", Tz::America__Los_Angeles),
        ),
        ("cron never matches", window("cron(0 0 30 2 ? *)", Tz::UTC)),
        ("rate", window("rate(30 minutes)", Tz::Europe__London)),
    ];
    // A spread of reference instants so the DST case crosses changes.
    let start: DateTime<Utc> = "2024-01-01T00:00:00Z".parse().unwrap();
    let afters: Vec<DateTime<Utc>> = (0..64).map(|i| start + TimeDelta::hours(i * 137)).collect();
    for (name, w) in &cases {
        c.bench_function(&format!("next_after/{name}"), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % afters.len();
                black_box(w.next_after(black_box(afters[i])))
            })
        });
    }
    let mut with_offset = window("cron(30 23 ? * TUE#3 *)", Tz::America__Los_Angeles);
    with_offset.offset_days = Some(2);
    c.bench_function("next_after/cron with offset", |b| {
        b.iter(|| black_box(with_offset.next_after(black_box(start))))
    });
}

criterion_group!(benches, next_after);
criterion_main!(benches);
