//! Validation of malformed calendar definitions: each error names the field and the reason
//! on one line.

use handoff_domain::calendar::{Calendar, CalendarError, CalendarSpec};

fn error_of(json: &str) -> String {
    let spec: CalendarSpec = serde_json::from_str(json).expect("shape parses");
    let error = Calendar::new(spec).expect_err("definition is invalid");
    assert!(matches!(error, CalendarError::Invalid(_)));
    let text = error.to_string();
    assert!(!text.contains('\n'), "{text:?}");
    text
}

fn field_error(json: &str, field: &str) -> String {
    let spec: CalendarSpec = serde_json::from_str(json).expect("shape parses");
    match Calendar::new(spec) {
        Err(CalendarError::Invalid(errors)) => errors
            .get(field)
            .unwrap_or_else(|| panic!("no error for {field}: {errors}"))
            .to_owned(),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn end_before_start_names_the_interval() {
    assert_eq!(
        error_of(
            r#"{"time_zone": "UTC", "week": {"mon": [["09:00","12:30"], ["13:30","12:00"]]}}"#
        ),
        "week.mon[1]: end 12:00 is not after start 13:30"
    );
}

#[test]
fn overlapping_intervals_are_named() {
    assert_eq!(
        error_of(
            r#"{"time_zone": "UTC", "week": {"tue": [["13:00","17:00"], ["09:00","13:30"]]}}"#
        ),
        "week.tue[0]: 13:00-17:00 overlaps week.tue[1] 09:00-13:30"
    );
    // Touching intervals are fine and merge.
    let spec: CalendarSpec = serde_json::from_str(
        r#"{"time_zone": "UTC", "week": {"tue": [["13:00","17:00"], ["09:00","13:00"]]}}"#,
    )
    .unwrap();
    assert!(Calendar::new(spec).is_ok());
}

#[test]
fn bad_times() {
    assert_eq!(
        field_error(
            r#"{"time_zone": "UTC", "week": {"wed": [["9:00","17:00"]]}}"#,
            "week.wed[0]"
        ),
        "start \"9:00\" is not a time of the form HH:MM between 00:00 and 24:00"
    );
    assert_eq!(
        field_error(
            r#"{"time_zone": "UTC", "week": {"wed": [["09:00","24:30"]]}}"#,
            "week.wed[0]"
        ),
        "end \"24:30\" is not a time of the form HH:MM between 00:00 and 24:00"
    );
    assert_eq!(
        field_error(
            r#"{"time_zone": "UTC", "week": {"wed": [["24:00","24:00"]]}}"#,
            "week.wed[0]"
        ),
        "start 24:00 is only allowed as an end"
    );
}

#[test]
fn bad_time_zone() {
    assert_eq!(
        error_of(r#"{"time_zone": "Europe/Lundon", "week": {"mon": [["09:00","17:00"]]}}"#),
        "time_zone: unknown time zone \"Europe/Lundon\" (expected an IANA name such as Europe/London)"
    );
    assert_eq!(
        error_of(r#"{"time_zone": " ", "week": {"mon": [["09:00","17:00"]]}}"#),
        "time_zone: must not be empty"
    );
}

#[test]
fn bad_holidays() {
    let json = r#"{"time_zone": "UTC", "week": {"mon": [["09:00","17:00"]]}, "holidays": [
        {"date": "2026-02-30"},
        {"date": "2026-12-24", "from": "17:00", "to": "12:00"},
        {"date": "2026-12-31", "from": "noon"},
        {"date": "25/12/2026"}]}"#;
    assert_eq!(
        field_error(json, "holidays[0].date"),
        "\"2026-02-30\" is not a valid date of the form YYYY-MM-DD"
    );
    assert_eq!(
        field_error(json, "holidays[1]"),
        "to 12:00 is not after from 17:00"
    );
    assert_eq!(
        field_error(json, "holidays[2].from"),
        "from \"noon\" is not a time of the form HH:MM between 00:00 and 24:00"
    );
    assert_eq!(
        field_error(json, "holidays[3].date"),
        "\"25/12/2026\" is not a valid date of the form YYYY-MM-DD"
    );
}

#[test]
fn all_errors_are_reported_on_one_line() {
    let text = error_of(
        r#"{"time_zone": "Nowhere/Land", "week": {"mon": [["10:00","09:00"]]}, "holidays": [{"date": "x"}]}"#,
    );
    assert_eq!(
        text,
        "holidays[0].date: \"x\" is not a valid date of the form YYYY-MM-DD; \
         time_zone: unknown time zone \"Nowhere/Land\" (expected an IANA name such as Europe/London); \
         week.mon[0]: end 09:00 is not after start 10:00"
    );
}

#[test]
fn shape_errors_come_from_serde() {
    let unknown_day =
        serde_json::from_str::<CalendarSpec>(r#"{"time_zone": "UTC", "week": {"mom": []}}"#);
    let message = unknown_day.unwrap_err().to_string();
    assert!(message.contains("unknown field `mom`"), "{message}");
    let unknown_top = serde_json::from_str::<CalendarSpec>(r#"{"time_zone": "UTC", "weeks": {}}"#);
    assert!(
        unknown_top
            .unwrap_err()
            .to_string()
            .contains("unknown field `weeks`")
    );
    let three = serde_json::from_str::<CalendarSpec>(
        r#"{"time_zone": "UTC", "week": {"mon": [["09:00","10:00","11:00"]]}}"#,
    );
    assert!(three.is_err());
    let missing_zone = serde_json::from_str::<CalendarSpec>(r#"{"week": {}}"#);
    assert!(
        missing_zone
            .unwrap_err()
            .to_string()
            .contains("missing field `time_zone`")
    );
}

#[test]
fn json_and_toml_share_one_shape() {
    let toml_text = r#"
time_zone = "Europe/London"
holidays = [{ date = "2026-12-25" }, { date = "2026-12-24", from = "12:00", to = "17:30" }]

[week]
mon = [["09:00", "12:30"], ["13:30", "17:30"]]
fri = [["09:00", "12:30"]]
"#;
    let json_text = r#"{"time_zone": "Europe/London",
        "week": {"mon": [["09:00","12:30"],["13:30","17:30"]], "fri": [["09:00","12:30"]]},
        "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-24", "from": "12:00", "to": "17:30"}]}"#;
    let from_toml: CalendarSpec = toml::from_str(toml_text).unwrap();
    let from_json: CalendarSpec = serde_json::from_str(json_text).unwrap();
    assert_eq!(from_toml, from_json);
    Calendar::new(from_toml.clone()).unwrap();
    // Serializing gives the same shape back.
    let again: CalendarSpec =
        serde_json::from_str(&serde_json::to_string(&from_toml).unwrap()).unwrap();
    assert_eq!(again, from_toml);
}
