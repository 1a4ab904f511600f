//! `/pulses`: relationship pulses the viewer may see, and the form to start one
//! (managers for their department, admins for any); `/pulses/{id}`: the questions still
//! waiting on the viewer, and the results once the pulse has closed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::pulses::{Answer, StartPulse};
use handoff_store::{departments, from_micros, to_micros};

use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, refusal, render, shown};
use crate::AppState;

pub struct PulseLine {
    pub id: i64,
    pub about: String,
    pub asked: String,
    pub closes: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "pulses.html")]
struct PulsesPage {
    frame: Frame,
    lines: Vec<PulseLine>,
    can_start: bool,
    providers: Vec<Choice>,
    customers: Vec<Choice>,
    closes_on: String,
    error: Option<String>,
}

fn names_of(ids: &[i64], names: &HashMap<i64, String>) -> String {
    ids.iter()
        .map(|d| names.get(d).cloned().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    list_page(&state, &viewer, &Pairs::default(), None).await
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    typed: &Pairs,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let rows = handoff_app::pulses::list(&state.app, &viewer.actor, 0, 100).await?;
    let all = departments::list(&state.app.db, 0, 1_000).await?;
    let names: HashMap<i64, String> = all.iter().map(|d| (d.id, d.name.clone())).collect();
    let now = to_micros(state.app.clock.now());
    let lines = rows
        .iter()
        .map(|s| PulseLine {
            id: s.pulse.id,
            about: names_of(&s.providers, &names),
            asked: names_of(&s.customers, &names),
            closes: format::time(from_micros(s.pulse.closes_at), &viewer.zone),
            open: s.pulse.open(now),
        })
        .collect();
    let actor = &viewer.actor;
    let chosen = |name: &str| {
        typed
            .all(name)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (picked_providers, picked_customers) = (chosen("provider"), chosen("customer"));
    let providers = all
        .iter()
        .filter(|d| actor.is_admin() || d.id == actor.department_id)
        .map(|d| {
            let id = d.id.to_string();
            let selected = picked_providers.contains(&id)
                || (!actor.is_admin() && picked_providers.is_empty());
            Choice::new(id, d.name.clone(), selected)
        })
        .collect();
    let customers = all
        .iter()
        .map(|d| {
            let id = d.id.to_string();
            Choice::new(id.clone(), d.name.clone(), picked_customers.contains(&id))
        })
        .collect();
    let default_close = viewer
        .zone
        .to_datetime(state.app.clock.now())
        .date()
        .checked_add(jiff::Span::new().days(14))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let (status, error) = shown(error);
    let page = PulsesPage {
        frame: Frame::new(viewer, "pulses"),
        lines,
        can_start: actor.manages(actor.department_id),
        providers,
        customers,
        closes_on: typed
            .filled("closes_on")
            .map_or(default_close, str::to_owned),
        error,
    };
    Ok(render(status, &page))
}

/// `POST /pulses`: closes at the end of the chosen day, in the viewer's time zone.
pub async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let ids = |name: &str| {
        form.all(name)
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    let closes_at = form
        .filled("closes_on")
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| handoff_domain::feedback::concern::day_start(d, &viewer.zone).ok())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let command = StartPulse {
        provider_department_ids: ids("provider"),
        customer_department_ids: ids("customer"),
        closes_at,
    };
    match handoff_app::pulses::start(&state.app, &viewer.actor, command).await {
        Ok(scope) => Ok(Redirect::to(&format!("/pulses/{}", scope.pulse.id)).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            list_page(&state, &viewer, &form, Some(refused)).await
        }
    }
}

pub struct ResultLine {
    pub provider: String,
    pub customer: String,
    pub shown: bool,
    pub responses: String,
    pub score: String,
    pub trend: String,
    pub works: Vec<String>,
    pub change: Vec<String>,
}

#[derive(Template)]
#[template(path = "pulse.html")]
struct PulsePage {
    frame: Frame,
    id: i64,
    about: String,
    asked: String,
    closes: String,
    open: bool,
    invited: i64,
    can_close: bool,
    questions: Vec<(i64, String)>,
    threshold: i32,
    results: Vec<ResultLine>,
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
    let scope = handoff_app::pulses::get(&state.app, &viewer.actor, id).await?;
    let mut ids = scope.providers.clone();
    ids.extend(&scope.customers);
    let names = departments::names(&state.app.db, &ids).await?;
    let name = |d: i64| names.get(&d).cloned().unwrap_or_default();
    let waiting = handoff_app::pulses::waiting(&state.app, &viewer.actor).await?;
    let questions = waiting
        .into_iter()
        .filter(|w| w.pulse.id == id)
        .flat_map(|w| w.providers)
        .map(|p| (p, name(p)))
        .collect();
    let results = handoff_app::pulses::results(&state.app, &viewer.actor, id).await?;
    let lines = results
        .items
        .into_iter()
        .map(|r| ResultLine {
            provider: name(r.provider_department_id),
            customer: r
                .customer_department_id
                .map_or_else(|| "All customers".to_owned(), name),
            shown: r.shown,
            responses: r.responses.map_or_else(String::new, |n| n.to_string()),
            score: r.score.map_or_else(String::new, |s| format!("{s:.2}")),
            trend: r.trend.map_or_else(String::new, |t| {
                format!("{:+.2} since pulse #{}", t.change, t.previous_pulse_id)
            }),
            works: r.works,
            change: r.change,
        })
        .collect();
    let (status, error) = shown(error);
    let page = PulsePage {
        frame: Frame::new(viewer, "pulses"),
        id,
        about: names_of(&scope.providers, &names),
        asked: names_of(&scope.customers, &names),
        closes: format::time(from_micros(scope.pulse.closes_at), &viewer.zone),
        open: !results.closed,
        invited: scope.invited,
        can_close: !results.closed
            && (viewer.actor.is_admin() || scope.pulse.created_by == viewer.actor.person_id),
        questions,
        threshold: results.threshold,
        results: lines,
        error,
    };
    Ok(render(status, &page))
}

/// `POST /pulses/{id}/responses`.
pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let answer = Answer {
        provider_department_id: form
            .filled("provider_department_id")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0),
        score: form
            .filled("score")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        works: form.get("works").unwrap_or_default().to_owned(),
        change: form.get("change").unwrap_or_default().to_owned(),
    };
    match handoff_app::pulses::answer(&state.app, &viewer.actor, id, answer).await {
        Ok(()) => Ok(Redirect::to(&format!("/pulses/{id}?answered=1")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            show_page(&state, &viewer, id, Some(refused)).await
        }
    }
}

/// `POST /pulses/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    match handoff_app::pulses::close(&state.app, &viewer.actor, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/pulses/{id}")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            show_page(&state, &viewer, id, Some(refused)).await
        }
    }
}
