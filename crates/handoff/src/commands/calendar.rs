//! `handoff calendar`: business-time arithmetic on a calendar file, for scripts and for
//! checking a calendar before it is uploaded.
//!
//! * `due` prints one RFC 3339 instant in UTC (`2026-03-09T21:00:00Z`; fractional seconds
//!   only when the start had them). Targets more than 3,660 days ahead are an error.
//! * `between` prints business minutes: an integer when whole (`450`, `-450` when END is
//!   before START), otherwise a decimal rounded to 9 places (`90.5`, `0.333333333`).
//!
//! The file is JSON or TOML of the same shape, chosen by the extension `.json`/`.toml`;
//! any other name is read as JSON when it starts with `{`, else as TOML.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use handoff_domain::calendar::{Calendar, CalendarSpec, format_minutes};
use jiff::Timestamp;

#[derive(clap::Subcommand, Debug)]
pub enum CalendarCommand {
    /// Print the instant (RFC 3339, UTC) at which MINUTES business minutes after START
    /// have elapsed.
    Due {
        /// Calendar definition, `.json` or `.toml`.
        #[arg(long)]
        calendar: PathBuf,
        /// RFC 3339 instant with an offset, e.g. 2026-03-09T09:00:00-04:00.
        #[arg(long)]
        start: String,
        #[arg(long)]
        minutes: i64,
    },
    /// Print the business minutes from START to END (negative when END is earlier).
    Between {
        /// Calendar definition, `.json` or `.toml`.
        #[arg(long)]
        calendar: PathBuf,
        /// RFC 3339 instant with an offset.
        #[arg(long)]
        start: String,
        /// RFC 3339 instant with an offset.
        #[arg(long)]
        end: String,
    },
}

pub fn run(cmd: CalendarCommand) -> anyhow::Result<()> {
    println!("{}", execute(cmd)?);
    Ok(())
}

/// The one line `run` prints.
fn execute(cmd: CalendarCommand) -> anyhow::Result<String> {
    match cmd {
        CalendarCommand::Due {
            calendar,
            start,
            minutes,
        } => due_line(&load(&calendar)?, &start, minutes),
        CalendarCommand::Between {
            calendar,
            start,
            end,
        } => between_line(&load(&calendar)?, &start, &end),
    }
}

fn due_line(calendar: &Calendar, start: &str, minutes: i64) -> anyhow::Result<String> {
    let start = parse_instant("--start", start)?;
    // Timestamp's Display is RFC 3339 in UTC with a `Z`.
    Ok(calendar.due_once(start, minutes)?.to_string())
}

fn between_line(calendar: &Calendar, start: &str, end: &str) -> anyhow::Result<String> {
    let (a, b) = (
        parse_instant("--start", start)?,
        parse_instant("--end", end)?,
    );
    Ok(format_minutes(calendar.between_once(a, b)?))
}

fn parse_instant(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    text.trim().parse().map_err(|_| {
        anyhow!("{flag} {text:?} is not an RFC 3339 instant with an offset, such as 2026-03-09T09:00:00-04:00")
    })
}

fn load(path: &Path) -> anyhow::Result<Calendar> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read calendar file {}", path.display()))
        // anyhow's Display shows only the outermost context; keep the OS reason on the line.
        .map_err(|e| anyhow!("{e:#}"))?;
    parse_calendar(path, &text)
}

fn parse_calendar(path: &Path, text: &str) -> anyhow::Result<Calendar> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let as_json = match extension.as_deref() {
        Some("json") => true,
        Some("toml") => false,
        _ => text.trim_start().starts_with('{'),
    };
    let name = path.display();
    let spec: CalendarSpec = if as_json {
        serde_json::from_str(text).map_err(|e| anyhow!("{name}: invalid JSON calendar: {e}"))?
    } else {
        toml::from_str(text)
            .map_err(|e| anyhow!("{name}: invalid TOML calendar: {}", toml_error(text, &e)))?
    };
    Calendar::new(spec).map_err(|e| anyhow!("{name}: {e}"))
}

/// toml's Display draws a multi-line snippet; keep its message and position on one line.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{message} at line {line} column {column}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"time_zone": "America/New_York",
        "week": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
                 "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]},
        "holidays": [{"date": "2026-03-10"}]}"#;

    const TOML: &str = r#"
time_zone = "America/New_York"
holidays = [{ date = "2026-03-10" }]

[week]
mon = [["09:00", "17:00"]]
tue = [["09:00", "17:00"]]
wed = [["09:00", "17:00"]]
thu = [["09:00", "17:00"]]
fri = [["09:00", "17:00"]]
"#;

    fn json() -> Calendar {
        parse_calendar(Path::new("cal.json"), JSON).unwrap()
    }

    #[test]
    fn due_prints_one_utc_line() {
        // Mon 10:00 EDT + 7 h = 17:00 EDT = 21:00Z.
        assert_eq!(
            due_line(&json(), "2026-03-09T10:00:00-04:00", 420).unwrap(),
            "2026-03-09T21:00:00Z"
        );
        // One more minute skips the Tuesday holiday: Wed 09:01 EDT.
        assert_eq!(
            due_line(&json(), "2026-03-09T10:00:00-04:00", 421).unwrap(),
            "2026-03-11T13:01:00Z"
        );
    }

    #[test]
    fn between_prints_minutes() {
        let c = json();
        // All of Monday (09:00-17:00 EDT), the Tuesday holiday, Wednesday 09:00-10:00 EDT.
        assert_eq!(
            between_line(&c, "2026-03-09T13:00:00Z", "2026-03-11T14:00:00Z").unwrap(),
            "540"
        );
        assert_eq!(
            between_line(&c, "2026-03-11T14:00:00Z", "2026-03-09T13:00:00Z").unwrap(),
            "-540"
        );
        assert_eq!(
            between_line(&c, "2026-03-09T13:00:00Z", "2026-03-09T13:30:30Z").unwrap(),
            "30.5"
        );
        // A weekend has no business time, whatever is around it.
        assert_eq!(
            between_line(&c, "2026-03-07T12:00:00Z", "2026-03-08T12:00:00Z").unwrap(),
            "0"
        );
    }

    #[test]
    fn toml_and_guessing_by_content() {
        let from_toml = parse_calendar(Path::new("cal.toml"), TOML).unwrap();
        assert_eq!(from_toml.spec(), json().spec());
        assert_eq!(
            parse_calendar(Path::new("calendar"), TOML).unwrap().spec(),
            json().spec()
        );
        assert_eq!(
            parse_calendar(Path::new("calendar.txt"), JSON)
                .unwrap()
                .spec(),
            json().spec()
        );
    }

    #[test]
    fn errors_are_one_clear_line() {
        let cases: Vec<(anyhow::Result<String>, &str)> = vec![
            (
                parse_calendar(
                    Path::new("bad.toml"),
                    "time_zone = \"UTC\"\n[week]\nmon = [[\"09:00\", 17]]\n",
                )
                .map(|_| String::new()),
                "bad.toml: invalid TOML calendar: ",
            ),
            (
                parse_calendar(Path::new("bad.json"), "{\"time_zone\": \"UTC\",}")
                    .map(|_| String::new()),
                "bad.json: invalid JSON calendar: ",
            ),
            (
                parse_calendar(
                    Path::new("bad.json"),
                    r#"{"time_zone": "UTC", "week": {"mon": [["10:00","09:00"]]}}"#,
                )
                .map(|_| String::new()),
                "bad.json: week.mon[0]: end 09:00 is not after start 10:00",
            ),
            (
                due_line(&json(), "2026-03-09 10:00", 5),
                "--start \"2026-03-09 10:00\" is not an RFC 3339 instant",
            ),
            (
                due_line(&json(), "2026-03-09T10:00:00Z", -5),
                "business time must not be negative",
            ),
            (
                due_line(&json(), "2026-03-09T10:00:00Z", 100_000_000),
                "100000000 minutes of business time from 2026-03-09T10:00:00Z is not reached",
            ),
            (
                load(Path::new("/nonexistent/cal.json")).map(|_| String::new()),
                "cannot read calendar file /nonexistent/cal.json: ",
            ),
        ];
        for (result, expected) in cases {
            let message = format!("{}", result.unwrap_err());
            assert!(
                message.starts_with(expected),
                "{message:?} does not start with {expected:?}"
            );
            assert!(!message.contains('\n'), "{message:?}");
        }
    }

    #[test]
    fn clap_accepts_the_documented_flags() {
        use clap::{Parser, Subcommand};

        #[derive(Parser)]
        struct Cli {
            #[command(subcommand)]
            command: CalendarCommand,
        }
        let _ = CalendarCommand::augment_subcommands;
        let cli = Cli::try_parse_from([
            "handoff",
            "due",
            "--calendar",
            "c.json",
            "--start",
            "2026-03-09T10:00:00Z",
            "--minutes",
            "60",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            CalendarCommand::Due { minutes: 60, .. }
        ));
        let cli = Cli::try_parse_from([
            "handoff",
            "between",
            "--calendar",
            "c.toml",
            "--start",
            "a",
            "--end",
            "b",
        ])
        .unwrap();
        assert!(matches!(cli.command, CalendarCommand::Between { .. }));
    }
}
