//! Relationship pulses: who was asked about whom, and the anonymous answers. A response
//! row carries no author: only the pulse, a key hashed from the pulse's secret (erased
//! at close), the pair it is about, the answer and its day.

use sqlx::AssertSqlSafe;

use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Pulse {
    pub id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub closes_at: i64,
    pub closed_at: Option<i64>,
}

impl Pulse {
    /// Whether answers are taken at `now`.
    pub fn open(&self, now: i64) -> bool {
        self.closed_at.is_none() && now < self.closes_at
    }
}

/// A pulse with the departments it asks about and asks.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseScope {
    pub pulse: Pulse,
    pub providers: Vec<i64>,
    pub customers: Vec<i64>,
    /// People asked.
    pub invited: i64,
}

/// One anonymous answer, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub score: i32,
    pub works: String,
    pub change: String,
}

/// How many answered about a provider from one customer department, and their scores'
/// sum.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct Tally {
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub responses: i64,
    pub score_sum: i64,
}

/// The texts of one answer (at least one of them not empty).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Texts {
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub works: String,
    pub change: String,
}

const COLUMNS: &str = "id, created_by, created_at, closes_at, closed_at";

/// Starts a pulse: asks every active person of `customers` about `providers`. Returns
/// its id and how many people were asked.
pub async fn create(
    tx: &mut Tx,
    created_by: i64,
    at: i64,
    closes_at: i64,
    secret: &[u8],
    providers: &[i64],
    customers: &[i64],
) -> Result<(i64, u64)> {
    let id: i64 = on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO pulses (created_by, created_at, closes_at, secret) \
         VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(created_by)
    .bind(at)
    .bind(closes_at)
    .bind(secret)
    .fetch_one(conn)
    .await?);
    let rows: Vec<(i64, &str)> = providers
        .iter()
        .map(|d| (*d, "provider"))
        .chain(customers.iter().map(|d| (*d, "customer")))
        .collect();
    on_tx!(tx, |conn| {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO pulse_departments (pulse_id, department_id, role) ",
        );
        insert.push_values(&rows, |mut b, (department, role)| {
            b.push_bind(id).push_bind(*department).push_bind(*role);
        });
        insert.build().execute(&mut *conn).await?;
    });
    let asked = on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO pulse_invitees (pulse_id, person_id, department_id) \
         SELECT $1, p.id, p.department_id FROM people p JOIN pulse_departments d \
         ON d.pulse_id = $1 AND d.role = 'customer' AND d.department_id = p.department_id \
         WHERE p.active"
    )
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected());
    Ok((id, asked))
}

pub async fn get(db: &Db, id: i64) -> Result<PulseScope> {
    let select = format!("SELECT {COLUMNS} FROM pulses WHERE id = $1");
    let pulse: Option<Pulse> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    let pulse = pulse.ok_or(StoreError::NotFound)?;
    scope(db, pulse).await
}

async fn scope(db: &Db, pulse: Pulse) -> Result<PulseScope> {
    let departments: Vec<(i64, String)> = on_read!(db, |pool| sqlx::query_as(
        "SELECT department_id, role FROM pulse_departments WHERE pulse_id = $1 \
         ORDER BY department_id"
    )
    .bind(pulse.id)
    .fetch_all(pool)
    .await?);
    let invited: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM pulse_invitees WHERE pulse_id = $1"
    )
    .bind(pulse.id)
    .fetch_one(pool)
    .await?);
    let pick = |role: &str| {
        departments
            .iter()
            .filter(|(_, r)| r == role)
            .map(|(d, _)| *d)
            .collect()
    };
    Ok(PulseScope {
        providers: pick("provider"),
        customers: pick("customer"),
        invited,
        pulse,
    })
}

/// Pulses newest first with an id below `before` (0: from the newest): all of them, or
/// (`person` set) those that ask about or ask that person's department or that they
/// started.
pub async fn list(
    db: &Db,
    reader: Option<(i64, i64)>,
    before: i64,
    limit: i64,
) -> Result<Vec<PulseScope>> {
    let (person, department) = reader.unwrap_or((0, 0));
    let select = format!(
        "SELECT {COLUMNS} FROM pulses p WHERE ($1 = 0 OR p.id < $1) AND ($2 = 0 \
         OR p.created_by = $2 OR EXISTS (SELECT 1 FROM pulse_departments d \
         WHERE d.pulse_id = p.id AND d.department_id = $3)) ORDER BY p.id DESC LIMIT $4"
    );
    let pulses: Vec<Pulse> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(before)
        .bind(person)
        .bind(department)
        .bind(limit)
        .fetch_all(pool)
        .await?);
    let mut out = Vec::with_capacity(pulses.len());
    for pulse in pulses {
        out.push(scope(db, pulse).await?);
    }
    Ok(out)
}

/// The pulse's secret, while it is open.
pub async fn secret(db: &Db, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT secret FROM pulses WHERE id = $1 AND closed_at IS NULL"
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
    .flatten())
}

/// The department `person` was asked from, if they were asked.
pub async fn invitee(db: &Db, pulse: i64, person: i64) -> Result<Option<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT department_id FROM pulse_invitees WHERE pulse_id = $1 AND person_id = $2"
    )
    .bind(pulse)
    .bind(person)
    .fetch_optional(pool)
    .await?))
}

/// The open pulses that ask `person`, with their department then; oldest closing first.
pub async fn open_for(db: &Db, person: i64, now: i64) -> Result<Vec<(Pulse, i64)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        pulse: Pulse,
        department_id: i64,
    }
    let rows: Vec<Row> = on_read!(db, |pool| sqlx::query_as(
        "SELECT p.id, p.created_by, p.created_at, p.closes_at, p.closed_at, i.department_id \
         FROM pulse_invitees i JOIN pulses p ON p.id = i.pulse_id \
         WHERE i.person_id = $1 AND p.closed_at IS NULL AND p.closes_at > $2 \
         ORDER BY p.closes_at, p.id"
    )
    .bind(person)
    .bind(now)
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .map(|r| (r.pulse, r.department_id))
        .collect())
}

/// Which of `keys` have an answer in `pulse`.
pub async fn answered(db: &Db, pulse: i64, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>> {
    let mut found = Vec::new();
    for key in keys {
        let hit: Option<i64> = on_read!(db, |pool| sqlx::query_scalar(
            "SELECT pulse_id FROM pulse_responses WHERE pulse_id = $1 AND response_key = $2"
        )
        .bind(pulse)
        .bind(key.as_slice())
        .fetch_optional(pool)
        .await?);
        if hit.is_some() {
            found.push(key.clone());
        }
    }
    Ok(found)
}

/// Writes an answer, replacing an earlier one under the same key, if the pulse is
/// still open at `now`; returns whether it was written.
pub async fn answer(
    tx: &mut Tx,
    pulse: i64,
    key: &[u8],
    response: &Response,
    day: &str,
    now: i64,
) -> Result<bool> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR SHARE",
    };
    let select = format!(
        "SELECT id FROM pulses WHERE id = $1 AND closed_at IS NULL AND closes_at > $2{lock}"
    );
    let open: Option<i64> = on_tx!(tx, |conn| sqlx::query_scalar(AssertSqlSafe(select))
        .bind(pulse)
        .bind(now)
        .fetch_optional(conn)
        .await?);
    if open.is_none() {
        return Ok(false);
    }
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO pulse_responses (pulse_id, response_key, provider_department_id, \
         customer_department_id, score, works, change, answered_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (pulse_id, response_key) \
         DO UPDATE SET score = excluded.score, works = excluded.works, \
         change = excluded.change, answered_on = excluded.answered_on"
    )
    .bind(pulse)
    .bind(key)
    .bind(response.provider_department_id)
    .bind(response.customer_department_id)
    .bind(response.score)
    .bind(&response.works)
    .bind(&response.change)
    .bind(day)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(true)
}

/// Closes pulse `id` now, or every pulse whose closing time has come (`id` None), and
/// erases their secrets. Returns the pulses closed.
pub async fn close(tx: &mut Tx, id: Option<i64>, now: i64) -> Result<Vec<i64>> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "UPDATE pulses SET closed_at = CASE WHEN closes_at < $2 THEN closes_at ELSE $2 END, \
         secret = NULL WHERE closed_at IS NULL AND (($1 IS NULL AND closes_at <= $2) OR id = $1) \
         RETURNING id"
    )
    .bind(id)
    .bind(now)
    .fetch_all(conn)
    .await?))
}

/// The answers of a pulse counted per pair, in the database: a pulse of thousands of
/// answers reads a few hundred rows.
pub async fn tallies(db: &Db, pulse: i64) -> Result<Vec<Tally>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT provider_department_id, customer_department_id, COUNT(*) AS responses, \
         SUM(score) AS score_sum FROM pulse_responses WHERE pulse_id = $1 \
         GROUP BY provider_department_id, customer_department_id"
    )
    .bind(pulse)
    .fetch_all(pool)
    .await?))
}

/// The answers of a pulse that say something in words, in key order: the order of a
/// hash, which says nothing about when they came or who gave them.
pub async fn texts(db: &Db, pulse: i64) -> Result<Vec<Texts>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT provider_department_id, customer_department_id, works, change \
         FROM pulse_responses WHERE pulse_id = $1 AND (works <> '' OR change <> '')"
    )
    .bind(pulse)
    .fetch_all(pool)
    .await?))
}

/// The closed pulse before `pulse` (by closing time) that asked `customer`s about
/// `provider`... any of the pairs; for trends. Returns its id.
pub async fn previous(db: &Db, pulse: &Pulse, provider: i64) -> Result<Option<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT p.id FROM pulses p JOIN pulse_departments d ON d.pulse_id = p.id \
         AND d.role = 'provider' AND d.department_id = $1 \
         WHERE p.closed_at IS NOT NULL AND p.id <> $2 \
         AND (p.closes_at < $3 OR (p.closes_at = $3 AND p.id < $2)) \
         ORDER BY p.closes_at DESC, p.id DESC LIMIT 1"
    )
    .bind(provider)
    .bind(pulse.id)
    .bind(pulse.closes_at)
    .fetch_optional(pool)
    .await?))
}

/// Whether a pulse's closing time has come and it is not closed yet: read first, so that
/// an idle worker takes no write lock.
pub async fn any_to_close(db: &Db, now: i64) -> Result<bool> {
    let found: Option<i64> = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM pulses WHERE closed_at IS NULL AND closes_at <= $1 LIMIT 1"
    )
    .bind(now)
    .fetch_optional(pool)
    .await?);
    Ok(found.is_some())
}
