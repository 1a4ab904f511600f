//! The floor for `bench/floor`: the least an HTTP server can do per request on the same
//! database as Handoff. `POST /api/v1/requests` inserts the JSON body's subject,
//! description and fields as one row (one statement, committed on its own) and answers
//! the row; `GET /api/v1/requests/{id}` selects one row. The routes are Handoff's, so
//! that the same wrk scripts drive both; there is no authentication, no validation, no
//! history, no search index and no SLA clock. Handoff's figures are read as a fraction
//! of this one's.
//!
//! Usage: `handoff-bench-floor DATABASE_URL LISTEN [ROWS]` (a `postgres://` or
//! `sqlite://` URL): first fills the table up to ROWS rows, so that reads of random ids
//! up to ROWS find one.

use anyhow::{Context, bail};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;

/// The same pool size as Handoff's default.
const CONNECTIONS: u32 = 8;

#[derive(Clone)]
enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

#[derive(Deserialize)]
struct NewRow {
    subject: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    fields: serde_json::Value,
}

#[derive(Serialize, sqlx::FromRow)]
struct Row {
    id: i64,
    subject: String,
    description: String,
    fields: String,
    created_at: i64,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS floor_requests (id BIGSERIAL PRIMARY KEY, \
     subject TEXT NOT NULL, description TEXT NOT NULL, fields TEXT NOT NULL, created_at BIGINT NOT NULL)";
const SCHEMA_SQLITE: &str = "CREATE TABLE IF NOT EXISTS floor_requests (id INTEGER PRIMARY KEY, \
     subject TEXT NOT NULL, description TEXT NOT NULL, fields TEXT NOT NULL, created_at INTEGER NOT NULL)";
const INSERT: &str = "INSERT INTO floor_requests (subject, description, fields, created_at) \
     VALUES ($1, $2, $3, $4) RETURNING id, subject, description, fields, created_at";
const SELECT: &str =
    "SELECT id, subject, description, fields, created_at FROM floor_requests WHERE id = $1";

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// Runs `$body` with `$pool` bound to the pool, once per engine.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            Db::Postgres($pool) => $body,
            Db::Sqlite($pool) => $body,
        }
    };
}

async fn create(State(db): State<Db>, Json(new): Json<NewRow>) -> Result<Json<Row>, StatusCode> {
    let fields = new.fields.to_string();
    let row = on_pool!(&db, |pool| sqlx::query_as::<_, Row>(INSERT)
        .bind(&new.subject)
        .bind(&new.description)
        .bind(&fields)
        .bind(now_micros())
        .fetch_one(pool)
        .await);
    row.map(Json).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

async fn read(State(db): State<Db>, Path(id): Path<i64>) -> Result<Json<Row>, StatusCode> {
    let row = on_pool!(&db, |pool| sqlx::query_as::<_, Row>(SELECT)
        .bind(id)
        .fetch_optional(pool)
        .await);
    match row {
        Ok(Some(row)) => Ok(Json(row)),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

async fn connect(url: &str) -> anyhow::Result<Db> {
    if url.starts_with("postgres") {
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::query(SCHEMA).execute(&pool).await?;
        Ok(Db::Postgres(pool))
    } else if url.starts_with("sqlite") {
        // Handoff's own settings: write-ahead log, normal synchronous.
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await
            .context("opening SQLite")?;
        sqlx::query(SCHEMA_SQLITE).execute(&pool).await?;
        Ok(Db::Sqlite(pool))
    } else {
        bail!("DATABASE_URL must start with postgres:// or sqlite://")
    }
}

/// Inserts rows up to `rows`, in one statement.
async fn fill(db: &Db, rows: i64) -> anyhow::Result<()> {
    let (now, description) = (now_micros(), "Filled by the floor");
    match db {
        Db::Postgres(pool) => {
            sqlx::query(
                "INSERT INTO floor_requests (subject, description, fields, created_at) \
                 SELECT 'Row ' || n, $2, '{}', $3 FROM generate_series( \
                 (SELECT count(*) FROM floor_requests) + 1, $1) n",
            )
            .bind(rows)
            .bind(description)
            .bind(now)
            .execute(pool)
            .await?;
        }
        Db::Sqlite(pool) => {
            sqlx::query(
                "WITH RECURSIVE n(i) AS (SELECT (SELECT count(*) FROM floor_requests) + 1 \
                 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                 INSERT INTO floor_requests (subject, description, fields, created_at) \
                 SELECT 'Row ' || i, $2, '{}', $3 FROM n WHERE i <= $1",
            )
            .bind(rows)
            .bind(description)
            .bind(now)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (url, listen, rows) = match args.as_slice() {
        [_, url, listen] => (url, listen, 0),
        [_, url, listen, rows] => (url, listen, rows.parse().context("ROWS")?),
        _ => bail!("usage: handoff-bench-floor DATABASE_URL LISTEN [ROWS]"),
    };
    let db = connect(url).await?;
    fill(&db, rows).await?;
    let app = Router::new()
        .route("/api/v1/requests", post(create))
        .route("/api/v1/requests/{id}", get(read))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(listen.as_str()).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
