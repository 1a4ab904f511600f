//! The job queue: work enqueued in the transaction of the change that causes it (an
//! outbox), claimed by workers with `FOR UPDATE SKIP LOCKED` on PostgreSQL and a
//! conditional update under SQLite's single writer, retried with backoff, and kept as
//! failed with its error when it keeps failing. A job's effects are committed in the
//! same transaction that finishes it ([`finish`]), so a job is done once even when two
//! workers get hold of it.

use handoff_domain::job::{JobState, MAX_ATTEMPTS, Work};
use jiff::{SignedDuration, Timestamp};
use sqlx::AssertSqlSafe;

use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx, to_micros};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: i64,
    pub last_error: Option<String>,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

impl Job {
    pub fn state(&self) -> Result<JobState> {
        JobState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("job {} state", self.id)))
    }

    pub fn work(&self) -> Result<Work> {
        Work::from_parts(&self.kind, &self.payload)
            .map_err(|e| StoreError::Corrupt(format!("job {}: {e}", self.id)))
    }
}

const COLUMNS: &str = "id, kind, payload, state, attempts, max_attempts, run_at, last_error, \
     locked_until, created_at";

/// Queues `work` to run from `run_at`, inside the transaction of the change that causes
/// it. Returns false when the same work (by [`Work::unique_key`]) is already queued.
pub async fn enqueue(tx: &mut Tx, work: &Work, run_at: Timestamp, now: Timestamp) -> Result<bool> {
    Ok(enqueue_many(tx, std::slice::from_ref(work), run_at, now).await? > 0)
}

/// Queues many pieces of work to run from `run_at`, a statement per 1,000; returns how
/// many were queued (work already queued, by [`Work::unique_key`], is not queued again).
pub async fn enqueue_many(
    tx: &mut Tx,
    works: &[Work],
    run_at: Timestamp,
    now: Timestamp,
) -> Result<u64> {
    let mut queued = 0;
    for chunk in works.chunks(1_000) {
        queued += on_tx!(tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO jobs (kind, payload, unique_key, state, run_at, attempts, \
                 max_attempts, created_at) ",
            );
            insert.push_values(chunk, |mut b, work| {
                b.push_bind(work.kind())
                    .push_bind(work.payload().to_string())
                    .push_bind(work.unique_key())
                    .push("'queued'")
                    .push_bind(to_micros(run_at))
                    .push("0")
                    .push_bind(MAX_ATTEMPTS)
                    .push_bind(to_micros(now));
            });
            insert.push(" ON CONFLICT (unique_key) WHERE state = 'queued' DO NOTHING");
            insert.build().execute(&mut *conn).await?.rows_affected()
        });
    }
    Ok(queued)
}

/// Claims up to `limit` jobs due by `now`, and jobs whose worker's hold ran out, for
/// `lease`; each claim counts an attempt. Jobs held by another worker's transaction are
/// skipped, not waited for.
#[tracing::instrument(name = "store.claim_jobs", skip_all, level = "debug")]
pub async fn claim(db: &Db, now: Timestamp, lease: SignedDuration, limit: i64) -> Result<Vec<Job>> {
    let skip = match db.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    // On SQLite the write transaction holds the only write lock: the update takes the
    // jobs as the select saw them.
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2 \
         WHERE id IN (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $1) \
         OR (state = 'running' AND locked_until <= $1) ORDER BY run_at, id LIMIT $3{skip}) \
         RETURNING {COLUMNS}"
    );
    let mut tx = db.begin().await?;
    let mut jobs: Vec<Job> = on_tx!(&mut tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
        .bind(to_micros(now))
        .bind(to_micros(now.saturating_add(lease).unwrap_or(now)))
        .bind(limit)
        .fetch_all(conn)
        .await?);
    tx.commit().await?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

/// Ends a claimed job inside the transaction that commits its effects. Returns false
/// when the claim is no longer this worker's (its hold ran out and another worker took
/// the job over): the caller must then roll its effects back.
pub async fn finish(tx: &mut Tx, job: &Job) -> Result<bool> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM jobs WHERE id = $1 AND state = 'running' AND attempts = $2"
    )
    .bind(job.id)
    .bind(job.attempts)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(done > 0)
}

/// Records a failed attempt: the job is queued again for `retry_at`, or kept as failed
/// when that was its last attempt (`retry_at` None).
pub async fn fail(db: &Db, job: &Job, error: &str, retry_at: Option<Timestamp>) -> Result<()> {
    let (state, run_at) = match retry_at {
        Some(at) => (JobState::Queued, to_micros(at)),
        None => (JobState::Failed, job.run_at),
    };
    let mut tx = db.begin().await?;
    if state == JobState::Queued {
        // A retry takes the place of an identical job queued meanwhile.
        on_tx!(&mut tx, |conn| sqlx::query(
            "DELETE FROM jobs WHERE unique_key = $1 AND state = 'queued' AND id <> $2"
        )
        .bind(
            Work::from_parts(&job.kind, &job.payload)
                .ok()
                .and_then(|w| w.unique_key())
        )
        .bind(job.id)
        .execute(conn)
        .await?
        .rows_affected());
    }
    on_tx!(&mut tx, |conn| sqlx::query(
        "UPDATE jobs SET state = $3, run_at = $4, last_error = $5, locked_until = NULL \
         WHERE id = $1 AND state = 'running' AND attempts = $2"
    )
    .bind(job.id)
    .bind(job.attempts)
    .bind(state.as_str())
    .bind(run_at)
    .bind(error)
    .execute(conn)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Jobs in `state` (all when None), oldest first, with an id above `after`.
pub async fn list(db: &Db, state: Option<JobState>, after: i64, limit: i64) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) AND id > $2 \
         ORDER BY id LIMIT $3"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(state.map(JobState::as_str))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// How many jobs are in each state: every state, with 0 where there are none.
pub async fn count_by_state(db: &Db) -> Result<Vec<(JobState, i64)>> {
    let rows: Vec<(String, i64)> = on_read!(db, |pool| sqlx::query_as(
        "SELECT state, COUNT(*) FROM jobs GROUP BY state"
    )
    .fetch_all(pool)
    .await?);
    Ok(JobState::ALL
        .into_iter()
        .map(|state| {
            let n = rows
                .iter()
                .find(|(s, _)| s == state.as_str())
                .map_or(0, |(_, n)| *n);
            (state, n)
        })
        .collect())
}

pub async fn get(db: &Db, id: i64) -> Result<Job> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    let found: Option<Job> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Queues a failed job again, at `now`, with its attempts counted afresh. Returns None
/// when the job is not failed (anymore).
pub async fn retry(db: &Db, id: i64, now: Timestamp) -> Result<Option<Job>> {
    let sql = format!(
        "UPDATE jobs SET state = 'queued', run_at = $2, attempts = 0 \
         WHERE id = $1 AND state = 'failed' RETURNING {COLUMNS}"
    );
    let mut tx = db.begin().await?;
    let job: Result<Option<Job>, sqlx::Error> =
        on_tx!(&mut tx, |conn| sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .bind(to_micros(now))
            .fetch_optional(conn)
            .await);
    let job = match job {
        Ok(job) => job,
        // The same work is queued already: this one is not needed anymore.
        Err(e) => {
            let err = StoreError::from(e);
            if err.is_unique("unique_key") {
                drop(tx);
                let mut tx = db.begin().await?;
                on_tx!(&mut tx, |conn| sqlx::query(
                    "DELETE FROM jobs WHERE id = $1 AND state = 'failed'"
                )
                .bind(id)
                .execute(conn)
                .await?
                .rows_affected());
                tx.commit().await?;
                return Ok(None);
            }
            return Err(err);
        }
    };
    tx.commit().await?;
    Ok(job)
}

/// Which kinds of background work are due at `now`, asked in one statement, so that a
/// worker step with nothing to do reads once and takes no write lock. Each test is the
/// condition its claim uses: SLA clocks with an alarm due; jobs queued and due or
/// running past their lease; concerns with an alarm due or an anonymous one raised
/// before `announce_before` (a day, `YYYY-MM-DD`) and not yet announced; pulses whose
/// closing came; occurrences with an alarm due; deliverables whose occurrences reach
/// less far than `extend_before`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueNow {
    pub sla_alarms: bool,
    pub jobs: bool,
    pub concerns: bool,
    pub pulses: bool,
    pub occurrence_alarms: bool,
    pub extend: bool,
}

impl DueNow {
    pub fn anything(self) -> bool {
        self != DueNow::default()
    }
}

pub async fn due_now(
    db: &Db,
    now: i64,
    announce_before: &str,
    extend_before: i64,
) -> Result<DueNow> {
    let (sla_alarms, jobs, concerns, pulses, occurrence_alarms, extend): (
        bool,
        bool,
        bool,
        bool,
        bool,
        bool,
    ) = on_read!(db, |pool| {
        sqlx::query_as(
        "SELECT \
         EXISTS (SELECT 1 FROM request_slas WHERE next_alarm_at <= $1), \
         EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND run_at <= $1) \
         OR EXISTS (SELECT 1 FROM jobs WHERE state = 'running' AND locked_until <= $1), \
         EXISTS (SELECT 1 FROM concerns WHERE next_alarm_at IS NOT NULL AND next_alarm_at <= $1) \
         OR EXISTS (SELECT 1 FROM concerns WHERE NOT announced AND raised_on < $2), \
         EXISTS (SELECT 1 FROM pulses WHERE closed_at IS NULL AND closes_at <= $1), \
         EXISTS (SELECT 1 FROM occurrences WHERE next_alarm_at IS NOT NULL AND next_alarm_at <= $1), \
         EXISTS (SELECT 1 FROM deliverables WHERE generated_until < $3)"
    )
    .bind(now)
    .bind(announce_before)
    .bind(extend_before)
    .fetch_one(pool)
    .await?
    });
    Ok(DueNow {
        sla_alarms,
        jobs,
        concerns,
        pulses,
        occurrence_alarms,
        extend,
    })
}

/// The earliest moment at which timed work falls due: an SLA clock's, an occurrence's or
/// a concern's next alarm, a queued job, a pulse's closing. What replays history calls
/// to run the worker at each such moment, as it would have run live.
pub async fn next_moment(db: &Db) -> Result<Option<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT MIN(m) FROM ( \
         SELECT MIN(next_alarm_at) AS m FROM request_slas WHERE next_alarm_at IS NOT NULL \
         UNION ALL SELECT MIN(next_alarm_at) FROM occurrences WHERE next_alarm_at IS NOT NULL \
         UNION ALL SELECT MIN(next_alarm_at) FROM concerns WHERE next_alarm_at IS NOT NULL \
         UNION ALL SELECT MIN(run_at) FROM jobs WHERE state = 'queued' \
         UNION ALL SELECT MIN(closes_at) FROM pulses WHERE closed_at IS NULL) AS due"
    )
    .fetch_one(pool)
    .await?))
}
