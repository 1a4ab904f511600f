//! Property tests of business-calendar arithmetic on random calendars in zones with DST,
//! half-hour and quarter-hour offsets, checked against an independent wall-clock oracle.

use handoff_domain::calendar::{
    Calendar, CalendarError, CalendarSpec, CompiledCalendar, HolidaySpec, Horizon, WeekSpec,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

const ZONES: [&str; 8] = [
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "UTC",
];

/// 2026-01-01T00:00:00Z .. 2028-01-01T00:00:00Z.
const H_START: i64 = 1_767_225_600;
const H_END: i64 = 1_830_297_600;

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Up to three disjoint intervals: sorted distinct minute marks paired up.
fn day() -> impl Strategy<Value = Vec<[String; 2]>> {
    prop::collection::btree_set(0u32..=1440, 0..=6).prop_map(|marks| {
        let marks: Vec<u32> = marks.into_iter().collect();
        marks
            .chunks_exact(2)
            .map(|p| [hhmm(p[0]), hhmm(p[1])])
            .collect()
    })
}

fn holiday() -> impl Strategy<Value = HolidaySpec> {
    (0i64..730, prop::option::of((0u32..1440, 1u32..=1440))).prop_map(|(offset, part)| {
        let date = jiff::civil::date(2026, 1, 1)
            .checked_add(jiff::Span::new().days(offset))
            .unwrap();
        let (from, to) = match part {
            Some((a, len)) => (Some(hhmm(a)), Some(hhmm((a + len).min(1440)))),
            None => (None, None),
        };
        HolidaySpec {
            date: date.to_string(),
            from,
            to,
            name: None,
        }
    })
}

fn spec() -> impl Strategy<Value = CalendarSpec> {
    (
        prop::sample::select(&ZONES[..]),
        [day(), day(), day(), day(), day(), day(), day()],
        prop::collection::vec(holiday(), 0..12),
    )
        .prop_map(
            |(zone, [mon, tue, wed, thu, fri, sat, sun], holidays)| CalendarSpec {
                time_zone: zone.to_owned(),
                week: WeekSpec {
                    mon,
                    tue,
                    wed,
                    thu,
                    fri,
                    sat,
                    sun,
                },
                holidays,
            },
        )
        .prop_filter("some working time", |s| {
            s.week.days().iter().any(|d| !d.is_empty())
        })
}

fn compile(spec: &CalendarSpec) -> CompiledCalendar {
    let calendar = Calendar::new(spec.clone()).expect("generated calendars are valid");
    calendar
        .compile(
            Horizon::new(
                Timestamp::from_second(H_START).unwrap(),
                Timestamp::from_second(H_END).unwrap(),
            )
            .unwrap(),
        )
        .expect("a random week with working time keeps some in two years")
}

/// An instant in the first 18 months of the horizon, sometimes with nanoseconds.
fn instant() -> impl Strategy<Value = Timestamp> {
    (
        H_START..H_START + 548 * 86_400,
        prop_oneof![Just(0i32), 0i32..1_000_000_000],
    )
        .prop_map(|(s, ns)| Timestamp::new(s, ns).unwrap())
}

fn parse_hhmm(text: &str) -> i32 {
    let (h, m) = text.split_once(':').unwrap();
    h.parse::<i32>().unwrap() * 3600 + m.parse::<i32>().unwrap() * 60
}

/// Whether `at` is working time, straight from the definition: read the wall clock in the
/// zone and look the reading up in the week and the holidays.
fn oracle_open(spec: &CalendarSpec, at: Timestamp) -> bool {
    let tz = TimeZone::get(&spec.time_zone).unwrap();
    let local = tz.to_datetime(at);
    let t = local.time();
    let second = i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second());
    let weekday = usize::from(
        local
            .date()
            .weekday()
            .to_monday_zero_offset()
            .unsigned_abs(),
    );
    let in_week = spec.week.days()[weekday]
        .iter()
        .any(|[a, b]| parse_hhmm(a) <= second && second < parse_hhmm(b));
    let date = local.date().to_string();
    let closed = spec.holidays.iter().any(|h| {
        h.date == date
            && h.from.as_deref().map_or(0, parse_hhmm) <= second
            && second < h.to.as_deref().map_or(86_400, parse_hhmm)
    });
    in_week && !closed
}

/// `Ok(None)` when the target lies beyond the horizon (sparse calendars, long targets).
fn due(c: &CompiledCalendar, start: Timestamp, minutes: i64) -> Option<Timestamp> {
    match c.due(start, minutes) {
        Ok(at) => Some(at),
        Err(CalendarError::Unreachable { .. }) => None,
        Err(e) => panic!("unexpected error {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn between_inverts_due(spec in spec(), start in instant(), minutes in 0i64..30_000) {
        let c = compile(&spec);
        if let Some(at) = due(&c, start, minutes) {
            prop_assert_eq!(c.between(start, at).unwrap(), SignedDuration::from_mins(minutes));
            if minutes == 0 {
                prop_assert_eq!(at, start);
            }
        }
    }

    #[test]
    fn due_is_monotonic(spec in spec(), start in instant(), a in 0i64..20_000, b in 0i64..20_000) {
        let c = compile(&spec);
        let (lo, hi) = (a.min(b), a.max(b));
        if let (Some(x), Some(y)) = (due(&c, start, lo), due(&c, start, hi)) {
            prop_assert!(x <= y, "due({lo}) = {x} > due({hi}) = {y}");
            if lo < hi {
                prop_assert!(x < y);
            }
        }
    }

    #[test]
    fn due_lands_just_after_open_time(spec in spec(), start in instant(), minutes in 1i64..20_000) {
        let c = compile(&spec);
        if let Some(at) = due(&c, start, minutes) {
            let just_before = at.checked_sub(SignedDuration::from_nanos(1)).unwrap();
            prop_assert!(c.is_open(just_before).unwrap());
            prop_assert!(oracle_open(&spec, just_before), "{just_before} is closed by the definition");
        }
    }

    #[test]
    fn between_is_additive(spec in spec(), a in instant(), b in instant(), m in instant()) {
        let c = compile(&spec);
        let whole = c.between(a, b).unwrap();
        let parts = c.between(a, m).unwrap() + c.between(m, b).unwrap();
        prop_assert_eq!(whole, parts);
        prop_assert_eq!(c.between(b, a).unwrap(), -whole);
        if a <= b {
            prop_assert!(!whole.is_negative());
            prop_assert!(whole <= b.duration_since(a));
        }
    }

    #[test]
    fn compiled_open_time_matches_the_wall_clock(spec in spec(), ats in prop::collection::vec(instant(), 50)) {
        let c = compile(&spec);
        for at in ats {
            prop_assert_eq!(c.is_open(at).unwrap(), oracle_open(&spec, at), "at {}", at);
        }
    }

    #[test]
    fn due_of_sub_minute_durations_round_trips(spec in spec(), start in instant(), nanos in 0i64..3_600_000_000_000) {
        let c = compile(&spec);
        let business = SignedDuration::from_nanos(nanos);
        match c.due_after(start, business) {
            Ok(at) => prop_assert_eq!(c.between(start, at).unwrap(), business),
            Err(CalendarError::Unreachable { .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
}

/// Near DST transitions the random instants above are rare; check every minute of each
/// transition day in every zone against the oracle.
#[test]
fn every_minute_of_transition_days_matches_the_wall_clock() {
    let week: Vec<[String; 2]> = vec![
        ["00:00".into(), "00:30".into()],
        ["01:00".into(), "01:45".into()],
        ["02:15".into(), "03:00".into()],
        ["03:30".into(), "24:00".into()],
    ];
    for zone in ZONES {
        let spec = CalendarSpec {
            time_zone: zone.into(),
            week: WeekSpec {
                mon: week.clone(),
                tue: week.clone(),
                wed: week.clone(),
                thu: week.clone(),
                fri: week.clone(),
                sat: week.clone(),
                sun: week.clone(),
            },
            holidays: vec![],
        };
        let c = compile(&spec);
        let tz = TimeZone::get(zone).unwrap();
        let from = Timestamp::from_second(H_START).unwrap();
        for transition in tz
            .following(from)
            .take_while(|t| t.timestamp().as_second() < H_END - 2 * 86_400)
        {
            let t0 = transition.timestamp().as_second();
            for minute in -36 * 60..36 * 60 {
                let at = Timestamp::from_second(t0 + minute * 60).unwrap();
                assert_eq!(
                    c.is_open(at).unwrap(),
                    oracle_open(&spec, at),
                    "{zone} at {at}"
                );
            }
        }
    }
}
