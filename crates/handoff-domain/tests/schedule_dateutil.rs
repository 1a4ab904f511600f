//! Compares the expansion of a few hundred generated recurrence rules, occurrence by
//! occurrence, with python-dateutil's (`scripts/rrule_oracle.py`), the reference
//! implementation of RFC 5545 that most others are checked against.
//!
//! Needs a Python with python-dateutil, named by `HANDOFF_TEST_PYTHON` (`scripts/test`
//! makes one in a virtual environment); without it the test says it was skipped and
//! passes. The rules come from a fixed seed, so a failure can be replayed.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use handoff_domain::calendar::{Calendar, CalendarSpec};
use handoff_domain::deliverable::Schedule;
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, date};
use serde_json::{Value, json};

const SEED: u64 = 0x5EED_2026_1206;
const GENERATED: usize = 260;
/// Each rule is expanded over two years from its first day.
const WINDOW_DAYS: i64 = 730;

/// Rules that dateutil refuses; Handoff must refuse them too.
const INVALID: [&str; 14] = [
    "FREQ=DAILY;BYDAY=XX",
    "FREQ=FOO",
    "FREQ=DAILY;INTERVAL=x",
    "FREQ=DAILY;COUNT=x",
    "FREQ=DAILY;BYHOUR=24",
    "FREQ=DAILY;BYMINUTE=60",
    "FREQ=MONTHLY;BYDAY=+MO",
    "FREQ=MONTHLY;BYDAY=1XX",
    "FREQ=DAILY;UNTIL=20XX0101",
    "FREQ=DAILY;WKST=XX",
    "BYDAY=MO",
    "FREQ=DAILY;BYSETPOS=0;BYHOUR=1",
    "FREQ=DAILY;BYSETPOS=400;BYHOUR=1",
    "FREQ=DAILY;FOO=1",
];

/// Rules RFC 5545 forbids that dateutil expands anyway; Handoff refuses them, so they are
/// only checked to be refused.
const STRICTER: [&str; 5] = [
    "FREQ=DAILY;BYMONTH=13",
    "FREQ=DAILY;BYMONTHDAY=0",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=MONTHLY;BYDAY=6MO",
    "FREQ=WEEKLY;BYMONTHDAY=3",
];

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// xorshift64*: small, deterministic, and no crate needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.next() % u64::try_from(hi - lo + 1).unwrap()).unwrap()
    }

    fn chance(&mut self, percent: i64) -> bool {
        self.range(1, 100) <= percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.range(0, items.len() as i64 - 1)).unwrap()]
    }

    /// `n` distinct values from `lo..=hi` without 0, joined with commas.
    fn distinct(&mut self, n: usize, lo: i64, hi: i64) -> String {
        let mut values: Vec<i64> = Vec::new();
        while values.len() < n {
            let v = self.range(lo, hi);
            if v != 0 && !values.contains(&v) {
                values.push(v);
            }
        }
        join(values.iter().map(i64::to_string))
    }

    fn weekday_list(&mut self, n: usize, ordinal: impl Fn(&mut Rng) -> Option<i64>) -> String {
        let mut days: Vec<&str> = Vec::new();
        while days.len() < n {
            let day = self.pick(&WEEKDAYS);
            if !days.contains(&day) {
                days.push(day);
            }
        }
        join(days.into_iter().map(|day| match ordinal(self) {
            Some(n) => format!("{n}{day}"),
            None => day.to_owned(),
        }))
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(",")
}

struct Case {
    rule: String,
    starts_on: Date,
    due_time: String,
    dtstart: DateTime,
    end: DateTime,
    /// A later window start, where expansion restarts at a period of the rule.
    middle: DateTime,
}

fn generate(rng: &mut Rng) -> Case {
    let freq = rng.pick(&["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);
    let mut parts = vec![format!("FREQ={freq}")];
    if rng.chance(50) {
        let most = if freq == "YEARLY" { 3 } else { 4 };
        parts.push(format!("INTERVAL={}", rng.range(1, most)));
    }
    let by_month = rng.chance(30);
    if by_month {
        let n = usize::try_from(rng.range(1, 3)).unwrap();
        parts.push(format!("BYMONTH={}", rng.distinct(n, 1, 12)));
    }
    let month_days = match freq {
        "WEEKLY" => 0,
        "DAILY" => 15,
        _ => 35,
    };
    let by_month_day = rng.chance(month_days);
    if by_month_day {
        // With BYMONTH, days every month has, so that the rule surely occurs.
        let limit = if by_month { 28 } else { 31 };
        let n = usize::try_from(rng.range(1, 3)).unwrap();
        parts.push(format!("BYMONTHDAY={}", rng.distinct(n, -limit, limit)));
    }
    let mut ordinals = None;
    if rng.chance(45) {
        let n = usize::try_from(rng.range(1, 3)).unwrap();
        let span = match freq {
            "MONTHLY" => Some(4),
            "YEARLY" if by_month => Some(4),
            "YEARLY" => Some(52),
            _ => None,
        };
        // All with ordinals or none: dateutil (and the crate) read "2TH,WE" as days that
        // are both, which never occur.
        ordinals = span.filter(|_| rng.chance(50));
        let days = rng.weekday_list(n, |rng| {
            let span = ordinals?;
            let n = rng.range(1, span);
            Some(if rng.chance(50) { -n } else { n })
        });
        parts.push(format!("BYDAY={days}"));
        // Positions within plain weekdays, which every week has once and every month at
        // least four times: a rule that selects nothing would have dateutil look for an
        // occurrence until the year 9999.
        if ordinals.is_none() && !by_month_day && freq != "DAILY" && rng.chance(45) {
            let most = if freq == "WEEKLY" { 1 } else { 3 };
            let n = if most == 1 { 1 } else { 2 };
            parts.push(format!("BYSETPOS={}", rng.distinct(n, -most, most)));
        }
    }
    // Week numbers and days of the year, alone among the day parts (with the others,
    // most rules would never occur).
    let alone = !by_month && !by_month_day && ordinals.is_none();
    if freq == "YEARLY" && alone && rng.chance(20) {
        if rng.chance(50) {
            parts.push(format!("BYWEEKNO={}", rng.distinct(2, -52, 52)));
        } else {
            parts.push(format!("BYYEARDAY={}", rng.distinct(2, -365, 365)));
        }
    }
    if rng.chance(12) {
        let n = usize::try_from(rng.range(1, 2)).unwrap();
        parts.push(format!("BYHOUR={}", rng.distinct(n, 1, 23)));
    }
    if rng.chance(8) {
        parts.push(format!("BYMINUTE={}", rng.range(0, 59)));
    }
    if rng.chance(30) {
        parts.push(format!("WKST={}", rng.pick(&WEEKDAYS)));
    }

    let starts_on = date(2024, 1, 1)
        .checked_add(SignedDuration::from_hours(24 * rng.range(0, 4 * 365)))
        .unwrap();
    let due_time = format!("{:02}:{:02}", rng.range(0, 23), rng.range(0, 59));
    let dtstart = starts_on.to_datetime(due_time.parse().unwrap());
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    match rng.range(0, 3) {
        0 => parts.push(format!("COUNT={}", rng.range(1, 30))),
        1 => {
            let until = dtstart.checked_add(days(rng.range(20, 700))).unwrap();
            if rng.chance(25) {
                parts.push(format!("UNTIL={}", until.strftime("%Y%m%d")));
            } else {
                let until = until
                    .checked_add(SignedDuration::from_mins(rng.range(-720, 720)))
                    .unwrap();
                parts.push(format!("UNTIL={}", until.strftime("%Y%m%dT%H%M%S")));
            }
        }
        _ => {}
    }
    // FREQ first now and then, anywhere otherwise: the order of parts is free.
    if rng.chance(50) {
        let i = usize::try_from(rng.range(0, parts.len() as i64 - 1)).unwrap();
        parts.swap(0, i);
    }
    let middle = dtstart
        .checked_add(days(rng.range(0, WINDOW_DAYS - 30)))
        .unwrap()
        .checked_add(SignedDuration::from_mins(rng.range(0, 24 * 60)))
        .unwrap();
    Case {
        rule: parts.join(";"),
        starts_on,
        due_time,
        dtstart,
        end: dtstart.checked_add(days(WINDOW_DAYS)).unwrap(),
        middle,
    }
}

fn utc() -> Calendar {
    let spec: CalendarSpec = serde_json::from_value(json!({
        "time_zone": "UTC",
        "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
                 "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
                 "fri": [["09:00", "17:00"]]}
    }))
    .unwrap();
    Calendar::new(spec).unwrap()
}

/// Runs the oracle on the cases; for each, `Ok(dates)` or `Err(dateutil's reason)`.
fn oracle(python: &str, cases: &[Value]) -> Vec<Result<Vec<String>, String>> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/rrule_oracle.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python} {}: {e}", script.display()));
    let input = serde_json::to_vec(cases).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the oracle failed: {}",
        output.status
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    results
        .into_iter()
        .map(|r| match (&r["dates"], &r["error"]) {
            (Value::Array(dates), _) => Ok(dates
                .iter()
                .map(|d| d.as_str().unwrap().to_owned())
                .collect()),
            (_, Value::String(reason)) => Err(reason.clone()),
            _ => panic!("unexpected oracle answer {r}"),
        })
        .collect()
}

fn text(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[test]
fn expansion_matches_dateutil() {
    let Some(python) = std::env::var("HANDOFF_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        println!("skipped: HANDOFF_TEST_PYTHON is not set (scripts/test sets it)");
        return;
    };
    let calendar = utc();
    let mut rng = Rng(SEED);
    let mut cases: Vec<Case> = (0..GENERATED).map(|_| generate(&mut rng)).collect();
    let fixed_start = date(2026, 1, 1);
    for rule in INVALID {
        let dtstart = fixed_start.to_datetime("09:00".parse().unwrap());
        cases.push(Case {
            rule: rule.to_owned(),
            starts_on: fixed_start,
            due_time: "09:00".into(),
            dtstart,
            end: dtstart.checked_add(SignedDuration::from_hours(24)).unwrap(),
            middle: dtstart,
        });
    }
    let requests: Vec<Value> = cases
        .iter()
        .map(|c| json!({"rule": c.rule, "dtstart": text(c.dtstart), "until": text(c.end)}))
        .collect();
    let answers = oracle(&python, &requests);

    let (mut compared, mut occurrences, mut both_refused, mut never) = (0, 0, 0, 0);
    let mut mismatches = Vec::new();
    for (case, answer) in cases.iter().zip(answers) {
        let ours = Schedule::new(&case.rule, &case.due_time, case.starts_on, &calendar);
        let label = format!("{} from {}", case.rule, text(case.dtstart));
        match (ours, answer) {
            (Err(_), Err(_)) => both_refused += 1,
            (Ok(s), Err(theirs)) => {
                mismatches.push(format!(
                    "{label}: accepted as {}; dateutil: {theirs}",
                    s.rule()
                ));
            }
            (Err(ours), Ok(theirs)) => {
                // Handoff refuses a rule that never occurs; dateutil just yields nothing.
                let reason = ours.get("rrule").unwrap_or_default();
                if reason.contains("never occurs") && theirs.is_empty() {
                    never += 1;
                } else {
                    mismatches.push(format!("{label}: refused ({ours}); dateutil: {theirs:?}"));
                }
            }
            (Ok(s), Ok(theirs)) => {
                compared += 1;
                occurrences += theirs.len();
                let ours: Vec<String> = s
                    .expand_floating(case.dtstart, case.end)
                    .into_iter()
                    .map(text)
                    .collect();
                if ours != theirs {
                    mismatches.push(format!(
                        "{label}:\n  ours     {ours:?}\n  dateutil {theirs:?}"
                    ));
                    continue;
                }
                let later: Vec<String> = s
                    .expand_floating(case.middle, case.end)
                    .into_iter()
                    .map(text)
                    .collect();
                let expected: Vec<String> = theirs
                    .into_iter()
                    .filter(|d| *d >= text(case.middle))
                    .collect();
                if later != expected {
                    mismatches.push(format!(
                        "{label}, window from {}:\n  ours     {later:?}\n  dateutil {expected:?}",
                        text(case.middle)
                    ));
                }
            }
        }
    }
    for rule in STRICTER {
        if Schedule::new(rule, "09:00", fixed_start, &calendar).is_ok() {
            mismatches.push(format!("{rule}: accepted, but RFC 5545 forbids it"));
        }
    }
    println!(
        "{compared} rules compared ({occurrences} occurrences), {both_refused} refused by both, \
         {never} that never occur refused"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} rules differ from dateutil:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
    assert!(compared >= 200, "only {compared} rules were compared");
    assert_eq!(both_refused, INVALID.len());
}
