//! A health score can be recomputed by hand from what it shows, never counts a part short
//! of events, and only rises when a part does; bottleneck ranks follow their impact.

use std::collections::BTreeMap;

use handoff_domain::health::{
    Assessment, Part, PartKind, Tallies, Tally, WATERMELON_GREEN, WATERMELON_UNHAPPY, Wait,
    Weights, assess, rank_bottlenecks, round1,
};
use proptest::prelude::*;

/// Slack for float noise on top of the rounding the rules allow.
const EPS: f64 = 1e-9;

/// Tallies whose parts have 0 to 12 events, each worth 0 to 100 (often a round value).
fn tallies() -> impl Strategy<Value = Tallies> {
    let worth = prop_oneof![
        Just(0.0),
        Just(100.0),
        (0u32..=4).prop_map(|s| f64::from(s) * 25.0),
        0.0..=100.0f64,
    ];
    prop::collection::vec(prop::collection::vec(worth, 0..12), 6).prop_map(|per_part| {
        let mut t = Tallies::new();
        for (part, worths) in Part::ALL.into_iter().zip(per_part) {
            for w in worths {
                t.add(part, w);
            }
        }
        t
    })
}

/// Valid weights: often small (where rounding the shares bites), sometimes 0.
fn weights() -> impl Strategy<Value = Weights> {
    let weight = prop_oneof![Just(0u32), 1u32..=3, 0u32..=100];
    prop::array::uniform6(weight).prop_filter_map("all zero", |ws| {
        Weights::new(Part::ALL.into_iter().zip(ws).collect()).ok()
    })
}

fn part_tally(part: Part) -> impl Strategy<Value = Tally> {
    // Fewer events than the part needs.
    (0..part.min_events(), 0.0..=100.0f64).prop_map(|(events, mean)| Tally {
        events,
        points: mean * events as f64,
    })
}

fn short_part() -> impl Strategy<Value = (Part, Tally, Tally)> {
    prop::sample::select(Part::ALL.to_vec())
        .prop_flat_map(|part| (Just(part), part_tally(part), part_tally(part)))
}

fn counted_total(a: &Assessment) -> f64 {
    a.parts.iter().map(|f| f.weight).sum()
}

proptest! {
    #[test]
    fn the_score_is_recomputed_from_the_shown_figures(
        current in tallies(), previous in tallies(), weights in weights(),
    ) {
        let a = assess(&current, &previous, &weights);
        prop_assert_eq!(a.parts.len(), 6);
        for (figure, part) in a.parts.iter().zip(Part::ALL) {
            prop_assert_eq!(figure.part, part);
            prop_assert_eq!(figure.configured_weight, weights.get(part));
            prop_assert_eq!(figure.enough, figure.events >= part.min_events());
            if let Some(v) = figure.value {
                prop_assert_eq!(v, round1(v));
            }
            prop_assert_eq!(figure.weight, round1(figure.weight));
            if !figure.enough || figure.configured_weight == 0 || a.score.is_none() {
                prop_assert_eq!(figure.weight, 0.0);
            }
        }
        match a.score {
            None => {
                prop_assert!(a.parts.iter().all(|f| !f.enough || f.configured_weight == 0));
                prop_assert_eq!(counted_total(&a), 0.0);
            }
            Some(score) => {
                prop_assert!((0.0..=100.0).contains(&score));
                prop_assert_eq!(score, round1(score));
                // By hand, from the configured weights of the parts that count...
                let (sum, total) = a
                    .parts
                    .iter()
                    .filter(|f| f.enough && f.configured_weight > 0)
                    .fold((0.0, 0u32), |(s, t), f| {
                        (s + f64::from(f.configured_weight) * f.value.unwrap(), t + f.configured_weight)
                    });
                prop_assert_eq!(score, round1(sum / f64::from(total)));
                // ... and from the shown shares.
                let by_hand: f64 = a
                    .parts
                    .iter()
                    .map(|f| f.value.unwrap_or(0.0) * f.weight / 100.0)
                    .sum();
                prop_assert!((score - by_hand).abs() <= 0.1 + EPS, "{} vs {}", score, by_hand);
                prop_assert!((counted_total(&a) - 100.0).abs() <= 0.1 + EPS);
                // Each share is its exact proportion rounded down or up to a tenth.
                for f in a.parts.iter().filter(|f| f.enough && f.configured_weight > 0) {
                    let exact = 100.0 * f64::from(f.configured_weight) / f64::from(total);
                    prop_assert!((f.weight - exact).abs() < 0.1 + EPS, "{} vs {}", f.weight, exact);
                }
            }
        }
    }

    #[test]
    fn a_part_short_of_events_never_moves_the_score(
        base in tallies(), weights in weights(), (part, one, other) in short_part(),
    ) {
        let mut with_one = base.clone();
        with_one.0.insert(part, one);
        let mut with_other = base;
        with_other.0.insert(part, other);
        let empty = Tallies::new();
        let a = assess(&with_one, &empty, &weights);
        let b = assess(&with_other, &empty, &weights);
        prop_assert_eq!(a.score, b.score);
        prop_assert_eq!(a.part(part).weight, 0.0);
        for (fa, fb) in a.parts.iter().zip(&b.parts) {
            prop_assert_eq!(fa.weight, fb.weight);
        }
        prop_assert_eq!(a.watermelon, b.watermelon);
    }

    #[test]
    fn raising_a_part_never_lowers_the_score(
        current in tallies(), weights in weights(),
        part in prop::sample::select(Part::ALL.to_vec()), raise in 0.0..=100.0f64,
    ) {
        let empty = Tallies::new();
        let before = assess(&current, &empty, &weights);
        let mut raised = current.clone();
        let mut tally = current.get(part);
        tally.points = (tally.points + raise * tally.events as f64).min(100.0 * tally.events as f64);
        raised.0.insert(part, tally);
        let after = assess(&raised, &empty, &weights);
        match (before.score, after.score) {
            (Some(b), Some(a)) => prop_assert!(a >= b, "{} fell to {}", b, a),
            (b, a) => prop_assert_eq!(b, a),
        }
    }

    #[test]
    fn watermelon_is_green_delivery_and_unhappy_customers(
        current in tallies(), weights in weights(),
    ) {
        let a = assess(&current, &Tallies::new(), &weights);
        // Delivery: SLA targets and deliverables (concerns come from the customers).
        let mean = |which: &dyn Fn(Part) -> bool| {
            let (sum, total) = a
                .parts
                .iter()
                .filter(|f| which(f.part) && f.enough)
                .fold((0.0, 0u32), |(s, t), f| {
                    let w = f.part.default_weight();
                    (s + f64::from(w) * f.value.unwrap(), t + w)
                });
            (total > 0).then(|| sum / f64::from(total))
        };
        let expected = matches!(
            (
                mean(&|p| matches!(p, Part::Sla | Part::DeliverablesOnTime | Part::DeliverablesAccurate)),
                mean(&|p| p.kind() == PartKind::Experience),
            ),
            (Some(o), Some(e)) if o >= WATERMELON_GREEN && e < WATERMELON_UNHAPPY
        );
        prop_assert_eq!(a.watermelon, expected);
        prop_assert_eq!(
            a.watermelon,
            a.notes.iter().any(|n| n.starts_with("Watermelon warning"))
        );
    }

    #[test]
    fn weights_round_trip_through_json(weights in weights()) {
        let json = serde_json::to_string(&weights).unwrap();
        let back: Weights = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, weights);
    }
}

fn waits() -> impl Strategy<Value = Vec<Wait>> {
    let wait = (0i64..6, 0i64..6, -60i64..2_000, 0u32..=8).prop_map(|(c, p, m, w)| Wait {
        customer: c,
        provider: p,
        minutes_beyond: m,
        criticality_weight: w,
    });
    prop::collection::vec(wait, 0..25)
}

fn impact_of(waits: &[Wait], provider: i64) -> f64 {
    rank_bottlenecks(waits)
        .iter()
        .find(|b| b.department_id == provider)
        .map_or(0.0, |b| b.impact)
}

proptest! {
    #[test]
    fn ranks_are_consecutive_and_follow_impact(waits in waits()) {
        let ranked = rank_bottlenecks(&waits);
        for (i, b) in ranked.iter().enumerate() {
            prop_assert_eq!(b.rank as usize, i + 1);
            prop_assert!(b.impact > 0.0);
            prop_assert_eq!(b.impact, round1(b.impact));
            prop_assert_eq!(b.waiting_departments as usize, b.pairs.len());
            prop_assert!(b.pairs.iter().all(|p| p.customer != b.department_id && p.minutes_beyond > 0));
            prop_assert!(b.pairs.windows(2).all(|w| w[0].minutes_beyond >= w[1].minutes_beyond));
            if let Some(next) = ranked.get(i + 1) {
                prop_assert!(
                    b.impact > next.impact
                        || (b.impact == next.impact && b.department_id < next.department_id)
                );
            }
            // The formula, from the pairs shown.
            let hours: f64 = b
                .pairs
                .iter()
                .map(|p| f64::from(p.criticality_weight) * p.minutes_beyond as f64 / 60.0)
                .sum();
            let breadth = 1.0 + 0.25 * (f64::from(b.waiting_departments) - 1.0);
            prop_assert_eq!(b.impact, round1(hours * breadth));
        }
        let minutes: BTreeMap<i64, i64> = ranked
            .iter()
            .map(|b| (b.department_id, b.pairs.iter().map(|p| p.minutes_beyond).sum()))
            .collect();
        for (provider, total) in minutes {
            let given: i64 = waits
                .iter()
                .filter(|w| w.provider == provider && w.customer != provider)
                .map(|w| w.minutes_beyond.max(0))
                .sum();
            prop_assert_eq!(total, given);
        }
    }

    #[test]
    fn impact_is_monotone_in_minutes_and_criticality(
        waits in waits().prop_filter("some wait", |w| !w.is_empty()),
        pick in any::<prop::sample::Index>(),
        more_minutes in 0i64..600,
        more_weight in 0u32..8,
    ) {
        let i = pick.index(waits.len());
        let provider = waits[i].provider;
        let before = impact_of(&waits, provider);

        let mut longer = waits.clone();
        longer[i].minutes_beyond = longer[i].minutes_beyond.max(0) + more_minutes;
        prop_assert!(impact_of(&longer, provider) >= before);

        let mut heavier = waits.clone();
        heavier[i].criticality_weight = (heavier[i].criticality_weight + more_weight).min(8);
        prop_assert!(impact_of(&heavier, provider) >= before);
    }
}
