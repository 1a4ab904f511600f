//! Watchers: people who follow a request and may see it.

use jiff::Timestamp;

use crate::db::BeginWrite;
use crate::{Db, Result, history, on_read, on_write, to_micros};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Watcher {
    pub person_id: i64,
    pub added_by: i64,
    pub added_at: i64,
}

/// Adds a watcher; adding one twice changes nothing. Returns whether it was new.
pub async fn add(
    db: &Db,
    request_id: i64,
    person_id: i64,
    by: i64,
    now: Timestamp,
) -> Result<bool> {
    let at = to_micros(now);
    on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO request_watchers (request_id, person_id, added_by, added_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(request_id)
        .bind(person_id)
        .bind(by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let added = done.rows_affected() > 0;
        if added {
            sqlx::query(history::INSERT)
                .bind(request_id)
                .bind(Some(by))
                .bind(at)
                .bind("watchers")
                .bind(None::<&str>)
                .bind(Some(person_id.to_string()))
                .bind(false)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    })
}

/// Removes a watcher; returns whether there was one.
pub async fn remove(
    db: &Db,
    request_id: i64,
    person_id: i64,
    by: i64,
    now: Timestamp,
) -> Result<bool> {
    let at = to_micros(now);
    on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let done =
            sqlx::query("DELETE FROM request_watchers WHERE request_id = $1 AND person_id = $2")
                .bind(request_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
        let removed = done.rows_affected() > 0;
        if removed {
            sqlx::query(history::INSERT)
                .bind(request_id)
                .bind(Some(by))
                .bind(at)
                .bind("watchers")
                .bind(Some(person_id.to_string()))
                .bind(None::<&str>)
                .bind(false)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(removed)
    })
}

pub async fn list(db: &Db, request_id: i64) -> Result<Vec<Watcher>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT person_id, added_by, added_at FROM request_watchers WHERE request_id = $1 \
         ORDER BY added_at, person_id"
    )
    .bind(request_id)
    .fetch_all(pool)
    .await?))
}
