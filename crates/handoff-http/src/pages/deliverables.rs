//! `/deliverables/{id}`: a recurring deliverable with its rates and occurrences;
//! `/occurrences/{id}`: one occurrence with its history, the provider's deliver form and
//! the recipient's review form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::deliverables::{OccurrenceView, Rates};
use handoff_store::deliverables::{Deliverable, RateScope};
use handoff_store::{departments, from_micros, people};
use jiff::{SignedDuration, Timestamp};

use super::form::{PageId, Pairs};
use super::{Frame, PageError, Viewer, format, refusal, render, shown};
use crate::AppState;

pub struct Head {
    pub id: i64,
    pub name: String,
    pub provider_id: i64,
    pub provider: String,
    pub customer_id: i64,
    pub customer: String,
    pub provider_owner: String,
    pub customer_owner: String,
    pub rrule: String,
    pub due_time: String,
    pub starts_on: String,
    pub dependency_id: Option<i64>,
}

async fn head(state: &AppState, d: &Deliverable) -> Result<Head, PageError> {
    let depts = departments::names(
        &state.app.db,
        &[d.provider_department_id, d.customer_department_id],
    )
    .await?;
    let who = people::names(&state.app.db, &[d.provider_owner_id, d.customer_owner_id]).await?;
    Ok(Head {
        id: d.id,
        name: d.name.clone(),
        provider_id: d.provider_department_id,
        provider: depts
            .get(&d.provider_department_id)
            .cloned()
            .unwrap_or_default(),
        customer_id: d.customer_department_id,
        customer: depts
            .get(&d.customer_department_id)
            .cloned()
            .unwrap_or_default(),
        provider_owner: who.get(&d.provider_owner_id).cloned().unwrap_or_default(),
        customer_owner: who.get(&d.customer_owner_id).cloned().unwrap_or_default(),
        rrule: d.rrule.clone(),
        due_time: d.due_time.clone(),
        starts_on: d.starts_on.clone(),
        dependency_id: d.dependency_id,
    })
}

pub struct OccurrenceLine {
    pub id: i64,
    pub due: String,
    pub state: &'static str,
    pub state_key: &'static str,
    pub delivered: String,
    pub on_time: Option<bool>,
    pub review: &'static str,
}

fn line(v: &OccurrenceView, zone: &jiff::tz::TimeZone) -> OccurrenceLine {
    let o = &v.occurrence;
    OccurrenceLine {
        id: o.id,
        due: format::time(from_micros(o.due_at), zone),
        state: v.state.label(),
        state_key: v.state.as_str(),
        delivered: o
            .delivered_at
            .map(|at| format::time(from_micros(at), zone))
            .unwrap_or_default(),
        on_time: o.delivered_at.map(|at| at <= o.due_at),
        review: match o.accurate {
            Some(true) => "Accurate",
            Some(false) => "Problem flagged",
            None => "",
        },
    }
}

pub struct RateLine {
    pub on_time: String,
    pub accurate: String,
    pub due: i64,
    pub reviewed: i64,
}

fn percent(r: Option<f64>) -> String {
    r.map_or("—".to_owned(), |r| format!("{:.0} %", r * 100.0))
}

impl From<Rates> for RateLine {
    fn from(r: Rates) -> Self {
        RateLine {
            on_time: percent(r.on_time),
            accurate: percent(r.accurate),
            due: r.counts.due,
            reviewed: r.counts.reviewed,
        }
    }
}

#[derive(Template)]
#[template(path = "deliverable.html")]
struct DeliverablePage {
    frame: Frame,
    head: Head,
    rates: RateLine,
    pair: RateLine,
    occurrences: Vec<OccurrenceLine>,
}

/// `GET /deliverables/{id}`: its rates (all time, and the pair's) and its occurrences
/// from 90 days back to 90 ahead.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    let d = handoff_app::deliverables::get(&state.app, id).await?;
    let now = state.app.clock.now();
    let span = SignedDuration::from_hours(24 * 90);
    let from = now.checked_sub(span).unwrap_or(Timestamp::MIN);
    let to = now.checked_add(span).unwrap_or(Timestamp::MAX);
    let found = handoff_app::deliverables::occurrences(&state.app, id, from, to).await?;
    let all = (Timestamp::UNIX_EPOCH, Timestamp::MAX);
    let rates =
        handoff_app::deliverables::rates(&state.app, RateScope::Deliverable(id), all.0, all.1)
            .await?;
    let pair_scope = RateScope::Pair {
        provider: d.provider_department_id,
        customer: d.customer_department_id,
    };
    let pair = handoff_app::deliverables::rates(&state.app, pair_scope, all.0, all.1).await?;
    let page = DeliverablePage {
        frame: Frame::new(&viewer, "dependencies"),
        head: head(&state, &d).await?,
        rates: rates.into(),
        pair: pair.into(),
        occurrences: found.iter().map(|v| line(v, &viewer.zone)).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct EventLine {
    pub what: String,
    pub at: String,
    pub note: Option<String>,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "occurrence.html")]
struct OccurrencePage {
    frame: Frame,
    head: Head,
    line: OccurrenceLine,
    note: Option<String>,
    link: Option<String>,
    review_note: Option<String>,
    history: Vec<EventLine>,
    can_deliver: bool,
    can_review: bool,
    typed_note: String,
    typed_link: String,
    error: Option<String>,
}

/// `GET /occurrences/{id}`.
pub async fn occurrence(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    occurrence_page(&state, &viewer, id, &Pairs::default(), None).await
}

async fn occurrence_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    typed: &Pairs,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let (view, d) = handoff_app::deliverables::occurrence(&state.app, id).await?;
    let events = handoff_store::deliverables::events(&state.app.db, id).await?;
    let who = people::names(
        &state.app.db,
        &events.iter().filter_map(|e| e.actor_id).collect::<Vec<_>>(),
    )
    .await?;
    let history = events
        .into_iter()
        .map(|e| {
            let by = e
                .actor_id
                .and_then(|a| who.get(&a).cloned())
                .map(|n| format!(" by {n}"))
                .unwrap_or_default();
            let what = match e.kind.as_str() {
                "delivered" => format!("Delivered{by}"),
                "reviewed" if e.accurate == Some(true) => format!("Confirmed accurate{by}"),
                "reviewed" => format!("Problem flagged{by}"),
                "warned" => "Owner warned: due soon".to_owned(),
                "late" => "Turned late".to_owned(),
                "escalated" => "Escalated to the owners and the provider's managers".to_owned(),
                other => other.to_owned(),
            };
            EventLine {
                what,
                at: format::time(from_micros(e.at), &viewer.zone),
                note: e.note,
                link: e.link,
            }
        })
        .collect();
    let o = &view.occurrence;
    let (status, error) = shown(error);
    let page = OccurrencePage {
        frame: Frame::new(viewer, "dependencies"),
        head: head(state, &d).await?,
        line: line(&view, &viewer.zone),
        note: o.delivery_note.clone(),
        link: o.delivery_link.clone(),
        review_note: o.review_note.clone(),
        history,
        can_deliver: o.delivered_at.is_none()
            && viewer.actor.department_id == d.provider_department_id,
        can_review: o.delivered_at.is_some()
            && o.reviewed_at.is_none()
            && viewer.actor.department_id == d.customer_department_id,
        typed_note: typed.get("note").unwrap_or_default().to_owned(),
        typed_link: typed.get("link").unwrap_or_default().to_owned(),
        error,
    };
    Ok(render(status, &page))
}

/// `POST /occurrences/{id}/deliver`.
pub async fn deliver(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let note = form.get("note").unwrap_or_default();
    let link = form.get("link").unwrap_or_default();
    match handoff_app::deliverables::deliver(&state.app, &viewer.actor, id, note, link).await {
        Ok(_) => Ok(Redirect::to(&format!("/occurrences/{id}")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            occurrence_page(&state, &viewer, id, &form, Some(refused)).await
        }
    }
}

/// `POST /occurrences/{id}/review`.
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let accurate = match form.get("accurate") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let note = form.get("note").unwrap_or_default();
    match handoff_app::deliverables::review(&state.app, &viewer.actor, id, accurate, note).await {
        Ok(_) => Ok(Redirect::to(&format!("/occurrences/{id}")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            occurrence_page(&state, &viewer, id, &form, Some(refused)).await
        }
    }
}
