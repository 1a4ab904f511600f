//! Passing a request to another department's service: the holder's stint ends with its
//! clocks as they stand, the new holder's starts under its own policy and calendar, the
//! requester is told in the conversation who has it now.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::request::stint::is_ping_pong;
use handoff_domain::request::{Holder, RequestEvent, Status};
use handoff_domain::sla::Phase;
use handoff_domain::validation::text;
use handoff_store::notifications::{self, NewNotification};
use handoff_store::requests::{self, Request};
use handoff_store::slas::ClockWrite;
use handoff_store::stints::{self, PastStint};
use handoff_store::{StoreError, comments, departments, services, sla_policies, to_micros};
use serde_json::{Map, Value};

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::requests::{catalog_service, check_form, visible};

/// Longest reason for a transfer, in characters.
pub const REASON_MAX: usize = 2_000;

/// Where to pass a request, and why.
pub struct Transfer {
    pub service_id: i64,
    pub reason: String,
    /// Values for the new service's form, by field key: added to (or replacing) the
    /// values the request has under the same keys.
    pub fields: Map<String, Value>,
}

/// What a transfer did.
pub struct Transferred {
    pub request: Request,
    pub events: Vec<RequestEvent>,
}

/// Passes request `id` to `command.service_id` as `actor`, an agent of the department
/// holding it.
#[tracing::instrument(name = "transfer_request", skip_all, fields(request = id, actor = actor.person_id, service = command.service_id))]
pub async fn transfer(
    app: &App,
    actor: &Actor,
    id: i64,
    command: Transfer,
) -> ActionResult<Transferred> {
    let (current, relation) = visible(app, actor, id).await?;
    if !actor.is_provider(&current.facts(relation)) {
        return Err(ActionError::forbidden(
            "only an agent of the department holding the request passes it on",
        ));
    }
    let mut errors = FieldErrors::new();
    let reason = text(&mut errors, "reason", &command.reason, REASON_MAX);
    let context = catalog_service(app, command.service_id).await?;
    let service = &context.service;
    if service.department_id == current.provider_department_id {
        return Err(ActionError::field(
            "service_id",
            "the request is already with this department; a transfer passes it to another one",
        ));
    }
    if !service.open_to(current.requester_department_id) {
        return Err(ActionError::field(
            "service_id",
            "the requester's department may not use this service",
        ));
    }
    // The new form's values: those given, else those the request has under its keys.
    let old_values = current.field_values()?;
    let mut values: Map<String, Value> = service
        .fields
        .iter()
        .filter_map(|f| old_values.get(&f.key).map(|v| (f.key.clone(), v.clone())))
        .collect();
    values.extend(command.fields.clone());
    let fields = check_form(app, &mut errors, &service.fields, &values).await?;
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let dropped_fields: Map<String, Value> = old_values
        .into_iter()
        .filter(|(key, _)| !service.fields.iter().any(|f| &f.key == key))
        .collect();

    let names = departments::names(
        &app.db,
        &[current.provider_department_id, service.department_id],
    )
    .await?;
    let old_service = services::names(&app.db, &[current.service_id])
        .await?
        .remove(&current.service_id)
        .unwrap_or_default();
    let holder = |department_id: i64, service_id: i64, service: &str| Holder {
        department_id,
        department: names.get(&department_id).cloned().unwrap_or_default(),
        service_id,
        service: service.to_owned(),
    };
    let from = holder(
        current.provider_department_id,
        current.service_id,
        &old_service,
    );
    let to = holder(service.department_id, service.id, &service.name);
    let old_time = app.timekeeping(current.provider_department_id).await?;
    let now = app.clock.now();
    let new_time = app.calendars.compiled(context.calendar.clone(), now)?;
    let at = to_micros(now);

    let mut tx = app.db.begin().await?;
    let old = requests::lock(&mut tx, id).await?;
    if (old.provider_department_id, old.service_id)
        != (current.provider_department_id, current.service_id)
    {
        return Err(ActionError::conflict(
            "conflict",
            None,
            "the request moved while this transfer was prepared; look again",
        ));
    }
    let status = old.status()?;
    match status {
        Status::Closed => {
            return Err(ActionError::conflict(
                "not_transferable",
                Some("status"),
                "a closed request cannot be transferred",
            ));
        }
        Status::Resolved => {
            return Err(ActionError::conflict(
                "not_transferable",
                Some("status"),
                "a resolved request cannot be transferred; reopen it first",
            ));
        }
        _ => {}
    }

    // The holder's stint ends: its clocks stop where they stand, each met if the
    // transfer came in time, breached if not.
    let mut events = vec![RequestEvent::Transferred {
        from: Box::new(from.clone()),
        to: Box::new(to.clone()),
        reason: reason.clone(),
        dropped_fields,
    }];
    let mut closed = stints::take_clocks(&mut tx, id).await?;
    for stored in &mut closed {
        let before = stored.clock.phase();
        if before == Phase::Stopped {
            continue;
        }
        let due_at = stored.clock.due_at;
        stored
            .clock
            .stop(now, old_time.work(stored.calendar_time))
            .map_err(|e| StoreError::Corrupt(format!("SLA arithmetic: {e}")))?;
        stored.clock.due_at = due_at;
        stored.schedule.clear();
        events.push(RequestEvent::ClockStopped {
            target: stored.clock.target,
            from: before,
        });
    }
    let mut holders = stints::holders(&mut tx, id).await?;
    holders.push(old.provider_department_id);
    stints::record(
        &mut tx,
        &PastStint {
            request_id: id,
            seq: old.transfers + 1,
            department_id: old.provider_department_id,
            service_id: old.service_id,
            started_at: old.stint_start(),
            ended_at: at,
            first_response_at: old.first_response_at,
            transferred_by: Some(actor.person_id),
            reason: reason.clone(),
        },
        &closed,
    )
    .await?;

    let transfers = old.transfers + 1;
    let new = Request {
        service_id: service.id,
        provider_department_id: service.department_id,
        status: Status::New.as_str().to_owned(),
        assignee_id: None,
        fields: Value::Object(fields).to_string(),
        transfers,
        // What was confidential stays so; a confidential service makes it so.
        confidential: old.confidential || service.confidential,
        ping_pong: old.ping_pong || is_ping_pong(&holders, service.department_id, transfers),
        stint_started_at: Some(at),
        first_response_at: None,
        updated_at: at,
        ..old.clone()
    };
    if status != Status::New {
        events.push(RequestEvent::StatusChanged {
            from: status,
            to: Status::New,
        });
    }
    if old.assignee_id.is_some() {
        events.push(RequestEvent::Assigned {
            from: old.assignee_id,
            to: None,
        });
    }
    let saved = requests::save(&mut tx, &old, &new).await?;

    // The requester reads who has it now in the conversation.
    let words = format!(
        "{} now handles this request ({}), passed on by {}: {reason}",
        to.department, to.service, from.department
    );
    comments::insert(&mut tx, id, actor.person_id, &words, false, at).await?;
    tx.record(id, Some(actor.person_id), at, &events).await?;

    // The new holder's stint starts its clocks.
    let clocks = match sla_policies::applicable(&context.policies, saved.priority()?) {
        Some(policy) => ClockWrite::start(policy, now, &new_time)?,
        None => ClockWrite::default(),
    };
    tx.write_clocks(id, None, at, &clocks).await?;
    events.extend(clocks.events);

    if saved.requester_id != actor.person_id {
        let told = NewNotification {
            occurrence: None,
            person_id: saved.requester_id,
            request_id: Some(id),
            kind: "transferred",
            message: format!(
                "Your request #{id} \u{201c}{}\u{201d} is now with {}",
                saved.subject, to.department
            ),
        };
        notifications::insert(&mut tx, &[told], at).await?;
    }
    tx.commit().await?;
    Ok(Transferred {
        request: saved,
        events,
    })
}
