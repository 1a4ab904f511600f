//! `/notifications`: what Handoff told the viewer (SLA warnings, breaches, escalations),
//! newest first, each linking to its request.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_store::{from_micros, notifications};

use super::form::Pairs;
use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

pub struct Line {
    pub kind: String,
    pub message: String,
    pub request_id: Option<i64>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    frame: Frame,
    lines: Vec<Line>,
    next: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let before = match query.filled("before") {
        Some(b) => b.parse().map_err(|_| {
            PageError::Rejected(StatusCode::BAD_REQUEST, "malformed cursor".to_owned())
        })?,
        None => 0,
    };
    let rows =
        notifications::of_person(&state.app.db, viewer.actor.person_id, before, PAGE_SIZE).await?;
    let next = (rows.len() as i64 == PAGE_SIZE)
        .then(|| {
            rows.last()
                .map(|n| format!("/notifications?before={}", n.id))
        })
        .flatten();
    let lines = rows
        .into_iter()
        .map(|n| Line {
            kind: n.kind,
            message: n.message,
            request_id: n.request_id,
            at: format::time(from_micros(n.created_at), &viewer.zone),
        })
        .collect();
    let page = NotificationsPage {
        frame: Frame::new(&viewer, "notifications"),
        lines,
        next,
    };
    Ok(render(StatusCode::OK, &page))
}
