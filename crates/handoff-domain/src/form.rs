//! Request forms: the typed fields a service asks for, and the checking of the values
//! a requester fills in.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::validation::FieldErrors;

/// The kinds of value a form field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FieldType {
    /// One line of text, at most [`TEXT_MAX`] characters.
    Text,
    /// Free text, at most [`LONG_TEXT_MAX`] characters.
    LongText,
    /// A JSON number.
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// One of the field's options.
    Choice,
    /// A list of distinct options.
    MultiChoice,
    /// The id of an active person.
    Person,
}

pub const TEXT_MAX: usize = 500;
pub const LONG_TEXT_MAX: usize = 20_000;
pub const FIELDS_MAX: usize = 50;
pub const OPTIONS_MAX: usize = 100;

/// One field of a service's request form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub help: String,
}

impl FieldType {
    fn has_options(self) -> bool {
        matches!(self, FieldType::Choice | FieldType::MultiChoice)
    }
}

/// Checks a form definition: keys are identifiers and unique, labels are present,
/// choice fields have distinct options and other fields have none. Errors are named
/// `{prefix}[i].attribute`.
pub fn check_definition(prefix: &str, fields: &[FieldDef]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if fields.len() > FIELDS_MAX {
        errors.add(prefix, format!("at most {FIELDS_MAX} fields"));
    }
    let mut keys = BTreeSet::new();
    for (i, field) in fields.iter().enumerate() {
        let at = |attr: &str| format!("{prefix}[{i}].{attr}");
        let key_ok = (1..=64).contains(&field.key.len())
            && field.key.starts_with(|c: char| c.is_ascii_lowercase())
            && field
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.add(
                at("key"),
                "must be 1 to 64 lowercase letters, digits or underscores, starting with a letter",
            );
        } else if !keys.insert(field.key.as_str()) {
            errors.add(
                at("key"),
                format!("`{}` is used by another field", field.key),
            );
        }
        let label = field.label.trim();
        if label.is_empty() || label.chars().count() > 200 {
            errors.add(at("label"), "must be 1 to 200 characters");
        }
        if field.help.chars().count() > 1000 {
            errors.add(at("help"), "must be at most 1000 characters");
        }
        if field.kind.has_options() {
            let mut seen = BTreeSet::new();
            if field.options.is_empty() {
                errors.add(at("options"), "a choice field needs at least one option");
            } else if field.options.len() > OPTIONS_MAX {
                errors.add(at("options"), format!("at most {OPTIONS_MAX} options"));
            } else if field
                .options
                .iter()
                .any(|o| o.trim().is_empty() || o.chars().count() > 200)
            {
                errors.add(at("options"), "options must be 1 to 200 characters");
            } else if !field.options.iter().all(|o| seen.insert(o.as_str())) {
                errors.add(at("options"), "options must be distinct");
            }
        } else if !field.options.is_empty() {
            errors.add(
                at("options"),
                "only choice and multi_choice fields take options",
            );
        }
    }
    errors.into_result(())
}

/// Values that passed [`check_values`]; person fields still need their ids confirmed
/// against the directory, which is I/O and so the caller's job.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedValues {
    pub values: Map<String, Value>,
    /// `(field path, person id)` for every person field filled in.
    pub people: Vec<(String, i64)>,
}

/// Checks a requester's values against the form: unknown keys, missing required
/// values and values of the wrong type are refused, each named `{prefix}.{key}`.
/// Empty optional values (`null`, `""`, `[]`) are dropped.
pub fn check_values(
    prefix: &str,
    form: &[FieldDef],
    values: &Map<String, Value>,
) -> Result<CheckedValues, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut out = Map::new();
    let mut people = Vec::new();
    for key in values.keys() {
        if !form.iter().any(|f| &f.key == key) {
            errors.add(
                format!("{prefix}.{key}"),
                "is not a field of this service's form",
            );
        }
    }
    for field in form {
        let path = format!("{prefix}.{}", field.key);
        let value = values.get(&field.key).filter(|v| !is_empty(v));
        let Some(value) = value else {
            if field.required {
                errors.add(path, "is required");
            }
            continue;
        };
        match check_value(field, value) {
            Ok(clean) => {
                if field.kind == FieldType::Person
                    && let Some(id) = clean.as_i64()
                {
                    people.push((path, id));
                }
                out.insert(field.key.clone(), clean);
            }
            Err(reason) => errors.add(path, reason),
        }
    }
    errors.into_result(CheckedValues {
        values: out,
        people,
    })
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn check_value(field: &FieldDef, value: &Value) -> Result<Value, String> {
    match field.kind {
        FieldType::Text | FieldType::LongText => {
            let max = if field.kind == FieldType::Text {
                TEXT_MAX
            } else {
                LONG_TEXT_MAX
            };
            let s = value.as_str().ok_or("must be a string")?;
            if crate::validation::has_control(s) {
                return Err("must not contain control characters".into());
            }
            if field.kind == FieldType::Text && s.contains('\n') {
                return Err("must be a single line".into());
            }
            if s.chars().count() > max {
                return Err(format!("must be at most {max} characters"));
            }
            Ok(Value::String(s.trim().to_owned()))
        }
        FieldType::Number => match value {
            Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Ok(value.clone()),
            _ => Err("must be a number".into()),
        },
        FieldType::Date => {
            let s = value.as_str().ok_or("must be a date as YYYY-MM-DD")?;
            let date: jiff::civil::Date = s
                .parse()
                .map_err(|_| "must be a date as YYYY-MM-DD".to_owned())?;
            if s.len() != 10 {
                return Err("must be a date as YYYY-MM-DD".into());
            }
            Ok(Value::String(date.to_string()))
        }
        FieldType::Choice => {
            let s = value
                .as_str()
                .ok_or("must be one of the options, as a string")?;
            if field.options.iter().any(|o| o == s) {
                Ok(Value::String(s.to_owned()))
            } else {
                Err(format!("must be one of: {}", field.options.join(", ")))
            }
        }
        FieldType::MultiChoice => {
            let items = value.as_array().ok_or("must be a list of options")?;
            let mut seen = BTreeSet::new();
            for item in items {
                let s = item
                    .as_str()
                    .ok_or("must be a list of options, as strings")?;
                if !field.options.iter().any(|o| o == s) {
                    return Err(format!(
                        "`{s}` is not an option; options are: {}",
                        field.options.join(", ")
                    ));
                }
                if !seen.insert(s) {
                    return Err(format!("`{s}` is chosen twice"));
                }
            }
            Ok(value.clone())
        }
        FieldType::Person => match value.as_i64() {
            Some(id) if id > 0 => Ok(Value::from(id)),
            _ => Err("must be the id of a person".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form() -> Vec<FieldDef> {
        serde_json::from_value(json!([
            {"key": "title", "label": "Title", "type": "text", "required": true},
            {"key": "brief", "label": "Brief", "type": "long_text"},
            {"key": "budget", "label": "Budget", "type": "number"},
            {"key": "due", "label": "Due", "type": "date"},
            {"key": "size", "label": "Size", "type": "choice", "options": ["S", "M", "L"]},
            {"key": "channels", "label": "Channels", "type": "multi_choice", "options": ["web", "print"]},
            {"key": "approver", "label": "Approver", "type": "person"}
        ]))
        .unwrap()
    }

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_good_form_passes_and_collects_people() {
        check_definition("fields", &form()).unwrap();
        let checked = check_values(
            "fields",
            &form(),
            &values(
                json!({"title": " Poster ", "budget": 12.5, "due": "2026-12-01",
                "size": "M", "channels": ["web"], "approver": 7, "brief": ""}),
            ),
        )
        .unwrap();
        assert_eq!(checked.values["title"], "Poster");
        assert!(!checked.values.contains_key("brief"));
        assert_eq!(checked.people, vec![("fields.approver".to_owned(), 7)]);
    }

    #[test]
    fn each_bad_value_is_named() {
        let err = check_values(
            "fields",
            &form(),
            &values(json!({"budget": "ten", "due": "2026-02-30", "size": "XL",
                "channels": ["web", "web"], "approver": "bob", "colour": "red"})),
        )
        .unwrap_err();
        assert_eq!(err.get("fields.title"), Some("is required"));
        assert_eq!(err.get("fields.budget"), Some("must be a number"));
        assert_eq!(err.get("fields.due"), Some("must be a date as YYYY-MM-DD"));
        assert_eq!(err.get("fields.size"), Some("must be one of: S, M, L"));
        assert_eq!(err.get("fields.channels"), Some("`web` is chosen twice"));
        assert_eq!(
            err.get("fields.approver"),
            Some("must be the id of a person")
        );
        assert_eq!(
            err.get("fields.colour"),
            Some("is not a field of this service's form")
        );
    }

    #[test]
    fn bad_definitions_are_named() {
        let defs: Vec<FieldDef> = serde_json::from_value(json!([
            {"key": "Size", "label": "", "type": "choice"},
            {"key": "a", "label": "A", "type": "text", "options": ["x"]},
            {"key": "a", "label": "A again", "type": "multi_choice", "options": ["x", "x"]}
        ]))
        .unwrap();
        let err = check_definition("fields", &defs).unwrap_err();
        assert!(err.get("fields[0].key").is_some());
        assert!(err.get("fields[0].label").is_some());
        assert!(err.get("fields[0].options").is_some());
        assert!(err.get("fields[1].options").is_some());
        assert!(err.get("fields[2].key").is_some());
        assert!(err.get("fields[2].options").is_some());
    }
}
