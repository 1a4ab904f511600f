//! Kudos: a person thanks a person or a whole department for something specific, tagged
//! with one of the organisation's values. Managers feature kudos as success stories of
//! departments working well together.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::validation::text;
use handoff_store::kudos::{self, Kudos, KudosFilter, NewKudos};
use handoff_store::{departments, people, settings, to_micros};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::notify::tell;

/// Longest kudos message and story.
pub const MESSAGE_MAX: usize = 2_000;

/// Whom the thanks go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thanked {
    Person(i64),
    Department(i64),
}

pub struct GiveKudos {
    pub to: Option<Thanked>,
    pub value: String,
    pub message: String,
}

#[tracing::instrument(name = "give_kudos", skip_all, fields(actor = actor.person_id))]
pub async fn give(app: &App, actor: &Actor, command: GiveKudos) -> ActionResult<Kudos> {
    let mut errors = FieldErrors::new();
    let message = text(&mut errors, "message", &command.message, MESSAGE_MAX);
    let settings = settings::get(&app.db).await?;
    let value = match settings.value(&command.value) {
        Some(v) => v.to_owned(),
        None => {
            errors.add(
                "value",
                format!(
                    "must be one of the organisation's values: {}",
                    settings.values.join(", ")
                ),
            );
            String::new()
        }
    };
    let (to_person, to_department) = match command.to {
        None => {
            errors.add(
                "to_person_id",
                "say whom you thank: a person or a department",
            );
            (None, 0)
        }
        Some(Thanked::Person(id)) if id == actor.person_id => {
            errors.add("to_person_id", "kudos are for someone else, not yourself");
            (None, 0)
        }
        Some(Thanked::Person(id)) => match people::get(&app.db, id).await {
            Ok(person) if person.active => (Some(id), person.department_id),
            _ => {
                errors.add("to_person_id", "no active person has this id");
                (None, 0)
            }
        },
        Some(Thanked::Department(id)) => {
            if departments::get(&app.db, id).await.is_err() {
                errors.add("to_department_id", "no department has this id");
            }
            (None, id)
        }
    };
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let new = NewKudos {
        from_person_id: actor.person_id,
        from_department_id: actor.department_id,
        to_person_id: to_person,
        to_department_id: to_department,
        value: &value,
        message: &message,
    };
    let id = kudos::insert(&mut tx, &new, at).await?;
    let (recipients, whom) = match to_person {
        Some(person) => (vec![person], "you".to_owned()),
        None => {
            let name = departments::get(&app.db, to_department).await?.name;
            (
                people::active_in_department(&app.db, to_department, false).await?,
                name,
            )
        }
    };
    let giver = people::get(&app.db, actor.person_id).await?.name;
    tell(
        &mut tx,
        &recipients,
        None,
        "kudos",
        &format!("{giver} thanked {whom} ({value}): {message}"),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(kudos::get(&app.db, id).await?)
}

/// Features kudos `id` as a success story with a few lines; managers of the giving or
/// the thanked department, and admins, do it. Featuring again rewrites the story.
#[tracing::instrument(name = "feature_kudos", skip_all, fields(kudos = id, actor = actor.person_id))]
pub async fn feature(app: &App, actor: &Actor, id: i64, story: &str) -> ActionResult<Kudos> {
    let found = kudos::get(&app.db, id).await.map_err(or_404("kudos"))?;
    if !(actor.manages(found.from_department_id) || actor.manages(found.to_department_id)) {
        return Err(ActionError::forbidden(
            "managers of the giving or the thanked department feature kudos",
        ));
    }
    let mut errors = FieldErrors::new();
    let story = text(&mut errors, "story", story, MESSAGE_MAX);
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let mut tx = app.db.begin().await?;
    kudos::feature(
        &mut tx,
        id,
        &story,
        actor.person_id,
        to_micros(app.clock.now()),
    )
    .await?;
    tx.commit().await?;
    Ok(kudos::get(&app.db, id).await?)
}

/// Kudos, newest first; everyone in the organisation reads them.
pub async fn list(
    app: &App,
    filter: &KudosFilter,
    before: i64,
    limit: i64,
) -> ActionResult<Vec<Kudos>> {
    for (field, id) in [
        ("to_department_id", filter.to_department_id),
        ("from_department_id", filter.from_department_id),
    ] {
        if let Some(id) = id
            && departments::get(&app.db, id).await.is_err()
        {
            return Err(ActionError::field(field, "no department has this id"));
        }
    }
    Ok(kudos::list(&app.db, filter, before, limit).await?)
}
