//! Watchers: people who follow a request. The requester and those who work the request
//! add and remove them; anyone may stop watching.

use handoff_domain::access::Actor;
use handoff_domain::request::RequestEvent;
use handoff_store::{people, to_micros, watchers};

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::requests::visible;

/// Adds `person` as a watcher of request `id`; returns whether they were new.
#[tracing::instrument(name = "add_watcher", skip_all, fields(request = id, person = person))]
pub async fn add(app: &App, actor: &Actor, id: i64, person: i64) -> ActionResult<bool> {
    let (request, relation) = visible(app, actor, id).await?;
    if !actor.can_manage_watchers(&request.facts(relation)) {
        return Err(ActionError::forbidden(
            "only the requester and the providing department add watchers",
        ));
    }
    if people::active_among(&app.db, &[person], None)
        .await?
        .is_empty()
    {
        return Err(ActionError::field(
            "person_id",
            "no active person has this id",
        ));
    }
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let added = watchers::insert(&mut tx, id, person, actor.person_id, at).await?;
    if added {
        let event = RequestEvent::WatcherAdded { person_id: person };
        tx.record(id, Some(actor.person_id), at, &[event]).await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Removes `person` as a watcher of request `id`; returns whether they were watching.
#[tracing::instrument(name = "remove_watcher", skip_all, fields(request = id, person = person))]
pub async fn remove(app: &App, actor: &Actor, id: i64, person: i64) -> ActionResult<bool> {
    let (request, relation) = visible(app, actor, id).await?;
    if person != actor.person_id && !actor.can_manage_watchers(&request.facts(relation)) {
        return Err(ActionError::forbidden(
            "only the requester and the providing department remove other watchers",
        ));
    }
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let removed = watchers::delete(&mut tx, id, person).await?;
    if removed {
        let event = RequestEvent::WatcherRemoved { person_id: person };
        tx.record(id, Some(actor.person_id), at, &[event]).await?;
    }
    tx.commit().await?;
    Ok(removed)
}
