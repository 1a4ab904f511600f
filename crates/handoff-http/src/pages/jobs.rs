//! `/jobs`: the background job queue for administrators — what is queued, running or
//! failed, each with its attempts and last error — and a button to retry a failed job.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::job::JobState;
use handoff_store::from_micros;

use super::form::{PageId, Pairs};
use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;

const PAGE_SIZE: i64 = 100;

pub struct Line {
    pub id: i64,
    pub kind: String,
    pub state: &'static str,
    pub attempts: i32,
    pub run_at: String,
    pub last_error: String,
    pub failed: bool,
}

pub struct Filter {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    frame: Frame,
    filters: Vec<Filter>,
    lines: Vec<Line>,
    next: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let wanted = match query.filled("state") {
        Some(s) => Some(JobState::parse(s).ok_or_else(|| {
            PageError::Rejected(StatusCode::BAD_REQUEST, "unknown job state".to_owned())
        })?),
        None => None,
    };
    let after = match query.filled("after") {
        Some(a) => a.parse().map_err(|_| {
            PageError::Rejected(StatusCode::BAD_REQUEST, "malformed cursor".to_owned())
        })?,
        None => 0,
    };
    let rows = handoff_app::jobs::list(&state.app, &viewer.actor, wanted, after, PAGE_SIZE).await?;
    let state_query = wanted.map_or(String::new(), |s| format!("state={}&", s.as_str()));
    let next = (rows.len() as i64 == PAGE_SIZE)
        .then(|| {
            rows.last()
                .map(|j| format!("/jobs?{state_query}after={}", j.id))
        })
        .flatten();
    let mut lines = Vec::with_capacity(rows.len());
    for job in rows {
        let job_state = job.state()?;
        lines.push(Line {
            id: job.id,
            kind: job.kind,
            state: job_state.as_str(),
            attempts: job.attempts,
            run_at: format::time(from_micros(job.run_at), &viewer.zone),
            last_error: job.last_error.unwrap_or_default(),
            failed: job_state == JobState::Failed,
        });
    }
    let filters = [
        ("/jobs", "All", None),
        ("/jobs?state=queued", "Queued", Some(JobState::Queued)),
        ("/jobs?state=running", "Running", Some(JobState::Running)),
        ("/jobs?state=failed", "Failed", Some(JobState::Failed)),
    ]
    .into_iter()
    .map(|(href, label, s)| Filter {
        href,
        label,
        current: s == wanted,
    })
    .collect();
    let page = JobsPage {
        frame: Frame::new(&viewer, "jobs"),
        filters,
        lines,
        next,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /jobs/{id}/retry`: queue a failed job again.
pub async fn retry(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    handoff_app::jobs::retry(&state.app, &viewer.actor, id).await?;
    Ok(Redirect::to("/jobs?state=queued").into_response())
}
