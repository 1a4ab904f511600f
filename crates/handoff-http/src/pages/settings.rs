//! `/settings`: the viewer's own preferences (the time zone pages use) and their API
//! tokens: created and named here, shown once, revoked here.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_store::tokens::TokenInfo;
use handoff_store::{from_micros, people};
use jiff::tz::TimeZone;

use super::form::Pairs;
use super::format;
use super::{Frame, PageError, Viewer, refusal, render};
use crate::AppState;
use crate::extract::ApiPath;

/// A token as the lists show it.
pub(super) struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    /// When it was revoked, in words; `None` while it works.
    pub revoked: Option<String>,
}

/// Tokens as the lists show them, times in `zone`.
pub(super) fn token_rows(tokens: Vec<TokenInfo>, zone: &TimeZone) -> Vec<TokenRow> {
    tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: format::time(from_micros(t.created_at), zone),
            revoked: t.revoked_at.map(|at| format::time(from_micros(at), zone)),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    zone: String,
    error: Option<String>,
    tokens: Vec<TokenRow>,
    /// A token just created: its name and value, shown this once.
    created: Option<(String, String)>,
    token_error: Option<String>,
    token_name: String,
}

impl SettingsPage {
    async fn of(state: &AppState, viewer: &Viewer) -> Result<SettingsPage, PageError> {
        let tokens =
            handoff_app::tokens::of(&state.app, &viewer.actor, viewer.actor.person_id).await?;
        Ok(SettingsPage {
            zone: viewer.zone_name(),
            frame: Frame::new(viewer, "settings"),
            error: None,
            tokens: token_rows(tokens, &viewer.zone),
            created: None,
            token_error: None,
            token_name: String::new(),
        })
    }
}

pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let page = SettingsPage::of(&state, &viewer).await?;
    Ok(render(StatusCode::OK, &page))
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
        let mut page = SettingsPage::of(&state, &viewer).await?;
        page.zone = name.to_owned();
        page.error = Some(format!(
            "{name} is not a time zone Handoff knows; use an IANA name such as Europe/Paris"
        ));
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    people::set_time_zone(&state.app.db, viewer.actor.person_id, zone).await?;
    Ok(Redirect::to("/settings").into_response())
}

/// Creates a token and shows the page with its value, this once (never a redirect: the
/// value would have to travel in the URL or be kept).
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let name = form.get("name").unwrap_or("").to_owned();
    let me = viewer.actor.person_id;
    match handoff_app::tokens::create(&state.app, &viewer.actor, me, &name).await {
        Ok((info, token)) => {
            let mut page = SettingsPage::of(&state, &viewer).await?;
            page.created = Some((info.name, token));
            Ok(render(StatusCode::CREATED, &page))
        }
        Err(e) => {
            let (status, message) = refusal(e)?;
            let mut page = SettingsPage::of(&state, &viewer).await?;
            page.token_error = Some(message);
            page.token_name = name;
            Ok(render(status, &page))
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    let me = viewer.actor.person_id;
    handoff_app::tokens::revoke(&state.app, &viewer.actor, me, id).await?;
    state.tokens.clear();
    Ok(Redirect::to("/settings#tokens").into_response())
}
