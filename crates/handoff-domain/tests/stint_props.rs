//! Property tests of a stint's held and paused time, against a minute-by-minute oracle.

use handoff_domain::request::Status;
use handoff_domain::request::stint::{holds, split_time};
use handoff_domain::sla::Clockwork;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn at(minute: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + minute * 60).unwrap()
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

proptest! {
    /// Held and paused make up the whole stint, and held is exactly the minutes in which
    /// the status held the request and no wait was open.
    #[test]
    fn held_and_paused_make_up_the_stint(
        moves in prop::collection::vec((0i64..600, status()), 0..12),
        waits in prop::collection::vec((0i64..600, prop::option::of(0i64..300)), 0..4),
        from in 0i64..600,
        length in 0i64..600,
    ) {
        let mut moves = moves;
        moves.sort_by_key(|(m, _)| *m);
        let timeline: Vec<(Timestamp, Status)> = moves.iter().map(|(m, s)| (at(*m), *s)).collect();
        let waits: Vec<(i64, Option<i64>)> = waits.iter().map(|(s, l)| (*s, l.map(|l| s + l))).collect();
        let wait_times: Vec<(Timestamp, Option<Timestamp>)> =
            waits.iter().map(|(s, e)| (at(*s), e.map(at))).collect();
        let to = from + length;
        let time = split_time(&timeline, &wait_times, at(from), at(to), Clockwork::Continuous).unwrap();
        prop_assert_eq!(time.held + time.paused, SignedDuration::from_mins(length));

        let mut held = 0;
        for minute in from..to {
            let status = moves.iter().take_while(|(m, _)| *m <= minute).last().map_or(Status::New, |(_, s)| *s);
            let waiting = waits.iter().any(|(s, e)| *s <= minute && e.is_none_or(|e| minute < e));
            if holds(status) && !waiting {
                held += 1;
            }
        }
        prop_assert_eq!(time.held, SignedDuration::from_mins(held));
    }
}
