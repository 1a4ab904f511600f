//! Hand-checked business-calendar cases: expected instants were worked out by hand from the
//! zones' published rules and are written as literal RFC 3339 strings.

use handoff_domain::calendar::{Calendar, CalendarError, CalendarSpec, CompiledCalendar, Horizon};
use jiff::{SignedDuration, Timestamp};

fn ts(text: &str) -> Timestamp {
    text.parse().expect("test timestamp")
}

fn calendar(json: &str) -> Calendar {
    let spec: CalendarSpec = serde_json::from_str(json).expect("test calendar parses");
    Calendar::new(spec).expect("test calendar is valid")
}

/// Compiled over 2025-12-01 .. 2028-01-01, which holds every case below.
fn compiled(json: &str) -> CompiledCalendar {
    calendar(json)
        .compile(Horizon::new(ts("2025-12-01T00:00:00Z"), ts("2028-01-01T00:00:00Z")).unwrap())
        .unwrap()
}

fn due(c: &CompiledCalendar, start: &str, minutes: i64) -> String {
    c.due(ts(start), minutes).unwrap().to_string()
}

fn between(c: &CompiledCalendar, a: &str, b: &str) -> i64 {
    let d = c.between(ts(a), ts(b)).unwrap();
    assert_eq!(d.as_secs() % 60, 0, "{d:?} is not whole minutes");
    d.as_mins()
}

fn weekdays(zone: &str, hours: &str) -> String {
    format!(
        r#"{{"time_zone": "{zone}", "week": {{"mon": {hours}, "tue": {hours}, "wed": {hours}, "thu": {hours}, "fri": {hours}}}}}"#
    )
}

fn every_day(zone: &str, hours: &str, holidays: &str) -> String {
    format!(
        r#"{{"time_zone": "{zone}", "week": {{"mon": {hours}, "tue": {hours}, "wed": {hours}, "thu": {hours}, "fri": {hours}, "sat": {hours}, "sun": {hours}}}, "holidays": {holidays}}}"#
    )
}

const ALL_DAY: &str = r#"[["00:00","24:00"]]"#;

// ---------------------------------------------------------------- America/New_York
// 2026: EST→EDT Sun 03-08 02:00→03:00; EDT→EST Sun 11-01 02:00→01:00.

#[test]
fn new_york_office_hours_across_dst() {
    let c = compiled(&weekdays("America/New_York", r#"[["09:00","17:00"]]"#));
    // Fri 15:00 EST: 120 min that day, 60 more from Mon 09:00 EDT (13:00Z).
    assert_eq!(due(&c, "2026-03-06T20:00:00Z", 180), "2026-03-09T14:00:00Z");
    // 7 hours from 10:00 EDT end at 17:00 EDT the same day, not at 09:00 the next.
    assert_eq!(
        due(&c, "2026-03-09T14:00:00Z", 7 * 60),
        "2026-03-09T21:00:00Z"
    );
    // One full Friday lies between Fri 09:00 EST and Mon 09:00 EDT.
    assert_eq!(
        between(&c, "2026-03-06T14:00:00Z", "2026-03-09T13:00:00Z"),
        480
    );
    // Fri 16:00 EDT: 60 min that day, 60 more from Mon 09:00 EST (14:00Z).
    assert_eq!(due(&c, "2026-10-30T20:00:00Z", 120), "2026-11-02T15:00:00Z");
    // Saturday start: the clock waits for Monday.
    assert_eq!(due(&c, "2026-03-07T15:00:00Z", 1), "2026-03-09T13:01:00Z");
}

#[test]
fn new_york_24_hour_days_are_23_and_25_hours() {
    let c = compiled(&every_day("America/New_York", ALL_DAY, "[]"));
    assert_eq!(
        between(&c, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"),
        23 * 60
    );
    assert_eq!(
        between(&c, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"),
        25 * 60
    );
    assert_eq!(
        due(&c, "2026-03-08T05:00:00Z", 24 * 60),
        "2026-03-09T05:00:00Z"
    );
}

#[test]
fn new_york_intervals_in_the_gap_and_the_fold() {
    let c = compiled(&every_day(
        "America/New_York",
        r#"[["01:00","03:00"]]"#,
        "[]",
    ));
    // Normal day: 01:00-03:00 EST = 06:00Z-08:00Z.
    assert_eq!(
        between(&c, "2026-03-07T00:00:00Z", "2026-03-07T12:00:00Z"),
        120
    );
    // Spring forward: only 01:00-02:00 EST exists = 06:00Z-07:00Z.
    assert_eq!(
        between(&c, "2026-03-08T00:00:00Z", "2026-03-08T12:00:00Z"),
        60
    );
    assert_eq!(due(&c, "2026-03-08T00:00:00Z", 30), "2026-03-08T06:30:00Z");
    assert_eq!(due(&c, "2026-03-08T00:00:00Z", 60), "2026-03-08T07:00:00Z");
    // The 61st minute is the first of Mar 9, 01:00 EDT = 05:00Z.
    assert_eq!(due(&c, "2026-03-08T00:00:00Z", 61), "2026-03-09T05:01:00Z");
    // Fall back: 01:00 EDT (05:00Z) until 03:00 EST (08:00Z), the 01:00 hour twice.
    assert_eq!(
        between(&c, "2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z"),
        180
    );

    // An interval wholly inside the gap covers nothing that day.
    let c = compiled(&every_day(
        "America/New_York",
        r#"[["02:00","02:30"]]"#,
        "[]",
    ));
    assert_eq!(
        between(&c, "2026-03-08T00:00:00Z", "2026-03-08T12:00:00Z"),
        0
    );
    assert_eq!(
        between(&c, "2026-03-07T00:00:00Z", "2026-03-07T12:00:00Z"),
        30
    );

    // A fold interval is covered on both passes: 05:30-05:45Z (EDT), 06:30-06:45Z (EST).
    let c = compiled(&every_day(
        "America/New_York",
        r#"[["01:30","01:45"]]"#,
        "[]",
    ));
    assert_eq!(
        between(&c, "2026-11-01T00:00:00Z", "2026-11-01T12:00:00Z"),
        30
    );
    assert_eq!(due(&c, "2026-11-01T00:00:00Z", 15), "2026-11-01T05:45:00Z");
    assert_eq!(due(&c, "2026-11-01T00:00:00Z", 20), "2026-11-01T06:35:00Z");
}

// ---------------------------------------------------------------- Europe/London
// 2026: GMT→BST Sun 03-29 01:00→02:00; BST→GMT Sun 10-25 02:00→01:00.

const LONDON: &str = r#"{"time_zone": "Europe/London",
  "week": {"mon": [["09:00","12:30"],["13:30","17:30"]], "tue": [["09:00","12:30"],["13:30","17:30"]],
           "wed": [["09:00","12:30"],["13:30","17:30"]], "thu": [["09:00","12:30"],["13:30","17:30"]],
           "fri": [["09:00","12:30"],["13:30","17:30"]], "sat": [], "sun": []},
  "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-24", "from": "12:00", "to": "17:30"}]}"#;

#[test]
fn london_lunch_breaks_dst_and_holidays() {
    let c = compiled(LONDON);
    // Mon 12:00 GMT: 30 min before lunch, 30 after it.
    assert_eq!(due(&c, "2026-03-02T12:00:00Z", 60), "2026-03-02T14:00:00Z");
    // Reaching exactly the start of lunch ends at 12:30, not at 13:30.
    assert_eq!(due(&c, "2026-03-02T12:00:00Z", 30), "2026-03-02T12:30:00Z");
    // Fri 16:00 GMT: 90 min that day, 30 more from Mon 09:00 BST (08:00Z).
    assert_eq!(due(&c, "2026-03-27T16:00:00Z", 120), "2026-03-30T08:30:00Z");
    // Thu 24 Dec closes at 12:00; Fri 25 Dec is a holiday; then the weekend.
    assert_eq!(due(&c, "2026-12-24T11:00:00Z", 90), "2026-12-28T09:30:00Z");
    // 180 min on the 24th, 450 on Mon the 28th.
    assert_eq!(
        between(&c, "2026-12-24T00:00:00Z", "2026-12-29T00:00:00Z"),
        630
    );
    // Zero minutes from a closed moment is that moment.
    assert_eq!(due(&c, "2026-12-26T10:00:00Z", 0), "2026-12-26T10:00:00Z");
    // Fri 16:00Z is 17:00 BST: 30 min that day, 90 more from Mon 09:00 GMT (09:00Z).
    assert_eq!(due(&c, "2026-10-23T16:00:00Z", 120), "2026-10-26T10:30:00Z");
}

#[test]
fn london_24_hour_days_and_whole_holidays() {
    let c = compiled(&every_day(
        "Europe/London",
        ALL_DAY,
        r#"[{"date": "2026-12-25"}]"#,
    ));
    assert_eq!(
        between(&c, "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"),
        23 * 60
    );
    assert_eq!(
        between(&c, "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"),
        25 * 60
    );
    assert_eq!(
        between(&c, "2026-12-24T00:00:00Z", "2026-12-27T00:00:00Z"),
        48 * 60
    );
    assert_eq!(due(&c, "2026-12-24T23:00:00Z", 120), "2026-12-26T01:00:00Z");
}

#[test]
fn intervals_ending_at_24_00() {
    // London in January is UTC+0, so local times read as UTC.
    let evenings = r#"{"time_zone": "Europe/London", "week": {"fri": [["18:00","24:00"]], "sat": [["00:00","02:00"]]}}"#;
    let c = compiled(evenings);
    assert_eq!(due(&c, "2026-01-09T23:00:00Z", 60), "2026-01-10T00:00:00Z");
    assert_eq!(due(&c, "2026-01-09T23:00:00Z", 120), "2026-01-10T01:00:00Z");
    assert_eq!(
        between(&c, "2026-01-09T00:00:00Z", "2026-01-11T00:00:00Z"),
        8 * 60
    );

    let c = compiled(r#"{"time_zone": "Europe/London", "week": {"fri": [["18:00","24:00"]]}}"#);
    assert_eq!(due(&c, "2026-01-09T23:00:00Z", 60), "2026-01-10T00:00:00Z");
    assert_eq!(due(&c, "2026-01-09T23:00:00Z", 61), "2026-01-16T18:01:00Z");
}

// ---------------------------------------------------------------- Asia/Kolkata (+05:30)

#[test]
fn kolkata_half_hour_offset() {
    let c = compiled(&weekdays("Asia/Kolkata", r#"[["09:30","18:00"]]"#));
    // Mon 17:30 IST: 30 min that day, 30 more from Tue 09:30 IST (04:00Z).
    assert_eq!(due(&c, "2026-03-09T12:00:00Z", 60), "2026-03-10T04:30:00Z");
    // Fri 17:30 IST: 30 Fri + 510 Mon + 60 Tue.
    assert_eq!(due(&c, "2026-03-13T12:00:00Z", 600), "2026-03-17T05:00:00Z");
    assert_eq!(
        between(&c, "2026-03-13T12:00:00Z", "2026-03-17T05:00:00Z"),
        600
    );
}

// ---------------------------------------------------------------- Australia/Lord_Howe
// +10:30 standard, +11:00 DST. 2026: DST ends Sun 04-05 02:00→01:30; starts Sun 10-04
// 02:00→02:30.

#[test]
fn lord_howe_half_hour_dst_shift() {
    let c = compiled(&every_day("Australia/Lord_Howe", ALL_DAY, "[]"));
    // Midnight 10-04 (+10:30) = 10-03T13:30Z; midnight 10-05 (+11) = 10-04T13:00Z.
    assert_eq!(
        between(&c, "2026-10-03T13:30:00Z", "2026-10-04T13:00:00Z"),
        23 * 60 + 30
    );
    // Midnight 04-05 (+11) = 04-04T13:00Z; midnight 04-06 (+10:30) = 04-05T13:30Z.
    assert_eq!(
        between(&c, "2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z"),
        24 * 60 + 30
    );

    // 02:00-03:00 on 10-04: only 02:30-03:00 (+11) exists = 15:30Z-16:00Z.
    let c = compiled(&every_day(
        "Australia/Lord_Howe",
        r#"[["02:00","03:00"]]"#,
        "[]",
    ));
    assert_eq!(
        between(&c, "2026-10-03T12:00:00Z", "2026-10-04T00:00:00Z"),
        30
    );
    assert_eq!(due(&c, "2026-10-03T12:00:00Z", 10), "2026-10-03T15:40:00Z");

    // 01:00-02:00 on 04-05: 01:00-02:00 (+11) = 14:00Z-15:00Z, then 01:30-02:00 (+10:30)
    // again = 15:00Z-15:30Z.
    let c = compiled(&every_day(
        "Australia/Lord_Howe",
        r#"[["01:00","02:00"]]"#,
        "[]",
    ));
    assert_eq!(
        between(&c, "2026-04-04T12:00:00Z", "2026-04-05T00:00:00Z"),
        90
    );
    assert_eq!(due(&c, "2026-04-04T12:00:00Z", 75), "2026-04-04T15:15:00Z");

    // Office hours: Fri 16:00 (+10:30) = 05:30Z; Mon 09:00 (+11) = Sun 22:00Z.
    let c = compiled(&weekdays("Australia/Lord_Howe", r#"[["09:00","17:00"]]"#));
    assert_eq!(due(&c, "2026-10-02T05:30:00Z", 120), "2026-10-04T23:00:00Z");
}

// ---------------------------------------------------------------- Pacific/Chatham
// +12:45 standard, +13:45 DST. 2026: DST ends Sun 04-05 03:45→02:45; starts Sun 09-27
// 02:45→03:45.

#[test]
fn chatham_quarter_hour_offsets() {
    let c = compiled(&weekdays("Pacific/Chatham", r#"[["09:00","17:00"]]"#));
    // Mon 10:00 (+13:45) = Sun 20:15Z.
    assert_eq!(due(&c, "2026-03-08T20:15:00Z", 30), "2026-03-08T20:45:00Z");
    // Fri 16:00 (+12:45) = 03:15Z: 60 min; Mon 09:00 (+13:45) = Sun 19:15Z, plus 60.
    assert_eq!(due(&c, "2026-09-25T03:15:00Z", 120), "2026-09-27T20:15:00Z");

    let c = compiled(&every_day("Pacific/Chatham", ALL_DAY, "[]"));
    // Midnight 09-27 (+12:45) = 09-26T11:15Z; midnight 09-28 (+13:45) = 09-27T10:15Z.
    assert_eq!(
        between(&c, "2026-09-26T11:15:00Z", "2026-09-27T10:15:00Z"),
        23 * 60
    );
    // Midnight 04-05 (+13:45) = 04-04T10:15Z; midnight 04-06 (+12:45) = 04-05T11:15Z.
    assert_eq!(
        between(&c, "2026-04-04T10:15:00Z", "2026-04-05T11:15:00Z"),
        25 * 60
    );
}

// ---------------------------------------------------------------- semantics and errors

#[test]
fn between_is_antisymmetric() {
    let c = compiled(LONDON);
    let (a, b) = ("2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z");
    // Mon 10:00-12:30 and 13:30-17:30, Tue 09:00-10:00.
    assert_eq!(between(&c, a, b), 450);
    assert_eq!(between(&c, b, a), -450);
    assert_eq!(between(&c, a, a), 0);
}

#[test]
fn sub_second_precision_round_trips() {
    let c = compiled(LONDON);
    let start = ts("2026-03-02T11:59:59.25Z");
    let d = c.due(start, 45).unwrap();
    assert_eq!(d.to_string(), "2026-03-02T13:44:59.25Z");
    assert_eq!(c.between(start, d).unwrap(), SignedDuration::from_mins(45));
    let d = c
        .due_after(start, SignedDuration::new(0, 750_000_001))
        .unwrap();
    assert_eq!(d.to_string(), "2026-03-02T12:00:00.000000001Z");
}

#[test]
fn no_working_time_is_an_error() {
    let spec: CalendarSpec =
        serde_json::from_str(r#"{"time_zone": "UTC", "week": {"mon": []}}"#).unwrap();
    let error = Calendar::new(spec).unwrap_err();
    assert_eq!(
        error.to_string(),
        "week: the calendar has no working time on any day"
    );

    // Mondays only, and every Monday of March 2026 is a holiday.
    let mondays_off = r#"{"time_zone": "UTC", "week": {"mon": [["09:00","17:00"]]}, "holidays": [
        {"date": "2026-03-02"}, {"date": "2026-03-09"}, {"date": "2026-03-16"},
        {"date": "2026-03-23"}, {"date": "2026-03-30"}]}"#;
    let march = Horizon::new(ts("2026-03-01T00:00:00Z"), ts("2026-03-31T00:00:00Z")).unwrap();
    let error = calendar(mondays_off).compile(march).unwrap_err();
    assert!(
        matches!(error, CalendarError::NoWorkingTime { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the calendar has no working time between 2026-03-01T00:00:00Z and 2026-03-31T00:00:00Z"
    );
}

#[test]
fn targets_beyond_the_horizon_are_errors() {
    let cal = calendar(&every_day("UTC", ALL_DAY, "[]"));
    let start = ts("2026-01-01T00:00:00Z");
    let c = cal.compile(Horizon::for_due(start).unwrap()).unwrap();
    // 3,660 days (to 2036-01-09) of a 24/7 calendar fit; eleven years do not.
    assert!(c.due(start, 10 * 365 * 24 * 60).is_ok());
    let error = c.due(start, 11 * 365 * 24 * 60).unwrap_err();
    assert_eq!(
        error.to_string(),
        "5781600 minutes of business time from 2026-01-01T00:00:00Z is not reached by 2036-01-09T00:00:00Z, the end of the calendar's horizon"
    );
    assert!(matches!(
        c.due(start, i64::MAX),
        Err(CalendarError::DurationTooLong)
    ));
    assert!(matches!(
        c.due(start, -1),
        Err(CalendarError::NegativeDuration(_))
    ));
    let before = c.between(ts("2025-12-31T00:00:00Z"), start).unwrap_err();
    assert!(
        matches!(before, CalendarError::OutsideHorizon { .. }),
        "{before:?}"
    );
    assert!(Horizon::new(start, start).is_err());
    assert!(Horizon::new(ts("1800-01-01T00:00:00Z"), start).is_err());
    assert!(Horizon::starting_at(start, 200 * 366).is_err());
    // Years around an instant stay within the supported range.
    let near_end = Horizon::around(ts("2199-06-01T00:00:00Z"), 1, 5).unwrap();
    assert_eq!(near_end.end(), Horizon::LATEST);
    assert_eq!(near_end.start(), ts("2198-05-31T00:00:00Z"));
}

#[test]
fn compiled_calendar_reports_its_periods() {
    let c = calendar(LONDON)
        .compile(Horizon::new(ts("2026-03-02T00:00:00Z"), ts("2026-03-03T00:00:00Z")).unwrap())
        .unwrap();
    let periods: Vec<String> = c.periods().map(|(a, b)| format!("{a}/{b}")).collect();
    assert_eq!(
        periods,
        [
            "2026-03-02T09:00:00Z/2026-03-02T12:30:00Z",
            "2026-03-02T13:30:00Z/2026-03-02T17:30:00Z"
        ]
    );
    assert_eq!(c.total(), SignedDuration::from_mins(450));
    assert!(c.is_open(ts("2026-03-02T09:00:00Z")).unwrap());
    assert!(!c.is_open(ts("2026-03-02T12:30:00Z")).unwrap());
}

#[test]
fn one_off_helpers_pick_their_own_horizon() {
    let mondays = r#"{"time_zone": "UTC", "week": {"mon": [["09:00","17:00"]]}}"#;
    let cal = calendar(mondays);
    // Wednesday to Thursday: no working time anywhere near, so zero rather than an error.
    let (wed, thu) = (ts("2026-03-11T10:00:00Z"), ts("2026-03-12T10:00:00Z"));
    assert_eq!(cal.between_once(wed, thu).unwrap(), SignedDuration::ZERO);
    assert_eq!(
        cal.due_once(wed, 60).unwrap().to_string(),
        "2026-03-16T10:00:00Z"
    );
    assert_eq!(cal.due_once(wed, 0).unwrap(), wed);
    let far = cal
        .due_once(ts("2250-01-01T00:00:00Z"), 5)
        .unwrap_err()
        .to_string();
    assert!(
        far.starts_with(
            "invalid calendar horizon: only instants from 1900-01-01T00:00:00Z to 2200-01-01T00:00:00Z are supported"
        ),
        "{far}"
    );

    // Every Monday of the 3,660-day search is a holiday: a clear error, not a loop.
    let mut spec: CalendarSpec = serde_json::from_str(mondays).unwrap();
    let mut monday = jiff::civil::date(2026, 3, 16);
    while monday < jiff::civil::date(2036, 6, 1) {
        spec.holidays
            .push(handoff_domain::calendar::HolidaySpec::whole_day(monday));
        monday = monday.checked_add(jiff::Span::new().days(7)).unwrap();
    }
    let closed = Calendar::new(spec).unwrap();
    let error = closed.due_once(wed, 60).unwrap_err();
    assert!(
        matches!(error, CalendarError::NoWorkingTime { .. }),
        "{error:?}"
    );
    assert_eq!(closed.due_once(wed, 0).unwrap(), wed);
}
