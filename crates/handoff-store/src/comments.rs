//! Comments on a request: public replies and internal notes.

use handoff_domain::request::Status;
use handoff_domain::sla::{on_provider_reply, on_status_change};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use crate::db::BeginWrite;
use crate::slas::{Timekeeping, move_clocks};
use crate::{Db, Result, StoreError, history, on_read, on_write, search, to_micros};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub request_id: i64,
    pub author_id: i64,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
}

const COLUMNS: &str = "id, request_id, author_id, body, internal, created_at";

pub struct NewComment<'a> {
    pub request_id: i64,
    pub author_id: i64,
    pub body: &'a str,
    pub internal: bool,
    /// A reply from the requester's side: it moves a request waiting on the customer
    /// back to open.
    pub from_customer: bool,
    /// A reply from the providing department: it answers the request (first response)
    /// and restarts the next-update clock.
    pub from_provider: bool,
}

/// Adds the comment, its history entry and its search text (into the request's newest
/// chunk of comments: see [`search`]), after taking the request's row (its
/// `updated_at`), so that comments on one request are indexed one after another;
/// returns the comment and,
/// when the reply reopened the request, its new status.
pub async fn create(
    db: &Db,
    new: &NewComment<'_>,
    now: Timestamp,
    time: &Timekeeping,
) -> Result<(Comment, Option<Status>)> {
    let insert = format!(
        "INSERT INTO comments (request_id, author_id, body, internal, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    );
    let engine = db.engine();
    let at = to_micros(now);
    on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM requests WHERE id = $1")
            .bind(new.request_id)
            .fetch_optional(&mut *tx)
            .await?;
        found.ok_or(StoreError::NotFound)?;
        let comment: Comment = sqlx::query_as(AssertSqlSafe(insert))
            .bind(new.request_id)
            .bind(new.author_id)
            .bind(new.body)
            .bind(new.internal)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        let field = if new.internal {
            "internal_note"
        } else {
            "reply"
        };
        sqlx::query(history::INSERT)
            .bind(new.request_id)
            .bind(Some(new.author_id))
            .bind(at)
            .bind(field)
            .bind(None::<&str>)
            .bind(Some(comment.id.to_string()))
            .bind(new.internal)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE requests SET updated_at = $2 WHERE id = $1")
            .bind(new.request_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        // Conditional, so that a status changed meanwhile by another server is never
        // overwritten.
        let reopened = if new.from_customer && !new.internal {
            sqlx::query("UPDATE requests SET status = $2 WHERE id = $1 AND status = $3")
                .bind(new.request_id)
                .bind(Status::Open.as_str())
                .bind(Status::WaitingOnCustomer.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0
        } else {
            false
        };
        let new_status = if reopened {
            sqlx::query(history::INSERT)
                .bind(new.request_id)
                .bind(Some(new.author_id))
                .bind(at)
                .bind("status")
                .bind(Some(Status::WaitingOnCustomer.as_str()))
                .bind(Some(Status::Open.as_str()))
                .bind(false)
                .execute(&mut *tx)
                .await?;
            Some(Status::Open)
        } else {
            None
        };
        let (last_key, tail_key, tail_size): (Option<i64>, Option<i64>, Option<i64>) =
            sqlx::query_as(search::tail_sql(engine))
                .bind(new.request_id)
                .bind(i64::from(new.internal))
                .fetch_one(&mut *tx)
                .await?;
        let tail = tail_key.zip(tail_size);
        let (sql, key) = match search::place(engine, new.request_id, new.internal, last_key, tail) {
            search::Placement::Extend(key) => (Some(search::extend_sql(engine)), key),
            search::Placement::Start(key) => (Some(search::insert_sql(engine)), key),
            search::Placement::Skip => (None, 0),
        };
        if let Some(sql) = sql {
            sqlx::query(sql)
                .bind(key)
                .bind(search::index_text(new.body))
                .execute(&mut *tx)
                .await?;
        }
        let mut actions = Vec::new();
        if reopened {
            actions.extend(on_status_change(Status::WaitingOnCustomer, Status::Open));
        }
        if new.from_provider && !new.internal {
            actions.extend(on_provider_reply());
        }
        move_clocks!(
            tx,
            engine,
            new.request_id,
            Some(new.author_id),
            at,
            &actions,
            now,
            time
        );
        tx.commit().await?;
        Ok((comment, new_status))
    })
}

pub async fn list(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    after: i64,
    limit: i64,
) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments WHERE request_id = $1 AND ($2 OR NOT internal) \
         AND id > $3 ORDER BY id LIMIT $4"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(request_id)
        .bind(with_internal)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// The newest `limit` comments of a request, oldest first (for pages).
pub async fn latest(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    limit: i64,
) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM comments \
         WHERE request_id = $1 AND ($2 OR NOT internal) ORDER BY id DESC LIMIT $3) newest \
         ORDER BY id"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(request_id)
        .bind(with_internal)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}
