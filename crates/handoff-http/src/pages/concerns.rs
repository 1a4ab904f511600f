//! `/concerns`: concerns the viewer may see and the form to raise one (named or
//! anonymous, always with a proposed solution); `/concerns/{id}`: one concern, with the
//! managers' acknowledge, answer and resolve, and the raiser's reopen.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::concerns::RaiseConcern;
use handoff_domain::feedback::concern::{ConcernMove, ConcernState};
use handoff_store::concerns::{Concern, ConcernFilter};
use handoff_store::{departments, from_micros, people};

use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, refusal, render, shown};
use crate::AppState;

pub struct ConcernLine {
    pub id: i64,
    pub about: String,
    pub raised_on: String,
    pub by: String,
    pub problem: String,
    pub state: &'static str,
    pub due: String,
    pub breached: bool,
}

async fn lines(
    state: &AppState,
    viewer: &Viewer,
    rows: &[Concern],
) -> Result<Vec<ConcernLine>, PageError> {
    let names = departments::names(
        &state.app.db,
        &rows
            .iter()
            .map(|c| c.about_department_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let people_names = people::names(
        &state.app.db,
        &rows
            .iter()
            .filter_map(|c| c.raised_by_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    rows.iter()
        .map(|c| {
            Ok(ConcernLine {
                id: c.id,
                about: names
                    .get(&c.about_department_id)
                    .cloned()
                    .unwrap_or_default(),
                raised_on: c.raised_on.clone(),
                by: match c.raised_by_id {
                    Some(p) => people_names.get(&p).cloned().unwrap_or_default(),
                    None => "Anonymous".to_owned(),
                },
                problem: c.problem.clone(),
                state: c.state()?.label(),
                due: format::time(from_micros(c.due_at), &viewer.zone),
                breached: c.breached || c.answered_at.is_some_and(|a| a > c.due_at),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "concerns.html")]
struct ConcernsPage {
    frame: Frame,
    lines: Vec<ConcernLine>,
    departments: Vec<Choice>,
    problem: String,
    proposal: String,
    anonymous: bool,
    error: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    list_page(&state, &viewer, &query, &Pairs::default(), None).await
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    query: &Pairs,
    typed: &Pairs,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let filter = ConcernFilter {
        about_department_id: query
            .filled("about_department_id")
            .and_then(|d| d.parse().ok()),
        ..ConcernFilter::default()
    };
    let rows = handoff_app::concerns::list(&state.app, &viewer.actor, filter, None, 100).await?;
    let chosen = typed.get("about_department_id").unwrap_or_default();
    let departments = departments::list(&state.app.db, 0, 1_000)
        .await?
        .into_iter()
        .filter(|d| d.id != viewer.actor.department_id)
        .map(|d| Choice::new(d.id.to_string(), d.name, d.id.to_string() == chosen))
        .collect();
    let (status, error) = shown(error);
    let page = ConcernsPage {
        frame: Frame::new(viewer, "concerns"),
        lines: lines(state, viewer, &rows).await?,
        departments,
        problem: typed.get("problem").unwrap_or_default().to_owned(),
        proposal: typed.get("proposal").unwrap_or_default().to_owned(),
        anonymous: typed.get("anonymous").is_some(),
        error,
    };
    Ok(render(status, &page))
}

/// `POST /concerns`.
pub async fn raise(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let command = RaiseConcern {
        about_department_id: form
            .filled("about_department_id")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0),
        problem: form.get("problem").unwrap_or_default().to_owned(),
        proposal: form.get("proposal").unwrap_or_default().to_owned(),
        anonymous: form.get("anonymous").is_some(),
    };
    match handoff_app::concerns::raise(&state.app, &viewer.actor, command).await {
        Ok(c) => Ok(Redirect::to(&format!("/concerns/{}", c.id)).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            list_page(&state, &viewer, &Pairs::default(), &form, Some(refused)).await
        }
    }
}

#[derive(Template)]
#[template(path = "concern.html")]
struct ConcernPage {
    frame: Frame,
    line: ConcernLine,
    proposal: String,
    action: Option<String>,
    anonymous: bool,
    steps: Vec<String>,
    can_answer: bool,
    can_reopen: bool,
    state_key: &'static str,
    error: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    show_page(&state, &viewer, id, None).await
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let c = handoff_app::concerns::get(&state.app, &viewer.actor, id).await?;
    let concern_state = c.state()?;
    let line = lines(state, viewer, std::slice::from_ref(&c))
        .await?
        .remove(0);
    let who = people::names(
        &state.app.db,
        &[c.acknowledged_by, c.answered_by, c.resolved_by]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>(),
    )
    .await?;
    let step = |what: &str, by: Option<i64>, at: Option<i64>| {
        at.map(|at| {
            format!(
                "{what} by {} on {}",
                by.and_then(|b| who.get(&b).cloned()).unwrap_or_default(),
                format::time(from_micros(at), &viewer.zone)
            )
        })
    };
    let steps = [
        step("Acknowledged", c.acknowledged_by, c.acknowledged_at),
        step("Answered", c.answered_by, c.answered_at),
        step("Resolved", c.resolved_by, c.resolved_at),
        c.reopened_at.map(|at| {
            format!(
                "Reopened on {}",
                format::time(from_micros(at), &viewer.zone)
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (status, error) = shown(error);
    let page = ConcernPage {
        frame: Frame::new(viewer, "concerns"),
        proposal: c.proposal.clone(),
        action: c.action.clone(),
        anonymous: c.raised_by_id.is_none(),
        steps,
        can_answer: viewer.actor.manages(c.about_department_id)
            && concern_state != ConcernState::Resolved,
        can_reopen: c.raised_by_id == Some(viewer.actor.person_id)
            && concern_state == ConcernState::Resolved
            && c.reopened_at.is_none(),
        state_key: concern_state.as_str(),
        line,
        error,
    };
    Ok(render(status, &page))
}

/// `POST /concerns/{id}/{move}`.
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((id, verb)): axum::extract::Path<(i64, String)>,
    form: Pairs,
) -> Result<Response, PageError> {
    let by = match verb.as_str() {
        "acknowledge" => ConcernMove::Acknowledge,
        "answer" => ConcernMove::Answer,
        "resolve" => ConcernMove::Resolve,
        "reopen" => ConcernMove::Reopen,
        _ => return Err(PageError::NotFound),
    };
    match handoff_app::concerns::apply(&state.app, &viewer.actor, id, by, form.get("action")).await
    {
        Ok(_) => Ok(Redirect::to(&format!("/concerns/{id}")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            show_page(&state, &viewer, id, Some(refused)).await
        }
    }
}
