//! Requests of the last few days, filed and worked through the real engine at their own
//! past times once the SLA policies exist, so that the demo shows clocks in every state:
//! on track, warned, answered, waiting on the customer (paused) and breached. The
//! worker of `handoff serve` then raises the alarms they are due.

use std::sync::Arc;

use handoff_domain::calendar::{Calendar, CalendarSpec, Horizon};
use handoff_domain::form::{FieldDef, FieldType};
use handoff_domain::request::{Priority, Status};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use crate::comments::{self, NewComment};
use crate::people::{self, PeopleFilter};
use crate::requests::{self, NewRequest, RequestChanges};
use crate::services::{self, ServiceFilter};
use crate::slas::{ClockWrite, Timekeeping};
use crate::{Db, Result, StoreError, sla_policies};

/// How many live requests the demo files.
pub(super) const COUNT: usize = 24;

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
fn values(fields: &[FieldDef], requester: i64, at: Timestamp) -> Map<String, Value> {
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

/// Files [`COUNT`] requests over the last days and works some of them; returns how many
/// requests and comments it wrote.
pub(super) async fn file(db: &Db, calendar: &CalendarSpec, now: Timestamp) -> Result<(u64, u64)> {
    let compiled = Horizon::around(now, 2, 2)
        .and_then(|h| Calendar::new(calendar.clone())?.compile(h))
        .map_err(|e| StoreError::Corrupt(format!("demo calendar: {e}")))?;
    let time = Timekeeping {
        calendar: Some(Arc::new(compiled)),
    };
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
        let age = SignedDuration::from_mins(AGES_MINUTES[i % AGES_MINUTES.len()]);
        let filed_at = now.saturating_sub(age).unwrap_or(now);
        let priority = PRIORITIES[i % PRIORITIES.len()];
        let policies = sla_policies::of_service(db, service.id).await?;
        let clocks = match sla_policies::applicable(&policies, priority) {
            Some(policy) => ClockWrite::start(policy, filed_at, &time)?,
            None => ClockWrite::default(),
        };
        let subject = format!(
            "{} {}",
            OPENINGS[i % OPENINGS.len()],
            service.name.to_lowercase()
        );
        let new = NewRequest {
            service_id: service.id,
            provider_department_id: service.department_id,
            requester_id: requester.id,
            requester_department_id: requester.department_id,
            subject: &subject,
            description: "Filed in the demo to show SLA clocks at work.",
            priority,
            fields: &values(&service.fields, requester.id, filed_at),
        };
        let request = requests::create(db, &new, &clocks, filed_at).await?;
        filed += 1;
        // A third stays untouched; the others are picked up a quarter of their age later.
        if i % 3 == 0 {
            continue;
        }
        let picked_up = filed_at.saturating_add(age / 4).unwrap_or(now);
        let change = |status| {
            move |_: &requests::Request| -> Result<RequestChanges> {
                Ok(RequestChanges {
                    status: Some(status),
                    assignee_id: Some(Some(agent.id)),
                    priority: None,
                    subject: None,
                    description: None,
                })
            }
        };
        requests::update(
            db,
            request.id,
            agent.id,
            picked_up,
            &time,
            change(Status::InProgress),
        )
        .await??;
        if i % 3 == 2 {
            let reply = NewComment {
                request_id: request.id,
                author_id: agent.id,
                body: "Looking into it; could you tell us which team this is for?",
                internal: false,
                from_customer: false,
                from_provider: true,
            };
            comments::create(db, &reply, picked_up, &time).await?;
            replies += 1;
            let waiting = picked_up
                .saturating_add(SignedDuration::from_mins(1))
                .unwrap_or(now);
            requests::update(
                db,
                request.id,
                agent.id,
                waiting,
                &time,
                change(Status::WaitingOnCustomer),
            )
            .await??;
        }
    }
    Ok((filed, replies))
}
