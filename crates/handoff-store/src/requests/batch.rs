//! Filing in groups (group commit), on both engines. Every statement is a round trip (to
//! sqlx's worker thread on SQLite, to the server on PostgreSQL) and every transaction a
//! commit, so filing one request per transaction spends most of its time waiting on
//! round trips and commits. Requests filed at the same moment are queued here and
//! written together: one transaction and one multi-row statement per table for the
//! whole group ([`Tx::file`]). A group that fails is retried one request at a time, so
//! one bad request fails alone. A request is answered only once its group is committed:
//! grouping never acknowledges anything that could still be lost.
//!
//! SQLite takes one writer at a time, so one group is written at a time. PostgreSQL
//! takes several: up to [`Writer::groups`] groups are written at once, each on its own
//! connection, and while they are, the next requests gather into the next group.

use std::sync::Arc;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::{Filing, Request};
use crate::db::BeginWrite;
use crate::{Result, StoreError, Tx};

/// Most requests written in one transaction.
const MAX_GROUP: usize = 16;

/// Groups PostgreSQL writes at once, each holding one of the pool's connections (the
/// others serve reads).
const POSTGRES_GROUPS: usize = 2;

/// The pool the groups are written through.
#[derive(Debug, Clone)]
pub(crate) enum Writer {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Writer {
    async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Writer::Sqlite(pool) => Tx::Sqlite(pool.begin_write().await?),
            Writer::Postgres(pool) => Tx::Postgres(pool.begin_write().await?),
        })
    }

    /// How many groups may be written at once.
    fn groups(&self) -> usize {
        match self {
            Writer::Sqlite(_) => 1,
            Writer::Postgres(_) => POSTGRES_GROUPS,
        }
    }
}

struct Job {
    filing: Filing,
    reply: oneshot::Sender<Result<Request>>,
}

/// The queue in front of the writers; cheap to clone.
#[derive(Debug, Clone)]
pub struct FilingQueue(mpsc::Sender<Job>);

impl FilingQueue {
    /// Starts the task that drains the queue into `writer`.
    pub(crate) fn start(writer: Writer) -> FilingQueue {
        let (sender, mut receiver) = mpsc::channel::<Job>(1024);
        let free = Arc::new(Semaphore::new(writer.groups()));
        tokio::spawn(async move {
            while let Some(first) = receiver.recv().await {
                // Wait for a free writer; what arrives meanwhile joins this group.
                let Ok(permit) = free.clone().acquire_owned().await else {
                    return;
                };
                let mut jobs = vec![first];
                while jobs.len() < MAX_GROUP {
                    match receiver.try_recv() {
                        Ok(job) => jobs.push(job),
                        Err(_) => break,
                    }
                }
                let writer = writer.clone();
                tokio::spawn(async move {
                    write_group(&writer, jobs).await;
                    drop(permit);
                });
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

/// Writes the group and answers each of its requests.
async fn write_group(writer: &Writer, jobs: Vec<Job>) {
    let filings: Vec<&Filing> = jobs.iter().map(|j| &j.filing).collect();
    match insert(writer, &filings).await {
        Ok(requests) => {
            for (job, request) in jobs.into_iter().zip(requests) {
                let _ = job.reply.send(Ok(request));
            }
        }
        Err(error) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                let _ = job.reply.send(Err(error));
            }
        }
        Err(error) => {
            tracing::debug!(%error, size = jobs.len(), "group failed; filing one by one");
            // One at a time, so that only the culprit fails.
            for job in jobs {
                let result = insert(writer, &[&job.filing]).await;
                let _ = job.reply.send(result.map(|mut one| one.remove(0)));
            }
        }
    }
}

/// Writes the group in one transaction; the requests come back in the group's order.
async fn insert(writer: &Writer, filings: &[&Filing]) -> Result<Vec<Request>> {
    let mut tx = writer.begin().await?;
    let requests = tx.file(filings).await?;
    tx.commit().await?;
    Ok(requests)
}
