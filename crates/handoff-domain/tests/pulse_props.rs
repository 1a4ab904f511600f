//! What a pulse shows can never be subtracted down to fewer answers than the threshold.

use handoff_domain::feedback::pulse::{Slice, disclose};
use proptest::prelude::*;

proptest! {
    #[test]
    fn no_shown_slices_leave_a_small_remainder(
        threshold in 3u32..8,
        counts in prop::collection::vec(0u32..15, 0..12),
    ) {
        let slices: Vec<Slice> = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| Slice { customer_department_id: i as i64, responses: n })
            .collect();
        let total: u32 = counts.iter().sum();
        let d = disclose(threshold, &slices);
        prop_assert_eq!(d.total_shown, total >= threshold);
        let mut accounted = 0;
        for s in &slices {
            if d.shown.contains(&s.customer_department_id) {
                prop_assert!(d.total_shown);
                prop_assert!(s.responses >= threshold);
                accounted += s.responses;
            }
        }
        let left = total - accounted;
        prop_assert!(!d.total_shown || left == 0 || left >= threshold,
            "{} answers left unaccounted beside the shown slices", left);
        // Only what had to be withheld is: a slice that reaches the threshold is kept
        // whenever the total leaves no small remainder with all of them shown.
        let big: u32 = slices.iter().filter(|s| s.responses >= threshold).map(|s| s.responses).sum();
        if total >= threshold && (total - big == 0 || total - big >= threshold) {
            prop_assert_eq!(accounted, big);
        }
    }
}
