//! The figures of a department's weekly digest, counted in the database.

use crate::{Db, Result, on_read};

/// What a department saw in one week.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeekCounts {
    pub concerns_raised: i64,
    pub concerns_answered: i64,
    pub ratings: i64,
    pub rating_sum: i64,
    pub low_ratings: i64,
    pub kudos_received: i64,
    /// SLA breaches while the department held the request.
    pub breaches: i64,
}

/// Counts for `department` from `from` to `to` (microseconds), the days `from_day` to
/// `to_day` (exclusive) for the day-only concern dates.
pub async fn week(
    db: &Db,
    department: i64,
    (from, to): (i64, i64),
    (from_day, to_day): (&str, &str),
) -> Result<WeekCounts> {
    let (concerns_raised, concerns_answered): (i64, i64) = on_read!(db, |pool| sqlx::query_as(
        "SELECT \
           (SELECT COUNT(*) FROM concerns WHERE about_department_id = $1 \
              AND raised_on >= $2 AND raised_on < $3), \
           (SELECT COUNT(*) FROM concerns WHERE about_department_id = $1 \
              AND answered_at >= $4 AND answered_at < $5)"
    )
    .bind(department)
    .bind(from_day)
    .bind(to_day)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?);
    let (ratings, rating_sum, low_ratings): (i64, Option<i64>, Option<i64>) =
        on_read!(db, |pool| sqlx::query_as(
            "SELECT COUNT(*), SUM(score), SUM(CASE WHEN score <= 2 THEN 1 ELSE 0 END) \
             FROM ratings WHERE provider_department_id = $1 AND rated_at >= $2 AND rated_at < $3"
        )
        .bind(department)
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await?);
    let kudos_received: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM kudos WHERE to_department_id = $1 \
         AND created_at >= $2 AND created_at < $3"
    )
    .bind(department)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?);
    let breaches: i64 = on_read!(db, |pool| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_history h JOIN requests r ON r.id = h.request_id \
         WHERE h.kind = 'sla_breached' AND h.at >= $2 AND h.at < $3 \
         AND ((r.provider_department_id = $1 AND h.at >= COALESCE(r.stint_started_at, r.created_at)) \
              OR EXISTS (SELECT 1 FROM request_stints s WHERE s.request_id = r.id \
                 AND s.department_id = $1 AND h.at >= s.started_at AND h.at < s.ended_at))"
    )
    .bind(department)
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?
    });
    Ok(WeekCounts {
        concerns_raised,
        concerns_answered,
        ratings,
        rating_sum: rating_sum.unwrap_or(0),
        low_ratings: low_ratings.unwrap_or(0),
        kudos_received,
        breaches,
    })
}

/// The closed pulses about `department` that closed from `from` to `to`.
pub async fn pulses_closed(db: &Db, department: i64, from: i64, to: i64) -> Result<Vec<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT p.id FROM pulses p JOIN pulse_departments d ON d.pulse_id = p.id \
         AND d.role = 'provider' AND d.department_id = $1 \
         WHERE p.closed_at >= $2 AND p.closed_at < $3 ORDER BY p.id"
    )
    .bind(department)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}
