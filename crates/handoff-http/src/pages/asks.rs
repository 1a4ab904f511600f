//! `/asks`: asked and owed — the ratings and pulses waiting on the viewer, and the
//! concerns waiting on their department.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_store::{departments, from_micros};

use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "asks.html")]
struct AsksPage {
    frame: Frame,
    /// (request, subject, provider, until)
    ratings: Vec<(i64, String, String, String)>,
    /// (pulse, provider, until)
    pulses: Vec<(i64, String, String)>,
    /// (concern, raised on, problem, due)
    concerns: Vec<(i64, String, String, String)>,
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let asks = handoff_app::asks::of(&state.app, &viewer.actor).await?;
    let mut ids: Vec<i64> = asks
        .ratings
        .iter()
        .map(|(r, _)| r.provider_department_id)
        .collect();
    ids.extend(asks.pulses.iter().flat_map(|p| p.providers.iter().copied()));
    let names = departments::names(&state.app.db, &ids).await?;
    let name = |d: &i64| names.get(d).cloned().unwrap_or_default();
    let time = |t: i64| format::time(from_micros(t), &viewer.zone);
    let page = AsksPage {
        frame: Frame::new(&viewer, "asks"),
        ratings: asks
            .ratings
            .iter()
            .map(|(r, subject)| {
                (
                    r.request_id,
                    subject.clone(),
                    name(&r.provider_department_id),
                    time(r.expires_at),
                )
            })
            .collect(),
        pulses: asks
            .pulses
            .iter()
            .flat_map(|p| {
                p.providers
                    .iter()
                    .map(|d| (p.pulse.id, name(d), time(p.pulse.closes_at)))
                    .collect::<Vec<_>>()
            })
            .collect(),
        concerns: asks
            .concerns
            .iter()
            .map(|c| (c.id, c.raised_on.clone(), c.problem.clone(), time(c.due_at)))
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
