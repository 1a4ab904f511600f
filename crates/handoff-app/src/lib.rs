//! Handoff's actions: one function per use case, below HTTP and above storage. Each takes
//! the actor and a command, decides with the domain's rules, writes through the store in
//! one transaction ([`handoff_store::Tx`]) and returns what it changed with the events it
//! recorded. The API, the pages, the worker and the demo all call these; none of them
//! repeats a rule.

pub mod asks;
pub mod bulk;
pub mod calendars;
pub mod comments;
pub mod concerns;
pub mod deliverables;
pub mod dependencies;
pub mod digest;
pub mod error;
pub mod feeds;
pub mod health;
pub mod import;
pub mod internal_customers;
pub mod jobs;
pub mod kudos;
pub mod links;
mod notify;
pub mod org;
pub mod pulses;
pub mod ratings;
pub mod requests;
pub mod roster;
pub mod scorecards;
pub mod search;
pub mod services;
pub mod settings;
pub mod sla;
pub mod stints;
pub mod tokens;
pub mod transfers;
pub mod views;
pub mod watchers;

use std::sync::Arc;

use handoff_domain::clock::Clock;
use handoff_store::Db;
use handoff_store::slas::Timekeeping;

pub use error::{ActionError, ActionResult};

/// What every action reaches: the database, the clock and the compiled calendars.
/// Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    calendars: Arc<calendars::CalendarCache>,
    /// Woken when a job is queued, so that a worker in this process starts it at once.
    jobs_queued: Arc<tokio::sync::Notify>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> App {
        App {
            db,
            clock,
            calendars: Arc::default(),
            jobs_queued: Arc::default(),
        }
    }

    /// How the requests of `department` count time.
    pub async fn timekeeping(&self, department: i64) -> ActionResult<Timekeeping> {
        self.calendars
            .timekeeping(&self.db, department, self.clock.now())
            .await
    }

    /// Resolves when a job has been queued in this process since the last call.
    pub async fn job_queued(&self) {
        self.jobs_queued.notified().await
    }

    /// Refuses, naming its field, the first of `ids` that is no department's id (a
    /// filter of a list, say); a fault of the database stays one, not a "no such id".
    pub(crate) async fn known_departments(&self, ids: &[(&str, Option<i64>)]) -> ActionResult<()> {
        for (field, id) in ids {
            let Some(id) = id else { continue };
            match handoff_store::departments::get(&self.db, *id).await {
                Ok(_) => {}
                Err(handoff_store::StoreError::NotFound) => {
                    return Err(ActionError::field(field, "no department has this id"));
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    pub(crate) fn wake_worker(&self) {
        self.jobs_queued.notify_one();
    }
}
