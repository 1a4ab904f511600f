//! Hand-checked schedules of recurring deliverables: each expected instant below was
//! worked out on a calendar, not produced by the code under test.
//!
//! The office calendar works Monday to Friday, 09:00-17:00.

use handoff_domain::FieldErrors;
use handoff_domain::calendar::{Calendar, CalendarSpec, HolidaySpec, WeekSpec};
use handoff_domain::deliverable::Schedule;
use jiff::Timestamp;
use jiff::civil::{Date, date};

fn office(zone: &str, holidays: Vec<HolidaySpec>) -> Calendar {
    let day = || vec![["09:00".to_owned(), "17:00".to_owned()]];
    Calendar::new(CalendarSpec {
        time_zone: zone.into(),
        week: WeekSpec {
            mon: day(),
            tue: day(),
            wed: day(),
            thu: day(),
            fri: day(),
            sat: vec![],
            sun: vec![],
        },
        holidays,
    })
    .unwrap()
}

fn utc() -> Calendar {
    office("UTC", vec![])
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn schedule(rule: &str, due: &str, starts_on: Date, calendar: &Calendar) -> Schedule {
    Schedule::new(rule, due, starts_on, calendar)
        .unwrap_or_else(|e| panic!("{rule} at {due} from {starts_on}: {e}"))
}

/// The occurrences in `[from, until)` as RFC 3339 text, for readable comparisons.
fn due(s: &Schedule, from: &str, until: &str) -> Vec<String> {
    s.occurrences(at(from), at(until))
        .into_iter()
        .map(|t| t.to_string())
        .collect()
}

fn refused(rule: &str, due: &str, starts_on: Date, calendar: &Calendar) -> FieldErrors {
    match Schedule::new(rule, due, starts_on, calendar) {
        Ok(s) => panic!(
            "{rule} at {due} from {starts_on} was accepted as {:?}",
            s.rule()
        ),
        Err(errors) => errors,
    }
}

/// Asserts that the rule is refused under `field` with a reason containing `words`.
#[track_caller]
fn assert_refused(rule: &str, field: &str, words: &str) {
    let errors = refused(rule, "09:00", date(2026, 1, 1), &utc());
    let reason = errors
        .get(field)
        .unwrap_or_else(|| panic!("{rule}: no reason for {field} in {errors}"));
    assert!(
        reason.contains(words),
        "{rule}: {field}: {reason:?} lacks {words:?}"
    );
}

// Month ends.

#[test]
fn the_31st_skips_short_months() {
    let s = schedule(
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "17:00",
        date(2026, 1, 1),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2026-09-01T00:00:00Z"),
        [
            "2026-01-31T17:00:00Z",
            "2026-03-31T17:00:00Z",
            "2026-05-31T17:00:00Z",
            "2026-07-31T17:00:00Z",
            "2026-08-31T17:00:00Z",
        ]
    );
}

#[test]
fn the_last_day_of_the_month_counts_from_its_end() {
    let s = schedule(
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "12:00",
        date(2026, 1, 1),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        [
            "2026-01-31T12:00:00Z",
            "2026-02-28T12:00:00Z",
            "2026-03-31T12:00:00Z",
        ]
    );
}

#[test]
fn the_last_business_day_steps_back_over_a_weekend() {
    // January 2026 ends on a Saturday, February on a Saturday, May on a Sunday; March on
    // a Tuesday. Berlin is UTC+1 in winter, UTC+2 from 29 March.
    let s = schedule(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=-1",
        "16:00",
        date(2026, 1, 1),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(s.business_day(), Some(-1));
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
        [
            "2026-01-30T15:00:00Z",
            "2026-02-27T15:00:00Z",
            "2026-03-31T14:00:00Z",
            "2026-04-30T14:00:00Z",
            "2026-05-29T14:00:00Z",
        ]
    );
}

// Holidays.

#[test]
fn a_whole_day_holiday_pushes_the_third_business_day() {
    // 1 January 2026 is a Thursday: the 3rd business day is Monday 5 January, or
    // Tuesday 6 January when New Year's Day is a holiday.
    let rule = "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3";
    let (from, until) = ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z");
    let plain = schedule(rule, "10:00", date(2026, 1, 1), &utc());
    assert_eq!(due(&plain, from, until), ["2026-01-05T10:00:00Z"]);

    let holiday = office("UTC", vec![HolidaySpec::whole_day(date(2026, 1, 1))]);
    let pushed = schedule(rule, "10:00", date(2026, 1, 1), &holiday);
    assert_eq!(due(&pushed, from, until), ["2026-01-06T10:00:00Z"]);
}

#[test]
fn a_partial_holiday_does_not_push_it() {
    let afternoon_off = HolidaySpec {
        date: "2026-01-01".into(),
        from: Some("12:00".into()),
        to: None,
        name: Some("New Year's afternoon".into()),
    };
    let calendar = office("UTC", vec![afternoon_off]);
    assert!(calendar.is_business_day(date(2026, 1, 1)));
    let s = schedule(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
        "10:00",
        date(2026, 1, 1),
        &calendar,
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
        ["2026-01-05T10:00:00Z"]
    );
}

#[test]
fn business_days_follow_the_calendar_week_and_whole_day_holidays() {
    let calendar = office(
        "UTC",
        vec![
            HolidaySpec::whole_day(date(2026, 12, 25)),
            HolidaySpec {
                date: "2026-12-24".into(),
                from: Some("00:00".into()),
                to: Some("24:00".into()),
                name: None,
            },
            HolidaySpec {
                date: "2026-12-31".into(),
                from: Some("09:00".into()),
                to: Some("17:00".into()),
                name: None,
            },
        ],
    );
    assert!(calendar.is_business_day(date(2026, 12, 23)));
    assert!(!calendar.is_business_day(date(2026, 12, 24)));
    assert!(!calendar.is_business_day(date(2026, 12, 25)));
    assert!(!calendar.is_business_day(date(2026, 12, 26)), "a Saturday");
    // Closed for all its working hours but not the whole day: still a business day.
    assert!(calendar.is_business_day(date(2026, 12, 31)));
}

// Daylight saving.

#[test]
fn berlin_spring_gap_gives_the_first_instant_after_it() {
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
    let s = schedule(
        "FREQ=DAILY",
        "02:30",
        date(2026, 3, 27),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(
        due(&s, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z"),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-30T00:30:00Z",
        ]
    );
}

#[test]
fn berlin_autumn_fold_gives_the_earlier_instant() {
    // 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    let s = schedule(
        "FREQ=DAILY",
        "02:30",
        date(2026, 10, 1),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(
        due(&s, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z"),
        [
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z",
        ]
    );
}

#[test]
fn new_york_spring_gap_gives_the_first_instant_after_it() {
    // 8 March 2026: 02:00 EST jumps to 03:00 EDT.
    let s = schedule(
        "FREQ=DAILY",
        "02:30",
        date(2026, 3, 1),
        &office("America/New_York", vec![]),
    );
    assert_eq!(
        due(&s, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z"),
        [
            "2026-03-07T07:30:00Z",
            "2026-03-08T07:00:00Z",
            "2026-03-09T06:30:00Z",
        ]
    );
}

#[test]
fn new_york_autumn_fold_gives_the_earlier_instant() {
    // 1 November 2026: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    let s = schedule(
        "FREQ=DAILY",
        "01:30",
        date(2026, 10, 1),
        &office("America/New_York", vec![]),
    );
    assert_eq!(
        due(&s, "2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z"),
        [
            "2026-10-31T05:30:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-02T06:30:00Z",
        ]
    );
}

#[test]
fn wall_clock_time_stays_put_across_a_change() {
    let s = schedule(
        "FREQ=WEEKLY;BYDAY=FR",
        "09:00",
        date(2026, 2, 1),
        &office("America/New_York", vec![]),
    );
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-03-15T00:00:00Z"),
        ["2026-03-06T14:00:00Z", "2026-03-13T13:00:00Z"]
    );
}

#[test]
fn two_times_in_one_gap_fall_on_one_instant() {
    // 02:00 is in the gap and becomes 03:00 CEST, which is also the 03:00 occurrence.
    let s = schedule(
        "FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0",
        "02:00",
        date(2026, 3, 28),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(
        due(&s, "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z"),
        ["2026-03-29T01:00:00Z"]
    );
}

// The first day.

#[test]
fn dtstart_is_an_occurrence_only_when_it_matches() {
    // 4 March 2026 is a Wednesday.
    let s = schedule("FREQ=WEEKLY;BYDAY=FR", "17:00", date(2026, 3, 4), &utc());
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-03-14T00:00:00Z"),
        ["2026-03-06T17:00:00Z", "2026-03-13T17:00:00Z"]
    );
    // After the 3rd business day of March (4 March), the first is in April.
    let s = schedule(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
        "10:00",
        date(2026, 3, 5),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"),
        ["2026-04-03T10:00:00Z"]
    );
}

#[test]
fn nothing_is_due_before_the_first_day() {
    let s = schedule("FREQ=DAILY", "09:00", date(2026, 3, 4), &utc());
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-03-06T00:00:00Z"),
        ["2026-03-04T09:00:00Z", "2026-03-05T09:00:00Z"]
    );
    assert!(due(&s, "2020-01-01T00:00:00Z", "2026-03-04T09:00:00Z").is_empty());
}

#[test]
fn a_schedule_that_started_years_ago() {
    // 3 January 2020 is a Friday; March 2026's Fridays are the 6th and 13th.
    let s = schedule(
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=FR",
        "17:00",
        date(2020, 1, 3),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-03-14T00:00:00Z"),
        ["2026-03-06T17:00:00Z", "2026-03-13T17:00:00Z"]
    );
    // Every other week from 3 January 2020: 2026-03-06 is 322 weeks later, so it is one.
    let s = schedule("FREQ=WEEKLY;INTERVAL=2", "17:00", date(2020, 1, 3), &utc());
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-03-28T00:00:00Z"),
        ["2026-03-06T17:00:00Z", "2026-03-20T17:00:00Z"]
    );
    let s = schedule(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=2",
        "10:00",
        date(2019, 7, 1),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"),
        ["2026-03-03T10:00:00Z", "2026-04-02T10:00:00Z"]
    );
}

#[test]
fn windows_are_half_open() {
    let s = schedule("FREQ=DAILY", "09:00", date(2026, 3, 1), &utc());
    assert_eq!(
        due(&s, "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z"),
        ["2026-03-02T09:00:00Z"]
    );
    assert!(due(&s, "2026-03-03T09:00:00Z", "2026-03-03T09:00:00Z").is_empty());
    assert!(due(&s, "2026-03-04T00:00:00Z", "2026-03-03T00:00:00Z").is_empty());
}

// The business-day extension with INTERVAL, COUNT, UNTIL and BYMONTH.

#[test]
fn business_day_with_interval_steps_from_the_first_month() {
    // Every other month from January 2026; January's 1st business day (1 January) is
    // before the first day, 15 January. 1 March 2026 is a Sunday.
    let s = schedule(
        "FREQ=MONTHLY;INTERVAL=2;X-HANDOFF-BUSINESS-DAY=1",
        "09:30",
        date(2026, 1, 15),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2026-08-01T00:00:00Z"),
        [
            "2026-03-02T09:30:00Z",
            "2026-05-01T09:30:00Z",
            "2026-07-01T09:30:00Z",
        ]
    );
}

#[test]
fn business_day_with_count_stops_after_count_occurrences() {
    let s = schedule(
        "FREQ=MONTHLY;COUNT=3;X-HANDOFF-BUSINESS-DAY=-1",
        "17:00",
        date(2026, 1, 10),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        [
            "2026-01-30T17:00:00Z",
            "2026-02-27T17:00:00Z",
            "2026-03-31T17:00:00Z",
        ]
    );
    // Skipped occurrences before the first day do not count.
    let s = schedule(
        "FREQ=MONTHLY;COUNT=2;X-HANDOFF-BUSINESS-DAY=1",
        "09:00",
        date(2026, 1, 15),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ["2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z"]
    );
}

#[test]
fn business_day_with_until_is_bounded_by_it() {
    // UNTIL in wall-clock time: 30 April 2026 17:00 is the last business day of April,
    // due at 17:00, so it is still in.
    let s = schedule(
        "FREQ=MONTHLY;UNTIL=20260430T170000;X-HANDOFF-BUSINESS-DAY=-1",
        "17:00",
        date(2026, 2, 1),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        [
            "2026-02-27T16:00:00Z",
            "2026-03-31T15:00:00Z",
            "2026-04-30T15:00:00Z",
        ]
    );
    // As a UTC instant, one second too early for April's.
    let s = schedule(
        "FREQ=MONTHLY;UNTIL=20260430T145959Z;X-HANDOFF-BUSINESS-DAY=-1",
        "17:00",
        date(2026, 2, 1),
        &office("Europe/Berlin", vec![]),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ["2026-02-27T16:00:00Z", "2026-03-31T15:00:00Z"]
    );
    // A date alone means its midnight.
    let s = schedule(
        "FREQ=MONTHLY;UNTIL=20260303;X-HANDOFF-BUSINESS-DAY=2",
        "09:00",
        date(2026, 1, 1),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ["2026-01-02T09:00:00Z", "2026-02-03T09:00:00Z"]
    );
}

#[test]
fn business_day_with_bymonth_keeps_those_months() {
    let s = schedule(
        "FREQ=MONTHLY;BYMONTH=3,6,9,12;X-HANDOFF-BUSINESS-DAY=-1",
        "12:00",
        date(2026, 1, 1),
        &utc(),
    );
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        [
            "2026-03-31T12:00:00Z",
            "2026-06-30T12:00:00Z",
            "2026-09-30T12:00:00Z",
            "2026-12-31T12:00:00Z",
        ]
    );
}

#[test]
fn plain_rules_with_count_and_until() {
    let s = schedule("FREQ=DAILY;COUNT=3", "09:00", date(2026, 3, 1), &utc());
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        [
            "2026-03-01T09:00:00Z",
            "2026-03-02T09:00:00Z",
            "2026-03-03T09:00:00Z",
        ]
    );
    // A window after the third occurrence is empty, however far.
    assert!(due(&s, "2026-03-04T00:00:00Z", "2999-01-01T00:00:00Z").is_empty());
    let s = schedule(
        "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T090000",
        "09:00",
        date(2026, 3, 1),
        &utc(),
    );
    assert_eq!(s.rule(), "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T090000");
    assert_eq!(
        due(&s, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        [
            "2026-03-02T09:00:00Z",
            "2026-03-09T09:00:00Z",
            "2026-03-16T09:00:00Z",
        ]
    );
}

#[test]
fn the_rule_is_kept_normalised() {
    let s = schedule(
        "  rrule:freq=monthly;;x-handoff-business-day=3 ",
        "09:00",
        date(2026, 1, 1),
        &utc(),
    );
    assert_eq!(s.rule(), "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3");
    assert_eq!(s.business_day(), Some(3));
    let again = schedule(s.rule(), "09:00", date(2026, 1, 1), &utc());
    assert_eq!(
        again.occurrences(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
        s.occurrences(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
    );
    assert_eq!(
        schedule("FREQ=DAILY", "09:00", date(2026, 1, 1), &utc()).business_day(),
        None
    );
}

#[test]
fn a_huge_window_is_bounded() {
    let s = schedule(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "09:00",
        date(2026, 1, 1),
        &utc(),
    );
    let all = s.occurrences(Timestamp::MIN, Timestamp::MAX);
    assert_eq!(all.first().unwrap().to_string(), "2028-02-29T09:00:00Z");
    // Leap years from 2028 to 9996: 1993 of them, less the three centuries 2100, 2200,
    // 2300 … that are not: every century but those divisible by 400.
    let centuries = (21..=99).filter(|c| c % 4 != 0).count();
    assert_eq!(all.len(), (9996 - 2028) / 4 + 1 - centuries);
}

// Refusals.

#[test]
fn unparseable_rules_are_refused_with_the_parsers_reason() {
    assert_refused("FREQ=FORTNIGHTLY", "rrule", "FORTNIGHTLY");
    assert_refused("BYDAY=MO", "rrule", "FREQ");
    assert_refused("FREQ=DAILY;BYDAY=XX", "rrule", "XX");
    assert_refused("FREQ=DAILY;FOO=1", "rrule", "FOO");
    assert_refused("FREQ=WEEKLY;BYMONTHDAY=3", "rrule", "BYMONTHDAY");
    assert_refused("FREQ=DAILY;UNTIL=tomorrow", "rrule", "TOMORROW");
    assert_refused("FREQ=DAILY;INTERVAL=0", "rrule", "INTERVAL");
    assert_refused(
        "FREQ=DAILY;BYMONTHDAY=0",
        "rrule",
        "BYMONTHDAY must not be 0",
    );
    assert_refused("FREQ=MONTHLY;BYDAY=+MO", "rrule", "sign but no number");
    assert_refused("FREQ=MONTHLY;BYWEEKDAY=-FR", "rrule", "sign but no number");
    assert_refused("FREQ=DAILY;UNTIL=20251231", "rrule", "not a valid rule");
    assert_refused("", "rrule", "empty");
}

#[test]
fn rules_that_occur_more_than_once_an_hour_are_refused() {
    assert_refused("FREQ=SECONDLY", "rrule", "more than once an hour");
    assert_refused(
        "FREQ=MINUTELY;INTERVAL=90",
        "rrule",
        "more than once an hour",
    );
    assert_refused(
        "FREQ=HOURLY;BYMINUTE=0,30",
        "rrule",
        "more than once an hour",
    );
    assert_refused(
        "FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,45",
        "rrule",
        "more than once an hour",
    );
    assert_refused(
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0;BYSECOND=0,1",
        "rrule",
        "more than once an hour",
    );
    // Exactly hourly is fine.
    let s = schedule("FREQ=HOURLY", "09:00", date(2026, 1, 1), &utc());
    assert_eq!(
        due(&s, "2026-01-01T09:00:00Z", "2026-01-01T12:00:00Z").len(),
        3
    );
}

#[test]
fn rules_that_never_occur_are_refused() {
    assert_refused(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "rrule",
        "never occurs",
    );
    assert_refused(
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "rrule",
        "never occurs",
    );
    assert_refused("FREQ=DAILY;COUNT=0", "rrule", "never occurs");
    assert_refused(
        "FREQ=MONTHLY;INTERVAL=2;BYMONTH=2;X-HANDOFF-BUSINESS-DAY=1",
        "rrule",
        "never occurs",
    );
    assert_refused(
        "FREQ=MONTHLY;UNTIL=20260101T100000;X-HANDOFF-BUSINESS-DAY=2",
        "rrule",
        "never occurs",
    );
}

#[test]
fn business_day_counts_are_checked_against_the_calendar() {
    assert_refused(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=0",
        "rrule",
        "must not be 0",
    );
    assert_refused(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=two",
        "rrule",
        "whole number",
    );
    assert_refused(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=1;X-HANDOFF-BUSINESS-DAY=2",
        "rrule",
        "twice",
    );
    // January 2027 has 21 business days, February 2027 20.
    let errors = refused(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=25",
        "09:00",
        date(2027, 1, 1),
        &utc(),
    );
    assert_eq!(
        errors.get("rrule"),
        Some("the 25th business day: January 2027 has only 21")
    );
    let errors = refused(
        "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=-21",
        "09:00",
        date(2027, 1, 1),
        &utc(),
    );
    assert_eq!(
        errors.get("rrule"),
        Some("the 21st-last business day: February 2027 has only 20")
    );
    // Only the months the rule selects count: March 2027 has 23.
    schedule(
        "FREQ=MONTHLY;BYMONTH=3;X-HANDOFF-BUSINESS-DAY=23",
        "09:00",
        date(2027, 1, 1),
        &utc(),
    );
    // Holidays count: ten days off in March 2027 leave it 13.
    let holidays = (15..=26)
        .map(|d| HolidaySpec::whole_day(date(2027, 3, d)))
        .collect();
    let errors = refused(
        "FREQ=MONTHLY;BYMONTH=3;X-HANDOFF-BUSINESS-DAY=14",
        "09:00",
        date(2027, 1, 1),
        &office("UTC", holidays),
    );
    assert_eq!(
        errors.get("rrule"),
        Some("the 14th business day: March 2027 has only 13")
    );
}

#[test]
fn business_day_needs_a_plain_monthly_rule() {
    assert_refused(
        "FREQ=WEEKLY;X-HANDOFF-BUSINESS-DAY=1",
        "rrule",
        "needs FREQ=MONTHLY",
    );
    for part in [
        "BYDAY=MO",
        "BYMONTHDAY=1",
        "BYSETPOS=1;BYMONTH=1",
        "BYHOUR=9",
        "BYMINUTE=5",
        "BYSECOND=5",
    ] {
        let name = part.split('=').next().unwrap();
        assert_refused(
            &format!("FREQ=MONTHLY;{part};X-HANDOFF-BUSINESS-DAY=1"),
            "rrule",
            &format!("cannot be combined with {name}"),
        );
    }
    // BYYEARDAY and BYWEEKNO are refused with FREQ=MONTHLY by RFC 5545 itself.
    assert_refused(
        "FREQ=MONTHLY;BYYEARDAY=1;X-HANDOFF-BUSINESS-DAY=1",
        "rrule",
        "BYYEARDAY",
    );
    assert_refused(
        "FREQ=MONTHLY;BYWEEKNO=1;X-HANDOFF-BUSINESS-DAY=1",
        "rrule",
        "BYWEEKNO",
    );
}

#[test]
fn other_properties_in_the_text_are_refused() {
    for rule in [
        "DTSTART:20260101T090000\nRRULE:FREQ=DAILY",
        "DTSTART:20260101T090000",
        "RRULE;TZID=Europe/Berlin:FREQ=DAILY",
        "EXDATE:20260102T090000",
    ] {
        assert_refused(rule, "rrule", "single RRULE");
    }
    assert_refused("FREQ=DAILY;DTSTART=20260101T090000", "rrule", "DTSTART");
    assert_refused("FREQ=DAILY;TZID=Europe/Berlin", "rrule", "TZID");
}

#[test]
fn long_rules_and_counts_are_refused() {
    let long = format!("FREQ=MONTHLY;BYMONTHDAY={}1", "1,".repeat(250));
    assert_refused(&long, "rrule", "at most 500 characters");
    assert_refused(
        "FREQ=DAILY;COUNT=10001",
        "rrule",
        "COUNT must be at most 10000",
    );
    assert_refused(
        "FREQ=DAILY;COUNT=3;UNTIL=20270101T000000",
        "rrule",
        "COUNT and UNTIL",
    );
}

#[test]
fn due_times_and_first_days_are_checked() {
    for bad in ["24:00", "9:00", "09:60", "noon", "09:00:00", ""] {
        let errors = refused("FREQ=DAILY", bad, date(2026, 1, 1), &utc());
        assert!(errors.get("due_time").is_some(), "{bad:?}");
        assert!(errors.get("rrule").is_none(), "{bad:?}");
    }
    let errors = refused("FREQ=DAILY", "09:00", date(1850, 1, 1), &utc());
    assert!(errors.get("starts_on").unwrap().contains("1900-01-01"));
    // Every problem at once.
    let errors = refused("FREQ=NEVER", "25:00", date(3026, 1, 1), &utc());
    let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
    assert_eq!(fields, ["due_time", "rrule", "starts_on"]);
}
