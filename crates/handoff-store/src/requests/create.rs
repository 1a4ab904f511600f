//! Filing a request: the row, its first history entry, its search entry and its SLA
//! clocks, together.
//! Confidentiality is read from the service inside the same statement, so that a request
//! filed while the service turns confidential cannot slip through unprotected.

use handoff_domain::request::{Priority, Status};
use jiff::Timestamp;
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;

use sqlx::postgres::PgPool;

use super::batch::Filing;
use super::{COLUMNS, Request};
use crate::db::BeginWrite;
use crate::slas::{ClockWrite, write_clocks};
use crate::{Db, Engine, Result, history, search, to_micros};

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
/// same transaction. On SQLite the request joins the writer's next batch.
pub async fn create(
    db: &Db,
    new: &NewRequest<'_>,
    clocks: &ClockWrite,
    now: Timestamp,
) -> Result<Request> {
    let filing = Filing {
        service_id: new.service_id,
        provider_department_id: new.provider_department_id,
        requester_id: new.requester_id,
        requester_department_id: new.requester_department_id,
        subject: new.subject.to_owned(),
        description: new.description.to_owned(),
        priority: new.priority.rank(),
        fields: Value::Object(new.fields.clone()).to_string(),
        clocks: clocks.clone(),
        at: to_micros(now),
    };
    match db {
        Db::Sqlite { filings, .. } => filings.file(filing).await,
        Db::Postgres(pool) => create_on_postgres(pool, filing).await,
    }
}

/// One request per transaction: servers share the database, and PostgreSQL takes
/// concurrent writers well.
async fn create_on_postgres(pool: &PgPool, f: Filing) -> Result<Request> {
    // Wait for a concurrent change of the service to commit, then read it.
    let sql = format!(
        "INSERT INTO requests (service_id, provider_department_id, requester_id, \
         requester_department_id, confidential, subject, description, priority, status, \
         assignee_id, fields, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, (SELECT confidential FROM services WHERE id = $1 FOR SHARE), \
         $5, $6, $7, $8, NULL, $9, $10, $10) RETURNING {COLUMNS}"
    );
    let mut tx = pool.begin_write().await?;
    let request: Request = sqlx::query_as(AssertSqlSafe(sql))
        .bind(f.service_id)
        .bind(f.provider_department_id)
        .bind(f.requester_id)
        .bind(f.requester_department_id)
        .bind(&f.subject)
        .bind(&f.description)
        .bind(f.priority)
        .bind(Status::New.as_str())
        .bind(&f.fields)
        .bind(f.at)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(history::INSERT)
        .bind(request.id)
        .bind(Some(f.requester_id))
        .bind(f.at)
        .bind("status")
        .bind(None::<&str>)
        .bind(Some(Status::New.as_str()))
        .bind(false)
        .execute(&mut *tx)
        .await?;
    sqlx::query(search::insert_sql(Engine::Postgres))
        .bind(search::request_key(request.id))
        .bind(search::request_text(&f.subject, &f.description))
        .execute(&mut *tx)
        .await?;
    write_clocks!(tx, request.id, None::<i64>, f.at, &f.clocks);
    tx.commit().await?;
    Ok(request)
}
