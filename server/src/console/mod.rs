//! `GET /console`: read-only HTML pages over one account and Region: the
//! schedule as a timeline, the windows, and their executions.
//!
//! Everything shown comes from the domain's own answers (run times from
//! [`runs_between`](crate::domain::runs_between), statuses from the
//! Describe/Get operations), so the page never disagrees with the API. Pages
//! only read; nothing here writes to the store.

pub mod timeline;
mod views;

use chrono::{DateTime, Utc};

use crate::domain::{next_execution_time, Domain, Scope};
use crate::store::Window;
use timeline::{Span, Timeline, Zone};

/// What a request leaves out of its query.
pub struct Defaults<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// A rendered page and its status.
pub struct Page {
    pub status: u16,
    pub html: String,
}

/// How long a page showing a run in progress waits before reloading.
pub const REFRESH_SECONDS: u32 = 5;

/// How many executions the overview and the executions view list.
const OVERVIEW_EXECUTIONS: usize = 10;
const LISTED_EXECUTIONS: usize = 50;

/// The query parameters every console page understands; links carry them
/// on, so a viewer's choice of scope, span and zone sticks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub scope: Scope,
    pub span: Span,
    pub zone: Zone,
}

impl View {
    pub fn parse(query: Option<&str>, defaults: &Defaults<'_>) -> Self {
        let mut view = View {
            scope: Scope {
                account: defaults.account.to_owned(),
                region: defaults.region.to_owned(),
            },
            span: Span::Week,
            zone: Zone::Utc,
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            match &*key {
                "account" if !value.is_empty() => view.scope.account = value.to_owned(),
                "region" if !value.is_empty() => view.scope.region = value.to_owned(),
                "range" => view.span = Span::from_param(value).unwrap_or(view.span),
                "tz" => view.zone = Zone::from_param(value).unwrap_or(view.zone),
                _ => {}
            }
        }
        view
    }

    /// `path` with this view's parameters.
    pub fn href(&self, path: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("account", &self.scope.account)
            .append_pair("region", &self.scope.region)
            .append_pair("range", self.span.param())
            .append_pair("tz", self.zone.param())
            .finish();
        format!("{path}?{query}")
    }
}

/// One line of the windows table.
pub struct WindowLine {
    pub id: String,
    pub name: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub offset: Option<i32>,
    pub next_execution: Option<String>,
    pub enabled: bool,
    pub targets: usize,
    pub tasks: usize,
}

impl WindowLine {
    fn of(window: &Window, now: DateTime<Utc>) -> Self {
        Self {
            id: window.id.clone(),
            name: window.name.clone(),
            schedule: window.schedule.clone(),
            timezone: window.schedule_timezone.clone(),
            offset: window.schedule_offset,
            next_execution: next_execution_time(window, now),
            enabled: window.enabled,
            targets: window.targets.len(),
            tasks: window.tasks.len(),
        }
    }
}

/// What the overview shows: the timeline, the windows and the latest runs.
pub struct Overview {
    pub now: DateTime<Utc>,
    pub timeline: Timeline,
    pub windows: Vec<WindowLine>,
    pub executions: Vec<ssm_api::types::MaintenanceWindowExecution>,
}

/// The overview's data at the domain's current time.
pub fn overview(domain: &Domain, view: &View) -> Overview {
    let now = domain.clock.now();
    let (timeline, windows) = domain.store.read(&view.scope, |data| {
        let windows: Vec<&Window> = data
            .window_order
            .values()
            .filter_map(|id| data.windows.get(id))
            .collect();
        let timeline = timeline::build(windows.iter().copied(), now, view.span);
        let lines = windows.iter().map(|w| WindowLine::of(w, now)).collect();
        (timeline, lines)
    });
    Overview {
        now,
        timeline,
        windows,
        executions: domain.latest_executions(&view.scope, OVERVIEW_EXECUTIONS),
    }
}

/// Renders the page at `path` (under `/console`) for `query`.
pub fn page(domain: &Domain, defaults: &Defaults<'_>, path: &str, query: Option<&str>) -> Page {
    let view = View::parse(query, defaults);
    let scopes = known_scopes(domain, &view);
    let rest = path.trim_start_matches("/console").trim_matches('/');
    let mut parts = rest.split('/');
    let found = |html| Page { status: 200, html };
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), None, None) => found(views::overview(&view, &scopes, &overview(domain, &view))),
        (Some("executions"), None, None) => {
            let executions = domain.latest_executions(&view.scope, LISTED_EXECUTIONS);
            found(views::executions(
                &view,
                &scopes,
                domain.clock.now(),
                &executions,
            ))
        }
        (Some("windows"), Some(id), None) => match views::window(domain, &view, &scopes, id) {
            Some(html) => found(html),
            None => not_found(
                &view,
                &scopes,
                "No such maintenance window in this account and Region.",
            ),
        },
        (Some("executions"), Some(id), None) => {
            match views::execution(domain, &view, &scopes, id) {
                Some(html) => found(html),
                None => not_found(
                    &view,
                    &scopes,
                    "No such execution in this account and Region.",
                ),
            }
        }
        _ => not_found(&view, &scopes, "There is no such console page."),
    }
}

fn not_found(view: &View, scopes: &[Scope], message: &str) -> Page {
    Page {
        status: 404,
        html: views::not_found(view, scopes, message),
    }
}

/// The scopes the selector offers: those holding data, and the viewed one.
fn known_scopes(domain: &Domain, view: &View) -> Vec<Scope> {
    let mut scopes = domain.store.scopes();
    if !scopes.contains(&view.scope) {
        scopes.push(view.scope.clone());
    }
    scopes.sort();
    scopes
}

/// Whether an execution status is one that will still change, so a page
/// showing it should refresh.
pub fn in_progress(status: Option<&ssm_api::types::MaintenanceWindowExecutionStatus>) -> bool {
    matches!(
        status.map(|s| s.as_str()),
        Some("PENDING" | "IN_PROGRESS" | "CANCELLING")
    )
}
