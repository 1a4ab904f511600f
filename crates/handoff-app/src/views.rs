//! Saved views: each person keeps their own request lists under a name, beside the
//! built-in ones. A view is the list's query string, checked when saved (only the list's
//! own parameters, with values it knows) and kept in its canonical form.

use handoff_domain::access::Actor;
use handoff_domain::queue::ListQuery;
use handoff_domain::validation::{FieldErrors, text};
use handoff_store::views::{self, SavedView};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404, unique_as_field};

/// The longest name a view may have, in characters.
pub const NAME_MAX: usize = 60;

/// The most views one person keeps.
pub const MAX_PER_PERSON: i64 = 50;

/// The actor's saved views, by name.
pub async fn mine(app: &App, actor: &Actor) -> ActionResult<Vec<SavedView>> {
    Ok(views::of_person(&app.db, actor.person_id).await?)
}

/// Saves the list `query` under `name` for the actor.
#[tracing::instrument(name = "save_view", skip_all, fields(actor = actor.person_id))]
pub async fn save(app: &App, actor: &Actor, name: &str, query: &str) -> ActionResult<SavedView> {
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", name, NAME_MAX);
    let query = match ListQuery::parse(query.trim()) {
        Ok(list) => list.to_query(),
        Err(e) => {
            errors.add("query", e.to_string());
            String::new()
        }
    };
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let mut tx = app.db.begin().await?;
    if views::count_locked(&mut tx, actor.person_id).await? >= MAX_PER_PERSON {
        return Err(ActionError::conflict(
            "too_many_views",
            None,
            format!("a person keeps at most {MAX_PER_PERSON} views: delete one first"),
        ));
    }
    let saved = views::insert(&mut tx, actor.person_id, &name, &query, app.clock.now())
        .await
        .map_err(|e| unique_as_field(e, "name", "you have a view with this name already"))?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes the actor's view `id`; someone else's is not found.
#[tracing::instrument(name = "delete_view", skip_all, fields(actor = actor.person_id, view = id))]
pub async fn delete(app: &App, actor: &Actor, id: i64) -> ActionResult<SavedView> {
    views::delete(&app.db, actor.person_id, id)
        .await
        .map_err(or_404("view"))
}
