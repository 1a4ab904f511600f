//! `/search?q=`: what the box in every page's header finds, grouped by kind (requests,
//! services, people, departments), each hit a link to its page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::search::{Group, Hit, Kind, Mark};

use super::form::Pairs;
use super::{Frame, PageError, Viewer, refusal, render};
use crate::AppState;

/// Hits of each kind shown.
const LIMIT: i64 = 10;

pub struct GroupView {
    /// The kind, for ids: `requests`, `services`...
    pub key: &'static str,
    pub label: &'static str,
    pub hits: Vec<HitView>,
    pub more: bool,
}

pub struct HitView {
    pub href: String,
    pub title: String,
    pub detail: String,
    pub mark: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    frame: Frame,
    /// What was typed, kept in the box.
    q: String,
    error: Option<String>,
    groups: Vec<GroupView>,
    total: usize,
    limit: i64,
}

/// The page a hit leads to.
fn href(kind: Kind, hit: &Hit) -> String {
    let id = hit.id;
    match kind {
        Kind::Requests => format!("/requests/{id}"),
        // A service the viewer may not file to (an administrator's find): its levels.
        Kind::Services if hit.mark == Some(Mark::NotRequestable) => format!("/services/{id}/sla"),
        Kind::Services => format!("/catalog/{id}"),
        Kind::People => format!("/people/{id}"),
        Kind::Departments => format!("/departments/{id}"),
    }
}

fn view(group: Group) -> GroupView {
    let kind = group.kind;
    GroupView {
        key: kind.as_str(),
        label: kind.label(),
        hits: group
            .hits
            .into_iter()
            .map(|hit| HitView {
                href: href(kind, &hit),
                title: match kind {
                    Kind::Requests => format!("#{} {}", hit.id, hit.title),
                    _ => hit.title,
                },
                detail: hit.detail,
                mark: hit.mark.map(Mark::label),
            })
            .collect(),
        more: group.more,
    }
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let q = query.get("q").unwrap_or_default().trim().to_owned();
    let mut page = SearchPage {
        frame: Frame::new(&viewer, "search"),
        q,
        error: None,
        groups: Vec::new(),
        total: 0,
        limit: LIMIT,
    };
    if page.q.is_empty() {
        return Ok(render(StatusCode::OK, &page));
    }
    match handoff_app::search::everything(&state.app, &viewer.actor, &page.q, LIMIT).await {
        Ok(groups) => {
            page.groups = groups.into_iter().map(view).collect();
            page.total = page.groups.iter().map(|g| g.hits.len()).sum();
            Ok(render(StatusCode::OK, &page))
        }
        Err(refused) => {
            let (status, message) = refusal(refused)?;
            page.error = Some(message);
            Ok(render(status, &page))
        }
    }
}
