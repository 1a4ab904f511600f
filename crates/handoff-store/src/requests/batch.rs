//! Filing on SQLite, in batches. SQLite takes one writer at a time, and every statement
//! is a hand-off to sqlx's worker thread, so filing one request per transaction spends
//! most of its time handing off and committing. Requests filed at the same moment are
//! queued here and written together: one transaction and one multi-row statement per
//! table for the whole batch ([`Tx::file`], which PostgreSQL's filing uses too). A batch that fails is retried one request at a time, so
//! one bad request fails alone.

use sqlx::sqlite::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::{Filing, Request};
use crate::db::BeginWrite;
use crate::{Result, StoreError, Tx};

/// Most requests written in one transaction.
const MAX_BATCH: usize = 16;

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

/// Writes the batch in one transaction, through the same [`Tx::file`] as PostgreSQL; the
/// requests come back in the batch's order.
async fn insert(write: &SqlitePool, filings: &[&Filing]) -> Result<Vec<Request>> {
    let mut tx = Tx::Sqlite(write.begin_write().await?);
    let requests = tx.file(filings).await?;
    tx.commit().await?;
    Ok(requests)
}
