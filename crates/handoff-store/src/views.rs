//! Saved views: a person's own request lists, each a name and the list's query string.

use jiff::Timestamp;

use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx, on_write, to_micros};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedView {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// The list's query string, as checked when saved (`view=queue&status=open`).
    pub query: String,
    pub created_at: i64,
}

const COLUMNS: &str = "id, person_id, name, query, created_at";

/// A person's saved views, by name.
pub async fn of_person(db: &Db, person_id: i64) -> Result<Vec<SavedView>> {
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        format!("SELECT {COLUMNS} FROM saved_views WHERE person_id = $1 ORDER BY name, id")
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await?))
}

/// How many views a person has saved, holding their person row until the transaction
/// ends on PostgreSQL (SQLite's write transaction excludes every other writer already),
/// so that two saves at once cannot both pass a limit.
pub async fn count_locked(tx: &mut Tx, person_id: i64) -> Result<i64> {
    if tx.engine() == Engine::Postgres {
        let found: Option<i64> = on_tx!(tx, |conn| sqlx::query_scalar(
            "SELECT id FROM people WHERE id = $1 FOR UPDATE"
        )
        .bind(person_id)
        .fetch_optional(conn)
        .await?);
        found.ok_or(StoreError::NotFound)?;
    }
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM saved_views WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_one(conn)
    .await?))
}

/// Saves a view; a name the person used already is a unique violation on `name`.
pub async fn insert(
    tx: &mut Tx,
    person_id: i64,
    name: &str,
    query: &str,
    now: Timestamp,
) -> Result<SavedView> {
    let insert = format!(
        "INSERT INTO saved_views (person_id, name, query, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING {COLUMNS}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(sqlx::AssertSqlSafe(
        insert
    ))
    .bind(person_id)
    .bind(name)
    .bind(query)
    .bind(to_micros(now))
    .fetch_one(conn)
    .await?))
}

/// Deletes the person's view `id`; `NotFound` when they have no such view.
pub async fn delete(db: &Db, person_id: i64, id: i64) -> Result<SavedView> {
    let delete =
        format!("DELETE FROM saved_views WHERE id = $1 AND person_id = $2 RETURNING {COLUMNS}");
    let found: Option<SavedView> =
        on_write!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(delete))
            .bind(id)
            .bind(person_id)
            .fetch_optional(pool)
            .await?);
    found.ok_or(StoreError::NotFound)
}
