//! The full-text index over requests, the one place where the engines differ most:
//! SQLite's FTS5 table keyed by rowid, PostgreSQL's `tsvector` columns with GIN indexes.
//! Both index the same text and match the same way: the words of [`handoff_domain::search`],
//! each as a prefix, all required.

use crate::Engine;
pub use handoff_domain::search::index_text;

/// The indexed text of the public column: subject, description, public replies.
pub fn public_text(subject: &str, description: &str, replies: &[String]) -> String {
    let mut text = index_text(subject);
    for part in std::iter::once(description).chain(replies.iter().map(String::as_str)) {
        text.push(' ');
        text.push_str(&index_text(part));
    }
    text
}

/// Binds: request id, public text.
pub(crate) fn insert_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => {
            "INSERT INTO request_search (rowid, public, internal) VALUES ($1, $2, '')"
        }
        Engine::Postgres => {
            "INSERT INTO request_search (request_id, public, internal) \
             VALUES ($1, to_tsvector('simple', $2), ''::tsvector)"
        }
    }
}

/// Binds: request id, public text. Replaces the public column.
pub(crate) fn replace_public_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "UPDATE request_search SET public = $2 WHERE rowid = $1",
        Engine::Postgres => {
            "UPDATE request_search SET public = to_tsvector('simple', $2) WHERE request_id = $1"
        }
    }
}

/// Binds: request id, text (from [`index_text`]). Adds a comment's text to the public or
/// the internal column. PostgreSQL refuses a `tsvector` over 1 MB, so past 20,000
/// distinct words a request's further comments are no longer indexed there.
pub(crate) fn append_sql(engine: Engine, internal: bool) -> &'static str {
    match (engine, internal) {
        (Engine::Sqlite, false) => {
            "UPDATE request_search SET public = public || char(10) || $2 WHERE rowid = $1"
        }
        (Engine::Sqlite, true) => {
            "UPDATE request_search SET internal = internal || char(10) || $2 WHERE rowid = $1"
        }
        (Engine::Postgres, false) => {
            "UPDATE request_search SET public = public || to_tsvector('simple', $2) \
             WHERE request_id = $1 AND length(public) < 20000"
        }
        (Engine::Postgres, true) => {
            "UPDATE request_search SET internal = internal || to_tsvector('simple', $2) \
             WHERE request_id = $1 AND length(internal) < 20000"
        }
    }
}

/// The engine's match expression for `terms` (words of letters and digits only, as
/// [`handoff_domain::search::terms`] makes them), restricted to the public column or not.
pub(crate) fn match_expression(engine: Engine, terms: &[String], public_only: bool) -> String {
    match engine {
        Engine::Sqlite => {
            let words: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
            let columns = if public_only {
                "{public}"
            } else {
                "{public internal}"
            };
            format!("{columns} : ({})", words.join(" AND "))
        }
        Engine::Postgres => {
            let words: Vec<String> = terms.iter().map(|t| format!("'{t}'")).collect();
            words.join(" & ")
        }
    }
}
