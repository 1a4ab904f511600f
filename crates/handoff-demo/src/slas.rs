//! The demo's service levels: one office calendar that every department works in, and
//! SLA policies on every service. The generated history runs its clocks under them as
//! the application would have (see `generate.rs`), and the live requests of
//! [`crate::live`] are filed under them through the actions.

use handoff_domain::calendar::CalendarSpec;
use handoff_domain::request::Priority;
use handoff_domain::sla::{DEFAULT_WARNINGS, Policy};
use handoff_store::departments::{self, DepartmentChanges};
use handoff_store::services::{self, ServiceFilter};
use handoff_store::sla_policies::{self, ServicePolicy};
use handoff_store::{Db, Result, StoreError, calendars};
use jiff::Timestamp;

pub(super) fn office_calendar() -> Result<CalendarSpec> {
    let day = serde_json::json!([["09:00", "12:30"], ["13:30", "17:30"]]);
    serde_json::from_value(serde_json::json!({
        "time_zone": "Europe/London",
        "week": {"mon": day, "tue": day, "wed": day, "thu": day,
                 "fri": [["09:00", "12:30"], ["13:30", "17:00"]]},
        "holidays": [
            {"date": "2026-12-24", "from": "12:30", "name": "Christmas Eve (afternoon)"},
            {"date": "2026-12-25", "name": "Christmas Day"},
            {"date": "2026-12-28", "name": "Boxing Day (substitute)"},
            {"date": "2027-01-01", "name": "New Year's Day"},
            {"date": "2027-03-26", "name": "Good Friday"},
            {"date": "2027-03-29", "name": "Easter Monday"},
            {"date": "2027-05-03", "name": "Early May bank holiday"},
            {"date": "2027-05-31", "name": "Spring bank holiday"},
            {"date": "2027-08-30", "name": "Summer bank holiday"}
        ]
    }))
    .map_err(|e| StoreError::Corrupt(format!("demo calendar: {e}")))
}

fn policy(first_response: i64, resolution: i64, next_update: Option<i64>) -> Policy {
    Policy {
        first_response_minutes: Some(first_response),
        resolution_minutes: Some(resolution),
        next_update_minutes: next_update,
        calendar_time: false,
        warn_at: DEFAULT_WARNINGS.to_vec(),
    }
}

/// Every service's policies: a working day to answer and a week to resolve, faster when
/// urgent.
pub(super) fn policies() -> [ServicePolicy; 3] {
    [
        ServicePolicy {
            priority: None,
            policy: policy(8 * 60, 5 * 8 * 60, None),
        },
        ServicePolicy {
            priority: Some(Priority::High),
            policy: policy(2 * 60, 2 * 8 * 60, Some(8 * 60)),
        },
        ServicePolicy {
            priority: Some(Priority::Urgent),
            policy: policy(30, 8 * 60, Some(2 * 60)),
        },
    ]
}

/// Creates the office calendar, makes every department use it, and gives every service
/// a policy: a working day to answer and a week to resolve, faster when urgent.
pub(super) async fn set_up(db: &Db, now: Timestamp) -> Result<CalendarSpec> {
    let all = departments::list(db, 0, 1_000).await?;
    let spec = office_calendar()?;
    let Some(owner) = all.iter().find(|d| d.handle == "it").or(all.first()) else {
        return Ok(spec);
    };
    let calendar = calendars::create(db, owner.id, "Head office", &spec, now).await?;
    // The history's clocks were run under this calendar and these policies already:
    // nothing to recompute.
    let mut tx = db.begin().await?;
    for department in &all {
        let changes = DepartmentChanges {
            calendar_id: Some(Some(calendar.id)),
            ..Default::default()
        };
        departments::update(&mut tx, department.id, &changes).await?;
    }
    let policies = policies();
    for service in services::list(db, &ServiceFilter::default(), 0, 1_000).await? {
        sla_policies::replace(&mut tx, service.id, &policies, now).await?;
    }
    tx.commit().await?;
    Ok(spec)
}
