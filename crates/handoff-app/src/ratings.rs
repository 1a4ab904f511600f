//! Satisfaction ratings: a resolved request's requester is asked to rate it (1-5, with an
//! optional comment), once per resolution and at most once per interval about the same
//! department; the rating counts for the department that resolved it (and, in
//! relationship health, for an earlier holder that went past a target of its own) and
//! shows on the request to every department that held it.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::feedback::TEXT_MAX;
use handoff_domain::feedback::rating::{self, Ask, LOW_SCORE, RatingRefused};
use handoff_domain::validation::optional_text;
use handoff_store::ratings::{self, NewAsk, Rating, RatingFilter};
use handoff_store::requests::{Relation, Request};
use handoff_store::{Tx, departments, from_micros, people, settings, to_micros};
use jiff::Timestamp;

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::notify::tell;
use crate::requests::visible;

/// Asks the requester of `request`, just resolved at `now`, to rate it; inside the
/// resolving transaction. Skipped (recorded as not asked, rating still possible) when
/// they were asked about the same department within the organisation's interval.
pub(crate) async fn ask(tx: &mut Tx, request: &Request, now: Timestamp) -> ActionResult<()> {
    let interval = settings::get_in(tx).await?.rating_interval_days;
    let last = ratings::last_asked(tx, request.requester_id, request.provider_department_id)
        .await?
        .map(from_micros);
    let asked = rating::ask_again(last, interval, now);
    let at = to_micros(now);
    ratings::insert(
        tx,
        &NewAsk {
            request_id: request.id,
            requester_id: request.requester_id,
            requester_department_id: request.requester_department_id,
            provider_department_id: request.provider_department_id,
            resolved_at: at,
            asked,
            expires_at: to_micros(rating::expires(now)),
        },
    )
    .await?;
    if asked {
        let message = format!(
            "Request #{} \"{}\" is resolved: how were you served? Rate it from 1 to 5.",
            request.id, request.subject
        );
        tell(
            tx,
            &[request.requester_id],
            Some(request.id),
            "rating_ask",
            &message,
            at,
        )
        .await?;
    }
    Ok(())
}

/// A request reopened: its unrated ask is withdrawn (the next resolution asks again).
pub(crate) async fn withdraw(tx: &mut Tx, request_id: i64, now: Timestamp) -> ActionResult<()> {
    Ok(ratings::withdraw_open(tx, request_id, to_micros(now)).await?)
}

/// A rating as given.
pub struct Rate {
    pub score: i32,
    pub comment: String,
}

/// Rates (or re-rates) the latest resolution of request `id`, as its requester.
#[tracing::instrument(name = "rate_request", skip_all, fields(request = id))]
pub async fn rate(app: &App, actor: &Actor, id: i64, rate: Rate) -> ActionResult<Rating> {
    rate_with(app, actor, id, rate, true).await
}

/// A rating from imported history: taken as it happened, however long after the
/// resolution it came (the windows that pace asking do not refuse it); only the
/// requester rates, and only a resolved request.
pub(crate) async fn rate_imported(
    app: &App,
    actor: &Actor,
    id: i64,
    rate: Rate,
) -> ActionResult<Rating> {
    rate_with(app, actor, id, rate, false).await
}

async fn rate_with(
    app: &App,
    actor: &Actor,
    id: i64,
    rate: Rate,
    paced: bool,
) -> ActionResult<Rating> {
    let (request, _) = visible(app, actor, id).await?;
    if request.requester_id != actor.person_id {
        return Err(ActionError::forbidden("only the requester rates a request"));
    }
    let mut errors = FieldErrors::new();
    let comment = optional_text(&mut errors, "comment", &rate.comment, TEXT_MAX);
    if let Err(refused) = rating::check_score(rate.score) {
        errors.add("score", refused.to_string());
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let now = app.clock.now();
    let at = to_micros(now);
    let mut tx = app.db.begin().await?;
    let Some(latest) = ratings::latest_locked(&mut tx, id).await? else {
        return Err(refused(RatingRefused::NotResolved));
    };
    let ask = Ask {
        expires_at: from_micros(latest.expires_at),
        rated_at: latest.rated_at.map(from_micros),
    };
    if paced {
        ask.check(now).map_err(refused)?;
    }
    let saved = ratings::rate(&mut tx, latest.id, rate.score, &comment, at).await?;
    let newly_low = rate.score <= LOW_SCORE && latest.score.is_none_or(|before| before > LOW_SCORE);
    if newly_low {
        let managers =
            people::active_in_department(&app.db, saved.provider_department_id, true).await?;
        let message = format!(
            "Request #{} \"{}\" was rated {}/5 by its requester{}",
            id,
            request.subject,
            rate.score,
            if comment.is_empty() {
                String::new()
            } else {
                format!(": \"{comment}\"")
            }
        );
        tell(&mut tx, &managers, Some(id), "low_rating", &message, at).await?;
    }
    tx.commit().await?;
    Ok(saved)
}

fn refused(why: RatingRefused) -> ActionError {
    let code = match why {
        RatingRefused::Score => "invalid_score",
        RatingRefused::NotResolved => "not_resolved",
        RatingRefused::Expired(_) => "ask_expired",
        RatingRefused::WindowClosed(_) => "rating_window_closed",
    };
    ActionError::conflict(code, Some("score"), why.to_string())
}

/// Where a request's rating stands, for those who may see it.
pub struct RatingView {
    /// The latest resolution's ask and rating.
    pub latest: Rating,
    /// Earlier resolutions that were rated, latest first.
    pub earlier: Vec<Rating>,
    /// Whether the viewer is the requester and may rate (or change the rating) now.
    pub can_rate: bool,
    /// Until when the rating can be given or changed.
    pub open_until: Option<Timestamp>,
}

/// The rating of request `id`: for its requester, those who work it and the departments
/// that held it. `None` when it was never resolved.
pub async fn of_request(app: &App, actor: &Actor, id: i64) -> ActionResult<Option<RatingView>> {
    let (request, relation) = visible(app, actor, id).await?;
    of_visible(app, actor, &request, relation).await
}

/// [`of_request`] for a request the caller has read and found visible to the actor.
pub async fn of_visible(
    app: &App,
    actor: &Actor,
    request: &Request,
    relation: Relation,
) -> ActionResult<Option<RatingView>> {
    let id = request.id;
    let facts = request.facts(relation);
    let sees = actor.person_id == request.requester_id
        || actor.can_work(&facts)
        || relation.held_until.is_some();
    if !sees {
        return Err(ActionError::forbidden(
            "a request's rating is for its requester and the departments that held it",
        ));
    }
    let mut all = ratings::of_request(&app.db, id).await?;
    if all.is_empty() {
        return Ok(None);
    }
    let latest = all.remove(0);
    let now = app.clock.now();
    let ask = Ask {
        expires_at: from_micros(latest.expires_at),
        rated_at: latest.rated_at.map(from_micros),
    };
    let open_until = match ask.rated_at {
        Some(rated) => rated.saturating_add(rating::CHANGE_WINDOW).ok(),
        None => Some(ask.expires_at),
    }
    .filter(|until| now < *until);
    Ok(Some(RatingView {
        can_rate: actor.person_id == request.requester_id && ask.check(now).is_ok(),
        open_until,
        earlier: all.into_iter().filter(|r| r.rated_at.is_some()).collect(),
        latest,
    }))
}

/// Ratings given, for the reader: admins all but confidential ones; others those for
/// their department and their own.
pub async fn list(
    app: &App,
    actor: &Actor,
    mut filter: RatingFilter,
    after: i64,
    limit: i64,
) -> ActionResult<Vec<Rating>> {
    filter.person_id = actor.person_id;
    filter.department_id = actor.department_id;
    filter.admin = actor.is_admin();
    for (field, id) in [
        ("provider_department_id", filter.provider_department_id),
        ("requester_department_id", filter.requester_department_id),
    ] {
        if let Some(id) = id
            && departments::get(&app.db, id).await.is_err()
        {
            return Err(ActionError::field(field, "no department has this id"));
        }
    }
    Ok(ratings::list(&app.db, &filter, after, limit).await?)
}
