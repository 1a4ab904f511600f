//! In-app notifications written by the feedback actions, inside their transaction.

use handoff_store::Tx;
use handoff_store::notifications::{self, NewNotification};

/// Rows per statement: 7 values a row, well within SQLite's bound parameters.
const CHUNK: usize = 1_000;

/// Tells each of `people` (once each) the same `message`.
pub(crate) async fn tell(
    tx: &mut Tx,
    people: &[i64],
    request_id: Option<i64>,
    kind: &'static str,
    message: &str,
    at: i64,
) -> handoff_store::Result<()> {
    write(tx, people, request_id, None, kind, message, at).await
}

/// Tells each of `people` (once each) the same `message` about an occurrence of a
/// deliverable, `(deliverable, occurrence)`.
pub(crate) async fn tell_about_occurrence(
    tx: &mut Tx,
    people: &[i64],
    occurrence: (i64, i64),
    kind: &'static str,
    message: &str,
    at: i64,
) -> handoff_store::Result<()> {
    write(tx, people, None, Some(occurrence), kind, message, at).await
}

async fn write(
    tx: &mut Tx,
    people: &[i64],
    request_id: Option<i64>,
    occurrence: Option<(i64, i64)>,
    kind: &'static str,
    message: &str,
    at: i64,
) -> handoff_store::Result<()> {
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    for chunk in people.chunks(CHUNK) {
        let rows: Vec<NewNotification> = chunk
            .iter()
            .map(|person| NewNotification {
                person_id: *person,
                request_id,
                occurrence,
                kind,
                message: message.to_owned(),
            })
            .collect();
        notifications::insert(tx, &rows, at).await?;
    }
    Ok(())
}
