//! In-app notifications: what Handoff has to tell a person (SLA warnings, breaches,
//! escalations), newest first.

use crate::{Db, Result, on_read};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub person_id: i64,
    pub request_id: Option<i64>,
    pub deliverable_id: Option<i64>,
    pub occurrence_id: Option<i64>,
    pub kind: String,
    pub message: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A person's notifications with an id below `before` (0: from the newest).
pub async fn of_person(
    db: &Db,
    person_id: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<Notification>> {
    Ok(on_read!(db, |pool| {
        sqlx::query_as(
        "SELECT id, person_id, request_id, deliverable_id, occurrence_id, kind, message, created_at, read_at FROM notifications \
         WHERE person_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3"
    )
    .bind(person_id)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?
    }))
}

/// A notification to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub person_id: i64,
    pub request_id: Option<i64>,
    /// The occurrence of a deliverable it is about, as `(deliverable, occurrence)`.
    pub occurrence: Option<(i64, i64)>,
    pub kind: &'static str,
    pub message: String,
}

/// Writes notifications inside the caller's transaction, in one statement, at `at`
/// (microseconds).
pub async fn insert(tx: &mut crate::Tx, rows: &[NewNotification], at: i64) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::on_tx!(tx, |conn| {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO notifications (person_id, request_id, deliverable_id, occurrence_id, kind, message, created_at) ",
        );
        insert.push_values(rows, |mut b, n| {
            b.push_bind(n.person_id)
                .push_bind(n.request_id)
                .push_bind(n.occurrence.map(|o| o.0))
                .push_bind(n.occurrence.map(|o| o.1))
                .push_bind(n.kind)
                .push_bind(n.message.as_str())
                .push_bind(at);
        });
        insert.build().execute(conn).await?;
    });
    Ok(())
}
