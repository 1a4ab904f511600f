//! The demo's live part: requests of the last few days, filed and worked through the
//! actions at their own past times once the demo organisation and its SLA policies exist
//! ([`crate::fill`]), so that the demo shows clocks in every state: on track,
//! warned, answered, waiting on the customer (paused) and breached. The worker of
//! `handoff serve` then raises the alarms they are due.

use std::sync::Arc;

use handoff_app::comments::{self, NewComment};
use handoff_app::requests::{self, ChangeRequest, FileRequest};
use handoff_app::{ActionResult, App};
use handoff_domain::access::Actor;
use handoff_domain::clock::{Clock, ManualClock};
use handoff_domain::form::{FieldDef, FieldType};
use handoff_domain::request::{Priority, Status};
use handoff_store::Db;
use handoff_store::people::{self, PeopleFilter};
use handoff_store::services::{self, ServiceFilter};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

/// How many live requests the demo files.
pub const COUNT: usize = 24;

/// Ages (how long ago they were filed) and priorities, cycled through.
const AGES_MINUTES: [i64; 8] = [20, 70, 180, 400, 1_500, 2_900, 4_400, 7_300];
const PRIORITIES: [Priority; 6] = [
    Priority::Urgent,
    Priority::High,
    Priority::Normal,
    Priority::Normal,
    Priority::High,
    Priority::Low,
];

const OPENINGS: [&str; 4] = [
    "Need help with",
    "Question about",
    "Request:",
    "Follow-up on",
];

/// Plain values for the form's required fields.
pub(crate) fn values(fields: &[FieldDef], requester: i64, at: Timestamp) -> Map<String, Value> {
    let mut out = Map::new();
    for field in fields.iter().filter(|f| f.required) {
        let first = field.options.first().cloned().unwrap_or_default();
        let value = match field.kind {
            FieldType::Text => Value::from("See the description"),
            FieldType::LongText => Value::from("Filed in the demo; details in the description."),
            FieldType::Number => Value::from(1),
            FieldType::Date => Value::from(at.to_zoned_datetime(TimeZone::UTC).date().to_string()),
            FieldType::Choice => Value::from(first),
            FieldType::MultiChoice => Value::from(vec![first]),
            FieldType::Person => Value::from(requester),
        };
        out.insert(field.key.clone(), value);
    }
    out
}

/// Files [`COUNT`] requests over the last days and works some of them, each action at
/// its own past time; returns how many requests and comments it wrote.
pub async fn file_live(db: &Db, now: Timestamp) -> ActionResult<(u64, u64)> {
    let clock = Arc::new(ManualClock::new(now));
    let app = App::new(db.clone(), clock.clone());
    let filter = ServiceFilter {
        active: Some(true),
        ..ServiceFilter::default()
    };
    let services = services::list(db, &filter, 0, 1_000).await?;
    let everyone = PeopleFilter {
        active: Some(true),
        ..PeopleFilter::default()
    };
    let people = people::list(db, &everyone, 0, 10_000).await?;
    let mut filed = 0;
    let mut replies = 0;
    for (i, service) in services.iter().cycle().take(COUNT).enumerate() {
        let requester = people
            .iter()
            .filter(|p| {
                p.department_id != service.department_id && service.open_to(p.department_id)
            })
            .nth(i % 3);
        let agent = people
            .iter()
            .filter(|p| p.department_id == service.department_id)
            .nth(i % 2);
        let (Some(requester), Some(agent)) = (requester, agent) else {
            continue;
        };
        let (requester_actor, agent_actor): (Actor, Actor) = (requester.actor()?, agent.actor()?);
        let age = SignedDuration::from_mins(AGES_MINUTES[i % AGES_MINUTES.len()]);
        let filed_at = now.saturating_sub(age).unwrap_or(now);
        clock.set(filed_at);
        let subject = format!(
            "{} {}",
            OPENINGS[i % OPENINGS.len()],
            service.name.to_lowercase()
        );
        let command = FileRequest {
            service_id: service.id,
            subject,
            description: "Filed in the demo to show SLA clocks at work.".to_owned(),
            priority: PRIORITIES[i % PRIORITIES.len()],
            fields: values(&service.fields, requester.id, filed_at),
        };
        let request = requests::file(&app, &requester_actor, command).await?;
        filed += 1;
        // A third stays untouched; the others are picked up a quarter of their age later.
        if i % 3 == 0 {
            continue;
        }
        let picked_up = filed_at.saturating_add(age / 4).unwrap_or(now);
        clock.set(picked_up);
        let change = |status| ChangeRequest {
            status: Some(status),
            assignee_id: Some(Some(agent.id)),
            ..ChangeRequest::default()
        };
        requests::change(&app, &agent_actor, request.id, change(Status::InProgress)).await?;
        // Some are passed to another department (a few of them back again), some ask
        // another department for its part.
        let elsewhere = services.iter().find(|s| {
            s.department_id != service.department_id
                && s.open_to(requester.department_id)
                && s.open_to(agent.department_id)
                && !s.confidential
        });
        if let (1 | 4, Some(other)) = (i % 6, elsewhere) {
            clock.set(picked_up.saturating_add(age / 8).unwrap_or(now));
            if i % 6 == 1 {
                pass_on(
                    &app,
                    &agent_actor,
                    request.id,
                    other,
                    service,
                    &people,
                    i,
                    &clock,
                )
                .await?;
            } else {
                let command = FileRequest {
                    service_id: other.id,
                    subject: format!("Needed for #{}: {}", request.id, other.name.to_lowercase()),
                    description: "Filed on behalf of a request we hold.".to_owned(),
                    priority: Priority::Normal,
                    fields: values(&other.fields, agent.id, filed_at),
                };
                handoff_app::links::file_linked(&app, &agent_actor, request.id, command).await?;
            }
            continue;
        }
        if i % 3 == 2 {
            let reply = NewComment {
                body: "Looking into it; could you tell us which team this is for?".to_owned(),
                internal: false,
            };
            comments::post(&app, &agent_actor, request.id, reply).await?;
            replies += 1;
            clock.set(
                picked_up
                    .saturating_add(SignedDuration::from_mins(1))
                    .unwrap_or(now),
            );
            requests::change(
                &app,
                &agent_actor,
                request.id,
                change(Status::WaitingOnCustomer),
            )
            .await?;
        }
    }
    Ok((filed, replies))
}

/// Passes request `id` from `from` to `to`'s department; every other one goes back again
/// (ping-pong), passed by a member of the department that received it.
#[allow(clippy::too_many_arguments)]
async fn pass_on(
    app: &App,
    agent: &Actor,
    id: i64,
    to: &services::Service,
    from: &services::Service,
    people: &[people::Person],
    i: usize,
    clock: &ManualClock,
) -> ActionResult<()> {
    let transfer = |service: &services::Service, reason: &str| handoff_app::transfers::Transfer {
        service_id: service.id,
        reason: reason.to_owned(),
        fields: values(&service.fields, agent.person_id, clock.now()),
    };
    let first = transfer(to, "This is theirs to answer, not ours");
    handoff_app::transfers::transfer(app, agent, id, first).await?;
    let receiver = people.iter().find(|p| p.department_id == to.department_id);
    if let (0, Some(receiver)) = (i % 12 / 6, receiver) {
        clock.set(
            clock
                .now()
                .saturating_add(SignedDuration::from_mins(45))
                .unwrap_or(clock.now()),
        );
        let back = transfer(from, "Not ours after all: it needs the original team");
        handoff_app::transfers::transfer(app, &receiver.actor()?, id, back).await?;
    }
    Ok(())
}
