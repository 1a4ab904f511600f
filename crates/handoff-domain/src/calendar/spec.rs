//! The calendar definition as users write it (JSON, TOML, HTTP bodies) and its validation
//! into a [`Calendar`] whose times are numbers rather than text.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::CalendarError;
use crate::validation::FieldErrors;

/// Seconds in a civil day; wall-clock times are kept as seconds since local midnight.
pub(crate) const DAY_SECONDS: i32 = 86_400;

/// The weekday keys in the order used everywhere in this module (Monday first).
pub const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A business calendar as written by a user:
///
/// ```json
/// {"time_zone": "Europe/London",
///  "week": {"mon": [["09:00","12:30"],["13:30","17:30"]], "sat": []},
///  "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-24", "from": "12:00", "to": "17:30"}]}
/// ```
///
/// Times stay text here so that [`CalendarSpec::validate`] can name the offending field
/// instead of failing inside the deserializer with a less precise message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// IANA time zone name, e.g. `Europe/London`.
    pub time_zone: String,
    /// Working intervals per weekday, local wall-clock time.
    #[serde(default)]
    pub week: WeekSpec,
    /// Dates (or parts of dates) on which the week's working time does not apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<HolidaySpec>,
}

/// `[start, end]` as `"HH:MM"`; `end` may be `"24:00"`.
pub type IntervalSpec = [String; 2];

/// Working intervals per weekday. A missing key means no working time that day; an
/// unknown key is an error, so a typo such as `"mom"` cannot silently close Mondays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WeekSpec {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub mon: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub tue: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub wed: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub thu: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub fri: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub sat: Vec<IntervalSpec>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub sun: Vec<IntervalSpec>,
}

impl WeekSpec {
    /// The seven days, Monday first, in the order of [`WEEKDAY_KEYS`].
    pub fn days(&self) -> [&Vec<IntervalSpec>; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
    }
}

/// A closed date. Without `from`/`to` the whole date is closed; with them only
/// `[from, to)` local time is. A lone `from` closes until the end of the day, a lone `to`
/// from its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidaySpec {
    /// `YYYY-MM-DD`.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Free text shown to people, e.g. "Christmas Day"; not used by the arithmetic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl HolidaySpec {
    /// A whole-day holiday.
    pub fn whole_day(date: Date) -> Self {
        Self {
            date: date.to_string(),
            from: None,
            to: None,
            name: None,
        }
    }
}

/// A half-open range of seconds since local midnight, `0 <= start < end <= 86_400`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct DayRange {
    pub start: i32,
    pub end: i32,
}

/// A validated calendar: the zone resolved, times parsed, each day's intervals sorted and
/// merged, holiday closures grouped by date. Cheap to clone; compile it with
/// [`Calendar::compile`] for arithmetic.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub(crate) spec: CalendarSpec,
    pub(crate) tz: TimeZone,
    /// Working ranges per weekday, Monday first.
    pub(crate) week: [Vec<DayRange>; 7],
    /// Closed ranges per date, merged.
    pub(crate) closures: BTreeMap<Date, Vec<DayRange>>,
}

impl Calendar {
    /// Validates `spec`; all problems are reported at once, each under its field path.
    pub fn new(spec: CalendarSpec) -> Result<Self, CalendarError> {
        let mut errors = FieldErrors::new();

        let tz = match spec.time_zone.trim() {
            "" => {
                errors.add("time_zone", "must not be empty");
                None
            }
            name => match TimeZone::get(name) {
                Ok(tz) => Some(tz),
                Err(_) => {
                    errors.add(
                        "time_zone",
                        format!("unknown time zone {name:?} (expected an IANA name such as Europe/London)"),
                    );
                    None
                }
            },
        };

        let mut week: [Vec<DayRange>; 7] = Default::default();
        for (day, (key, intervals)) in WEEKDAY_KEYS.iter().zip(spec.week.days()).enumerate() {
            week[day] = validate_day(&mut errors, key, intervals);
        }
        if errors.is_empty() && week.iter().all(Vec::is_empty) {
            errors.add("week", "the calendar has no working time on any day");
        }

        let mut closures: BTreeMap<Date, Vec<DayRange>> = BTreeMap::new();
        for (i, holiday) in spec.holidays.iter().enumerate() {
            if let Some((date, range)) = validate_holiday(&mut errors, i, holiday) {
                closures.entry(date).or_default().push(range);
            }
        }
        for ranges in closures.values_mut() {
            *ranges = merge(std::mem::take(ranges));
        }

        match tz {
            Some(tz) if errors.is_empty() => Ok(Self {
                spec,
                tz,
                week,
                closures,
            }),
            _ => Err(CalendarError::Invalid(errors)),
        }
    }

    /// The definition this calendar was validated from.
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// Whether `date` counts as a business day: its weekday has working time and no
    /// holiday closes the whole date. A partial holiday (an afternoon off) leaves it a
    /// business day, even when it happens to close all of that day's working time, so
    /// that "the 3rd business day" does not shift because of a shortened day.
    pub fn is_business_day(&self, date: Date) -> bool {
        let weekday = usize::from(date.weekday().to_monday_zero_offset().unsigned_abs());
        if self.week[weekday].is_empty() {
            return false;
        }
        !self
            .closures
            .get(&date)
            .is_some_and(|closed| closed.iter().any(|r| r.start == 0 && r.end == DAY_SECONDS))
    }

    /// The working ranges of `date` in seconds since local midnight, holidays removed.
    pub(crate) fn open_ranges(&self, date: Date, weekday: usize) -> Vec<DayRange> {
        let week = &self.week[weekday];
        match self.closures.get(&date) {
            None => week.clone(),
            Some(closed) => subtract(week, closed),
        }
    }
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CalendarError;

    fn try_from(spec: CalendarSpec) -> Result<Self, Self::Error> {
        Calendar::new(spec)
    }
}

impl CalendarSpec {
    /// Checks the definition without keeping the result.
    pub fn validate(&self) -> Result<(), CalendarError> {
        Calendar::new(self.clone()).map(|_| ())
    }
}

fn validate_day(errors: &mut FieldErrors, key: &str, intervals: &[IntervalSpec]) -> Vec<DayRange> {
    let mut ranges: Vec<(DayRange, usize)> = Vec::with_capacity(intervals.len());
    for (i, [start, end]) in intervals.iter().enumerate() {
        let field = format!("week.{key}[{i}]");
        let (Some(s), Some(e)) = (
            parse_time(errors, &field, "start", start, false),
            parse_time(errors, &field, "end", end, true),
        ) else {
            continue;
        };
        if e <= s {
            errors.add(field, format!("end {end} is not after start {start}"));
            continue;
        }
        ranges.push((DayRange { start: s, end: e }, i));
    }
    ranges.sort();
    for pair in ranges.windows(2) {
        let [(a, ai), (b, bi)] = pair else { continue };
        if b.start < a.end {
            errors.add(
                format!("week.{key}[{bi}]"),
                format!(
                    "{}-{} overlaps week.{key}[{ai}] {}-{}",
                    format_time(b.start),
                    format_time(b.end),
                    format_time(a.start),
                    format_time(a.end)
                ),
            );
        }
    }
    merge(ranges.into_iter().map(|(r, _)| r).collect())
}

fn validate_holiday(
    errors: &mut FieldErrors,
    i: usize,
    holiday: &HolidaySpec,
) -> Option<(Date, DayRange)> {
    let field = format!("holidays[{i}]");
    let date = parse_date(&holiday.date);
    if date.is_none() {
        errors.add(
            format!("{field}.date"),
            format!(
                "{:?} is not a valid date of the form YYYY-MM-DD",
                holiday.date
            ),
        );
    }
    let from = match &holiday.from {
        None => Some(0),
        Some(text) => parse_time(errors, &format!("{field}.from"), "from", text, false),
    };
    let to = match &holiday.to {
        None => Some(DAY_SECONDS),
        Some(text) => parse_time(errors, &format!("{field}.to"), "to", text, true),
    };
    let (date, from, to) = (date?, from?, to?);
    if to <= from {
        errors.add(
            field,
            format!(
                "to {} is not after from {}",
                format_time(to),
                format_time(from)
            ),
        );
        return None;
    }
    Some((
        date,
        DayRange {
            start: from,
            end: to,
        },
    ))
}

/// Parses `HH:MM` (two digits each) into seconds since midnight. `24:00` is accepted only
/// where `allow_end_of_day` (interval ends), because a day's work cannot start at its end.
fn parse_time(
    errors: &mut FieldErrors,
    field: &str,
    what: &str,
    text: &str,
    allow_end_of_day: bool,
) -> Option<i32> {
    let parsed = parse_hhmm(text);
    match parsed {
        Some(DAY_SECONDS) if !allow_end_of_day => {
            errors.add(field, format!("{what} 24:00 is only allowed as an end"));
            None
        }
        Some(seconds) => Some(seconds),
        None => {
            errors.add(
                field,
                format!("{what} {text:?} is not a time of the form HH:MM between 00:00 and 24:00"),
            );
            None
        }
    }
}

pub(crate) fn parse_hhmm(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digit = |i: usize| i32::from(b[i] - b'0');
    let (hour, minute) = (digit(0) * 10 + digit(1), digit(3) * 10 + digit(4));
    match (hour, minute) {
        (24, 0) => Some(DAY_SECONDS),
        (0..=23, 0..=59) => Some(hour * 3600 + minute * 60),
        _ => None,
    }
}

/// Strict `YYYY-MM-DD`; jiff's own parser also takes other ISO 8601 forms, which a user
/// typing a holiday did not mean.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i16> {
        b[range].iter().try_fold(0i16, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

pub(crate) fn format_time(seconds: i32) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// Sorts and joins overlapping or touching ranges.
fn merge(mut ranges: Vec<DayRange>) -> Vec<DayRange> {
    ranges.sort();
    let mut merged: Vec<DayRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `open` minus `closed`, both sorted and disjoint.
fn subtract(open: &[DayRange], closed: &[DayRange]) -> Vec<DayRange> {
    let mut out = Vec::with_capacity(open.len() + 1);
    for &range in open {
        let mut start = range.start;
        for c in closed {
            if c.end <= start || c.start >= range.end {
                continue;
            }
            if c.start > start {
                out.push(DayRange {
                    start,
                    end: c.start,
                });
            }
            start = start.max(c.end);
        }
        if start < range.end {
            out.push(DayRange {
                start,
                end: range.end,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: i32, end: i32) -> DayRange {
        DayRange { start, end }
    }

    #[test]
    fn times_are_strict() {
        assert_eq!(parse_hhmm("09:30"), Some(9 * 3600 + 1800));
        assert_eq!(parse_hhmm("24:00"), Some(DAY_SECONDS));
        assert_eq!(parse_hhmm("00:00"), Some(0));
        for bad in [
            "9:30", "24:01", "23:60", "09:30:00", "0930", "ab:cd", "", "+9:30", "09-30",
        ] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-12-25"),
            Some(jiff::civil::date(2026, 12, 25))
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "20261225",
            "2026-1-05",
            "2026-12-25T00:00",
            "+026-12-25",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn subtract_cuts_holes() {
        let open = [r(0, 10), r(20, 30)];
        assert_eq!(subtract(&open, &[r(5, 25)]), vec![r(0, 5), r(25, 30)]);
        assert_eq!(
            subtract(&open, &[r(2, 3), r(4, 5)]),
            vec![r(0, 2), r(3, 4), r(5, 10), r(20, 30)]
        );
        assert_eq!(subtract(&open, &[r(0, 86_400)]), vec![]);
        assert_eq!(subtract(&open, &[r(10, 20)]), open.to_vec());
    }

    #[test]
    fn merge_joins_touching() {
        assert_eq!(
            merge(vec![r(5, 9), r(0, 5), r(8, 12), r(20, 21)]),
            vec![r(0, 12), r(20, 21)]
        );
    }
}
