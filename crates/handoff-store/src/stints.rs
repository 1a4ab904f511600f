//! Stints: the stretches of a request's life held by one department each. The current
//! stint lives on the request (its holder, `stint_started_at`, its clocks in
//! `request_slas`); a transfer ends it, and it is kept here with its clocks as they
//! stood at that instant, so that each team's time and breaches stay its own.

use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::requests::pressing::RefreshPressing;
use crate::slas::{self, ClockRow, StoredClock};
use crate::{Db, Result, Tx, on_read, on_tx};

/// A stint that ended by a transfer.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PastStint {
    pub request_id: i64,
    /// 1 for the first holder.
    pub seq: i32,
    pub department_id: i64,
    pub service_id: i64,
    /// Microseconds.
    pub started_at: i64,
    pub ended_at: i64,
    pub first_response_at: Option<i64>,
    pub transferred_by: Option<i64>,
    pub reason: String,
}

const COLUMNS: &str = "request_id, seq, department_id, service_id, started_at, ended_at, \
     first_response_at, transferred_by, reason";

/// The columns of a stint's clocks, in the order [`record`] binds them.
const INSERT_CLOCKS: &str = "INSERT INTO request_stint_clocks (request_id, seq, target, \
     allowed_micros, used_micros, running_since, due_at, stopped_at, cycle, calendar_time, \
     warn_at, schedule, raised, breached_at) ";

/// Takes the current stint's clocks off the request (they end with it), as they stand:
/// read locked on PostgreSQL, then deleted.
pub async fn take_clocks(tx: &mut Tx, request_id: i64) -> Result<Vec<StoredClock>> {
    let select = slas::select_clocks(tx.engine(), true);
    let rows: Vec<ClockRow> = on_tx!(tx, |conn| {
        let rows = sqlx::query_as(AssertSqlSafe(select))
            .bind(request_id)
            .fetch_all(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM request_slas WHERE request_id = $1")
            .bind(request_id)
            .execute(&mut *conn)
            .await?;
        conn.refresh_pressing(&[request_id]).await?;
        rows
    });
    rows.into_iter().map(ClockRow::decode).collect()
}

/// Keeps an ended stint and its clocks.
pub async fn record(tx: &mut Tx, stint: &PastStint, clocks: &[StoredClock]) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO request_stints ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )))
        .bind(stint.request_id)
        .bind(stint.seq)
        .bind(stint.department_id)
        .bind(stint.service_id)
        .bind(stint.started_at)
        .bind(stint.ended_at)
        .bind(stint.first_response_at)
        .bind(stint.transferred_by)
        .bind(&stint.reason)
        .execute(&mut *conn)
        .await?;
        if !clocks.is_empty() {
            let mut insert = QueryBuilder::new(INSERT_CLOCKS);
            insert.push_values(clocks, |mut b, stored| {
                let c = &stored.clock;
                b.push_bind(stint.request_id)
                    .push_bind(stint.seq)
                    .push_bind(c.target.as_str())
                    .push_bind(c.allowed.as_micros() as i64)
                    .push_bind(c.used.as_micros() as i64)
                    .push_bind(c.running_since.map(crate::to_micros))
                    .push_bind(c.due_at.map(crate::to_micros))
                    .push_bind(c.stopped_at.map(crate::to_micros))
                    .push_bind(c.cycle)
                    .push_bind(stored.calendar_time)
                    .push_bind(stored.warn_at_json())
                    .push_bind(stored.schedule_json())
                    .push_bind(stored.raised_json())
                    .push_bind(c.breached_at.map(crate::to_micros));
            });
            insert.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// The departments that held a request before its current holder, oldest stint first
/// (a department may appear more than once).
pub async fn holders(tx: &mut Tx, request_id: i64) -> Result<Vec<i64>> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT department_id FROM request_stints WHERE request_id = $1 ORDER BY seq"
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?))
}

/// A request's past stints, oldest first, each with its clocks.
pub async fn past(db: &Db, request_id: i64) -> Result<Vec<(PastStint, Vec<StoredClock>)>> {
    #[derive(sqlx::FromRow)]
    struct Clock {
        seq: i32,
        #[sqlx(flatten)]
        row: ClockRow,
    }
    let stints_sql =
        format!("SELECT {COLUMNS} FROM request_stints WHERE request_id = $1 ORDER BY seq");
    let clocks_sql = format!(
        "SELECT seq, {} FROM request_stint_clocks c WHERE request_id = $1 ORDER BY seq, target",
        slas::clock_columns("c")
    );
    let (stints, clocks): (Vec<PastStint>, Vec<Clock>) = on_read!(db, |pool| {
        let stints = sqlx::query_as(AssertSqlSafe(stints_sql))
            .bind(request_id)
            .fetch_all(pool)
            .await?;
        let clocks = sqlx::query_as(AssertSqlSafe(clocks_sql))
            .bind(request_id)
            .fetch_all(pool)
            .await?;
        (stints, clocks)
    });
    let mut out: Vec<(PastStint, Vec<StoredClock>)> =
        stints.into_iter().map(|s| (s, Vec::new())).collect();
    for clock in clocks {
        if let Some((_, of)) = out.iter_mut().find(|(s, _)| s.seq == clock.seq) {
            of.push(clock.row.decode()?);
        }
    }
    Ok(out)
}

/// One transfer: the stint it ended and where the request went.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TransferFact {
    pub request_id: i64,
    pub seq: i32,
    pub from_department_id: i64,
    pub to_department_id: i64,
    pub ping_pong: bool,
    /// The passing department's stint, microseconds.
    pub started_at: i64,
    pub ended_at: i64,
}

/// The transfers of the requests `viewer` may see, filed in `[from, to)` (microseconds),
/// by request and stint.
pub async fn transfers(
    db: &Db,
    viewer: &handoff_domain::access::Actor,
    from: i64,
    to: i64,
) -> Result<Vec<TransferFact>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT st.request_id, st.seq, st.department_id AS from_department_id, \
         COALESCE(nx.department_id, r.provider_department_id) AS to_department_id, \
         r.ping_pong, st.started_at, st.ended_at \
         FROM request_stints st JOIN requests r ON r.id = st.request_id \
         LEFT JOIN request_stints nx ON nx.request_id = st.request_id AND nx.seq = st.seq + 1 \
         WHERE r.created_at >= ",
    );
    sql.int(from)
        .push(" AND r.created_at < ")
        .int(to)
        .push(" AND ");
    crate::requests::list::push_visible(&mut sql, viewer);
    sql.push(" ORDER BY st.request_id, st.seq");
    Ok(on_read!(db, |pool| crate::sql::bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}
