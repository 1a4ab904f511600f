//! Requests: what an employee asks of another department's service, and everything that
//! happens to it.

mod batch;
mod create;
pub(crate) mod list;
pub mod pressing;
mod update;

pub use batch::FilingQueue;
pub(crate) use batch::Writer;
pub use create::{Filing, NewRequest, create};
pub use list::{Cursor, ListFilter, Page, Sort, SortKey, list};
pub use pressing::{Pressing, Whose, count_own, pressing};
pub use update::{lock, save};

use handoff_domain::access::RequestFacts;
use handoff_domain::request::{Priority, Status};
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;

use crate::{Db, Result, StoreError, on_read};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Request {
    pub id: i64,
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub confidential: bool,
    pub subject: String,
    pub description: String,
    pub priority: i16,
    pub status: String,
    pub assignee_id: Option<i64>,
    pub fields: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// How many times it was passed to another department.
    pub transfers: i32,
    /// Transferred back to a department that held it before, or three times or more.
    pub ping_pong: bool,
    /// When the current holder's stint began; `None`: at filing.
    pub stint_started_at: Option<i64>,
    /// The current holder's first public reply or resolution, in its stint.
    pub first_response_at: Option<i64>,
    /// The request this one was filed on behalf of.
    pub parent_id: Option<i64>,
}

impl Request {
    pub fn status(&self) -> Result<Status> {
        Status::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("request {} status", self.id)))
    }

    pub fn priority(&self) -> Result<Priority> {
        Priority::from_rank(self.priority)
            .ok_or_else(|| StoreError::Corrupt(format!("request {} priority", self.id)))
    }

    pub fn field_values(&self) -> Result<Map<String, Value>> {
        serde_json::from_str(&self.fields)
            .map_err(|e| StoreError::Corrupt(format!("request {} fields: {e}", self.id)))
    }

    /// The facts that decide access, for a viewer in `relation` to it.
    pub fn facts(&self, relation: Relation) -> RequestFacts {
        RequestFacts {
            requester_id: self.requester_id,
            requester_department_id: self.requester_department_id,
            provider_department_id: self.provider_department_id,
            confidential: self.confidential,
            watching: relation.watching,
            held_until: relation.held_until,
        }
    }

    /// When the current holder's stint began, in microseconds.
    pub fn stint_start(&self) -> i64 {
        self.stint_started_at.unwrap_or(self.created_at)
    }
}

/// How one viewer stands to a request, beyond its own columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relation {
    pub watching: bool,
    /// The end of the last stint in which the viewer's department held it, when it did
    /// before (microseconds).
    pub held_until: Option<i64>,
}

/// The columns of [`Request`], for `RETURNING`.
pub(crate) const COLUMNS: &str = "id, service_id, provider_department_id, requester_id, \
     requester_department_id, confidential, subject, description, priority, status, \
     assignee_id, fields, created_at, updated_at, resolved_at, closed_at, transfers, ping_pong, \
     stint_started_at, first_response_at, parent_id";

/// The same columns of the table aliased `r`, for queries that join.
pub(crate) static R_COLUMNS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("r.{}", COLUMNS.replace(", ", ", r.")));

#[derive(sqlx::FromRow)]
struct WithRelation {
    #[sqlx(flatten)]
    request: Request,
    watching: bool,
    held_until: Option<i64>,
}

/// The subjects of the requests with these ids, by id, in one statement; for callers that
/// know the reader may see them (a requester's own requests).
pub async fn subjects(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
    crate::sql::texts_by_id(db, "requests", "subject", ids).await
}

/// A request, and how `person` of `department` stands to it.
pub async fn get(db: &Db, id: i64, person: i64, department: i64) -> Result<(Request, Relation)> {
    let sql = format!(
        "SELECT {}, EXISTS (SELECT 1 FROM request_watchers w \
         WHERE w.request_id = r.id AND w.person_id = $2) AS watching, \
         (SELECT MAX(st.ended_at) FROM request_stints st \
         WHERE st.request_id = r.id AND st.department_id = $3) AS held_until \
         FROM requests r WHERE r.id = $1",
        *R_COLUMNS
    );
    let row: Option<WithRelation> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(person)
        .bind(department)
        .fetch_optional(pool)
        .await?);
    row.map(|r| {
        let relation = Relation {
            watching: r.watching,
            held_until: r.held_until,
        };
        (r.request, relation)
    })
    .ok_or(StoreError::NotFound)
}

/// The newest requests that still need work, newest first (the demo resolves some).
pub async fn latest_active(db: &Db, limit: i64) -> Result<Vec<Request>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM requests WHERE status NOT IN ('resolved', 'closed') \
         ORDER BY id DESC LIMIT $1"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(pool)
        .await?))
}

/// The requests filed on behalf of `parent`, oldest first.
pub async fn children(db: &Db, parent: i64) -> Result<Vec<Request>> {
    let sql = format!("SELECT {COLUMNS} FROM requests WHERE parent_id = $1 ORDER BY id");
    Ok(on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(parent)
        .fetch_all(pool)
        .await?))
}

/// How many requests filed on behalf of `parent` still need work, inside a transaction.
pub async fn open_children(tx: &mut crate::Tx, parent: i64) -> Result<i64> {
    Ok(crate::on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM requests WHERE parent_id = $1 \
         AND status NOT IN ('resolved', 'closed')"
    )
    .bind(parent)
    .fetch_one(conn)
    .await?))
}

/// Open requests (not resolved or closed, and not confidential) between departments,
/// counted per `(provider, requester department)`: those `department` provides when
/// `as_provider`, else those it filed.
pub async fn open_between(
    db: &Db,
    department: i64,
    as_provider: bool,
) -> Result<Vec<(i64, i64, i64)>> {
    let side = if as_provider {
        "provider_department_id"
    } else {
        "requester_department_id"
    };
    let select = format!(
        "SELECT provider_department_id, requester_department_id, COUNT(*) FROM requests \
         WHERE {side} = $1 AND NOT confidential \
         AND status IN ('new', 'open', 'in_progress', 'waiting_on_customer', 'reopened') \
         GROUP BY provider_department_id, requester_department_id"
    );
    Ok(on_read!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(
        select
    ))
    .bind(department)
    .fetch_all(pool)
    .await?))
}
