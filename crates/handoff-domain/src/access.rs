//! Who may see and do what. The storage layer mirrors [`Actor::can_view`] in SQL for
//! lists; the tests of the HTTP API check that both agree.

use crate::org::Role;
use crate::request::Status;

/// The person behind a call, as far as permissions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub person_id: i64,
    pub department_id: i64,
    pub role: Role,
}

/// The facts about one request that decide access to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    pub requester_id: i64,
    pub requester_department_id: i64,
    pub provider_department_id: i64,
    pub confidential: bool,
    /// Whether the actor watches the request.
    pub watching: bool,
    /// When the actor's department held the request before (its stint ended by a
    /// transfer), the end of its last stint, in microseconds: it keeps reading what
    /// happened until then.
    pub held_until: Option<i64>,
}

/// What the actor may not do to a request they can see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("only the providing department works this request")]
    NotProvider,
    #[error("the requester may only close or reopen a resolved request")]
    RequesterMove,
}

impl Actor {
    /// Whoever runs Handoff's command line on the database: an administrator who is no
    /// person of the organisation (id 0 is nobody's).
    pub fn operator() -> Actor {
        Actor {
            person_id: 0,
            department_id: 0,
            role: Role::Admin,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the actor manages `department` (its manager, or an admin).
    pub fn manages(&self, department: i64) -> bool {
        self.is_admin() || (self.role == Role::Manager && self.department_id == department)
    }

    /// Members of the providing department see and work its queue.
    pub fn is_provider(&self, facts: &RequestFacts) -> bool {
        self.department_id == facts.provider_department_id
    }

    /// Everything else about a request is answered with "not found", so that a request's
    /// existence is never revealed to someone who may not see it.
    pub fn can_view(&self, facts: &RequestFacts) -> bool {
        self.sees_all_of(facts) || facts.held_until.is_some()
    }

    /// Whether the actor sees the request as it stands, not only as a former holder.
    fn sees_all_of(&self, facts: &RequestFacts) -> bool {
        if self.is_provider(facts) || self.person_id == facts.requester_id || facts.watching {
            return true;
        }
        // Confidential cases (HR, Legal) are for the requester, the watchers and the
        // providing department only: not the requester's colleagues, not admins.
        if facts.confidential {
            return false;
        }
        self.is_admin() || self.department_id == facts.requester_department_id
    }

    /// For someone who sees a request only because their department held it before, the
    /// instant (microseconds) after which its conversation, history and clocks are
    /// hidden from them; `None` for everyone else.
    pub fn sees_until(&self, facts: &RequestFacts) -> Option<i64> {
        if self.sees_all_of(facts) {
            None
        } else {
            facts.held_until
        }
    }

    /// Assigning, prioritising, editing and moving a request through its lifecycle.
    /// Admins may step in on requests they can see, except confidential ones.
    pub fn can_work(&self, facts: &RequestFacts) -> bool {
        self.is_provider(facts) || (self.is_admin() && !facts.confidential)
    }

    /// Internal notes are written and read by those who work the request only.
    pub fn can_see_internal(&self, facts: &RequestFacts) -> bool {
        self.can_work(facts)
    }

    /// Adding or removing watchers: the requester and those who work the request; on a
    /// confidential case only the requester decides who else may see it.
    pub fn can_manage_watchers(&self, facts: &RequestFacts) -> bool {
        self.person_id == facts.requester_id || (self.can_work(facts) && !facts.confidential)
    }

    /// A reply that answers the provider's question: the requester's own, not a
    /// colleague's or a watcher's.
    pub fn replies_as_customer(&self, facts: &RequestFacts) -> bool {
        self.person_id == facts.requester_id && !self.can_work(facts)
    }

    /// A status move by this actor: workers make any legal move; the requester may close
    /// or reopen a resolved request. Legality itself is [`Status::check_move`].
    pub fn may_move(&self, facts: &RequestFacts, from: Status, to: Status) -> Result<(), Denied> {
        if self.can_work(facts) {
            return Ok(());
        }
        let requester_move =
            from == Status::Resolved && matches!(to, Status::Closed | Status::Reopened);
        if self.person_id == facts.requester_id && requester_move {
            Ok(())
        } else if self.person_id == facts.requester_id {
            Err(Denied::RequesterMove)
        } else {
            Err(Denied::NotProvider)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: RequestFacts = RequestFacts {
        requester_id: 1,
        requester_department_id: 10,
        provider_department_id: 20,
        confidential: false,
        watching: false,
        held_until: None,
    };

    fn actor(person_id: i64, department_id: i64, role: Role) -> Actor {
        Actor {
            person_id,
            department_id,
            role,
        }
    }

    #[test]
    fn visibility() {
        let requester = actor(1, 10, Role::Member);
        let colleague = actor(2, 10, Role::Member);
        let agent = actor(3, 20, Role::Member);
        let outsider = actor(4, 30, Role::Manager);
        let admin = actor(5, 30, Role::Admin);
        for a in [requester, colleague, agent, admin] {
            assert!(a.can_view(&FACTS), "{a:?}");
        }
        assert!(!outsider.can_view(&FACTS));
        assert!(outsider.can_view(&RequestFacts {
            watching: true,
            ..FACTS
        }));

        let confidential = RequestFacts {
            confidential: true,
            ..FACTS
        };
        assert!(requester.can_view(&confidential));
        assert!(agent.can_view(&confidential));
        assert!(!colleague.can_view(&confidential));
        assert!(!admin.can_view(&confidential));
        assert!(colleague.can_view(&RequestFacts {
            watching: true,
            ..confidential
        }));
    }

    #[test]
    fn former_holders_read_up_to_the_end_of_their_stint() {
        let former = actor(6, 40, Role::Member);
        let held = RequestFacts {
            held_until: Some(1_000),
            confidential: true,
            ..FACTS
        };
        assert!(former.can_view(&held));
        assert_eq!(former.sees_until(&held), Some(1_000));
        assert!(!former.can_work(&held));
        assert!(!former.can_view(&FACTS));
        // Those who see the request anyway see all of it.
        let agent = actor(3, 20, Role::Member);
        assert_eq!(agent.sees_until(&held), None);
    }

    #[test]
    fn moves() {
        let requester = actor(1, 10, Role::Member);
        let agent = actor(3, 20, Role::Member);
        let watcher = actor(4, 30, Role::Member);
        assert!(agent.may_move(&FACTS, Status::New, Status::Open).is_ok());
        assert!(
            requester
                .may_move(&FACTS, Status::Resolved, Status::Closed)
                .is_ok()
        );
        assert!(
            requester
                .may_move(&FACTS, Status::Resolved, Status::Reopened)
                .is_ok()
        );
        assert_eq!(
            requester.may_move(&FACTS, Status::New, Status::Open),
            Err(Denied::RequesterMove)
        );
        assert_eq!(
            watcher.may_move(&FACTS, Status::Resolved, Status::Closed),
            Err(Denied::NotProvider)
        );
    }

    #[test]
    fn watchers_and_replies() {
        let requester = actor(1, 10, Role::Member);
        let agent = actor(3, 20, Role::Member);
        let colleague = actor(2, 10, Role::Member);
        let confidential = RequestFacts {
            confidential: true,
            ..FACTS
        };
        assert!(agent.can_manage_watchers(&FACTS));
        assert!(!agent.can_manage_watchers(&confidential));
        assert!(requester.can_manage_watchers(&confidential));
        assert!(!colleague.can_manage_watchers(&FACTS));
        assert!(requester.replies_as_customer(&FACTS));
        assert!(!colleague.replies_as_customer(&FACTS));
        assert!(!agent.replies_as_customer(&FACTS));
    }
}
