//! CSV answers: whether a call asks for CSV (`?format=csv`, or an `Accept` header that
//! prefers `text/csv`), and the file itself, written with the `csv` crate. The request
//! list, the SLA report and the health matrix answer CSV from the API and from their
//! pages with the same rows.
//!
//! People open these files in spreadsheets, which run a cell that starts with `=`, `+`,
//! `-` or `@` as a formula: free text (subjects, names) is written with a leading `'`
//! when it starts with one of those, a tab or a carriage return ([`Row::text`]).
//! Figures Handoff writes itself ([`Row::figure`], [`Row::value`]) are written as they
//! are, so that a negative trend stays a number.

use std::fmt::Display;

use axum::http::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use handoff_domain::FieldErrors;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::extract::QueryMap;

/// The form of an answer: the `format` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// The JSON document (the default).
    Json,
    /// A CSV file (`text/csv`), every matching row.
    Csv,
}

const FORMAT_REASON: &str = "must be json or csv";

impl ExportFormat {
    /// The answer a call asks for: `?format=` when given (an unknown value is a field
    /// error on `format`), else CSV when the `Accept` header prefers `text/csv`, else JSON.
    pub fn of(query: &QueryMap, headers: &HeaderMap, errors: &mut FieldErrors) -> ExportFormat {
        match query.get("format") {
            Some("json") => ExportFormat::Json,
            Some("csv") => ExportFormat::Csv,
            Some(_) => {
                errors.add("format", FORMAT_REASON);
                ExportFormat::Json
            }
            None if prefers_csv(headers) => ExportFormat::Csv,
            None => ExportFormat::Json,
        }
    }

    /// The same decision with nothing else to check.
    pub fn only(query: &QueryMap, headers: &HeaderMap) -> Result<ExportFormat, ApiError> {
        let mut errors = FieldErrors::new();
        let format = ExportFormat::of(query, headers, &mut errors);
        errors.into_result(format).map_err(ApiError::invalid)
    }

    /// For a page: `?format=csv` asks for the file, no `format` (or `html`) for the page.
    pub fn of_page(format: Option<&str>) -> Result<bool, ApiError> {
        match format {
            None | Some("html") => Ok(false),
            Some("csv") => Ok(true),
            Some(_) => Err(ApiError::field("format", "must be csv, or left out")),
        }
    }
}

/// Whether the media range the `Accept` header(s) rank highest is `text/csv`. Among
/// ranges of the same weight the first listed wins; `q=0` ranges are refusals, not
/// preferences.
fn prefers_csv(headers: &HeaderMap) -> bool {
    let mut best: Option<(f32, bool)> = None;
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let range = range.to_ascii_lowercase();
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            if media.is_empty() {
                continue;
            }
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .filter(|q| *q > 0.0 && *q <= 1.0);
            let Some(q) = q else { continue };
            if best.is_none_or(|(top, _)| q > top) {
                best = Some((q, media == "text/csv"));
            }
        }
    }
    best.is_some_and(|(_, csv)| csv)
}

/// Whether a cell that starts with `c` would be read as a formula by a spreadsheet.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// One line of a CSV file, cell by cell.
#[derive(Default)]
pub struct Row(Vec<String>);

impl Row {
    pub fn new() -> Row {
        Row::default()
    }

    /// Free text that people typed (a subject, a name): a leading `'` when it would
    /// otherwise start a formula.
    pub fn text(&mut self, value: &str) -> &mut Row {
        let cell = if value.starts_with(formula_start) {
            format!("'{value}")
        } else {
            value.to_owned()
        };
        self.0.push(cell);
        self
    }

    /// A value Handoff writes itself: an id, a count, a name from a fixed list.
    pub fn value(&mut self, value: impl Display) -> &mut Row {
        self.0.push(value.to_string());
        self
    }

    /// An optional value; empty when absent.
    pub fn maybe(&mut self, value: Option<impl Display>) -> &mut Row {
        self.0
            .push(value.map(|v| v.to_string()).unwrap_or_default());
        self
    }

    /// A figure as the JSON answer writes it (`44.0`, `-3.5`); empty when absent.
    pub fn figure(&mut self, value: Option<f64>) -> &mut Row {
        let cell = value
            .filter(|v| v.is_finite())
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_default();
        self.0.push(cell);
        self
    }

    /// An instant in RFC 3339, UTC, as the JSON answer writes it; empty when absent.
    pub fn time(&mut self, value: Option<Timestamp>) -> &mut Row {
        self.maybe(value)
    }

    /// `true` or `false`.
    pub fn flag(&mut self, value: bool) -> &mut Row {
        self.value(value)
    }
}

/// A CSV file being written: its header line, then one [`Row`] per line.
pub struct Sheet {
    writer: csv::Writer<Vec<u8>>,
    /// Cells a line has: the header's.
    width: usize,
    /// A note for the client, sent as the `X-Handoff-Truncated` header.
    truncated: bool,
}

impl Sheet {
    pub fn new<S: AsRef<str>>(columns: &[S]) -> Result<Sheet, ApiError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer
            .write_record(columns.iter().map(AsRef::as_ref))
            .map_err(fault)?;
        Ok(Sheet {
            writer,
            width: columns.len(),
            truncated: false,
        })
    }

    /// Adds a line; one with more or fewer cells than the header has columns is a fault
    /// in the caller, refused before any of it is written.
    pub fn push(&mut self, row: &Row) -> Result<(), ApiError> {
        if row.0.len() != self.width {
            return Err(fault(format!(
                "a line of {} cells under {} columns",
                row.0.len(),
                self.width
            )));
        }
        self.writer.write_record(&row.0).map_err(fault)
    }

    /// Marks the file as cut short: more rows matched than a file holds.
    pub fn truncate(&mut self) {
        self.truncated = true;
    }

    /// The answer: `text/csv`, to be saved as `filename` (letters, digits, `.`, `-` and
    /// `_` are kept, anything else becomes `_`). Not for caches: it holds what only the
    /// caller may see.
    pub fn into_response(self, filename: &str) -> Result<Response, ApiError> {
        let bytes = self
            .writer
            .into_inner()
            .map_err(|e| fault(e.into_error()))?;
        let safe: String = filename
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
            .map_err(|_| ApiError::Internal)?;
        let mut response = (
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (CONTENT_DISPOSITION, disposition),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            bytes,
        )
            .into_response();
        if self.truncated {
            response
                .headers_mut()
                .insert("x-handoff-truncated", HeaderValue::from_static("true"));
        }
        Ok(response)
    }
}

fn fault(err: impl Display) -> ApiError {
    tracing::error!(error = %err, "CSV could not be written");
    ApiError::Internal
}

/// The address of a page's own CSV: `path` with the page's current filters (`pairs`,
/// the empty ones left out) and `format=csv`.
pub fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut kept: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    kept.push(("format", "csv"));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_preferred_accepted_type_decides() {
        assert!(prefers_csv(&accept("text/csv")));
        assert!(prefers_csv(&accept("Text/CSV; charset=utf-8")));
        assert!(prefers_csv(&accept("application/json;q=0.5, text/csv")));
        assert!(prefers_csv(&accept("*/*;q=0.1,text/csv;q=0.9")));
        assert!(!prefers_csv(&accept("application/json, text/csv")));
        assert!(!prefers_csv(&accept(
            "text/csv;q=0, application/json;q=0.1"
        )));
        assert!(!prefers_csv(&accept("*/*")));
        assert!(!prefers_csv(&accept("text/csv;q=nonsense")));
        assert!(!prefers_csv(&HeaderMap::new()));
    }

    #[test]
    fn free_text_cannot_start_a_formula_but_figures_stay_numbers() {
        let mut row = Row::new();
        row.text("=HYPERLINK(\"http://x\")")
            .text("+1")
            .text("-2")
            .text("@SUM(A1)")
            .text("\tTab")
            .text("\rCR")
            .text("Plain = fine")
            .figure(Some(-3.5))
            .figure(Some(44.0))
            .figure(None)
            .value(-7);
        assert_eq!(
            row.0,
            [
                "'=HYPERLINK(\"http://x\")",
                "'+1",
                "'-2",
                "'@SUM(A1)",
                "'\tTab",
                "'\rCR",
                "Plain = fine",
                "-3.5",
                "44.0",
                "",
                "-7"
            ]
        );
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused_not_written() {
        let mut sheet = Sheet::new(&["a", "b"]).unwrap();
        let mut row = Row::new();
        row.value(1);
        assert!(sheet.push(&row).is_err());
        row.value(2);
        assert!(sheet.push(&row).is_ok());
        let bytes = sheet.writer.into_inner().unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "a,b\r\n1,2\r\n");
    }

    #[test]
    fn page_links_keep_their_filters() {
        assert_eq!(
            href(
                "/requests",
                &[("view", "queue"), ("q", ""), ("status", "a b")]
            ),
            "/requests?view=queue&status=a+b&format=csv"
        );
    }
}
