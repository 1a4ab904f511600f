//! The rows behind SLA reports: one per clock of the requests a viewer may see, filed
//! in a period. Aggregation happens in the domain-facing HTTP layer, the same on both
//! engines.

use handoff_domain::access::Actor;
use handoff_domain::sla::{SlaClock, Target};
use jiff::Timestamp;

use crate::history::Entry;
use crate::requests::list::push_visible;
use crate::slas::{self, ClockRow};
use crate::sql::{Sql, bind_all};
use crate::{Db, Result, from_micros, on_read, to_micros};

/// One target's clock on one request.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockFact {
    pub request_id: i64,
    pub subject: String,
    pub service_id: i64,
    pub service_name: String,
    pub provider_department_id: i64,
    pub requester_department_id: i64,
    pub created_at: Timestamp,
    pub clock: SlaClock,
    /// Counted in plain elapsed time rather than the providing department's calendar.
    pub calendar_time: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    request_id: i64,
    subject: String,
    service_id: i64,
    service_name: String,
    provider_department_id: i64,
    requester_department_id: i64,
    created_at: i64,
    #[sqlx(flatten)]
    clock: ClockRow,
}

/// Clocks of the requests `viewer` may see, filed in `[from, to)`: each stint's own,
/// attributed to the department and service that held the request then (a stint ended
/// by a transfer keeps its clocks as they stood at the transfer).
pub async fn clock_facts(
    db: &Db,
    viewer: &Actor,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<ClockFact>> {
    let mut sql = Sql::new(&format!(
        "SELECT r.id AS request_id, r.subject, r.service_id, sv.name AS service_name, \
         r.provider_department_id, r.requester_department_id, r.created_at, {} \
         FROM request_slas s JOIN requests r ON r.id = s.request_id \
         JOIN services sv ON sv.id = r.service_id WHERE ",
        slas::clock_columns("s")
    ));
    push_period(&mut sql, viewer, from, to);
    sql.push(&format!(
        " UNION ALL SELECT r.id, r.subject, st.service_id, sv.name, st.department_id, \
         r.requester_department_id, r.created_at, {} \
         FROM request_stint_clocks c \
         JOIN request_stints st ON st.request_id = c.request_id AND st.seq = c.seq \
         JOIN requests r ON r.id = c.request_id JOIN services sv ON sv.id = st.service_id \
         WHERE ",
        slas::clock_columns("c")
    ));
    push_period(&mut sql, viewer, from, to);
    sql.push(" ORDER BY request_id, provider_department_id, target");
    let rows: Vec<Row> = on_read!(db, |pool| bind_all!(
        sqlx::query_as(sqlx::AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?);
    rows.into_iter()
        .map(|r| {
            let stored = r.clock.decode()?;
            Ok(ClockFact {
                clock: stored.clock,
                calendar_time: stored.calendar_time,
                request_id: r.request_id,
                subject: r.subject,
                service_id: r.service_id,
                service_name: r.service_name,
                provider_department_id: r.provider_department_id,
                requester_department_id: r.requester_department_id,
                created_at: from_micros(r.created_at),
            })
        })
        .collect()
}

/// "r was filed in [from, to) and the viewer may see it".
fn push_period(sql: &mut Sql, viewer: &Actor, from: Timestamp, to: Timestamp) {
    sql.push("r.created_at >= ")
        .int(to_micros(from))
        .push(" AND r.created_at < ")
        .int(to_micros(to))
        .push(" AND ");
    push_visible(sql, viewer);
}

/// The events of one clock of a request, oldest first: when it started, paused,
/// resumed, stopped, warned and breached.
pub async fn clock_timeline(db: &Db, request_id: i64, target: Target) -> Result<Vec<Entry>> {
    let mut events = crate::history::of_clocks(db, request_id).await?;
    events.retain(|e| e.event.target() == Some(target));
    Ok(events)
}
