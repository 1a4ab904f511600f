//! Kudos: thanks from a person to a person or a department, and the ones featured as
//! success stories.

use crate::{Db, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Kudos {
    pub id: i64,
    pub from_person_id: i64,
    pub from_department_id: i64,
    pub to_person_id: Option<i64>,
    pub to_department_id: i64,
    pub value: String,
    pub message: String,
    pub created_at: i64,
    pub story: Option<String>,
    pub featured_by: Option<i64>,
    pub featured_at: Option<i64>,
}

const COLUMNS: &str = "id, from_person_id, from_department_id, to_person_id, to_department_id, \
     value, message, created_at, story, featured_by, featured_at";

#[derive(Debug, Clone, PartialEq)]
pub struct NewKudos<'a> {
    pub from_person_id: i64,
    pub from_department_id: i64,
    pub to_person_id: Option<i64>,
    pub to_department_id: i64,
    pub value: &'a str,
    pub message: &'a str,
}

pub async fn insert(tx: &mut Tx, new: &NewKudos<'_>, at: i64) -> Result<i64> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO kudos (from_person_id, from_department_id, to_person_id, \
         to_department_id, value, message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING id"
    )
    .bind(new.from_person_id)
    .bind(new.from_department_id)
    .bind(new.to_person_id)
    .bind(new.to_department_id)
    .bind(new.value)
    .bind(new.message)
    .bind(at)
    .fetch_one(conn)
    .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Kudos> {
    let select = format!("SELECT {COLUMNS} FROM kudos WHERE id = $1");
    let found: Option<Kudos> = on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Features kudos `id` as a success story; returns false when it does not exist.
pub async fn feature(tx: &mut Tx, id: i64, story: &str, by: i64, at: i64) -> Result<bool> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "UPDATE kudos SET story = $2, featured_by = $3, featured_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(story)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(done > 0)
}

/// Which kudos a list shows; all of them are public within the organisation.
#[derive(Debug, Clone, Default)]
pub struct KudosFilter {
    pub to_department_id: Option<i64>,
    pub to_person_id: Option<i64>,
    pub from_department_id: Option<i64>,
    /// Featured ones only (the success stories).
    pub stories: bool,
    /// Given at or after, before (microseconds).
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Kudos newest first, with an id below `before` (0: from the newest).
pub async fn list(db: &Db, filter: &KudosFilter, before: i64, limit: i64) -> Result<Vec<Kudos>> {
    let select = format!(
        "SELECT {COLUMNS} FROM kudos WHERE ($1 = 0 OR id < $1) \
         AND ($2 IS NULL OR to_department_id = $2) AND ($3 IS NULL OR to_person_id = $3) \
         AND ($4 IS NULL OR from_department_id = $4) AND (NOT $5 OR featured_at IS NOT NULL) \
         AND ($6 IS NULL OR created_at >= $6) AND ($7 IS NULL OR created_at < $7) \
         ORDER BY id DESC LIMIT $8"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(before)
    .bind(filter.to_department_id)
    .bind(filter.to_person_id)
    .bind(filter.from_department_id)
    .bind(filter.stories)
    .bind(filter.from)
    .bind(filter.to)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}
