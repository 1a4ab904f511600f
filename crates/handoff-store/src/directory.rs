//! Looking things up by name, for the search box: services (name and description), people
//! (name, or the start of their e-mail address) and departments (name, or the start of
//! their handle). Each word typed must start a word of the text, ignoring case: "ann
//! smi" finds Ann Smith and "smith" does too, "mith" does not. E-mail addresses and
//! handles match from their start only (every address would otherwise match
//! "example").
//!
//! The text is cut into words at spaces and [`SEPARATORS`], the same way in SQL and here.
//! SQLite's `LOWER` folds ASCII letters only, so the patterns match the letters outside
//! ASCII with `_` (any one character) and the rows found are checked again here with
//! Rust's full Unicode lowercasing: "élise" finds Élise on both engines.
//!
//! These tables hold hundreds to a few thousand rows. A match at any word's start cannot
//! use a B-tree index (nor can `LOWER(name) LIKE`, on either engine, without an index of
//! its own), so each search reads the table once, as `people::list`'s `q` does.

use sqlx::AssertSqlSafe;

use crate::sql::{Sql, bind_all};
use crate::{Db, Result, on_read};

/// Characters that separate words besides spaces: in "Mary-Jane", "VPN/remote access",
/// "Laptops (loan)" and across the lines of a description.
const SEPARATORS: [char; 6] = ['\n', '\r', '\t', '-', '/', '('];

/// At most this many words of a query are used.
pub const MAX_WORDS: usize = 8;

/// When a query has letters outside ASCII, rows found per row wanted: some of those
/// matched by `_` are dropped by the check here.
const CANDIDATES_PER_HIT: i64 = 4;

/// A query as words to find, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words(Vec<String>);

impl Words {
    pub fn parse(query: &str) -> Words {
        Words(
            normalise(query)
                .split(' ')
                .filter(|w| !w.is_empty())
                .take(MAX_WORDS)
                .map(str::to_owned)
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Rows to ask the database for, to keep `limit` of them after [`Words::found_in`].
    fn candidates(&self, limit: i64) -> i64 {
        if self.0.iter().all(|w| w.is_ascii()) {
            limit
        } else {
            limit.saturating_mul(CANDIDATES_PER_HIT)
        }
    }

    /// Whether every word starts a word of `text` or starts `prefixed`, the check that
    /// the SQL of [`push_match`] approximates.
    fn found_in(&self, text: &str, prefixed: Option<&str>) -> bool {
        let words = format!(" {}", normalise(text));
        let prefixed = prefixed.map(str::to_lowercase);
        self.0.iter().all(|w| {
            words.contains(&format!(" {w}"))
                || prefixed.as_deref().is_some_and(|p| p.starts_with(w))
        })
    }
}

/// Lowercased, with every separator a space.
fn normalise(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if SEPARATORS.contains(&c) { ' ' } else { c })
        .collect()
}

/// A word as a LIKE pattern's text: `%`, `_` and `\` stand for themselves (escaped with
/// `\`), a letter outside ASCII for any one character.
fn like_text(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if !c.is_ascii() => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

/// `column` lowercased with its separators as spaces, after a space, as SQL: the text
/// [`Words::found_in`] looks at.
fn push_words(sql: &mut Sql, column: &str) {
    sql.push("' ' || ");
    for _ in SEPARATORS {
        sql.push("REPLACE(");
    }
    sql.push(&format!("LOWER({column})"));
    for separator in SEPARATORS {
        sql.push(", ").text(separator.to_string()).push(", ' ')");
    }
}

/// The condition that every word starts a word of `words` (a column of text made by
/// [`push_words`]) or starts `prefixed` (a lowercase column).
fn push_match(sql: &mut Sql, query: &Words, words: &str, prefixed: Option<&str>) {
    for (i, w) in query.0.iter().enumerate() {
        if i > 0 {
            sql.push(" AND ");
        }
        let text = like_text(w);
        sql.push(&format!("({words} LIKE "))
            .text(format!("% {text}%"))
            .push(" ESCAPE '\\'");
        if let Some(column) = prefixed {
            sql.push(&format!(" OR {column} LIKE "))
                .text(format!("{text}%"))
                .push(" ESCAPE '\\'");
        }
        sql.push(")");
    }
}

/// A service whose name or description has the words.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceMatch {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub description: String,
    /// Whether someone of the department searched for may file requests to it.
    pub requestable: bool,
}

/// Active services whose name or description has the words, by name: those open to
/// `department` (to everyone, its own, or with it in their audience) or, unless
/// `only_open`, all of them. At most `limit`.
pub async fn services(
    db: &Db,
    query: &Words,
    department: i64,
    only_open: bool,
    limit: i64,
) -> Result<Vec<ServiceMatch>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, department_id, name, description, requestable FROM (SELECT id, department_id, \
         name, description, (open_to_everyone OR department_id = ",
    );
    sql.int(department);
    sql.push(
        " OR EXISTS (SELECT 1 FROM service_audience a WHERE a.service_id = s.id \
         AND a.department_id = ",
    )
    .int(department)
    .push(")) AS requestable, ");
    push_words(&mut sql, "name || ' ' || description");
    sql.push(" AS words FROM services s WHERE active) m WHERE ");
    if only_open {
        sql.push("requestable AND ");
    }
    push_match(&mut sql, query, "words", None);
    sql.push(" ORDER BY LOWER(name), id LIMIT ")
        .int(query.candidates(limit));
    found(db, sql, limit, |s: &ServiceMatch| {
        query.found_in(&format!("{} {}", s.name, s.description), None)
    })
    .await
}

/// A person whose name or e-mail address has the words.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonMatch {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department_id: i64,
    pub active: bool,
}

/// People whose name has the words (or whose e-mail address starts with one of them), the
/// active first, by name. At most `limit`.
pub async fn people(db: &Db, query: &Words, limit: i64) -> Result<Vec<PersonMatch>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, name, email, department_id, active FROM (SELECT id, name, email, department_id, active, ",
    );
    push_words(&mut sql, "name");
    sql.push(" AS words FROM people) m WHERE ");
    push_match(&mut sql, query, "words", Some("email"));
    sql.push(" ORDER BY active DESC, LOWER(name), id LIMIT ")
        .int(query.candidates(limit));
    found(db, sql, limit, |p: &PersonMatch| {
        query.found_in(&p.name, Some(&p.email))
    })
    .await
}

/// A department whose name or handle has the words.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DepartmentMatch {
    pub id: i64,
    pub name: String,
    pub handle: String,
}

/// Departments whose name has the words (or whose handle starts with one of them), by
/// name. At most `limit`.
pub async fn departments(db: &Db, query: &Words, limit: i64) -> Result<Vec<DepartmentMatch>> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, name, handle FROM (SELECT id, name, handle, ");
    push_words(&mut sql, "name");
    sql.push(" AS words FROM departments) m WHERE ");
    push_match(&mut sql, query, "words", Some("handle"));
    sql.push(" ORDER BY LOWER(name), id LIMIT ")
        .int(query.candidates(limit));
    found(db, sql, limit, |d: &DepartmentMatch| {
        query.found_in(&d.name, Some(&d.handle))
    })
    .await
}

/// The candidates `sql` reads, those `keep` confirms (the SQL matches words loosely, by
/// their start in a lowered text), at most `limit`.
async fn found<T>(db: &Db, sql: Sql, limit: i64, keep: impl Fn(&T) -> bool) -> Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let rows: Vec<T> = on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?);
    Ok(rows
        .into_iter()
        .filter(|row| keep(row))
        .take(limit.max(0) as usize)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_lowercase_words_cut_at_spaces_and_separators() {
        assert_eq!(
            Words::parse("  Mary-Jane\tO'Brien (VPN/remote) 50%_off "),
            Words(
                ["mary", "jane", "o'brien", "vpn", "remote)", "50%_off"]
                    .map(str::to_owned)
                    .to_vec()
            )
        );
        assert!(Words::parse(" - / ").is_empty());
        assert_eq!(Words::parse("a b c d e f g h i j").0.len(), MAX_WORDS);
    }

    #[test]
    fn words_match_at_the_start_of_a_word_and_prefixed_columns_at_their_start() {
        let q = Words::parse("smi ANN");
        assert!(q.found_in("Ann Smith", None));
        assert!(!q.found_in("Joe Bloggs", Some("smith.ann@example.org")));
        assert!(!Words::parse("mith").found_in("Ann Smith", None));
        assert!(Words::parse("jane").found_in("Mary-Jane Doe", None));
        assert!(Words::parse("ann.s").found_in("Someone", Some("ann.smith@example.org")));
        assert!(!Words::parse("example").found_in("Ann", Some("ann@example.org")));
        assert!(Words::parse("élise").found_in("ÉLISE Martin", None));
        assert!(Words::parse("50%").found_in("Save 50% now", None));
        assert!(!Words::parse("50%").found_in("Save 500 now", None));
    }

    #[test]
    fn patterns_escape_wildcards_and_leave_letters_outside_ascii_to_the_check() {
        assert_eq!(like_text(r"50%_a\b"), r"50\%\_a\\b");
        assert_eq!(like_text("élise"), "_lise");
        assert_eq!(Words::parse("ann").candidates(10), 10);
        assert_eq!(Words::parse("zoë").candidates(10), 40);
    }
}
