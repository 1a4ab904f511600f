//! `/kudos`: the feed of thanks (cross-department ones highlighted) with the form to give
//! kudos; `/stories`: the kudos managers featured as success stories.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::kudos::{GiveKudos, Thanked};
use handoff_store::kudos::{Kudos, KudosFilter};
use handoff_store::people::PeopleFilter;
use handoff_store::{departments, from_micros, people};

use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, refusal, render, shown};
use crate::AppState;

const PAGE_SIZE: i64 = 50;

/// One kudos as a card.
pub struct KudosCard {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub to_href: String,
    pub value: String,
    pub message: String,
    pub at: String,
    pub cross: bool,
    pub story: Option<String>,
    /// Whether the viewer may feature it.
    pub can_feature: bool,
}

/// Cards for kudos, with names of people and departments.
pub async fn cards(
    state: &AppState,
    viewer: &Viewer,
    rows: Vec<Kudos>,
) -> Result<Vec<KudosCard>, PageError> {
    let mut person_ids: Vec<i64> = rows.iter().map(|k| k.from_person_id).collect();
    person_ids.extend(rows.iter().filter_map(|k| k.to_person_id));
    let mut department_ids: Vec<i64> = rows.iter().map(|k| k.from_department_id).collect();
    department_ids.extend(rows.iter().map(|k| k.to_department_id));
    let names = people::names(&state.app.db, &person_ids).await?;
    let departments = departments::names(&state.app.db, &department_ids).await?;
    let person = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}"))
    };
    let department = |id: i64| departments.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|k| KudosCard {
            id: k.id,
            from: format!(
                "{} ({})",
                person(k.from_person_id),
                department(k.from_department_id)
            ),
            to: match k.to_person_id {
                Some(p) => format!("{} ({})", person(p), department(k.to_department_id)),
                None => department(k.to_department_id),
            },
            to_href: match k.to_person_id {
                Some(p) => format!("/people/{p}"),
                None => format!("/departments/{}", k.to_department_id),
            },
            cross: k.from_department_id != k.to_department_id,
            can_feature: viewer.actor.manages(k.from_department_id)
                || viewer.actor.manages(k.to_department_id),
            value: k.value,
            message: k.message,
            at: format::time(from_micros(k.created_at), &viewer.zone),
            story: k.story,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "kudos.html")]
struct KudosPage {
    frame: Frame,
    cards: Vec<KudosCard>,
    next: Option<String>,
    targets: Vec<(String, Vec<Choice>)>,
    values: Vec<Choice>,
    message: String,
    error: Option<String>,
}

pub async fn feed(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    feed_page(&state, &viewer, &query, &Pairs::default(), None).await
}

async fn feed_page(
    state: &AppState,
    viewer: &Viewer,
    query: &Pairs,
    typed: &Pairs,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let before = query
        .filled("before")
        .and_then(|b| b.parse().ok())
        .unwrap_or(0);
    let rows =
        handoff_app::kudos::list(&state.app, &KudosFilter::default(), before, PAGE_SIZE).await?;
    let next = (rows.len() as i64 == PAGE_SIZE)
        .then(|| rows.last().map(|k| format!("/kudos?before={}", k.id)))
        .flatten();
    let cards = cards(state, viewer, rows).await?;
    let chosen = typed.get("to").unwrap_or_default();
    let all_departments = departments::list(&state.app.db, 0, 1_000).await?;
    let filter = PeopleFilter {
        active: Some(true),
        ..PeopleFilter::default()
    };
    let everyone = people::list(&state.app.db, &filter, 0, 2_000).await?;
    let department_names: HashMap<i64, String> = all_departments
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let targets = vec![
        (
            "Departments".to_owned(),
            all_departments
                .iter()
                .map(|d| {
                    let value = format!("department:{}", d.id);
                    Choice::new(value.clone(), d.name.clone(), value == chosen)
                })
                .collect(),
        ),
        (
            "People".to_owned(),
            everyone
                .iter()
                .filter(|p| p.id != viewer.actor.person_id)
                .map(|p| {
                    let value = format!("person:{}", p.id);
                    let label = format!(
                        "{} ({})",
                        p.name,
                        department_names
                            .get(&p.department_id)
                            .cloned()
                            .unwrap_or_default()
                    );
                    Choice::new(value.clone(), label, value == chosen)
                })
                .collect(),
        ),
    ];
    let settings = handoff_app::settings::get(&state.app).await?;
    let value = typed.get("value").unwrap_or_default();
    let values = settings
        .values
        .iter()
        .map(|v| Choice::new(v.clone(), v.clone(), v == value))
        .collect();
    let (status, error) = shown(error);
    let page = KudosPage {
        frame: Frame::new(viewer, "kudos"),
        cards,
        next,
        targets,
        values,
        message: typed.get("message").unwrap_or_default().to_owned(),
        error,
    };
    Ok(render(status, &page))
}

/// `POST /kudos`.
pub async fn give(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let to = form.filled("to").and_then(|t| {
        let (kind, id) = t.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "person" => Some(Thanked::Person(id)),
            "department" => Some(Thanked::Department(id)),
            _ => None,
        }
    });
    let command = GiveKudos {
        to,
        value: form.get("value").unwrap_or_default().to_owned(),
        message: form.get("message").unwrap_or_default().to_owned(),
    };
    match handoff_app::kudos::give(&state.app, &viewer.actor, command).await {
        Ok(_) => Ok(Redirect::to("/kudos").into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            feed_page(&state, &viewer, &Pairs::default(), &form, Some(refused)).await
        }
    }
}

/// `POST /kudos/{id}/feature`.
pub async fn feature(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let story = form.get("story").unwrap_or_default();
    match handoff_app::kudos::feature(&state.app, &viewer.actor, id, story).await {
        Ok(_) => Ok(Redirect::to("/stories").into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            feed_page(
                &state,
                &viewer,
                &Pairs::default(),
                &Pairs::default(),
                Some(refused),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "stories.html")]
struct StoriesPage {
    frame: Frame,
    cards: Vec<KudosCard>,
}

pub async fn stories(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let filter = KudosFilter {
        stories: true,
        ..KudosFilter::default()
    };
    let rows = handoff_app::kudos::list(&state.app, &filter, 0, 100).await?;
    let page = StoriesPage {
        frame: Frame::new(&viewer, "kudos"),
        cards: cards(&state, &viewer, rows).await?,
    };
    Ok(render(StatusCode::OK, &page))
}
