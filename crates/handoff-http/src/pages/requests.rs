//! `/requests`: the department's queue, the requests a person filed, and those assigned
//! to them, with each request's most pressing SLA clock in view.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_domain::request::Status;
use handoff_domain::search;
use handoff_store::requests::{self, Cursor, ListFilter, Request, Sort};
use handoff_store::{from_micros, people, services, slas};

use super::form::{Pairs, encode};
use super::format::{self, SlaView};
use super::{Choice, Frame, PageError, Viewer, render};
use crate::AppState;
use crate::api::request_sla::read_clocks;
use crate::api::requests::export::requests_csv;
use crate::csv::{self, ExportFormat};

const PAGE_SIZE: i64 = 50;

/// Which requests a list shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Queue,
    Mine,
    Assigned,
}

impl View {
    fn parse(s: Option<&str>) -> Option<View> {
        match s {
            None | Some("queue") => Some(View::Queue),
            Some("mine") => Some(View::Mine),
            Some("assigned") => Some(View::Assigned),
            Some(_) => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            View::Queue => "queue",
            View::Mine => "mine",
            View::Assigned => "assigned",
        }
    }
}

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
}

#[derive(Template)]
#[template(path = "requests.html")]
struct ListPage {
    frame: Frame,
    view: &'static str,
    title: &'static str,
    q: String,
    statuses: Vec<Choice>,
    rows: Vec<Row>,
    next: Option<String>,
    /// This list with its filters as a CSV file.
    csv_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let bad = |why: &str| PageError::Rejected(StatusCode::BAD_REQUEST, why.to_owned());
    let view = View::parse(query.filled("view")).ok_or_else(|| bad("unknown list"))?;
    let as_csv = ExportFormat::of_page(query.filled("format"))?;
    let status = query.filled("status").unwrap_or("active");
    let statuses = match status {
        "active" => Status::ALL.into_iter().filter(|s| s.is_active()).collect(),
        "all" => Vec::new(),
        other => vec![Status::parse(other).ok_or_else(|| bad("unknown status"))?],
    };
    let q = query.get("q").unwrap_or_default().trim().to_owned();
    let cursor = match query.filled("cursor") {
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| bad("malformed cursor"))?),
        None => None,
    };
    let actor = &viewer.actor;
    let mut filter = ListFilter {
        statuses,
        terms: search::terms(&q),
        ..ListFilter::default()
    };
    let title = match view {
        View::Queue => {
            filter.provider_department_id = Some(actor.department_id);
            "Department queue"
        }
        View::Mine => {
            filter.requester_id = Some(actor.person_id);
            "Filed by me"
        }
        View::Assigned => {
            filter.assignee_id = Some(Some(actor.person_id));
            "Assigned to me"
        }
    };
    let sort = Sort::default_for(&filter);
    if as_csv {
        // The whole list, not this page of it.
        let name = format!(
            "requests-{}-{}.csv",
            view.as_str(),
            state.clock.now().strftime("%Y-%m-%d")
        );
        return Ok(requests_csv(&state, actor, &filter, sort, None, &name).await?);
    }
    let page = requests::list(&state.db, actor, &filter, sort, cursor, PAGE_SIZE).await?;
    let rows = rows(&state, &viewer, page.items).await?;
    let next = page.next.map(|c| {
        format!(
            "/requests?view={}&status={}&q={}&cursor={}",
            view.as_str(),
            encode(status),
            encode(&q),
            c.encode()
        )
    });
    let mut choices = vec![
        Choice::new("active", "Active", status == "active"),
        Choice::new("all", "All", status == "all"),
    ];
    choices.extend(
        Status::ALL
            .into_iter()
            .map(|s| Choice::new(s.as_str(), format::status(s), status == s.as_str())),
    );
    let csv_href = csv::href(
        "/requests",
        &[("view", view.as_str()), ("status", status), ("q", &q)],
    );
    let page = ListPage {
        frame: Frame::new(&viewer, view.as_str()),
        view: view.as_str(),
        title,
        q,
        statuses: choices,
        rows,
        next,
        csv_href,
    };
    Ok(render(StatusCode::OK, &page))
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
    let names = people::names(&state.db, &person_ids).await?;
    let service_names = services::names(&state.db, &service_ids).await?;
    let mut clocks = slas::of_requests(&state.db, &ids).await?;
    let mut time = HashMap::new();
    let now = state.clock.now();
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
