//! The health of relationships between departments, and the departments that hold
//! others back.
//!
//! A relationship (a customer department relying on a provider department) gets a score
//! out of 100 over a window of [`WINDOW_DAYS`], made of six parts: four operational (SLA
//! targets, deliverables on time and accurate, concerns answered in time) and two of
//! experience (satisfaction ratings, pulse results). The score is meant to be recomputed
//! by hand from what a page shows, so it is computed from the rounded figures shown, and
//! a part with too few events is left out rather than counted as 0 or 100: one breached
//! clock out of two must not paint a relationship red, nor one good rating paint it green.
//!
//! Bottlenecks rank the providers by how much business time their customers' work waited
//! on them beyond their targets, weighted by how critical the dependency is.
//!
//! Everything here is pure: the storage layer tallies events, this module weighs them.

mod bottleneck;
mod held;
pub mod links;
mod score;

pub use bottleneck::{
    BREADTH_FACTOR, Bottleneck, BottleneckPair, Wait, criticality_weight, rank_bottlenecks,
};
pub use held::{HeldClock, Judgement, LinkWaits, judge, waited};
pub use score::{
    Assessment, MAX_WEIGHT, Part, PartFigure, PartKind, Tallies, Tally, WATERMELON_GREEN,
    WATERMELON_UNHAPPY, Weights, assess, met_points, rating_points,
};

/// The length of the window a health score is computed over, in calendar days. The
/// previous window, for trends, is the same length just before it.
pub const WINDOW_DAYS: i64 = 90;

/// `x` rounded to one decimal, halves away from zero (72.25 gives 72.3, -2.25 gives
/// -2.3). Every figure of this module goes through it, so that what is shown and what is
/// computed from it agree; a negative zero comes out as 0.0 so that it does not show as
/// "-0.0".
pub fn round1(x: f64) -> f64 {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round1_rounds_halves_away_from_zero() {
        assert_eq!(round1(72.25), 72.3);
        assert_eq!(round1(-2.25), -2.3);
        assert_eq!(round1(0.05), 0.1);
        assert_eq!(round1(75.0), 75.0);
        assert_eq!(round1(66.666_666), 66.7);
        assert_eq!(round1(-0.04).to_string(), "0");
    }
}
