//! The schedule of a recurring deliverable: an RFC 5545 recurrence rule, a due time of
//! day, a first day, and the provider's business calendar.
//!
//! Rules are parsed and expanded by the `rrule` crate, in floating wall-clock time (UTC
//! stands in for "no zone"), the way people mean "every Friday at 17:00"; only then is
//! each wall-clock time placed in the calendar's zone. A daylight-saving change thus
//! moves the instant, never the wall-clock time: a time skipped by a spring-forward gap
//! becomes the first instant after the gap, and a time that occurs twice the earlier
//! instant.
//!
//! Handoff adds one rule part, [`BUSINESS_DAY_PART`] (`X-HANDOFF-BUSINESS-DAY=N`, with
//! `FREQ=MONTHLY` only): the Nth business day of each month of the rule in the
//! provider's calendar, `-1` being the last. It is taken out of the text before the rest
//! goes to the `rrule` crate, whose parsed INTERVAL, COUNT, UNTIL and BYMONTH then choose
//! the months.
//!
//! Everything costly or unbounded is settled once, in [`Schedule::new`]: COUNT becomes the
//! instant of its last occurrence, so that [`Schedule::occurrences`] can start expanding
//! at the period just before its window instead of at the first day, however long ago
//! that was; a rule that never occurs or that occurs more than once an hour is refused,
//! which bounds what any window can hold.

use std::ops::ControlFlow;

use chrono::{Datelike as _, TimeZone as _, Timelike as _};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use rrule::{Frequency, RRule, RRuleError, RRuleSet, Tz, Unvalidated};

use crate::calendar::Calendar;
use crate::validation::{FieldErrors, has_control};

/// The longest rule text accepted, in characters.
pub const MAX_RULE_CHARS: usize = 500;

/// The largest COUNT accepted. COUNT is turned into the time of its last occurrence when
/// a schedule is built, which expands that many occurrences once; ten thousand is a
/// daily deliverable for 27 years.
pub const MAX_COUNT: u32 = 10_000;

/// Handoff's rule part for "the Nth business day of the month".
pub const BUSINESS_DAY_PART: &str = "X-HANDOFF-BUSINESS-DAY";

/// The years a schedule may start in: wide enough for any real schedule, narrow enough
/// that a typo such as 2206 for 2026 is caught.
const FIRST_YEAR: i16 = 1900;
const LAST_YEAR: i16 = 2999;

/// How far past the first occurrence the spacing check looks: a year and a day, so that
/// each month, each weekday and the turn of the year are seen at least once.
const SPACING_CHECK_DAYS: i64 = 367;

/// Wall-clock margin around a window before it is placed in a zone: more than any
/// offset change (the largest on record is a day).
const WINDOW_MARGIN: SignedDuration = SignedDuration::from_hours(48);

const NEVER_OCCURS: &str = "the rule never occurs from starts_on on";

/// A validated schedule of a recurring deliverable.
///
/// Built once with [`Schedule::new`]; [`Schedule::occurrences`] then answers any window
/// without parsing again. The calendar's holidays are read when the schedule is built:
/// rebuild the schedule after the calendar changes.
#[derive(Debug, Clone)]
pub struct Schedule {
    rule: String,
    business_day: Option<i32>,
    due_time: Time,
    starts_on: Date,
    tz: TimeZone,
    expansion: Expansion,
}

#[derive(Debug, Clone)]
enum Expansion {
    Rule(RuleExpansion),
    BusinessDay(BusinessDays),
}

/// A plain RFC 5545 rule.
#[derive(Debug, Clone)]
struct RuleExpansion {
    /// Validated against DTSTART, so that every default DTSTART implies (BYMONTHDAY of
    /// a monthly rule, BYHOUR…) is explicit, and without COUNT (UNTIL holds its last
    /// occurrence instead). Expansion can then restart at the beginning of any period of
    /// the rule and yield the same occurrences from there on.
    rule: RRule,
    dtstart: DateTime,
    freq: Frequency,
    interval: i64,
    /// The week start (WKST), days from Monday.
    week_start: i64,
    until: Option<DateTime>,
}

/// `X-HANDOFF-BUSINESS-DAY=N` over the months of a monthly rule.
#[derive(Debug, Clone)]
struct BusinessDays {
    n: i32,
    calendar: Calendar,
    /// The month of starts_on, as `year * 12 + month - 1`.
    first_month: i64,
    interval: i64,
    /// BYMONTH as bits (bit 0 January); 0 for every month.
    months: u16,
    dtstart: DateTime,
    due_time: Time,
    until: Option<DateTime>,
}

impl Schedule {
    /// Validates the rule, the due time ("HH:MM", 24h) and the first day against the
    /// provider's calendar. Every problem goes into [`FieldErrors`] under the field names
    /// `rrule`, `due_time` and `starts_on`.
    ///
    /// The rule is the value of one RRULE (a leading `RRULE:` is accepted); DTSTART is
    /// `starts_on` at `due_time` and is an occurrence only if it matches the rule.
    ///
    /// Refused under `rrule`: what the `rrule` crate cannot parse or validate (with its
    /// reason), DTSTART, TZID or any other property in the text, more than
    /// [`MAX_RULE_CHARS`] characters, MINUTELY and SECONDLY rules and any rule with two
    /// occurrences less than an hour apart in its first year, a rule that never occurs,
    /// COUNT above [`MAX_COUNT`] or together with UNTIL, and a [`BUSINESS_DAY_PART`] of
    /// 0, beyond a month's business days, or not alone with a monthly rule. `starts_on`
    /// must lie in the years 1900 to 2999.
    pub fn new(
        rrule: &str,
        due_time: &str,
        starts_on: Date,
        calendar: &Calendar,
    ) -> Result<Schedule, FieldErrors> {
        let mut errors = FieldErrors::new();
        let due = parse_due_time(due_time);
        if due.is_none() {
            errors.add(
                "due_time",
                format!("{due_time:?} is not a time of the form HH:MM between 00:00 and 23:59"),
            );
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&starts_on.year()) {
            errors.add(
                "starts_on",
                format!("must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31"),
            );
        }
        let text = RuleText::parse(rrule)
            .map_err(|reason| errors.add("rrule", reason))
            .ok();
        let (Some(due_time), Some(text)) = (due, text) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let dtstart = starts_on.to_datetime(due_time);
        let expansion =
            build(&text, dtstart, calendar).map_err(|r| FieldErrors::single("rrule", r))?;
        Ok(Schedule {
            rule: text.normalised,
            business_day: text.business_day,
            due_time,
            starts_on,
            tz: calendar.time_zone().clone(),
            expansion,
        })
    }

    /// Due instants of the occurrences with due instant in `[from, until)`, ascending, no
    /// duplicates (two wall-clock times in one daylight-saving gap fall on one instant).
    ///
    /// About one occurrence per hour of the window at most, since [`Schedule::new`]
    /// refuses rules that occur more often; a window reaching past the last occurrence
    /// costs nothing more.
    pub fn occurrences(&self, from: Timestamp, until: Timestamp) -> Vec<Timestamp> {
        if from >= until {
            return Vec::new();
        }
        let start = self
            .tz
            .to_datetime(from)
            .checked_sub(WINDOW_MARGIN)
            .unwrap_or(DateTime::MIN);
        let end = self
            .tz
            .to_datetime(until)
            .checked_add(WINDOW_MARGIN)
            .unwrap_or(DateTime::MAX);
        let mut out: Vec<Timestamp> = Vec::new();
        for dt in self.expand_floating(start, end) {
            let Some(at) = to_instant(&self.tz, dt) else {
                continue;
            };
            if at >= from && at < until && out.last() != Some(&at) {
                out.push(at);
            }
        }
        out
    }

    /// The rule as given, normalised: trimmed, upper case, without a leading `RRULE:` and
    /// empty parts. It includes [`BUSINESS_DAY_PART`] when the schedule uses it; store it
    /// and build the schedule from it again.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// N of `X-HANDOFF-BUSINESS-DAY=N` when the rule uses the business-day extension.
    pub fn business_day(&self) -> Option<i32> {
        self.business_day
    }

    /// The wall-clock time of day occurrences are due at (unless the rule's BYHOUR,
    /// BYMINUTE or BYSECOND say otherwise).
    pub fn due_time(&self) -> Time {
        self.due_time
    }

    /// The first day of the schedule.
    pub fn starts_on(&self) -> Date {
        self.starts_on
    }

    /// The zone occurrences are due in: the provider calendar's.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The occurrences as wall-clock date-times in `[from, until)`, before they are placed
    /// in the calendar's zone. For tests that compare the expansion with another
    /// implementation of RFC 5545.
    #[doc(hidden)]
    pub fn expand_floating(&self, from: DateTime, until: DateTime) -> Vec<DateTime> {
        let mut out = Vec::new();
        if from < until {
            match &self.expansion {
                Expansion::Rule(rule) => rule.expand(from, until, &mut out),
                Expansion::BusinessDay(days) => {
                    let _ = days.walk(from, Some(until.date()), |dt| {
                        if dt >= until {
                            return ControlFlow::Break(());
                        }
                        out.push(dt);
                        ControlFlow::Continue(())
                    });
                }
            }
        }
        out
    }
}

/// The rule text taken apart: the `rrule` crate's reading of the RFC 5545 parts, and
/// Handoff's own part.
struct RuleText {
    normalised: String,
    /// The RFC 5545 parts as the crate parsed them, UNTIL read as UTC (see
    /// [`RuleText::parse`]).
    parsed: RRule<Unvalidated>,
    /// Whether UNTIL was given as a UTC instant (`…Z`) rather than wall-clock time.
    until_is_instant: bool,
    business_day: Option<i32>,
}

impl RuleText {
    fn parse(input: &str) -> Result<RuleText, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > MAX_RULE_CHARS {
            return Err(format!("must be at most {MAX_RULE_CHARS} characters"));
        }
        let single = "must be the value of a single RRULE (a leading RRULE: is accepted): \
                      DTSTART, TZID and other properties are not, because the first \
                      occurrence comes from starts_on and due_time and the time zone from \
                      the calendar";
        if text.contains(['\n', '\r']) {
            return Err(single.into());
        }
        if has_control(text) {
            return Err("must not contain control characters".into());
        }
        let upper = text.to_ascii_uppercase();
        let body = upper.strip_prefix("RRULE:").unwrap_or(&upper);
        if body.contains(':') {
            return Err(single.into());
        }

        let mut normalised = Vec::new();
        let mut for_crate = Vec::new();
        let mut until_is_instant = false;
        let mut business_day = None;
        for part in body.split(';').filter(|p| !p.is_empty()) {
            normalised.push(part);
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            match name {
                "DTSTART" => {
                    return Err("DTSTART does not belong in the rule: the first occurrence \
                                comes from starts_on and due_time"
                        .into());
                }
                "TZID" => {
                    return Err("TZID does not belong in the rule: times are in the time \
                                zone of the provider's calendar"
                        .into());
                }
                BUSINESS_DAY_PART => {
                    if business_day.is_some() {
                        return Err(format!("{BUSINESS_DAY_PART} is given twice"));
                    }
                    let n: i32 = value.parse().map_err(|_| {
                        format!("{BUSINESS_DAY_PART} must be a whole number, not {value:?}")
                    })?;
                    if n == 0 {
                        return Err(format!(
                            "{BUSINESS_DAY_PART} must not be 0: 1 is the first business day \
                             of the month, -1 the last"
                        ));
                    }
                    business_day = Some(n);
                }
                "UNTIL" => {
                    // The crate reads a floating UNTIL in the machine's own zone; ours is
                    // wall-clock time in UTC's stead, so say so. A `Z` instant is placed
                    // in the calendar's zone once parsed.
                    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                    if value.ends_with('Z') {
                        until_is_instant = true;
                        for_crate.push(part.to_owned());
                    } else if value.len() == 8 && digits(value) {
                        for_crate.push(format!("UNTIL={value}T000000Z"));
                    } else if value.len() == 15 && value.as_bytes()[8] == b'T' {
                        for_crate.push(format!("UNTIL={value}Z"));
                    } else {
                        for_crate.push(part.to_owned());
                    }
                }
                _ => for_crate.push(part.to_owned()),
            }
        }
        if for_crate.is_empty() {
            return Err("not a valid rule: FREQ is missing".into());
        }
        let parsed: RRule<Unvalidated> = for_crate.join(";").parse().map_err(invalid)?;
        // RFC 5545 grammar the crate lets through: it drops a BYMONTHDAY of 0 (then
        // expanding as if the part were absent) and reads "+MO" as "MO".
        if parsed.get_by_month_day().contains(&0) {
            return Err(
                "not a valid rule: BYMONTHDAY must not be 0 (days count from 1, \
                        or from -1 at the end of the month)"
                    .into(),
            );
        }
        if let Some(bad) = for_crate
            .iter()
            .filter_map(|part| {
                (part.strip_prefix("BYDAY=")).or_else(|| part.strip_prefix("BYWEEKDAY="))
            })
            .flat_map(|days| days.split(','))
            .find(|day| {
                day.starts_with(['+', '-']) && !day[1..].starts_with(|c: char| c.is_ascii_digit())
            })
        {
            return Err(format!(
                "not a valid rule: BYDAY {bad:?} has a sign but no number (as in -1FR)"
            ));
        }
        Ok(RuleText {
            normalised: normalised.join(";"),
            parsed,
            until_is_instant,
            business_day,
        })
    }
}

/// Parses, checks and prepares the expansion of a rule starting at `dtstart`.
fn build(text: &RuleText, dtstart: DateTime, calendar: &Calendar) -> Result<Expansion, String> {
    let parsed = &text.parsed;
    let freq = parsed.get_freq();
    if matches!(freq, Frequency::Minutely | Frequency::Secondly) {
        return Err(format!(
            "FREQ={freq} occurs more than once an hour; the finest frequency accepted is HOURLY"
        ));
    }
    if parsed.get_interval() == 0 {
        return Err("INTERVAL must be at least 1".into());
    }
    let count = parsed.get_count();
    match count {
        Some(_) if parsed.get_until().is_some() => {
            return Err("COUNT and UNTIL must not both be given (RFC 5545)".into());
        }
        Some(0) => return Err(format!("COUNT=0: {NEVER_OCCURS}")),
        Some(c) if c > MAX_COUNT => {
            return Err(format!("COUNT must be at most {MAX_COUNT} (got {c})"));
        }
        _ => {}
    }
    let until = match parsed.get_until() {
        None => None,
        Some(until) if text.until_is_instant => {
            let at = Timestamp::from_second(until.timestamp()).map_err(|e| e.to_string())?;
            Some(calendar.time_zone().to_datetime(at))
        }
        Some(until) => Some(from_chrono(until).ok_or("UNTIL is out of range")?),
    };
    if text.business_day.is_some() {
        check_business_day_parts(parsed)?;
    }
    let start = to_chrono(dtstart).ok_or("starts_on is out of range")?;
    // Let the crate check the rule as written (with COUNT) against DTSTART.
    let full = rebuild(parsed, until, count)
        .ok_or("UNTIL is out of range")?
        .validate(start)
        .map_err(invalid)?;

    match text.business_day {
        Some(n) => business_days(n, parsed, until, dtstart, calendar).map(Expansion::BusinessDay),
        None => {
            let last = survey(&full, dtstart)?;
            let until = if count.is_some() { last } else { until };
            let rule = rebuild(parsed, until, None)
                .ok_or("UNTIL is out of range")?
                .validate(start)
                .map_err(invalid)?;
            Ok(Expansion::Rule(RuleExpansion {
                week_start: i64::from(rule.get_week_start().num_days_from_monday()),
                freq,
                interval: i64::from(rule.get_interval()),
                rule,
                dtstart,
                until,
            }))
        }
    }
}

/// The `rrule` crate's message, without its "RRule parsing error" prefix.
fn invalid(error: RRuleError) -> String {
    let reason = match error {
        RRuleError::ParserError(e) => e.to_string(),
        RRuleError::ValidationError(e) => e.to_string(),
        RRuleError::IterError(e) => e,
    };
    format!("not a valid rule: {reason}")
}

/// The parsed rule again, with UNTIL as wall-clock time and COUNT as given. The crate
/// cannot unset COUNT, hence a rule built afresh from the parsed parts.
fn rebuild(
    parsed: &RRule<Unvalidated>,
    until: Option<DateTime>,
    count: Option<u32>,
) -> Option<RRule<Unvalidated>> {
    let months: Vec<chrono::Month> = parsed
        .get_by_month()
        .iter()
        .filter_map(|&m| chrono::Month::try_from(m).ok())
        .collect();
    let mut rule = RRule::new(parsed.get_freq())
        .interval(parsed.get_interval())
        .week_start(parsed.get_week_start())
        .by_set_pos(parsed.get_by_set_pos().to_vec())
        .by_month(&months)
        .by_month_day(parsed.get_by_month_day().to_vec())
        .by_year_day(parsed.get_by_year_day().to_vec())
        .by_week_no(parsed.get_by_week_no().to_vec())
        .by_weekday(parsed.get_by_weekday().to_vec())
        .by_hour(parsed.get_by_hour().to_vec())
        .by_minute(parsed.get_by_minute().to_vec())
        .by_second(parsed.get_by_second().to_vec());
    if let Some(until) = until {
        rule = rule.until(to_chrono(until)?);
    }
    if let Some(count) = count {
        rule = rule.count(count);
    }
    Some(rule)
}

/// Expands a rule from its start far enough to know that it occurs, that no two
/// occurrences of its first year are less than an hour apart, and, under COUNT, when its
/// last occurrence is (returned).
fn survey(rule: &RRule, dtstart: DateTime) -> Result<Option<DateTime>, String> {
    let start = to_chrono(dtstart).ok_or("starts_on is out of range")?;
    // Limited: the crate gives up after 100,000 periods without an occurrence.
    let set = RRuleSet::new(start).rrule(rule.clone()).limit();
    let mut iter = (&set).into_iter().map_while(|dt| from_chrono(&dt));
    let first = iter.next().ok_or(NEVER_OCCURS)?;
    let horizon = first
        .checked_add(SignedDuration::from_hours(24 * SPACING_CHECK_DAYS))
        .unwrap_or(DateTime::MAX);
    let counted = rule.get_count().is_some();
    let mut last = first;
    for next in iter {
        if next <= horizon {
            let gap = last.duration_since(next).abs();
            if gap > SignedDuration::ZERO && gap < SignedDuration::from_hours(1) {
                return Err(format!(
                    "occurs more than once an hour (at {last} and {next}); at most one \
                     occurrence an hour is accepted"
                ));
            }
        } else if !counted {
            break;
        }
        last = next;
    }
    Ok(counted.then_some(last))
}

impl RuleExpansion {
    /// Appends the occurrences in `[from, until)`.
    fn expand(&self, from: DateTime, until: DateTime, out: &mut Vec<DateTime>) {
        if self.until.is_some_and(|end| from > end) {
            return;
        }
        let Some(start) = to_chrono(self.anchor(from)) else {
            return;
        };
        // Limited, so that a rule with long stretches without an occurrence costs at most
        // 100,000 periods per call.
        let set = RRuleSet::new(start).rrule(self.rule.clone()).limit();
        for dt in &set {
            let Some(dt) = from_chrono(&dt) else { break };
            if dt >= until {
                break;
            }
            if dt >= from {
                out.push(dt);
            }
        }
    }

    /// Where to start expanding to see every occurrence from `at` on: the beginning of
    /// the rule's period (year, month, week from WKST, day or hour, stepped by INTERVAL
    /// from DTSTART's) that holds `at`, or DTSTART itself when that is later. Expanding
    /// from there yields what expanding from DTSTART would, as every part the rule takes
    /// from DTSTART is explicit in `self.rule` and COUNT is gone.
    fn anchor(&self, at: DateTime) -> DateTime {
        let s = self.dtstart;
        if at <= s {
            return s;
        }
        let k = self.interval;
        let midnight = |date: Date| date.to_datetime(Time::midnight());
        let candidate = match self.freq {
            Frequency::Yearly => {
                let n = (i64::from(at.year()) - i64::from(s.year())) / k;
                let year = i64::from(s.year()) + n * k;
                month_start(year * 12).map(midnight)
            }
            Frequency::Monthly => {
                let first = month_index(s.date());
                let n = (month_index(at.date()) - first) / k;
                month_start(first + n * k).map(midnight)
            }
            Frequency::Weekly => {
                let weekday = i64::from(s.date().weekday().to_monday_zero_offset());
                let week = day_number(s.date()) - (weekday - self.week_start).rem_euclid(7);
                let n = (day_number(at.date()) - week) / (7 * k);
                date_from_day_number(week + n * 7 * k).map(midnight)
            }
            Frequency::Daily => {
                let first = day_number(s.date());
                let n = (day_number(at.date()) - first) / k;
                date_from_day_number(first + n * k).map(midnight)
            }
            Frequency::Hourly => {
                let hour = |dt: DateTime| day_number(dt.date()) * 24 + i64::from(dt.hour());
                let first = hour(s);
                let n = (hour(at) - first) / k;
                let h = first + n * k;
                date_from_day_number(h.div_euclid(24)).and_then(|date| {
                    let hour = i8::try_from(h.rem_euclid(24)).ok()?;
                    Some(date.to_datetime(Time::new(hour, 0, 0, 0).ok()?))
                })
            }
            Frequency::Minutely | Frequency::Secondly => None,
        };
        candidate.map_or(s, |c| c.max(s))
    }
}

/// The business-day extension chooses the day and the time itself: it goes with a
/// monthly rule and no part that chooses days or times.
fn check_business_day_parts(parsed: &RRule<Unvalidated>) -> Result<(), String> {
    if parsed.get_freq() != Frequency::Monthly {
        return Err(format!(
            "{BUSINESS_DAY_PART} needs FREQ=MONTHLY (got FREQ={})",
            parsed.get_freq()
        ));
    }
    let clashes: Vec<&str> = [
        ("BYDAY", parsed.get_by_weekday().is_empty()),
        ("BYMONTHDAY", parsed.get_by_month_day().is_empty()),
        ("BYSETPOS", parsed.get_by_set_pos().is_empty()),
        ("BYYEARDAY", parsed.get_by_year_day().is_empty()),
        ("BYWEEKNO", parsed.get_by_week_no().is_empty()),
        ("BYHOUR", parsed.get_by_hour().is_empty()),
        ("BYMINUTE", parsed.get_by_minute().is_empty()),
        ("BYSECOND", parsed.get_by_second().is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, empty)| (!empty).then_some(name))
    .collect();
    if !clashes.is_empty() {
        return Err(format!(
            "{BUSINESS_DAY_PART} cannot be combined with {}: it chooses the day itself, \
             and the time is the due time",
            clashes.join(", ")
        ));
    }
    Ok(())
}

/// Checks the business days the rule asks for against the calendar and prepares the
/// expansion.
fn business_days(
    n: i32,
    parsed: &RRule<Unvalidated>,
    until: Option<DateTime>,
    dtstart: DateTime,
    calendar: &Calendar,
) -> Result<BusinessDays, String> {
    let mut days = BusinessDays {
        n,
        calendar: calendar.clone(),
        first_month: month_index(dtstart.date()),
        interval: i64::from(parsed.get_interval()),
        months: parsed
            .get_by_month()
            .iter()
            .fold(0, |bits, &m| bits | 1u16 << (m.clamp(1, 12) - 1)),
        dtstart,
        due_time: dtstart.time(),
        until,
    };
    days.check_first_months()?;
    // The first occurrence, and under COUNT the last, which then bounds the expansion.
    let wanted = parsed.get_count();
    let mut seen = 0u32;
    let mut last = None;
    let _ = days.walk(dtstart, None, |dt| {
        seen += 1;
        last = Some(dt);
        if wanted.is_some_and(|count| seen < count) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    if last.is_none() {
        return Err(NEVER_OCCURS.into());
    }
    if wanted.is_some() {
        days.until = last;
    }
    Ok(days)
}

impl BusinessDays {
    /// Refuses an N beyond the business days of a month the rule selects in its first
    /// twelve months (or of its first month, when that comes later), naming that month.
    /// Later short months are skipped when expanding: a year ahead, a calendar's holidays
    /// are seldom all known.
    fn check_first_months(&self) -> Result<(), String> {
        let wanted = self.n.unsigned_abs();
        let mut checked = false;
        // BYMONTH over the INTERVAL grid repeats every 12 steps.
        for step in 0..12 * 12 {
            let index = self.first_month + step * self.interval;
            if checked && index >= self.first_month + 12 {
                break;
            }
            let Some(first) = month_start(index) else {
                break;
            };
            if self.until.is_some_and(|end| first > end.date()) {
                break;
            }
            if !self.selects(first) {
                continue;
            }
            checked = true;
            let have = self.business_days_in(first);
            if have < wanted {
                let nth = if self.n > 0 {
                    format!("the {} business day", ordinal(wanted))
                } else if wanted == 1 {
                    "the last business day".to_owned()
                } else {
                    format!("the {}-last business day", ordinal(wanted))
                };
                let only = if have == 0 {
                    "has no business day".to_owned()
                } else {
                    format!("has only {have}")
                };
                return Err(format!(
                    "{nth}: {} {} {only}",
                    MONTHS[month0(first)],
                    first.year()
                ));
            }
        }
        Ok(())
    }

    fn selects(&self, month: Date) -> bool {
        self.months == 0 || self.months & (1 << month0(month)) != 0
    }

    fn business_days_in(&self, first: Date) -> u32 {
        let mut count = 0;
        let mut day = Some(first);
        while let Some(date) = day.filter(|d| d.month() == first.month()) {
            count += u32::from(self.calendar.is_business_day(date));
            day = date.tomorrow().ok();
        }
        count
    }

    /// The Nth business day of the month starting at `first`, if it has that many.
    fn nth_business_day(&self, first: Date) -> Option<Date> {
        let wanted = self.n.unsigned_abs();
        let mut seen = 0;
        let (mut day, step): (Date, fn(Date) -> Option<Date>) = if self.n > 0 {
            (first, |d| d.tomorrow().ok())
        } else {
            (first.last_of_month(), |d| d.yesterday().ok())
        };
        while day.month() == first.month() && day.year() == first.year() {
            if self.calendar.is_business_day(day) {
                seen += 1;
                if seen == wanted {
                    return Some(day);
                }
            }
            day = step(day)?;
        }
        None
    }

    /// Visits the occurrences from `from` on, ascending, until `visit` breaks, UNTIL or
    /// the year 9999 is passed, or a month starts after `last_month`.
    fn walk(
        &self,
        from: DateTime,
        last_month: Option<Date>,
        mut visit: impl FnMut(DateTime) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let from = from.max(self.dtstart);
        let k = self.interval;
        let behind = month_index(from.date()) - self.first_month;
        // The first step of the grid whose month is not before `from`'s.
        let mut step = (behind + k - 1).div_euclid(k).max(0);
        loop {
            let Some(first) = month_start(self.first_month + step * k) else {
                return ControlFlow::Continue(());
            };
            if last_month.is_some_and(|last| first > last)
                || self.until.is_some_and(|end| first > end.date())
            {
                return ControlFlow::Continue(());
            }
            step += 1;
            if !self.selects(first) {
                continue;
            }
            let Some(day) = self.nth_business_day(first) else {
                continue;
            };
            let dt = day.to_datetime(self.due_time);
            if self.until.is_some_and(|end| dt > end) {
                return ControlFlow::Continue(());
            }
            if dt >= from {
                visit(dt)?;
            }
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "HH:MM", two digits each, 00:00 to 23:59.
fn parse_due_time(text: &str) -> Option<Time> {
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let (hour, minute) = (number(0), number(3));
    if hour > 23 || minute > 59 {
        return None;
    }
    Time::new(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0).ok()
}

/// Places a wall-clock time in `tz`: in a gap, the first instant after it (the
/// transition itself); in a fold, the earlier instant.
fn to_instant(tz: &TimeZone, dt: DateTime) -> Option<Timestamp> {
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
        AmbiguousOffset::Gap { after, .. } => {
            // Read with the later offset, a time in the gap lands just before the
            // transition, which is then the next one.
            let before_gap = after.to_timestamp(dt).ok()?;
            tz.following(before_gap).next().map(|t| t.timestamp())
        }
        AmbiguousOffset::Fold { before, after } => {
            let a = before.to_timestamp(dt).ok()?;
            let b = after.to_timestamp(dt).ok()?;
            Some(a.min(b))
        }
    }
}

/// A wall-clock time as the `rrule` crate's date-time, UTC standing in for "no zone".
fn to_chrono(dt: DateTime) -> Option<chrono::DateTime<Tz>> {
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::from(dt.year()),
        u32::try_from(dt.month()).ok()?,
        u32::try_from(dt.day()).ok()?,
    )?;
    let naive = date.and_hms_opt(
        u32::try_from(dt.hour()).ok()?,
        u32::try_from(dt.minute()).ok()?,
        u32::try_from(dt.second()).ok()?,
    )?;
    Some(Tz::UTC.from_utc_datetime(&naive))
}

/// The inverse of [`to_chrono`]; `None` past jiff's range (the year 9999).
fn from_chrono(dt: &chrono::DateTime<Tz>) -> Option<DateTime> {
    let n = dt.naive_utc();
    DateTime::new(
        i16::try_from(n.year()).ok()?,
        i8::try_from(n.month()).ok()?,
        i8::try_from(n.day()).ok()?,
        i8::try_from(n.hour()).ok()?,
        i8::try_from(n.minute()).ok()?,
        i8::try_from(n.second()).ok()?,
        0,
    )
    .ok()
}

/// Months since the year 0: `year * 12 + month - 1`.
fn month_index(date: Date) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month()) - 1
}

/// The first day of the month with that [`month_index`], if jiff can hold it.
fn month_start(index: i64) -> Option<Date> {
    let year = i16::try_from(index.div_euclid(12)).ok()?;
    let month = i8::try_from(index.rem_euclid(12) + 1).ok()?;
    Date::new(year, month, 1).ok()
}

/// The month of `date` from 0 (January).
fn month0(date: Date) -> usize {
    usize::from(date.month().unsigned_abs()) - 1
}

/// Days since 1970-01-01 (proleptic Gregorian), for stepping a grid of days.
fn day_number(date: Date) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`day_number`], if jiff can hold the date.
fn date_from_day_number(days: i64) -> Option<Date> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarSpec, HolidaySpec, WeekSpec};
    use jiff::civil::{date, datetime};

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

    fn schedule(rule: &str, starts_on: Date) -> Schedule {
        Schedule::new(rule, "09:00", starts_on, &office("UTC", vec![])).unwrap()
    }

    /// Expanding from DTSTART with the crate, without any of this module's shortcuts.
    fn reference(rule: &str, dtstart: DateTime, until: DateTime) -> Vec<DateTime> {
        let set: RRuleSet = format!(
            "DTSTART:{}\nRRULE:{rule}",
            to_chrono(dtstart).unwrap().format("%Y%m%dT%H%M%SZ")
        )
        .parse()
        .unwrap();
        (&set)
            .into_iter()
            .map_while(|dt| from_chrono(&dt))
            .take_while(|&dt| dt < until)
            .collect()
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(2000, 3, 1)), 11_017);
        for days in (-800_000..2_900_000).step_by(997) {
            let d = date_from_day_number(days).unwrap();
            assert_eq!(day_number(d), days);
            assert_eq!(
                d.tomorrow().unwrap(),
                date_from_day_number(days + 1).unwrap()
            );
        }
    }

    #[test]
    fn due_times_are_strict() {
        assert_eq!(parse_due_time("00:00"), Some(Time::midnight()));
        assert_eq!(parse_due_time("23:59"), Time::new(23, 59, 0, 0).ok());
        for bad in [
            "24:00", "9:30", "09:60", "09:30:00", "0930", " 09:30", "ab:cd", "",
        ] {
            assert_eq!(parse_due_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn ordinals() {
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 25, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "25th",
                "101st", "111th"
            ]
        );
    }

    /// Starting at the anchor of any window gives what expanding from DTSTART gives.
    #[test]
    fn anchored_expansion_matches_expansion_from_the_start() {
        let rules = [
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=2,3;BYMONTHDAY=29",
            "FREQ=YEARLY;BYWEEKNO=1,52;BYDAY=MO",
            "FREQ=YEARLY;INTERVAL=2;BYDAY=-1FR;BYSETPOS=1,-1",
            "FREQ=MONTHLY;INTERVAL=5;BYDAY=2MO,-1FR",
            "FREQ=MONTHLY;BYMONTHDAY=31,-31",
            "FREQ=MONTHLY;INTERVAL=7",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
            "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,SA",
            "FREQ=WEEKLY;INTERVAL=2;WKST=TH;BYDAY=MO,WE;BYSETPOS=1",
            "FREQ=WEEKLY;INTERVAL=4",
            "FREQ=DAILY;INTERVAL=9;BYMONTH=1,7",
            "FREQ=DAILY;BYHOUR=8,20;BYMINUTE=15",
            "FREQ=HOURLY;INTERVAL=5;BYHOUR=1,2,3,13,14,23",
            "FREQ=HOURLY;INTERVAL=7;BYMONTH=3;BYMINUTE=45",
            "FREQ=MONTHLY;COUNT=17;BYDAY=1TU",
            "FREQ=DAILY;COUNT=40;INTERVAL=11",
        ];
        let starts = [date(2025, 12, 31), date(2026, 2, 26), date(2026, 6, 1)];
        let end = datetime(2029, 7, 1, 0, 0, 0, 0);
        for rule in rules {
            for &start in &starts {
                let s = schedule(rule, start);
                let dtstart = start.to_datetime(s.due_time());
                let all = reference(rule, dtstart, end);
                assert!(!all.is_empty(), "{rule} from {start}");
                let mut from = dtstart;
                while from < end {
                    let expected: Vec<_> = all.iter().copied().filter(|&d| d >= from).collect();
                    assert_eq!(
                        s.expand_floating(from, end),
                        expected,
                        "{rule} from {start}, window from {from}"
                    );
                    from = from
                        .checked_add(SignedDuration::from_hours(24 * 37 + 5))
                        .unwrap();
                }
            }
        }
    }

    #[test]
    fn gaps_map_to_the_transition_and_folds_to_the_earlier_instant() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(
            to_instant(&berlin, datetime(2026, 3, 29, 2, 30, 0, 0)),
            Some(at("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            to_instant(&berlin, datetime(2026, 10, 25, 2, 30, 0, 0)),
            Some(at("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            to_instant(&berlin, datetime(2026, 7, 1, 12, 0, 0, 0)),
            Some(at("2026-07-01T10:00:00Z"))
        );
    }

    #[test]
    fn schedules_can_be_shared() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Schedule>();
    }
}
