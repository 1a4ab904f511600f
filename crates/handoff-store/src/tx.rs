//! A write transaction on either engine, and the writes every change shares: recording a
//! request's events, writing and moving its SLA clocks, filing requests. Each is written
//! once here and used by every caller (the actions, the SQLite batcher, the worker), so
//! that there is one way to record an event or file a request.

use handoff_domain::request::{RequestEvent, Status};
use handoff_domain::sla::{ClockAction, Target};
use jiff::Timestamp;
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::db::BeginWrite;
use crate::requests::pressing::{self, RefreshPressing};
use crate::requests::{COLUMNS, Filing, Request};
use crate::slas::{self, ClockRow, ClockWrite, Timekeeping};
use crate::{Db, Engine, Result, StoreError, search};

/// A transaction that writes; dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$conn` bound to the transaction's connection, once per engine: the
/// body is written once and type-checked for each.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

/// The columns of an event row, in the order [`Tx::record`] binds them.
const INSERT_EVENTS: &str =
    "INSERT INTO request_history (request_id, actor_id, at, kind, payload, internal) ";

impl Db {
    /// Begins a transaction that writes (on SQLite, holding the write lock from the start).
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_write().await?),
            Db::Postgres { pool, .. } => Tx::Postgres(pool.begin_write().await?),
        })
    }
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Records events of one request, by one actor (`None`: Handoff itself), at `at`
    /// (microseconds), in one statement.
    pub async fn record(
        &mut self,
        request_id: i64,
        actor: Option<i64>,
        at: i64,
        events: &[RequestEvent],
    ) -> Result<()> {
        let rows: Vec<_> = events.iter().map(|e| (request_id, actor, at, e)).collect();
        self.record_rows(&rows).await
    }

    /// Records events of several requests in one statement: (request, actor, at, event).
    pub async fn record_rows(
        &mut self,
        rows: &[(i64, Option<i64>, i64, &RequestEvent)],
    ) -> Result<()> {
        // 6 values a row, within SQLite's 32,766 bound parameters.
        for chunk in rows.chunks(5_000) {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(INSERT_EVENTS);
                insert.push_values(chunk, |mut b, (request_id, actor, at, event)| {
                    b.push_bind(*request_id)
                        .push_bind(*actor)
                        .push_bind(*at)
                        .push_bind(event.kind())
                        .push_bind(event.payload_text())
                        .push_bind(event.internal());
                });
                insert.build().execute(conn).await?;
            });
        }
        Ok(())
    }

    /// Writes a request's clocks as planned (inserting or replacing each) and records
    /// the clock events the plan made.
    pub async fn write_clocks(
        &mut self,
        request_id: i64,
        actor: Option<i64>,
        at: i64,
        write: &ClockWrite,
    ) -> Result<()> {
        if !write.clocks.is_empty() {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(slas::INSERT_CLOCKS);
                insert.push_values(&write.clocks, |mut b, stored| {
                    slas::push_clock!(b, request_id, stored);
                });
                insert.push(slas::ON_CONFLICT_UPDATE);
                insert.build().execute(&mut *conn).await?;
                conn.refresh_pressing(&[request_id]).await?;
            });
        }
        self.record(request_id, actor, at, &write.events).await
    }

    /// Moves a request's clocks by `actions`: reads them (locked on PostgreSQL), applies
    /// the actions and writes them with their events. Nothing happens without actions.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(name = "store.move_clocks", skip_all, level = "debug", fields(request = request_id))]
    pub async fn move_clocks(
        &mut self,
        request_id: i64,
        actor: Option<i64>,
        actions: &[(Target, ClockAction)],
        now: Timestamp,
        time: &Timekeeping,
    ) -> Result<Vec<RequestEvent>> {
        if actions.is_empty() {
            return Ok(Vec::new());
        }
        let select = slas::select_clocks(self.engine(), true);
        let rows: Vec<ClockRow> = on_tx!(self, |conn| sqlx::query_as(AssertSqlSafe(select))
            .bind(request_id)
            .fetch_all(conn)
            .await?);
        let existing = rows
            .into_iter()
            .map(ClockRow::decode)
            .collect::<Result<Vec<_>>>()?;
        let plan = ClockWrite::apply(existing, actions, now, time)?;
        self.write_clocks(request_id, actor, crate::to_micros(now), &plan)
            .await?;
        Ok(plan.events)
    }

    /// Files requests: their rows, first events, search entries and SLA clocks, one
    /// statement per table for them all. The requests come back in `filings`' order.
    /// Confidentiality is read from the service inside the statement (locked for share on
    /// PostgreSQL), so that a request filed while its service turns confidential cannot
    /// slip through unprotected.
    #[tracing::instrument(name = "store.file", skip_all, level = "debug", fields(count = filings.len()))]
    pub async fn file(&mut self, filings: &[&Filing]) -> Result<Vec<Request>> {
        if filings.is_empty() {
            return Ok(Vec::new());
        }
        let count = filings.len() as i64;
        // Ids are handed out first, so that every table's rows are written in one
        // statement each: under the write lock on SQLite, from the sequence on PostgreSQL.
        let ids: Vec<i64> = match self {
            Tx::Sqlite(t) => {
                let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM requests")
                    .fetch_one(&mut **t)
                    .await?;
                (1..=count).map(|i| last + i).collect()
            }
            Tx::Postgres(t) => {
                sqlx::query_scalar(
                    "SELECT nextval(pg_get_serial_sequence('requests', 'id')) \
                     FROM generate_series(1, $1)",
                )
                .bind(count)
                .fetch_all(&mut **t)
                .await?
            }
        };
        let share = match self.engine() {
            Engine::Sqlite => ")",
            Engine::Postgres => " FOR SHARE)",
        };
        let mut requests: Vec<Request> = on_tx!(self, |conn| {
            let mut rows = QueryBuilder::new(
                "INSERT INTO requests (id, service_id, provider_department_id, requester_id, \
                 requester_department_id, confidential, subject, description, priority, status, \
                 assignee_id, fields, created_at, updated_at, parent_id) ",
            );
            rows.push_values(filings.iter().zip(&ids), |mut b, (f, id)| {
                b.push_bind(*id)
                    .push_bind(f.service_id)
                    .push_bind(f.provider_department_id)
                    .push_bind(f.requester_id)
                    .push_bind(f.requester_department_id)
                    .push("(SELECT confidential FROM services WHERE id = ")
                    .push_bind_unseparated(f.service_id)
                    .push_unseparated(share)
                    .push_bind(f.subject.as_str())
                    .push_bind(f.description.as_str())
                    .push_bind(f.priority)
                    .push_bind(Status::New.as_str())
                    .push("NULL")
                    .push_bind(f.fields.as_str())
                    .push_bind(f.at)
                    .push_bind(f.at)
                    .push_bind(f.parent_id);
            });
            rows.push(" RETURNING ").push(COLUMNS);
            rows.build_query_as().fetch_all(conn).await?
        });
        requests.sort_by_key(|r| r.id);
        if requests.len() != filings.len() {
            return Err(StoreError::Corrupt(
                "a batch filed fewer requests than asked".into(),
            ));
        }

        let filed = RequestEvent::Filed {};
        let mut events = Vec::new();
        for (f, id) in filings.iter().zip(&ids) {
            events.push((*id, Some(f.requester_id), f.at, &filed));
            events.extend(f.clocks.events.iter().map(|e| (*id, None, f.at, e)));
        }
        self.record_rows(&events).await?;

        let engine = self.engine();
        on_tx!(self, |conn| {
            let mut index = QueryBuilder::new(search::insert_rows_sql(engine));
            index.push_values(filings.iter().zip(&ids), |mut b, (f, id)| {
                b.push_bind(search::request_key(*id));
                search::push_text(
                    &mut b,
                    engine,
                    search::request_text(&f.subject, &f.description),
                );
            });
            index.build().execute(conn).await?;
        });

        let clocks: Vec<(i64, &slas::StoredClock)> = filings
            .iter()
            .zip(&ids)
            .flat_map(|(f, id)| f.clocks.clocks.iter().map(move |c| (*id, c)))
            .collect();
        if !clocks.is_empty() {
            on_tx!(self, |conn| {
                let mut insert = QueryBuilder::new(slas::INSERT_CLOCKS);
                insert.push_values(&clocks, |mut b, (id, stored)| {
                    slas::push_clock!(b, *id, stored);
                });
                insert.build().execute(&mut *conn).await?;
            });
        }
        let filed: Vec<pressing::Filed> = filings
            .iter()
            .zip(&ids)
            .map(|(f, id)| pressing::Filed {
                id: *id,
                provider_department_id: f.provider_department_id,
                created_at: f.at,
                clocks: &f.clocks.clocks,
            })
            .collect();
        pressing::add_filed(self, &filed).await?;
        Ok(requests)
    }
}
