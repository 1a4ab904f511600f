//! Relationship pulses: what of their results may be shown without tracing an answer to
//! the people who gave it.
//!
//! A result (a provider as seen by one customer department, or by all its customers
//! together) is shown only when at least `threshold` people gave it. That alone is not
//! enough: a total of 7 shown beside one department's 5 tells the reader what the other
//! 2 answered. So where the shown sub-slices of a shown total would leave between 1 and
//! `threshold - 1` answers unaccounted for, sub-slices are withheld, smallest first,
//! until none would.

use std::collections::BTreeSet;

/// How many people answered about a provider, per customer department.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub customer_department_id: i64,
    pub responses: u32,
}

/// What may be shown of one provider's results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disclosure {
    /// The result of all customers together.
    pub total_shown: bool,
    /// The customer departments whose own result is shown.
    pub shown: BTreeSet<i64>,
}

/// Decides what of one provider's slices may be shown at `threshold`.
pub fn disclose(threshold: u32, slices: &[Slice]) -> Disclosure {
    let threshold = threshold.max(1);
    let total: u32 = slices.iter().map(|s| s.responses).sum();
    if total < threshold {
        return Disclosure::default();
    }
    let mut shown: Vec<Slice> = slices
        .iter()
        .copied()
        .filter(|s| s.responses >= threshold)
        .collect();
    // Largest first, so that the smallest is withheld first.
    shown.sort_by_key(|s| (std::cmp::Reverse(s.responses), s.customer_department_id));
    loop {
        let accounted: u32 = shown.iter().map(|s| s.responses).sum();
        let left = total - accounted;
        if left == 0 || left >= threshold || shown.is_empty() {
            break;
        }
        shown.pop();
    }
    Disclosure {
        total_shown: true,
        shown: shown.iter().map(|s| s.customer_department_id).collect(),
    }
}

/// The mean of `responses` scores summing to `sum`, to two decimals.
pub fn mean(sum: i64, responses: u32) -> f64 {
    if responses == 0 {
        return 0.0;
    }
    (sum as f64 / f64::from(responses) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices(counts: &[(i64, u32)]) -> Vec<Slice> {
        counts
            .iter()
            .map(|&(id, n)| Slice {
                customer_department_id: id,
                responses: n,
            })
            .collect()
    }

    #[test]
    fn nothing_is_shown_below_the_threshold() {
        assert_eq!(
            disclose(5, &slices(&[(1, 2), (2, 2)])),
            Disclosure::default()
        );
        let d = disclose(5, &slices(&[(1, 4), (2, 1)]));
        assert!(d.total_shown);
        assert!(d.shown.is_empty());
    }

    #[test]
    fn a_slice_of_five_beside_a_total_of_seven_is_withheld() {
        let d = disclose(5, &slices(&[(1, 5), (2, 2)]));
        assert!(d.total_shown);
        assert!(d.shown.is_empty());
    }

    #[test]
    fn slices_that_account_for_everything_or_leave_enough_are_shown() {
        let d = disclose(5, &slices(&[(1, 5), (2, 6)]));
        assert_eq!(d.shown, BTreeSet::from([1, 2]));
        let d = disclose(5, &slices(&[(1, 5), (2, 6), (3, 2), (4, 3)]));
        assert_eq!(d.shown, BTreeSet::from([1, 2]));
        // 5 + 6 + 3: withholding the 5 leaves 8 unaccounted, enough.
        let d = disclose(5, &slices(&[(1, 5), (2, 6), (3, 3)]));
        assert_eq!(d.shown, BTreeSet::from([2]));
    }

    #[test]
    fn means_round_to_two_decimals() {
        assert_eq!(mean(0, 0), 0.0);
        assert_eq!(mean(14, 3), 4.67);
    }
}
