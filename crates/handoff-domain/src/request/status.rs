//! The request lifecycle and the moves it allows.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    New,
    Open,
    InProgress,
    WaitingOnCustomer,
    Resolved,
    Closed,
    Reopened,
}

/// A move the lifecycle does not allow, with the moves it does allow from there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a request cannot move from {} to {}; allowed from {}: {}", from.as_str(), to.as_str(), from.as_str(), allowed_list(*from))]
pub struct IllegalMove {
    pub from: Status,
    pub to: Status,
}

fn allowed_list(from: Status) -> String {
    let allowed = from.allowed_moves();
    if allowed.is_empty() {
        "none (it is final)".to_owned()
    } else {
        allowed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Status {
    /// The status in words, as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Open => "Open",
            Status::InProgress => "In progress",
            Status::WaitingOnCustomer => "Waiting on customer",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Reopened => "Reopened",
        }
    }

    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Open,
        Status::InProgress,
        Status::WaitingOnCustomer,
        Status::Resolved,
        Status::Closed,
        Status::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::WaitingOnCustomer => "waiting_on_customer",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The statuses a request may move to from this one.
    pub fn allowed_moves(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Open, InProgress, Resolved],
            Open => &[InProgress, WaitingOnCustomer, Resolved],
            InProgress => &[Open, WaitingOnCustomer, Resolved],
            WaitingOnCustomer => &[Open, InProgress, Resolved],
            Resolved => &[Closed, Reopened],
            Reopened => &[InProgress, WaitingOnCustomer, Resolved],
            Closed => &[],
        }
    }

    pub fn check_move(self, to: Status) -> Result<(), IllegalMove> {
        if self.allowed_moves().contains(&to) {
            Ok(())
        } else {
            Err(IllegalMove { from: self, to })
        }
    }

    /// Whether the request still needs work from the providing department.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn the_allowed_moves_are_exactly_the_documented_ones() {
        use Status::*;
        let allowed = [
            (New, Open),
            (New, InProgress),
            (New, Resolved),
            (Open, InProgress),
            (Open, WaitingOnCustomer),
            (Open, Resolved),
            (InProgress, Open),
            (InProgress, WaitingOnCustomer),
            (InProgress, Resolved),
            (WaitingOnCustomer, Open),
            (WaitingOnCustomer, InProgress),
            (WaitingOnCustomer, Resolved),
            (Resolved, Closed),
            (Resolved, Reopened),
            (Reopened, InProgress),
            (Reopened, WaitingOnCustomer),
            (Reopened, Resolved),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(
                    from.check_move(to).is_ok(),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn an_illegal_move_names_the_allowed_ones() {
        let err = Status::New.check_move(Status::Closed).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a request cannot move from new to closed; allowed from new: open, in_progress, resolved"
        );
        let err = Status::Closed.check_move(Status::Open).unwrap_err();
        assert!(err.to_string().ends_with("none (it is final)"));
    }
}
