//! Filing a request: the row, its first events, its search entry and its SLA clocks,
//! together, through [`Tx::file`](crate::Tx::file) on both engines, requests filed at
//! the same moment in one transaction ([`super::batch`]).

use handoff_domain::request::Priority;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::Request;
use crate::slas::ClockWrite;
use crate::{Db, Result, to_micros};

pub struct NewRequest<'a> {
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub subject: &'a str,
    pub description: &'a str,
    pub priority: Priority,
    pub fields: &'a Map<String, Value>,
}

/// A request to file, owned so that it can wait in the SQLite batcher's queue.
pub struct Filing {
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
    /// Microseconds.
    pub at: i64,
    /// The request it is filed on behalf of (a linked request).
    pub parent_id: Option<i64>,
}

impl Filing {
    /// `clocks` (from [`ClockWrite::start`]) starts its SLA clocks with it.
    pub fn new(new: &NewRequest<'_>, clocks: ClockWrite, now: Timestamp) -> Filing {
        Filing {
            service_id: new.service_id,
            provider_department_id: new.provider_department_id,
            requester_id: new.requester_id,
            requester_department_id: new.requester_department_id,
            subject: new.subject.to_owned(),
            description: new.description.to_owned(),
            priority: new.priority.rank(),
            fields: Value::Object(new.fields.clone()).to_string(),
            clocks,
            at: to_micros(now),
            parent_id: None,
        }
    }
}

/// Files the request and starts its clocks, in a group with the requests filed at the
/// same moment ([`super::batch`]); answers once the group is committed.
pub async fn create(db: &Db, filing: Filing) -> Result<Request> {
    match db {
        Db::Sqlite { filings, .. } | Db::Postgres { filings, .. } => filings.file(filing).await,
    }
}
