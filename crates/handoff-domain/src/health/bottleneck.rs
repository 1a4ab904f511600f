//! Bottlenecks: the provider departments whose customers' work waits on them the most
//! beyond their targets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::round1;
use crate::dependency::Criticality;

/// How much each waiting department beyond the first adds to a provider's impact: a
/// quarter. Holding four departments back weighs 1.75 times their minutes, so a provider
/// that stalls many is found before one that stalls one a little longer.
pub const BREADTH_FACTOR: f64 = 0.25;

/// Business time a customer's work waited on a provider beyond the provider's targets:
/// an SLA clock past its target, a linked request waited on, a deliverable late. Several
/// may come in for one pair; they add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub customer: i64,
    pub provider: i64,
    /// Business minutes (the provider's calendar) beyond the target; a negative figure
    /// counts as 0.
    pub minutes_beyond: i64,
    /// The weight of the customer's dependency on the provider, 1 to 8
    /// ([`criticality_weight`]); 1 when no dependency is declared (0 counts as 1).
    pub criticality_weight: u32,
}

/// One customer held back by a bottleneck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BottleneckPair {
    /// The customer department.
    pub customer: i64,
    /// Business minutes its work waited beyond the provider's targets, all waits summed.
    pub minutes_beyond: i64,
    /// The heaviest criticality weight given for the pair.
    pub criticality_weight: u32,
}

/// A provider department that holds others back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bottleneck {
    pub department_id: i64,
    /// 1 for the highest impact, then 2, 3, ... with no gaps.
    pub rank: u32,
    /// Criticality-weighted business hours of waiting, raised by breadth; to one decimal.
    /// See [`rank_bottlenecks`].
    pub impact: f64,
    /// How many customer departments waited on it beyond its targets.
    pub waiting_departments: u32,
    /// The customers that waited, most minutes first.
    pub pairs: Vec<BottleneckPair>,
}

/// The weight of waiting on a dependency of criticality `c`, or 1 when none is declared:
/// [`Criticality::weight`] as an integer (1, 2, 4, 8).
pub fn criticality_weight(c: Option<Criticality>) -> u32 {
    c.map_or(1, |c| c.weight() as u32)
}

/// The providers that held others back, highest impact first.
///
/// A provider's impact is
///
/// ```text
/// impact = sum over its customers of (criticality_weight * minutes_beyond / 60)
///          * (1 + BREADTH_FACTOR * (waiting_departments - 1))
/// ```
///
/// rounded to one decimal, where `waiting_departments` counts the customers with minutes
/// beyond its targets. Criticality raises it because an hour of a critical dependency
/// stalled costs the customer more than an hour of a low one; breadth raises it because a
/// provider stalling many departments is a wider problem than their hours alone tell,
/// and one customer's long wait should not hide it. Minutes are business minutes, never
/// calendar time, so that a weekend or a holiday does not count as waiting.
///
/// Waits of one pair are summed, with the heaviest criticality weight given; a customer
/// that is the provider itself (its own work) is ignored. Providers whose impact rounds
/// to 0 are left out. Ties of impact are ranked by department id, lowest first.
pub fn rank_bottlenecks(waits: &[Wait]) -> Vec<Bottleneck> {
    let mut pairs: BTreeMap<(i64, i64), BottleneckPair> = BTreeMap::new();
    for wait in waits.iter().filter(|w| w.customer != w.provider) {
        let pair = pairs
            .entry((wait.provider, wait.customer))
            .or_insert(BottleneckPair {
                customer: wait.customer,
                minutes_beyond: 0,
                criticality_weight: 1,
            });
        pair.minutes_beyond = pair
            .minutes_beyond
            .saturating_add(wait.minutes_beyond.max(0));
        pair.criticality_weight = pair.criticality_weight.max(wait.criticality_weight);
    }

    let mut by_provider: BTreeMap<i64, Vec<BottleneckPair>> = BTreeMap::new();
    for ((provider, _), pair) in pairs {
        if pair.minutes_beyond > 0 {
            by_provider.entry(provider).or_default().push(pair);
        }
    }

    let mut bottlenecks: Vec<Bottleneck> = by_provider
        .into_iter()
        .map(|(department_id, mut pairs)| {
            pairs.sort_by(|a, b| {
                b.minutes_beyond
                    .cmp(&a.minutes_beyond)
                    .then(a.customer.cmp(&b.customer))
            });
            let hours: f64 = pairs
                .iter()
                .map(|p| f64::from(p.criticality_weight) * p.minutes_beyond as f64 / 60.0)
                .sum();
            let waiting = pairs.len() as u32;
            let breadth = 1.0 + BREADTH_FACTOR * f64::from(waiting.saturating_sub(1));
            Bottleneck {
                department_id,
                rank: 0,
                impact: round1(hours * breadth),
                waiting_departments: waiting,
                pairs,
            }
        })
        .filter(|b| b.impact > 0.0)
        .collect();

    bottlenecks.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then(a.department_id.cmp(&b.department_id))
    });
    for (i, b) in bottlenecks.iter_mut().enumerate() {
        b.rank = i as u32 + 1;
    }
    bottlenecks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(customer: i64, provider: i64, minutes: i64, c: Option<Criticality>) -> Wait {
        Wait {
            customer,
            provider,
            minutes_beyond: minutes,
            criticality_weight: criticality_weight(c),
        }
    }

    #[test]
    fn many_critical_dependents_outrank_one_low_one_when_the_numbers_say_so() {
        let critical = Some(Criticality::Critical);
        let mut waits = vec![
            // Provider 1 holds three critical dependents back two hours each:
            // 3 * 8 * 2 = 48, times 1 + 0.25 * 2 = 72.0.
            wait(10, 1, 120, critical),
            wait(11, 1, 90, critical),
            wait(11, 1, 30, critical),
            wait(12, 1, 120, critical),
            // Provider 2 holds one dependent without a declared dependency back 50 hours:
            // 1 * 50 = 50.0.
            wait(20, 2, 3000, None),
            // Own work is no bottleneck.
            wait(2, 2, 100_000, critical),
        ];
        let ranked = rank_bottlenecks(&waits);
        assert_eq!(ranked.len(), 2);
        assert_eq!(
            (ranked[0].department_id, ranked[0].rank, ranked[0].impact),
            (1, 1, 72.0)
        );
        assert_eq!(ranked[0].waiting_departments, 3);
        assert_eq!(
            ranked[0].pairs[1],
            BottleneckPair {
                customer: 11,
                minutes_beyond: 120,
                criticality_weight: 8
            }
        );
        assert_eq!(
            (ranked[1].department_id, ranked[1].rank, ranked[1].impact),
            (2, 2, 50.0)
        );

        // 100 hours of the low dependent outweigh the 72.
        waits.push(wait(20, 2, 3000, Some(Criticality::Low)));
        let ranked = rank_bottlenecks(&waits);
        assert_eq!((ranked[0].department_id, ranked[0].impact), (2, 100.0));
        assert_eq!((ranked[1].department_id, ranked[1].rank), (1, 2));
    }

    #[test]
    fn ties_go_to_the_lowest_id_and_nothing_is_no_bottleneck() {
        let waits = [
            wait(1, 7, 60, Some(Criticality::Medium)),
            wait(1, 5, 120, None),
            wait(1, 6, 0, Some(Criticality::Critical)),
            wait(1, 8, -30, None),
            wait(1, 9, 2, None),
        ];
        let ranked = rank_bottlenecks(&waits);
        let ids: Vec<(i64, u32, f64)> = ranked
            .iter()
            .map(|b| (b.department_id, b.rank, b.impact))
            .collect();
        assert_eq!(ids, vec![(5, 1, 2.0), (7, 2, 2.0)]);
    }

    #[test]
    fn criticality_weights_double_each_step() {
        let weights: Vec<u32> = Criticality::ALL
            .into_iter()
            .map(|c| criticality_weight(Some(c)))
            .collect();
        assert_eq!(weights, vec![1, 2, 4, 8]);
        assert_eq!(criticality_weight(None), 1);
    }
}
