//! Criterion benchmarks of recurring-deliverable schedules: 90 days of occurrences for
//! 10,000 schedules (target: under a second in all), and building those schedules.
//!
//! The schedules mix the usual rules (a day of the month, the 2nd Monday, Fridays, every
//! day, the 3rd and the last business day), start on days spread over the six years
//! before the window, so that expansion cannot simply begin at the first day, and use
//! two office calendars (London with holidays, New York).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use handoff_domain::calendar::{Calendar, CalendarSpec, HolidaySpec, WeekSpec};
use handoff_domain::deliverable::Schedule;
use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};

const SCHEDULES: usize = 10_000;
const RULES: [&str; 6] = [
    "FREQ=MONTHLY;BYMONTHDAY=3",
    "FREQ=MONTHLY;BYDAY=2MO",
    "FREQ=WEEKLY;BYDAY=FR",
    "FREQ=DAILY",
    "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
    "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=-1",
];

/// Mon-Fri 09:00-17:30 with nine holidays a year from 2020 to 2030.
fn office(zone: &str) -> Calendar {
    let day = || vec![["09:00".to_owned(), "17:30".to_owned()]];
    let holidays = (2020..=2030)
        .flat_map(|year| {
            [
                (1, 1),
                (4, 3),
                (4, 6),
                (5, 4),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
                (11, 11),
            ]
            .map(|(month, day)| HolidaySpec::whole_day(date(year, month, day)))
        })
        .collect();
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
    .expect("benchmark calendar is valid")
}

/// A small deterministic generator, so that runs are comparable and no crate is needed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Rule, due time and first day of each schedule.
fn inputs() -> Vec<(&'static str, String, Date)> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    (0..SCHEDULES)
        .map(|i| {
            let rule = RULES[i % RULES.len()];
            let due = format!("{:02}:{:02}", 8 + rng.below(10), rng.below(4) * 15);
            let days = i64::try_from(rng.below(6 * 365)).unwrap();
            let starts_on = date(2020, 7, 1)
                .checked_add(SignedDuration::from_hours(24 * days))
                .unwrap();
            (rule, due, starts_on)
        })
        .collect()
}

fn build(calendars: &[Calendar; 2], inputs: &[(&str, String, Date)]) -> Vec<Schedule> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, (rule, due, starts_on))| {
            Schedule::new(rule, due, *starts_on, &calendars[i % 2]).expect("valid schedule")
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let calendars = [office("Europe/London"), office("America/New_York")];
    let inputs = inputs();
    let schedules = build(&calendars, &inputs);
    let from: Timestamp = "2026-07-01T00:00:00Z".parse().unwrap();
    let until = from + SignedDuration::from_hours(90 * 24);
    let total: usize = schedules
        .iter()
        .map(|s| s.occurrences(from, until).len())
        .sum();
    println!("{SCHEDULES} schedules, {total} occurrences in 90 days");

    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SCHEDULES as u64));
    group.bench_function("occurrences_90_days_10k_schedules", |b| {
        b.iter(|| {
            schedules
                .iter()
                .map(|s| s.occurrences(black_box(from), black_box(until)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("new_10k_schedules", |b| {
        b.iter(|| build(&calendars, black_box(&inputs)))
    });
    group.finish();
}

criterion_group!(schedule_benches, benches);
criterion_main!(schedule_benches);
