//! SLA clocks on requests: stored per request and target, moved by the request's events
//! inside the same transaction as the events themselves, with one timer row per alarm.
//! The arithmetic is the domain's ([`handoff_domain::sla`]); this module plans the rows
//! and [`write_clocks!`] writes them.

use std::sync::Arc;

use handoff_domain::calendar::CompiledCalendar;
use handoff_domain::sla::{Alarm, ClockAction, Clockwork, Policy, SlaClock, Target};
use jiff::{SignedDuration, Timestamp};

use crate::history::Change;
use crate::{Db, Result, StoreError, from_micros, on_read};

/// A clock with the settings it was started under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClock {
    pub clock: SlaClock,
    pub calendar_time: bool,
    pub warn_at: Vec<u8>,
}

/// How a request's clocks count time: in the providing department's calendar, when it
/// has one, else in calendar time.
#[derive(Debug, Clone, Default)]
pub struct Timekeeping {
    pub calendar: Option<Arc<CompiledCalendar>>,
}

impl Timekeeping {
    pub fn work(&self, calendar_time: bool) -> Clockwork<'_> {
        match (&self.calendar, calendar_time) {
            (Some(calendar), false) => Clockwork::Business(calendar),
            _ => Clockwork::Continuous,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClockRow {
    target: String,
    allowed_micros: i64,
    used_micros: i64,
    running_since: Option<i64>,
    due_at: Option<i64>,
    stopped_at: Option<i64>,
    cycle: i32,
    calendar_time: bool,
    warn_at: String,
}

impl ClockRow {
    pub(crate) fn decode(self) -> Result<StoredClock> {
        let target = Target::parse(&self.target)
            .ok_or_else(|| StoreError::Corrupt(format!("SLA target {}", self.target)))?;
        let warn_at = serde_json::from_str(&self.warn_at)
            .map_err(|e| StoreError::Corrupt(format!("SLA warnings: {e}")))?;
        Ok(StoredClock {
            clock: SlaClock {
                target,
                allowed: SignedDuration::from_micros(self.allowed_micros),
                used: SignedDuration::from_micros(self.used_micros),
                running_since: self.running_since.map(from_micros),
                due_at: self.due_at.map(from_micros),
                stopped_at: self.stopped_at.map(from_micros),
                cycle: self.cycle,
            },
            calendar_time: self.calendar_time,
            warn_at,
        })
    }
}

pub(crate) const SELECT_CLOCKS: &str = "SELECT target, allowed_micros, used_micros, running_since, \
     due_at, stopped_at, cycle, calendar_time, warn_at FROM request_slas WHERE request_id = $1 \
     ORDER BY target";

/// Binds: request id, target, allowed, used, running since, due, stopped, cycle,
/// calendar time, warnings.
pub(crate) const UPSERT_CLOCK: &str = "INSERT INTO request_slas (request_id, target, \
     allowed_micros, used_micros, running_since, due_at, stopped_at, cycle, calendar_time, \
     warn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
     ON CONFLICT (request_id, target) DO UPDATE SET allowed_micros = excluded.allowed_micros, \
     used_micros = excluded.used_micros, running_since = excluded.running_since, \
     due_at = excluded.due_at, stopped_at = excluded.stopped_at, cycle = excluded.cycle, \
     calendar_time = excluded.calendar_time, warn_at = excluded.warn_at";

/// Binds: request id, target, cycle, alarm, fire at. An alarm that already fired in
/// this stretch keeps its row, so it never fires twice.
pub(crate) const INSERT_TIMER: &str = "INSERT INTO sla_timers (request_id, target, cycle, alarm, \
     fire_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, target, cycle, alarm) DO NOTHING";

pub(crate) const DELETE_PENDING_TIMERS: &str =
    "DELETE FROM sla_timers WHERE request_id = $1 AND fired_at IS NULL";

/// What moving the clocks writes: the clocks, their history, their future alarms.
#[derive(Debug, Clone, Default)]
pub struct ClockWrite {
    pub clocks: Vec<StoredClock>,
    pub history: Vec<Change>,
    pub timers: Vec<(Target, i32, Alarm, Timestamp)>,
}

fn history_field(target: Target) -> &'static str {
    match target {
        Target::FirstResponse => "sla.first_response",
        Target::Resolution => "sla.resolution",
        Target::NextUpdate => "sla.next_update",
    }
}

fn phase_name(clock: &SlaClock) -> String {
    use handoff_domain::sla::Phase;
    match clock.phase() {
        Phase::Running => "running",
        Phase::Paused => "paused",
        Phase::Stopped => "stopped",
    }
    .to_owned()
}

fn calendar_error(err: handoff_domain::calendar::CalendarError) -> StoreError {
    StoreError::Corrupt(format!("SLA arithmetic: {err}"))
}

impl ClockWrite {
    fn add_timers(&mut self, stored: &StoredClock, time: &Timekeeping) -> Result<()> {
        let work = time.work(stored.calendar_time);
        for (alarm, at) in stored
            .clock
            .alarms(&stored.warn_at, work)
            .map_err(calendar_error)?
        {
            self.timers
                .push((stored.clock.target, stored.clock.cycle, alarm, at));
        }
        Ok(())
    }

    /// Starts the clocks of a new request under `policy`.
    pub fn start(policy: &Policy, now: Timestamp, time: &Timekeeping) -> Result<ClockWrite> {
        let mut write = ClockWrite::default();
        for target in Target::ALL {
            let Some(minutes) = policy.minutes(target) else {
                continue;
            };
            let work = time.work(policy.calendar_time);
            let clock = SlaClock::start(target, SignedDuration::from_mins(minutes), now, work)
                .map_err(calendar_error)?;
            let stored = StoredClock {
                clock,
                calendar_time: policy.calendar_time,
                warn_at: policy.warn_at.clone(),
            };
            write.history.push(Change {
                field: history_field(target),
                old_value: None,
                new_value: Some(phase_name(&stored.clock)),
                internal: false,
            });
            write.add_timers(&stored, time)?;
            write.clocks.push(stored);
        }
        Ok(write)
    }

    /// Applies `actions` to the request's clocks as they stand.
    pub fn apply(
        existing: Vec<StoredClock>,
        actions: &[(Target, ClockAction)],
        now: Timestamp,
        time: &Timekeeping,
    ) -> Result<ClockWrite> {
        let mut write = ClockWrite::default();
        for mut stored in existing {
            let before = (phase_name(&stored.clock), stored.clock.cycle);
            for (target, action) in actions {
                if *target != stored.clock.target {
                    continue;
                }
                let work = time.work(stored.calendar_time);
                let clock = &mut stored.clock;
                match action {
                    ClockAction::Pause => clock.pause(now, work),
                    ClockAction::Resume => clock.resume(now, work),
                    ClockAction::Stop => clock.stop(now, work),
                    ClockAction::Reopen => clock.reopen(now, work),
                    ClockAction::Restart => clock.restart(now, work),
                }
                .map_err(calendar_error)?;
            }
            let after = (phase_name(&stored.clock), stored.clock.cycle);
            if after != before {
                let restarted = after.1 != before.1;
                write.history.push(Change {
                    field: history_field(stored.clock.target),
                    old_value: Some(before.0),
                    new_value: Some(if restarted {
                        "restarted".to_owned()
                    } else {
                        after.0
                    }),
                    internal: false,
                });
            }
            write.add_timers(&stored, time)?;
            write.clocks.push(stored);
        }
        Ok(write)
    }
}

/// Writes a [`ClockWrite`] for a request inside the caller's transaction `$tx`, on
/// whichever engine the surrounding [`on_write!`] arm runs. `$at` is in microseconds.
macro_rules! write_clocks {
    ($tx:expr, $request_id:expr, $actor:expr, $at:expr, $write:expr) => {{
        let write: &$crate::slas::ClockWrite = $write;
        for stored in &write.clocks {
            let c = &stored.clock;
            sqlx::query($crate::slas::UPSERT_CLOCK)
                .bind($request_id)
                .bind(c.target.as_str())
                .bind(c.allowed.as_micros() as i64)
                .bind(c.used.as_micros() as i64)
                .bind(c.running_since.map($crate::to_micros))
                .bind(c.due_at.map($crate::to_micros))
                .bind(c.stopped_at.map($crate::to_micros))
                .bind(c.cycle)
                .bind(stored.calendar_time)
                .bind(serde_json::to_string(&stored.warn_at).unwrap_or_else(|_| "[]".to_owned()))
                .execute(&mut *$tx)
                .await?;
        }
        if !write.clocks.is_empty() {
            sqlx::query($crate::slas::DELETE_PENDING_TIMERS)
                .bind($request_id)
                .execute(&mut *$tx)
                .await?;
        }
        for (target, cycle, alarm, fire_at) in &write.timers {
            sqlx::query($crate::slas::INSERT_TIMER)
                .bind($request_id)
                .bind(target.as_str())
                .bind(*cycle)
                .bind(alarm.key())
                .bind($crate::to_micros(*fire_at))
                .execute(&mut *$tx)
                .await?;
        }
        for change in &write.history {
            sqlx::query($crate::history::INSERT)
                .bind($request_id)
                .bind($actor)
                .bind($at)
                .bind(change.field)
                .bind(change.old_value.as_deref())
                .bind(change.new_value.as_deref())
                .bind(change.internal)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use write_clocks;

/// Reads a request's clocks (outside any transaction, for display).
pub async fn of_request(db: &Db, request_id: i64) -> Result<Vec<StoredClock>> {
    let rows: Vec<ClockRow> = on_read!(db, |pool| sqlx::query_as(SELECT_CLOCKS)
        .bind(request_id)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(ClockRow::decode).collect()
}

/// `SELECT … FOR UPDATE` on PostgreSQL, so that two servers move a clock one at a time.
pub(crate) fn select_clocks_locked(engine: crate::Engine) -> &'static str {
    match engine {
        crate::Engine::Sqlite => SELECT_CLOCKS,
        crate::Engine::Postgres => {
            "SELECT target, allowed_micros, used_micros, running_since, due_at, stopped_at, \
             cycle, calendar_time, warn_at FROM request_slas WHERE request_id = $1 \
             ORDER BY target FOR UPDATE"
        }
    }
}

/// An alarm that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub request_id: i64,
    pub target: Target,
    pub alarm: Alarm,
    pub fire_at: Timestamp,
    /// The people told, in person id order.
    pub notified: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct TimerRow {
    id: i64,
    request_id: i64,
    target: String,
    alarm: String,
    fire_at: i64,
}

#[derive(sqlx::FromRow)]
struct RequestFacts {
    provider_department_id: i64,
    assignee_id: Option<i64>,
    subject: String,
}

fn claim_sql(engine: crate::Engine) -> &'static str {
    match engine {
        crate::Engine::Sqlite => {
            "UPDATE sla_timers SET fired_at = $1 WHERE id IN (SELECT id FROM sla_timers \
             WHERE fired_at IS NULL AND fire_at <= $1 ORDER BY fire_at, id LIMIT $2) \
             RETURNING id, request_id, target, alarm, fire_at"
        }
        // Another server's claim in flight is skipped, not waited for.
        crate::Engine::Postgres => {
            "UPDATE sla_timers SET fired_at = $1 WHERE id IN (SELECT id FROM sla_timers \
             WHERE fired_at IS NULL AND fire_at <= $1 ORDER BY fire_at, id LIMIT $2 \
             FOR UPDATE SKIP LOCKED) RETURNING id, request_id, target, alarm, fire_at"
        }
    }
}

fn message(
    alarm: Alarm,
    target: Target,
    request_id: i64,
    subject: &str,
    escalated: bool,
) -> String {
    let target = target.as_str().replace('_', " ");
    match alarm {
        Alarm::Warning(p) => {
            format!(
                "SLA warning: {p}% of the {target} target is used on request #{request_id} \"{subject}\""
            )
        }
        Alarm::Breach if escalated => format!(
            "SLA breached, escalated to you as manager: the {target} target of request #{request_id} \"{subject}\""
        ),
        Alarm::Breach => {
            format!("SLA breached: the {target} target of request #{request_id} \"{subject}\"")
        }
    }
}

/// Claims up to `limit` timers due by `now` and raises them: a history entry on the
/// request and notifications, to the assignee (or the whole providing department when
/// nobody is assigned) and, for a breach, to the department's managers. Claim and
/// effects share one transaction, so each alarm fires exactly once across servers.
pub async fn fire_due(db: &Db, now: Timestamp, limit: i64) -> Result<Vec<Fired>> {
    let claim = claim_sql(db.engine());
    let at = crate::to_micros(now);
    crate::on_write!(db, |pool| {
        let mut tx = pool.begin().await?;
        let mut rows: Vec<TimerRow> = sqlx::query_as(claim)
            .bind(at)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        // RETURNING has no order; raise them in the order they fell due.
        rows.sort_by_key(|r| (r.fire_at, r.id));
        let mut fired = Vec::with_capacity(rows.len());
        for row in rows {
            let (Some(target), Some(alarm)) =
                (Target::parse(&row.target), Alarm::parse(&row.alarm))
            else {
                return Err(StoreError::Corrupt(format!(
                    "timer {} {}",
                    row.target, row.alarm
                )));
            };
            let facts: RequestFacts = sqlx::query_as(
                "SELECT provider_department_id, assignee_id, subject FROM requests WHERE id = $1",
            )
            .bind(row.request_id)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(crate::history::INSERT)
                .bind(row.request_id)
                .bind(None::<i64>)
                .bind(at)
                .bind(history_field(target))
                .bind(None::<&str>)
                .bind(Some(alarm.key()))
                .bind(false)
                .execute(&mut *tx)
                .await?;
            let mut told: Vec<(i64, bool)> = match facts.assignee_id {
                Some(assignee) => vec![(assignee, false)],
                None => sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM people WHERE department_id = $1 AND active ORDER BY id",
                )
                .bind(facts.provider_department_id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|id| (id, false))
                .collect(),
            };
            if alarm == Alarm::Breach {
                let managers: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM people WHERE department_id = $1 AND role = 'manager' AND active \
                     ORDER BY id",
                )
                .bind(facts.provider_department_id)
                .fetch_all(&mut *tx)
                .await?;
                for manager in managers {
                    match told.iter_mut().find(|(id, _)| *id == manager) {
                        Some(entry) => entry.1 = true,
                        None => told.push((manager, true)),
                    }
                }
            }
            told.sort();
            for (person, escalated) in &told {
                let kind = match alarm {
                    Alarm::Warning(_) => "sla_warning",
                    Alarm::Breach if *escalated => "sla_escalation",
                    Alarm::Breach => "sla_breach",
                };
                sqlx::query(
                    "INSERT INTO notifications (person_id, request_id, kind, message, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(person)
                .bind(row.request_id)
                .bind(kind)
                .bind(message(
                    alarm,
                    target,
                    row.request_id,
                    &facts.subject,
                    *escalated,
                ))
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            fired.push(Fired {
                request_id: row.request_id,
                target,
                alarm,
                fire_at: from_micros(row.fire_at),
                notified: told.into_iter().map(|(id, _)| id).collect(),
            });
        }
        tx.commit().await?;
        Ok(fired)
    })
}

/// The clocks of requests still being worked (not resolved or closed) that a change
/// can move: of one service, or of requests provided by some departments.
#[derive(Debug, Clone)]
pub enum Scope<'a> {
    Service(i64),
    Departments(&'a [i64]),
}

#[derive(sqlx::FromRow)]
struct ScopedClockRow {
    request_id: i64,
    priority: i16,
    #[sqlx(flatten)]
    clock: ClockRow,
}

/// Recomputes the due times and alarms of the open requests in `scope` after their
/// calendar or policy changed. `adjust` may change a clock's settings first (a new
/// policy's allowed time and warnings) and says whether to keep it. Works in batches of
/// multi-row statements, so that 100,000 requests take seconds, not minutes. Returns how
/// many clocks it rewrote.
pub async fn recompute(
    db: &Db,
    scope: Scope<'_>,
    time: &Timekeeping,
    adjust: impl Fn(handoff_domain::request::Priority, &mut StoredClock),
) -> Result<u64> {
    let mut sql = crate::sql::Sql::new(
        "SELECT s.request_id, r.priority, s.target, s.allowed_micros, s.used_micros, \
         s.running_since, s.due_at, s.stopped_at, s.cycle, s.calendar_time, s.warn_at \
         FROM request_slas s JOIN requests r ON r.id = s.request_id \
         WHERE r.status NOT IN ('resolved', 'closed') AND s.stopped_at IS NULL AND ",
    );
    match scope {
        Scope::Service(id) => {
            sql.push("r.service_id = ").int(id);
        }
        Scope::Departments([]) => return Ok(0),
        Scope::Departments(ids) => {
            sql.push("r.provider_department_id IN (");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.int(*id);
            }
            sql.push(")");
        }
    }
    sql.push(" ORDER BY s.request_id, s.target");
    let rows: Vec<ScopedClockRow> = crate::on_read!(db, |pool| crate::sql::bind_all!(
        sqlx::query_as(sqlx::AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?);
    let mut clocks: Vec<(i64, StoredClock)> = Vec::with_capacity(rows.len());
    let mut timers: Vec<(i64, Target, i32, Alarm, Timestamp)> = Vec::new();
    for row in rows {
        let priority = handoff_domain::request::Priority::from_rank(row.priority)
            .ok_or_else(|| StoreError::Corrupt(format!("request {} priority", row.request_id)))?;
        let mut stored = row.clock.decode()?;
        adjust(priority, &mut stored);
        let work = time.work(stored.calendar_time);
        if let Some(since) = stored.clock.running_since {
            let left = (stored.clock.allowed - stored.clock.used).max(SignedDuration::ZERO);
            stored.clock.due_at = Some(work.after(since, left).map_err(calendar_error)?);
        }
        for (alarm, at) in stored
            .clock
            .alarms(&stored.warn_at, work)
            .map_err(calendar_error)?
        {
            timers.push((
                row.request_id,
                stored.clock.target,
                stored.clock.cycle,
                alarm,
                at,
            ));
        }
        clocks.push((row.request_id, stored));
    }
    let count = clocks.len() as u64;
    crate::on_write!(db, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in clocks.chunks(2_000) {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO request_slas (request_id, target, allowed_micros, used_micros, \
                 running_since, due_at, stopped_at, cycle, calendar_time, warn_at) ",
            );
            insert.push_values(chunk, |mut b, (request_id, stored)| {
                let c = &stored.clock;
                b.push_bind(*request_id)
                    .push_bind(c.target.as_str())
                    .push_bind(c.allowed.as_micros() as i64)
                    .push_bind(c.used.as_micros() as i64)
                    .push_bind(c.running_since.map(crate::to_micros))
                    .push_bind(c.due_at.map(crate::to_micros))
                    .push_bind(c.stopped_at.map(crate::to_micros))
                    .push_bind(c.cycle)
                    .push_bind(stored.calendar_time)
                    .push_bind(
                        serde_json::to_string(&stored.warn_at).unwrap_or_else(|_| "[]".to_owned()),
                    );
            });
            insert.push(
                " ON CONFLICT (request_id, target) DO UPDATE SET allowed_micros = excluded.allowed_micros, \
                 used_micros = excluded.used_micros, running_since = excluded.running_since, \
                 due_at = excluded.due_at, stopped_at = excluded.stopped_at, cycle = excluded.cycle, \
                 calendar_time = excluded.calendar_time, warn_at = excluded.warn_at",
            );
            insert.build().execute(&mut *tx).await?;
            let mut delete = sqlx::QueryBuilder::new(
                "DELETE FROM sla_timers WHERE fired_at IS NULL AND request_id IN (",
            );
            let mut ids = delete.separated(", ");
            for (request_id, _) in chunk {
                ids.push_bind(*request_id);
            }
            delete.push(")");
            delete.build().execute(&mut *tx).await?;
        }
        for chunk in timers.chunks(5_000) {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO sla_timers (request_id, target, cycle, alarm, fire_at) ",
            );
            insert.push_values(chunk, |mut b, (request_id, target, cycle, alarm, at)| {
                b.push_bind(*request_id)
                    .push_bind(target.as_str())
                    .push_bind(*cycle)
                    .push_bind(alarm.key())
                    .push_bind(crate::to_micros(*at));
            });
            insert.push(" ON CONFLICT (request_id, target, cycle, alarm) DO NOTHING");
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(count)
}
