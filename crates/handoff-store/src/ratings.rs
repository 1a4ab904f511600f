//! Satisfaction ratings: one row per resolution of a request, holding the ask and, once
//! given, the rating.

use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Rating {
    pub id: i64,
    pub request_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub provider_department_id: i64,
    pub resolved_at: i64,
    pub asked: bool,
    pub expires_at: i64,
    pub score: Option<i32>,
    pub comment: String,
    pub rated_at: Option<i64>,
    pub changed_at: Option<i64>,
}

const COLUMNS: &str = "r.id, r.request_id, r.requester_id, r.requester_department_id, \
     r.provider_department_id, r.resolved_at, r.asked, r.expires_at, r.score, r.comment, \
     r.rated_at, r.changed_at";

/// An ask to write when a request is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAsk {
    pub request_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub provider_department_id: i64,
    pub resolved_at: i64,
    pub asked: bool,
    pub expires_at: i64,
}

/// When `requester` was last asked to rate a request of `provider` (microseconds).
pub async fn last_asked(tx: &mut Tx, requester: i64, provider: i64) -> Result<Option<i64>> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT MAX(resolved_at) FROM ratings \
         WHERE requester_id = $1 AND provider_department_id = $2 AND asked"
    )
    .bind(requester)
    .bind(provider)
    .fetch_one(conn)
    .await?))
}

pub async fn insert(tx: &mut Tx, ask: &NewAsk) -> Result<i64> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO ratings (request_id, requester_id, requester_department_id, \
         provider_department_id, resolved_at, asked, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(ask.request_id)
    .bind(ask.requester_id)
    .bind(ask.requester_department_id)
    .bind(ask.provider_department_id)
    .bind(ask.resolved_at)
    .bind(ask.asked)
    .bind(ask.expires_at)
    .fetch_one(conn)
    .await?))
}

/// Ends the unrated ask of a request that is reopened: that resolution is moot.
pub async fn withdraw_open(tx: &mut Tx, request_id: i64, at: i64) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE ratings SET expires_at = $2 \
         WHERE request_id = $1 AND rated_at IS NULL AND expires_at > $2"
    )
    .bind(request_id)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// The ask of a request's latest resolution, locked for rating on PostgreSQL.
pub async fn latest_locked(tx: &mut Tx, request_id: i64) -> Result<Option<Rating>> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    };
    let select = format!(
        "SELECT {COLUMNS} FROM ratings r WHERE r.request_id = $1 ORDER BY r.id DESC LIMIT 1{lock}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(request_id)
    .fetch_optional(conn)
    .await?))
}

/// Every resolution of a request, latest first.
pub async fn of_request(db: &Db, request_id: i64) -> Result<Vec<Rating>> {
    let select =
        format!("SELECT {COLUMNS} FROM ratings r WHERE r.request_id = $1 ORDER BY r.id DESC");
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(request_id)
    .fetch_all(pool)
    .await?))
}

/// Gives or changes the rating `id`.
pub async fn rate(tx: &mut Tx, id: i64, score: i32, comment: &str, at: i64) -> Result<Rating> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE ratings SET score = $2, comment = $3, rated_at = COALESCE(rated_at, $4), \
         changed_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(score)
    .bind(comment)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    let select = format!("SELECT {COLUMNS} FROM ratings r WHERE r.id = $1");
    let found: Option<Rating> = on_tx!(tx, |conn| sqlx::query_as(sqlx::AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(conn)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Which ratings a list shows.
#[derive(Debug, Clone, Default)]
pub struct RatingFilter {
    pub provider_department_id: Option<i64>,
    pub requester_department_id: Option<i64>,
    /// Rated at or after, before (microseconds).
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Who reads: admins see every rating but those of confidential requests they do not
    /// provide; others the ratings for their department and their own.
    pub person_id: i64,
    pub department_id: i64,
    pub admin: bool,
}

/// Ratings given, by id, after `after`.
pub async fn list(db: &Db, filter: &RatingFilter, after: i64, limit: i64) -> Result<Vec<Rating>> {
    let select = format!(
        "SELECT {COLUMNS} FROM ratings r JOIN requests q ON q.id = r.request_id \
         WHERE r.rated_at IS NOT NULL AND r.id > $1 \
         AND ($2 IS NULL OR r.provider_department_id = $2) \
         AND ($3 IS NULL OR r.requester_department_id = $3) \
         AND ($4 IS NULL OR r.rated_at >= $4) AND ($5 IS NULL OR r.rated_at < $5) \
         AND (r.provider_department_id = $6 OR q.provider_department_id = $6 \
              OR r.requester_id = $7 OR ($8 AND NOT q.confidential)) \
         ORDER BY r.id LIMIT $9"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(after)
    .bind(filter.provider_department_id)
    .bind(filter.requester_department_id)
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.department_id)
    .bind(filter.person_id)
    .bind(filter.admin)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// The asks waiting on `person` at `now`: asked, unrated, not expired; newest first.
pub async fn open_asks(db: &Db, person: i64, now: i64) -> Result<Vec<Rating>> {
    let select = format!(
        "SELECT {COLUMNS} FROM ratings r WHERE r.requester_id = $1 AND r.asked \
         AND r.rated_at IS NULL AND r.expires_at > $2 ORDER BY r.id DESC LIMIT 200"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(person)
    .bind(now)
    .fetch_all(pool)
    .await?))
}
