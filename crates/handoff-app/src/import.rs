//! `handoff import events FILE.jsonl`: an organisation's history, brought from another
//! service desk (or built by the demo), replayed through the same actions as live use at
//! the instants it happened. Clocks, warnings, breaches, stints, rates and health come
//! out as if the events had happened live: the clock is set to each event's `at`, and
//! the background work due by then runs before it (alarms keep the moment they fell).
//!
//! One JSON object a line, in time order, each with `at` (RFC 3339) and `event`, its
//! fields beside them. `ref` is the file's own name for a request or a concern. Who may
//! do what is checked as live; only the rules that pace asking (one rating ask per
//! department per interval) never refuse an imported rating, as live.
//!
//! A file is read whole and checked before anything is written: every line parses,
//! times never go back, every `ref` is defined before it is used, every person, service,
//! department and deliverable named exists. The caller then replays it on a scratch copy
//! where the engine allows one (see `handoff import`), so that a line the rules refuse
//! stops the import with nothing kept.

use std::collections::{BTreeMap, HashMap, HashSet};

use handoff_domain::access::Actor;
use handoff_domain::clock::ManualClock;
use handoff_domain::feedback::concern::ConcernMove;
use handoff_domain::request::{Priority, Status};
use handoff_store::{StoreError, departments, people, services, to_micros};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::App;
use crate::error::ActionError;

/// One event of the file, with its fields.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    RequestCreated {
        #[serde(rename = "ref")]
        reference: String,
        service_id: i64,
        requester_email: String,
        subject: String,
        #[serde(default)]
        description: String,
        #[serde(default)]
        priority: Option<String>,
        #[serde(default)]
        fields: Map<String, Value>,
    },
    StatusChanged {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        status: String,
    },
    Assigned {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        assignee_email: Option<String>,
    },
    Comment {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        body: String,
        #[serde(default)]
        internal: bool,
    },
    Transferred {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        service_id: i64,
        reason: String,
        #[serde(default)]
        fields: Map<String, Value>,
    },
    Linked {
        #[serde(rename = "ref")]
        reference: String,
        parent_ref: String,
        by_email: String,
    },
    Rated {
        #[serde(rename = "ref")]
        reference: String,
        score: i32,
        #[serde(default)]
        comment: String,
    },
    OccurrenceDelivered {
        deliverable_id: i64,
        due_at: String,
        by_email: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        link: String,
    },
    OccurrenceReviewed {
        deliverable_id: i64,
        due_at: String,
        by_email: String,
        accurate: bool,
        #[serde(default)]
        note: String,
    },
    ConcernRaised {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        about_department_id: i64,
        problem: String,
        proposal: String,
        #[serde(default)]
        anonymous: bool,
    },
    ConcernAnswered {
        #[serde(rename = "ref")]
        reference: String,
        by_email: String,
        action: String,
    },
    Kudos {
        by_email: String,
        to_email: Option<String>,
        to_department_id: Option<i64>,
        value: String,
        message: String,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::RequestCreated { .. } => "request_created",
            Event::StatusChanged { .. } => "status_changed",
            Event::Assigned { .. } => "assigned",
            Event::Comment { .. } => "comment",
            Event::Transferred { .. } => "transferred",
            Event::Linked { .. } => "linked",
            Event::Rated { .. } => "rated",
            Event::OccurrenceDelivered { .. } => "occurrence_delivered",
            Event::OccurrenceReviewed { .. } => "occurrence_reviewed",
            Event::ConcernRaised { .. } => "concern_raised",
            Event::ConcernAnswered { .. } => "concern_answered",
            Event::Kudos { .. } => "kudos",
        }
    }

    /// The e-mail addresses of the people it names.
    fn emails(&self) -> Vec<&str> {
        match self {
            Event::RequestCreated {
                requester_email, ..
            } => vec![requester_email],
            Event::Assigned {
                by_email,
                assignee_email,
                ..
            } => std::iter::once(by_email.as_str())
                .chain(assignee_email.as_deref())
                .collect(),
            Event::Kudos {
                by_email, to_email, ..
            } => std::iter::once(by_email.as_str())
                .chain(to_email.as_deref())
                .collect(),
            Event::StatusChanged { by_email, .. }
            | Event::Comment { by_email, .. }
            | Event::Transferred { by_email, .. }
            | Event::Linked { by_email, .. }
            | Event::OccurrenceDelivered { by_email, .. }
            | Event::OccurrenceReviewed { by_email, .. }
            | Event::ConcernRaised { by_email, .. }
            | Event::ConcernAnswered { by_email, .. } => vec![by_email],
            Event::Rated { .. } => vec![],
        }
    }
}

/// A line of the file, read.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1 for the first line of the file.
    pub number: usize,
    pub at: Timestamp,
    pub event: Event,
}

#[derive(Deserialize)]
struct Raw {
    at: String,
    #[serde(flatten)]
    event: Event,
}

/// Why a file was refused: the line and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ImportError {
    pub line: usize,
    pub reason: String,
}

fn refuse(line: usize, reason: impl Into<String>) -> ImportError {
    ImportError {
        line,
        reason: reason.into(),
    }
}

/// Reads every line of `text` (blank lines are skipped) and checks what needs no
/// database: syntax, fields, time order, refs defined once and before use.
pub fn parse(text: &str) -> Result<Vec<Line>, ImportError> {
    let mut lines = Vec::new();
    let mut requests: HashMap<String, usize> = HashMap::new();
    let mut concerns: HashSet<String> = HashSet::new();
    let mut linked: HashSet<String> = HashSet::new();
    let mut last: Option<Timestamp> = None;
    for (index, text) in text.lines().enumerate() {
        let number = index + 1;
        if text.trim().is_empty() {
            continue;
        }
        let raw: Raw = serde_json::from_str(text).map_err(|e| refuse(number, e.to_string()))?;
        let at: Timestamp = raw.at.parse().map_err(|_| {
            refuse(
                number,
                "at: must be an RFC 3339 time such as 2026-09-01T09:12:00Z",
            )
        })?;
        if let Some(before) = last
            && at < before
        {
            return Err(refuse(
                number,
                format!(
                    "at: {at} is before the previous line's {before}; the file must be in time order"
                ),
            ));
        }
        last = Some(at);
        let known = |set: &dyn Fn(&str) -> bool, r: &str, what: &str| {
            if set(r) {
                Ok(())
            } else {
                Err(refuse(
                    number,
                    format!("ref: no {what} \"{r}\" was created on an earlier line"),
                ))
            }
        };
        match &raw.event {
            Event::RequestCreated { reference, .. } => {
                if requests.insert(reference.clone(), number).is_some() {
                    return Err(refuse(
                        number,
                        format!("ref: request \"{reference}\" was already created"),
                    ));
                }
            }
            Event::ConcernRaised { reference, .. } => {
                if !concerns.insert(reference.clone()) {
                    return Err(refuse(
                        number,
                        format!("ref: concern \"{reference}\" was already raised"),
                    ));
                }
            }
            Event::ConcernAnswered { reference, .. } => {
                known(&|r| concerns.contains(r), reference, "concern")?
            }
            Event::Linked {
                reference,
                parent_ref,
                ..
            } => {
                known(&|r| requests.contains_key(r), reference, "request")?;
                match (
                    requests.get(parent_ref.as_str()),
                    requests.get(reference.as_str()),
                ) {
                    (None, _) => {
                        return Err(refuse(
                            number,
                            format!(
                                "parent_ref: no request \"{parent_ref}\" was created on an earlier line"
                            ),
                        ));
                    }
                    (Some(parent), Some(child)) if parent > child => {
                        return Err(refuse(
                            number,
                            format!(
                                "parent_ref: \"{parent_ref}\" was created after \"{reference}\"; a request is linked to one that existed when it was filed"
                            ),
                        ));
                    }
                    _ => {}
                }
                if reference == parent_ref {
                    return Err(refuse(
                        number,
                        "parent_ref: a request is not linked to itself",
                    ));
                }
                if !linked.insert(reference.clone()) {
                    return Err(refuse(
                        number,
                        format!("ref: request \"{reference}\" is already linked"),
                    ));
                }
            }
            Event::StatusChanged { reference, .. }
            | Event::Assigned { reference, .. }
            | Event::Comment { reference, .. }
            | Event::Transferred { reference, .. }
            | Event::Rated { reference, .. } => {
                known(&|r| requests.contains_key(r), reference, "request")?
            }
            Event::OccurrenceDelivered { due_at, .. }
            | Event::OccurrenceReviewed { due_at, .. } => {
                due_at
                    .parse::<Timestamp>()
                    .map_err(|_| refuse(number, "due_at: must be an RFC 3339 time"))?;
            }
            Event::Kudos {
                to_email,
                to_department_id,
                ..
            } => {
                if to_email.is_some() == to_department_id.is_some() {
                    return Err(refuse(
                        number,
                        "to_email: give exactly one of to_email and to_department_id",
                    ));
                }
            }
        }
        lines.push(Line {
            number,
            at,
            event: raw.event,
        });
    }
    Ok(lines)
}

/// Checks what the database must hold for the file to apply: the people, services,
/// departments and deliverables it names. Reads only.
pub async fn check(app: &App, lines: &[Line]) -> Result<(), ImportError> {
    let mut emails: HashMap<String, bool> = HashMap::new();
    let mut services_seen: HashMap<i64, bool> = HashMap::new();
    let mut departments_seen: HashMap<i64, bool> = HashMap::new();
    let mut deliverables_seen: HashMap<i64, bool> = HashMap::new();
    let fault = |line: usize, e: StoreError| refuse(line, format!("the database failed: {e}"));
    for line in lines {
        let n = line.number;
        for email in line.event.emails() {
            if !emails.contains_key(email) {
                let active = match people::find_by_email(&app.db, email).await {
                    Ok(p) => p.active,
                    Err(StoreError::NotFound) => false,
                    Err(e) => return Err(fault(n, e)),
                };
                emails.insert(email.to_owned(), active);
            }
            if !emails[email] {
                return Err(refuse(
                    n,
                    format!("no active person has the e-mail {email}"),
                ));
            }
        }
        let service = match &line.event {
            Event::RequestCreated { service_id, .. } | Event::Transferred { service_id, .. } => {
                Some(*service_id)
            }
            _ => None,
        };
        if let Some(id) = service
            && !exists(&mut services_seen, id, services::get(&app.db, id))
                .await
                .map_err(|e| fault(n, e))?
        {
            return Err(refuse(n, format!("service_id: no service has the id {id}")));
        }
        let department = match &line.event {
            Event::ConcernRaised {
                about_department_id,
                ..
            } => Some(("about_department_id", *about_department_id)),
            Event::Kudos {
                to_department_id: Some(id),
                ..
            } => Some(("to_department_id", *id)),
            _ => None,
        };
        if let Some((field, id)) = department
            && !exists(&mut departments_seen, id, departments::get(&app.db, id))
                .await
                .map_err(|e| fault(n, e))?
        {
            return Err(refuse(n, format!("{field}: no department has the id {id}")));
        }
        if let Event::OccurrenceDelivered { deliverable_id, .. }
        | Event::OccurrenceReviewed { deliverable_id, .. } = &line.event
        {
            let id = *deliverable_id;
            if !exists(
                &mut deliverables_seen,
                id,
                handoff_store::deliverables::get(&app.db, id),
            )
            .await
            .map_err(|e| fault(n, e))?
            {
                return Err(refuse(
                    n,
                    format!("deliverable_id: no deliverable has the id {id}"),
                ));
            }
        }
    }
    Ok(())
}

/// Whether the row `fetch` reads exists, asked of the database once per id.
async fn exists<T>(
    seen: &mut HashMap<i64, bool>,
    id: i64,
    fetch: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<bool, StoreError> {
    if let Some(known) = seen.get(&id) {
        return Ok(*known);
    }
    let known = match fetch.await {
        Ok(_) => true,
        Err(StoreError::NotFound) => false,
        Err(e) => return Err(e),
    };
    seen.insert(id, known);
    Ok(known)
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    /// Lines per event name.
    pub events: BTreeMap<&'static str, usize>,
}

/// Background work runs before an event when the clock moved at least this far since it
/// last ran: the worker of `serve` runs every few seconds, and alarms keep the moment
/// they fell whenever they are raised.
const STEP_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// Replays `lines` through the actions on `app`, whose clock is `clock`; `progress` is
/// told how many lines are done after each. Stops at the first line the rules refuse.
pub async fn apply(
    app: &App,
    clock: &ManualClock,
    lines: &[Line],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Summary, ImportError> {
    let mut state = Replay {
        app,
        actors: HashMap::new(),
        requests: HashMap::new(),
        concerns: HashMap::new(),
        parents: lines
            .iter()
            .filter_map(|l| match &l.event {
                Event::Linked {
                    reference,
                    parent_ref,
                    by_email,
                } => Some((reference.clone(), (parent_ref.clone(), by_email.clone()))),
                _ => None,
            })
            .collect(),
    };
    let mut summary = Summary::default();
    let mut stepped: Option<Timestamp> = None;
    for (done, line) in lines.iter().enumerate() {
        catch_up(app, clock, line.at, &mut stepped)
            .await
            .map_err(|e| refuse(line.number, format!("background work failed: {e}")))?;
        state
            .one(line)
            .await
            .map_err(|e| refuse(line.number, format!("{}: {}", line.event.name(), words(e))))?;
        summary.lines += 1;
        *summary.events.entry(line.event.name()).or_default() += 1;
        progress(done + 1);
    }
    if let Some(last) = lines.last() {
        stepped = None;
        catch_up(app, clock, last.at, &mut stepped)
            .await
            .map_err(|e| refuse(last.number, format!("background work failed: {e}")))?;
    }
    Ok(summary)
}

/// Runs the background work at each moment it fell due up to `at` (an alarm is raised
/// at its moment, as by a live worker, not late as a missed one), then at `at` itself
/// when [`STEP_EVERY`] has passed since it last ran there; leaves the clock at `at`.
async fn catch_up(
    app: &App,
    clock: &ManualClock,
    at: Timestamp,
    stepped: &mut Option<Timestamp>,
) -> Result<(), ActionError> {
    while let Some(due) = handoff_store::jobs::next_moment(&app.db).await? {
        let due = handoff_store::from_micros(due);
        if due > at {
            break;
        }
        // Never back: work due before the clock's last step ran then.
        let moment = stepped.map_or(due, |s| due.max(s));
        clock.set(moment);
        crate::jobs::step(app).await?;
        *stepped = Some(moment);
        if moment == at {
            break;
        }
        // What is due at `moment` is done now; anything still due then failed and waits
        // for its retry, which is later.
        if handoff_store::jobs::next_moment(&app.db)
            .await?
            .is_some_and(|next| handoff_store::from_micros(next) <= moment)
        {
            break;
        }
    }
    clock.set(at);
    if stepped.is_none_or(|s| at.duration_since(s) >= STEP_EVERY) {
        crate::jobs::step(app).await?;
        *stepped = Some(at);
    }
    Ok(())
}

/// An action's refusal in words for the line.
fn words(e: ActionError) -> String {
    match e {
        ActionError::Invalid(fields) => fields.to_string(),
        ActionError::Conflict {
            message, fields, ..
        } if !fields.is_empty() => format!("{message} ({fields})"),
        other => other.to_string(),
    }
}

struct Replay<'a> {
    app: &'a App,
    actors: HashMap<String, Actor>,
    requests: HashMap<String, i64>,
    concerns: HashMap<String, i64>,
    /// Linked requests: the child's ref, its parent's ref and who filed it.
    parents: HashMap<String, (String, String)>,
}

impl Replay<'_> {
    async fn actor(&mut self, email: &str) -> Result<Actor, ActionError> {
        if let Some(a) = self.actors.get(email) {
            return Ok(*a);
        }
        let person = match people::find_by_email(&self.app.db, email).await {
            Ok(p) if p.active => p,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(ActionError::field(
                    "by_email",
                    format!("no active person has the e-mail {email}"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let actor = person.actor()?;
        self.actors.insert(email.to_owned(), actor);
        Ok(actor)
    }

    fn request(&self, reference: &str) -> Result<i64, ActionError> {
        self.requests
            .get(reference)
            .copied()
            .ok_or(ActionError::NotFound("request"))
    }

    async fn occurrence(&self, deliverable: i64, due_at: &str) -> Result<i64, ActionError> {
        let due: Timestamp = due_at
            .parse()
            .map_err(|_| ActionError::field("due_at", "must be an RFC 3339 time"))?;
        handoff_store::deliverables::occurrence_due(&self.app.db, deliverable, to_micros(due))
            .await?
            .ok_or_else(|| {
                ActionError::field(
                    "due_at",
                    format!("deliverable {deliverable} has no occurrence due at {due}"),
                )
            })
    }

    async fn one(&mut self, line: &Line) -> Result<(), ActionError> {
        let app = self.app;
        match &line.event {
            Event::RequestCreated {
                reference,
                service_id,
                requester_email,
                subject,
                description,
                priority,
                fields,
            } => {
                let priority = match priority.as_deref() {
                    None => Priority::Normal,
                    Some(p) => Priority::parse(p).ok_or_else(|| {
                        ActionError::field("priority", "must be low, normal, high or urgent")
                    })?,
                };
                let command = crate::requests::FileRequest {
                    service_id: *service_id,
                    subject: subject.clone(),
                    description: description.clone(),
                    priority,
                    fields: fields.clone(),
                };
                let filed = match self.parents.get(reference).cloned() {
                    Some((parent, by)) => {
                        // Filed on behalf of the parent by the agent who linked it.
                        let actor = self.actor(&by).await?;
                        let filer = self.actor(requester_email).await?;
                        if filer.person_id != actor.person_id {
                            return Err(ActionError::field(
                                "requester_email",
                                "a linked request is filed by the agent who links it: give the same person as the linked line's by_email",
                            ));
                        }
                        let parent = self.request(&parent)?;
                        crate::links::file_linked(app, &actor, parent, command).await?
                    }
                    None => {
                        let actor = self.actor(requester_email).await?;
                        crate::requests::file(app, &actor, command).await?
                    }
                };
                self.requests.insert(reference.clone(), filed.id);
            }
            Event::StatusChanged {
                reference,
                by_email,
                status,
            } => {
                let status = Status::parse(status)
                    .ok_or_else(|| ActionError::field("status", "is not a status"))?;
                let actor = self.actor(by_email).await?;
                let id = self.request(reference)?;
                crate::requests::change(
                    app,
                    &actor,
                    id,
                    crate::requests::ChangeRequest {
                        status: Some(status),
                        ..Default::default()
                    },
                )
                .await?;
            }
            Event::Assigned {
                reference,
                by_email,
                assignee_email,
            } => {
                let actor = self.actor(by_email).await?;
                let assignee = match assignee_email {
                    Some(e) => Some(self.actor(e).await?.person_id),
                    None => None,
                };
                let id = self.request(reference)?;
                crate::requests::change(
                    app,
                    &actor,
                    id,
                    crate::requests::ChangeRequest {
                        assignee_id: Some(assignee),
                        ..Default::default()
                    },
                )
                .await?;
            }
            Event::Comment {
                reference,
                by_email,
                body,
                internal,
            } => {
                let actor = self.actor(by_email).await?;
                let id = self.request(reference)?;
                crate::comments::post(
                    app,
                    &actor,
                    id,
                    crate::comments::NewComment {
                        body: body.clone(),
                        internal: *internal,
                    },
                )
                .await?;
            }
            Event::Transferred {
                reference,
                by_email,
                service_id,
                reason,
                fields,
            } => {
                let actor = self.actor(by_email).await?;
                let id = self.request(reference)?;
                crate::transfers::transfer(
                    app,
                    &actor,
                    id,
                    crate::transfers::Transfer {
                        service_id: *service_id,
                        reason: reason.clone(),
                        fields: fields.clone(),
                    },
                )
                .await?;
            }
            Event::Linked {
                reference,
                parent_ref,
                ..
            } => {
                // Applied when the request was filed (on behalf of its parent); here only
                // confirmed.
                let child = self.request(reference)?;
                let parent = self.request(parent_ref)?;
                let (filed, _) = handoff_store::requests::get(&app.db, child, 0, 0).await?;
                if filed.parent_id != Some(parent) {
                    return Err(ActionError::field(
                        "parent_ref",
                        "the request was not filed on behalf of this parent",
                    ));
                }
            }
            Event::Rated {
                reference,
                score,
                comment,
            } => {
                let id = self.request(reference)?;
                let (request, _) = handoff_store::requests::get(&app.db, id, 0, 0).await?;
                let requester = people::get(&app.db, request.requester_id).await?.actor()?;
                crate::ratings::rate_imported(
                    app,
                    &requester,
                    id,
                    crate::ratings::Rate {
                        score: *score,
                        comment: comment.clone(),
                    },
                )
                .await?;
            }
            Event::OccurrenceDelivered {
                deliverable_id,
                due_at,
                by_email,
                note,
                link,
            } => {
                let actor = self.actor(by_email).await?;
                let id = self.occurrence(*deliverable_id, due_at).await?;
                let note = if note.is_empty() && link.is_empty() {
                    "Delivered"
                } else {
                    note
                };
                crate::deliverables::deliver(app, &actor, id, note, link).await?;
            }
            Event::OccurrenceReviewed {
                deliverable_id,
                due_at,
                by_email,
                accurate,
                note,
            } => {
                let actor = self.actor(by_email).await?;
                let id = self.occurrence(*deliverable_id, due_at).await?;
                let note = if !accurate && note.is_empty() {
                    "Flagged as inaccurate"
                } else {
                    note
                };
                crate::deliverables::review(app, &actor, id, Some(*accurate), note).await?;
            }
            Event::ConcernRaised {
                reference,
                by_email,
                about_department_id,
                problem,
                proposal,
                anonymous,
            } => {
                let actor = self.actor(by_email).await?;
                let raised = crate::concerns::raise(
                    app,
                    &actor,
                    crate::concerns::RaiseConcern {
                        about_department_id: *about_department_id,
                        problem: problem.clone(),
                        proposal: proposal.clone(),
                        anonymous: *anonymous,
                    },
                )
                .await?;
                self.concerns.insert(reference.clone(), raised.id);
            }
            Event::ConcernAnswered {
                reference,
                by_email,
                action,
            } => {
                let actor = self.actor(by_email).await?;
                let id = self
                    .concerns
                    .get(reference)
                    .copied()
                    .ok_or(ActionError::NotFound("concern"))?;
                crate::concerns::apply(app, &actor, id, ConcernMove::Answer, Some(action)).await?;
            }
            Event::Kudos {
                by_email,
                to_email,
                to_department_id,
                value,
                message,
            } => {
                let actor = self.actor(by_email).await?;
                let to = match (to_email, to_department_id) {
                    (Some(e), _) => crate::kudos::Thanked::Person(self.actor(e).await?.person_id),
                    (None, Some(d)) => crate::kudos::Thanked::Department(*d),
                    (None, None) => {
                        return Err(ActionError::field("to_email", "name whom the kudos thank"));
                    }
                };
                crate::kudos::give(
                    app,
                    &actor,
                    crate::kudos::GiveKudos {
                        to: Some(to),
                        value: value.clone(),
                        message: message.clone(),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}
