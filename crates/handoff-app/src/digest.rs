//! A department's weekly digest: concerns raised and answered, satisfaction, pulse
//! results shown, kudos received and SLA breaches, for one week (Monday to Monday in the
//! department's time zone). Shown in the app; e-mail delivery comes with notifications.

use handoff_domain::access::Actor;
use handoff_domain::feedback::concern::day_start;
use handoff_store::digest::{self, WeekCounts};
use handoff_store::kudos::{self, Kudos, KudosFilter};
use handoff_store::{calendars, departments, to_micros};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::pulses;

pub struct Digest {
    pub department_id: i64,
    /// The Monday the week starts on, and the instants it spans.
    pub week_of: Date,
    pub from: Timestamp,
    pub to: Timestamp,
    pub counts: WeekCounts,
    /// Concerns about the department waiting on an answer now.
    pub concerns_waiting: i64,
    /// Mean rating of the week, to two decimals.
    pub rating_mean: Option<f64>,
    /// Pulses about the department that closed this week: (pulse, answers, mean), for
    /// those whose all-customers result is shown.
    pub pulses: Vec<(i64, u32, f64)>,
    /// The week's kudos to the department, newest first (at most 10).
    pub kudos: Vec<Kudos>,
}

/// The digest of `department` for the week holding `day` (default: the last full week).
pub async fn week(
    app: &App,
    actor: &Actor,
    department: i64,
    day: Option<Date>,
) -> ActionResult<Digest> {
    departments::get(&app.db, department)
        .await
        .map_err(or_404("department"))?;
    if !(actor.is_admin() || actor.department_id == department) {
        return Err(ActionError::forbidden(
            "a department's digest is for its members and the admins",
        ));
    }
    let zone = calendars::of_department(&app.db, department)
        .await?
        .and_then(|c| TimeZone::get(&c.spec.time_zone).ok())
        .unwrap_or(TimeZone::UTC);
    let now = app.clock.now();
    let today = zone.to_datetime(now).date();
    let day = match day {
        Some(d) => d,
        None => today.checked_sub(7.days()).unwrap_or(today),
    };
    let monday = day
        .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
        .unwrap_or(day);
    debug_assert_eq!(monday.weekday(), Weekday::Monday);
    let next = monday.checked_add(7.days()).unwrap_or(monday);
    let bad = |_| ActionError::field("week_of", "is out of range");
    let (from, to) = (
        day_start(monday, &zone).map_err(bad)?,
        day_start(next, &zone).map_err(bad)?,
    );
    let window = (to_micros(from), to_micros(to));
    let counts = digest::week(
        &app.db,
        department,
        window,
        (&monday.to_string(), &next.to_string()),
    )
    .await?;
    let concerns_waiting = handoff_store::concerns::waiting(&app.db, department).await?;
    let mut shown = Vec::new();
    for pulse in digest::pulses_closed(&app.db, department, window.0, window.1).await? {
        let results = pulses::results(app, actor, pulse).await;
        let Ok(results) = results else { continue };
        if let Some(total) = results
            .items
            .iter()
            .find(|i| i.provider_department_id == department && i.customer_department_id.is_none())
            && let (Some(n), Some(score)) = (total.responses, total.score)
        {
            shown.push((pulse, n, score));
        }
    }
    let filter = KudosFilter {
        to_department_id: Some(department),
        from: Some(window.0),
        to: Some(window.1),
        ..KudosFilter::default()
    };
    let kudos = kudos::list(&app.db, &filter, 0, 10).await?;
    let rating_mean = (counts.ratings > 0)
        .then(|| (counts.rating_sum as f64 / counts.ratings as f64 * 100.0).round() / 100.0);
    Ok(Digest {
        department_id: department,
        week_of: monday,
        from,
        to,
        counts,
        concerns_waiting,
        rating_mean,
        pulses: shown,
        kudos,
    })
}
