//! Departments: the organisation's units, in a hierarchy.

use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use crate::{Db, Result, StoreError, Tx, from_micros, on_read, on_tx, to_micros};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub parent_id: Option<i64>,
    /// The business calendar its SLAs count in; none means calendar time.
    pub calendar_id: Option<i64>,
    pub created_at: i64,
}

impl Department {
    pub fn created(&self) -> Timestamp {
        from_micros(self.created_at)
    }
}

pub struct NewDepartment<'a> {
    pub name: &'a str,
    pub handle: &'a str,
    pub parent_id: Option<i64>,
}

const COLUMNS: &str = "id, name, handle, parent_id, calendar_id, created_at";

pub async fn create(db: &Db, new: &NewDepartment<'_>, now: Timestamp) -> Result<Department> {
    let mut tx = db.begin().await?;
    let department = insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(department)
}

/// Creates a department inside the caller's transaction (an import creates many in one).
pub async fn insert(tx: &mut Tx, new: &NewDepartment<'_>, now: Timestamp) -> Result<Department> {
    // Without a condition the insert always answers its row (as `fetch_one` would).
    insert_if(tx, new, now, false)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Creates the organisation's first department; `None`, writing nothing, when the
/// database already has a department.
pub async fn create_first(
    db: &Db,
    new: &NewDepartment<'_>,
    now: Timestamp,
) -> Result<Option<Department>> {
    let mut tx = db.begin().await?;
    let department = insert_if(&mut tx, new, now, true).await?;
    tx.commit().await?;
    Ok(department)
}

/// The one insert of a department; with `only_first`, only into an organisation that
/// has none yet (checked in the statement itself).
async fn insert_if(
    tx: &mut Tx,
    new: &NewDepartment<'_>,
    now: Timestamp,
    only_first: bool,
) -> Result<Option<Department>> {
    let condition = if only_first {
        " WHERE NOT EXISTS (SELECT 1 FROM departments)"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO departments (name, handle, parent_id, created_at) \
         SELECT $1, $2, $3, $4{condition} RETURNING {COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(new.name)
        .bind(new.handle)
        .bind(new.parent_id)
        .bind(to_micros(now))
        .fetch_optional(conn)
        .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Department> {
    let sql = format!("SELECT {COLUMNS} FROM departments WHERE id = $1");
    on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
    .ok_or(StoreError::NotFound)
}

pub async fn find_by_handle(db: &Db, handle: &str) -> Result<Department> {
    let sql = format!("SELECT {COLUMNS} FROM departments WHERE handle = $1");
    on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(handle)
        .fetch_optional(pool)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// Departments with an id above `after`, in id order.
pub async fn list(db: &Db, after: i64, limit: i64) -> Result<Vec<Department>> {
    let sql = format!("SELECT {COLUMNS} FROM departments WHERE id > $1 ORDER BY id LIMIT $2");
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// Every department, in id order (an organisation has hundreds at most).
pub async fn all(db: &Db) -> Result<Vec<Department>> {
    list(db, 0, i64::MAX).await
}

/// Every department's parent, to check the hierarchy for loops.
pub async fn parents(db: &Db) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, parent_id FROM departments"
    )
    .fetch_all(pool)
    .await?))
}

#[derive(Default)]
pub struct DepartmentChanges<'a> {
    pub name: Option<&'a str>,
    pub handle: Option<&'a str>,
    pub parent_id: Option<Option<i64>>,
    pub calendar_id: Option<Option<i64>>,
}

/// Changes a department inside the caller's transaction (a change of calendar enqueues
/// a recompute in the same transaction).
pub async fn update(tx: &mut Tx, id: i64, changes: &DepartmentChanges<'_>) -> Result<Department> {
    let sql = format!(
        "UPDATE departments SET name = COALESCE($2, name), handle = COALESCE($3, handle), \
         parent_id = CASE WHEN $4 THEN $5 ELSE parent_id END, \
         calendar_id = CASE WHEN $6 THEN $7 ELSE calendar_id END WHERE id = $1 RETURNING {COLUMNS}"
    );
    on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(changes.name)
        .bind(changes.handle)
        .bind(changes.parent_id.is_some())
        .bind(changes.parent_id.flatten())
        .bind(changes.calendar_id.is_some())
        .bind(changes.calendar_id.flatten())
        .fetch_optional(conn)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// Names of the departments among `ids`, by id.
pub async fn names(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
    crate::sql::names_by_id(db, "departments", ids).await
}
