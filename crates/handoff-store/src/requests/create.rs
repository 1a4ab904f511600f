//! Filing a request: the row, its first history entry and its search entry, together.
//! Confidentiality is read from the service inside the same statement, so that a request
//! filed while the service turns confidential cannot slip through unprotected.

use handoff_domain::request::{Priority, Status};
use jiff::Timestamp;
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;

use super::{COLUMNS, Request};
use crate::slas::{ClockWrite, write_clocks};
use crate::{Db, Engine, Result, history, on_write, search, to_micros};

pub struct NewRequest<'a> {
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub subject: &'a str,
    pub description: &'a str,
    pub priority: Priority,
    pub fields: &'a Map<String, Value>,
}

/// Files the request; `clocks` (from [`ClockWrite::start`]) starts its SLA clocks in the
/// same transaction.
pub async fn create(
    db: &Db,
    new: &NewRequest<'_>,
    clocks: &ClockWrite,
    now: Timestamp,
) -> Result<Request> {
    // PostgreSQL: wait for a concurrent change of the service to commit, then read it.
    let lock = match db.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR SHARE",
    };
    let sql = format!(
        "INSERT INTO requests (service_id, provider_department_id, requester_id, \
         requester_department_id, confidential, subject, description, priority, status, \
         assignee_id, fields, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, (SELECT confidential FROM services WHERE id = $1{lock}), $5, $6, $7, \
         $8, NULL, $9, $10, $10) RETURNING {COLUMNS}"
    );
    let index_sql = search::insert_sql(db.engine());
    let fields = Value::Object(new.fields.clone()).to_string();
    let at = to_micros(now);
    let request = on_write!(db, |pool| {
        let mut tx = pool.begin().await?;
        let request: Request = sqlx::query_as(AssertSqlSafe(sql))
            .bind(new.service_id)
            .bind(new.provider_department_id)
            .bind(new.requester_id)
            .bind(new.requester_department_id)
            .bind(new.subject)
            .bind(new.description)
            .bind(new.priority.rank())
            .bind(Status::New.as_str())
            .bind(&fields)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(history::INSERT)
            .bind(request.id)
            .bind(Some(new.requester_id))
            .bind(at)
            .bind("status")
            .bind(None::<&str>)
            .bind(Some(Status::New.as_str()))
            .bind(false)
            .execute(&mut *tx)
            .await?;
        sqlx::query(index_sql)
            .bind(request.id)
            .bind(search::public_text(new.subject, new.description, &[]))
            .execute(&mut *tx)
            .await?;
        write_clocks!(tx, request.id, None::<i64>, at, clocks);
        tx.commit().await?;
        request
    });
    Ok(request)
}
