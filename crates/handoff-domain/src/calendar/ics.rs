//! Import of holidays from an iCalendar (`.ics`) text, e.g. a public-holiday feed.
//!
//! * All-day events (`DTSTART;VALUE=DATE:20261225`) close whole dates; `DTEND` is
//!   exclusive as RFC 5545 says, so a multi-day event gives one holiday per date.
//! * Timed events close part of each local date they touch in the calendar's zone, widened
//!   to whole minutes (start rounded down, end up) because holidays are kept in minutes.
//!   Times may be UTC (`...Z`), carry a `TZID` naming an IANA zone, or be floating, in
//!   which case they are read in the calendar's zone.
//! * Cancelled events (`STATUS:CANCELLED`) and events of zero length are skipped.
//! * Recurring events (`RRULE`/`RDATE`) are rejected rather than imported as one
//!   occurrence: silently dropping the other occurrences would be worse than an error.

use icalendar::parser::{Component, Property, read_components, unfold};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ZonedDateTime};

use super::CalendarError;
use super::spec::{DAY_SECONDS, HolidaySpec, format_time};

/// An event may span at most this many dates; a feed claiming more is almost certainly
/// broken, and expanding it would produce an unbounded list.
const MAX_DAYS_PER_EVENT: i64 = 366;

/// Parses `text` into holidays in `time_zone`, sorted by date and start.
pub fn holidays_from_ics(
    text: &str,
    time_zone: &TimeZone,
) -> Result<Vec<HolidaySpec>, CalendarError> {
    // The parser wants CRLF-or-LF lines without folding and does not like a BOM.
    let unfolded = unfold(text.trim_start_matches('\u{feff}'));
    let roots = read_components(&unfolded).map_err(|e| CalendarError::Ics(parse_error_line(&e)))?;
    let calendars: Vec<&Component> = roots
        .iter()
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VCALENDAR"))
        .collect();
    if calendars.is_empty() {
        return Err(CalendarError::Ics(
            "no BEGIN:VCALENDAR ... END:VCALENDAR block found".into(),
        ));
    }
    let mut holidays = Vec::new();
    let events = calendars
        .iter()
        .flat_map(|c| c.components.iter())
        .filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"));
    for (n, event) in events.enumerate() {
        import_event(event, time_zone, &mut holidays).map_err(|reason| {
            let summary = prop(event, "SUMMARY")
                .map(|p| format!(" ({:?})", p.val.clone().unescape_text().as_str()))
                .unwrap_or_default();
            CalendarError::Ics(format!("event {}{summary}: {reason}", n + 1))
        })?;
    }
    holidays.sort_by(|a, b| (&a.date, &a.from).cmp(&(&b.date, &b.from)));
    Ok(holidays)
}

/// The nom error text spans several lines (with a caret diagram); keep its gist.
fn parse_error_line(error: &str) -> String {
    let line = error
        .split("at line ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|n| !n.is_empty());
    match line {
        Some(n) => format!("not a valid iCalendar text (syntax error at line {n} after unfolding)"),
        None => "not a valid iCalendar text".into(),
    }
}

fn prop<'c>(component: &'c Component<'_>, name: &str) -> Option<&'c Property<'c>> {
    component
        .properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn param<'p>(property: &'p Property<'_>, key: &str) -> Option<&'p str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// A `DTSTART`/`DTEND` value.
enum When {
    Date(Date),
    Instant(ZonedDateTime),
}

fn import_event(
    event: &Component<'_>,
    tz: &TimeZone,
    out: &mut Vec<HolidaySpec>,
) -> Result<(), String> {
    if prop(event, "STATUS")
        .is_some_and(|p| p.val.as_str().trim().eq_ignore_ascii_case("CANCELLED"))
    {
        return Ok(());
    }
    if prop(event, "RRULE").is_some() || prop(event, "RDATE").is_some() {
        return Err(
            "recurring events (RRULE/RDATE) are not supported; export the occurrences one by one"
                .into(),
        );
    }
    let name = prop(event, "SUMMARY")
        .map(|p| p.val.clone().unescape_text().as_str().trim().to_owned())
        .filter(|s| !s.is_empty());
    let start = prop(event, "DTSTART").ok_or("DTSTART is missing")?;
    let start = parse_when(start, tz).map_err(|e| format!("DTSTART: {e}"))?;
    let end = match (prop(event, "DTEND"), prop(event, "DURATION")) {
        (Some(end), _) => Some(parse_when(end, tz).map_err(|e| format!("DTEND: {e}"))?),
        (None, Some(duration)) => Some(add_duration(&start, duration.val.as_str())?),
        (None, None) => None,
    };
    match (start, end) {
        (When::Date(first), end) => {
            let end = match end {
                None => first.tomorrow().map_err(|e| e.to_string())?,
                Some(When::Date(end)) => end,
                Some(When::Instant(_)) => {
                    return Err("DTSTART is a date but DTEND is a date-time".into());
                }
            };
            if end <= first {
                return Err(format!("DTEND {end} is not after DTSTART {first}"));
            }
            check_length(first, end)?;
            let mut date = first;
            while date < end {
                out.push(HolidaySpec {
                    name: name.clone(),
                    ..HolidaySpec::whole_day(date)
                });
                date = date.tomorrow().map_err(|e| e.to_string())?;
            }
        }
        (When::Instant(start), end) => {
            let end = match end {
                // RFC 5545: a timed event without an end ends when it starts.
                None => return Ok(()),
                Some(When::Instant(end)) => end,
                Some(When::Date(_)) => {
                    return Err("DTSTART is a date-time but DTEND is a date".into());
                }
            };
            let (start, end) = (start.timestamp(), end.timestamp());
            if end < start {
                return Err(format!("DTEND {end} is before DTSTART {start}"));
            }
            timed(start, end, tz, name, out)?;
        }
    }
    Ok(())
}

fn check_length(first: Date, end: Date) -> Result<(), String> {
    let days = end.duration_since(first).as_secs() / i64::from(DAY_SECONDS);
    if days > MAX_DAYS_PER_EVENT {
        return Err(format!(
            "spans {days} days, more than the {MAX_DAYS_PER_EVENT} allowed"
        ));
    }
    Ok(())
}

/// Closes `[start, end)` as partial (or whole) days in `tz`.
fn timed(
    start: Timestamp,
    end: Timestamp,
    tz: &TimeZone,
    name: Option<String>,
    out: &mut Vec<HolidaySpec>,
) -> Result<(), String> {
    let (a, b) = (tz.to_datetime(start), tz.to_datetime(end));
    // Across a fold the local end can read earlier than the local start.
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    check_length(lo.date(), hi.date())?;
    let mut date = lo.date();
    while date <= hi.date() {
        let from = if date == lo.date() {
            floor_minute(lo.time())
        } else {
            0
        };
        let to = if date == hi.date() {
            ceil_minute(hi.time())
        } else {
            DAY_SECONDS
        };
        if from < to {
            let whole = from == 0 && to == DAY_SECONDS;
            out.push(HolidaySpec {
                date: date.to_string(),
                from: (!whole).then(|| format_time(from)),
                to: (!whole).then(|| format_time(to)),
                name: name.clone(),
            });
        }
        date = date.tomorrow().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn seconds_of_day(t: Time) -> i32 {
    i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second())
}

fn floor_minute(t: Time) -> i32 {
    seconds_of_day(t) / 60 * 60
}

fn ceil_minute(t: Time) -> i32 {
    let s = seconds_of_day(t) + i32::from(t.subsec_nanosecond() > 0);
    (s + 59) / 60 * 60
}

/// `YYYYMMDD` (with or without `VALUE=DATE`) or `YYYYMMDDTHHMMSS[Z]`, with an optional
/// `TZID` naming an IANA zone.
fn parse_when(property: &Property<'_>, calendar_tz: &TimeZone) -> Result<When, String> {
    let value = property.val.as_str().trim();
    let bad = || {
        format!("{value:?} is not an iCalendar date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])")
    };
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i16> {
        let part = b.get(range)?;
        part.iter().try_fold(0i16, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    };
    let date = || -> Option<Date> {
        let (y, m, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
        Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
    };
    if b.len() == 8 {
        return date().map(When::Date).ok_or_else(bad);
    }
    if param(property, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) {
        return Err(bad());
    }
    let utc = match b.len() {
        15 => false,
        16 if b[15] == b'Z' || b[15] == b'z' => true,
        _ => return Err(bad()),
    };
    if b[8] != b'T' && b[8] != b't' {
        return Err(bad());
    }
    let (h, mi, s) = (
        digits(9..11).ok_or_else(bad)?,
        digits(11..13).ok_or_else(bad)?,
        digits(13..15).ok_or_else(bad)?,
    );
    // Leap seconds (":60") are folded into the last second of the minute.
    let time = Time::new(
        i8::try_from(h).map_err(|_| bad())?,
        i8::try_from(mi).map_err(|_| bad())?,
        i8::try_from(s.min(59)).map_err(|_| bad())?,
        0,
    )
    .map_err(|_| bad())?;
    let datetime: DateTime = date().ok_or_else(bad)?.to_datetime(time);
    let zone = if utc {
        TimeZone::UTC
    } else if let Some(tzid) = param(property, "TZID") {
        // Some producers prefix a slash to mark a "globally unique" id.
        let tzid = tzid.trim_start_matches('/');
        TimeZone::get(tzid)
            .map_err(|_| format!("unknown TZID {tzid:?} (only IANA zone names are supported)"))?
    } else {
        calendar_tz.clone()
    };
    // Wall times in a gap or fold resolve as RFC 5545 says: the earlier offset for a
    // fold, shifted forward by the gap's length for a gap ("compatible").
    datetime
        .to_zoned_datetime(zone)
        .map(When::Instant)
        .map_err(|e| format!("{value}: {e}"))
}

fn add_duration(start: &When, text: &str) -> Result<When, String> {
    let span: Span = text.trim().parse().map_err(|_| {
        format!("DURATION {text:?} is not an ISO 8601 duration such as P1D or PT2H")
    })?;
    if span.is_negative() {
        return Err(format!("DURATION {text:?} is negative"));
    }
    match start {
        When::Date(date) => date
            .checked_add(span)
            .map(When::Date)
            .map_err(|e| format!("DURATION {text:?}: {e}")),
        When::Instant(zdt) => zdt
            .checked_add(span)
            .map(When::Instant)
            .map_err(|e| format!("DURATION {text:?}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").unwrap()
    }

    fn h(date: &str, from: Option<&str>, to: Option<&str>, name: Option<&str>) -> HolidaySpec {
        HolidaySpec {
            date: date.into(),
            from: from.map(Into::into),
            to: to.map(Into::into),
            name: name.map(Into::into),
        }
    }

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\\, Boxing Day\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;TZID=Europe/London:20261224T120000\r\nDTEND;TZID=Europe/London:20261224T173000\r\nSUMMARY:Christmas Eve afternoon\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20260101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:4\r\nDTSTART:20260710T150000Z\r\nDURATION:PT90M\r\n\
SUMMARY:Summer party with a very long name that needs folding because it goes on and\r\n  on\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:5\r\nDTSTART:20261231T220000\r\nDTEND:20270101T020000\r\nSUMMARY:Overnight\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:6\r\nDTSTART;VALUE=DATE:20260601\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn imports_all_day_timed_and_multi_day_events() {
        let holidays = holidays_from_ics(FEED, &london()).unwrap();
        assert_eq!(
            holidays,
            vec![
                h("2026-01-01", None, None, Some("New Year")),
                // 15:00Z is 16:00 BST in July.
                h(
                    "2026-07-10",
                    Some("16:00"),
                    Some("17:30"),
                    Some(
                        "Summer party with a very long name that needs folding because it goes on and on"
                    )
                ),
                h(
                    "2026-12-24",
                    Some("12:00"),
                    Some("17:30"),
                    Some("Christmas Eve afternoon")
                ),
                h("2026-12-25", None, None, Some("Christmas, Boxing Day")),
                h("2026-12-26", None, None, Some("Christmas, Boxing Day")),
                h(
                    "2026-12-31",
                    Some("22:00"),
                    Some("24:00"),
                    Some("Overnight")
                ),
                h(
                    "2027-01-01",
                    Some("00:00"),
                    Some("02:00"),
                    Some("Overnight")
                ),
            ]
        );
    }

    #[test]
    fn timed_events_are_read_in_the_calendar_zone() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=America/New_York:20260309T090000\nDTEND;TZID=America/New_York:20260309T100030\nEND:VEVENT\nEND:VCALENDAR\n";
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        // 09:00 EDT = 13:00Z = 18:30 IST; 10:00:30 EDT rounds up to 19:31 IST.
        assert_eq!(
            holidays_from_ics(text, &kolkata).unwrap(),
            vec![h("2026-03-09", Some("18:30"), Some("19:31"), None)]
        );
    }

    #[test]
    fn a_whole_day_of_timed_closure_is_a_whole_day_holiday() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260309T000000\nDTEND:20260311T000000\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(
            holidays_from_ics(text, &london()).unwrap(),
            vec![
                h("2026-03-09", None, None, None),
                h("2026-03-10", None, None, None)
            ]
        );
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        let tz = london();
        let cases = [
            ("hello", "ics: "),
            (
                "BEGIN:VEVENT\nDTSTART:20260101\nEND:VEVENT\n",
                "ics: no BEGIN:VCALENDAR",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1 (\"x\"): DTSTART is missing",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261332\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1: DTSTART: \"20261332\" is not an iCalendar date",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nDTEND;VALUE=DATE:20261224\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1: DTEND 2026-12-24 is not after DTSTART 2026-12-25",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus:20261225T100000\nDTEND:20261225T110000Z\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1: DTSTART: unknown TZID \"Mars/Olympus\"",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1: recurring events",
            ),
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20300101\nEND:VEVENT\nEND:VCALENDAR\n",
                "ics: event 1: spans 1461 days",
            ),
        ];
        for (text, expected) in cases {
            let error = holidays_from_ics(text, &tz).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?} gave {error:?}");
            assert!(!error.contains('\n'), "{error:?} is not one line");
        }
    }
}
