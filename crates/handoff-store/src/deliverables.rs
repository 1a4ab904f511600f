//! Recurring deliverables and their occurrences: see the migration `0009_dependencies`.

use sqlx::AssertSqlSafe;

use crate::sql::{Sql, bind_all};
use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Deliverable {
    pub id: i64,
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub name: String,
    pub rrule: String,
    pub due_time: String,
    pub starts_on: String,
    pub provider_owner_id: i64,
    pub customer_owner_id: i64,
    pub dependency_id: Option<i64>,
    pub warn_minutes: i64,
    pub generated_until: i64,
    pub created_by: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, provider_department_id, customer_department_id, name, rrule, \
     due_time, starts_on, provider_owner_id, customer_owner_id, dependency_id, warn_minutes, \
     generated_until, created_by, created_at";

/// Writes a new deliverable; returns its id.
pub async fn insert(tx: &mut Tx, d: &Deliverable) -> Result<i64> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO deliverables (provider_department_id, customer_department_id, name, rrule, \
         due_time, starts_on, provider_owner_id, customer_owner_id, dependency_id, warn_minutes, \
         generated_until, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"
    )
    .bind(d.provider_department_id)
    .bind(d.customer_department_id)
    .bind(&d.name)
    .bind(&d.rrule)
    .bind(&d.due_time)
    .bind(&d.starts_on)
    .bind(d.provider_owner_id)
    .bind(d.customer_owner_id)
    .bind(d.dependency_id)
    .bind(d.warn_minutes)
    .bind(d.generated_until)
    .bind(d.created_by)
    .bind(d.created_at)
    .fetch_one(conn)
    .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Deliverable> {
    let select = format!("SELECT {COLUMNS} FROM deliverables WHERE id = $1");
    let found: Option<Deliverable> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Which deliverables a list shows; all are open to everyone in the organisation.
#[derive(Debug, Clone, Default)]
pub struct DeliverableFilter {
    pub provider_department_id: Option<i64>,
    pub customer_department_id: Option<i64>,
    /// Either side is this department.
    pub department_id: Option<i64>,
    pub dependency_id: Option<i64>,
    /// Either side's owner is this person.
    pub owner_id: Option<i64>,
}

/// Deliverables by id, after the cursor id.
pub async fn list(
    db: &Db,
    filter: &DeliverableFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<Deliverable>> {
    let select = format!(
        "SELECT {COLUMNS} FROM deliverables WHERE ($1 IS NULL OR provider_department_id = $1) \
         AND ($2 IS NULL OR customer_department_id = $2) \
         AND ($3 IS NULL OR provider_department_id = $3 OR customer_department_id = $3) \
         AND ($4 IS NULL OR dependency_id = $4) \
         AND ($5 IS NULL OR provider_owner_id = $5 OR customer_owner_id = $5) \
         AND id > $6 ORDER BY id LIMIT $7"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(filter.provider_department_id)
        .bind(filter.customer_department_id)
        .bind(filter.department_id)
        .bind(filter.dependency_id)
        .bind(filter.owner_id)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// Whether any deliverable's occurrences reach less far than `before`: read first, so
/// that an idle worker takes no write lock.
pub async fn any_to_extend(db: &Db, before: i64) -> Result<bool> {
    let found: Option<i64> = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM deliverables WHERE generated_until < $1 LIMIT 1"
    )
    .bind(before)
    .fetch_optional(pool)
    .await?);
    Ok(found.is_some())
}

/// Deliverables whose occurrences reach less far than `before`, locked for this worker
/// (skipping the ones another holds, on PostgreSQL).
pub async fn claim_to_extend(tx: &mut Tx, before: i64, limit: i64) -> Result<Vec<Deliverable>> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let select = format!(
        "SELECT {COLUMNS} FROM deliverables WHERE generated_until < $1 \
         ORDER BY generated_until, id LIMIT $2{lock}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(before)
        .bind(limit)
        .fetch_all(conn)
        .await?))
}

/// Sets how far the occurrences of the deliverables `ids` reach, in one statement.
pub async fn set_generated_until(tx: &mut Tx, ids: &[i64], until: i64) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE deliverables SET generated_until = ");
    sql.int(until).push(" WHERE id IN ").ints(ids);
    on_tx!(tx, |conn| bind_all!(
        sqlx::query(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// An occurrence to write: its deliverable, due instant and first alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewOccurrence {
    pub deliverable_id: i64,
    pub due_at: i64,
    pub next_alarm_at: Option<i64>,
}

/// Rows per statement: 3 values a row, well within SQLite's bound parameters.
const CHUNK: usize = 5_000;

/// Writes occurrences, skipping those that exist already (same deliverable and due
/// instant), so that two workers extending the same schedule write each once.
pub async fn insert_occurrences(tx: &mut Tx, rows: &[NewOccurrence]) -> Result<u64> {
    if let Tx::Postgres(conn) = tx {
        // One statement of three arrays: PostgreSQL plans and parses it once, however
        // many rows (a VALUES list of thousands of rows costs more to parse than to write).
        let deliverables: Vec<i64> = rows.iter().map(|o| o.deliverable_id).collect();
        let due: Vec<i64> = rows.iter().map(|o| o.due_at).collect();
        let alarms: Vec<Option<i64>> = rows.iter().map(|o| o.next_alarm_at).collect();
        let done = sqlx::query(
            "INSERT INTO occurrences (deliverable_id, due_at, next_alarm_at) \
             SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[]) \
             ON CONFLICT (deliverable_id, due_at) DO NOTHING",
        )
        .bind(deliverables)
        .bind(due)
        .bind(alarms)
        .execute(&mut **conn)
        .await?;
        return Ok(done.rows_affected());
    }
    let mut written = 0;
    for chunk in rows.chunks(CHUNK) {
        written += on_tx!(tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO occurrences (deliverable_id, due_at, next_alarm_at) ",
            );
            insert.push_values(chunk, |mut b, o| {
                b.push_bind(o.deliverable_id)
                    .push_bind(o.due_at)
                    .push_bind(o.next_alarm_at);
            });
            insert.push(" ON CONFLICT (deliverable_id, due_at) DO NOTHING");
            insert.build().execute(&mut *conn).await?.rows_affected()
        });
    }
    Ok(written)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Occurrence {
    pub id: i64,
    pub deliverable_id: i64,
    pub due_at: i64,
    pub delivered_at: Option<i64>,
    pub delivered_by: Option<i64>,
    pub delivery_note: Option<String>,
    pub delivery_link: Option<String>,
    pub accurate: Option<bool>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub review_note: Option<String>,
    pub next_alarm_at: Option<i64>,
    pub warned: bool,
    pub escalated: bool,
    /// When the deliverable's next occurrence is due: an undelivered occurrence counts
    /// as missed once it is.
    pub next_due_at: Option<i64>,
}

const OCCURRENCE: &str = "o.id, o.deliverable_id, o.due_at, o.delivered_at, o.delivered_by, \
     o.delivery_note, o.delivery_link, o.accurate, o.reviewed_at, o.reviewed_by, o.review_note, \
     o.next_alarm_at, o.warned, o.escalated, (SELECT MIN(n.due_at) FROM occurrences n \
     WHERE n.deliverable_id = o.deliverable_id AND n.due_at > o.due_at) AS next_due_at";

/// The occurrences of `deliverable` due in `[from, to)`, in order.
pub async fn occurrences(
    db: &Db,
    deliverable: i64,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<Occurrence>> {
    let select = format!(
        "SELECT {OCCURRENCE} FROM occurrences o WHERE o.deliverable_id = $1 \
         AND o.due_at >= $2 AND o.due_at < $3 ORDER BY o.due_at LIMIT $4"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(deliverable)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

pub async fn occurrence(db: &Db, id: i64) -> Result<Occurrence> {
    let select = format!("SELECT {OCCURRENCE} FROM occurrences o WHERE o.id = $1");
    let found: Option<Occurrence> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Reads an occurrence to change it (locked on PostgreSQL).
pub async fn lock_occurrence(tx: &mut Tx, id: i64) -> Result<Occurrence> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE OF o",
    };
    let select = format!("SELECT {OCCURRENCE} FROM occurrences o WHERE o.id = $1{lock}");
    let found: Option<Occurrence> = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(conn)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Occurrences whose next alarm is due by `now`, locked for this worker (skipping the
/// ones another holds, on PostgreSQL).
pub async fn claim_alarms(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<Occurrence>> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE OF o SKIP LOCKED",
    };
    let select = format!(
        "SELECT {OCCURRENCE} FROM occurrences o WHERE o.next_alarm_at IS NOT NULL \
         AND o.next_alarm_at <= $1 ORDER BY o.next_alarm_at, o.id LIMIT $2{lock}"
    );
    Ok(on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await?))
}

/// Whether any occurrence has an alarm due by `now`.
pub async fn any_alarm_due(db: &Db, now: i64) -> Result<bool> {
    let found: Option<i64> = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM occurrences WHERE next_alarm_at IS NOT NULL AND next_alarm_at <= $1 \
         LIMIT 1"
    )
    .bind(now)
    .fetch_optional(pool)
    .await?);
    Ok(found.is_some())
}

/// Writes what changes of an occurrence: its delivery, review and alarms.
pub async fn save_occurrence(tx: &mut Tx, o: &Occurrence) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE occurrences SET delivered_at = $2, delivered_by = $3, delivery_note = $4, \
         delivery_link = $5, accurate = $6, reviewed_at = $7, reviewed_by = $8, \
         review_note = $9, next_alarm_at = $10, warned = $11, escalated = $12 WHERE id = $1"
    )
    .bind(o.id)
    .bind(o.delivered_at)
    .bind(o.delivered_by)
    .bind(&o.delivery_note)
    .bind(&o.delivery_link)
    .bind(o.accurate)
    .bind(o.reviewed_at)
    .bind(o.reviewed_by)
    .bind(&o.review_note)
    .bind(o.next_alarm_at)
    .bind(o.warned)
    .bind(o.escalated)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OccurrenceEvent {
    pub id: i64,
    pub occurrence_id: i64,
    pub kind: String,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub accurate: Option<bool>,
}

/// An event to record in an occurrence's history.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub actor_id: Option<i64>,
    pub note: Option<&'a str>,
    pub link: Option<&'a str>,
    pub accurate: Option<bool>,
}

pub async fn record(tx: &mut Tx, occurrence: i64, at: i64, e: &NewEvent<'_>) -> Result<()> {
    record_many(tx, at, &[(occurrence, e.clone())]).await
}

/// Records events of many occurrences at `at`, a statement per 1,000 (the alarms of a
/// batch of occurrences).
pub async fn record_many(tx: &mut Tx, at: i64, events: &[(i64, NewEvent<'_>)]) -> Result<()> {
    for chunk in events.chunks(1_000) {
        on_tx!(tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO occurrence_events (occurrence_id, kind, at, actor_id, note, link, \
                 accurate) ",
            );
            insert.push_values(chunk, |mut b, (occurrence, e)| {
                b.push_bind(*occurrence)
                    .push_bind(e.kind)
                    .push_bind(at)
                    .push_bind(e.actor_id)
                    .push_bind(e.note)
                    .push_bind(e.link)
                    .push_bind(e.accurate);
            });
            insert.build().execute(&mut *conn).await?.rows_affected()
        });
    }
    Ok(())
}

/// Where an occurrence's alarms stand: what [`set_alarms`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmState {
    pub occurrence_id: i64,
    pub next_alarm_at: Option<i64>,
    pub warned: bool,
    pub escalated: bool,
}

/// Writes the alarm state of many occurrences (claimed, so locked), one statement per
/// 1,000 on SQLite and one in all on PostgreSQL.
pub async fn set_alarms(tx: &mut Tx, alarms: &[AlarmState]) -> Result<()> {
    if alarms.is_empty() {
        return Ok(());
    }
    match tx {
        Tx::Sqlite(conn) => {
            for chunk in alarms.chunks(1_000) {
                let mut update = sqlx::QueryBuilder::new(
                    "UPDATE occurrences SET next_alarm_at = v.c2, warned = v.c3, escalated = v.c4 \
                     FROM (SELECT column1 AS c1, column2 AS c2, column3 AS c3, column4 AS c4 \
                     FROM (",
                );
                update.push_values(chunk, |mut b, a| {
                    b.push_bind(a.occurrence_id)
                        .push_bind(a.next_alarm_at)
                        .push_bind(a.warned)
                        .push_bind(a.escalated);
                });
                update.push(")) AS v WHERE occurrences.id = v.c1");
                update.build().execute(&mut **conn).await?;
            }
        }
        Tx::Postgres(conn) => {
            sqlx::query(
                "UPDATE occurrences SET next_alarm_at = v.next_alarm_at, warned = v.warned, \
                 escalated = v.escalated \
                 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BOOLEAN[], $4::BOOLEAN[]) \
                 AS v (id, next_alarm_at, warned, escalated) WHERE occurrences.id = v.id",
            )
            .bind(alarms.iter().map(|a| a.occurrence_id).collect::<Vec<_>>())
            .bind(alarms.iter().map(|a| a.next_alarm_at).collect::<Vec<_>>())
            .bind(alarms.iter().map(|a| a.warned).collect::<Vec<_>>())
            .bind(alarms.iter().map(|a| a.escalated).collect::<Vec<_>>())
            .execute(&mut **conn)
            .await?;
        }
    }
    Ok(())
}

/// An occurrence's history, oldest first.
pub async fn events(db: &Db, occurrence: i64) -> Result<Vec<OccurrenceEvent>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, occurrence_id, kind, at, actor_id, note, link, accurate \
         FROM occurrence_events WHERE occurrence_id = $1 ORDER BY id"
    )
    .bind(occurrence)
    .fetch_all(pool)
    .await?))
}

/// Counts behind the on-time and accuracy rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct RateCounts {
    /// Occurrences due (by now) in the window.
    pub due: i64,
    /// Of those, delivered by their due time.
    pub on_time: i64,
    /// Occurrences in the window the recipient reviewed.
    pub reviewed: i64,
    /// Of those, confirmed accurate.
    pub accurate: i64,
}

/// Which occurrences the rates count.
#[derive(Debug, Clone, Copy)]
pub enum RateScope {
    Deliverable(i64),
    Pair { provider: i64, customer: i64 },
}

/// The rate counts over the occurrences due in `[from, to)` (and by `now`).
pub async fn rates(db: &Db, scope: RateScope, from: i64, to: i64, now: i64) -> Result<RateCounts> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS due, \
         COALESCE(SUM(CASE WHEN o.delivered_at IS NOT NULL AND o.delivered_at <= o.due_at \
         THEN 1 ELSE 0 END), 0) AS on_time, \
         COALESCE(SUM(CASE WHEN o.accurate IS NOT NULL THEN 1 ELSE 0 END), 0) AS reviewed, \
         COALESCE(SUM(CASE WHEN o.accurate THEN 1 ELSE 0 END), 0) AS accurate \
         FROM occurrences o JOIN deliverables d ON d.id = o.deliverable_id WHERE ",
    );
    match scope {
        RateScope::Deliverable(id) => sql.push("d.id = ").int(id),
        RateScope::Pair { provider, customer } => sql
            .push("d.provider_department_id = ")
            .int(provider)
            .push(" AND d.customer_department_id = ")
            .int(customer),
    };
    sql.push(" AND o.due_at >= ")
        .int(from)
        .push(" AND o.due_at < ")
        .int(to.min(now.saturating_add(1)));
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_one(pool)
    .await?))
}

/// The id of `deliverable`'s occurrence due at `due_at`, if it was written.
pub async fn occurrence_due(db: &Db, deliverable: i64, due_at: i64) -> Result<Option<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM occurrences WHERE deliverable_id = $1 AND due_at = $2"
    )
    .bind(deliverable)
    .bind(due_at)
    .fetch_optional(pool)
    .await?))
}

/// An occurrence with what a calendar or a list says about it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Upcoming {
    pub occurrence_id: i64,
    pub deliverable_id: i64,
    pub name: String,
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub provider_owner_id: i64,
    pub customer_owner_id: i64,
    pub due_at: i64,
    pub delivered_at: Option<i64>,
}

/// Whose occurrences a calendar shows.
#[derive(Debug, Clone, Copy)]
pub enum Owed {
    /// Owed by or to a department.
    Department(i64),
    /// Owed by a department only (what it must deliver).
    ByDepartment(i64),
    /// Owned, on either side, by a person.
    Person(i64),
}

/// Occurrences due in `[from, to)` of the deliverables `owed` selects, in order.
pub async fn upcoming(
    db: &Db,
    owed: Owed,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<Upcoming>> {
    let mut sql = Sql::new(
        "SELECT o.id AS occurrence_id, d.id AS deliverable_id, d.name, \
         d.provider_department_id, d.customer_department_id, d.provider_owner_id, \
         d.customer_owner_id, o.due_at, o.delivered_at \
         FROM occurrences o JOIN deliverables d ON d.id = o.deliverable_id WHERE ",
    );
    match owed {
        Owed::Department(id) => sql
            .push("(d.provider_department_id = ")
            .int(id)
            .push(" OR d.customer_department_id = ")
            .int(id)
            .push(")"),
        Owed::ByDepartment(id) => sql.push("d.provider_department_id = ").int(id),
        Owed::Person(id) => sql
            .push("(d.provider_owner_id = ")
            .int(id)
            .push(" OR d.customer_owner_id = ")
            .int(id)
            .push(")"),
    };
    sql.push(" AND o.due_at >= ")
        .int(from)
        .push(" AND o.due_at < ")
        .int(to)
        .push(" ORDER BY o.due_at, o.id LIMIT ")
        .int(limit);
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

/// For each deliverable `department` provides (`as_provider`) or receives, what is owed
/// next at `now`: the latest occurrence already due if it is not delivered (late), else
/// the next one not delivered. Older undelivered ones count as missed, not owed.
pub async fn next_owed(
    db: &Db,
    department: i64,
    as_provider: bool,
    now: i64,
) -> Result<Vec<Upcoming>> {
    let side = if as_provider {
        "provider_department_id"
    } else {
        "customer_department_id"
    };
    let select = format!(
        "SELECT o.id AS occurrence_id, d.id AS deliverable_id, d.name, \
         d.provider_department_id, d.customer_department_id, d.provider_owner_id, \
         d.customer_owner_id, o.due_at, o.delivered_at \
         FROM deliverables d JOIN occurrences o ON o.id = (SELECT n.id FROM occurrences n \
         WHERE n.deliverable_id = d.id AND n.delivered_at IS NULL \
         AND n.due_at >= COALESCE((SELECT MAX(p.due_at) FROM occurrences p \
         WHERE p.deliverable_id = d.id AND p.due_at <= $2), 0) ORDER BY n.due_at LIMIT 1) \
         WHERE d.{side} = $1 ORDER BY o.due_at, d.id"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(department)
        .bind(now)
        .fetch_all(pool)
        .await?))
}

/// After a change of the provider's calendar: removes the occurrences of `departments`'
/// deliverables due after `now` that nothing refers to yet (not delivered, not warned
/// about) and winds their reach back to `now`, so that the worker writes them again under
/// the new calendar. Returns the occurrences removed.
pub async fn reschedule(tx: &mut Tx, departments: &[i64], now: i64) -> Result<u64> {
    if departments.is_empty() {
        return Ok(0);
    }
    let mut delete = Sql::new("DELETE FROM occurrences WHERE due_at > ");
    delete
        .int(now)
        .push(
            " AND delivered_at IS NULL AND NOT warned AND NOT escalated AND deliverable_id IN \
               (SELECT id FROM deliverables WHERE provider_department_id IN ",
        )
        .ints(departments)
        .push(")");
    let removed = on_tx!(tx, |conn| bind_all!(
        sqlx::query(AssertSqlSafe(delete.text)),
        &delete.params
    )
    .execute(&mut *conn)
    .await?
    .rows_affected());
    let mut update = Sql::new("UPDATE deliverables SET generated_until = ");
    update
        .int(now)
        .push(" WHERE generated_until > ")
        .int(now)
        .push(" AND provider_department_id IN ")
        .ints(departments);
    on_tx!(tx, |conn| bind_all!(
        sqlx::query(AssertSqlSafe(update.text)),
        &update.params
    )
    .execute(&mut *conn)
    .await?
    .rows_affected());
    Ok(removed)
}
