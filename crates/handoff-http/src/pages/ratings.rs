//! The rating on a request's page: the requester rates the latest resolution (or changes
//! the rating within its window); the departments that held the request read it.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::ActionError;
use handoff_app::ratings::Rate;
use handoff_store::from_micros;
use handoff_store::requests::{Relation, Request};

use super::form::{PageId, Pairs};
use super::{PageError, Viewer, format, refusal};
use crate::AppState;

pub struct RatingSection {
    /// `Rated 4/5`, `Waiting for the requester`, `Not rated (the ask expired)`.
    pub summary: String,
    pub comment: String,
    pub can_rate: bool,
    pub score: i32,
    pub open_until: Option<String>,
    pub earlier: Vec<String>,
}

/// The section, when the viewer may see the request's rating and it was resolved.
pub async fn section(
    state: &AppState,
    viewer: &Viewer,
    request: &Request,
    relation: Relation,
) -> Result<Option<RatingSection>, PageError> {
    let view = match handoff_app::ratings::of_visible(&state.app, &viewer.actor, request, relation)
        .await
    {
        Ok(Some(view)) => view,
        Ok(None) | Err(ActionError::Forbidden(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let r = &view.latest;
    let now = handoff_store::to_micros(state.app.clock.now());
    let summary = match (r.score, r.expires_at > now) {
        (Some(score), _) => format!("Rated {score}/5"),
        (None, true) if r.asked => "Waiting for the requester's rating".to_owned(),
        (None, true) => {
            "Not rated yet (the requester was not asked: asked recently about this department)"
                .to_owned()
        }
        (None, false) => "Not rated (the ask expired)".to_owned(),
    };
    Ok(Some(RatingSection {
        summary,
        comment: r.comment.clone(),
        can_rate: view.can_rate,
        score: r.score.unwrap_or(0),
        open_until: view.open_until.map(|t| format::time(t, &viewer.zone)),
        earlier: view
            .earlier
            .iter()
            .filter_map(|e| {
                Some(format!(
                    "{}/5 on {}{}",
                    e.score?,
                    format::time(from_micros(e.rated_at?), &viewer.zone),
                    if e.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", e.comment)
                    }
                ))
            })
            .collect(),
    }))
}

/// `POST /requests/{id}/rating`.
pub async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let score = form
        .filled("score")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let rate = Rate {
        score,
        comment: form.get("comment").unwrap_or_default().to_owned(),
    };
    match handoff_app::ratings::rate(&state.app, &viewer.actor, id, rate).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}#rating")).into_response()),
        Err(err) => {
            let (status, message) = refusal(err)?;
            super::request::page(&state, &viewer, id, Some(message), String::new(), status).await
        }
    }
}

/// The score choices of the rating form.
pub fn scores(selected: i32) -> Vec<super::Choice> {
    let words = ["Very poor", "Poor", "Fair", "Good", "Excellent"];
    (1..=5)
        .map(|s| {
            super::Choice::new(
                s.to_string(),
                format!("{s} · {}", words[(s - 1) as usize]),
                s == selected,
            )
        })
        .collect()
}
