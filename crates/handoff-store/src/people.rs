//! People: employees, each with a home department and a role.

use std::collections::HashMap;

use handoff_domain::access::Actor;
use handoff_domain::org::Role;
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use crate::db::BeginWrite;
use crate::sql::{Sql, bind_all};
use crate::{Db, Result, StoreError, Tx, on_read, on_tx, on_write, to_micros};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department_id: i64,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

impl Person {
    pub fn role(&self) -> Result<Role> {
        Role::parse(&self.role).ok_or_else(|| StoreError::Corrupt(format!("role {}", self.role)))
    }

    /// The person as the actor of what they do.
    pub fn actor(&self) -> Result<Actor> {
        Ok(Actor {
            person_id: self.id,
            department_id: self.department_id,
            role: self.role()?,
        })
    }
}

pub struct NewPerson<'a> {
    pub name: &'a str,
    /// Already lowercased.
    pub email: &'a str,
    pub department_id: i64,
    pub role: Role,
}

const COLUMNS: &str = "id, name, email, department_id, role, active, created_at";

pub async fn create(db: &Db, new: &NewPerson<'_>, now: Timestamp) -> Result<Person> {
    let mut tx = db.begin().await?;
    let person = insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(person)
}

/// Creates a person inside the caller's transaction (an import creates many in one).
pub async fn insert(tx: &mut Tx, new: &NewPerson<'_>, now: Timestamp) -> Result<Person> {
    let sql = format!(
        "INSERT INTO people (name, email, department_id, role, active, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING {COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(new.name)
        .bind(new.email)
        .bind(new.department_id)
        .bind(new.role.as_str())
        .bind(to_micros(now))
        .fetch_one(conn)
        .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Person> {
    let sql = format!("SELECT {COLUMNS} FROM people WHERE id = $1");
    on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
    .ok_or(StoreError::NotFound)
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Person> {
    let sql = format!("SELECT {COLUMNS} FROM people WHERE email = $1");
    on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(email.trim().to_lowercase())
        .fetch_optional(pool)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// The stored password hash of the active person with this e-mail, for signing in.
pub async fn sign_in_facts(db: &Db, email: &str) -> Result<Option<(i64, Option<String>)>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, password_hash FROM people WHERE email = $1 AND active"
    )
    .bind(email.trim().to_lowercase())
    .fetch_optional(pool)
    .await?))
}

/// Sets a person's password hash (an Argon2 PHC string) and ends their sessions.
pub async fn set_password_hash(db: &Db, id: i64, hash: &str) -> Result<()> {
    let done = on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query("UPDATE people SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        done
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Gives every person without a password this one (demo data only).
pub async fn set_missing_password_hashes(db: &Db, hash: &str) -> Result<u64> {
    Ok(on_write!(db, |pool| sqlx::query(
        "UPDATE people SET password_hash = $1 WHERE password_hash IS NULL"
    )
    .bind(hash)
    .execute(pool)
    .await?
    .rows_affected()))
}

/// Sets or clears (`None`) the zone a person's pages show times in.
pub async fn set_time_zone(db: &Db, id: i64, zone: Option<&str>) -> Result<()> {
    on_write!(db, |pool| sqlx::query(
        "UPDATE people SET time_zone = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(zone)
    .execute(pool)
    .await?
    .rows_affected());
    Ok(())
}

/// Names of the people among `ids`, by id.
pub async fn names(db: &Db, ids: &[i64]) -> Result<HashMap<i64, String>> {
    crate::sql::names_by_id(db, "people", ids).await
}

/// Which of `ids` are active people, in `department` when given.
pub async fn active_among(db: &Db, ids: &[i64], department: Option<i64>) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id FROM people WHERE active AND id IN ");
    sql.ints(ids);
    if let Some(department) = department {
        sql.push(" AND department_id = ").int(department);
    }
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_scalar(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

#[derive(Debug, Default)]
pub struct PeopleFilter {
    pub department_id: Option<i64>,
    pub active: Option<bool>,
    /// Matches the start of the name or the e-mail, ignoring case.
    pub q: Option<String>,
}

pub async fn list(db: &Db, filter: &PeopleFilter, after: i64, limit: i64) -> Result<Vec<Person>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM people WHERE id > "));
    sql.int(after);
    if let Some(department) = filter.department_id {
        sql.push(" AND department_id = ").int(department);
    }
    if let Some(active) = filter.active {
        sql.push(if active {
            " AND active"
        } else {
            " AND NOT active"
        });
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("{}%", q.to_lowercase().replace(['%', '_', '\\'], ""));
        sql.push(" AND (LOWER(name) LIKE ").text(pattern.clone());
        sql.push(" OR email LIKE ").text(pattern).push(")");
    }
    sql.push(" ORDER BY id LIMIT ").int(limit);
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

#[derive(Default)]
pub struct PersonChanges<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub department_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

pub async fn update(db: &Db, id: i64, changes: &PersonChanges<'_>) -> Result<Person> {
    let mut tx = db.begin().await?;
    let person = change(&mut tx, id, changes).await?;
    tx.commit().await?;
    Ok(person)
}

/// Changes a person inside the caller's transaction.
pub async fn change(tx: &mut Tx, id: i64, changes: &PersonChanges<'_>) -> Result<Person> {
    let sql = format!(
        "UPDATE people SET name = COALESCE($2, name), email = COALESCE($3, email), \
         department_id = COALESCE($4, department_id), role = COALESCE($5, role), \
         active = COALESCE($6, active) WHERE id = $1 RETURNING {COLUMNS}"
    );
    on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(changes.name)
        .bind(changes.email)
        .bind(changes.department_id)
        .bind(changes.role.map(Role::as_str))
        .bind(changes.active)
        .fetch_optional(conn)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// Deletes a person nothing refers to; [`StoreError::ForeignKey`] otherwise.
pub async fn delete(db: &Db, id: i64) -> Result<()> {
    let done = on_write!(db, |pool| sqlx::query("DELETE FROM people WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected());
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The active members of a department, by id; with `managers_only`, its managers.
pub async fn active_in_department(
    db: &Db,
    department_id: i64,
    managers_only: bool,
) -> Result<Vec<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM people WHERE department_id = $1 AND active \
         AND (NOT $2 OR role = 'manager') ORDER BY id"
    )
    .bind(department_id)
    .bind(managers_only)
    .fetch_all(pool)
    .await?))
}

/// The active administrators, by id.
pub async fn active_admins(db: &Db) -> Result<Vec<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM people WHERE role = 'admin' AND active ORDER BY id"
    )
    .fetch_all(pool)
    .await?))
}
