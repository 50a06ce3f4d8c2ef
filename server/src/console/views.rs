//! The console's pages as HTML (maud templates).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use smithy_runtime::{Timestamp, REDACTED};
use ssm_api::types::{
    DescribeMaintenanceWindowExecutionTaskInvocationsRequest,
    DescribeMaintenanceWindowExecutionsRequest, GetMaintenanceWindowExecutionRequest,
    GetMaintenanceWindowExecutionTaskRequest, MaintenanceWindowExecution,
    MaintenanceWindowExecutionStatus, Target,
};

use super::timeline::{Span, Zone};
use super::{in_progress, Overview, View, REFRESH_SECONDS};
use crate::domain::{window_schedule, Domain, Scope};
use crate::store::Window;

const STYLE: &str = include_str!("console.css");

/// Executions listed on a window's page, and invocations per task.
const WINDOW_EXECUTIONS: i32 = 10;
const TASK_INVOCATIONS: i32 = 100;

fn layout(view: &View, scopes: &[Scope], title: &str, refresh: bool, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if refresh {
                    // Works without JavaScript; the script below only keeps
                    // the scroll position across reloads.
                    meta http-equiv="refresh" content=(REFRESH_SECONDS);
                }
                title { (title) " · ssm-server console" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    nav {
                        a.brand href=(view.href("/console")) { "ssm-server" }
                        a href=(view.href("/console")) { "Schedule & windows" }
                        a href=(view.href("/console/executions")) { "Executions" }
                    }
                    (scope_form(view, scopes))
                }
                main {
                    @if refresh {
                        p.live role="status" {
                            "A run is in progress: this page reloads every " (REFRESH_SECONDS) " s."
                        }
                    }
                    h1 { (title) }
                    (body)
                }
                @if refresh {
                    script { (PreEscaped(KEEP_SCROLL)) }
                }
            }
        }
    }
    .into_string()
}

/// Restores the scroll position after the refresh reload.
const KEEP_SCROLL: &str = "(function(){var k='console-scroll:'+location.pathname+location.search;\
var y=sessionStorage.getItem(k);if(y!==null){window.scrollTo(0,+y);}\
addEventListener('beforeunload',function(){sessionStorage.setItem(k,String(window.scrollY));});})();";

fn scope_form(view: &View, scopes: &[Scope]) -> Markup {
    let mut accounts: Vec<&str> = scopes.iter().map(|s| s.account.as_str()).collect();
    accounts.dedup();
    let mut regions: Vec<&str> = scopes.iter().map(|s| s.region.as_str()).collect();
    regions.sort_unstable();
    regions.dedup();
    html! {
        form.scope method="get" {
            label { "Account "
                select name="account" {
                    @for account in &accounts {
                        option value=(account) selected[*account == view.scope.account] { (account) }
                    }
                }
            }
            label { "Region "
                input name="region" value=(view.scope.region) list="regions" size="14";
            }
            datalist #regions { @for region in &regions { option value=(region) {} } }
            label { "Span "
                select name="range" {
                    @for span in Span::ALL {
                        option value=(span.param()) selected[span == view.span] { (span.label()) }
                    }
                }
            }
            label { "Times in "
                select name="tz" {
                    @for zone in [Zone::Utc, Zone::Window] {
                        option value=(zone.param()) selected[zone == view.zone] { (zone.label()) }
                    }
                }
            }
            button type="submit" { "Show" }
        }
    }
}

pub fn overview(view: &View, scopes: &[Scope], data: &Overview) -> String {
    let refresh = data
        .executions
        .iter()
        .any(|e| in_progress(e.status.as_ref()));
    let window_href = |id: &str| view.href(&format!("/console/windows/{id}"));
    let svg = data.timeline.svg(view.zone, window_href);
    let overlaps = data
        .timeline
        .rows
        .iter()
        .flat_map(|r| &r.runs)
        .filter(|r| r.overlaps)
        .count();
    let body = html! {
        section #timeline {
            h2 { "Scheduled runs, next " (view.span.label()) }
            p.choices {
                "Show: "
                @for span in Span::ALL {
                    @let other = View { span, ..view.clone() };
                    @if span == view.span { strong { (span.label()) } } @else { a href=(other.href("/console")) { (span.label()) } }
                    " "
                }
                " · Times in: "
                @for zone in [Zone::Utc, Zone::Window] {
                    @let other = View { zone, ..view.clone() };
                    @if zone == view.zone { strong { (zone.label()) } } @else { a href=(other.href("/console")) { (zone.label()) } }
                    " "
                }
            }
            p.legend {
                span.key.k-bar {} " run (Duration) "
                span.key.k-cutoff {} " Cutoff: no new tasks "
                span.key.k-overlap {} " overlaps another window's run "
                span.key.k-disabled {} " disabled (would run) "
                @if view.zone == Zone::Window { span.key.k-midnight {} " midnight in the window's zone" }
            }
            p.summary #overlap-count {
                @if overlaps == 0 { "No runs of different windows overlap." }
                @else { (overlaps) " runs overlap a run of another window (marked red)." }
            }
            div.scroll { (PreEscaped(svg)) }
        }
        section #windows {
            h2 { "Maintenance windows (" (data.windows.len()) ")" }
            div.scroll {
                table {
                    thead { tr { th { "Name" } th { "ID" } th { "Schedule" } th { "Time zone" } th { "Next execution" } th { "Enabled" } th.num { "Targets" } th.num { "Tasks" } } }
                    tbody {
                        @for w in &data.windows {
                            tr.disabled[!w.enabled] {
                                td { a href=(window_href(&w.id)) { (w.name) } }
                                td.mono { (w.id) }
                                td.mono { (w.schedule) @if let Some(days) = w.offset { " +" (days) "d" } }
                                td { (w.timezone.as_deref().unwrap_or("UTC")) }
                                td.mono { (w.next_execution.as_deref().unwrap_or("—")) }
                                td { @if w.enabled { "Yes" } @else { "No" } }
                                td.num { (w.targets) }
                                td.num { (w.tasks) }
                            }
                        }
                    }
                }
            }
        }
        section #latest {
            h2 { "Latest executions" }
            (executions_table(view, &data.executions))
            p { a href=(view.href("/console/executions")) { "All recent executions →" } }
        }
        p.footnote { "Page rendered " (utc(data.now)) "." }
    };
    layout(view, scopes, "Schedule & windows", refresh, body)
}

pub fn executions(
    view: &View,
    scopes: &[Scope],
    now: DateTime<Utc>,
    executions: &[MaintenanceWindowExecution],
) -> String {
    let refresh = executions.iter().any(|e| in_progress(e.status.as_ref()));
    let body = html! {
        (executions_table(view, executions))
        p.footnote { "Newest first; times in UTC. Page rendered " (utc(now)) "." }
    };
    layout(view, scopes, "Executions", refresh, body)
}

fn executions_table(view: &View, executions: &[MaintenanceWindowExecution]) -> Markup {
    html! {
        @if executions.is_empty() {
            p.empty { "No executions yet." }
        } @else {
            div.scroll {
                table.executions {
                    thead { tr { th { "Execution" } th { "Window" } th { "Status" } th { "Started" } th { "Ended" } th { "Details" } } }
                    tbody {
                        @for e in executions {
                            @let id = e.window_execution_id.as_deref().unwrap_or_default();
                            @let window = e.window_id.as_deref().unwrap_or_default();
                            tr {
                                td.mono { a href=(view.href(&format!("/console/executions/{id}"))) { (id) } }
                                td.mono { a href=(view.href(&format!("/console/windows/{window}"))) { (window) } }
                                td { (status(e.status.as_ref())) }
                                td { (stamp(e.start_time, Tz::UTC)) }
                                td { (stamp(e.end_time, Tz::UTC)) }
                                td { (e.status_details.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A window's settings, targets, tasks (priority order) and last runs.
pub fn window(domain: &Domain, view: &View, scopes: &[Scope], id: &str) -> Option<String> {
    let now = domain.clock.now();
    let window = domain
        .store
        .read(&view.scope, |data| data.window(id).cloned())?;
    let zone = shown_zone(view, &window);
    let executions = domain
        .describe_executions(
            &view.scope,
            DescribeMaintenanceWindowExecutionsRequest {
                window_id: id.to_owned(),
                max_results: Some(WINDOW_EXECUTIONS),
                ..Default::default()
            },
        )
        .ok()
        .and_then(|r| r.window_executions)
        .unwrap_or_default();
    let mut tasks: Vec<_> = window.tasks.iter().collect();
    tasks.sort_by_key(|t| (t.priority, t.seq));
    let refresh = executions.iter().any(|e| in_progress(e.status.as_ref()));
    let body = html! {
        div.scroll { table.fields {
            tr { th { "ID" } td.mono { (window.id) } }
            tr { th { "Enabled" } td { @if window.enabled { "Yes" } @else { "No (disabled)" } } }
            tr { th { "Schedule" } td.mono { (window.schedule) } }
            tr { th { "Time zone" } td { (window.schedule_timezone.as_deref().unwrap_or("UTC")) } }
            tr { th { "Schedule offset" } td { (window.schedule_offset.map_or("—".to_owned(), |d| format!("{d} days"))) } }
            tr { th { "Start date" } td.mono { (window.start_date.as_deref().unwrap_or("—")) } }
            tr { th { "End date" } td.mono { (window.end_date.as_deref().unwrap_or("—")) } }
            tr { th { "Duration / Cutoff" } td { (window.duration) " h / " (window.cutoff) " h" } }
            tr { th { "Next execution" } td.mono { (crate::domain::next_execution_time(&window, now).unwrap_or_else(|| "—".into())) } }
            tr { th { "Description" } td { @if window.description.is_some() { (REDACTED) } @else { "—" } } }
            tr { th { "Created / modified" } td { (stamp(Some(window.created), zone)) " / " (stamp(Some(window.modified), zone)) } }
        } }
        section #targets {
            h2 { "Targets (" (window.targets.len()) ")" }
            @if window.targets.is_empty() { p.empty { "No targets registered." } } @else {
                div.scroll { table {
                    thead { tr { th { "ID" } th { "Name" } th { "Resource type" } th { "Targets" } th { "Owner information" } } }
                    tbody { @for t in &window.targets {
                        tr {
                            td.mono { (t.id) }
                            td { (t.name.as_deref().unwrap_or("—")) }
                            td { (t.resource_type) }
                            td.mono { (targets(&t.targets)) }
                            td { @if t.owner_information.is_some() { (REDACTED) } @else { "—" } }
                        }
                    } }
                } }
            }
        }
        section #tasks {
            h2 { "Tasks (" (tasks.len()) "), in priority order" }
            @if tasks.is_empty() { p.empty { "No tasks registered." } } @else {
                div.scroll { table {
                    thead { tr { th.num { "Priority" } th { "ID" } th { "Name" } th { "Type" } th { "Task" } th { "Targets" } th { "Concurrency / errors" } th { "Parameters" } } }
                    tbody { @for t in &tasks {
                        tr {
                            td.num { (t.priority) }
                            td.mono { (t.id) }
                            td { (t.name.as_deref().unwrap_or("—")) }
                            td { (t.task_type) }
                            td.mono { (t.task_arn) }
                            td.mono { (targets(&t.targets)) }
                            td { (t.max_concurrency.as_deref().unwrap_or("—")) " / " (t.max_errors.as_deref().unwrap_or("—")) }
                            td { (parameter_names(t.task_parameters.as_ref().map(|p| p.keys()))) }
                        }
                    } }
                } }
            }
        }
        section #window-executions {
            h2 { "Last executions" }
            (executions_table(view, &executions))
        }
    };
    Some(layout(
        view,
        scopes,
        &format!("Window {}", window.name),
        refresh,
        body,
    ))
}

/// One execution with its tasks and their invocations.
pub fn execution(domain: &Domain, view: &View, scopes: &[Scope], id: &str) -> Option<String> {
    let scope = &view.scope;
    let window = domain.store.read(scope, |data| {
        let e = data.executions.get(id)?;
        Some((e.window_id.clone(), data.window(&e.window_id).cloned()))
    })?;
    let (window_id, window) = window;
    let zone = window.as_ref().map_or(Tz::UTC, |w| shown_zone(view, w));
    let e = domain
        .get_execution(
            scope,
            GetMaintenanceWindowExecutionRequest {
                window_execution_id: id.to_owned(),
            },
        )
        .ok()?;
    let refresh = in_progress(e.status.as_ref());
    let tasks: Vec<_> = e
        .task_ids
        .iter()
        .flatten()
        .filter_map(|task_id| {
            let task = domain
                .get_execution_task(
                    scope,
                    GetMaintenanceWindowExecutionTaskRequest {
                        window_execution_id: id.to_owned(),
                        task_id: task_id.clone(),
                    },
                )
                .ok()?;
            let invocations = domain
                .describe_invocations(
                    scope,
                    DescribeMaintenanceWindowExecutionTaskInvocationsRequest {
                        window_execution_id: id.to_owned(),
                        task_id: task_id.clone(),
                        max_results: Some(TASK_INVOCATIONS),
                        ..Default::default()
                    },
                )
                .ok()
                .and_then(|r| r.window_execution_task_invocation_identities)
                .unwrap_or_default();
            Some((task, invocations))
        })
        .collect();
    let body = html! {
        div.scroll { table.fields {
            tr { th { "Window" } td.mono { a href=(view.href(&format!("/console/windows/{window_id}"))) { (window.as_ref().map_or(window_id.as_str(), |w| w.name.as_str())) } " (" (window_id) ")" } }
            tr { th { "Status" } td { (status(e.status.as_ref())) } }
            tr { th { "Details" } td { (e.status_details.as_deref().unwrap_or("—")) } }
            tr { th { "Started" } td { (stamp(e.start_time, zone)) } }
            tr { th { "Ended" } td { (stamp(e.end_time, zone)) } }
        } }
        @for (task, invocations) in &tasks {
            @let task_id = task.task_execution_id.as_deref().unwrap_or_default();
            section.task id=(format!("task-{task_id}")) {
                h2 { "Task " span.mono { (task_id) } " " (status(task.status.as_ref())) }
                div.scroll { table.fields {
                    tr { th { "Task" } td.mono { (task.task_arn.as_deref().unwrap_or("—")) } }
                    tr { th { "Type / priority" } td { (task.r#type.as_ref().map_or("—", |t| t.as_str())) " / " (task.priority) } }
                    tr { th { "Details" } td { (task.status_details.as_deref().unwrap_or("—")) } }
                    tr { th { "Started / ended" } td { (stamp(task.start_time, zone)) " / " (stamp(task.end_time, zone)) } }
                    tr { th { "Parameters" } td { (parameter_names(task.task_parameters.as_ref().map(|list| list.iter().flat_map(|p| p.keys())))) } }
                } }
                h3 { "Invocations (" (invocations.len()) ")" }
                @if invocations.is_empty() { p.empty { "No invocations." } } @else {
                    div.scroll { table.invocations {
                        thead { tr { th { "Invocation" } th { "Status" } th { "Details" } th { "Started" } th { "Ended" } th { "Target" } th { "Parameters" } th { "Owner information" } } }
                        tbody { @for i in invocations {
                            tr {
                                td.mono { (i.invocation_id.as_deref().unwrap_or_default()) @if let Some(x) = &i.execution_id { br; small { (x) } } }
                                td { (status(i.status.as_ref())) }
                                td { (i.status_details.as_deref().unwrap_or("—")) }
                                td { (stamp(i.start_time, zone)) }
                                td { (stamp(i.end_time, zone)) }
                                td.mono { (i.window_target_id.as_deref().unwrap_or("—")) }
                                td { @if i.parameters.is_some() { (REDACTED) } @else { "—" } }
                                td { @if i.owner_information.is_some() { (REDACTED) } @else { "—" } }
                            }
                        } }
                    } }
                }
            }
        }
    };
    Some(layout(
        view,
        scopes,
        &format!("Execution {id}"),
        refresh,
        body,
    ))
}

pub fn not_found(view: &View, scopes: &[Scope], message: &str) -> String {
    layout(
        view,
        scopes,
        "Not found",
        false,
        html! { p { (message) } p { a href=(view.href("/console")) { "Back to the schedule" } } },
    )
}

/// The zone a window's times are shown in: its own when the viewer asked.
fn shown_zone(view: &View, window: &Window) -> Tz {
    match view.zone {
        Zone::Utc => Tz::UTC,
        Zone::Window => window_schedule(window).map_or(Tz::UTC, |s| s.timezone),
    }
}

fn status(status: Option<&MaintenanceWindowExecutionStatus>) -> Markup {
    let text = status.map_or("—", |s| s.as_str());
    html! { span class=(format!("status s-{text}")) { (text) } }
}

/// `2026-11-30 06:12:03 UTC`, or in another zone with its offset.
fn stamp(time: Option<Timestamp>, zone: Tz) -> String {
    match time {
        Some(t) if zone == Tz::UTC => utc(t.to_chrono()),
        Some(t) => t
            .to_chrono()
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M:%S %Z (%:z)")
            .to_string(),
        None => "—".into(),
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn targets(targets: &[Target]) -> String {
    let shown: Vec<String> = targets
        .iter()
        .map(|t| {
            let values = t.values.as_deref().unwrap_or_default().join(",");
            format!("{}={values}", t.key.as_deref().unwrap_or_default())
        })
        .collect();
    if shown.is_empty() {
        "—".into()
    } else {
        shown.join("; ")
    }
}

/// Parameter names with their values hidden, as the API types' `Debug`
/// hides these `@sensitive` values.
fn parameter_names<'a>(names: Option<impl Iterator<Item = &'a String>>) -> Markup {
    let names: Vec<&String> = names.into_iter().flatten().collect();
    html! {
        @if names.is_empty() { "—" }
        @for name in names { div { span.mono { (name) } ": " (REDACTED) } }
    }
}
