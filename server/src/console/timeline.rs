//! The timeline: each window's runs over the coming span, which runs of
//! different windows overlap, and its drawing as SVG.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::runs_between;
use crate::store::Window;

/// How far ahead the timeline looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Day,
    Week,
    Month,
}

impl Span {
    pub const ALL: [Span; 3] = [Span::Day, Span::Week, Span::Month];

    pub fn length(self) -> TimeDelta {
        match self {
            Span::Day => TimeDelta::hours(24),
            Span::Week => TimeDelta::days(7),
            Span::Month => TimeDelta::days(30),
        }
    }

    pub fn param(self) -> &'static str {
        match self {
            Span::Day => "24h",
            Span::Week => "7d",
            Span::Month => "30d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Span::Day => "24 hours",
            Span::Week => "7 days",
            Span::Month => "30 days",
        }
    }

    pub fn from_param(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.param() == text)
    }

    /// Hours between two gridlines.
    fn tick_hours(self) -> i64 {
        match self {
            Span::Day => 3,
            Span::Week => 24,
            Span::Month => 72,
        }
    }
}

/// The zone times are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// Each window's own ScheduleTimezone.
    Window,
}

impl Zone {
    pub fn param(self) -> &'static str {
        match self {
            Zone::Utc => "utc",
            Zone::Window => "window",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zone::Utc => "UTC",
            Zone::Window => "each window's time zone",
        }
    }

    pub fn from_param(text: &str) -> Option<Self> {
        [Zone::Utc, Zone::Window]
            .into_iter()
            .find(|z| z.param() == text)
    }
}

/// More runs than this in one row are not drawn: a `rate(5 minutes)`
/// window has 8,640 in 30 days, far more than there are pixels.
pub const MAX_RUNS_PER_ROW: usize = 2_000;

pub struct Timeline {
    /// The left edge: runs strictly after it are shown.
    pub from: DateTime<Utc>,
    /// The right edge: runs at or before it are shown.
    pub until: DateTime<Utc>,
    pub span: Span,
    pub rows: Vec<Row>,
}

/// One window.
pub struct Row {
    pub window_id: String,
    pub name: String,
    pub enabled: bool,
    pub zone: Tz,
    pub runs: Vec<Run>,
    /// Runs past [`MAX_RUNS_PER_ROW`] were left out.
    pub truncated: bool,
}

/// One scheduled run: from `start` for Duration hours, the last Cutoff
/// hours of which start no new tasks.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// In the window's zone.
    pub start: DateTime<Tz>,
    pub cutoff: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Another enabled window has a run during this one.
    pub overlaps: bool,
}

/// The runs of `windows` in `(now, now + span]`, as
/// DescribeMaintenanceWindowSchedule lists them, with overlaps marked.
/// Disabled windows get the runs they would have, to be drawn greyed; they
/// overlap nothing since they do not run.
pub fn build<'w>(
    windows: impl Iterator<Item = &'w Window>,
    now: DateTime<Utc>,
    span: Span,
) -> Timeline {
    let until = now + span.length();
    // A run just past the right edge can still overlap one drawn before
    // it; runs last at most a day (Duration is 1–24 hours).
    let overlap_until = until + TimeDelta::hours(24);
    let mut rows: Vec<Row> = windows
        .map(|window| {
            let duration = TimeDelta::hours(i64::from(window.duration));
            let open = TimeDelta::hours(i64::from(window.duration - window.cutoff));
            let runs: Vec<Run> = runs_between(window, now, overlap_until)
                .take(MAX_RUNS_PER_ROW + 1)
                .map(|start| {
                    let utc = start.with_timezone(&Utc);
                    Run {
                        start,
                        cutoff: utc + open,
                        end: utc + duration,
                        overlaps: false,
                    }
                })
                .collect();
            Row {
                window_id: window.id.clone(),
                name: window.name.clone(),
                enabled: window.enabled,
                zone: crate::domain::window_schedule(window).map_or(Tz::UTC, |s| s.timezone),
                truncated: false,
                runs,
            }
        })
        .collect();
    mark_overlaps(&mut rows);
    for row in &mut rows {
        row.runs
            .retain(|run| run.start.with_timezone(&Utc) <= until);
        row.truncated = row.runs.len() > MAX_RUNS_PER_ROW;
        row.runs.truncate(MAX_RUNS_PER_ROW);
    }
    Timeline {
        from: now,
        until,
        span,
        rows,
    }
}

/// Marks every run of an enabled window that shares time with a run of
/// another enabled window.
///
/// Runs are swept in start order. Hundreds of windows often share a start
/// time, so comparing each run with every open one would cost the square
/// of that; instead each open run is only counted per window, and kept in a
/// list until it is first marked. Each run enters and leaves each structure
/// once.
fn mark_overlaps(rows: &mut [Row]) {
    let mut order: Vec<(DateTime<Utc>, DateTime<Utc>, usize, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.enabled)
        .flat_map(|(r, row)| {
            row.runs
                .iter()
                .enumerate()
                .map(move |(i, run)| (run.start.with_timezone(&Utc), run.end, r, i))
        })
        .collect();
    order.sort_unstable_by_key(|&(start, _, r, i)| (start, r, i));
    // Open runs by end (soonest first), how many each window has open, and
    // the open runs not marked yet.
    let mut ends: BinaryHeap<Reverse<(DateTime<Utc>, usize)>> = BinaryHeap::new();
    let mut open_per_row: HashMap<usize, usize> = HashMap::new();
    let mut unmarked: Vec<(DateTime<Utc>, usize, usize)> = Vec::new();
    for (start, end, r, i) in order {
        // A run ending exactly when another starts does not overlap it.
        while let Some(&Reverse((open_end, open_r))) = ends.peek() {
            if open_end > start {
                break;
            }
            ends.pop();
            if let Some(count) = open_per_row.get_mut(&open_r) {
                *count -= 1;
                if *count == 0 {
                    open_per_row.remove(&open_r);
                }
            }
        }
        unmarked.retain(|&(open_end, _, _)| open_end > start);
        let others_open = open_per_row.len() > usize::from(open_per_row.contains_key(&r));
        if others_open {
            rows[r].runs[i].overlaps = true;
            unmarked.retain(|&(_, other_r, other_i)| {
                if other_r == r {
                    return true;
                }
                rows[other_r].runs[other_i].overlaps = true;
                false
            });
        } else {
            unmarked.push((end, r, i));
        }
        ends.push(Reverse((end, r)));
        *open_per_row.entry(r).or_default() += 1;
    }
}

// The drawing, in SVG user units; the page scales it to its width.
pub const LABEL_WIDTH: f64 = 220.0;
pub const PLOT_WIDTH: f64 = 960.0;
const RIGHT_PAD: f64 = 20.0;
const AXIS_HEIGHT: f64 = 34.0;
const ROW_HEIGHT: f64 = 26.0;
const BAR_HEIGHT: f64 = 16.0;

impl Timeline {
    /// The x of instant `t`, clamped to the plot.
    pub fn x(&self, t: DateTime<Utc>) -> f64 {
        let total = (self.until - self.from).num_milliseconds() as f64;
        let offset = (t - self.from).num_milliseconds() as f64;
        LABEL_WIDTH + (offset / total).clamp(0.0, 1.0) * PLOT_WIDTH
    }

    /// The timeline as an `<svg>` element. Written by hand rather than with
    /// the page's templates: it is most of the page's bytes when there are
    /// many windows, and a plain `write!` into one buffer keeps it fast.
    pub fn svg(&self, zone: Zone, href: impl Fn(&str) -> String) -> String {
        let height = AXIS_HEIGHT + ROW_HEIGHT * self.rows.len().max(1) as f64 + 4.0;
        let width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD;
        let runs: usize = self.rows.iter().map(|r| r.runs.len()).sum();
        let mut out = String::with_capacity(1024 + self.rows.len() * 400 + runs * 600);
        let _ = write!(
            out,
            r#"<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="Scheduled runs from {} to {} (UTC)" data-from="{}" data-until="{}" data-plot-x="{LABEL_WIDTH}" data-plot-width="{PLOT_WIDTH}">"#,
            self.from.format("%Y-%m-%d %H:%M"),
            self.until.format("%Y-%m-%d %H:%M"),
            self.from.to_rfc3339(),
            self.until.to_rfc3339(),
        );
        self.axis(&mut out, height);
        for (index, row) in self.rows.iter().enumerate() {
            self.row(&mut out, index, row, zone, &href);
        }
        if self.rows.is_empty() {
            let _ = write!(
                out,
                r#"<text x="{LABEL_WIDTH}" y="{}" class="empty">No maintenance windows in this account and Region.</text>"#,
                AXIS_HEIGHT + 18.0
            );
        }
        out.push_str("</svg>");
        out
    }

    /// UTC gridlines with their labels; the plot's edges are "now" and the
    /// end of the span.
    fn axis(&self, out: &mut String, height: f64) {
        let step = TimeDelta::hours(self.span.tick_hours());
        let first = self
            .from
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0));
        let Some(mut tick) = first else { return };
        // Align to the step in UTC: midnights for days, 00/03/06… for hours.
        let hours = i64::from(tick.hour()) % self.span.tick_hours().min(24);
        tick -= TimeDelta::hours(hours);
        let mut count = 0;
        while tick <= self.until && count < 400 {
            count += 1;
            if tick > self.from {
                let x = self.x(tick);
                let label = match self.span {
                    Span::Day => tick.format("%H:%M").to_string(),
                    _ => tick.format("%a %d %b").to_string(),
                };
                let _ = write!(
                    out,
                    r#"<line class="grid" x1="{x:.2}" x2="{x:.2}" y1="{}" y2="{height:.0}"/>"#,
                    AXIS_HEIGHT - 8.0,
                );
                // A label that would run past the plot is left out.
                if x + 70.0 <= LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD {
                    let _ = write!(
                        out,
                        r#"<text class="tick" x="{:.2}" y="14">{label}</text>"#,
                        x + 3.0
                    );
                }
            }
            tick += step;
        }
        let _ = write!(
            out,
            r#"<text class="tick" x="8" y="14">UTC</text><text class="tick now" x="{LABEL_WIDTH}" y="28">now {}</text><line class="edge" x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH}" y1="{}" y2="{height:.0}"/>"#,
            self.from.format("%H:%M UTC"),
            AXIS_HEIGHT - 4.0,
        );
    }

    fn row(
        &self,
        out: &mut String,
        index: usize,
        row: &Row,
        zone: Zone,
        href: &impl Fn(&str) -> String,
    ) {
        let top = AXIS_HEIGHT + ROW_HEIGHT * index as f64;
        let bar_y = top + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
        let class = if row.enabled { "row" } else { "row disabled" };
        let name = truncate(&row.name, 26);
        let _ = write!(
            out,
            r#"<g class="{class}" data-window="{}"><rect class="band" x="0" y="{top}" width="{}" height="{ROW_HEIGHT}"/><a href="{}"><text class="label" x="8" y="{:.1}">{}{}</text></a>"#,
            escape(&row.window_id),
            LABEL_WIDTH + PLOT_WIDTH,
            escape(&href(&row.window_id)),
            top + 17.0,
            escape(&name),
            if row.enabled { "" } else { " (disabled)" },
        );
        if zone == Zone::Window && row.zone != Tz::UTC {
            self.local_midnights(out, row.zone, top);
        }
        let show_times = row.runs.len() <= 10 && self.span != Span::Month;
        let name_text = escape(&row.name);
        for run in &row.runs {
            let start = run.start.with_timezone(&Utc);
            let x = self.x(start);
            let cut = self.x(run.cutoff);
            let end = self.x(run.end);
            let shown = match zone {
                Zone::Utc => run.start.with_timezone(&chrono_tz::UTC),
                Zone::Window => run.start,
            };
            let _ = write!(
                out,
                r#"<g class="run{}" data-start="{}" data-time="{}"><title>{name_text}: "#,
                if run.overlaps { " overlap" } else { "" },
                start.to_rfc3339(),
                mw_schedule::format_execution_time(&run.start),
            );
            write_local(out, &shown, true);
            out.push_str(" to ");
            write_local(out, &run.end.with_timezone(&shown.timezone()), false);
            out.push_str(", no new tasks from ");
            write_local(out, &run.cutoff.with_timezone(&shown.timezone()), false);
            let _ = write!(
                out,
                r#"</title><rect class="bar" x="{}" y="{}" width="{}" height="{BAR_HEIGHT}"/>"#,
                Px(x),
                Px(bar_y),
                Px((cut - x).max(0.6)),
            );
            if end > cut {
                let _ = write!(
                    out,
                    r#"<rect class="cutoff" x="{}" y="{}" width="{}" height="{BAR_HEIGHT}"/>"#,
                    Px(cut),
                    Px(bar_y),
                    Px(end - cut),
                );
            }
            if run.overlaps {
                let _ = write!(
                    out,
                    r#"<rect class="overlap-mark" x="{}" y="{}" width="{}" height="3"/>"#,
                    Px(x),
                    Px(top + 1.0),
                    Px((end - x).max(0.6)),
                );
            }
            if show_times && end + 70.0 < LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD {
                let _ = write!(
                    out,
                    r#"<text class="time" x="{}" y="{}">"#,
                    Px(end + 3.0),
                    Px(top + 17.0),
                );
                write_local(out, &shown, false);
                out.push_str("</text>");
            }
            out.push_str("</g>");
        }
        if row.truncated {
            let _ = write!(
                out,
                r#"<text class="time" x="{}" y="{:.1}">first {MAX_RUNS_PER_ROW} runs shown</text>"#,
                LABEL_WIDTH + PLOT_WIDTH - 150.0,
                top + 17.0,
            );
        }
        out.push_str("</g>");
    }

    /// Dashed lines at midnight in `zone`, so a window's local days show.
    fn local_midnights(&self, out: &mut String, zone: Tz, top: f64) {
        let local = self.from.with_timezone(&zone).date_naive();
        for day in 1..=32 {
            let Some(date) = local.checked_add_days(chrono::Days::new(day)) else {
                break;
            };
            let Some(midnight) = date
                .and_hms_opt(0, 0, 0)
                .map(|t| mw_schedule::resolve_local(&zone, t).with_timezone(&Utc))
            else {
                break;
            };
            if midnight > self.until {
                break;
            }
            let x = self.x(midnight);
            let _ = write!(
                out,
                r#"<line class="local-midnight" x1="{x:.2}" x2="{x:.2}" y1="{top}" y2="{}"/>"#,
                top + ROW_HEIGHT
            );
        }
    }
}

/// `2026-12-01 02:00 IST (+05:30)` with the date, `02:00 IST` without.
/// Written field by field: a page with thousands of runs formats three
/// times for each, and strftime patterns are parsed on every call.
fn write_local(out: &mut String, t: &DateTime<Tz>, with_date: bool) {
    use chrono::{Datelike, Offset};
    if with_date {
        let _ = write!(out, "{:04}-{:02}-{:02} ", t.year(), t.month(), t.day());
    }
    let _ = write!(out, "{:02}:{:02} {}", t.hour(), t.minute(), t.offset());
    if with_date {
        let _ = write!(out, " ({})", t.offset().fix());
    }
}

/// A non-negative coordinate with two decimals, as `{:.2}` writes it:
/// through integers, since a page writes tens of thousands and float
/// formatting was a tenth of its time.
struct Px(f64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hundredths = (self.0.max(0.0) * 100.0).round() as u64;
        write!(f, "{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Escapes text and attribute values.
fn escape(text: &str) -> String {
    maud::html! { (text) }.into_string().replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn window(id: &str, schedule: &str, duration: i32) -> Window {
        serde_json::from_value(serde_json::json!({
            "id": id, "seq": 0, "name": id, "description": null,
            "schedule": schedule, "schedule_timezone": null, "schedule_offset": null,
            "start_date": null, "end_date": null, "duration": duration, "cutoff": 1,
            "allow_unassociated_targets": true, "enabled": true,
            "created": 1_700_000_000, "modified": 1_700_000_000, "schedule_changed": 1_700_000_000,
            "targets": [], "tasks": [], "tags": []
        }))
        .expect("a window record")
    }

    fn overlaps(timeline: &Timeline, id: &str) -> Vec<(String, bool)> {
        let row = timeline.rows.iter().find(|r| r.window_id == id).unwrap();
        row.runs
            .iter()
            .map(|r| (r.start.to_rfc3339(), r.overlaps))
            .collect()
    }

    #[test]
    fn a_run_past_the_right_edge_still_marks_the_one_it_overlaps() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let windows = [
            window("late", "cron(0 11 * * ? *)", 3),
            window("later", "cron(0 13 * * ? *)", 2),
        ];
        let timeline = build(windows.iter(), now, Span::Day);
        // late's 11:00–14:00 run tomorrow is drawn; later's 13:00 run that
        // day is past the edge, and still overlaps it.
        assert_eq!(
            overlaps(&timeline, "late"),
            [("2026-03-03T11:00:00+00:00".to_owned(), true)]
        );
        assert_eq!(
            overlaps(&timeline, "later"),
            [("2026-03-02T13:00:00+00:00".to_owned(), false)]
        );
    }

    #[test]
    fn runs_that_only_touch_do_not_overlap() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let windows = [
            window("first", "cron(0 2 * * ? *)", 2),
            window("next", "cron(0 4 * * ? *)", 2),
            window("inside", "cron(30 5 * * ? *)", 2),
        ];
        let timeline = build(windows.iter(), now, Span::Day);
        assert!(!overlaps(&timeline, "first")[0].1);
        assert!(overlaps(&timeline, "next")[0].1);
        assert!(overlaps(&timeline, "inside")[0].1);
    }

    /// The sweep marks exactly what comparing every pair of runs marks.
    #[test]
    fn overlaps_match_comparing_every_pair() {
        let base = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let mut rng = fastrand::Rng::with_seed(13);
        for _ in 0..200 {
            let mut rows: Vec<Row> = (0..rng.usize(1..6))
                .map(|r| Row {
                    window_id: format!("w{r}"),
                    name: format!("w{r}"),
                    enabled: rng.u8(0..4) > 0,
                    zone: Tz::UTC,
                    truncated: false,
                    runs: (0..rng.usize(0..6))
                        .map(|_| {
                            let start = base + TimeDelta::hours(rng.i64(0..48));
                            let end = start + TimeDelta::hours(rng.i64(1..6));
                            Run {
                                start: start.with_timezone(&Tz::UTC),
                                cutoff: end,
                                end,
                                overlaps: false,
                            }
                        })
                        .collect(),
                })
                .collect();
            let mut expected = Vec::new();
            for (r, row) in rows.iter().enumerate() {
                for run in &row.runs {
                    let start = run.start.with_timezone(&Utc);
                    expected.push(
                        row.enabled
                            && rows.iter().enumerate().any(|(o, other)| {
                                o != r
                                    && other.enabled
                                    && other.runs.iter().any(|x| {
                                        x.start.with_timezone(&Utc) < run.end && start < x.end
                                    })
                            }),
                    );
                }
            }
            mark_overlaps(&mut rows);
            let got: Vec<bool> = rows
                .iter()
                .flat_map(|row| row.runs.iter().map(|run| run.overlaps))
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn coordinates_are_written_with_two_decimals() {
        for (value, text) in [
            (300.0, "300.00"),
            (311.428_571, "311.43"),
            (0.6, "0.60"),
            (1179.996, "1180.00"),
        ] {
            assert_eq!(Px(value).to_string(), text);
        }
    }

    #[test]
    fn local_times_are_written_as_strftime_would() {
        let instants = [
            Utc.with_ymd_and_hms(2026, 3, 5, 4, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 1, 23, 59, 0).unwrap(),
        ];
        for zone in [Tz::UTC, Tz::Asia__Kolkata, Tz::America__Los_Angeles] {
            for t in instants.map(|t| t.with_timezone(&zone)) {
                let (mut long, mut short) = (String::new(), String::new());
                write_local(&mut long, &t, true);
                write_local(&mut short, &t, false);
                assert_eq!(long, t.format("%Y-%m-%d %H:%M %Z (%:z)").to_string());
                assert_eq!(short, t.format("%H:%M %Z").to_string());
            }
        }
    }

    #[test]
    fn bars_are_placed_on_the_span_and_clamped_to_it() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let timeline = build(std::iter::empty(), now, Span::Day);
        assert_eq!(timeline.x(now), LABEL_WIDTH);
        assert_eq!(
            timeline.x(now + TimeDelta::hours(6)),
            LABEL_WIDTH + PLOT_WIDTH / 4.0
        );
        assert_eq!(
            timeline.x(now + TimeDelta::hours(30)),
            LABEL_WIDTH + PLOT_WIDTH
        );
    }
}
