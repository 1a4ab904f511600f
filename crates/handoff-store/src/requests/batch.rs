//! Filing on SQLite, in batches. SQLite takes one writer at a time, and every statement
//! is a hand-off to sqlx's worker thread, so filing one request per transaction spends
//! most of its time handing off and committing. Requests filed at the same moment are
//! queued here and written together: one transaction and one multi-row statement per
//! table for the whole batch. A batch that fails is retried one request at a time, so
//! one bad request fails alone.

use handoff_domain::request::Status;
use sqlx::sqlite::SqlitePool;
use sqlx::{QueryBuilder, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::{COLUMNS, Request};
use crate::slas::{self, ClockWrite};
use crate::{Result, StoreError, search};

/// Most requests written in one transaction.
const MAX_BATCH: usize = 16;

/// A request to file, owned so that it can wait in the queue.
pub(crate) struct Filing {
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub subject: String,
    pub description: String,
    pub priority: i16,
    /// The form's values as JSON text.
    pub fields: String,
    pub clocks: ClockWrite,
    pub at: i64,
}

struct Job {
    filing: Filing,
    reply: oneshot::Sender<Result<Request>>,
}

/// The queue in front of the SQLite writer; cheap to clone.
#[derive(Debug, Clone)]
pub struct FilingQueue(mpsc::Sender<Job>);

impl FilingQueue {
    /// Starts the task that drains the queue into `write`.
    pub(crate) fn start(write: SqlitePool) -> FilingQueue {
        let (sender, mut receiver) = mpsc::channel::<Job>(1024);
        tokio::spawn(async move {
            while let Some(first) = receiver.recv().await {
                let mut jobs = vec![first];
                while jobs.len() < MAX_BATCH {
                    match receiver.try_recv() {
                        Ok(job) => jobs.push(job),
                        Err(_) => break,
                    }
                }
                let filings: Vec<&Filing> = jobs.iter().map(|j| &j.filing).collect();
                match insert(&write, &filings).await {
                    Ok(requests) => {
                        for (job, request) in jobs.into_iter().zip(requests) {
                            let _ = job.reply.send(Ok(request));
                        }
                    }
                    Err(error) => {
                        tracing::debug!(%error, size = jobs.len(), "batch failed; filing one by one");
                        // One at a time, so that only the culprit fails.
                        for job in jobs {
                            let result = insert(&write, &[&job.filing]).await;
                            let _ = job.reply.send(result.map(|mut one| one.remove(0)));
                        }
                    }
                }
            }
        });
        FilingQueue(sender)
    }

    pub(crate) async fn file(&self, filing: Filing) -> Result<Request> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job { filing, reply })
            .await
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable(sqlx::Error::PoolClosed))?
    }
}

/// Writes the batch in one transaction; the requests come back in the batch's order.
async fn insert(write: &SqlitePool, filings: &[&Filing]) -> Result<Vec<Request>> {
    let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
    // Ids are handed out here, under the write lock, so that the rows of every table
    // can be written in one statement each.
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM requests")
        .fetch_one(&mut *tx)
        .await?;
    let ids: Vec<i64> = (1..=filings.len() as i64).map(|i| last + i).collect();

    let mut rows = QueryBuilder::<Sqlite>::new(
        "INSERT INTO requests (id, service_id, provider_department_id, requester_id, \
         requester_department_id, confidential, subject, description, priority, status, \
         assignee_id, fields, created_at, updated_at) ",
    );
    rows.push_values(filings.iter().zip(&ids), |mut b, (f, id)| {
        b.push_bind(*id)
            .push_bind(f.service_id)
            .push_bind(f.provider_department_id)
            .push_bind(f.requester_id)
            .push_bind(f.requester_department_id)
            .push("(SELECT confidential FROM services WHERE id = ")
            .push_bind_unseparated(f.service_id)
            .push_unseparated(")")
            .push_bind(f.subject.as_str())
            .push_bind(f.description.as_str())
            .push_bind(f.priority)
            .push_bind(Status::New.as_str())
            .push("NULL")
            .push_bind(f.fields.as_str())
            .push_bind(f.at)
            .push_bind(f.at);
    });
    rows.push(" RETURNING ").push(COLUMNS);
    let mut requests: Vec<Request> = rows.build_query_as().fetch_all(&mut *tx).await?;
    requests.sort_by_key(|r| r.id);

    let mut history = QueryBuilder::<Sqlite>::new(
        "INSERT INTO request_history (request_id, actor_id, at, field, old_value, new_value, internal) ",
    );
    let mut entries = Vec::new();
    for (f, id) in filings.iter().zip(&ids) {
        entries.push((
            *id,
            Some(f.requester_id),
            f.at,
            "status",
            None,
            Some(Status::New.as_str().to_owned()),
        ));
        for change in &f.clocks.history {
            entries.push((
                *id,
                None,
                f.at,
                change.field,
                change.old_value.clone(),
                change.new_value.clone(),
            ));
        }
    }
    history.push_values(&entries, |mut b, (id, actor, at, field, old, new)| {
        b.push_bind(*id)
            .push_bind(*actor)
            .push_bind(*at)
            .push_bind(*field)
            .push_bind(old.as_deref())
            .push_bind(new.as_deref())
            .push_bind(false);
    });
    history.build().execute(&mut *tx).await?;

    let mut index = QueryBuilder::<Sqlite>::new("INSERT INTO request_search (rowid, body) ");
    index.push_values(filings.iter().zip(&ids), |mut b, (f, id)| {
        b.push_bind(search::request_key(*id))
            .push_bind(search::request_text(&f.subject, &f.description));
    });
    index.build().execute(&mut *tx).await?;

    let clocks: Vec<(i64, &crate::slas::StoredClock)> = filings
        .iter()
        .zip(&ids)
        .flat_map(|(f, id)| f.clocks.clocks.iter().map(move |c| (*id, c)))
        .collect();
    if !clocks.is_empty() {
        let mut insert = QueryBuilder::<Sqlite>::new(slas::INSERT_CLOCKS);
        insert.push_values(&clocks, |mut b, (id, stored)| {
            slas::push_clock!(b, *id, stored);
        });
        insert.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    if requests.len() != filings.len() {
        return Err(StoreError::Corrupt(
            "a batch filed fewer requests than asked".into(),
        ));
    }
    Ok(requests)
}
