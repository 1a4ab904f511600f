//! The demo's feedback: ratings of resolved requests, kudos (two featured as stories),
//! concerns in each state (one anonymous), a closed pulse with results and an open one,
//! all through the actions at their own past times, so that every feedback page has
//! something to show.

use std::collections::BTreeMap;
use std::sync::Arc;

use handoff_app::concerns::{self, RaiseConcern};
use handoff_app::kudos::{self, GiveKudos, Thanked};
use handoff_app::pulses::{self, Answer, StartPulse};
use handoff_app::ratings::{self, Rate};
use handoff_app::requests::{self, ChangeRequest};
use handoff_app::{ActionResult, App};
use handoff_domain::access::Actor;
use handoff_domain::clock::{Clock, ManualClock};
use handoff_domain::feedback::concern::ConcernMove;
use handoff_domain::org::Role;
use handoff_domain::request::Status;
use handoff_store::Db;
use handoff_store::people::{self, PeopleFilter, Person};
use handoff_store::requests as stored;
use jiff::{SignedDuration, Timestamp};

const KUDOS: [&str; 6] = [
    "Turned our request around the same afternoon, and explained every step.",
    "Stayed late to get the numbers right before the board meeting.",
    "Spotted the mistake in our brief before it cost us a week.",
    "Walked our new starters through the whole process, patiently.",
    "Answered at 7 in the morning so that we could ship on time.",
    "Found a better way than the one we asked for.",
];

const WORKS: [&str; 4] = [
    "Friendly and knowledgeable people",
    "They explain what they need from us up front",
    "Urgent things really are handled the same day",
    "The catalog forms ask the right questions",
];

const CHANGES: [&str; 4] = [
    "Tell us where our request stands without being asked",
    "Fewer forms for small things",
    "Answer before the deadline, not on it",
    "One contact person instead of a different one each time",
];

const COMMENTS: [&str; 5] = [
    "Took far too long and nobody told us why.",
    "Fine in the end, after two reminders.",
    "Did what we asked.",
    "Quick and clear.",
    "Excellent: fast, friendly and right the first time.",
];

fn at(now: Timestamp, days_ago: i64) -> Timestamp {
    now.saturating_sub(SignedDuration::from_hours(24 * days_ago))
        .unwrap_or(now)
}

/// Writes the demo's feedback; returns (ratings, kudos, concerns, pulse answers).
pub async fn fill(db: &Db, now: Timestamp) -> ActionResult<(u64, u64, u64, u64)> {
    let clock = Arc::new(ManualClock::new(at(now, 21)));
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
    let manager_of = |d: i64| {
        by_department.get(&d).and_then(|ps| {
            ps.iter()
                .find(|p| p.role == Role::Manager.as_str())
                .copied()
        })
    };
    let admin = people.iter().find(|p| p.role == Role::Admin.as_str());
    let departments: Vec<i64> = by_department.keys().copied().collect();
    if departments.len() < 3 {
        return Ok((0, 0, 0, 0));
    }

    // A closed pulse about the two busiest providers, asking every other department.
    let mut answers = 0;
    if let Some(admin) = admin {
        let providers = vec![departments[0], departments[1]];
        let customers: Vec<i64> = departments[2..].to_vec();
        clock.set(at(now, 20));
        let pulse = pulses::start(
            &app,
            &admin.actor()?,
            StartPulse {
                provider_department_ids: providers.clone(),
                customer_department_ids: customers.clone(),
                closes_at: at(now, 6),
            },
        )
        .await?;
        for (i, person) in people
            .iter()
            .filter(|p| customers.contains(&p.department_id))
            .enumerate()
        {
            clock.set(at(now, 19 - (i as i64 % 10)));
            for (k, provider) in providers.iter().enumerate() {
                // Most answer; the first provider is liked, the second less so.
                if (i + k) % 5 == 4 {
                    continue;
                }
                let score = if k == 0 { 3 + (i % 3) } else { 1 + (i % 4) } as i32;
                let answer = Answer {
                    provider_department_id: *provider,
                    score,
                    works: if i % 4 == 0 {
                        WORKS[(i / 4 + k) % WORKS.len()].to_owned()
                    } else {
                        String::new()
                    },
                    change: if i % 3 == 0 {
                        CHANGES[(i / 3 + k) % CHANGES.len()].to_owned()
                    } else {
                        String::new()
                    },
                };
                pulses::answer(&app, &person.actor()?, pulse.pulse.id, answer).await?;
                answers += 1;
            }
        }
        clock.set(now);
        pulses::close_due(&app).await?;
        // And one open now, about the third department.
        clock.set(at(now, 2));
        pulses::start(
            &app,
            &admin.actor()?,
            StartPulse {
                provider_department_ids: vec![departments[2]],
                customer_department_ids: vec![departments[0], departments[1]],
                closes_at: at(now, -12),
            },
        )
        .await?;
    }

    // Resolve some of the live requests and rate them.
    let mut ratings = 0;
    let open = stored::latest_active(db, 8).await?;
    for (i, request) in open.iter().enumerate() {
        let Some(agent) = by_department
            .get(&request.provider_department_id)
            .and_then(|ps| ps.first())
        else {
            continue;
        };
        clock.set(
            now.saturating_sub(SignedDuration::from_mins(90 - 10 * i as i64))
                .unwrap_or(now),
        );
        let resolve = ChangeRequest {
            status: Some(Status::Resolved),
            ..ChangeRequest::default()
        };
        if requests::change(&app, &agent.actor()?, request.id, resolve)
            .await
            .is_err()
        {
            continue;
        }
        if i % 4 == 3 {
            continue; // left waiting for its rating
        }
        let Some(requester) = people.iter().find(|p| p.id == request.requester_id) else {
            continue;
        };
        clock.set(
            clock
                .now()
                .saturating_add(SignedDuration::from_mins(5))
                .unwrap_or(now),
        );
        let score = [5, 4, 2, 5, 3, 1, 4][i % 7];
        let rate = Rate {
            score,
            comment: COMMENTS[(score - 1) as usize].to_owned(),
        };
        ratings::rate(&app, &requester.actor()?, request.id, rate).await?;
        ratings += 1;
    }

    // Kudos across departments; two featured by a manager of the thanked department.
    let values = handoff_app::settings::get(&app).await?.values;
    let mut kudos = 0;
    for (i, message) in KUDOS.iter().enumerate() {
        let from_department = departments[(i + 1) % departments.len()];
        let to_department = departments[i % departments.len()];
        let (Some(from), Some(to)) = (
            by_department
                .get(&from_department)
                .and_then(|ps| ps.get(i % ps.len())),
            by_department
                .get(&to_department)
                .and_then(|ps| ps.get((i + 1) % ps.len())),
        ) else {
            continue;
        };
        clock.set(at(now, 12 - 2 * i as i64));
        let to = if i % 3 == 2 {
            Thanked::Department(to_department)
        } else {
            Thanked::Person(to.id)
        };
        let given = kudos::give(
            &app,
            &from.actor()?,
            GiveKudos {
                to: Some(to),
                value: values
                    .get(i % values.len().max(1))
                    .cloned()
                    .unwrap_or_default(),
                message: (*message).to_owned(),
            },
        )
        .await?;
        kudos += 1;
        if i < 2
            && let Some(manager) = manager_of(to_department)
        {
            let story = "Two teams, one deadline: they sat together for a day and shipped it.";
            kudos::feature(&app, &manager.actor()?, given.id, story).await?;
        }
    }

    // Concerns: one answered and resolved, one acknowledged, one anonymous and new.
    let mut concerns = 0;
    let about = departments[0];
    let raisers: Vec<&Person> = people
        .iter()
        .filter(|p| p.department_id != about)
        .take(3)
        .collect();
    let texts = [
        (
            "Requests sit unassigned for days.",
            "Assign every request within a business day.",
            false,
        ),
        (
            "We learn about changes to the process only when a request is refused.",
            "Announce process changes a week ahead.",
            false,
        ),
        (
            "Replies are curt and sometimes dismissive.",
            "A short guide on tone for replies to other teams.",
            true,
        ),
    ];
    for (i, (problem, proposal, anonymous)) in texts.iter().enumerate() {
        let Some(raiser) = raisers.get(i) else {
            continue;
        };
        clock.set(at(now, 9 - 3 * i as i64));
        let concern = concerns::raise(
            &app,
            &raiser.actor()?,
            RaiseConcern {
                about_department_id: about,
                problem: (*problem).to_owned(),
                proposal: (*proposal).to_owned(),
                anonymous: *anonymous,
            },
        )
        .await?;
        concerns += 1;
        let Some(manager) = manager_of(about) else {
            continue;
        };
        let manager: Actor = manager.actor()?;
        clock.set(
            clock
                .now()
                .saturating_add(SignedDuration::from_hours(20))
                .unwrap_or(now),
        );
        match i {
            0 => {
                concerns::apply(&app, &manager, concern.id, ConcernMove::Acknowledge, None).await?;
                concerns::apply(
                    &app,
                    &manager,
                    concern.id,
                    ConcernMove::Answer,
                    Some("A daily triage at 9:30; nothing waits past noon."),
                )
                .await?;
                concerns::apply(&app, &manager, concern.id, ConcernMove::Resolve, None).await?;
            }
            1 => {
                concerns::apply(&app, &manager, concern.id, ConcernMove::Acknowledge, None).await?;
            }
            _ => {}
        }
    }
    clock.set(now);
    Ok((ratings, kudos, concerns, answers))
}
