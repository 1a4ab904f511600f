//! What can happen to a request, as typed events. Each is stored as its kind (a stable
//! snake-case name) and a JSON payload, and turned into words by [`RequestEvent::describe`],
//! the one place that words them for the pages (and, later, e-mails and webhooks).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Priority, Status};
use crate::sla::{Alarm, Phase, Target};

/// One thing that happened to a request. The actor and the instant are stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum RequestEvent {
    /// The requester filed it (as `new`).
    Filed {},
    StatusChanged {
        from: Status,
        to: Status,
    },
    /// `None` on either side: nobody.
    Assigned {
        from: Option<i64>,
        to: Option<i64>,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
    },
    SubjectEdited {
        from: String,
        to: String,
    },
    DescriptionEdited {
        from: String,
        to: String,
    },
    /// A public reply.
    Replied {
        comment_id: i64,
    },
    /// A note only the providing department reads.
    InternalNote {
        comment_id: i64,
    },
    WatcherAdded {
        person_id: i64,
    },
    WatcherRemoved {
        person_id: i64,
    },
    ClockStarted {
        target: Target,
    },
    ClockPaused {
        target: Target,
    },
    ClockResumed {
        target: Target,
        /// Where the clock stood before.
        from: Phase,
    },
    ClockStopped {
        target: Target,
        /// Where the clock stood before.
        from: Phase,
    },
    /// A new cycle (the next-update clock after each provider reply, the resolution clock
    /// after a reopen).
    ClockRestarted {
        target: Target,
        /// Where the clock stood before.
        from: Phase,
    },
    /// `percent` of the target's time is used; `due_at` is when that moment fell
    /// (absent on events recorded before it was kept).
    SlaWarning {
        target: Target,
        percent: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_at: Option<Timestamp>,
    },
    /// A warning whose moment had passed together with the breach when Handoff raised
    /// them (after a long stop, say): recorded, told to no one.
    #[serde(rename = "warning_missed")]
    SlaWarningMissed {
        target: Target,
        percent: u8,
        due_at: Timestamp,
    },
    SlaBreached {
        target: Target,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_at: Option<Timestamp>,
    },
    /// Passed from one department's service to another's: the old holder's stint ends.
    Transferred {
        from: Box<Holder>,
        to: Box<Holder>,
        reason: String,
        /// Form values the new service's form does not know, kept here.
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        dropped_fields: Map<String, Value>,
    },
    /// A request was filed to another department on this one's behalf.
    LinkFiled {
        child_id: i64,
        department_id: i64,
        department: String,
    },
    /// The resolution clock waits on the linked requests (their service says so).
    LinkWaitStarted {},
    /// Every linked request is resolved; the last one was held by `department_id`,
    /// the team this request ended up waiting on.
    LinksResolved {
        last_department_id: i64,
    },
}

/// A department and the service of it that holds a request, named as they were then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub department_id: i64,
    pub department: String,
    pub service_id: i64,
    pub service: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.department, self.service)
    }
}

/// A stored event that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("event of kind {kind:?}: {reason}")]
pub struct UnreadableEvent {
    pub kind: String,
    pub reason: String,
}

/// What wording an event needs from outside: people's names and times in the reader's zone.
pub struct Words<'a> {
    pub person: &'a dyn Fn(i64) -> String,
    pub time: &'a dyn Fn(Timestamp) -> String,
}

impl RequestEvent {
    /// Every kind, as stored.
    pub const KINDS: [&'static str; 22] = [
        "filed",
        "status_changed",
        "assigned",
        "priority_changed",
        "subject_edited",
        "description_edited",
        "replied",
        "internal_note",
        "watcher_added",
        "watcher_removed",
        "clock_started",
        "clock_paused",
        "clock_resumed",
        "clock_stopped",
        "clock_restarted",
        "sla_warning",
        "warning_missed",
        "sla_breached",
        "transferred",
        "link_filed",
        "link_wait_started",
        "links_resolved",
    ];

    /// The event's kind as stored.
    pub fn kind(&self) -> &'static str {
        use RequestEvent::*;
        match self {
            Filed {} => "filed",
            StatusChanged { .. } => "status_changed",
            Assigned { .. } => "assigned",
            PriorityChanged { .. } => "priority_changed",
            SubjectEdited { .. } => "subject_edited",
            DescriptionEdited { .. } => "description_edited",
            Replied { .. } => "replied",
            InternalNote { .. } => "internal_note",
            WatcherAdded { .. } => "watcher_added",
            WatcherRemoved { .. } => "watcher_removed",
            ClockStarted { .. } => "clock_started",
            ClockPaused { .. } => "clock_paused",
            ClockResumed { .. } => "clock_resumed",
            ClockStopped { .. } => "clock_stopped",
            ClockRestarted { .. } => "clock_restarted",
            SlaWarning { .. } => "sla_warning",
            SlaWarningMissed { .. } => "warning_missed",
            SlaBreached { .. } => "sla_breached",
            Transferred { .. } => "transferred",
            LinkFiled { .. } => "link_filed",
            LinkWaitStarted {} => "link_wait_started",
            LinksResolved { .. } => "links_resolved",
        }
    }

    /// The payload as stored: a JSON object.
    pub fn payload(&self) -> Value {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("data").unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The payload as JSON text.
    pub fn payload_text(&self) -> String {
        self.payload().to_string()
    }

    /// Reads an event back from its kind and payload text.
    pub fn from_parts(kind: &str, payload: &str) -> Result<RequestEvent, UnreadableEvent> {
        let unreadable = |reason: String| UnreadableEvent {
            kind: kind.to_owned(),
            reason,
        };
        // One pass over the text, as the tagged form serde reads (pages read hundreds).
        let kind_json = serde_json::to_string(kind).map_err(|e| unreadable(e.to_string()))?;
        serde_json::from_str(&format!(r#"{{"kind":{kind_json},"data":{payload}}}"#))
            .map_err(|e| unreadable(e.to_string()))
    }

    /// Shown only to those who may read internal notes.
    pub fn internal(&self) -> bool {
        matches!(self, RequestEvent::InternalNote { .. })
    }

    /// The SLA target the event is about, if any.
    pub fn target(&self) -> Option<Target> {
        use RequestEvent::*;
        match self {
            ClockStarted { target }
            | ClockPaused { target }
            | ClockResumed { target, .. }
            | ClockStopped { target, .. }
            | ClockRestarted { target, .. }
            | SlaWarning { target, .. }
            | SlaWarningMissed { target, .. }
            | SlaBreached { target, .. } => Some(*target),
            _ => None,
        }
    }

    /// The alarm an SLA alarm event raised.
    pub fn alarm(&self) -> Option<Alarm> {
        match self {
            RequestEvent::SlaWarning { percent, .. } => Some(Alarm::Warning(*percent)),
            RequestEvent::SlaBreached { .. } => Some(Alarm::Breach),
            _ => None,
        }
    }

    /// The people the event names (besides its actor), for looking up their names.
    pub fn people(&self) -> Vec<i64> {
        match self {
            RequestEvent::Assigned { from, to } => from.iter().chain(to).copied().collect(),
            RequestEvent::WatcherAdded { person_id }
            | RequestEvent::WatcherRemoved { person_id } => {
                vec![*person_id]
            }
            _ => Vec::new(),
        }
    }

    /// The event in words, as the predicate of a sentence whose subject is its actor
    /// ("moved it from Open to Resolved"), or a sentence of its own for what Handoff did
    /// ("Resolution target breached").
    pub fn describe(&self, words: &Words<'_>) -> String {
        use RequestEvent::*;
        match self {
            Filed {} => format!("filed it as {}", Status::New.label()),
            StatusChanged { from, to } => {
                format!("moved it from {} to {}", from.label(), to.label())
            }
            Assigned { to: Some(to), .. } => format!("assigned it to {}", (words.person)(*to)),
            Assigned { to: None, .. } => "unassigned it".to_owned(),
            PriorityChanged { from, to } => format!(
                "changed the priority from {} to {}",
                from.label(),
                to.label()
            ),
            SubjectEdited { .. } => "edited the subject".to_owned(),
            DescriptionEdited { .. } => "edited the description".to_owned(),
            Replied { .. } => "replied".to_owned(),
            InternalNote { .. } => "added an internal note".to_owned(),
            WatcherAdded { person_id } => {
                format!("added {} as a watcher", (words.person)(*person_id))
            }
            WatcherRemoved { person_id } => {
                format!("removed {} as a watcher", (words.person)(*person_id))
            }
            ClockStarted { target } => format!("{} clock started", target.label()),
            ClockPaused { target } => format!("{} clock paused", target.label()),
            ClockResumed { target, .. } => format!("{} clock resumed", target.label()),
            ClockStopped { target, .. } => format!("{} clock stopped", target.label()),
            ClockRestarted { target, .. } => format!("{} clock restarted", target.label()),
            SlaWarning {
                target, percent, ..
            } => format!("{}: {percent}% of the time used", target.label()),
            SlaWarningMissed {
                target,
                percent,
                due_at,
            } => format!(
                "{}: the {percent}% warning due {} passed unsent, raised with the breach",
                target.label(),
                (words.time)(*due_at)
            ),
            SlaBreached { target, .. } => format!("{} target breached", target.label()),
            Transferred {
                from,
                to,
                reason,
                dropped_fields,
            } => {
                let mut line = format!("transferred it from {from} to {to}: {reason}");
                if !dropped_fields.is_empty() {
                    let keys: Vec<&str> = dropped_fields.keys().map(String::as_str).collect();
                    line.push_str(&format!(
                        " (values the new form does not ask for, kept here: {})",
                        keys.join(", ")
                    ));
                }
                line
            }
            LinkFiled {
                child_id,
                department,
                ..
            } => format!("filed #{child_id} to {department} on its behalf"),
            LinkWaitStarted {} => "Resolution clock waits on the linked requests".to_owned(),
            LinksResolved { .. } => "Every linked request is resolved".to_owned(),
        }
    }

    /// The event as the history API has always shown it: a field with its old and new
    /// values (`status`, `assignee_id`, `sla.resolution`, ...), kept so that clients
    /// written against it go on working beside the typed `kind` and `data`.
    pub fn as_field_change(&self) -> (String, Option<String>, Option<String>) {
        use RequestEvent::*;
        let s = |v: &str| Some(v.to_owned());
        let id = |v: &Option<i64>| v.map(|i| i.to_string());
        let sla = |t: &Target| format!("sla.{}", t.as_str());
        match self {
            Filed {} => ("status".into(), None, s(Status::New.as_str())),
            StatusChanged { from, to } => ("status".into(), s(from.as_str()), s(to.as_str())),
            Assigned { from, to } => ("assignee_id".into(), id(from), id(to)),
            PriorityChanged { from, to } => ("priority".into(), s(from.as_str()), s(to.as_str())),
            SubjectEdited { from, to } => ("subject".into(), s(from), s(to)),
            DescriptionEdited { from, to } => ("description".into(), s(from), s(to)),
            Replied { comment_id } => ("reply".into(), None, Some(comment_id.to_string())),
            InternalNote { comment_id } => {
                ("internal_note".into(), None, Some(comment_id.to_string()))
            }
            WatcherAdded { person_id } => ("watchers".into(), None, Some(person_id.to_string())),
            WatcherRemoved { person_id } => ("watchers".into(), Some(person_id.to_string()), None),
            ClockStarted { target } => (sla(target), None, s("running")),
            ClockPaused { target } => (sla(target), s("running"), s("paused")),
            ClockResumed { target, from } => (sla(target), s(from.as_str()), s("running")),
            ClockStopped { target, from } => (sla(target), s(from.as_str()), s("stopped")),
            ClockRestarted { target, from } => (sla(target), s(from.as_str()), s("restarted")),
            SlaWarning {
                target, percent, ..
            } => (sla(target), None, Some(Alarm::Warning(*percent).key())),
            SlaWarningMissed {
                target, percent, ..
            } => (sla(target), None, Some(format!("missed_warning_{percent}"))),
            SlaBreached { target, .. } => (sla(target), None, Some(Alarm::Breach.key())),
            Transferred { from, to, .. } => (
                "provider_department_id".into(),
                Some(from.department_id.to_string()),
                Some(to.department_id.to_string()),
            ),
            LinkFiled { child_id, .. } => ("links".into(), None, Some(child_id.to_string())),
            LinkWaitStarted {} => ("links".into(), None, s("waiting")),
            LinksResolved { .. } => ("links".into(), s("waiting"), s("resolved")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One event of every kind, in [`RequestEvent::KINDS`] order.
    pub(crate) fn one_of_each() -> Vec<RequestEvent> {
        use RequestEvent::*;
        let t: Timestamp = "2026-03-02T09:45:00Z".parse().unwrap();
        vec![
            Filed {},
            StatusChanged {
                from: Status::WaitingOnCustomer,
                to: Status::Open,
            },
            Assigned {
                from: None,
                to: Some(7),
            },
            PriorityChanged {
                from: Priority::Normal,
                to: Priority::Urgent,
            },
            SubjectEdited {
                from: "Old".into(),
                to: "New".into(),
            },
            DescriptionEdited {
                from: "".into(),
                to: "More".into(),
            },
            Replied { comment_id: 12 },
            InternalNote { comment_id: 13 },
            WatcherAdded { person_id: 8 },
            WatcherRemoved { person_id: 8 },
            ClockStarted {
                target: Target::FirstResponse,
            },
            ClockPaused {
                target: Target::Resolution,
            },
            ClockResumed {
                target: Target::Resolution,
                from: Phase::Paused,
            },
            ClockStopped {
                target: Target::FirstResponse,
                from: Phase::Running,
            },
            ClockRestarted {
                target: Target::NextUpdate,
                from: Phase::Running,
            },
            SlaWarning {
                target: Target::Resolution,
                percent: 75,
                due_at: Some(t),
            },
            SlaWarningMissed {
                target: Target::Resolution,
                percent: 90,
                due_at: t,
            },
            SlaBreached {
                target: Target::Resolution,
                due_at: Some(t),
            },
            Transferred {
                from: Box::new(Holder {
                    department_id: 2,
                    department: "IT".into(),
                    service_id: 3,
                    service: "Laptop".into(),
                }),
                to: Box::new(Holder {
                    department_id: 4,
                    department: "Finance".into(),
                    service_id: 5,
                    service: "Purchase approval".into(),
                }),
                reason: "needs a budget approval".into(),
                dropped_fields: Map::from_iter([("model".to_owned(), Value::from("X1"))]),
            },
            LinkFiled {
                child_id: 14,
                department_id: 4,
                department: "Finance".into(),
            },
            LinkWaitStarted {},
            LinksResolved {
                last_department_id: 4,
            },
        ]
    }

    #[test]
    fn every_kind_round_trips_through_its_stored_parts() {
        let all = one_of_each();
        assert_eq!(all.len(), RequestEvent::KINDS.len());
        for (event, kind) in all.iter().zip(RequestEvent::KINDS) {
            assert_eq!(event.kind(), kind);
            assert!(event.payload().is_object(), "{kind}: payload is an object");
            let back = RequestEvent::from_parts(event.kind(), &event.payload_text()).unwrap();
            assert_eq!(&back, event);
        }
    }

    #[test]
    fn unknown_kinds_and_bad_payloads_are_refused() {
        assert!(RequestEvent::from_parts("exploded", "{}").is_err());
        assert!(RequestEvent::from_parts("replied", "{}").is_err());
        assert!(RequestEvent::from_parts("replied", "not json").is_err());
        // Old alarm events have no due time.
        assert_eq!(
            RequestEvent::from_parts("sla_breached", r#"{"target":"resolution"}"#).unwrap(),
            RequestEvent::SlaBreached {
                target: Target::Resolution,
                due_at: None
            }
        );
    }

    #[test]
    fn words_of_every_kind() {
        let person = |id: i64| format!("Person {id}");
        let time = |t: Timestamp| t.strftime("%a %-d %b %Y, %H:%M UTC").to_string();
        let words = Words {
            person: &person,
            time: &time,
        };
        let lines: Vec<String> = one_of_each()
            .iter()
            .map(|e| format!("{:<18} {}", e.kind(), e.describe(&words)))
            .collect();
        insta::assert_snapshot!(lines.join("\n"));
    }
}
