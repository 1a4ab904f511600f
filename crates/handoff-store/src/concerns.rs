//! Concerns about how a department serves its customers. Ids are random and an anonymous
//! concern has no author and only its day: see the migration `0008_feedback`.

use handoff_domain::feedback::concern::ConcernState;
use sqlx::AssertSqlSafe;

use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Concern {
    pub id: i64,
    pub about_department_id: i64,
    pub raised_by_id: Option<i64>,
    /// The department it comes from, when known (see the migration `0010_health`).
    pub customer_department_id: Option<i64>,
    pub raised_on: String,
    pub problem: String,
    pub proposal: String,
    pub state: String,
    pub action: Option<String>,
    pub due_at: i64,
    pub next_alarm_at: Option<i64>,
    pub warned: bool,
    pub breached: bool,
    pub announced: bool,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<i64>,
    pub reopened_at: Option<i64>,
}

impl Concern {
    pub fn state(&self) -> Result<ConcernState> {
        ConcernState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("concern {} state", self.id)))
    }
}

const COLUMNS: &str = "id, about_department_id, raised_by_id, customer_department_id, raised_on, problem, proposal, \
     state, action, due_at, next_alarm_at, warned, breached, announced, acknowledged_by, \
     acknowledged_at, answered_by, answered_at, resolved_by, resolved_at, reopened_at";

/// Writes a new concern (its id chosen by the caller, at random).
pub async fn insert(tx: &mut Tx, c: &Concern) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO concerns (id, about_department_id, raised_by_id, raised_on, problem, \
         proposal, state, due_at, next_alarm_at, announced, customer_department_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(c.id)
    .bind(c.about_department_id)
    .bind(c.raised_by_id)
    .bind(&c.raised_on)
    .bind(&c.problem)
    .bind(&c.proposal)
    .bind(&c.state)
    .bind(c.due_at)
    .bind(c.next_alarm_at)
    .bind(c.announced)
    .bind(c.customer_department_id)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn get(db: &Db, id: i64) -> Result<Concern> {
    let select = format!("SELECT {COLUMNS} FROM concerns WHERE id = $1");
    let found: Option<Concern> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Reads a concern to change it (locked on PostgreSQL).
pub async fn lock(tx: &mut Tx, id: i64) -> Result<Concern> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    };
    let select = format!("SELECT {COLUMNS} FROM concerns WHERE id = $1{lock}");
    let found: Option<Concern> = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(conn)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Writes what changes of a concern as it moves.
pub async fn save(tx: &mut Tx, c: &Concern) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE concerns SET state = $2, action = $3, due_at = $4, next_alarm_at = $5, \
         warned = $6, breached = $7, announced = $8, acknowledged_by = $9, \
         acknowledged_at = $10, answered_by = $11, answered_at = $12, resolved_by = $13, \
         resolved_at = $14, reopened_at = $15 WHERE id = $1"
    )
    .bind(c.id)
    .bind(&c.state)
    .bind(&c.action)
    .bind(c.due_at)
    .bind(c.next_alarm_at)
    .bind(c.warned)
    .bind(c.breached)
    .bind(c.announced)
    .bind(c.acknowledged_by)
    .bind(c.acknowledged_at)
    .bind(c.answered_by)
    .bind(c.answered_at)
    .bind(c.resolved_by)
    .bind(c.resolved_at)
    .bind(c.reopened_at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// Which concerns a list shows.
#[derive(Debug, Clone, Default)]
pub struct ConcernFilter {
    pub about_department_id: Option<i64>,
    pub states: Vec<ConcernState>,
    /// Who reads: admins see all; others the concerns about their department and the
    /// ones they raised.
    pub person_id: i64,
    pub department_id: i64,
    pub admin: bool,
}

/// Concerns newest day first, then by id, after the cursor `(raised_on, id)`.
pub async fn list(
    db: &Db,
    filter: &ConcernFilter,
    after: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<Concern>> {
    let states: Vec<&str> = filter.states.iter().map(|s| s.as_str()).collect();
    let state_list = if states.is_empty() {
        String::new()
    } else {
        // The states are the domain's own names, never input text.
        let quoted: Vec<String> = states.iter().map(|s| format!("'{s}'")).collect();
        format!(" AND state IN ({})", quoted.join(", "))
    };
    let (after_day, after_id) = after.unwrap_or(("9999-12-31", i64::MAX));
    let select = format!(
        "SELECT {COLUMNS} FROM concerns WHERE ($1 IS NULL OR about_department_id = $1) \
         AND ($2 OR about_department_id = $3 OR raised_by_id = $4){state_list} \
         AND (raised_on < $5 OR (raised_on = $5 AND id < $6)) \
         ORDER BY raised_on DESC, id DESC LIMIT $7"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(filter.about_department_id)
        .bind(filter.admin)
        .bind(filter.department_id)
        .bind(filter.person_id)
        .bind(after_day)
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// Concerns whose next alarm is due by `now`, locked for this worker (skipping the ones
/// another holds, on PostgreSQL).
pub async fn claim_due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<Concern>> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let select = format!(
        "SELECT {COLUMNS} FROM concerns WHERE next_alarm_at IS NOT NULL AND next_alarm_at <= $1 \
         ORDER BY next_alarm_at LIMIT $2{lock}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?))
}

/// Concerns not yet announced to their department's managers, raised before `day`.
pub async fn claim_unannounced(tx: &mut Tx, day: &str, limit: i64) -> Result<Vec<Concern>> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let select = format!(
        "SELECT {COLUMNS} FROM concerns WHERE NOT announced AND raised_on < $1 \
         ORDER BY raised_on, id LIMIT $2{lock}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(day)
        .bind(limit)
        .fetch_all(conn)
        .await?))
}

/// How many concerns about `department` wait on an answer.
pub async fn waiting(db: &Db, department: i64) -> Result<i64> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM concerns WHERE about_department_id = $1 \
         AND state IN ('raised', 'acknowledged', 'reopened')"
    )
    .bind(department)
    .fetch_one(pool)
    .await?))
}

/// Whether any concern has an alarm due by `now` or waits to be announced (raised
/// before `day`): read first, so that an idle worker takes no write lock.
pub async fn anything_due(db: &Db, now: i64, day: &str) -> Result<bool> {
    let found: Option<i64> = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM concerns WHERE (next_alarm_at IS NOT NULL AND next_alarm_at <= $1) \
         OR (NOT announced AND raised_on < $2) LIMIT 1"
    )
    .bind(now)
    .bind(day)
    .fetch_optional(pool)
    .await?);
    Ok(found.is_some())
}
