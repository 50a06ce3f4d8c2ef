//! Property test: the field-stepping `next_after` agrees with a brute-force
//! oracle that walks the clock forward minute by minute.
//!
//! The oracle shares no code with the crate: it evaluates the generated field
//! description directly (never the parsed expression), and it models DST by
//! watching the wall clock rather than by resolving wall-clock times. A
//! selected wall-clock time fires at the first instant at which the clock has
//! shown it: when the clock jumps forward over it (a gap), that is the jump;
//! when the clock shows it a second time (an overlap), nothing fires again.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use mw_schedule::{Schedule, WindowSchedule};
use proptest::prelude::*;

/// How far the oracle scans before giving up.
const BOUND_DAYS: i64 = 400;

#[derive(Debug, Clone)]
enum Item {
    Star,
    Val(u32),
    Range(u32, u32),
    /// `a/b`
    Step(u32, u32),
    /// `a-b/c`
    RangeStep(u32, u32, u32),
}

impl Item {
    fn contains(&self, v: u32, max: u32) -> bool {
        match *self {
            Item::Star => true,
            Item::Val(a) => v == a,
            Item::Range(a, b) => a <= v && v <= b,
            Item::Step(a, s) => v >= a && v <= max && (v - a) % s == 0,
            Item::RangeStep(a, b, s) => v >= a && v <= b && (v - a) % s == 0,
        }
    }

    fn render(&self, names: Option<&[&str]>, min: u32) -> String {
        let v = |x: u32| match names {
            Some(names) => names[(x - min) as usize].to_string(),
            None => x.to_string(),
        };
        match *self {
            Item::Star => "*".into(),
            Item::Val(a) => v(a),
            Item::Range(a, b) => format!("{}-{}", v(a), v(b)),
            Item::Step(a, s) => format!("{}/{s}", v(a)),
            Item::RangeStep(a, b, s) => format!("{}-{}/{s}", v(a), v(b)),
        }
    }
}

#[derive(Debug, Clone)]
struct Field {
    items: Vec<Item>,
    names: bool,
}

impl Field {
    fn contains(&self, v: u32, max: u32) -> bool {
        self.items.iter().any(|i| i.contains(v, max))
    }

    fn render(&self, names: &[&str], min: u32) -> String {
        let names = (self.names && !names.is_empty()).then_some(names);
        let items: Vec<String> = self.items.iter().map(|i| i.render(names, min)).collect();
        items.join(",")
    }
}

#[derive(Debug, Clone)]
enum DomItem {
    Plain(Item),
    Last,
    LastWeekday,
    Nearest(u32),
}

#[derive(Debug, Clone)]
enum DowItem {
    Plain(Item),
    LastOf(u32),
    Nth(u32, u32),
    LastAlone,
}

#[derive(Debug, Clone)]
enum Days {
    Month(Vec<DomItem>),
    Week(Vec<DowItem>, bool),
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

#[derive(Debug, Clone)]
struct Spec {
    second: Option<u32>,
    minutes: Field,
    hours: Field,
    days: Days,
    months: Field,
    years: Field,
}

fn days_in_month(date: NaiveDate) -> u32 {
    (28..=31)
        .filter(|d| NaiveDate::from_ymd_opt(date.year(), date.month(), *d).is_some())
        .max()
        .unwrap()
}

/// 1 = Sunday.
fn weekday(date: NaiveDate) -> u32 {
    date.weekday().num_days_from_sunday() + 1
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(weekday(date), 1 | 7)
}

impl Spec {
    fn expression(&self) -> String {
        let (dom, dow) = match &self.days {
            Days::Month(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        DomItem::Plain(item) => item.render(None, 1),
                        DomItem::Last => "L".into(),
                        DomItem::LastWeekday => "LW".into(),
                        DomItem::Nearest(n) => format!("{n}W"),
                    })
                    .collect();
                (items.join(","), "?".to_string())
            }
            Days::Week(items, names) => {
                let v = |x: u32| {
                    if *names {
                        WEEKDAYS[x as usize - 1].to_string()
                    } else {
                        x.to_string()
                    }
                };
                let items: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        DowItem::Plain(item) => item.render(names.then_some(&WEEKDAYS[..]), 1),
                        DowItem::LastOf(d) => format!("{}L", v(*d)),
                        DowItem::Nth(d, k) => format!("{}#{k}", v(*d)),
                        DowItem::LastAlone => "L".into(),
                    })
                    .collect();
                ("?".to_string(), items.join(","))
            }
        };
        let mut fields = Vec::new();
        if let Some(s) = self.second {
            fields.push(s.to_string());
        }
        fields.push(self.minutes.render(&[], 0));
        fields.push(self.hours.render(&[], 0));
        fields.push(dom);
        fields.push(self.months.render(&MONTHS, 1));
        fields.push(dow);
        fields.push(self.years.render(&[], 1970));
        format!("cron({})", fields.join(" "))
    }

    fn day_matches(&self, date: NaiveDate) -> bool {
        let dim = days_in_month(date);
        let day = date.day();
        let in_month = |d: u32| date.with_day(d).unwrap();
        match &self.days {
            Days::Month(items) => items.iter().any(|i| match i {
                DomItem::Plain(item) => item.contains(day, 31),
                DomItem::Last => day == dim,
                DomItem::LastWeekday => {
                    let last_weekday = (1..=dim).rev().find(|d| !is_weekend(in_month(*d)));
                    last_weekday == Some(day)
                }
                DomItem::Nearest(n) => {
                    if *n > dim {
                        return false;
                    }
                    // The weekday closest to day n, searching outward but
                    // never leaving the month; ties can't happen because a
                    // weekend day's neighbours are one weekday and one weekend day.
                    let target = in_month(*n);
                    if !is_weekend(target) {
                        return day == *n;
                    }
                    let mut best: Option<u32> = None;
                    for d in 1..=dim {
                        if is_weekend(in_month(d)) {
                            continue;
                        }
                        let dist = d.abs_diff(*n);
                        if best.is_none_or(|b| dist < b.abs_diff(*n)) {
                            best = Some(d);
                        }
                    }
                    best == Some(day)
                }
            }),
            Days::Week(items, _) => items.iter().any(|i| match i {
                DowItem::Plain(item) => item.contains(weekday(date), 7),
                DowItem::LastOf(d) => weekday(date) == *d && day + 7 > dim,
                DowItem::Nth(d, k) => weekday(date) == *d && (day - 1) / 7 + 1 == *k,
                DowItem::LastAlone => weekday(date) == 7,
            }),
        }
    }

    fn matches(&self, t: NaiveDateTime) -> bool {
        t.second() == self.second.unwrap_or(0)
            && self.minutes.contains(t.minute(), 59)
            && self.hours.contains(t.hour(), 23)
            && self.months.contains(t.month(), 12)
            && (1970..=2199).contains(&t.year())
            && self.years.contains(t.year() as u32, 2199)
            && self.day_matches(t.date())
    }
}

fn local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn floor_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp().div_euclid(60) * 60, 0)
        .unwrap()
}

/// First instant after `after` at which the schedule fires, scanning the
/// clock minute by minute (plus the selected second within each minute).
fn oracle(spec: &Spec, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let sec = TimeDelta::seconds(i64::from(spec.second.unwrap_or(0)));
    let minute = TimeDelta::minutes(1);
    // Instants worth looking at: every minute boundary (where zone changes
    // happen) and the selected second of each minute (where runs happen).
    let probes = |m: DateTime<Utc>| [m, m + sec];

    // The latest wall-clock time shown at or before `after`; a fall-back
    // overlap makes it later than `after`'s own wall-clock time.
    let mut shown = local(tz, after);
    let mut m = floor_minute(after) - TimeDelta::hours(3);
    while m <= after {
        for p in probes(m).into_iter().filter(|p| *p <= after) {
            shown = shown.max(local(tz, p));
        }
        m += minute;
    }

    let mut m = floor_minute(after);
    let end = after + TimeDelta::days(BOUND_DAYS);
    while m < end {
        for p in probes(m).into_iter().filter(|p| *p > after) {
            let now = local(tz, p);
            if now <= shown {
                continue;
            }
            // Wall-clock times newly shown, (shown, now], with the selected second.
            let mut t = shown.with_second(0).unwrap().with_nanosecond(0).unwrap() + sec;
            while t <= shown {
                t += minute;
            }
            while t <= now {
                if spec.matches(t) {
                    return Some(p);
                }
                t += minute;
            }
            shown = now;
        }
        m += minute;
    }
    None
}

fn item(min: u32, max: u32) -> impl Strategy<Value = Item> {
    prop_oneof![
        3 => Just(Item::Star),
        3 => (min..=max).prop_map(Item::Val),
        2 => (min..=max, min..=max).prop_map(|(a, b)| Item::Range(a.min(b), a.max(b))),
        1 => (min..=max, 1..=(max - min).max(1)).prop_map(|(a, s)| Item::Step(a, s)),
        1 => (min..=max, min..=max, 1..=4u32)
            .prop_map(|(a, b, s)| Item::RangeStep(a.min(b), a.max(b), s)),
    ]
}

fn field(min: u32, max: u32) -> impl Strategy<Value = Field> {
    (prop::collection::vec(item(min, max), 1..=2), any::<bool>())
        .prop_map(|(items, names)| Field { items, names })
}

fn minutes() -> impl Strategy<Value = Field> {
    let items = prop_oneof![
        (0..60u32).prop_map(|m| vec![Item::Val(m)]),
        (0..60u32, 5..=40u32).prop_map(|(a, s)| vec![Item::Step(a, s)]),
        (0..30u32, 30..60u32, 5..=20u32).prop_map(|(a, b, s)| vec![Item::RangeStep(a, b, s)]),
        prop::collection::vec((0..60u32).prop_map(Item::Val), 2..=3),
    ];
    items
        .prop_map(|items| Field {
            items,
            names: false,
        })
        .prop_filter("fires twice within 5 minutes", |f| {
            let selected: Vec<u32> = (0..60).filter(|m| f.contains(*m, 59)).collect();
            selected.windows(2).all(|w| w[1] - w[0] >= 5)
        })
}

fn hours() -> impl Strategy<Value = Field> {
    prop_oneof![
        // Early hours are where the DST changes in these zones happen.
        1 => (prop::collection::vec(item(0, 3), 1..=2)).prop_map(|items| Field { items, names: false }),
        2 => field(0, 23),
    ]
}

fn days() -> impl Strategy<Value = Days> {
    let dom = prop_oneof![
        4 => item(1, 31).prop_map(DomItem::Plain),
        1 => Just(DomItem::Last),
        1 => Just(DomItem::LastWeekday),
        1 => (1..=31u32).prop_map(DomItem::Nearest),
    ];
    let dow = prop_oneof![
        4 => item(1, 7).prop_map(DowItem::Plain),
        1 => (1..=7u32).prop_map(DowItem::LastOf),
        1 => (1..=7u32, 1..=5u32).prop_map(|(d, k)| DowItem::Nth(d, k)),
        1 => Just(DowItem::LastAlone),
    ];
    prop_oneof![
        prop::collection::vec(dom, 1..=2).prop_map(Days::Month),
        (prop::collection::vec(dow, 1..=2), any::<bool>()).prop_map(|(d, n)| Days::Week(d, n)),
    ]
}

fn years() -> impl Strategy<Value = Field> {
    let items = prop_oneof![
        4 => Just(vec![Item::Star]),
        1 => (2018..=2026u32, 2026..=2034u32).prop_map(|(a, b)| vec![Item::Range(a, b)]),
        1 => (2019..=2021u32, 1..=2u32).prop_map(|(a, s)| vec![Item::Step(a, s)]),
    ];
    items.prop_map(|items| Field {
        items,
        names: false,
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop_oneof![3 => Just(None), 1 => (0..60u32).prop_map(Some)],
        minutes(),
        hours(),
        days(),
        prop_oneof![2 => Just(Field { items: vec![Item::Star], names: false }), 1 => field(1, 12)],
        years(),
    )
        .prop_map(|(second, minutes, hours, days, months, years)| Spec {
            second,
            minutes,
            hours,
            days,
            months,
            years,
        })
}

/// Daily-ish expressions firing in the early hours, where these zones change
/// offset, so that gaps and overlaps are actually exercised.
fn dst_spec() -> impl Strategy<Value = Spec> {
    let star = || Field {
        items: vec![Item::Star],
        names: false,
    };
    let hours = prop_oneof![
        Just(vec![Item::Val(1)]),
        Just(vec![Item::Val(2)]),
        (0..=1u32, 2..=3u32).prop_map(|(a, b)| vec![Item::Range(a, b)]),
    ];
    let days = prop_oneof![
        Just(Days::Month(vec![DomItem::Plain(Item::Star)])),
        Just(Days::Week(vec![DowItem::Plain(Item::Star)], false)),
        // The changes fall on Sundays in these zones.
        Just(Days::Week(vec![DowItem::Plain(Item::Val(1))], true)),
    ];
    (
        prop_oneof![3 => Just(None), 1 => (0..60u32).prop_map(Some)],
        minutes(),
        hours,
        days,
    )
        .prop_map(move |(second, minutes, hours, days)| Spec {
            second,
            minutes,
            hours: Field {
                items: hours,
                names: false,
            },
            days,
            months: star(),
            years: star(),
        })
}

fn zone() -> impl Strategy<Value = Tz> {
    prop_oneof![
        Just(Tz::UTC),
        Just(Tz::America__Los_Angeles),
        Just(Tz::Europe__London),
        Just(Tz::Asia__Kolkata),
        Just(Tz::Australia__Lord_Howe),
    ]
}

/// A reference instant: anywhere in 2020-2030, or close to one of the
/// zone's offset changes in a given year (chosen in the test body, where the
/// zone is known).
#[derive(Debug, Clone)]
enum Reference {
    Uniform {
        seconds: i64,
        millis: u32,
    },
    NearChange {
        year: i32,
        which: usize,
        minutes: i64,
    },
}

fn reference() -> impl Strategy<Value = Reference> {
    let start = Utc
        .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let end = Utc
        .with_ymd_and_hms(2031, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    prop_oneof![
        (start..end, prop_oneof![Just(0u32), 0..1000u32])
            .prop_map(|(seconds, millis)| Reference::Uniform { seconds, millis }),
        near_change(),
    ]
}

/// Mostly a little before a change, so the next run is the interesting one.
fn near_change() -> impl Strategy<Value = Reference> {
    (2020..=2030i32, 0..2usize, -240..=60i64).prop_map(|(year, which, minutes)| {
        Reference::NearChange {
            year,
            which,
            minutes,
        }
    })
}

fn case() -> impl Strategy<Value = (Spec, Tz, Reference)> {
    prop_oneof![
        (spec(), zone(), reference()),
        (dst_spec(), zone(), near_change()),
    ]
}

/// Hours at which `tz` changed offset during `year`, found by sampling.
fn offset_changes(tz: Tz, year: i32) -> Vec<DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap();
    let offset = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local() - t.naive_utc();
    let mut changes = Vec::new();
    let mut previous = offset(start);
    for h in 1..366 * 24 {
        let t = start + TimeDelta::hours(h);
        let now = offset(t);
        if now != previous {
            changes.push(t);
            previous = now;
        }
    }
    changes
}

fn resolve_reference(reference: &Reference, tz: Tz) -> DateTime<Utc> {
    match *reference {
        Reference::Uniform { seconds, millis } => {
            Utc.timestamp_opt(seconds, millis * 1_000_000).unwrap()
        }
        Reference::NearChange {
            year,
            which,
            minutes,
        } => {
            let changes = offset_changes(tz, year);
            let base = changes
                .get(which % changes.len().max(1))
                .copied()
                .unwrap_or_else(|| Utc.with_ymd_and_hms(year, 6, 1, 0, 0, 0).unwrap());
            base + TimeDelta::minutes(minutes)
        }
    }
}

proptest! {
    // 64 cases keep the debug run to a couple of seconds; set PROPTEST_CASES
    // for a deeper run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn next_after_matches_brute_force((spec, tz, reference) in case()) {
        let expression = spec.expression();
        let schedule: Schedule = expression.parse().map_err(|e| {
            TestCaseError::fail(format!("generated expression rejected: {e}"))
        })?;
        let mut window = WindowSchedule::new(
            schedule,
            Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        );
        window.timezone = tz;
        let after = resolve_reference(&reference, tz);

        let fast = window.next_after(after).map(|t| t.with_timezone(&Utc));
        match oracle(&spec, tz, after) {
            Some(expected) => prop_assert_eq!(
                fast, Some(expected),
                "{} in {} after {}", expression, tz, after
            ),
            // Nothing within the bound: the fast search may only find
            // something beyond it.
            None => prop_assert!(
                fast.is_none_or(|f| f >= after + TimeDelta::days(BOUND_DAYS)),
                "{} in {} after {}: fast found {:?}, oracle nothing", expression, tz, after, fast
            ),
        }
    }
}

/// The oracle itself must see DST: a run in the Los Angeles spring gap fires
/// at the gap's end, and one in the fall overlap fires only once.
#[test]
fn oracle_models_dst() {
    let spec = |minute: u32, hour: u32| Spec {
        second: None,
        minutes: Field {
            items: vec![Item::Val(minute)],
            names: false,
        },
        hours: Field {
            items: vec![Item::Val(hour)],
            names: false,
        },
        days: Days::Month(vec![DomItem::Plain(Item::Star)]),
        months: Field {
            items: vec![Item::Star],
            names: false,
        },
        years: Field {
            items: vec![Item::Star],
            names: false,
        },
    };
    let la = Tz::America__Los_Angeles;
    let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    assert_eq!(
        oracle(&spec(30, 2), la, utc("2024-03-10T09:00:00Z")),
        Some(utc("2024-03-10T10:00:00Z"))
    );
    // 01:30 PDT is 08:30Z; from 09:00Z the repeated 01:30 PST (09:30Z) is skipped.
    assert_eq!(
        oracle(&spec(30, 1), la, utc("2024-11-03T09:00:00Z")),
        Some(utc("2024-11-04T09:30:00Z"))
    );
}
