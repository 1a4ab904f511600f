//! `/organisation`: what administrators set up. Here the organisation's feedback
//! settings (the anonymity threshold of pulses, how often a person is asked to rate, the
//! values kudos carry); beside it its departments, its people, and their CSV import and
//! export. Nobody else reaches these pages: they answer "not found", as the API does.

pub mod departments;
pub mod import;
pub mod people;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::feedback::settings::SettingsChange;

use super::form::Pairs;
use super::{Frame, PageError, Viewer, refusal, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    frame: Frame,
    threshold: String,
    interval: String,
    values: String,
    error: Option<String>,
}

/// Only administrators see these pages; to others they do not exist.
pub(super) fn admins_only(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.actor.is_admin() {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let s = handoff_app::settings::get(&state.app).await?;
    let page = OrganisationPage {
        frame: Frame::new(&viewer, "organisation"),
        threshold: s.anonymity_threshold.to_string(),
        interval: s.rating_interval_days.to_string(),
        values: s.values.join("\n"),
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let number = |name: &str| form.get(name).unwrap_or_default().trim().parse::<i32>();
    let mut error = None;
    let threshold = number("anonymity_threshold").unwrap_or_else(|_| {
        error = Some("anonymity_threshold: must be a whole number".to_owned());
        0
    });
    let interval = number("rating_interval_days").unwrap_or_else(|_| {
        error = Some("rating_interval_days: must be a whole number of days".to_owned());
        -1
    });
    let values: Vec<String> = form
        .get("values")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    let refused = match error {
        Some(message) => Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
        None => {
            let change = SettingsChange {
                anonymity_threshold: Some(threshold),
                rating_interval_days: Some(interval),
                values: Some(values),
            };
            match handoff_app::settings::change(&state.app, &viewer.actor, change).await {
                Ok(_) => return Ok(Redirect::to("/organisation").into_response()),
                Err(err) => Some(refusal(err)?),
            }
        }
    };
    let (status, message) = refused.unwrap_or((StatusCode::OK, String::new()));
    let page = OrganisationPage {
        frame: Frame::new(&viewer, "organisation"),
        threshold: form
            .get("anonymity_threshold")
            .unwrap_or_default()
            .to_owned(),
        interval: form
            .get("rating_interval_days")
            .unwrap_or_default()
            .to_owned(),
        values: form.get("values").unwrap_or_default().to_owned(),
        error: Some(message),
    };
    Ok(render(status, &page))
}
