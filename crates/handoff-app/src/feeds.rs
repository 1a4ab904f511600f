//! Calendar feeds: a person asks for a secret that opens the iCalendar feeds of upcoming
//! occurrences (their department's, any department's and their own) in a calendar
//! program, which cannot sign in. A new secret replaces the old one, closing its URLs.

use handoff_domain::access::Actor;
use handoff_store::deliverables::{self, Owed, Upcoming};
use handoff_store::{departments, feeds, people, to_micros};
use jiff::{SignedDuration, Timestamp};

use crate::App;
use crate::error::{ActionError, ActionResult};

/// Creates (or replaces) the actor's feed secret; returned once, stored as its digest.
pub async fn new_key(app: &App, actor: &Actor) -> ActionResult<String> {
    let secret = feeds::new_secret();
    let mut tx = app.db.begin().await?;
    feeds::set(
        &mut tx,
        actor.person_id,
        &feeds::digest(&secret),
        to_micros(app.clock.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The active person a feed secret opens for.
pub async fn reader(app: &App, secret: &str) -> ActionResult<Option<i64>> {
    let Some(person) = feeds::person(&app.db, &feeds::digest(secret)).await? else {
        return Ok(None);
    };
    Ok(people::get(&app.db, person)
        .await
        .ok()
        .filter(|p| p.active)
        .map(|p| p.id))
}

/// How far back and ahead a feed reaches.
const BACK_DAYS: i64 = 30;
const AHEAD_DAYS: i64 = 100;
const MAX_EVENTS: i64 = 2_000;

/// The occurrences a feed lists: the last month's and the coming ones.
pub async fn occurrences(app: &App, owed: Owed) -> ActionResult<Vec<Upcoming>> {
    match owed {
        Owed::Department(id) | Owed::ByDepartment(id) => {
            departments::get(&app.db, id)
                .await
                .map_err(|_| ActionError::NotFound("department"))?;
        }
        Owed::Person(id) => {
            people::get(&app.db, id)
                .await
                .map_err(|_| ActionError::NotFound("person"))?;
        }
    }
    let now = app.clock.now();
    let span = |days: i64| SignedDuration::from_hours(24 * days);
    let from = now.checked_sub(span(BACK_DAYS)).unwrap_or(Timestamp::MIN);
    let to = now.checked_add(span(AHEAD_DAYS)).unwrap_or(Timestamp::MAX);
    Ok(deliverables::upcoming(&app.db, owed, to_micros(from), to_micros(to), MAX_EVENTS).await?)
}
