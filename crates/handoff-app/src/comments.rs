//! Public replies and internal notes: a customer's reply brings a request waiting on
//! them back to open; the providing department's reply answers it (first response) and
//! restarts the next-update clock.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::request::{BODY_MAX, RequestEvent, Status};
use handoff_domain::sla::{on_provider_reply, on_status_change};
use handoff_domain::validation::text;
use handoff_store::comments::{self, Comment};
use handoff_store::{requests, to_micros};

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::requests::visible;

/// A reply, or an internal note.
pub struct NewComment {
    pub body: String,
    pub internal: bool,
}

/// What a comment did.
pub struct Commented {
    pub comment: Comment,
    /// The request's new status, when the reply moved it.
    pub request_status: Option<Status>,
    pub events: Vec<RequestEvent>,
}

/// Posts a reply or internal note on request `id` as `actor`.
#[tracing::instrument(name = "comment", skip_all, fields(request = id, actor = actor.person_id, internal = new.internal))]
pub async fn post(app: &App, actor: &Actor, id: i64, new: NewComment) -> ActionResult<Commented> {
    let (request, relation) = visible(app, actor, id).await?;
    let facts = request.facts(relation);
    if actor.sees_until(&facts).is_some() {
        return Err(ActionError::forbidden(
            "your department passed this request on: it reads what happened while it held it, and writes no more",
        ));
    }
    if new.internal && !actor.can_see_internal(&facts) {
        return Err(ActionError::forbidden(
            "only the providing department writes internal notes",
        ));
    }
    let mut errors = FieldErrors::new();
    let body = text(&mut errors, "body", &new.body, BODY_MAX);
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let from_customer = actor.replies_as_customer(&facts) && !new.internal;
    let from_provider = actor.can_work(&facts) && !new.internal;
    let time = app.timekeeping(request.provider_department_id).await?;
    let now = app.clock.now();
    let at = to_micros(now);
    let author = Some(actor.person_id);

    let mut tx = app.db.begin().await?;
    let old = requests::lock(&mut tx, id).await?;
    let comment = comments::insert(&mut tx, id, actor.person_id, &body, new.internal, at).await?;
    let mut events = vec![if new.internal {
        RequestEvent::InternalNote {
            comment_id: comment.id,
        }
    } else {
        RequestEvent::Replied {
            comment_id: comment.id,
        }
    }];
    let mut clock_actions = Vec::new();
    let mut request_status = None;
    let mut after = old.clone();
    if from_customer && old.status()? == Status::WaitingOnCustomer {
        after.status = Status::Open.as_str().to_owned();
        events.push(RequestEvent::StatusChanged {
            from: Status::WaitingOnCustomer,
            to: Status::Open,
        });
        clock_actions.extend(on_status_change(Status::WaitingOnCustomer, Status::Open));
        request_status = Some(Status::Open);
    }
    if from_provider && old.first_response_at.is_none() {
        // The holder's first answer in its stint.
        after.first_response_at = Some(at);
    }
    if after != old {
        after.updated_at = at;
        requests::save(&mut tx, &old, &after).await?;
    }
    if from_provider {
        clock_actions.extend(on_provider_reply());
    }
    tx.record(id, author, at, &events).await?;
    crate::links::hold_for_links(app, &mut tx, &after, &mut clock_actions).await?;
    let moved = tx
        .move_clocks(id, author, &clock_actions, now, &time)
        .await?;
    events.extend(moved);
    tx.commit().await?;
    Ok(Commented {
        comment,
        request_status,
        events,
    })
}
