//! Comments on a request: public replies and internal notes.

use sqlx::AssertSqlSafe;

use crate::{Db, Result, Tx, on_read, on_tx, search};

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

/// Adds a comment to a request inside the caller's transaction, with its search text
/// (into the request's newest chunk of comments of its kind: see [`search`]), and marks
/// the request updated. The caller holds the request (see `requests::lock`), so comments
/// on one request are indexed one after another.
pub async fn insert(
    tx: &mut Tx,
    request_id: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    at: i64,
) -> Result<Comment> {
    let insert = format!(
        "INSERT INTO comments (request_id, author_id, body, internal, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
    );
    let engine = tx.engine();
    on_tx!(tx, |conn| {
        let comment: Comment = sqlx::query_as(AssertSqlSafe(insert))
            .bind(request_id)
            .bind(author_id)
            .bind(body)
            .bind(internal)
            .bind(at)
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query("UPDATE requests SET updated_at = $2 WHERE id = $1")
            .bind(request_id)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        let (last_key, tail_key, tail_size): (Option<i64>, Option<i64>, Option<i64>) =
            sqlx::query_as(search::tail_sql(engine))
                .bind(request_id)
                .bind(i64::from(internal))
                .fetch_one(&mut *conn)
                .await?;
        let tail = tail_key.zip(tail_size);
        let (sql, key) = match search::place(engine, request_id, internal, last_key, tail) {
            search::Placement::Extend(key) => (Some(search::extend_sql(engine)), key),
            search::Placement::Start(key) => (Some(search::insert_sql(engine)), key),
            search::Placement::Skip => (None, 0),
        };
        if let Some(sql) = sql {
            sqlx::query(sql)
                .bind(key)
                .bind(search::index_text(body))
                .execute(&mut *conn)
                .await?;
        }
        Ok(comment)
    })
}

/// A request's comments after id `after`, up to the instant `until` (microseconds; a
/// former holder reads up to the end of its stint), internal notes only `with_internal`.
pub async fn list(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    until: Option<i64>,
    after: i64,
    limit: i64,
) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments WHERE request_id = $1 AND ($2 OR NOT internal) \
         AND id > $3 AND created_at <= $5 ORDER BY id LIMIT $4"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(request_id)
        .bind(with_internal)
        .bind(after)
        .bind(limit)
        .bind(until.unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?))
}

/// The newest `limit` comments of a request up to `until`, oldest first (for pages).
pub async fn latest(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    until: Option<i64>,
    limit: i64,
) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM comments \
         WHERE request_id = $1 AND ($2 OR NOT internal) AND created_at <= $4 \
         ORDER BY id DESC LIMIT $3) newest ORDER BY id"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(request_id)
        .bind(with_internal)
        .bind(limit)
        .bind(until.unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?))
}
