//! The rows a bulk load writes, as plain values: ids are assigned by the caller (from
//! [`Bases`](super::Bases)), times are microseconds.

use handoff_domain::form::FieldDef;
use handoff_domain::org::Role;
use handoff_domain::request::Status;

use crate::comments::Comment;
use crate::history::Entry;
use crate::slas::StoredClock;

/// An organisation: its departments, people and services, all set up at `created_at`.
#[derive(Debug, Clone, Default)]
pub struct OrgRows {
    pub created_at: i64,
    /// Parents before their children.
    pub departments: Vec<DepartmentRow>,
    pub people: Vec<PersonRow>,
    pub services: Vec<ServiceRow>,
}

#[derive(Debug, Clone)]
pub struct DepartmentRow {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub parent_id: Option<i64>,
}

/// An active person.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department_id: i64,
    pub role: Role,
}

/// An active service; open to everyone unless it has an `audience`.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub open_to_everyone: bool,
    pub confidential: bool,
    pub fields: Vec<FieldDef>,
    /// Departments that may request it, when it is not open to everyone.
    pub audience: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub confidential: bool,
    pub subject: String,
    pub description: String,
    /// [`Priority::rank`](handoff_domain::request::Priority::rank).
    pub priority: i16,
    pub status: Status,
    pub assignee_id: Option<i64>,
    /// The form's values, as JSON.
    pub fields: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
}

/// One piece of a request's text in the search index (see [`crate::search`]).
#[derive(Debug, Clone)]
pub struct SearchRow {
    pub key: i64,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct WatcherRow {
    pub request_id: i64,
    pub person_id: i64,
    pub added_by: i64,
    pub added_at: i64,
}

/// The rows of a run of requests, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    pub requests: Vec<RequestRow>,
    /// Events, with the ids they take.
    pub history: Vec<Entry>,
    pub comments: Vec<Comment>,
    pub search: Vec<SearchRow>,
    pub watchers: Vec<WatcherRow>,
    /// Each request's SLA clocks: (request id, clock).
    pub clocks: Vec<(i64, StoredClock)>,
}

impl Chunk {
    /// Empties the chunk but keeps its allocations for the next one.
    pub fn clear(&mut self) {
        self.requests.clear();
        self.history.clear();
        self.comments.clear();
        self.search.clear();
        self.watchers.clear();
        self.clocks.clear();
    }
}
