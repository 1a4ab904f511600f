//! `/requests/{id}`: one request with its SLA clocks, form values, conversation and
//! history, and the forms to reply, move it through its lifecycle and assign it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::request::{Priority, Status, Words};
use handoff_domain::sla::Target;
use handoff_store::people::PeopleFilter;
use handoff_store::{comments, departments, from_micros, history, people, services, slas};
use serde_json::Value;

use super::form::{PageId, Pairs};
use super::format::{self, SlaView};
use super::{Choice, Frame, PageError, Viewer, render};
use crate::AppState;
use crate::api::comments::{CreateComment, post};
use crate::api::request_sla::read_clocks;
use crate::api::requests::{UpdateRequest, apply, visible};
use crate::error::ApiError;

/// Most comments and history entries a page shows: the newest.
const SHOWN: i64 = 500;

pub struct FieldLine {
    pub label: String,
    pub value: String,
}

pub struct CommentView {
    pub author: String,
    pub body: String,
    pub internal: bool,
    pub at: String,
}

pub struct HistoryLine {
    pub who: String,
    pub what: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    frame: Frame,
    id: i64,
    service_id: i64,
    subject: String,
    description: String,
    status: &'static str,
    status_key: &'static str,
    priority: &'static str,
    service: String,
    provider: String,
    requester: String,
    requester_department: String,
    assignee: Option<String>,
    created: String,
    fields: Vec<FieldLine>,
    slas: Vec<SlaView>,
    comments: Vec<CommentView>,
    history: Vec<HistoryLine>,
    can_work: bool,
    can_see_internal: bool,
    moves: Vec<Choice>,
    assignees: Vec<Choice>,
    priorities: Vec<Choice>,
    error: Option<String>,
    draft: String,
    /// Only the newest comments and history entries are shown.
    earlier_hidden: bool,
    handoffs: super::handoffs::HandoffsView,
    rating: Option<super::ratings::RatingSection>,
    scores: Vec<Choice>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    page(&state, &viewer, id, None, String::new(), StatusCode::OK).await
}

/// Renders the page, with an error above the forms and the reply being written kept.
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: Option<String>,
    draft: String,
    status_code: StatusCode,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let (request, relation) = visible(state, actor, id).await?;
    let facts = request.facts(relation);
    let can_work = actor.can_work(&facts);
    let can_see_internal = actor.can_see_internal(&facts);
    let status = request.status()?;
    let priority = request.priority()?;
    let service = services::get(&state.app.db, request.service_id).await?;
    let departments = departments::names(
        &state.app.db,
        &[
            request.provider_department_id,
            request.requester_department_id,
        ],
    )
    .await?;

    let time = state
        .app
        .timekeeping(request.provider_department_id)
        .await?;
    let stored = slas::of_request(&state.app.db, id).await?;
    let mut read = read_clocks(id, stored.clone(), &time, state.app.clock.now())?;
    read.sort_by_key(|s| Target::ALL.iter().position(|t| *t == s.target));
    // A former holder reads its own clocks in the stints, not the new holder's.
    let slas = if actor.sees_until(&facts).is_some() {
        Vec::new()
    } else {
        read.iter().map(|s| SlaView::new(s, &viewer.zone)).collect()
    };

    let until = actor.sees_until(&facts);
    let comment_rows = comments::latest(&state.app.db, id, can_see_internal, until, SHOWN).await?;
    let entries = history::latest(&state.app.db, id, can_see_internal, until, SHOWN).await?;
    let earlier_hidden = comment_rows.len() as i64 == SHOWN || entries.len() as i64 == SHOWN;
    let mut person_ids = vec![request.requester_id];
    person_ids.extend(request.assignee_id);
    person_ids.extend(comment_rows.iter().map(|c| c.author_id));
    person_ids.extend(entries.iter().filter_map(|e| e.actor_id));
    person_ids.extend(entries.iter().flat_map(|e| e.event.people()));
    let values = request.field_values()?;
    for def in &service.fields {
        if let Some(Value::Number(n)) = values.get(&def.key)
            && def.kind == handoff_domain::form::FieldType::Person
            && let Some(id) = n.as_i64()
        {
            person_ids.push(id);
        }
    }
    let names = people::names(&state.app.db, &person_ids).await?;
    let name_of = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}"))
    };

    let fields = service
        .fields
        .iter()
        .filter_map(|def| {
            let value = values.get(&def.key)?;
            let shown = match value {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                Value::Number(n) if def.kind == handoff_domain::form::FieldType::Person => {
                    n.as_i64().map_or_else(|| n.to_string(), name_of)
                }
                other => other.to_string(),
            };
            Some(FieldLine {
                label: def.label.clone(),
                value: shown,
            })
        })
        .chain(
            // Values of fields removed from the form since: kept, and shown by their key.
            values
                .iter()
                .filter(|(key, _)| !service.fields.iter().any(|d| &d.key == *key))
                .map(|(key, value)| FieldLine {
                    label: format!("{key} (no longer on the form)"),
                    value: match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                }),
        )
        .collect();

    let comments = comment_rows
        .into_iter()
        .map(|c| CommentView {
            author: name_of(c.author_id),
            body: c.body,
            internal: c.internal,
            at: format::time(from_micros(c.created_at), &viewer.zone),
        })
        .collect();
    let history = entries
        .iter()
        .map(|e| HistoryLine {
            who: e.actor_id.map_or_else(|| "Handoff".to_owned(), name_of),
            what: e.event.describe(&Words {
                person: &name_of,
                time: &|t| format::time(t, &viewer.zone),
            }),
            at: format::time(from_micros(e.at), &viewer.zone),
        })
        .collect();

    let moves = status
        .allowed_moves()
        .iter()
        .filter(|to| actor.may_move(&facts, status, **to).is_ok())
        .map(|to| Choice {
            value: to.as_str().to_owned(),
            label: format::status(*to).to_owned(),
            selected: false,
        })
        .collect();
    let assignees = if can_work {
        let filter = PeopleFilter {
            department_id: Some(request.provider_department_id),
            active: Some(true),
            q: None,
        };
        people::list(&state.app.db, &filter, 0, 500)
            .await?
            .into_iter()
            .map(|p| Choice {
                selected: request.assignee_id == Some(p.id),
                value: p.id.to_string(),
                label: p.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let priorities = format::priorities(priority);
    let known = super::handoffs::Known {
        relation,
        current: (stored, time),
        departments: departments.clone(),
        service_name: service.name.clone(),
        // Every entry was read (internal notes aside, which decide nothing here).
        whole_history: (until.is_none() && (entries.len() as i64) < SHOWN)
            .then_some(entries.as_slice()),
    };
    let handoffs = super::handoffs::view(state, actor, &request, known, &viewer.zone).await?;
    let rating = super::ratings::section(state, viewer, &request, relation).await?;
    let scores = super::ratings::scores(rating.as_ref().map_or(0, |r| r.score));

    let page = RequestPage {
        frame: Frame::new(viewer, "request"),
        id,
        service_id: request.service_id,
        subject: request.subject.clone(),
        description: request.description.clone(),
        status: format::status(status),
        status_key: status.as_str(),
        priority: format::priority(priority),
        service: service.name,
        provider: departments
            .get(&request.provider_department_id)
            .cloned()
            .unwrap_or_default(),
        requester: name_of(request.requester_id),
        requester_department: departments
            .get(&request.requester_department_id)
            .cloned()
            .unwrap_or_default(),
        assignee: request.assignee_id.map(name_of),
        created: format::time(from_micros(request.created_at), &viewer.zone),
        fields,
        slas,
        comments,
        history,
        can_work,
        can_see_internal,
        moves,
        assignees,
        priorities,
        error,
        draft,
        earlier_hidden,
        handoffs,
        rating,
        scores,
    };
    Ok(render(status_code, &page))
}

/// Shows a failed action on the request's page, keeping what was typed.
async fn failed(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: ApiError,
    draft: String,
) -> Result<Response, PageError> {
    let (status, _) = error.status_and_code();
    match error {
        ApiError::NotFound(_) => Err(PageError::NotFound),
        ApiError::Internal => Err(PageError::Internal),
        other => page(state, viewer, id, Some(other.to_string()), draft, status).await,
    }
}

/// `POST /requests/{id}/comments`: a public reply or an internal note.
pub async fn comment(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let body = form.get("body").unwrap_or_default().to_owned();
    let input = CreateComment {
        body: body.clone(),
        internal: form.get("internal").is_some(),
    };
    match post(&state, &viewer.actor, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}#conversation")).into_response()),
        Err(e) => failed(&state, &viewer, id, e, body).await,
    }
}

/// `POST /requests/{id}/update`: a status move, an assignment or a priority, whichever
/// the form carries.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let mut input = UpdateRequest {
        status: None,
        assignee_id: None,
        priority: None,
        subject: None,
        description: None,
    };
    let invalid = |field: &str, why: &str| ApiError::field(field, why);
    let parsed = (|| {
        if let Some(status) = form.filled("status") {
            input.status =
                Some(Status::parse(status).ok_or_else(|| invalid("status", "unknown status"))?);
        }
        if let Some(assignee) = form.get("assignee_id") {
            input.assignee_id = Some(match assignee.trim() {
                "" => None,
                id => Some(
                    id.parse()
                        .map_err(|_| invalid("assignee_id", "not a person"))?,
                ),
            });
        }
        if let Some(priority) = form.filled("priority") {
            input.priority = Some(
                Priority::parse(priority).ok_or_else(|| invalid("priority", "unknown priority"))?,
            );
        }
        Ok(())
    })();
    let result = match parsed {
        Ok(()) => apply(&state, &viewer.actor, id, input).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => failed(&state, &viewer, id, e, String::new()).await,
    }
}
