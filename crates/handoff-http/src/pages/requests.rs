//! `/requests`: the request lists. Built-in views (the department's queue, what is
//! assigned to me, the unassigned, those breaching within an hour, those waiting on the
//! customer, what I filed) as tabs, each person's saved views beside them, filters, each
//! request's most pressing SLA clock, and a bulk change of the ticked requests. Keyboard
//! shortcuts come from `/static/queue.js`; the page works the same without it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_domain::access::Actor;
use handoff_domain::queue::{BREACHING_WITHIN, ListQuery, View};
use handoff_domain::request::{Priority, Status};
use handoff_domain::search;
use handoff_store::people::{self, PeopleFilter};
use handoff_store::requests::{self, Cursor, ListFilter, Request, Sort};
use handoff_store::{from_micros, services, slas, to_micros};
use jiff::Timestamp;

use super::form::Pairs;
use super::format::{self, SlaView};
use super::{Choice, Frame, PageError, Viewer, render};
use crate::AppState;
use crate::api::request_sla::read_clocks;
use crate::api::requests::export::requests_csv;
use crate::csv::{self, ExportFormat};

const PAGE_SIZE: i64 = 50;

pub struct Row {
    pub id: i64,
    pub subject: String,
    pub service: String,
    pub requester: String,
    pub status: &'static str,
    pub status_key: &'static str,
    pub priority: &'static str,
    pub priority_key: &'static str,
    pub assignee: Option<String>,
    /// The clock that most needs attention, if any runs.
    pub sla: Option<SlaView>,
    pub updated: String,
    /// Passed back to a department that held it, or three times or more.
    pub ping_pong: bool,
    pub transfers: i32,
    /// Ticked for the bulk change.
    pub ticked: bool,
    /// Why the bulk change refused it.
    pub refusal: Option<String>,
}

/// A link to a list: a built-in view or a saved one.
pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct SavedTab {
    pub id: i64,
    pub tab: Tab,
}

/// A refused bulk change, to show above the list.
pub struct Refusal {
    pub message: String,
    pub lines: Vec<String>,
}

/// What a form on the list asked, kept to show again beside its refusal.
#[derive(Default)]
pub struct Asked {
    /// The requests ticked for the bulk change.
    pub ticked: Vec<i64>,
    /// The bulk change's choices, as sent.
    pub assignee: String,
    pub status: String,
    pub refusal: Option<Refusal>,
    /// Why, by request, the bulk change refused them.
    pub refused: HashMap<i64, String>,
    /// The name typed to save the view, and why it was refused.
    pub view_name: String,
    pub view_error: Option<String>,
    /// What the last bulk change did.
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct ListPage {
    frame: Frame,
    view: &'static str,
    title: &'static str,
    tabs: Vec<Tab>,
    saved: Vec<SavedTab>,
    /// The list's canonical query string, for the forms that come back to it.
    query: String,
    cursor: Option<String>,
    /// The status filter, unless the view decides the status.
    statuses: Option<Vec<Choice>>,
    priorities: Vec<Choice>,
    q: String,
    rows: Vec<Row>,
    assignees: Vec<Choice>,
    moves: Vec<Choice>,
    asked: Asked,
    next: Option<String>,
    /// This list with its filters as a CSV file.
    csv_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let bad = |why: String| PageError::Rejected(StatusCode::BAD_REQUEST, why);
    let list = ListQuery::from_pairs(query.0.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| bad(format!("this list cannot be shown: {e}")))?;
    let as_csv = ExportFormat::of_page(query.filled("format"))?;
    let cursor = match query.filled("cursor") {
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| bad("malformed cursor".to_owned()))?),
        None => None,
    };
    if as_csv {
        // The whole list, not this page of it.
        let filter = filter_of(&list, &viewer.actor, state.app.clock.now());
        let name = format!(
            "requests-{}-{}.csv",
            list.view.as_str(),
            state.app.clock.now().strftime("%Y-%m-%d")
        );
        let sort = Sort::default_for(&filter);
        return Ok(requests_csv(&state, &viewer.actor, &filter, sort, None, &name).await?);
    }
    let notice = query
        .filled("changed")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| match n {
            1 => "1 request changed.".to_owned(),
            n => format!("{n} requests changed."),
        });
    let asked = Asked {
        notice,
        ..Asked::default()
    };
    show(&state, &viewer, &list, cursor, StatusCode::OK, asked).await
}

/// The requests `list` shows to `actor` at `now`.
fn filter_of(list: &ListQuery, actor: &Actor, now: Timestamp) -> ListFilter {
    let mut filter = ListFilter {
        statuses: list.statuses(),
        priorities: list.priority.into_iter().collect(),
        terms: search::terms(&list.q),
        ..ListFilter::default()
    };
    match list.view {
        View::Queue | View::Waiting => filter.provider_department_id = Some(actor.department_id),
        View::Assigned => filter.assignee_id = Some(Some(actor.person_id)),
        View::Unassigned => {
            filter.provider_department_id = Some(actor.department_id);
            filter.assignee_id = Some(None);
        }
        View::Breaching => {
            filter.provider_department_id = Some(actor.department_id);
            let by = now.checked_add(BREACHING_WITHIN).unwrap_or(now);
            filter.sla_due_by = Some(to_micros(by));
        }
        View::Mine => filter.requester_id = Some(actor.person_id),
    }
    filter
}

/// The navigation entry a view highlights.
fn section(view: View) -> &'static str {
    match view {
        View::Assigned => "assigned",
        View::Mine => "mine",
        _ => "queue",
    }
}

/// Renders the list `list` from `cursor` on, with what a form asked when it was refused.
pub(super) async fn show(
    state: &AppState,
    viewer: &Viewer,
    list: &ListQuery,
    cursor: Option<Cursor>,
    status: StatusCode,
    mut asked: Asked,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let filter = filter_of(list, actor, state.app.clock.now());
    let sort = Sort::default_for(&filter);
    let page = requests::list(&state.app.db, actor, &filter, sort, cursor, PAGE_SIZE).await?;
    let mut rows = rows(state, viewer, page.items).await?;
    for row in &mut rows {
        row.ticked = asked.ticked.contains(&row.id);
        row.refusal = asked.refused.remove(&row.id);
    }
    if list.view == View::Breaching {
        most_pressing_first(&mut rows);
    }
    let query = list.to_query();
    let next = page
        .next
        .map(|c| format!("{}&cursor={}", list.href(), c.encode()));
    let tabs = View::ALL
        .into_iter()
        .map(|v| Tab {
            href: format!("/requests?view={}", v.as_str()),
            label: v.label().to_owned(),
            current: v == list.view,
        })
        .collect();
    let saved = handoff_app::views::mine(&state.app, actor)
        .await?
        .into_iter()
        .map(|v| SavedTab {
            id: v.id,
            tab: Tab {
                href: format!("/requests?{}", v.query),
                current: v.query == query,
                label: v.name,
            },
        })
        .collect();
    let status_name = list.status.as_str();
    let statuses = list.view.fixed_status().is_none().then(|| {
        let mut choices = vec![
            Choice::new("active", "Active", status_name == "active"),
            Choice::new("all", "All", status_name == "all"),
        ];
        choices.extend(
            Status::ALL
                .into_iter()
                .map(|s| Choice::new(s.as_str(), format::status(s), status_name == s.as_str())),
        );
        choices
    });
    let mut priorities = vec![Choice::new("", "Any", list.priority.is_none())];
    priorities.extend(
        Priority::ALL
            .into_iter()
            .map(|p| Choice::new(p.as_str(), format::priority(p), list.priority == Some(p))),
    );
    let assignees = assignees(state, viewer, &asked.assignee).await?;
    let mut moves = vec![Choice::new(
        "",
        "Keep each one\u{2019}s status",
        asked.status.is_empty(),
    )];
    moves.extend(
        Status::ALL
            .into_iter()
            .map(|s| Choice::new(s.as_str(), format::status(s), asked.status == s.as_str())),
    );
    let status_param = if list.view.fixed_status().is_some() {
        ""
    } else {
        status_name
    };
    let priority_param = list.priority.map_or("", Priority::as_str);
    let csv_href = csv::href(
        "/requests",
        &[
            ("view", list.view.as_str()),
            ("status", status_param),
            ("priority", priority_param),
            ("q", &list.q),
        ],
    );
    let page = ListPage {
        frame: Frame::new(viewer, section(list.view)),
        view: list.view.as_str(),
        title: list.view.label(),
        tabs,
        saved,
        query,
        cursor: cursor.map(Cursor::encode),
        statuses,
        priorities,
        q: list.q.clone(),
        rows,
        assignees,
        moves,
        asked,
        next,
        csv_href,
    };
    Ok(render(status, &page))
}

/// Whom the bulk change may assign to: keep, me, nobody, or a member of my department.
async fn assignees(
    state: &AppState,
    viewer: &Viewer,
    chosen: &str,
) -> Result<Vec<Choice>, PageError> {
    let me = viewer.actor.person_id;
    let mut choices = vec![
        Choice::new("", "Keep each one\u{2019}s assignee", chosen.is_empty()),
        Choice::new("me", format!("Me ({})", viewer.name), chosen == "me"),
        Choice::new("none", "Nobody (unassign)", chosen == "none"),
    ];
    let filter = PeopleFilter {
        department_id: Some(viewer.actor.department_id),
        active: Some(true),
        q: None,
    };
    let members = people::list(&state.app.db, &filter, 0, 500).await?;
    choices.extend(members.into_iter().filter(|p| p.id != me).map(|p| {
        let value = p.id.to_string();
        let selected = chosen == value;
        Choice::new(value, p.name, selected)
    }));
    Ok(choices)
}

/// The list page's script: its keyboard shortcuts.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/queue.js"),
    )
        .into_response()
}

/// The rows of a list, with the names they refer to and their clocks read now.
pub(super) async fn rows(
    state: &AppState,
    viewer: &Viewer,
    items: Vec<Request>,
) -> Result<Vec<Row>, PageError> {
    let ids: Vec<i64> = items.iter().map(|r| r.id).collect();
    let mut person_ids: Vec<i64> = items.iter().map(|r| r.requester_id).collect();
    person_ids.extend(items.iter().filter_map(|r| r.assignee_id));
    let service_ids: Vec<i64> = items.iter().map(|r| r.service_id).collect();
    let names = people::names(&state.app.db, &person_ids).await?;
    let service_names = services::names(&state.app.db, &service_ids).await?;
    let mut clocks = slas::of_requests(&state.app.db, &ids).await?;
    let mut time = HashMap::new();
    let now = state.app.clock.now();
    let mut rows = Vec::with_capacity(items.len());
    for r in items {
        let status = r.status()?;
        let priority = r.priority()?;
        let sla = match clocks.remove(&r.id) {
            Some(stored) => {
                let department = r.provider_department_id;
                let t = match time.entry(department) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(state.app.timekeeping(department).await?),
                };
                let read = read_clocks(r.id, stored, t, now)?;
                pressing(read.iter().map(|s| SlaView::new(s, &viewer.zone)).collect())
            }
            None => None,
        };
        rows.push(Row {
            id: r.id,
            service: service_names
                .get(&r.service_id)
                .cloned()
                .unwrap_or_default(),
            requester: names.get(&r.requester_id).cloned().unwrap_or_default(),
            status: format::status(status),
            status_key: status.as_str(),
            priority: format::priority(priority),
            priority_key: priority.as_str(),
            assignee: r.assignee_id.and_then(|a| names.get(&a).cloned()),
            sla,
            updated: format::time(from_micros(r.updated_at), &viewer.zone),
            ping_pong: r.ping_pong,
            transfers: r.transfers,
            subject: r.subject,
            ticked: false,
            refusal: None,
        });
    }
    Ok(rows)
}

/// The clock to show in a list: a breached one first, then the running or paused one
/// with the largest share of its time used; none when every target is met or stopped.
fn pressing(views: Vec<SlaView>) -> Option<SlaView> {
    views
        .into_iter()
        .filter(|v| rank(v) < 3)
        .min_by(|a, b| rank(a).cmp(&rank(b)).then(b.percent.total_cmp(&a.percent)))
}

/// Orders rows by their shown clock, the way [`pressing`] picks it: breached, running,
/// then paused, each by the share of its time used; rows without a clock last.
pub(super) fn most_pressing_first(rows: &mut [Row]) {
    let key = |r: &Row| r.sla.as_ref().map_or((3, 0.0), |v| (rank(v), v.percent));
    rows.sort_by(|a, b| {
        let (ra, pa) = key(a);
        let (rb, pb) = key(b);
        ra.cmp(&rb).then(pb.total_cmp(&pa))
    });
}

fn rank(v: &SlaView) -> u8 {
    match v.state {
        "breached" => 0,
        "running" => 1,
        "paused" => 2,
        _ => 3,
    }
}
