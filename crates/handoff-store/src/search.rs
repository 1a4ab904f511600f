//! The full-text index over requests, the one place where the engines differ most:
//! SQLite's FTS5 table, PostgreSQL's `tsvector` column with a GIN index. Both index the
//! same text and match the same way: the words of [`handoff_domain::search`], whole, all
//! required somewhere in the request.
//!
//! A request's text is indexed in pieces, one row each: its subject and description
//! (piece 0), then its comments, public replies and internal notes apart, gathered in
//! chunks of bounded size in the order written. A comment extends the newest chunk of
//! its kind, or starts the next one when that is full, and never rewrites the others:
//! it costs the same whether it is the first or the five-hundredth (one row per request
//! made each comment rewrite all its words). Chunks rather than a row per comment keep
//! the rows a search walks few, however many comments a request collects.
//!
//! Each row's key packs `(request_id << 21) | (piece << 1) | internal`: the rows of one
//! request form one range of keys, requests in id order, and a row of internal notes
//! says so in its lowest bit.

use crate::Engine;
use crate::sql::Sql;
pub use handoff_domain::search::index_text;

/// Bits of a key below the request id.
const REQUEST_SHIFT: u32 = 21;

/// A request's pieces past this many are not indexed (more than a million comments).
pub const MAX_PIECE: i64 = (1 << (REQUEST_SHIFT - 1)) - 1;

/// The key of a request's own piece: its subject and description.
pub fn request_key(request_id: i64) -> i64 {
    request_id << REQUEST_SHIFT
}

/// The key of piece `piece` (1 and up: comments) of a request.
pub fn piece_key(request_id: i64, piece: i64, internal: bool) -> i64 {
    request_key(request_id) | (piece << 1) | i64::from(internal)
}

/// The first key past the request's range.
fn key_end(request_id: i64) -> i64 {
    request_key(request_id + 1)
}

/// The indexed text of a request's own piece.
pub fn request_text(subject: &str, description: &str) -> String {
    let mut text = index_text(subject);
    text.push(' ');
    text.push_str(&index_text(description));
    text
}

/// Binds: key, text (from [`request_text`] or [`index_text`]). Adds a piece.
/// The start of a multi-row insert of pieces; each row binds its key, then its text
/// through [`push_text`].
pub(crate) fn insert_rows_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "INSERT INTO request_search (rowid, body) ",
        Engine::Postgres => "INSERT INTO request_search (key, body) ",
    }
}

/// Binds a piece's text to a row of [`insert_rows_sql`]: as it is for SQLite's FTS5, as
/// a `tsvector` for PostgreSQL.
pub(crate) fn push_text<'t, DB: sqlx::Database, T>(
    b: &mut sqlx::query_builder::Separated<'_, DB, &'static str>,
    engine: Engine,
    text: T,
) where
    T: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    match engine {
        Engine::Sqlite => {
            b.push_bind(text);
        }
        Engine::Postgres => {
            b.push("to_tsvector('simple', ")
                .push_bind_unseparated(text)
                .push_unseparated(")");
        }
    }
}

pub(crate) fn insert_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "INSERT INTO request_search (rowid, body) VALUES ($1, $2)",
        Engine::Postgres => {
            "INSERT INTO request_search (key, body) VALUES ($1, to_tsvector('simple', $2))"
        }
    }
}

/// Binds: key, text. Replaces a piece (a request's own, after an edit).
pub(crate) fn replace_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "UPDATE request_search SET body = $2 WHERE rowid = $1",
        Engine::Postgres => {
            "UPDATE request_search SET body = to_tsvector('simple', $2) WHERE key = $1"
        }
    }
}

/// A chunk of comments is full at this size: characters of text on SQLite, distinct
/// words on PostgreSQL (what `length(body)` measures on each). A comment's cost grows
/// with it (extending a chunk re-indexes the chunk); a search's with its inverse.
fn chunk_limit(engine: Engine) -> i64 {
    match engine {
        Engine::Sqlite => 2_000,
        Engine::Postgres => 250,
    }
}

/// Binds: request id, internal (0 or 1). Returns the request's last key, and the key
/// and size of its newest chunk of that kind, if any (piece 0, the request's own text,
/// is no chunk).
pub(crate) fn tail_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => {
            "SELECT (SELECT rowid FROM request_search WHERE rowid >= ($1 << 21) \
             AND rowid < (($1 + 1) << 21) ORDER BY rowid DESC LIMIT 1), t.rowid, length(t.body) \
             FROM (SELECT 1) one LEFT JOIN (SELECT rowid, body FROM request_search \
             WHERE rowid > ($1 << 21) AND rowid < (($1 + 1) << 21) AND rowid & 1 = $2 \
             ORDER BY rowid DESC LIMIT 1) t"
        }
        Engine::Postgres => {
            "SELECT (SELECT max(key) FROM request_search WHERE key >= ($1::BIGINT << 21) \
             AND key < (($1::BIGINT + 1) << 21)), t.key, length(t.body)::BIGINT \
             FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT key, body FROM request_search \
             WHERE key > ($1::BIGINT << 21) AND key < (($1::BIGINT + 1) << 21) \
             AND key & 1 = $2 ORDER BY key DESC LIMIT 1) t ON true"
        }
    }
}

/// Binds: key, text. Adds the text to a chunk.
pub(crate) fn extend_sql(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "UPDATE request_search SET body = body || ' ' || $2 WHERE rowid = $1",
        Engine::Postgres => {
            "UPDATE request_search SET body = body || to_tsvector('simple', $2) WHERE key = $1"
        }
    }
}

/// Where a comment's text goes, given what [`tail_sql`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Into this chunk, with [`extend_sql`].
    Extend(i64),
    /// Into a new chunk with this key, with [`insert_sql`].
    Start(i64),
    /// Nowhere: the request has used every key of its range.
    Skip,
}

/// Decides where a comment goes: into the newest chunk of its kind while that has room,
/// else into a new chunk after the request's last piece.
pub(crate) fn place(
    engine: Engine,
    request_id: i64,
    internal: bool,
    last_key: Option<i64>,
    tail: Option<(i64, i64)>,
) -> Placement {
    if let Some((key, size)) = tail
        && size < chunk_limit(engine)
    {
        return Placement::Extend(key);
    }
    let piece = last_key.map_or(1, |k| ((k - request_key(request_id)) >> 1) + 1);
    if piece > MAX_PIECE {
        Placement::Skip
    } else {
        Placement::Start(piece_key(request_id, piece, internal))
    }
}

/// Where a search starts from and how it meets the requests table `r`.
pub(crate) struct Driver {
    /// The column rows come out ordered by when sorted by request id.
    pub id_column: &'static str,
    /// Whether that column holds index keys (SQLite's search) rather than request ids.
    pub keyed: bool,
}

impl Driver {
    /// Rows straight from the requests table.
    pub const REQUESTS: Driver = Driver {
        id_column: "r.id",
        keyed: false,
    };
}

/// Starts a list query that searches for `terms` and selects `columns` from requests
/// `r`: on PostgreSQL everything up to and including the conditions, on SQLite from the
/// `FROM` part on; both end in ` AND `. Every term must occur in one of the request's
/// pieces that the viewer may read: public pieces always, internal notes only where
/// `works` (the condition that the viewer works `r`) holds.
///
/// On SQLite the index drives: its matches of the first term come out in key order,
/// which is request order, so a list sorted by id reads no more matches than the page
/// needs. A request with several matching pieces comes out once per piece: the caller
/// wraps the query to select `DISTINCT r.id`, which SQLite checks as the rows stream by.
/// Other terms are looked up in the request's own key range.
///
/// On PostgreSQL the GIN index finds the first term's matches, within `window` (ids
/// `[low, high)`) when given, in no useful order. They are gathered first (a
/// materialised CTE, so that the planner cannot choose to walk the requests in order
/// instead, testing each: that read most of the table for a word rare among recent
/// requests), grouped by request, sorted by id the way the list is, and joined to the
/// requests in that order until the page is full. Other terms are looked up in the
/// request's own pieces. Put the rarest term first.
pub(crate) fn push_search(
    sql: &mut Sql,
    engine: Engine,
    columns: &str,
    terms: &[String],
    window: Option<(i64, i64)>,
    descending: bool,
    works: impl Fn(&mut Sql),
) -> Driver {
    let readable = |sql: &mut Sql, key: &str| {
        sql.push(&format!("({key} & 1 = 0 OR "));
        works(sql);
        sql.push(")");
    };
    let (first, rest) = terms.split_first().expect("a search has terms");
    match engine {
        Engine::Sqlite => {
            sql.push("request_search f JOIN requests r ON r.id = f.rowid >> 21 WHERE f.request_search MATCH ")
                .text(quoted(first))
                .push(" AND ");
            readable(sql, "f.rowid");
            for term in rest {
                sql.push(
                    " AND EXISTS (SELECT 1 FROM request_search g WHERE g.request_search MATCH ",
                )
                .text(quoted(term))
                .push(" AND g.rowid >= (r.id << 21) AND g.rowid < ((r.id + 1) << 21) AND ");
                readable(sql, "g.rowid");
                sql.push(")");
            }
            sql.push(" AND ");
            Driver {
                id_column: "f.rowid",
                keyed: true,
            }
        }
        Engine::Postgres => {
            sql.push("WITH m AS MATERIALIZED (SELECT g.key FROM request_search g WHERE g.body @@ ");
            tsquery(sql, first);
            if let Some((low, high)) = window {
                sql.push(" AND g.key >= ").int(request_key(low));
                sql.push(" AND g.key < ").int(request_key(high));
            }
            sql.push(&format!(
                ") SELECT {columns} FROM (SELECT key >> 21 AS id, bool_or(key & 1 = 0) AS public \
                 FROM m GROUP BY 1 ORDER BY 1 {}) h JOIN requests r ON r.id = h.id WHERE (h.public OR ",
                if descending { "DESC" } else { "ASC" }
            ));
            works(sql);
            sql.push(") AND ");
            for term in rest {
                // `key >> 21` is indexed: the join is by equality.
                sql.push("EXISTS (SELECT 1 FROM request_search g WHERE g.key >> 21 = r.id AND g.body @@ ");
                tsquery(sql, term);
                sql.push(" AND ");
                readable(sql, "g.key");
                sql.push(") AND ");
            }
            Driver {
                id_column: "h.id",
                keyed: false,
            }
        }
    }
}

/// A term as a PostgreSQL text search query of the one word.
fn tsquery(sql: &mut Sql, term: &str) {
    sql.push("to_tsquery('simple', ")
        .text(format!("'{term}'"))
        .push(")");
}

/// How many pieces of text PostgreSQL's planner expects to contain `term`, from its
/// statistics of the words in `request_search`; a search sizes its first window of ids
/// by it. A term it cannot ask about counts as matching everything.
pub(crate) async fn estimate(pool: &sqlx::PgPool, term: &str) -> crate::Result<f64> {
    // EXPLAIN takes no parameters. Terms are letters and digits only
    // (`handoff_domain::search::terms`), so quoting one cannot be escaped from; the
    // check keeps it so.
    if !term.chars().all(char::is_alphanumeric) {
        return Ok(f64::MAX);
    }
    let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "EXPLAIN SELECT 1 FROM request_search WHERE body @@ to_tsquery('simple', '''{term}''')"
    )))
    .fetch_all(pool)
    .await?;
    Ok(plan
        .first()
        .and_then(|line| line.split(" rows=").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(f64::MAX))
}

/// The condition that rows come after request `id` in a list sorted by id, on the
/// driver's column.
pub(crate) fn push_after(sql: &mut Sql, driver: &Driver, descending: bool, id: i64) {
    let column = driver.id_column;
    match (driver.keyed, descending) {
        (true, true) => sql.push(&format!(" AND {column} < ")).int(request_key(id)),
        (true, false) => sql.push(&format!(" AND {column} >= ")).int(key_end(id)),
        (false, true) => sql.push(&format!(" AND {column} < ")).int(id),
        (false, false) => sql.push(&format!(" AND {column} > ")).int(id),
    };
}

/// A term as an FTS5 string: terms are letters and digits only, so quoting cannot be
/// escaped from.
fn quoted(term: &str) -> String {
    format!("\"{term}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_fill_the_newest_chunk_of_their_kind_then_start_the_next() {
        let e = Engine::Sqlite;
        assert_eq!(
            place(e, 7, false, Some(request_key(7)), None),
            Placement::Start(piece_key(7, 1, false))
        );
        let tail = Some((piece_key(7, 1, false), 10));
        assert_eq!(
            place(e, 7, false, Some(piece_key(7, 1, false)), tail),
            Placement::Extend(piece_key(7, 1, false))
        );
        let full = Some((piece_key(7, 1, false), chunk_limit(e)));
        assert_eq!(
            place(e, 7, false, Some(piece_key(7, 2, true)), full),
            Placement::Start(piece_key(7, 3, false))
        );
        assert_eq!(
            place(e, 7, true, Some(piece_key(7, MAX_PIECE, false)), None),
            Placement::Skip
        );
    }

    #[test]
    fn keys_keep_requests_apart_and_in_order() {
        assert_eq!(request_key(1), 1 << 21);
        assert!(piece_key(1, MAX_PIECE, true) < request_key(2));
        assert!(piece_key(1, 1, false) > request_key(1));
        assert_eq!(piece_key(3, 2, true) >> 21, 3);
        assert_eq!(piece_key(3, 2, true) & 1, 1);
        assert_eq!(key_end(3), request_key(4));
    }
}
