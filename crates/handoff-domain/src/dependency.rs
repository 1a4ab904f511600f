//! Dependencies between departments: a customer department relies on a provider
//! department for something, with a criticality and a responsible person on each side.
//! Either side's managers propose one; the provider's managers agree it, so that an
//! agreed dependency is one both sides signed up to; either side retires it. Cycles are
//! real (Finance relies on IT, IT on Finance) and allowed.

use serde::{Deserialize, Serialize};

/// How much the customer's work suffers when the provider fails it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

impl Criticality {
    pub const ALL: [Criticality; 4] = [
        Criticality::Low,
        Criticality::Medium,
        Criticality::High,
        Criticality::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Criticality::Low => "low",
            Criticality::Medium => "medium",
            Criticality::High => "high",
            Criticality::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Criticality::Low => "Low",
            Criticality::Medium => "Medium",
            Criticality::High => "High",
            Criticality::Critical => "Critical",
        }
    }

    pub fn parse(s: &str) -> Option<Criticality> {
        Criticality::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The weight of waiting on a dependency of this criticality, for rankings that
    /// weigh how much a department holds others back: each step doubles it.
    pub fn weight(self) -> f64 {
        match self {
            Criticality::Low => 1.0,
            Criticality::Medium => 2.0,
            Criticality::High => 4.0,
            Criticality::Critical => 8.0,
        }
    }
}

/// Where a dependency stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DependencyState {
    /// Written down by one side, not yet accepted by the provider.
    Proposed,
    /// Accepted by the provider: both sides stand behind it.
    Agreed,
    /// No longer relied upon; kept for the record.
    Retired,
}

impl DependencyState {
    pub const ALL: [DependencyState; 3] = [
        DependencyState::Proposed,
        DependencyState::Agreed,
        DependencyState::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DependencyState::Proposed => "proposed",
            DependencyState::Agreed => "agreed",
            DependencyState::Retired => "retired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DependencyState::Proposed => "Proposed",
            DependencyState::Agreed => "Agreed",
            DependencyState::Retired => "Retired",
        }
    }

    pub fn parse(s: &str) -> Option<DependencyState> {
        DependencyState::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What is done to a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyMove {
    /// The provider accepts it.
    Agree,
    /// Either side ends it.
    Retire,
    /// Its terms change (what, criticality, owners, expectation, services): an agreed
    /// dependency goes back to proposed, since the provider agreed to other terms.
    Amend,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a dependency that is {} cannot be {}", from.as_str(), verb(*by))]
pub struct IllegalDependencyMove {
    pub from: DependencyState,
    pub by: DependencyMove,
}

fn verb(m: DependencyMove) -> &'static str {
    match m {
        DependencyMove::Agree => "agreed",
        DependencyMove::Retire => "retired",
        DependencyMove::Amend => "changed",
    }
}

impl DependencyState {
    /// The state after `by`.
    pub fn after(self, by: DependencyMove) -> Result<DependencyState, IllegalDependencyMove> {
        use DependencyMove as M;
        use DependencyState as S;
        match (self, by) {
            (S::Proposed, M::Agree) => Ok(S::Agreed),
            (S::Proposed | S::Agreed, M::Retire) => Ok(S::Retired),
            (S::Proposed | S::Agreed, M::Amend) => Ok(S::Proposed),
            _ => Err(IllegalDependencyMove { from: self, by }),
        }
    }
}

/// Longest `what` of a dependency or name of a deliverable.
pub const NAME_MAX: usize = 200;
/// Longest expectation or note.
pub const TEXT_MAX: usize = 4_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_proposal_is_agreed_and_a_retired_one_stays_retired() {
        use DependencyMove as M;
        use DependencyState as S;
        assert_eq!(S::Proposed.after(M::Agree), Ok(S::Agreed));
        assert!(S::Agreed.after(M::Agree).is_err());
        assert!(S::Retired.after(M::Agree).is_err());
        assert_eq!(S::Agreed.after(M::Amend), Ok(S::Proposed));
        assert_eq!(S::Agreed.after(M::Retire), Ok(S::Retired));
        assert!(S::Retired.after(M::Retire).is_err());
        assert!(S::Retired.after(M::Amend).is_err());
        assert_eq!(
            S::Retired.after(M::Agree).unwrap_err().to_string(),
            "a dependency that is retired cannot be agreed"
        );
    }

    #[test]
    fn names_round_trip() {
        for c in Criticality::ALL {
            assert_eq!(Criticality::parse(c.as_str()), Some(c));
        }
        for s in DependencyState::ALL {
            assert_eq!(DependencyState::parse(s.as_str()), Some(s));
        }
        assert!(Criticality::Critical > Criticality::High);
    }
}
