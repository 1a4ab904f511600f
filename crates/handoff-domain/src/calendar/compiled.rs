//! A calendar compiled over a horizon into sorted UTC working intervals with prefix sums,
//! so that `due` and `between` are two binary searches and no time-zone work.
//!
//! # Wall-clock rule (DST gaps and folds)
//!
//! A working interval `[start, end)` on a date covers exactly the instants whose local
//! wall-clock reading in the calendar's zone falls on that date within `[start, end)`.
//! Working time is the real time elapsed over those instants. Consequences:
//!
//! * Gap (clocks jump forward): wall times that never occur cover nothing. `01:00-03:00`
//!   on the spring-forward day in New York (02:00 → 03:00) lasts one real hour.
//! * Fold (clocks fall back): wall times that occur twice are covered both times.
//!   `01:00-02:00` on the fall-back day in New York lasts two real hours, and a 24-hour
//!   day lasts 25 hours (23 on the spring-forward day).
//!
//! The rule is the preimage of the wall-clock interval under "instant → local time", so it
//! works unchanged for half-hour offsets and shifts (Asia/Kolkata, Australia/Lord_Howe,
//! Pacific/Chatham) and for zones that change their clocks at midnight.

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use super::CalendarError;
use super::spec::{Calendar, DAY_SECONDS};

const NANOS_PER_SECOND: i32 = 1_000_000_000;
/// Larger than any UTC offset jiff allows (±25:59:59), used to widen searches.
const MAX_OFFSET_SECONDS: i64 = 26 * 3600;

/// The span of instants a [`CompiledCalendar`] can answer for: `[start, end]`.
///
/// Horizons are whole seconds, lie within [`Horizon::EARLIEST`]..=[`Horizon::LATEST`] and
/// span at most [`Horizon::MAX_DAYS`] days; this bounds the memory and compile time of a
/// calendar and every search inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    start: Timestamp,
    end: Timestamp,
}

impl Horizon {
    /// 1900-01-01T00:00:00Z.
    pub const EARLIEST: Timestamp = Timestamp::constant(-2_208_988_800, 0);
    /// 2200-01-01T00:00:00Z.
    pub const LATEST: Timestamp = Timestamp::constant(7_258_118_400, 0);
    /// 100 years and then some (36,600 days).
    pub const MAX_DAYS: i64 = 36_600;
    /// How far [`Horizon::for_due`] looks ahead: 3,660 days (about ten years). A target
    /// not reached by then is reported as unreachable rather than searched for forever.
    pub const DUE_SEARCH_DAYS: i64 = 3_660;

    /// The years (of 366 days) around `at`, kept within [`Horizon::EARLIEST`] and
    /// [`Horizon::LATEST`].
    pub fn around(
        at: Timestamp,
        years_before: i64,
        years_after: i64,
    ) -> Result<Self, CalendarError> {
        let years = |n: i64| SignedDuration::from_hours(24 * 366 * n);
        let start = at
            .saturating_sub(years(years_before))
            .unwrap_or(Self::EARLIEST);
        let end = at
            .saturating_add(years(years_after))
            .unwrap_or(Self::LATEST);
        Self::new(start.max(Self::EARLIEST), end.min(Self::LATEST))
    }

    /// `[start, end]`, truncated to whole seconds (`start` down, `end` up).
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Self, CalendarError> {
        let out_of_range = |e: jiff::Error| CalendarError::InvalidHorizon(e.to_string());
        let start = Timestamp::from_second(split(start).0).map_err(out_of_range)?;
        let (end_s, end_ns) = split(end);
        let end = Timestamp::from_second(end_s + i64::from(end_ns > 0)).map_err(out_of_range)?;
        if start < Self::EARLIEST
            || start >= Self::LATEST
            || end <= Self::EARLIEST
            || end > Self::LATEST
        {
            return Err(CalendarError::InvalidHorizon(format!(
                "only instants from {} to {} are supported (got {start} .. {end})",
                Self::EARLIEST,
                Self::LATEST
            )));
        }
        if end <= start {
            return Err(CalendarError::InvalidHorizon(format!(
                "end {end} is not after start {start}"
            )));
        }
        if end.as_second() - start.as_second() > Self::MAX_DAYS * i64::from(DAY_SECONDS) {
            return Err(CalendarError::InvalidHorizon(format!(
                "{start} .. {end} is longer than {} days",
                Self::MAX_DAYS
            )));
        }
        Ok(Self { start, end })
    }

    /// `[start, start + days]`.
    pub fn starting_at(start: Timestamp, days: i64) -> Result<Self, CalendarError> {
        let end = days
            .checked_mul(i64::from(DAY_SECONDS))
            .and_then(|s| start.checked_add(SignedDuration::from_secs(s)).ok())
            .ok_or_else(|| {
                CalendarError::InvalidHorizon(format!("{start} plus {days} days is out of range"))
            })?;
        Self::new(start, end)
    }

    /// The horizon a single `due` computation from `start` searches:
    /// `[start, start + DUE_SEARCH_DAYS]`, cut at [`Horizon::LATEST`].
    pub fn for_due(start: Timestamp) -> Result<Self, CalendarError> {
        let end = start
            .checked_add(SignedDuration::from_secs(
                Self::DUE_SEARCH_DAYS * i64::from(DAY_SECONDS),
            ))
            .map_or(Self::LATEST, |end| end.min(Self::LATEST));
        Self::new(start, end)
    }

    /// The smallest horizon holding both instants, padded by a day on each side so that
    /// equal instants still make a valid horizon.
    pub fn covering(a: Timestamp, b: Timestamp) -> Result<Self, CalendarError> {
        let day = SignedDuration::from_secs(i64::from(DAY_SECONDS));
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let start = lo
            .checked_sub(day)
            .map_or(Self::EARLIEST, |s| s.max(Self::EARLIEST));
        let end = hi
            .checked_add(day)
            .map_or(Self::LATEST, |e| e.min(Self::LATEST));
        Self::new(start, end)
    }

    pub fn start(&self) -> Timestamp {
        self.start
    }

    pub fn end(&self) -> Timestamp {
        self.end
    }

    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at <= self.end
    }
}

/// A calendar ready for arithmetic over one [`Horizon`]. Immutable, `Send + Sync`: build
/// it once per calendar (and horizon) and share it, e.g. behind an `Arc`.
///
/// Internally: the working instants as sorted, disjoint, non-touching UTC intervals in
/// whole seconds, and for each interval the working seconds before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledCalendar {
    horizon: Horizon,
    starts: Box<[i64]>,
    ends: Box<[i64]>,
    /// `cum[i]` = working seconds in intervals `0..i`; one longer than `starts`.
    cum: Box<[i64]>,
}

impl Calendar {
    /// Compiles the working time within `horizon`. Fails with
    /// [`CalendarError::NoWorkingTime`] when holidays leave no working time in it.
    pub fn compile(&self, horizon: Horizon) -> Result<CompiledCalendar, CalendarError> {
        let (hs, he) = (horizon.start.as_second(), horizon.end.as_second());
        let segments = self.offset_segments(hs, he)?;

        // Every local date whose wall-clock day may touch the horizon.
        let first_day = (hs - MAX_OFFSET_SECONDS).div_euclid(i64::from(DAY_SECONDS));
        let last_day = (he + MAX_OFFSET_SECONDS).div_euclid(i64::from(DAY_SECONDS));
        let mut date = utc_date(first_day)?;
        let mut intervals: Vec<(i64, i64)> = Vec::new();
        for day in first_day..=last_day {
            let local_midnight = day * i64::from(DAY_SECONDS);
            // 1970-01-01 was a Thursday (index 3 when Monday is 0).
            let weekday = usize::try_from((day + 3).rem_euclid(7)).unwrap_or(0);
            for range in self.open_ranges(date, weekday) {
                preimage(
                    local_midnight + i64::from(range.start),
                    local_midnight + i64::from(range.end),
                    &segments,
                    |a, b| {
                        let (a, b) = (a.max(hs), b.min(he));
                        if a < b {
                            intervals.push((a, b));
                        }
                    },
                );
            }
            date = date
                .tomorrow()
                .map_err(|e| CalendarError::InvalidHorizon(e.to_string()))?;
        }

        // Preimages of one date can interleave with the next around a fold; sort, then
        // join touching intervals (e.g. a 24-hour week) so that boundaries are real closings.
        intervals.sort_unstable();
        let mut starts = Vec::with_capacity(intervals.len());
        let mut ends: Vec<i64> = Vec::with_capacity(intervals.len());
        for (a, b) in intervals {
            match ends.last_mut() {
                Some(end) if a <= *end => *end = (*end).max(b),
                _ => {
                    starts.push(a);
                    ends.push(b);
                }
            }
        }
        if starts.is_empty() {
            return Err(CalendarError::NoWorkingTime {
                from: horizon.start,
                until: horizon.end,
            });
        }
        let mut cum = Vec::with_capacity(starts.len() + 1);
        let mut total = 0i64;
        cum.push(0);
        for (a, b) in starts.iter().zip(&ends) {
            total += b - a;
            cum.push(total);
        }
        Ok(CompiledCalendar {
            horizon,
            starts: starts.into(),
            ends: ends.into(),
            cum: cum.into(),
        })
    }

    /// One-off [`CompiledCalendar::due`]: compiles [`Horizon::for_due`] for this call only
    /// (a fraction of a millisecond), so a target more than [`Horizon::DUE_SEARCH_DAYS`]
    /// days away is [`CalendarError::Unreachable`]. Compile once for repeated use.
    pub fn due_once(&self, start: Timestamp, minutes: i64) -> Result<Timestamp, CalendarError> {
        let business =
            SignedDuration::try_from_mins(minutes).ok_or(CalendarError::DurationTooLong)?;
        if business.is_negative() {
            return Err(CalendarError::NegativeDuration(business));
        }
        match self.compile(Horizon::for_due(start)?) {
            Ok(compiled) => compiled.due_after(start, business),
            // Nothing is open in the whole search: only zero minutes can be reached.
            Err(CalendarError::NoWorkingTime { .. }) if business.is_zero() => Ok(start),
            Err(e) => Err(e),
        }
    }

    /// One-off [`CompiledCalendar::between`] over [`Horizon::covering`] the two instants.
    pub fn between_once(
        &self,
        a: Timestamp,
        b: Timestamp,
    ) -> Result<SignedDuration, CalendarError> {
        match self.compile(Horizon::covering(a, b)?) {
            Ok(compiled) => compiled.between(a, b),
            // Holidays close the whole stretch: no business time lies between the instants.
            Err(CalendarError::NoWorkingTime { .. }) => Ok(SignedDuration::ZERO),
            Err(e) => Err(e),
        }
    }

    /// The zone's UTC offsets around `[hs, he]` as `(valid from, offset seconds)`, sorted;
    /// the first entry is valid from the beginning of time.
    fn offset_segments(&self, hs: i64, he: i64) -> Result<Vec<(i64, i64)>, CalendarError> {
        let margin = 3 * i64::from(DAY_SECONDS);
        let from = Timestamp::from_second(hs - margin)
            .map_err(|e| CalendarError::InvalidHorizon(e.to_string()))?;
        let mut segments = vec![(i64::MIN, offset_seconds(self.tz.to_offset(from)))];
        for transition in self.tz.following(from) {
            let at = transition.timestamp().as_second();
            if at > he + margin {
                break;
            }
            segments.push((at, offset_seconds(transition.offset())));
        }
        Ok(segments)
    }
}

fn offset_seconds(offset: Offset) -> i64 {
    i64::from(offset.seconds())
}

fn utc_date(epoch_day: i64) -> Result<Date, CalendarError> {
    Timestamp::from_second(epoch_day * i64::from(DAY_SECONDS))
        .map(|ts| Offset::UTC.to_datetime(ts).date())
        .map_err(|e| CalendarError::InvalidHorizon(e.to_string()))
}

/// Calls `emit(a, b)` for each UTC interval `[a, b)` whose local wall-clock time lies in
/// `[wall_start, wall_end)` (both as "local seconds since the epoch").
fn preimage(
    wall_start: i64,
    wall_end: i64,
    segments: &[(i64, i64)],
    mut emit: impl FnMut(i64, i64),
) {
    let first = segments
        .partition_point(|&(from, _)| from <= wall_start - MAX_OFFSET_SECONDS)
        .saturating_sub(1);
    for (k, &(from, offset)) in segments.iter().enumerate().skip(first) {
        if from > wall_end + MAX_OFFSET_SECONDS {
            break;
        }
        let until = segments.get(k + 1).map_or(i64::MAX, |&(next, _)| next);
        let a = from.max(wall_start - offset);
        let b = until.min(wall_end - offset);
        if a < b {
            emit(a, b);
        }
    }
}

/// `(seconds, nanoseconds)` with nanoseconds in `[0, 1e9)`, whatever the sign.
#[inline]
fn split(ts: Timestamp) -> (i64, i32) {
    let (s, ns) = (ts.as_second(), ts.subsec_nanosecond());
    if ns < 0 {
        (s - 1, ns + NANOS_PER_SECOND)
    } else {
        (s, ns)
    }
}

impl CompiledCalendar {
    pub fn horizon(&self) -> Horizon {
        self.horizon
    }

    /// Total working time within the horizon.
    pub fn total(&self) -> SignedDuration {
        SignedDuration::from_secs(self.cum.last().copied().unwrap_or(0))
    }

    /// The working periods as UTC `[start, end)` pairs, in order.
    pub fn periods(&self) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        self.starts
            .iter()
            .zip(self.ends.iter())
            .map(|(&a, &b)| (Timestamp::constant(a, 0), Timestamp::constant(b, 0)))
    }

    /// Whether `at` is working time (interval starts are open, ends are closed).
    pub fn is_open(&self, at: Timestamp) -> Result<bool, CalendarError> {
        self.check(at)?;
        let (s, _) = split(at);
        let i = self.ends.partition_point(|&e| e <= s);
        Ok(i < self.starts.len() && self.starts[i] <= s)
    }

    /// The earliest instant at which `minutes` business minutes have elapsed since `start`.
    /// Zero minutes give `start` itself, even when `start` is closed; negative minutes are
    /// an error.
    #[inline]
    pub fn due(&self, start: Timestamp, minutes: i64) -> Result<Timestamp, CalendarError> {
        let business = minutes
            .checked_mul(60)
            .map(SignedDuration::from_secs)
            .ok_or(CalendarError::DurationTooLong)?;
        self.due_after(start, business)
    }

    /// [`CompiledCalendar::due`] for any business duration (nanosecond precision).
    #[inline]
    pub fn due_after(
        &self,
        start: Timestamp,
        business: SignedDuration,
    ) -> Result<Timestamp, CalendarError> {
        if business.is_negative() {
            return Err(CalendarError::NegativeDuration(business));
        }
        self.check(start)?;
        if business.is_zero() {
            return Ok(start);
        }
        let (s, ns) = split(start);
        let (i, pos_s, pos_ns) = self.position(s, ns);
        // Target position; nanoseconds kept apart from seconds so that sums cannot overflow.
        let mut target_s = pos_s.checked_add(business.as_secs());
        let mut target_ns = pos_ns + business.subsec_nanos();
        if target_ns >= NANOS_PER_SECOND {
            target_ns -= NANOS_PER_SECOND;
            target_s = target_s.and_then(|t| t.checked_add(1));
        }
        let unreachable = || CalendarError::Unreachable {
            start,
            business,
            until: self.horizon.end,
        };
        let target_s = target_s.ok_or_else(unreachable)?;
        // First interval whose cumulative end reaches the target: cum[j + 1] >= target.
        // The target is reached at the interval's end at the latest, never at a later start.
        let ceil = target_s + i64::from(target_ns > 0);
        let j = i + self.cum[i + 1..].partition_point(|&c| c < ceil);
        if j >= self.starts.len() {
            return Err(unreachable());
        }
        let at = self.starts[j] + (target_s - self.cum[j]);
        Timestamp::new(at, target_ns).map_err(|_| unreachable())
    }

    /// Business time from `a` to `b`. Antisymmetric: when `b` is before `a` the result is
    /// the negated business time from `b` to `a`, so that
    /// `between(a, c) == between(a, b) + between(b, c)` for any order.
    #[inline]
    pub fn between(&self, a: Timestamp, b: Timestamp) -> Result<SignedDuration, CalendarError> {
        self.check(a)?;
        self.check(b)?;
        let (as_, ans) = split(a);
        let (bs, bns) = split(b);
        let (_, pa_s, pa_ns) = self.position(as_, ans);
        let (_, pb_s, pb_ns) = self.position(bs, bns);
        Ok(SignedDuration::new(pb_s - pa_s, pb_ns - pa_ns))
    }

    /// Index of the first interval ending after the instant, and the business time elapsed
    /// from the horizon start up to the instant as `(seconds, nanoseconds)`.
    #[inline]
    fn position(&self, s: i64, ns: i32) -> (usize, i64, i32) {
        // Interval ends are whole seconds, so "instant < end" is "s < end".
        let i = self.ends.partition_point(|&e| e <= s);
        match self.starts.get(i) {
            Some(&start) if start <= s => (i, self.cum[i] + (s - start), ns),
            _ => (i, self.cum[i], 0),
        }
    }

    fn check(&self, at: Timestamp) -> Result<(), CalendarError> {
        if self.horizon.contains(at) {
            Ok(())
        } else {
            Err(CalendarError::OutsideHorizon {
                at,
                from: self.horizon.start,
                until: self.horizon.end,
            })
        }
    }
}
