//! Linked requests: an agent files a request to another department on behalf of one
//! their department holds ("we need Finance to approve this quote"). The parent shows
//! its linked requests and who holds each; its resolution clock can wait on them (per
//! service), and its assignee is told when every one is resolved.

use handoff_domain::access::Actor;
use handoff_domain::request::{RequestEvent, Status};
use handoff_domain::sla::{ClockAction, Target};
use handoff_store::notifications::{self, NewNotification};
use handoff_store::requests::{self, Request};
use handoff_store::{Tx, departments, services, to_micros};
use jiff::Timestamp;

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::requests::{FileRequest, prepare, visible};

/// Files `command` to another department on behalf of request `parent_id`, which the
/// actor's department holds.
#[tracing::instrument(name = "file_linked", skip_all, fields(parent = parent_id, actor = actor.person_id))]
pub async fn file_linked(
    app: &App,
    actor: &Actor,
    parent_id: i64,
    command: FileRequest,
) -> ActionResult<Request> {
    let (parent, relation) = visible(app, actor, parent_id).await?;
    if !actor.is_provider(&parent.facts(relation)) {
        return Err(ActionError::forbidden(
            "only an agent of the department holding the request files linked requests on its behalf",
        ));
    }
    let not_linkable = || {
        ActionError::conflict(
            "not_linkable",
            None,
            "a resolved or closed request takes no new linked requests",
        )
    };
    if !parent.status()?.is_active() {
        return Err(not_linkable());
    }
    let mut filing = prepare(app, actor, command).await?;
    if filing.provider_department_id == parent.provider_department_id {
        return Err(ActionError::field(
            "service_id",
            "a linked request goes to another department; your own part is worked on the request itself",
        ));
    }
    filing.parent_id = Some(parent_id);
    let pause = services::get(&app.db, parent.service_id)
        .await?
        .pause_on_links;
    let names = departments::names(&app.db, &[filing.provider_department_id]).await?;
    let time = app.timekeeping(parent.provider_department_id).await?;
    let now = app.clock.now();
    let at = to_micros(now);

    let mut tx = app.db.begin().await?;
    let locked = requests::lock(&mut tx, parent_id).await?;
    if locked.provider_department_id != parent.provider_department_id {
        return Err(ActionError::forbidden(
            "the request was passed to another department meanwhile",
        ));
    }
    if !locked.status()?.is_active() {
        return Err(not_linkable());
    }
    let waiting_before = requests::open_children(&mut tx, parent_id).await? > 0;
    let child = tx
        .file(&[&filing])
        .await?
        .pop()
        .ok_or(ActionError::Internal)?;
    let filed = RequestEvent::LinkFiled {
        child_id: child.id,
        department_id: child.provider_department_id,
        department: names
            .get(&child.provider_department_id)
            .cloned()
            .unwrap_or_default(),
    };
    tx.record(parent_id, Some(actor.person_id), at, &[filed])
        .await?;
    if pause && !waiting_before {
        start_waiting(&mut tx, parent_id, now, &time).await?;
    }
    tx.commit().await?;
    Ok(child)
}

/// Keeps the resolution clock of `request` paused while it waits on its linked requests:
/// drops its resumption from `actions` then.
pub(crate) async fn hold_for_links(
    app: &App,
    tx: &mut Tx,
    request: &Request,
    actions: &mut Vec<(Target, ClockAction)>,
) -> ActionResult<()> {
    let resumes =
        |(t, a): &(Target, ClockAction)| *t == Target::Resolution && *a == ClockAction::Resume;
    if !actions.iter().any(resumes) {
        return Ok(());
    }
    if services::get(&app.db, request.service_id)
        .await?
        .pause_on_links
        && requests::open_children(tx, request.id).await? > 0
    {
        actions.retain(|a| !resumes(a));
    }
    Ok(())
}

/// After linked request `child` moved (it was `was_active` before), inside its
/// transaction: when the last one is resolved, the parent's assignee is told and its
/// resolution clock runs again; when one is reopened, it waits again.
pub(crate) async fn on_child_moved(
    app: &App,
    tx: &mut Tx,
    child: &Request,
    was_active: bool,
    now: Timestamp,
) -> ActionResult<()> {
    let Some(parent_id) = child.parent_id else {
        return Ok(());
    };
    let is_active = child.status()?.is_active();
    if was_active == is_active {
        return Ok(());
    }
    let parent = requests::lock(tx, parent_id).await?;
    let open = requests::open_children(tx, parent_id).await?;
    let pause = services::get(&app.db, parent.service_id)
        .await?
        .pause_on_links;
    let parent_status = parent.status()?;
    let time = app.timekeeping(parent.provider_department_id).await?;
    let at = to_micros(now);
    if !is_active && open == 0 {
        let done = RequestEvent::LinksResolved {
            last_department_id: child.provider_department_id,
        };
        tx.record(parent_id, None, at, &[done]).await?;
        if pause && parent_status.is_active() && parent_status != Status::WaitingOnCustomer {
            let resume = [(Target::Resolution, ClockAction::Resume)];
            tx.move_clocks(parent_id, None, &resume, now, &time).await?;
        }
        if let Some(assignee) = parent.assignee_id {
            let told = NewNotification {
                occurrence: None,
                person_id: assignee,
                request_id: Some(parent_id),
                kind: "links_resolved",
                message: format!(
                    "Every request linked to #{parent_id} \u{201c}{}\u{201d} is resolved",
                    parent.subject
                ),
            };
            notifications::insert(tx, &[told], at).await?;
        }
    } else if is_active && open == 1 && pause && parent_status.is_active() {
        start_waiting(tx, parent_id, now, &time).await?;
    }
    Ok(())
}

/// The parent's resolution clock starts waiting on its linked requests.
async fn start_waiting(
    tx: &mut Tx,
    parent_id: i64,
    now: Timestamp,
    time: &handoff_store::slas::Timekeeping,
) -> ActionResult<()> {
    let waiting = RequestEvent::LinkWaitStarted {};
    tx.record(parent_id, None, to_micros(now), &[waiting])
        .await?;
    let pause = [(Target::Resolution, ClockAction::Pause)];
    tx.move_clocks(parent_id, None, &pause, now, time).await?;
    Ok(())
}

/// A linked request as its viewer may see it.
pub struct Linked {
    pub request: Request,
    /// Whether the viewer may open it; otherwise only its number, status and holder
    /// are shown.
    pub visible: bool,
}

/// The links of request `id` for `actor`: its parent, when the actor may see it (a
/// confidential parent never shows through its children), and its linked requests.
pub async fn of_request(
    app: &App,
    actor: &Actor,
    id: i64,
) -> ActionResult<(Option<Request>, Vec<Linked>)> {
    let (request, _) = visible(app, actor, id).await?;
    read(app, actor, &request, true).await
}

/// The links of `request`, which `actor` may see; `may_have_children` false (the caller
/// read its whole history and found no linked request filed) skips looking for them.
pub async fn read(
    app: &App,
    actor: &Actor,
    request: &Request,
    may_have_children: bool,
) -> ActionResult<(Option<Request>, Vec<Linked>)> {
    let id = request.id;
    let parent = match request.parent_id {
        Some(parent) => match visible(app, actor, parent).await {
            Ok((parent, _)) => Some(parent),
            Err(ActionError::NotFound(_)) => None,
            Err(other) => return Err(other),
        },
        None => None,
    };
    let mut children = Vec::new();
    let found = if may_have_children {
        requests::children(&app.db, id).await?
    } else {
        Vec::new()
    };
    for child in found {
        let visible = match visible(app, actor, child.id).await {
            Ok(_) => true,
            Err(ActionError::NotFound(_)) => false,
            Err(other) => return Err(other),
        };
        children.push(Linked {
            request: child,
            visible,
        });
    }
    Ok((parent, children))
}
