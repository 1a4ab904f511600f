//! `/departments/{id}`: a department's page (the kudos it received, its digest);
//! `/departments/{id}/digest`: its weekly summary; `/people/{id}`: what a person received.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_store::kudos::KudosFilter;
use handoff_store::{departments, people};

use super::form::{PageId, Pairs};
use super::kudos::{KudosCard, cards};
use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    frame: Frame,
    id: i64,
    name: String,
    member: bool,
    /// Its managers and administrators set up its services.
    manages: bool,
    cards: Vec<KudosCard>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    let department = departments::get(&state.app.db, id)
        .await
        .map_err(|_| PageError::NotFound)?;
    let filter = KudosFilter {
        to_department_id: Some(id),
        ..KudosFilter::default()
    };
    let rows = handoff_app::kudos::list(&state.app, &filter, 0, 50).await?;
    let page = DepartmentPage {
        frame: Frame::new(&viewer, "kudos"),
        id,
        name: department.name,
        member: viewer.actor.department_id == id || viewer.actor.is_admin(),
        manages: viewer.actor.manages(id),
        cards: cards(&state, &viewer, rows).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    frame: Frame,
    name: String,
    department_id: i64,
    department: String,
    cards: Vec<KudosCard>,
}

pub async fn person(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    let person = people::get(&state.app.db, id)
        .await
        .map_err(|_| PageError::NotFound)?;
    let department = departments::get(&state.app.db, person.department_id).await?;
    let filter = KudosFilter {
        to_person_id: Some(id),
        ..KudosFilter::default()
    };
    let rows = handoff_app::kudos::list(&state.app, &filter, 0, 50).await?;
    let page = PersonPage {
        frame: Frame::new(&viewer, "kudos"),
        name: person.name,
        department_id: department.id,
        department: department.name,
        cards: cards(&state, &viewer, rows).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "digest.html")]
struct DigestPage {
    frame: Frame,
    id: i64,
    name: String,
    week_of: String,
    previous: String,
    next: String,
    lines: Vec<(String, String)>,
    pulses: Vec<(i64, String)>,
    cards: Vec<KudosCard>,
}

pub async fn digest(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let day = match query.filled("week_of") {
        Some(d) => Some(d.parse().map_err(|_| {
            PageError::Rejected(
                StatusCode::BAD_REQUEST,
                "week_of must be a date such as 2026-11-23".to_owned(),
            )
        })?),
        None => None,
    };
    let d = handoff_app::digest::week(&state.app, &viewer.actor, id, day).await?;
    let name = departments::get(&state.app.db, id).await?.name;
    let c = &d.counts;
    let lines = vec![
        ("Concerns raised".to_owned(), c.concerns_raised.to_string()),
        (
            "Concerns answered".to_owned(),
            c.concerns_answered.to_string(),
        ),
        (
            "Concerns waiting on an answer now".to_owned(),
            d.concerns_waiting.to_string(),
        ),
        (
            "Satisfaction".to_owned(),
            match d.rating_mean {
                Some(mean) => format!(
                    "{mean:.2}/5 from {} rating{} ({} of 1 or 2)",
                    c.ratings,
                    if c.ratings == 1 { "" } else { "s" },
                    c.low_ratings
                ),
                None => "no rating this week".to_owned(),
            },
        ),
        ("Kudos received".to_owned(), c.kudos_received.to_string()),
        (
            "SLA breaches while it held the work".to_owned(),
            c.breaches.to_string(),
        ),
    ];
    let shift = |days: i64| {
        d.week_of
            .checked_add(jiff::Span::new().days(days))
            .map(|w| w.to_string())
            .unwrap_or_default()
    };
    let page = DigestPage {
        frame: Frame::new(&viewer, "kudos"),
        id,
        name,
        week_of: format!(
            "{} to {}",
            format::time(d.from, &viewer.zone),
            format::time(d.to, &viewer.zone)
        ),
        previous: shift(-7),
        next: shift(7),
        lines,
        pulses: d
            .pulses
            .iter()
            .map(|(p, n, score)| (*p, format!("{score:.2}/5 from {n} answers")))
            .collect(),
        cards: cards(&state, &viewer, d.kudos).await?,
    };
    Ok(render(StatusCode::OK, &page))
}
