//! A believable history of an organisation, written as the events `handoff import
//! events` reads: requests filed, answered, passed on and resolved, ratings, recurring
//! deliverables delivered and reviewed, concerns and kudos, over a span of days. The demo
//! builds its past with it through the import, as an organisation moving in would, and
//! the import's benchmark replays it.
//!
//! It plants the problems that relationship health must find, each in a department
//! picked by its place among the providers (the same organisation gets the same roles),
//! and names them in [`Planted`]:
//! - a **slow provider**: answers and resolves many times later than the others, so
//!   that its SLAs breach; most departments send it work, and its customers rate it low;
//! - a department that **misses its deliverables**: most occurrences late, some never
//!   delivered, and more of them inaccurate;
//! - an **unhappy pair whose SLAs are green**: the provider answers that customer fast
//!   and the customer rates it low and raises concerns (the "watermelon");
//!
//! Everyone else answers within an hour or two, resolves within a day and is rated well.

use std::collections::{BTreeMap, HashMap};

use handoff_app::import::{Event, Line};
use handoff_app::{ActionResult, App};
use handoff_domain::org::Role;
use handoff_store::deliverables::{self as stored, DeliverableFilter};
use handoff_store::people::{self, PeopleFilter, Person};
use handoff_store::services::{self, Service, ServiceFilter};
use handoff_store::{Db, from_micros, to_micros};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::live::values;

/// What the history is made from: the organisation as stored.
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub services: Vec<Service>,
    pub people: Vec<Person>,
    /// Occurrences of deliverables due in the span and not yet delivered.
    pub owed: Vec<Owed>,
    /// The organisation's values, which kudos name.
    pub values: Vec<String>,
}

/// An occurrence to deliver: its deliverable, the departments and owners on each side
/// (who deliver and who review), and when it is due.
#[derive(Debug, Clone)]
pub struct Owed {
    pub deliverable_id: i64,
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub provider_owner: String,
    pub customer_owner: String,
    pub due_at: Timestamp,
}

/// How much history, over which span.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub requests: u64,
    pub from: Timestamp,
    pub to: Timestamp,
    /// The same seed gives the same history.
    pub seed: u64,
}

/// The departments given the planted problems (`None` where the organisation is too
/// small to have one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planted {
    pub slow_provider: Option<i64>,
    pub late_deliverer: Option<i64>,
    /// (customer, provider).
    pub unhappy_pair: Option<(i64, i64)>,
}

/// Reads what a history is made from: active services and people, the organisation's
/// values, and the occurrences of deliverables due in `[from, to)` not yet delivered.
pub async fn read_org(app: &App, from: Timestamp, to: Timestamp) -> ActionResult<Org> {
    let db: &Db = &app.db;
    let filter = ServiceFilter {
        active: Some(true),
        ..ServiceFilter::default()
    };
    let services = services::list(db, &filter, 0, 100_000).await?;
    let everyone = PeopleFilter {
        active: Some(true),
        ..PeopleFilter::default()
    };
    let mut people = Vec::new();
    loop {
        let after = people.last().map_or(0, |p: &Person| p.id);
        let page = people::list(db, &everyone, after, 10_000).await?;
        let done = page.len() < 10_000;
        people.extend(page);
        if done {
            break;
        }
    }
    let email: HashMap<i64, &str> = people.iter().map(|p| (p.id, p.email.as_str())).collect();
    let mut owed = Vec::new();
    let deliverables = stored::list(db, &DeliverableFilter::default(), 0, 100_000).await?;
    for d in &deliverables {
        let (Some(provider_owner), Some(customer_owner)) = (
            email.get(&d.provider_owner_id),
            email.get(&d.customer_owner_id),
        ) else {
            continue;
        };
        let due = stored::occurrences(db, d.id, to_micros(from), to_micros(to), 10_000).await?;
        owed.extend(
            due.iter()
                .filter(|o| o.delivered_at.is_none())
                .map(|o| Owed {
                    deliverable_id: d.id,
                    provider_department_id: d.provider_department_id,
                    customer_department_id: d.customer_department_id,
                    provider_owner: (*provider_owner).to_owned(),
                    customer_owner: (*customer_owner).to_owned(),
                    due_at: from_micros(o.due_at),
                }),
        );
    }
    let values = handoff_app::settings::get(app).await?.values;
    Ok(Org {
        services,
        people,
        owed,
        values,
    })
}

/// How a provider serves: delays in minutes (a range drawn uniformly), and the chance of
/// each rating score 1..=5.
#[derive(Debug, Clone, Copy)]
struct Manner {
    answer_minutes: (i64, i64),
    resolve_minutes: (i64, i64),
    scores: [u32; 5],
}

const PROMPT: Manner = Manner {
    answer_minutes: (5, 90),
    resolve_minutes: (60, 20 * 60),
    scores: [2, 3, 10, 40, 45],
};

const SLOW: Manner = Manner {
    answer_minutes: (10 * 60, 48 * 60),
    resolve_minutes: (3 * 24 * 60, 9 * 24 * 60),
    scores: [25, 30, 25, 15, 5],
};

/// Fast, and rated low all the same.
const GREEN_BUT_UNHAPPY: Manner = Manner {
    answer_minutes: (5, 45),
    resolve_minutes: (60, 8 * 60),
    scores: [40, 40, 15, 5, 0],
};

/// Share of requests sent to the slow provider and to the unhappy pair, so that their
/// figures rest on enough events whatever the organisation's size.
const SLOW_SHARE: f64 = 0.08;
const UNHAPPY_SHARE: f64 = 0.05;

/// Share of requests passed to another department after the first answer.
const TRANSFER_SHARE: f64 = 0.05;

/// Share of resolved requests whose requester rates them.
const RATED_SHARE: f64 = 0.4;

/// Generates the history: the events in time order, numbered as lines of a file, and the
/// departments given the planted problems. Events after `options.to` are left out, so
/// the requests filed last are still open.
pub fn generate(org: &Org, options: &HistoryOptions) -> (Vec<Line>, Planted) {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut by_department: BTreeMap<i64, Vec<&Person>> = BTreeMap::new();
    for p in &org.people {
        by_department.entry(p.department_id).or_default().push(p);
    }
    let managers = |d: i64| -> Vec<&Person> {
        by_department
            .get(&d)
            .map(|ps| {
                ps.iter()
                    .copied()
                    .filter(|p| p.role != Role::Member.as_str())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Services with someone to work them and someone outside to ask.
    let usable: Vec<&Service> = org
        .services
        .iter()
        .filter(|s| by_department.contains_key(&s.department_id))
        .filter(|s| {
            by_department
                .keys()
                .any(|d| *d != s.department_id && s.open_to(*d))
        })
        .collect();
    let mut providers: Vec<i64> = usable.iter().map(|s| s.department_id).collect();
    providers.sort_unstable();
    providers.dedup();
    let mut planted = Planted {
        slow_provider: providers.first().copied(),
        ..Planted::default()
    };
    let mut deliverers: Vec<i64> = org.owed.iter().map(|o| o.provider_department_id).collect();
    deliverers.sort_unstable();
    deliverers.dedup();
    planted.late_deliverer = deliverers
        .iter()
        .copied()
        .find(|d| Some(*d) != planted.slow_provider)
        .or(deliverers.first().copied());
    planted.unhappy_pair = providers
        .iter()
        .rev()
        .copied()
        .filter(|p| Some(*p) != planted.slow_provider && Some(*p) != planted.late_deliverer)
        .find_map(|p| {
            let service = usable.iter().find(|s| s.department_id == p)?;
            let customer = by_department
                .keys()
                .copied()
                .find(|d| *d != p && Some(*d) != planted.slow_provider && service.open_to(*d))?;
            Some((customer, p))
        });

    let mut events: Vec<(Timestamp, Event)> = Vec::new();
    let span = options.to.duration_since(options.from);
    let span_minutes = (span.as_secs() / 60).max(1);
    let later = |t: Timestamp, minutes: i64| {
        t.saturating_add(SignedDuration::from_mins(minutes))
            .unwrap_or(t)
    };
    let slow_services: Vec<&Service> = usable
        .iter()
        .copied()
        .filter(|s| Some(s.department_id) == planted.slow_provider)
        .collect();
    let unhappy_services: Vec<&Service> = match planted.unhappy_pair {
        Some((c, p)) => usable
            .iter()
            .copied()
            .filter(|s| s.department_id == p && s.open_to(c))
            .collect(),
        None => Vec::new(),
    };
    for n in 0..options.requests {
        if usable.is_empty() {
            break;
        }
        let filed = working_hours(
            later(options.from, rng.random_range(0..span_minutes)),
            &mut rng,
        );
        if filed >= options.to {
            continue;
        }
        let draw: f64 = rng.random();
        let (service, forced_customer) = if draw < SLOW_SHARE && !slow_services.is_empty() {
            (*slow_services.choose(&mut rng).unwrap_or(&usable[0]), None)
        } else if draw < SLOW_SHARE + UNHAPPY_SHARE && !unhappy_services.is_empty() {
            (
                *unhappy_services.choose(&mut rng).unwrap_or(&usable[0]),
                planted.unhappy_pair.map(|(c, _)| c),
            )
        } else {
            (*usable.choose(&mut rng).unwrap_or(&usable[0]), None)
        };
        let customer = match forced_customer {
            Some(c) => c,
            None => {
                let candidates: Vec<i64> = by_department
                    .keys()
                    .copied()
                    .filter(|d| *d != service.department_id && service.open_to(*d))
                    .collect();
                let Some(c) = candidates.choose(&mut rng) else {
                    continue;
                };
                *c
            }
        };
        let (Some(requesters), Some(agents)) = (
            by_department.get(&customer),
            by_department.get(&service.department_id),
        ) else {
            continue;
        };
        let (Some(requester), Some(agent)) = (requesters.choose(&mut rng), agents.choose(&mut rng))
        else {
            continue;
        };
        let manner = |provider: i64| {
            if Some(provider) == planted.slow_provider {
                SLOW
            } else if planted.unhappy_pair == Some((customer, provider)) {
                GREEN_BUT_UNHAPPY
            } else {
                PROMPT
            }
        };
        let reference = format!("r{n}");
        events.push((
            filed,
            Event::RequestCreated {
                reference: reference.clone(),
                service_id: service.id,
                requester_email: requester.email.clone(),
                subject: format!("{} for {}", service.name, requester.name),
                description: "Imported with the organisation's history.".to_owned(),
                priority: None,
                fields: values(&service.fields, requester.id, filed),
            },
        ));
        let mut holder = (service, *agent);
        let mut t = filed;
        let mut transferred = false;
        loop {
            let (held, agent) = holder;
            let m = manner(held.department_id);
            t = later(t, rng.random_range(m.answer_minutes.0..=m.answer_minutes.1));
            let by = agent.email.clone();
            events.push((
                t,
                Event::Assigned {
                    reference: reference.clone(),
                    by_email: by.clone(),
                    assignee_email: Some(by.clone()),
                },
            ));
            events.push((
                t,
                Event::Comment {
                    reference: reference.clone(),
                    by_email: by.clone(),
                    body: "Thanks, we are on it.".to_owned(),
                    internal: false,
                },
            ));
            events.push((
                t,
                Event::StatusChanged {
                    reference: reference.clone(),
                    by_email: by.clone(),
                    status: "in_progress".to_owned(),
                },
            ));
            if !transferred && rng.random_bool(TRANSFER_SHARE) {
                let elsewhere: Vec<&Service> = usable
                    .iter()
                    .copied()
                    .filter(|s| {
                        s.department_id != held.department_id
                            && s.department_id != customer
                            && s.open_to(customer)
                            && s.open_to(agent.department_id)
                    })
                    .collect();
                if let Some(next) = elsewhere.choose(&mut rng)
                    && let Some(next_agent) = by_department
                        .get(&next.department_id)
                        .and_then(|ps| ps.choose(&mut rng))
                {
                    t = later(t, rng.random_range(10..120));
                    events.push((
                        t,
                        Event::Transferred {
                            reference: reference.clone(),
                            by_email: by,
                            service_id: next.id,
                            reason: "This is theirs to answer".to_owned(),
                            fields: every_value(&next.fields, requester.id, t),
                        },
                    ));
                    holder = (next, next_agent);
                    transferred = true;
                    continue;
                }
            }
            t = later(
                t,
                rng.random_range(m.resolve_minutes.0..=m.resolve_minutes.1),
            );
            events.push((
                t,
                Event::StatusChanged {
                    reference: reference.clone(),
                    by_email: by,
                    status: "resolved".to_owned(),
                },
            ));
            if rng.random_bool(RATED_SHARE) {
                let score = weighted(&m.scores, &mut rng) as i32 + 1;
                events.push((
                    later(t, rng.random_range(30..24 * 60)),
                    Event::Rated {
                        reference: reference.clone(),
                        score,
                        comment: String::new(),
                    },
                ));
            }
            break;
        }
    }

    // Deliverables: on time and accurate, but for the late deliverer.
    for o in &org.owed {
        let late = Some(o.provider_department_id) == planted.late_deliverer;
        let delivered = if late {
            match rng.random_range(0..100) {
                0..15 => None,
                15..85 => Some(later(o.due_at, rng.random_range(2 * 60..72 * 60))),
                _ => Some(later(o.due_at, -rng.random_range(30..6 * 60))),
            }
        } else if rng.random_bool(0.05) {
            Some(later(o.due_at, rng.random_range(60..8 * 60)))
        } else {
            Some(later(o.due_at, -rng.random_range(30..48 * 60)))
        };
        let Some(delivered) = delivered.map(|t| t.max(options.from)) else {
            continue;
        };
        let due_at = o.due_at.to_string();
        events.push((
            delivered,
            Event::OccurrenceDelivered {
                deliverable_id: o.deliverable_id,
                due_at: due_at.clone(),
                by_email: o.provider_owner.clone(),
                note: String::new(),
                link: format!("https://intranet.example.org/shared/{}", o.deliverable_id),
            },
        ));
        let accurate = rng.random_bool(if late { 0.6 } else { 0.95 });
        events.push((
            later(delivered, rng.random_range(60..24 * 60)),
            Event::OccurrenceReviewed {
                deliverable_id: o.deliverable_id,
                due_at,
                by_email: o.customer_owner.clone(),
                accurate,
                note: if accurate {
                    String::new()
                } else {
                    "Figures do not add up".to_owned()
                },
            },
        ));
    }

    // Concerns: about the slow provider and the unhappy pair's provider, raised by
    // their customers; the slow provider answers few and late.
    let concerns = (options.requests / 250).max(4);
    let mut about: Vec<(i64, Option<i64>)> = Vec::new();
    if let Some(slow) = planted.slow_provider {
        about.push((slow, None));
    }
    if let Some((c, p)) = planted.unhappy_pair {
        about.push((p, Some(c)));
    }
    for n in 0..concerns {
        let Some(&(provider, customer)) = about.get(n as usize % about.len().max(1)) else {
            break;
        };
        let raisers: Vec<&Person> = match customer {
            Some(c) => by_department.get(&c).cloned().unwrap_or_default(),
            None => org
                .people
                .iter()
                .filter(|p| p.department_id != provider)
                .collect(),
        };
        let (Some(raiser), Some(manager)) = (
            raisers.choose(&mut rng),
            managers(provider).choose(&mut rng).copied(),
        ) else {
            continue;
        };
        let raised = working_hours(
            later(options.from, rng.random_range(0..span_minutes)),
            &mut rng,
        );
        let reference = format!("c{n}");
        events.push((
            raised,
            Event::ConcernRaised {
                reference: reference.clone(),
                by_email: raiser.email.clone(),
                about_department_id: provider,
                problem: "Our requests wait too long and the answers do not help.".to_owned(),
                proposal: "Agree with us what a good answer looks like.".to_owned(),
                anonymous: rng.random_bool(0.3),
            },
        ));
        let slow = Some(provider) == planted.slow_provider;
        if slow && rng.random_bool(0.6) {
            continue;
        }
        let wait = if slow {
            rng.random_range(8 * 24 * 60..20 * 24 * 60)
        } else {
            rng.random_range(2 * 60..3 * 24 * 60)
        };
        events.push((
            later(raised, wait),
            Event::ConcernAnswered {
                reference,
                by_email: manager.email.clone(),
                action: "We have set a weekly review of open requests with you.".to_owned(),
            },
        ));
    }

    // Kudos: thanks across departments, never to the slow provider.
    let kudos = (options.requests / 40).max(6);
    for _ in 0..kudos {
        let (Some(from), Some(to), Some(value)) = (
            org.people.choose(&mut rng),
            org.people.choose(&mut rng),
            org.values.choose(&mut rng),
        ) else {
            break;
        };
        if from.department_id == to.department_id || Some(to.department_id) == planted.slow_provider
        {
            continue;
        }
        events.push((
            working_hours(
                later(options.from, rng.random_range(0..span_minutes)),
                &mut rng,
            ),
            Event::Kudos {
                by_email: from.email.clone(),
                to_email: Some(to.email.clone()),
                to_department_id: None,
                value: value.clone(),
                message: "Thank you for turning this around so quickly.".to_owned(),
            },
        ));
    }

    events.retain(|(at, _)| *at >= options.from && *at <= options.to);
    // Stable: a request's events at one instant keep their order.
    events.sort_by_key(|(at, _)| *at);
    let lines = events
        .into_iter()
        .enumerate()
        .map(|(i, (at, event))| Line {
            number: i + 1,
            at,
            event,
        })
        .collect();
    (lines, planted)
}

/// Moves an instant forward into working hours (weekdays, 08:00 to 17:00 UTC): requests
/// and concerns are raised when people work. Never earlier than `t`.
fn working_hours(t: Timestamp, rng: &mut StdRng) -> Timestamp {
    let dt = TimeZone::UTC.to_datetime(t);
    let mut date = dt.date();
    let mut keep = (8..17).contains(&dt.hour());
    if dt.hour() >= 17 {
        date = date.tomorrow().unwrap_or(date);
        keep = false;
    }
    while matches!(
        date.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        date = date.tomorrow().unwrap_or(date);
        keep = false;
    }
    let hour = if keep {
        dt.hour()
    } else if date == dt.date() {
        rng.random_range(dt.hour().max(8)..17)
    } else {
        rng.random_range(8..17)
    };
    let at = date.at(hour, dt.minute(), dt.second(), 0);
    TimeZone::UTC.to_timestamp(at).unwrap_or(t).max(t)
}

/// A value for every field of a form, so that values carried over from the form a
/// request was filed with never stand where the new form expects something else.
fn every_value(
    fields: &[handoff_domain::form::FieldDef],
    requester: i64,
    at: Timestamp,
) -> serde_json::Map<String, serde_json::Value> {
    let all: Vec<_> = fields
        .iter()
        .cloned()
        .map(|mut f| {
            f.required = true;
            f
        })
        .collect();
    values(&all, requester, at)
}

/// An index drawn with the given weights.
fn weighted(weights: &[u32], rng: &mut StdRng) -> usize {
    let total: u32 = weights.iter().sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    weights.len() - 1
}

/// The lines as the file `handoff import events` reads, one JSON object a line.
pub fn to_jsonl(lines: &[Line]) -> String {
    let mut out = String::new();
    for line in lines {
        let mut object = match serde_json::to_value(&line.event) {
            Ok(serde_json::Value::Object(o)) => o,
            _ => continue,
        };
        object.insert("at".to_owned(), line.at.to_string().into());
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    out
}
