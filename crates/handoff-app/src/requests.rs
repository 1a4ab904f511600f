//! Filing a request and changing it: status, assignee, priority, subject, description.

use handoff_domain::FieldErrors;
use handoff_domain::access::{Actor, Denied};
use handoff_domain::form::{FieldDef, check_values};
use handoff_domain::request::{BODY_MAX, Priority, RequestEvent, SUBJECT_MAX, Status};
use handoff_domain::sla::on_status_change;
use handoff_domain::validation::{optional_text, text};
use handoff_store::requests::{self, Filing, NewRequest, Relation, Request};
use handoff_store::services::FilingContext;
use handoff_store::slas::{ClockWrite, Timekeeping};
use handoff_store::{StoreError, Tx, people, services, sla_policies, to_micros};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};

/// A request and how the actor stands to it, when the actor may see it.
pub async fn visible(app: &App, actor: &Actor, id: i64) -> ActionResult<(Request, Relation)> {
    let (request, relation) = requests::get(&app.db, id, actor.person_id, actor.department_id)
        .await
        .map_err(or_404("request"))?;
    if actor.can_view(&request.facts(relation)) {
        Ok((request, relation))
    } else {
        Err(ActionError::NotFound("request"))
    }
}

/// What an employee files.
pub struct FileRequest {
    pub service_id: i64,
    pub subject: String,
    pub description: String,
    pub priority: Priority,
    /// Values for the service's form, by field key.
    pub fields: Map<String, Value>,
}

/// Files a request for `actor` and starts its SLA clocks.
#[tracing::instrument(name = "file_request", skip_all, fields(service = command.service_id, actor = actor.person_id))]
pub async fn file(app: &App, actor: &Actor, command: FileRequest) -> ActionResult<Request> {
    let filing = prepare(app, actor, command).await?;
    Ok(requests::create(&app.db, filing).await?)
}

/// Checks what `actor` files and plans its row and clocks, writing nothing.
pub(crate) async fn prepare(
    app: &App,
    actor: &Actor,
    command: FileRequest,
) -> ActionResult<Filing> {
    let context = catalog_service(app, command.service_id).await?;
    let service = &context.service;
    if !service.open_to(actor.department_id) {
        return Err(ActionError::forbidden(
            "this service takes requests from listed departments only, and yours is not one of them",
        ));
    }
    let mut errors = FieldErrors::new();
    let subject = text(&mut errors, "subject", &command.subject, SUBJECT_MAX);
    let description = optional_text(&mut errors, "description", &command.description, BODY_MAX);
    let fields = check_form(app, &mut errors, &service.fields, &command.fields).await?;
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let new = NewRequest {
        service_id: service.id,
        provider_department_id: service.department_id,
        requester_id: actor.person_id,
        requester_department_id: actor.department_id,
        subject: &subject,
        description: &description,
        priority: command.priority,
        fields: &fields,
    };
    let now = app.clock.now();
    let clocks = match sla_policies::applicable(&context.policies, command.priority) {
        Some(policy) => {
            let time = app.calendars.compiled(context.calendar.clone(), now)?;
            ClockWrite::start(policy, now, &time)?
        }
        None => ClockWrite::default(),
    };
    Ok(Filing::new(&new, clocks, now))
}

/// An active service of the catalog with its policies and calendar, in one read; any
/// other id is refused as a bad `service_id`.
pub(crate) async fn catalog_service(app: &App, id: i64) -> ActionResult<FilingContext> {
    match services::for_filing(&app.db, id).await {
        Ok(context) if context.service.active => Ok(context),
        Ok(_) | Err(StoreError::NotFound) => Err(ActionError::field(
            "service_id",
            "no such service in the catalog",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Checks form values against a service's form (every person named must be active),
/// adding what is wrong to `errors` under `fields.<key>`; the clean values.
pub(crate) async fn check_form(
    app: &App,
    errors: &mut FieldErrors,
    form: &[FieldDef],
    values: &Map<String, Value>,
) -> ActionResult<Map<String, Value>> {
    Ok(match check_values("fields", form, values) {
        Ok(checked) => {
            let ids: Vec<i64> = checked.people.iter().map(|(_, id)| *id).collect();
            let active = people::active_among(&app.db, &ids, None).await?;
            for (path, id) in &checked.people {
                if !active.contains(id) {
                    errors.add(path.clone(), "no active person has this id");
                }
            }
            checked.values
        }
        Err(form_errors) => {
            for (field, reason) in form_errors.iter() {
                errors.add(field, reason);
            }
            Map::new()
        }
    })
}

/// What to change; `None` leaves an attribute as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeRequest {
    pub status: Option<Status>,
    /// `Some(None)` unassigns.
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

impl ChangeRequest {
    /// Only a status move: what those who do not work a request may ask (close, reopen).
    fn status_only(&self) -> bool {
        self.status.is_some()
            && self.assignee_id.is_none()
            && self.priority.is_none()
            && self.subject.is_none()
            && self.description.is_none()
    }
}

/// The request after `change`, and the events that turning `old` into it records. A
/// status move sets or clears the times of resolution and closing.
fn apply(old: &Request, change: &ChangeRequest, at: i64) -> (Request, Vec<RequestEvent>) {
    let mut new = old.clone();
    let mut events = Vec::new();
    if let (Ok(from), Some(to)) = (old.status(), change.status)
        && from != to
    {
        new.status = to.as_str().to_owned();
        match to {
            Status::Resolved => {
                (new.resolved_at, new.closed_at) = (Some(at), None);
                // Resolving answers the request, if nothing did before.
                new.first_response_at.get_or_insert(at);
            }
            Status::Closed => new.closed_at = Some(at),
            Status::Reopened => (new.resolved_at, new.closed_at) = (None, None),
            _ => {}
        }
        events.push(RequestEvent::StatusChanged { from, to });
    }
    if let Some(to) = change.assignee_id
        && to != old.assignee_id
    {
        new.assignee_id = to;
        events.push(RequestEvent::Assigned {
            from: old.assignee_id,
            to,
        });
    }
    if let (Ok(from), Some(to)) = (old.priority(), change.priority)
        && from != to
    {
        new.priority = to.rank();
        events.push(RequestEvent::PriorityChanged { from, to });
    }
    if let Some(to) = change.subject.as_ref().filter(|s| **s != old.subject) {
        new.subject = to.clone();
        events.push(RequestEvent::SubjectEdited {
            from: old.subject.clone(),
            to: to.clone(),
        });
    }
    if let Some(to) = change
        .description
        .as_ref()
        .filter(|d| **d != old.description)
    {
        new.description = to.clone();
        events.push(RequestEvent::DescriptionEdited {
            from: old.description.clone(),
            to: to.clone(),
        });
    }
    if !events.is_empty() {
        new.updated_at = at;
    }
    (new, events)
}

/// Changes request `id` as `actor`. The checks run on the request as it stands inside
/// the transaction; a move to the status it has is a no-op, so retries are harmless.
#[tracing::instrument(name = "change_request", skip_all, fields(request = id, actor = actor.person_id))]
pub async fn change(
    app: &App,
    actor: &Actor,
    id: i64,
    change: ChangeRequest,
) -> ActionResult<(Request, Vec<RequestEvent>)> {
    let checked = check_change(app, actor, id, change).await?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let done = change_in(app, &mut tx, actor, &checked, now).await?;
    tx.commit().await?;
    Ok(done)
}

/// A change checked before its transaction: its input is clean, the actor sees the
/// request, and the assignee may take it.
pub(crate) struct CheckedChange {
    id: i64,
    relation: Relation,
    change: ChangeRequest,
    time: Timekeeping,
}

/// Checks `change` of request `id` as far as it can be outside a transaction.
pub(crate) async fn check_change(
    app: &App,
    actor: &Actor,
    id: i64,
    mut change: ChangeRequest,
) -> ActionResult<CheckedChange> {
    let (current, relation) = visible(app, actor, id).await?;
    let mut errors = FieldErrors::new();
    change.subject = change
        .subject
        .as_deref()
        .map(|s| text(&mut errors, "subject", s, SUBJECT_MAX));
    change.description = change
        .description
        .as_deref()
        .map(|d| optional_text(&mut errors, "description", d, BODY_MAX));
    if let Some(Some(assignee)) = change.assignee_id {
        let members =
            people::active_among(&app.db, &[assignee], Some(current.provider_department_id))
                .await?;
        if members.is_empty() {
            errors.add(
                "assignee_id",
                "must be an active member of the providing department",
            );
        }
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let time = app.timekeeping(current.provider_department_id).await?;
    Ok(CheckedChange {
        id,
        relation,
        change,
        time,
    })
}

/// Whether the lifecycle and the actor allow `checked` on the request as locked (`old`).
pub(crate) fn check_allowed(
    actor: &Actor,
    old: &Request,
    checked: &CheckedChange,
) -> ActionResult<()> {
    let facts = old.facts(checked.relation);
    if !(actor.can_work(&facts) || checked.change.status_only()) {
        return Err(ActionError::forbidden(Denied::NotProvider.to_string()));
    }
    if let Some(to) = checked.change.status {
        let from = old.status()?;
        if from != to {
            from.check_move(to).map_err(|illegal| {
                ActionError::conflict("illegal_transition", Some("status"), illegal.to_string())
            })?;
            actor
                .may_move(&facts, from, to)
                .map_err(|d| ActionError::forbidden(d.to_string()))?;
        }
    }
    Ok(())
}

/// Applies a checked change inside `tx`: locks the request, checks the rules on it as
/// it stands, saves it with its events, moves its clocks and what hangs on its status
/// (linked requests, the ask to rate). Commits nothing: the caller does, once.
pub(crate) async fn change_in(
    app: &App,
    tx: &mut Tx,
    actor: &Actor,
    checked: &CheckedChange,
    now: Timestamp,
) -> ActionResult<(Request, Vec<RequestEvent>)> {
    let id = checked.id;
    let at = to_micros(now);
    let old = requests::lock(tx, id).await?;
    check_allowed(actor, &old, checked)?;
    let (new, mut events) = apply(&old, &checked.change, at);
    if events.is_empty() {
        return Ok((old, events));
    }
    let saved = requests::save(tx, &old, &new).await?;
    tx.record(id, Some(actor.person_id), at, &events).await?;
    if let (Ok(from), Ok(to)) = (old.status(), saved.status())
        && from != to
    {
        let mut actions = on_status_change(from, to);
        crate::links::hold_for_links(app, tx, &saved, &mut actions).await?;
        let moved = tx
            .move_clocks(id, Some(actor.person_id), &actions, now, &checked.time)
            .await?;
        events.extend(moved);
        crate::links::on_child_moved(app, tx, &saved, from.is_active(), now).await?;
        match to {
            Status::Resolved => crate::ratings::ask(tx, &saved, now).await?,
            Status::Reopened => crate::ratings::withdraw(tx, id, now).await?,
            _ => {}
        }
    }
    Ok((saved, events))
}
