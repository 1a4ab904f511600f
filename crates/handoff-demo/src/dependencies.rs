//! The demo's dependencies and recurring deliverables: a ring of departments relying on
//! one another (agreed, one still proposed), each with a deliverable on a schedule that
//! started two months ago, its past occurrences delivered on time or late, reviewed as
//! accurate or not, and this period's left undelivered in one case, so that every
//! dependency page, rate and feed has something to show. Written through the actions at
//! their own past times.

use std::collections::BTreeMap;
use std::sync::Arc;

use handoff_app::deliverables::NewDeliverable;
use handoff_app::dependencies::{Change, Terms};
use handoff_app::{ActionResult, App};
use handoff_domain::clock::{Clock, ManualClock};
use handoff_domain::org::Role;
use handoff_store::Db;
use handoff_store::people::{self, PeopleFilter, Person};
use handoff_store::{deliverables as stored, from_micros, to_micros};
use jiff::{SignedDuration, Timestamp};

const NEEDS: [(&str, &str, &str); 6] = [
    (
        "approved purchase orders",
        "critical",
        "Purchase orders approved within two business days, with a reason when refused",
    ),
    (
        "monthly headcount figures",
        "high",
        "Headcount by team on the 3rd business day of each month, by noon",
    ),
    (
        "campaign artwork",
        "medium",
        "Artwork two weeks before each campaign launches",
    ),
    (
        "laptops for new starters",
        "high",
        "A working laptop on a starter's first day",
    ),
    (
        "signed supplier contracts",
        "critical",
        "Contracts reviewed within five business days",
    ),
    (
        "the weekly pipeline report",
        "low",
        "The pipeline report every Monday by 10:00",
    ),
];

const RULES: [(&str, &str, &str); 4] = [
    (
        "Monthly figures",
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
        "12:00",
    ),
    ("Weekly report", "FREQ=WEEKLY;BYDAY=MO", "10:00"),
    (
        "Month-end close pack",
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=-1",
        "16:00",
    ),
    (
        "Fortnightly plan",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        "15:00",
    ),
];

/// How far back the imported history of the demo reaches, in days.
pub const HISTORY_DAYS: i64 = 91;

fn at(now: Timestamp, days_ago: i64) -> Timestamp {
    now.saturating_sub(SignedDuration::from_hours(24 * days_ago))
        .unwrap_or(now)
}

/// Writes the demo's dependencies and deliverables; returns (dependencies,
/// deliverables, deliveries). With `deliver`, the deliverables started two months ago and
/// their past occurrences are delivered and reviewed here; without, they start
/// [`HISTORY_DAYS`] ago and are left for the imported history to deliver.
pub async fn fill(db: &Db, now: Timestamp, deliver: bool) -> ActionResult<(u64, u64, u64)> {
    let start = if deliver { 60 } else { HISTORY_DAYS };
    let clock = Arc::new(ManualClock::new(at(now, start)));
    let app = App::new(db.clone(), clock.clone());
    let everyone = PeopleFilter {
        active: Some(true),
        ..PeopleFilter::default()
    };
    let people = people::list(db, &everyone, 0, 10_000).await?;
    let mut by_department: BTreeMap<i64, Vec<&Person>> = BTreeMap::new();
    for p in &people {
        by_department.entry(p.department_id).or_default().push(p);
    }
    let admin = people.iter().find(|p| p.role == Role::Admin.as_str());
    let departments: Vec<i64> = by_department.keys().copied().collect();
    let Some(admin) = admin else {
        return Ok((0, 0, 0));
    };
    if departments.len() < 3 {
        return Ok((0, 0, 0));
    }
    let admin = admin.actor()?;
    let member = |d: i64, i: usize| by_department.get(&d).map(|ps| ps[i % ps.len()]);
    let (mut dependencies, mut deliverables, mut deliveries) = (0, 0, 0);
    let n = departments.len().min(NEEDS.len());
    for i in 0..n {
        // Each department relies on the next; the last on the first (a cycle).
        let customer = departments[i];
        let provider = departments[(i + 1) % departments.len()];
        let (Some(customer_owner), Some(provider_owner)) =
            (member(customer, i), member(provider, i))
        else {
            continue;
        };
        let (what, criticality, expectation) = NEEDS[i];
        clock.set(at(now, start - i as i64));
        let dependency = handoff_app::dependencies::propose(
            &app,
            &admin,
            Terms {
                customer_department_id: Some(customer),
                provider_department_id: Some(provider),
                what: Some(what.to_owned()),
                criticality: Some(criticality.to_owned()),
                customer_owner_id: Some(customer_owner.id),
                provider_owner_id: Some(provider_owner.id),
                expectation: Some(expectation.to_owned()),
                service_ids: Some(Vec::new()),
            },
        )
        .await?;
        dependencies += 1;
        if i + 1 == n {
            continue; // the last stays proposed, waiting on its provider
        }
        handoff_app::dependencies::change(&app, &admin, dependency.id, Change::Agree).await?;
        let (name, rule, due_time) = RULES[i % RULES.len()];
        let created = handoff_app::deliverables::create(
            &app,
            &admin,
            NewDeliverable {
                provider_department_id: Some(provider),
                customer_department_id: Some(customer),
                name: format!("{name}: {what}"),
                rrule: rule.to_owned(),
                due_time: due_time.to_owned(),
                starts_on: clock.now().to_string()[..10].to_owned(),
                provider_owner_id: Some(provider_owner.id),
                customer_owner_id: Some(customer_owner.id),
                dependency_id: Some(dependency.id),
                warn_minutes: None,
            },
        )
        .await?;
        deliverables += 1;
        if !deliver {
            continue;
        }
        let past = stored::occurrences(db, created.id, 0, to_micros(now), 1_000).await?;
        let last = past.len().saturating_sub(1);
        for (k, o) in past.iter().enumerate() {
            // This period's is left undelivered for every other deliverable.
            if k == last && i % 2 == 0 {
                continue;
            }
            let late = (i + k) % 4 == 3;
            let due = from_micros(o.due_at);
            let delivered_at = if late {
                due.saturating_add(SignedDuration::from_hours(26))
                    .unwrap_or(due)
            } else {
                due.saturating_sub(SignedDuration::from_hours(3))
                    .unwrap_or(due)
            };
            clock.set(delivered_at.min(now));
            handoff_app::deliverables::deliver(
                &app,
                &provider_owner.actor()?,
                o.id,
                if late {
                    "Sent late: waiting on last month's corrections"
                } else {
                    ""
                },
                &format!("https://intranet.example.org/shared/{}/{k}", created.id),
            )
            .await?;
            deliveries += 1;
            if (i + k) % 3 == 2 {
                continue; // not reviewed yet
            }
            clock.set(
                clock
                    .now()
                    .saturating_add(SignedDuration::from_hours(2))
                    .unwrap_or(now)
                    .min(now),
            );
            let accurate = (i * 7 + k) % 5 != 4;
            handoff_app::deliverables::review(
                &app,
                &customer_owner.actor()?,
                o.id,
                Some(accurate),
                if accurate {
                    ""
                } else {
                    "Two teams are missing from the figures"
                },
            )
            .await?;
        }
    }
    if deliver {
        // The worker's pass at now: what is due soon is warned about, what is late
        // escalated.
        clock.set(now);
        handoff_app::deliverables::work(&app).await?;
    }
    Ok((dependencies, deliverables, deliveries))
}
