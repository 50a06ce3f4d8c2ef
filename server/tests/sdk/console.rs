//! The console (`GET /console`): its run bars are DescribeMaintenanceWindowSchedule's
//! answer, overlaps and disabled windows are marked, sensitive values stay hidden,
//! and it never changes state.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ssm::types::{MaintenanceWindowFilter, MaintenanceWindowTaskType, Target};
use aws_sdk_ssm::Client;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use ssm_server::console::timeline::{Span, Zone};
use ssm_server::console::{overview, View};
use ssm_server::domain::Scope;
use ssm_server::{Config, ManualClock, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::common::{client, start_with_clock};

const REGION: &str = "eu-west-1";

/// A plain HTTP/1.1 GET; the status and the body.
async fn get(server: &Running, path: &str) -> (u16, String) {
    request(server, "GET", path).await
}

async fn request(server: &Running, method: &str, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let read = stream.read_to_string(&mut answer);
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .expect("the server answers")
        .unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

struct Spec {
    name: &'static str,
    schedule: &'static str,
    zone: Option<&'static str>,
    offset: Option<i32>,
    start: Option<&'static str>,
    end: Option<&'static str>,
    duration: i32,
    enabled: bool,
}

const fn spec(name: &'static str, schedule: &'static str, duration: i32) -> Spec {
    Spec {
        name,
        schedule,
        zone: None,
        offset: None,
        start: None,
        end: None,
        duration,
        enabled: true,
    }
}

/// Windows whose runs over the next 30 days from Monday 2026-03-02 12:00
/// UTC are known: `nightly` (02:00–05:00) and `backup` (03:00–05:00) overlap
/// every day; `noon` (Mondays, first run exactly at the end of a 7-day span)
/// overlaps nothing; `evening` would overlap `evening-off` but that one is
/// disabled; `kolkata` runs once, on Thursday 5 March, two days after the
/// first Tuesday (09:30 IST = 04:00 UTC), inside `nightly`'s run; `bounded`
/// runs on its two days only.
const WINDOWS: [Spec; 7] = [
    spec("nightly", "cron(0 2 * * ? *)", 3),
    spec("backup", "cron(0 3 * * ? *)", 2),
    spec("noon", "cron(0 12 ? * MON *)", 2),
    spec("evening", "cron(0 20 * * ? *)", 2),
    Spec {
        enabled: false,
        ..spec("evening-off", "cron(0 20 * * ? *)", 2)
    },
    Spec {
        zone: Some("Asia/Kolkata"),
        offset: Some(2),
        ..spec("kolkata", "cron(30 9 ? * TUE#1 *)", 4)
    },
    Spec {
        start: Some("2026-03-06T00:00:00Z"),
        end: Some("2026-03-08T00:00:00Z"),
        ..spec("bounded", "cron(0 8 * * ? *)", 2)
    },
];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap()
}

async fn server_with_windows() -> (Running, Client, BTreeMap<&'static str, String>) {
    let server = start_with_clock(Config::for_tests(), Arc::new(ManualClock::new(now()))).await;
    let ssm = client(&server, REGION);
    let mut ids = BTreeMap::new();
    for w in &WINDOWS {
        let id = ssm
            .create_maintenance_window()
            .name(w.name)
            .schedule(w.schedule)
            .set_schedule_timezone(w.zone.map(Into::into))
            .set_schedule_offset(w.offset)
            .set_start_date(w.start.map(Into::into))
            .set_end_date(w.end.map(Into::into))
            .duration(w.duration)
            .cutoff(1)
            .allow_unassociated_targets(true)
            .send()
            .await
            .expect("create window")
            .window_id
            .unwrap();
        if !w.enabled {
            ssm.update_maintenance_window()
                .window_id(&id)
                .enabled(false)
                .send()
                .await
                .unwrap();
        }
        ids.insert(w.name, id);
    }
    (server, ssm, ids)
}

/// Every run DescribeMaintenanceWindowSchedule lists for `window` up to
/// `until`, in AWS's text, through all its pages.
async fn api_schedule(ssm: &Client, window: &str, until: DateTime<Utc>) -> Vec<String> {
    let mut times = Vec::new();
    let mut token = None;
    for _ in 0..100 {
        let page = ssm
            .describe_maintenance_window_schedule()
            .window_id(window)
            .filters(
                aws_sdk_ssm::types::PatchOrchestratorFilter::builder()
                    .key("ScheduledBefore")
                    .values(until.to_rfc3339())
                    .build(),
            )
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        times.extend(
            page.scheduled_window_executions()
                .iter()
                .filter_map(|e| e.execution_time().map(str::to_owned)),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return times;
        }
    }
    panic!("the schedule of {window} did not end");
}

/// The console's data, read where blocking is allowed: the suite may run
/// on PostgreSQL, whose reads wait for the network.
async fn overview_of(server: &Running, view: View) -> ssm_server::console::Overview {
    let domain = server.domain.clone();
    tokio::task::spawn_blocking(move || overview(&domain, &view))
        .await
        .expect("the overview is read")
}

fn view(span: Span) -> View {
    View {
        scope: Scope {
            account: "123456789012".into(),
            region: REGION.into(),
        },
        span,
        zone: Zone::Utc,
    }
}

/// The `data-time` of each run drawn in `window`'s row of the page.
fn drawn_runs(html: &str, window: &str) -> Vec<String> {
    let row_start = html
        .find(&format!(r#"data-window="{window}""#))
        .unwrap_or_else(|| panic!("a row for {window}"));
    let row = &html[row_start..];
    let row = &row[..row.find(r#"<g class="row"#).unwrap_or(row.len())];
    row.split(r#"data-time=""#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_bars_are_the_schedule_api_answer_for_every_span() {
    let (server, ssm, ids) = server_with_windows().await;
    for span in Span::ALL {
        let until = now() + span.length();
        let (status, html) = get(&server, &view(span).href("/console")).await;
        assert_eq!(status, 200);
        let data = overview_of(&server, view(span)).await;
        for w in &WINDOWS {
            let id = &ids[w.name];
            let drawn = drawn_runs(&html, id);
            let row = data
                .timeline
                .rows
                .iter()
                .find(|r| &r.window_id == id)
                .unwrap();
            assert_eq!(row.enabled, w.enabled, "{}", w.name);
            if w.enabled {
                let api = api_schedule(&ssm, id, until).await;
                assert_eq!(drawn, api, "{} over {}", w.name, span.label());
            } else {
                // Not listed by the API since it will not run; drawn greyed
                // with the runs it would have, those of its enabled twin.
                assert!(api_schedule(&ssm, id, until).await.is_empty());
                assert_eq!(drawn, drawn_runs(&html, &ids["evening"]), "{}", w.name);
                assert!(html.contains(&format!(r#"<g class="row disabled" data-window="{id}""#)));
            }
        }
    }
    // Known answers, so the comparison above is not of two empty lists.
    let html = get(&server, &view(Span::Week).href("/console")).await.1;
    assert_eq!(
        drawn_runs(&html, &ids["kolkata"]),
        ["2026-03-05T09:30+05:30"]
    );
    assert_eq!(
        drawn_runs(&html, &ids["bounded"]),
        ["2026-03-06T08:00Z", "2026-03-07T08:00Z"]
    );
    assert_eq!(drawn_runs(&html, &ids["nightly"]).len(), 7);
    assert_eq!(drawn_runs(&html, &ids["noon"]), ["2026-03-09T12:00Z"]);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn overlaps_between_enabled_windows_are_marked() {
    let (server, _ssm, ids) = server_with_windows().await;
    let data = overview_of(&server, view(Span::Month)).await;
    let row = |name: &str| {
        data.timeline
            .rows
            .iter()
            .find(|r| r.window_id == ids[name])
            .unwrap()
    };
    let overlapping = |name: &str| row(name).runs.iter().filter(|r| r.overlaps).count();
    assert_eq!(overlapping("nightly"), row("nightly").runs.len());
    assert_eq!(row("nightly").runs.len(), 30);
    assert_eq!(overlapping("backup"), 30);
    assert_eq!(overlapping("kolkata"), 1);
    assert_eq!(overlapping("noon"), 0);
    assert_eq!(overlapping("bounded"), 0);
    // Its only twin is disabled, and a disabled window overlaps nothing.
    assert_eq!(overlapping("evening"), 0);
    assert_eq!(overlapping("evening-off"), 0);
    assert_eq!(row("evening-off").runs.len(), 30);
    // Duration and Cutoff: 04:00 UTC + 4 h, the last hour shaded.
    let kolkata = &row("kolkata").runs[0];
    assert_eq!(kolkata.start.to_rfc3339(), "2026-03-05T09:30:00+05:30");
    assert_eq!(kolkata.cutoff.to_rfc3339(), "2026-03-05T07:00:00+00:00");
    assert_eq!(kolkata.end.to_rfc3339(), "2026-03-05T08:00:00+00:00");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn bars_sit_at_their_times_and_overlaps_show_in_the_svg() {
    let (server, _ssm, ids) = server_with_windows().await;
    let html = get(&server, &view(Span::Week).href("/console")).await.1;
    // nightly's first run, 2026-03-03T02:00Z, is 14 of the 168 hours in:
    // x = 220 + 14/168 × 960 = 300; it ends at 05:00 (x = 317.14), shaded
    // from 04:00 (x = 311.43).
    let nightly = &html[html
        .find(&format!(r#"data-window="{}""#, ids["nightly"]))
        .unwrap()..];
    let first = &nightly[nightly.find(r#"<g class="run"#).unwrap()..];
    let first = &first[..first.find("</g>").unwrap()];
    assert!(
        first.starts_with(r#"<g class="run overlap" data-start="2026-03-03T02:00:00+00:00""#),
        "{first}"
    );
    assert!(first.contains(r#"<rect class="bar" x="300.00""#), "{first}");
    assert!(
        first.contains(r#"<rect class="cutoff" x="311.43""#),
        "{first}"
    );
    assert!(first.contains("overlap-mark"), "{first}");
    let noon = &html[html
        .find(&format!(r#"data-window="{}""#, ids["noon"]))
        .unwrap()..];
    assert!(noon.contains(r#"<g class="run" data-start="2026-03-09T12:00:00+00:00""#));
    // Times carry their zone, in the window's when asked.
    let local = View {
        zone: Zone::Window,
        ..view(Span::Week)
    };
    let html = get(&server, &local.href("/console")).await.1;
    assert!(
        html.contains("2026-03-05 09:30 IST (+05:30)"),
        "the Kolkata run in IST"
    );
    assert!(html.contains("local-midnight"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn executions_show_statuses_hide_sensitive_values_and_refresh_while_running() {
    let clock = Arc::new(ManualClock::new(now()));
    let server = start_with_clock(Config::for_tests(), clock.clone()).await;
    let ssm = client(&server, REGION);
    let window = ssm
        .create_maintenance_window()
        .name("patching")
        .schedule("cron(0 2 * * ? *)")
        .duration(2)
        .cutoff(1)
        .allow_unassociated_targets(true)
        .send()
        .await
        .unwrap()
        .window_id
        .unwrap();
    for (priority, name) in [(5, "second"), (1, "first")] {
        ssm.register_task_with_maintenance_window()
            .window_id(&window)
            .name(name)
            .task_arn("AWS-RunShellScript")
            .task_type(MaintenanceWindowTaskType::RunCommand)
            .priority(priority)
            .targets(Target::builder().key("InstanceIds").values("i-1").build())
            .task_parameters(
                "commands",
                aws_sdk_ssm::types::MaintenanceWindowTaskParameterValueExpression::builder()
                    .values("echo hunter2-secret")
                    .build(),
            )
            .max_concurrency("1")
            .max_errors("0")
            .send()
            .await
            .unwrap();
    }
    let scope = Scope {
        account: "123456789012".into(),
        region: REGION.into(),
    };
    let before = ssm
        .describe_maintenance_windows()
        .filters(
            MaintenanceWindowFilter::builder()
                .key("Name")
                .values("patching")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let execution = crate::common::run_window_now(&server, &scope, &window).await;
    let page = View {
        zone: Zone::Utc,
        ..view(Span::Week)
    };
    let (status, running) = get(
        &server,
        &page.href(&format!("/console/executions/{execution}")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(running.contains(r#"<meta http-equiv="refresh" content="5">"#));
    assert!(
        running.contains(r#"class="status s-IN_PROGRESS""#),
        "{running}"
    );

    clock.advance(TimeDelta::hours(1));
    let (_, done) = get(
        &server,
        &page.href(&format!("/console/executions/{execution}")),
    )
    .await;
    assert!(!done.contains("http-equiv=\"refresh\""));
    assert!(done.contains(r#"class="status s-SUCCESS""#));
    assert!(done.contains("Invocations (1)"));
    assert!(!done.contains("hunter2"), "task parameters stay hidden");
    assert!(done.contains("*** Sensitive Data Redacted ***"));

    let (_, detail) = get(&server, &page.href(&format!("/console/windows/{window}"))).await;
    assert!(!detail.contains("hunter2"));
    let (first, second) = (
        detail.find(">first<").unwrap(),
        detail.find(">second<").unwrap(),
    );
    assert!(first < second, "tasks in priority order");
    assert!(detail.contains(&execution));

    let (_, list) = get(&server, &page.href("/console/executions")).await;
    assert!(list.contains(&execution) && list.contains("s-SUCCESS"));

    // Reading the console changed nothing.
    let after = ssm
        .describe_maintenance_windows()
        .filters(
            MaintenanceWindowFilter::builder()
                .key("Name")
                .values("patching")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        format!("{:?}", before.window_identities()),
        format!("{:?}", after.window_identities())
    );
    assert_eq!(
        request(&server, "POST", "/console").await.0,
        405,
        "the console only reads"
    );
    assert_eq!(
        get(&server, "/console/windows/mw-00000000000000000")
            .await
            .0,
        404
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn no_console_turns_it_off() {
    let config = Config {
        no_console: true,
        ..Config::for_tests()
    };
    let server = start_with_clock(config, Arc::new(ManualClock::new(now()))).await;
    assert_eq!(get(&server, "/console").await.0, 404);
    assert_eq!(get(&server, "/health").await.0, 200);
    server.stop().await.unwrap();
}
