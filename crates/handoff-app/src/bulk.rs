//! Changing many requests at once from a list: assign them and/or move them to a status,
//! all or nothing. Every request is checked first, by the same rules as a single change
//! ([`crate::requests::change`]); if any is refused, the answer names each refused one
//! and nothing is written. Otherwise all are changed in one transaction, each recording
//! its history and moving its clocks as a single change does.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::request::{RequestEvent, Status};
use handoff_store::people;
use handoff_store::requests::{self, Request};

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::requests::{ChangeRequest, CheckedChange, change_in, check_allowed, check_change};

/// The most requests one bulk change takes.
pub const MAX_IDS: usize = 500;

/// What to do to every request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkChange {
    pub status: Option<Status>,
    /// `Some(None)` unassigns.
    pub assignee_id: Option<Option<i64>>,
}

/// Changes the requests `ids` as `actor`, all or none. Input that is wrong whatever the
/// requests are is refused by field (`ids`, `ids[i]`, `status`, `assignee_id`); requests
/// that cannot be changed so are refused together, each as `ids[i]` with its id and
/// the reason, and nothing is written.
#[tracing::instrument(name = "change_requests", skip_all, fields(count = ids.len(), actor = actor.person_id))]
pub async fn change_many(
    app: &App,
    actor: &Actor,
    ids: &[i64],
    change: BulkChange,
) -> ActionResult<Vec<(Request, Vec<RequestEvent>)>> {
    check_input(app, ids, change).await?;
    let single = ChangeRequest {
        status: change.status,
        assignee_id: change.assignee_id,
        ..ChangeRequest::default()
    };
    let mut refused = Refused::default();
    let mut checked: Vec<(usize, CheckedChange)> = Vec::with_capacity(ids.len());
    for (i, &id) in ids.iter().enumerate() {
        match check_change(app, actor, id, single.clone()).await {
            Ok(c) => checked.push((i, c)),
            Err(e) => refused.add(i, id, e)?,
        }
    }
    refused.settle(ids.len())?;

    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    // Every rule on every request as it stands now, before anything is written; the
    // rows locked in id order, so that two bulk changes at once never wait on each other
    // in a circle.
    let mut by_id: Vec<&(usize, CheckedChange)> = checked.iter().collect();
    by_id.sort_by_key(|(i, _)| ids[*i]);
    for (i, c) in by_id {
        let id = ids[*i];
        let allowed = match requests::lock(&mut tx, id).await {
            Ok(old) => check_allowed(actor, &old, c),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = allowed {
            refused.add(*i, id, e)?;
        }
    }
    refused.settle(ids.len())?;
    let mut done = Vec::with_capacity(checked.len());
    for (i, c) in &checked {
        // Checked again as each is written: one change of the batch can move another
        // request (a linked parent), and the rules then decide on what it has become.
        match change_in(app, &mut tx, actor, c, now).await {
            Ok(changed) => done.push(changed),
            Err(e) => refused.add(*i, ids[*i], e)?,
        }
    }
    refused.settle(ids.len())?;
    tx.commit().await?;
    Ok(done)
}

/// Refuses what is wrong whatever the requests are.
async fn check_input(app: &App, ids: &[i64], change: BulkChange) -> ActionResult<()> {
    let mut errors = FieldErrors::new();
    if ids.is_empty() {
        errors.add("ids", "must name at least one request");
    } else if ids.len() > MAX_IDS {
        errors.add("ids", format!("must name at most {MAX_IDS} requests"));
    }
    for (i, id) in ids.iter().enumerate() {
        if *id <= 0 {
            errors.add(format!("ids[{i}]"), "is not a request id");
        } else if let Some(first) = ids[..i].iter().position(|other| other == id) {
            errors.add(
                format!("ids[{i}]"),
                format!("request #{id} is named twice (also ids[{first}])"),
            );
        }
    }
    if change.status.is_none() && change.assignee_id.is_none() {
        errors.add("status", "give a status to move to, an assignee, or both");
    }
    if let Some(Some(assignee)) = change.assignee_id
        && people::active_among(&app.db, &[assignee], None)
            .await?
            .is_empty()
    {
        errors.add("assignee_id", "no active person has this id");
    }
    errors.into_result(()).map_err(ActionError::Invalid)
}

/// The requests refused so far: their place in `ids` and why, in that order.
#[derive(Default)]
struct Refused(Vec<(usize, String)>);

impl Refused {
    /// Adds why request `id` (the `i`th) is refused; a fault that is not the request's
    /// (the database gone) ends the whole change as it is.
    fn add(&mut self, i: usize, id: i64, err: ActionError) -> ActionResult<()> {
        let reason = match err {
            ActionError::NotFound(_) => "no request you may see has this id".to_owned(),
            ActionError::Forbidden(why) => why,
            ActionError::Conflict { message, .. } => message,
            ActionError::Invalid(fields) => fields.to_string(),
            fault @ (ActionError::Unavailable | ActionError::Internal) => return Err(fault),
        };
        self.0.push((i, format!("request #{id}: {reason}")));
        Ok(())
    }

    /// Ends the change, writing nothing, when any request was refused: each named as
    /// `ids[i]`.
    fn settle(&mut self, total: usize) -> ActionResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0.sort_by_key(|(i, _)| *i);
        let mut fields = FieldErrors::new();
        for (i, reason) in &self.0 {
            fields.add(format!("ids[{i}]"), reason.clone());
        }
        let reasons: Vec<&str> = self.0.iter().map(|(_, r)| r.as_str()).collect();
        Err(ActionError::Conflict {
            code: "bulk_refused",
            message: format!(
                "nothing was changed: {} of the {total} requests cannot be changed so: {}",
                self.0.len(),
                reasons.join("; ")
            ),
            fields,
        })
    }
}
