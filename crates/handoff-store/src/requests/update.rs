//! Changing a request: status, assignee, priority, subject, description. The caller
//! decides what to change from the row as it stands inside the transaction, so that the
//! checks and the write see the same state even with several servers.

use handoff_domain::request::{Priority, Status};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use super::{COLUMNS, Request};
use handoff_domain::sla::on_status_change;

use crate::db::BeginWrite;
use crate::history::{self, Change};
use crate::slas::{Timekeeping, move_clocks};
use crate::{Db, Engine, Result, StoreError, on_write, search, to_micros};

/// What to change; `None` leaves an attribute as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestChanges {
    pub status: Option<Status>,
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

fn differs<T: PartialEq>(new: &Option<T>, old: &T) -> bool {
    new.as_ref().is_some_and(|n| n != old)
}

fn id_text(id: Option<i64>) -> Option<String> {
    id.map(|i| i.to_string())
}

/// The history entries that turning `old` into `changes` makes.
fn entries(old: &Request, changes: &RequestChanges) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |field, old_value, new_value| {
        out.push(Change {
            field,
            old_value,
            new_value,
            internal: false,
        })
    };
    if let Some(status) = changes.status.filter(|s| s.as_str() != old.status) {
        push(
            "status",
            Some(old.status.clone()),
            Some(status.as_str().to_owned()),
        );
    }
    if differs(&changes.assignee_id, &old.assignee_id) {
        let new = changes.assignee_id.flatten();
        push("assignee_id", id_text(old.assignee_id), id_text(new));
    }
    if let Some(priority) = changes.priority.filter(|p| p.rank() != old.priority) {
        let old_name = Priority::from_rank(old.priority).map(|p| p.as_str().to_owned());
        push("priority", old_name, Some(priority.as_str().to_owned()));
    }
    if differs(&changes.subject, &old.subject) {
        push(
            "subject",
            Some(old.subject.clone()),
            changes.subject.clone(),
        );
    }
    if differs(&changes.description, &old.description) {
        push(
            "description",
            Some(old.description.clone()),
            changes.description.clone(),
        );
    }
    out
}

/// Locks the request, lets `decide` turn its current state into changes (or refuse
/// with the caller's own error), then writes the changes and their history together.
/// The outer error is storage; the inner one is `decide`'s refusal.
pub async fn update<E>(
    db: &Db,
    id: i64,
    actor_id: i64,
    now: Timestamp,
    time: &Timekeeping,
    decide: impl FnOnce(&Request) -> Result<RequestChanges, E>,
) -> Result<Result<Request, E>> {
    let lock = match db.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    };
    let select = format!("SELECT {COLUMNS} FROM requests WHERE id = $1{lock}");
    let update = format!(
        "UPDATE requests SET status = $2, assignee_id = $3, priority = $4, subject = $5, \
         description = $6, updated_at = $7, resolved_at = $8, closed_at = $9 \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    let reindex = search::replace_sql(db.engine());
    let engine = db.engine();
    let at = to_micros(now);
    on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let old: Request = sqlx::query_as(AssertSqlSafe(select))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let changes = match decide(&old) {
            Ok(changes) => changes,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let history = entries(&old, &changes);
        if history.is_empty() {
            return Ok(Ok(old));
        }
        let status = changes
            .status
            .map_or(old.status.clone(), |s| s.as_str().to_owned());
        let (resolved_at, closed_at) = match changes.status {
            Some(Status::Resolved) => (Some(at), None),
            Some(Status::Closed) => (old.resolved_at, Some(at)),
            Some(Status::Reopened) => (None, None),
            _ => (old.resolved_at, old.closed_at),
        };
        let new: Request = sqlx::query_as(AssertSqlSafe(update))
            .bind(id)
            .bind(&status)
            .bind(changes.assignee_id.unwrap_or(old.assignee_id))
            .bind(changes.priority.map_or(old.priority, Priority::rank))
            .bind(changes.subject.as_deref().unwrap_or(&old.subject))
            .bind(changes.description.as_deref().unwrap_or(&old.description))
            .bind(at)
            .bind(resolved_at)
            .bind(closed_at)
            .fetch_one(&mut *tx)
            .await?;
        for change in &history {
            sqlx::query(history::INSERT)
                .bind(id)
                .bind(Some(actor_id))
                .bind(at)
                .bind(change.field)
                .bind(change.old_value.as_deref())
                .bind(change.new_value.as_deref())
                .bind(change.internal)
                .execute(&mut *tx)
                .await?;
        }
        if let (Ok(from), Some(to)) = (old.status(), changes.status) {
            let actions = on_status_change(from, to);
            move_clocks!(tx, engine, id, Some(actor_id), at, &actions, now, time);
        }
        if new.subject != old.subject || new.description != old.description {
            sqlx::query(reindex)
                .bind(search::request_key(id))
                .bind(search::request_text(&new.subject, &new.description))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Ok(new))
    })
}
