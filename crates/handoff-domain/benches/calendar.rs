//! Criterion benchmarks of business-calendar arithmetic: `due` throughput for a typical
//! calendar, `due` over year-long targets, compiling, and recomputing 100,000 due times.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use handoff_domain::calendar::{
    Calendar, CalendarSpec, CompiledCalendar, HolidaySpec, Horizon, WeekSpec,
};
use jiff::Timestamp;

/// 2026-01-01T00:00:00Z.
const START_2026: i64 = 1_767_225_600;
const YEAR: i64 = 365 * 86_400;

/// Mon-Fri 09:00-12:30 and 13:30-17:30 in Europe/London, ten holidays a year 2026-2036
/// (one of them the afternoon of Christmas Eve).
fn typical() -> Calendar {
    let day = || {
        vec![
            ["09:00".to_owned(), "12:30".to_owned()],
            ["13:30".to_owned(), "17:30".to_owned()],
        ]
    };
    let mut holidays = Vec::new();
    for year in 2026..2037 {
        for (month, dom) in [
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 4),
            (5, 25),
            (8, 31),
            (12, 25),
            (12, 28),
            (11, 11),
        ] {
            holidays.push(HolidaySpec::whole_day(jiff::civil::date(year, month, dom)));
        }
        holidays.push(HolidaySpec {
            date: format!("{year}-12-24"),
            from: Some("12:00".into()),
            to: Some("17:30".into()),
            name: None,
        });
    }
    let spec = CalendarSpec {
        time_zone: "Europe/London".into(),
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
    };
    Calendar::new(spec).expect("benchmark calendar is valid")
}

fn horizon(years: i64) -> Horizon {
    Horizon::new(
        Timestamp::from_second(START_2026).unwrap(),
        Timestamp::from_second(START_2026 + years * YEAR).unwrap(),
    )
    .unwrap()
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

/// Starts spread over the first three years (seconds with random phase), minutes in `range`.
fn inputs(count: usize, minutes: std::ops::Range<i64>) -> Vec<(Timestamp, i64)> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|_| {
            let start = START_2026 + i64::try_from(rng.below(3 * YEAR as u64)).unwrap();
            let span = (minutes.end - minutes.start) as u64;
            let m = minutes.start + i64::try_from(rng.below(span)).unwrap();
            (Timestamp::from_second(start).unwrap(), m)
        })
        .collect()
}

fn run(compiled: &CompiledCalendar, inputs: &[(Timestamp, i64)]) -> i64 {
    let mut acc = 0i64;
    for &(start, minutes) in inputs {
        acc ^= compiled
            .due(black_box(start), black_box(minutes))
            .unwrap()
            .as_second();
    }
    acc
}

fn benches(c: &mut Criterion) {
    let calendar = typical();
    let compiled = calendar.compile(horizon(10)).unwrap();

    // (a) Minutes to a few business days (up to 50 business hours).
    let short = inputs(4096, 1..3000);
    let mut group = c.benchmark_group("due");
    group.throughput(Throughput::Elements(short.len() as u64));
    group.bench_function("typical_minutes_to_days", |b| {
        b.iter(|| run(&compiled, &short))
    });

    // (b) Targets of 6 to 12 months of business time (about 58,000-117,000 minutes).
    let long = inputs(4096, 58_000..117_000);
    group.throughput(Throughput::Elements(long.len() as u64));
    group.bench_function("year_long_targets", |b| b.iter(|| run(&compiled, &long)));
    group.finish();

    // (c) Compiling: the horizons a server would keep.
    let mut group = c.benchmark_group("compile");
    for years in [1, 5, 10] {
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{years}y")),
            &years,
            |b, &years| b.iter(|| calendar.compile(black_box(horizon(years))).unwrap()),
        );
    }
    group.finish();

    // (d) A calendar changed: compile once (5-year horizon), recompute 100,000 due times.
    let open_requests = inputs(100_000, 1..3000);
    let mut group = c.benchmark_group("recompute");
    group.sample_size(20);
    group.throughput(Throughput::Elements(open_requests.len() as u64));
    group.bench_function("compile_5y_plus_100k_due", |b| {
        b.iter(|| {
            let compiled = calendar.compile(horizon(5)).unwrap();
            run(&compiled, &open_requests)
        })
    });
    group.finish();
}

criterion_group!(calendar_benches, benches);
criterion_main!(calendar_benches);
