//! Business calendars: a department's working week and holidays, stored as the JSON
//! definition users write and compiled by the domain when needed.

use handoff_domain::calendar::CalendarSpec;
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use crate::{Db, Result, StoreError, Tx, on_read, on_tx, on_write, to_micros};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredCalendar {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub spec: CalendarSpec,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: i64,
    pub(crate) department_id: i64,
    pub(crate) name: String,
    pub(crate) spec: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl Row {
    pub(crate) fn decode(self) -> Result<StoredCalendar> {
        let spec = serde_json::from_str(&self.spec)
            .map_err(|e| StoreError::Corrupt(format!("calendar {}: {e}", self.id)))?;
        Ok(StoredCalendar {
            id: self.id,
            department_id: self.department_id,
            name: self.name,
            spec,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const COLUMNS: &str = "id, department_id, name, spec, created_at, updated_at";

fn spec_json(spec: &CalendarSpec) -> String {
    // Plain data always serialises.
    serde_json::to_string(spec).unwrap_or_default()
}

pub async fn create(
    db: &Db,
    department_id: i64,
    name: &str,
    spec: &CalendarSpec,
    now: Timestamp,
) -> Result<StoredCalendar> {
    let sql = format!(
        "INSERT INTO calendars (department_id, name, spec, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING {COLUMNS}"
    );
    let row: Row = on_write!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(department_id)
        .bind(name)
        .bind(spec_json(spec))
        .bind(to_micros(now))
        .fetch_one(pool)
        .await?);
    row.decode()
}

pub async fn get(db: &Db, id: i64) -> Result<StoredCalendar> {
    let sql = format!("SELECT {COLUMNS} FROM calendars WHERE id = $1");
    let row: Option<Row> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    row.ok_or(StoreError::NotFound)?.decode()
}

pub async fn list(
    db: &Db,
    department_id: Option<i64>,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredCalendar>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM calendars WHERE id > $1 AND ($2 IS NULL OR department_id = $2) \
         ORDER BY id LIMIT $3"
    );
    let rows: Vec<Row> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(after)
        .bind(department_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(Row::decode).collect()
}

/// Changes a calendar inside the caller's transaction (which enqueues the recompute of
/// the clocks it moves).
pub async fn update(
    tx: &mut Tx,
    id: i64,
    name: Option<&str>,
    spec: Option<&CalendarSpec>,
    now: Timestamp,
) -> Result<StoredCalendar> {
    let sql = format!(
        "UPDATE calendars SET name = COALESCE($2, name), spec = COALESCE($3, spec), updated_at = $4 \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    let row: Option<Row> = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(name)
        .bind(spec.map(spec_json))
        .bind(to_micros(now))
        .fetch_optional(conn)
        .await?);
    row.ok_or(StoreError::NotFound)?.decode()
}

/// The calendar a department's SLAs count in, if it has one.
pub async fn of_department(db: &Db, department_id: i64) -> Result<Option<StoredCalendar>> {
    let sql = "SELECT c.id, c.department_id, c.name, c.spec, c.created_at, c.updated_at \
         FROM departments d JOIN calendars c ON c.id = d.calendar_id WHERE d.id = $1";
    let row: Option<Row> = on_read!(db, |pool| sqlx::query_as(sql)
        .bind(department_id)
        .fetch_optional(pool)
        .await?);
    row.map(Row::decode).transpose()
}

/// The departments whose SLAs count in the calendar.
pub async fn departments_using(db: &Db, calendar_id: i64) -> Result<Vec<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM departments WHERE calendar_id = $1 ORDER BY id"
    )
    .bind(calendar_id)
    .fetch_all(pool)
    .await?))
}
