//! `/settings`: the viewer's own preferences (for now, the time zone pages use).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_store::people;
use jiff::tz::TimeZone;

use super::form::Pairs;
use super::{Frame, PageError, Viewer, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    zone: String,
    error: Option<String>,
}

pub async fn form(viewer: Viewer) -> Response {
    let page = SettingsPage {
        zone: viewer.zone_name(),
        frame: Frame::new(&viewer, "settings"),
        error: None,
    };
    render(StatusCode::OK, &page)
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let zone = form.filled("time_zone");
    if let Some(name) = zone
        && TimeZone::get(name).is_err()
    {
        let page = SettingsPage {
            zone: name.to_owned(),
            frame: Frame::new(&viewer, "settings"),
            error: Some(format!(
                "{name} is not a time zone Handoff knows; use an IANA name such as Europe/Paris"
            )),
        };
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    people::set_time_zone(&state.db, viewer.actor.person_id, zone).await?;
    Ok(Redirect::to("/settings").into_response())
}
