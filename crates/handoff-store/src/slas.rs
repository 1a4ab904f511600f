//! SLA clocks on requests: stored per request and target, moved by the request's events
//! inside the same transaction as the events themselves. Each clock row also carries
//! the alarms still to raise in its current stretch and when the next one falls due,
//! which is what the worker claims. The arithmetic is the domain's
//! ([`handoff_domain::sla`]); this module plans the rows and [`write_clocks!`] writes them.

use std::sync::Arc;

use handoff_domain::calendar::{CalendarError, CompiledCalendar};
use handoff_domain::request::Priority;
use handoff_domain::request::RequestEvent;
use handoff_domain::sla::{Alarm, ClockAction, Clockwork, Phase, Policy, SlaClock, Target};
use jiff::{SignedDuration, Timestamp};

use crate::requests::pressing::RefreshPressing;
use crate::sql::{Sql, bind_all};
use crate::{Db, Engine, Result, StoreError, Tx, from_micros, on_read, on_tx, on_write, to_micros};

/// A clock with the settings it was started under and its alarms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClock {
    pub clock: SlaClock,
    pub calendar_time: bool,
    pub warn_at: Vec<u8>,
    /// Alarms still to raise in the current stretch, earliest first.
    pub schedule: Vec<(Alarm, Timestamp)>,
    /// Alarms raised in the current cycle.
    pub raised: Vec<Alarm>,
}

impl StoredClock {
    /// Plans the alarms of the current stretch, leaving out those already raised.
    fn reschedule(&mut self, time: &Timekeeping) -> Result<()> {
        let work = time.work(self.calendar_time);
        let mut schedule: Vec<(Alarm, Timestamp)> = self
            .clock
            .alarms(&self.warn_at, work)
            .map_err(calendar_error)?
            .into_iter()
            .filter(|(alarm, _)| !self.raised.contains(alarm))
            .collect();
        schedule.sort_by_key(|(_, at)| *at);
        self.schedule = schedule;
        Ok(())
    }

    pub fn next_alarm_at(&self) -> Option<Timestamp> {
        self.schedule.first().map(|(_, at)| *at)
    }

    pub(crate) fn schedule_json(&self) -> String {
        let pairs: Vec<(String, i64)> = self
            .schedule
            .iter()
            .map(|(a, at)| (a.key(), to_micros(*at)))
            .collect();
        serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".to_owned())
    }

    pub(crate) fn warn_at_json(&self) -> String {
        serde_json::to_string(&self.warn_at).unwrap_or_else(|_| "[]".to_owned())
    }

    pub(crate) fn raised_json(&self) -> String {
        let keys: Vec<String> = self.raised.iter().map(|a| a.key()).collect();
        serde_json::to_string(&keys).unwrap_or_else(|_| "[]".to_owned())
    }
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

fn calendar_error(err: CalendarError) -> StoreError {
    StoreError::Corrupt(format!("SLA arithmetic: {err}"))
}

/// A clock as stored. Read by name from rows, and by position from the JSON arrays a
/// recompute builds on SQLite: the fields keep [`CLOCK_COLUMNS`]' order.
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct ClockRow {
    target: String,
    allowed_micros: i64,
    used_micros: i64,
    running_since: Option<i64>,
    due_at: Option<i64>,
    stopped_at: Option<i64>,
    cycle: i32,
    #[serde(deserialize_with = "crate::sql::json_bool")]
    calendar_time: bool,
    warn_at: String,
    schedule: String,
    raised: String,
    breached_at: Option<i64>,
}

impl ClockRow {
    pub(crate) fn decode(self) -> Result<StoredClock> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("SLA clock {what}"));
        let target = Target::parse(&self.target).ok_or_else(|| corrupt("target"))?;
        let warn_at = serde_json::from_str(&self.warn_at).map_err(|_| corrupt("warnings"))?;
        let pairs: Vec<(String, i64)> =
            serde_json::from_str(&self.schedule).map_err(|_| corrupt("schedule"))?;
        let schedule = pairs
            .into_iter()
            .map(|(key, at)| {
                Alarm::parse(&key)
                    .map(|a| (a, from_micros(at)))
                    .ok_or_else(|| corrupt("alarm"))
            })
            .collect::<Result<_>>()?;
        let keys: Vec<String> =
            serde_json::from_str(&self.raised).map_err(|_| corrupt("raised alarms"))?;
        let raised = keys
            .iter()
            .map(|k| Alarm::parse(k).ok_or_else(|| corrupt("alarm")))
            .collect::<Result<_>>()?;
        Ok(StoredClock {
            clock: SlaClock {
                target,
                allowed: SignedDuration::from_micros(self.allowed_micros),
                used: SignedDuration::from_micros(self.used_micros),
                running_since: self.running_since.map(from_micros),
                due_at: self.due_at.map(from_micros),
                stopped_at: self.stopped_at.map(from_micros),
                breached_at: self.breached_at.map(from_micros),
                cycle: self.cycle,
            },
            calendar_time: self.calendar_time,
            warn_at,
            schedule,
            raised,
        })
    }
}

/// A clock's columns, in [`ClockRow`]'s field order.
const CLOCK_COLUMNS: &str = "target, allowed_micros, used_micros, running_since, due_at, \
     stopped_at, cycle, calendar_time, warn_at, schedule, raised, breached_at";

/// The columns of [`ClockRow`] of the table aliased `alias`, for queries that join.
pub(crate) fn clock_columns(alias: &str) -> String {
    CLOCK_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A request's clocks; with `lock`, `FOR UPDATE` on PostgreSQL, so that two servers
/// move a clock one at a time (SQLite's single writer needs no lock).
pub(crate) fn select_clocks(engine: Engine, lock: bool) -> String {
    let lock = if lock && engine == Engine::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    format!("SELECT {CLOCK_COLUMNS} FROM request_slas WHERE request_id = $1 ORDER BY target{lock}")
}

/// The columns written for a clock, in the order [`push_clock!`] binds them.
pub(crate) const INSERT_CLOCKS: &str = "INSERT INTO request_slas (request_id, target, \
     allowed_micros, used_micros, running_since, due_at, stopped_at, cycle, calendar_time, \
     warn_at, schedule, next_alarm_at, raised, breached_at) ";

/// Turns an insert of clocks into "insert or replace the clock's state".
pub(crate) const ON_CONFLICT_UPDATE: &str = " ON CONFLICT (request_id, target) DO UPDATE SET \
     allowed_micros = excluded.allowed_micros, used_micros = excluded.used_micros, \
     running_since = excluded.running_since, due_at = excluded.due_at, \
     stopped_at = excluded.stopped_at, cycle = excluded.cycle, \
     calendar_time = excluded.calendar_time, warn_at = excluded.warn_at, \
     schedule = excluded.schedule, next_alarm_at = excluded.next_alarm_at, \
     raised = excluded.raised, breached_at = excluded.breached_at";

/// Rewrites what a recompute changes in existing clocks: their settings (allowed time,
/// kind of time, warnings), due time and alarms, nothing else. Each engine writes a
/// chunk in one statement.
trait RewriteClocks {
    /// Rewrites `chunk`'s clocks; returns how many were rewritten.
    async fn rewrite(&mut self, chunk: &[(i64, StoredClock)]) -> Result<u64>;
}

impl RewriteClocks for sqlx::SqliteConnection {
    /// `UPDATE … FROM (VALUES …)`, 9 values a clock. SQLite names a list's columns
    /// `column1`…; the recompute holds the write lock while it reads, so every clock
    /// is still as it was read.
    async fn rewrite(&mut self, chunk: &[(i64, StoredClock)]) -> Result<u64> {
        let mut update = sqlx::QueryBuilder::new(
            "UPDATE request_slas SET allowed_micros = v.c3, calendar_time = v.c4, \
             warn_at = v.c5, due_at = v.c6, schedule = v.c7, next_alarm_at = v.c8, \
             breached_at = v.c9 \
             FROM (SELECT column1 AS c1, column2 AS c2, column3 AS c3, column4 AS c4, \
             column5 AS c5, column6 AS c6, column7 AS c7, column8 AS c8, column9 AS c9 FROM (",
        );
        update.push_values(chunk, |mut b, (request_id, stored)| {
            let c = &stored.clock;
            b.push_bind(*request_id)
                .push_bind(c.target.as_str())
                .push_bind(c.allowed.as_micros() as i64)
                .push_bind(stored.calendar_time)
                .push_bind(stored.warn_at_json())
                .push_bind(c.due_at.map(to_micros))
                .push_bind(stored.schedule_json())
                .push_bind(stored.next_alarm_at().map(to_micros))
                .push_bind(c.breached_at.map(to_micros));
        });
        update.push(")) AS v WHERE request_slas.request_id = v.c1 AND request_slas.target = v.c2");
        let count = update.build().execute(&mut *self).await?.rows_affected();
        self.refresh_pressing(&requests_of(chunk)).await?;
        Ok(count)
    }
}

impl RewriteClocks for sqlx::PgConnection {
    /// `UPDATE … FROM UNNEST(arrays)`, one array a column: a `VALUES` list of 2,000
    /// rows took 17 ms to plan and was joined by scanning every clock (110 ms a chunk
    /// on 200,000 clocks, against 15 ms so). The clocks were read on another connection,
    /// so a clock is rewritten only while it is still as it was read (not stopped, same
    /// cycle, time used, start and raised alarms): an event or an alarm that moved it
    /// meanwhile keeps the last word.
    async fn rewrite(&mut self, chunk: &[(i64, StoredClock)]) -> Result<u64> {
        // The requests first, in id order, as an action locks a request before its
        // clocks: their `pressing_at` is written after the clocks, and taking the
        // clocks first could deadlock with an action holding the request.
        let requests = requests_of(chunk);
        sqlx::query("SELECT id FROM requests WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
            .bind(&requests)
            .execute(&mut *self)
            .await?;
        // One array a column, in the chunk's order.
        fn each<T>(chunk: &[(i64, StoredClock)], f: impl Fn(&StoredClock) -> T) -> Vec<T> {
            chunk.iter().map(|(_, stored)| f(stored)).collect()
        }
        let done = sqlx::query(
            "UPDATE request_slas SET allowed_micros = v.allowed, calendar_time = v.calendar_time, \
             warn_at = v.warn_at, due_at = v.due_at, schedule = v.schedule, \
             next_alarm_at = v.next_alarm_at, breached_at = v.breached_at \
             FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::boolean[], $5::text[], \
             $6::bigint[], $7::text[], $8::bigint[], $9::integer[], $10::bigint[], \
             $11::bigint[], $12::text[], $13::bigint[]) AS v (request_id, target, allowed, \
             calendar_time, warn_at, due_at, schedule, next_alarm_at, cycle, used, \
             running_since, raised, breached_at) \
             WHERE request_slas.request_id = v.request_id AND request_slas.target = v.target \
             AND request_slas.stopped_at IS NULL AND request_slas.cycle = v.cycle \
             AND request_slas.used_micros = v.used \
             AND request_slas.running_since IS NOT DISTINCT FROM v.running_since \
             AND request_slas.raised = v.raised",
        )
        .bind(chunk.iter().map(|(id, _)| *id).collect::<Vec<i64>>())
        .bind(each(chunk, |s| s.clock.target.as_str()))
        .bind(each(chunk, |s| s.clock.allowed.as_micros() as i64))
        .bind(each(chunk, |s| s.calendar_time))
        .bind(each(chunk, StoredClock::warn_at_json))
        .bind(each(chunk, |s| s.clock.due_at.map(to_micros)))
        .bind(each(chunk, StoredClock::schedule_json))
        .bind(each(chunk, |s| s.next_alarm_at().map(to_micros)))
        .bind(each(chunk, |s| s.clock.cycle))
        .bind(each(chunk, |s| s.clock.used.as_micros() as i64))
        .bind(each(chunk, |s| s.clock.running_since.map(to_micros)))
        .bind(each(chunk, StoredClock::raised_json))
        .bind(each(chunk, |s| s.clock.breached_at.map(to_micros)))
        .execute(&mut *self)
        .await?;
        self.refresh_pressing(&requests).await?;
        Ok(done.rows_affected())
    }
}

/// The requests of a chunk of clocks, each once, in id order.
fn requests_of(chunk: &[(i64, StoredClock)]) -> Vec<i64> {
    let mut ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Binds one clock's row to a `push_values` builder of either engine.
macro_rules! push_clock {
    ($b:expr, $request_id:expr, $stored:expr) => {{
        let stored: &$crate::slas::StoredClock = $stored;
        let c = &stored.clock;
        $b.push_bind($request_id)
            .push_bind(c.target.as_str())
            .push_bind(c.allowed.as_micros() as i64)
            .push_bind(c.used.as_micros() as i64)
            .push_bind(c.running_since.map($crate::to_micros))
            .push_bind(c.due_at.map($crate::to_micros))
            .push_bind(c.stopped_at.map($crate::to_micros))
            .push_bind(c.cycle)
            .push_bind(stored.calendar_time)
            .push_bind(stored.warn_at_json())
            .push_bind(stored.schedule_json())
            .push_bind(stored.next_alarm_at().map($crate::to_micros))
            .push_bind(stored.raised_json())
            .push_bind(c.breached_at.map($crate::to_micros));
    }};
}
pub(crate) use push_clock;

/// What moving the clocks writes: the clocks (with their alarms) and the events of
/// their moves.
#[derive(Debug, Clone, Default)]
pub struct ClockWrite {
    pub clocks: Vec<StoredClock>,
    pub events: Vec<RequestEvent>,
}

impl ClockWrite {
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
            let mut stored = StoredClock {
                clock,
                calendar_time: policy.calendar_time,
                warn_at: policy.warn_at.clone(),
                schedule: Vec::new(),
                raised: Vec::new(),
            };
            stored.reschedule(time)?;
            write.events.push(RequestEvent::ClockStarted { target });
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
            let (before, cycle) = (stored.clock.phase(), stored.clock.cycle);
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
            let target = stored.clock.target;
            let after = stored.clock.phase();
            let event = if stored.clock.cycle != cycle {
                // A new cycle raises its own alarms.
                stored.raised.clear();
                Some(RequestEvent::ClockRestarted {
                    target,
                    from: before,
                })
            } else if after == before {
                None
            } else {
                Some(match after {
                    Phase::Running => RequestEvent::ClockResumed {
                        target,
                        from: before,
                    },
                    Phase::Paused => RequestEvent::ClockPaused { target },
                    Phase::Stopped => RequestEvent::ClockStopped {
                        target,
                        from: before,
                    },
                })
            };
            write.events.extend(event);
            stored.reschedule(time)?;
            write.clocks.push(stored);
        }
        Ok(write)
    }
}

/// Reads a request's clocks (outside any transaction, for display).
pub async fn of_request(db: &Db, request_id: i64) -> Result<Vec<StoredClock>> {
    let sql = select_clocks(db.engine(), false);
    let rows: Vec<ClockRow> = on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(ClockRow::decode).collect()
}

/// The clocks of several requests (for lists), by request id.
pub async fn of_requests(
    db: &Db,
    request_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<StoredClock>>> {
    let mut by_request: std::collections::HashMap<i64, Vec<StoredClock>> = Default::default();
    if request_ids.is_empty() {
        return Ok(by_request);
    }
    let mut sql = Sql::new(&format!(
        "SELECT request_id, {CLOCK_COLUMNS} FROM request_slas WHERE request_id IN "
    ));
    sql.ints(request_ids).push(" ORDER BY request_id, target");
    #[derive(sqlx::FromRow)]
    struct Of {
        request_id: i64,
        #[sqlx(flatten)]
        clock: ClockRow,
    }
    let rows: Vec<Of> = on_read!(db, |pool| bind_all!(
        sqlx::query_as(sqlx::AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?);
    for row in rows {
        by_request
            .entry(row.request_id)
            .or_default()
            .push(row.clock.decode()?);
    }
    Ok(by_request)
}

/// An alarm whose moment came, claimed by [`raise_due`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub request_id: i64,
    pub target: Target,
    pub alarm: Alarm,
    /// When its moment fell.
    pub due_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    request_id: i64,
    next_alarm_at: i64,
    #[sqlx(flatten)]
    clock: ClockRow,
}

fn due_sql(engine: Engine) -> String {
    // Another server's claim in flight is skipped, not waited for.
    let lock = match engine {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    format!(
        "SELECT request_id, next_alarm_at, {CLOCK_COLUMNS} FROM request_slas \
         WHERE next_alarm_at <= $1 ORDER BY next_alarm_at, request_id, target LIMIT $2{lock}"
    )
}

/// Claims up to `limit` clocks whose alarms are due by `now`; returns the alarms claimed
/// (grouped by clock, earliest clock first) and the open transaction, in which the
/// caller records what they cause and which it commits. A clock is claimed by moving its
/// schedule on, conditionally on the schedule it was read with: each alarm is raised
/// exactly once, whatever the number of servers.
#[tracing::instrument(name = "store.claim_due", skip_all, level = "debug")]
pub async fn claim_due(db: &Db, now: Timestamp, limit: i64) -> Result<(Tx, Vec<Due>)> {
    let due = due_sql(db.engine());
    let at = to_micros(now);
    let mut tx = db.begin().await?;
    let rows: Vec<DueRow> = on_tx!(&mut tx, |conn| sqlx::query_as(sqlx::AssertSqlSafe(due))
        .bind(at)
        .bind(limit)
        .fetch_all(conn)
        .await?);
    let mut all = Vec::new();
    for row in rows {
        let mut stored = row.clock.decode()?;
        let raising: Vec<(Alarm, Timestamp)> = stored
            .schedule
            .iter()
            .copied()
            .take_while(|(_, when)| *when <= now)
            .collect();
        stored.schedule.drain(..raising.len());
        stored
            .raised
            .extend(raising.iter().map(|(alarm, _)| *alarm));
        let claimed = on_tx!(&mut tx, |conn| sqlx::query(
            "UPDATE request_slas SET schedule = $3, next_alarm_at = $4, raised = $5 \
             WHERE request_id = $1 AND target = $2 AND next_alarm_at = $6",
        )
        .bind(row.request_id)
        .bind(stored.clock.target.as_str())
        .bind(stored.schedule_json())
        .bind(stored.next_alarm_at().map(to_micros))
        .bind(stored.raised_json())
        .bind(row.next_alarm_at)
        .execute(conn)
        .await?
        .rows_affected());
        if claimed == 0 {
            // Another server got there first.
            continue;
        }
        all.extend(raising.into_iter().map(|(alarm, due_at)| Due {
            request_id: row.request_id,
            target: stored.clock.target,
            alarm,
            due_at,
        }));
    }
    Ok((tx, all))
}

/// The clocks of requests still being worked (not resolved or closed) that a change
/// can move: of one service, or of requests provided by some departments.
#[derive(Debug, Clone)]
pub enum Scope {
    Service(i64),
    Departments(Vec<i64>),
}

/// An open clock as a recompute reads it: from rows on PostgreSQL, from JSON arrays
/// `[request_id, priority, [clock columns…]]` on SQLite.
#[derive(sqlx::FromRow, serde::Deserialize)]
struct ScopedClockRow {
    request_id: i64,
    priority: i16,
    #[sqlx(flatten)]
    clock: ClockRow,
}

type Batch = Vec<ScopedClockRow>;

/// Recomputes the due times and alarms of the open requests in `scope` after their
/// calendar or policy changed. `adjust` may change a clock's settings first (a new
/// policy's allowed time, warnings and kind of time); nothing else of a clock is
/// written. Works in multi-row statements, so that 100,000 requests take about a
/// second, not minutes. Returns how many clocks it rewrote: those whose due time,
/// alarms or settings changed and that no event moved meanwhile.
#[tracing::instrument(name = "store.recompute", skip_all, level = "debug", fields(?scope))]
pub async fn recompute(
    db: &Db,
    scope: Scope,
    time: &Timekeeping,
    adjust: impl Fn(Priority, &mut StoredClock),
) -> Result<u64> {
    if matches!(&scope, Scope::Departments(ids) if ids.is_empty()) {
        return Ok(0);
    }
    let plan = |row: ScopedClockRow| -> Result<Option<(i64, StoredClock)>> {
        let priority = Priority::from_rank(row.priority)
            .ok_or_else(|| StoreError::Corrupt(format!("request {} priority", row.request_id)))?;
        let before = row.clock.decode()?;
        let mut stored = before.clone();
        adjust(priority, &mut stored);
        if let Some(since) = stored.clock.running_since {
            let work = time.work(stored.calendar_time);
            let left = (stored.clock.allowed - stored.clock.used).max(SignedDuration::ZERO);
            stored.clock.due_at = Some(work.after(since, left).map_err(calendar_error)?);
        }
        stored.reschedule(time)?;
        Ok((stored != before).then_some((row.request_id, stored)))
    };
    let engine = db.engine();
    let writers = match engine {
        Engine::Sqlite => 1,
        Engine::Postgres => RECOMPUTE_WRITERS,
    };
    on_write!(db, |pool| {
        // SQLite: the write lock first, so that nothing moves a clock between its
        // reading and its rewriting (see RewriteClocks for PostgreSQL).
        // One connection stays for the reading.
        let spare = pool.options().get_max_connections().saturating_sub(1) as usize;
        let writers = writers.min(spare).max(1);
        let mut transactions = Vec::with_capacity(writers);
        for _ in 0..writers {
            transactions.push(
                pool.begin_with(match engine {
                    Engine::Sqlite => "BEGIN IMMEDIATE",
                    Engine::Postgres => "BEGIN",
                })
                .await?,
            );
        }
        // The clocks arrive from a reading connection, read and decoded by a task of
        // their own, while this task plans them and the writers rewrite them, a chunk
        // each in turn.
        let (batches, arriving) = tokio::sync::mpsc::channel::<Result<Batch>>(4);
        let reader = db.clone();
        let read = tokio::spawn(async move {
            if let Err(e) = read_open_clocks(&reader, &scope, &batches).await {
                let _ = batches.send(Err(e)).await;
            }
        });
        let mut chunks = Vec::with_capacity(writers);
        let mut written = Vec::with_capacity(writers);
        for mut tx in transactions {
            let (send, mut receive) = tokio::sync::mpsc::channel::<Vec<(i64, StoredClock)>>(2);
            chunks.push(send);
            written.push(async move {
                let mut count = 0u64;
                while let Some(chunk) = receive.recv().await {
                    count += RewriteClocks::rewrite(&mut *tx, &chunk).await?;
                }
                Ok::<_, StoreError>((tx, count))
            });
        }
        let planned = async {
            // Owned by this future, so that a failed plan lets the reading end too, and
            // its end tells the writers that there is no more.
            let (mut arriving, chunks) = (arriving, chunks);
            // A request's clocks all go to the same writer, which locks the request
            // before its clocks (see RewriteClocks): two writers never wait on each
            // other's rows, which only their commits at the very end would release.
            let mut pending: Vec<Vec<(i64, StoredClock)>> = vec![Vec::new(); chunks.len()];
            while let Some(batch) = arriving.recv().await {
                for row in batch? {
                    let Some((id, stored)) = plan(row)? else {
                        continue;
                    };
                    let writer = id.rem_euclid(chunks.len() as i64) as usize;
                    pending[writer].push((id, stored));
                    // 2,000 clocks a statement: 18,000 values on SQLite, within its limit.
                    if pending[writer].len() == RECOMPUTE_CHUNK {
                        let full = std::mem::take(&mut pending[writer]);
                        if chunks[writer].send(full).await.is_err() {
                            // That writer failed: its error is the answer.
                            return Ok(());
                        }
                    }
                }
            }
            for (writer, rest) in pending.into_iter().enumerate() {
                if !rest.is_empty() && chunks[writer].send(rest).await.is_err() {
                    return Ok(());
                }
            }
            Ok::<_, StoreError>(())
        };
        let (read, planned, written) =
            tokio::join!(read, planned, futures_util::future::try_join_all(written));
        let written = written?;
        planned?;
        // The rewrite is committed only when the reading ended without an error, and
        // only when every writer's part succeeded (each clock's rewrite stands alone,
        // so that a failure between two commits leaves clocks that a new recompute
        // finds correct and skips).
        read.map_err(|e| StoreError::Corrupt(format!("reading the open clocks failed: {e}")))?;
        let mut count = 0;
        for (tx, rewritten) in written {
            tx.commit().await?;
            count += rewritten;
        }
        Ok(count)
    })
}

/// Transactions that rewrite a recompute's clocks at once on PostgreSQL, each on its
/// own connection (one per core of the machine measured: the rewriting is the server's
/// work, 11 µs a clock, and one connection left a core idle).
const RECOMPUTE_WRITERS: usize = 2;

/// Sends the clocks of the open requests in `scope` to `batches`, a batch at a time;
/// stops early when the receiver is gone.
async fn read_open_clocks(
    db: &Db,
    scope: &Scope,
    batches: &tokio::sync::mpsc::Sender<Result<Batch>>,
) -> Result<()> {
    let in_scope = |sql: &mut Sql| {
        sql.push("r.status NOT IN ('resolved', 'closed') AND ");
        match scope {
            Scope::Service(id) => sql.push("r.service_id = ").int(*id),
            Scope::Departments(ids) => sql.push("r.provider_department_id IN ").ints(ids),
        };
    };
    match db {
        Db::Sqlite { read, .. } => {
            // sqlx hands SQLite's rows over one at a time from the connection's own
            // thread, which for 200,000 clocks costs more than the recompute itself.
            // So each query returns one row: first the ids of the open requests in
            // scope (found through the scope's index), then, RECOMPUTE_PAGE requests
            // at a time, their clocks, each as a JSON array. CROSS JOIN keeps SQLite
            // starting from the page's ids rather than from all clocks.
            let mut sql =
                Sql::new("SELECT json_group_array(id) FROM (SELECT r.id FROM requests AS r WHERE ");
            in_scope(&mut sql);
            sql.push(" ORDER BY r.id)");
            let ids: String = bind_all!(
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.text)),
                &sql.params
            )
            .fetch_one(read)
            .await?;
            let ids: Vec<i64> = serde_json::from_str(&ids)
                .map_err(|e| StoreError::Corrupt(format!("request ids read back: {e}")))?;
            let clocks_of_page = format!(
                "SELECT json_group_array(json_array(r.id, r.priority, json_array({}))) \
                 FROM json_each($1) AS page CROSS JOIN requests AS r ON r.id = page.value \
                 CROSS JOIN request_slas AS s ON s.request_id = r.id WHERE s.stopped_at IS NULL",
                clock_columns("s")
            );
            for page in ids.chunks(RECOMPUTE_PAGE) {
                let page = serde_json::to_string(page)
                    .map_err(|e| StoreError::Corrupt(format!("request ids: {e}")))?;
                let clocks: String =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(clocks_of_page.as_str()))
                        .bind(page)
                        .fetch_one(read)
                        .await?;
                let batch = serde_json::from_str(&clocks)
                    .map_err(|e| StoreError::Corrupt(format!("SLA clocks read back: {e}")))?;
                if batches.send(Ok(batch)).await.is_err() {
                    return Ok(());
                }
            }
            Ok(())
        }
        Db::Postgres { pool, .. } => {
            let mut sql = Sql::new(&format!(
                "SELECT s.request_id, r.priority, {} FROM request_slas s \
                 JOIN requests r ON r.id = s.request_id WHERE s.stopped_at IS NULL AND ",
                clock_columns("s")
            ));
            in_scope(&mut sql);
            let mut rows = bind_all!(
                sqlx::query_as::<_, ScopedClockRow>(sqlx::AssertSqlSafe(sql.text)),
                &sql.params
            )
            .fetch(pool);
            let mut batch = Vec::with_capacity(RECOMPUTE_CHUNK);
            while let Some(row) = futures_util::TryStreamExt::try_next(&mut rows).await? {
                batch.push(row);
                if batch.len() == RECOMPUTE_CHUNK {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(RECOMPUTE_CHUNK));
                    if batches.send(Ok(full)).await.is_err() {
                        return Ok(());
                    }
                }
            }
            if !batch.is_empty() {
                let _ = batches.send(Ok(batch)).await;
            }
            Ok(())
        }
    }
}

/// Clocks rewritten per statement.
const RECOMPUTE_CHUNK: usize = 2_000;
/// Requests whose clocks SQLite reads per query.
const RECOMPUTE_PAGE: usize = 1_000;

/// The longest business time a target of `departments` allows: of their open requests'
/// running or paused clocks, and of their services' policies. None when they have none.
pub async fn longest_allowed(db: &Db, departments: &[i64]) -> Result<Option<SignedDuration>> {
    if departments.is_empty() {
        return Ok(None);
    }
    let mut sql = Sql::new(
        "SELECT MAX(m) FROM (SELECT MAX(s.allowed_micros) AS m FROM request_slas s \
         JOIN requests r ON r.id = s.request_id WHERE s.stopped_at IS NULL \
         AND NOT s.calendar_time AND r.provider_department_id IN ",
    );
    sql.ints(departments).push(
        " UNION ALL SELECT MAX(60000000 * CASE \
         WHEN COALESCE(p.first_response_minutes, 0) >= COALESCE(p.resolution_minutes, 0) \
          AND COALESCE(p.first_response_minutes, 0) >= COALESCE(p.next_update_minutes, 0) \
          THEN COALESCE(p.first_response_minutes, 0) \
         WHEN COALESCE(p.resolution_minutes, 0) >= COALESCE(p.next_update_minutes, 0) \
          THEN COALESCE(p.resolution_minutes, 0) \
         ELSE COALESCE(p.next_update_minutes, 0) END) AS m \
         FROM sla_policies p JOIN services v ON v.id = p.service_id \
         WHERE NOT p.calendar_time AND v.department_id IN ",
    );
    sql.ints(departments).push(") longest");
    let micros: Option<i64> = on_read!(db, |pool| bind_all!(
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_one(pool)
    .await?);
    Ok(micros.map(SignedDuration::from_micros))
}
