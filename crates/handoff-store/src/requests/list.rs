//! Lists of requests: what the viewer may see, filtered, searched, sorted, and cut into
//! pages by a keyset cursor (stable under inserts, cheap at any depth).

use handoff_domain::access::Actor;
use handoff_domain::request::{Priority, Status};
use sqlx::AssertSqlSafe;

use super::{R_COLUMNS, Request};
use crate::sql::{Sql, bind_all};
use crate::{Db, Engine, Result, on_read, search};

/// The attribute a list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Id,
    CreatedAt,
    UpdatedAt,
    Priority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    pub const NAMES: &'static str =
        "created_at, -created_at, updated_at, -updated_at, priority, -priority, id, -id";

    /// A list's order when none is asked for: newest first, a search by id, which its
    /// index walks fastest on either engine.
    pub fn default_for(filter: &ListFilter) -> Sort {
        Sort {
            key: if filter.terms.is_empty() {
                SortKey::CreatedAt
            } else {
                SortKey::Id
            },
            descending: true,
        }
    }

    /// Parses `created_at` or `-created_at` (descending), etc.
    pub fn parse(s: &str) -> Option<Sort> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let key = match name {
            "id" => SortKey::Id,
            "created_at" => SortKey::CreatedAt,
            "updated_at" => SortKey::UpdatedAt,
            "priority" => SortKey::Priority,
            _ => return None,
        };
        Some(Sort { key, descending })
    }

    fn column(self) -> &'static str {
        match self.key {
            SortKey::Id => "r.id",
            SortKey::CreatedAt => "r.created_at",
            SortKey::UpdatedAt => "r.updated_at",
            SortKey::Priority => "r.priority",
        }
    }

    fn value(self, r: &Request) -> i64 {
        match self.key {
            SortKey::Id => r.id,
            SortKey::CreatedAt => r.created_at,
            SortKey::UpdatedAt => r.updated_at,
            SortKey::Priority => i64::from(r.priority),
        }
    }
}

/// Where the next page starts: the sort value and id of the last row of this page.
/// Shown to clients as an opaque string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub value: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}_{}", self.value, self.id)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (value, id) = s.split_once('_')?;
        Some(Cursor {
            value: value.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub provider_department_id: Option<i64>,
    pub requester_department_id: Option<i64>,
    pub requester_id: Option<i64>,
    /// `Some(None)` lists unassigned requests.
    pub assignee_id: Option<Option<i64>>,
    pub service_id: Option<i64>,
    pub priorities: Vec<Priority>,
    /// Microseconds, inclusive.
    pub created_from: Option<i64>,
    /// Microseconds, exclusive.
    pub created_to: Option<i64>,
    /// Search words, from [`handoff_domain::search::terms`]; all must match.
    pub terms: Vec<String>,
    /// Only requests with a running SLA clock due by this instant (microseconds,
    /// inclusive), past due ones included.
    pub sla_due_by: Option<i64>,
}

pub struct Page {
    pub items: Vec<Request>,
    pub next: Option<Cursor>,
}

/// Adds the condition "the viewer may see r", mirroring [`Actor::can_view`].
pub(crate) fn push_visible(sql: &mut Sql, viewer: &Actor) {
    sql.push("(r.provider_department_id = ")
        .int(viewer.department_id);
    sql.push(" OR r.requester_id = ").int(viewer.person_id);
    sql.push(
        " OR EXISTS (SELECT 1 FROM request_watchers w WHERE w.request_id = r.id AND w.person_id = ",
    )
    .int(viewer.person_id)
    .push(")");
    if viewer.is_admin() {
        sql.push(" OR NOT r.confidential");
    } else {
        sql.push(" OR (r.requester_department_id = ")
            .int(viewer.department_id)
            .push(" AND NOT r.confidential)");
    }
    // A department that held the request before keeps reading it: probed last, after
    // the cheaper tests on the row itself.
    sql.push(
        " OR EXISTS (SELECT 1 FROM request_stints st WHERE st.request_id = r.id \
         AND st.department_id = ",
    )
    .int(viewer.department_id)
    .push("))");
}

/// Adds the condition "the viewer works r", mirroring [`Actor::can_work`]: only then may
/// internal notes match.
fn push_works(sql: &mut Sql, viewer: &Actor) {
    sql.push("(r.provider_department_id = ")
        .int(viewer.department_id);
    if viewer.is_admin() {
        sql.push(" OR NOT r.confidential");
    }
    sql.push(")");
}

fn push_in<T: Copy>(sql: &mut Sql, column: &str, values: &[T], param: impl Fn(&mut Sql, T)) {
    sql.push(" AND ")
        .push(column)
        .push(" IN ")
        .list(values, param);
}

#[tracing::instrument(name = "store.list_requests", skip_all, level = "debug", fields(search = !filter.terms.is_empty()))]
pub async fn list(
    db: &Db,
    viewer: &Actor,
    filter: &ListFilter,
    sort: Sort,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Page> {
    let engine = db.engine();
    let mut items = match db {
        Db::Postgres { pool, .. } if !filter.terms.is_empty() && sort.key == SortKey::Id => {
            search_in_windows(db, pool, viewer, filter, sort, after, limit).await?
        }
        _ => {
            let sql = query(engine, viewer, filter, sort, after, limit, None);
            fetch(db, sql, !filter.terms.is_empty()).await?
        }
    };
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|r| Cursor {
            value: sort.value(r),
            id: r.id,
        })
    } else {
        None
    };
    Ok(Page { items, next })
}

/// Matches of the driving word a search on PostgreSQL aims to find in its first window
/// of ids, per row of the page: more than one, since the viewer may not see them all
/// and the filters drop some.
const MATCHES_PER_ROW: f64 = 4.0;

/// The smallest first window, in requests.
const FIRST_WINDOW: i64 = 64;

/// A search on PostgreSQL, sorted by id. The GIN index finds a word's matches in no
/// useful order, and they can be anywhere: asking for the newest 50 either gathered and
/// sorted every match (a common word: up to 120,000 pieces of text) or walked the
/// requests newest first testing each (a word rare among recent requests: most of the
/// table); both took a second at 1,000,000 requests. So the search drives by its rarest
/// word (by the planner's estimate of each word's matches) and asks for its matches in
/// a window of ids, the newest first, sized so that the window should hold about
/// [`MATCHES_PER_ROW`] matches per row wanted; then, while the page is not full, in a
/// window four times larger below it. A common word fills its page from a window of a
/// few thousand requests; a rare word is looked up in one window of all of them, its
/// few matches gathered from the index at once.
async fn search_in_windows(
    db: &Db,
    pool: &sqlx::PgPool,
    viewer: &Actor,
    filter: &ListFilter,
    sort: Sort,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Request>> {
    let (first, last): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT min(id), max(id) FROM requests")
            .fetch_one(pool)
            .await?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(Vec::new());
    };
    let mut terms = Vec::with_capacity(filter.terms.len());
    for term in &filter.terms {
        terms.push((search::estimate(pool, term).await?, term.clone()));
    }
    terms.sort_by(|a, b| a.0.total_cmp(&b.0));
    let matches = terms.first().map_or(f64::MAX, |(estimate, _)| *estimate);
    let filter = ListFilter {
        terms: terms.into_iter().map(|(_, term)| term).collect(),
        ..filter.clone()
    };
    // The ids still to look at: [low, high).
    let (mut low, mut high) = (first, last + 1);
    if let Some(cursor) = after {
        if sort.descending {
            high = high.min(cursor.id);
        } else {
            low = low.max(cursor.id + 1);
        }
    }
    let per_request = matches.max(1.0) / (last - first + 1) as f64;
    let wanted = MATCHES_PER_ROW * (limit + 1) as f64;
    let mut span = ((wanted / per_request) as i64).max(FIRST_WINDOW);
    let mut items = Vec::new();
    while low < high && items.len() as i64 <= limit {
        let window = if sort.descending {
            (high.saturating_sub(span).max(low), high)
        } else {
            (low, low.saturating_add(span).min(high))
        };
        let left = limit - items.len() as i64;
        let sql = query(
            Engine::Postgres,
            viewer,
            &filter,
            sort,
            None,
            left,
            Some(window),
        );
        items.extend(fetch(db, sql, true).await?);
        if sort.descending {
            high = window.0;
        } else {
            low = window.1;
        }
        span = span.saturating_mul(4);
    }
    Ok(items)
}

/// Runs a list query. A search on PostgreSQL is planned for its words and window each
/// time (`searching`): a statement kept prepared soon runs a generic plan, made for no
/// word in particular, that read a common word's every match to find the few in a
/// window (30 ms instead of 2).
async fn fetch(db: &Db, sql: Sql, searching: bool) -> Result<Vec<Request>> {
    let keep = !(searching && db.engine() == Engine::Postgres);
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .persistent(keep)
    .fetch_all(pool)
    .await?))
}

/// The list query: `limit + 1` rows (one more tells whether there is a next page), of
/// ids within `window` (`[low, high)`) when given.
fn query(
    engine: Engine,
    viewer: &Actor,
    filter: &ListFilter,
    sort: Sort,
    after: Option<Cursor>,
    limit: i64,
    window: Option<(i64, i64)>,
) -> Sql {
    // On SQLite a search yields a request once per matching piece of its text: the
    // inner query picks the page's distinct ids, the outer one reads their rows.
    let distinct = engine == Engine::Sqlite && !filter.terms.is_empty();
    let mut sql = if distinct {
        Sql::new(&format!(
            "SELECT {} FROM requests r WHERE r.id IN (SELECT DISTINCT r.id FROM ",
            *R_COLUMNS
        ))
    } else if engine == Engine::Sqlite || filter.terms.is_empty() {
        Sql::new(&format!("SELECT {} FROM ", *R_COLUMNS))
    } else {
        // PostgreSQL's search starts with the matches it gathers first.
        Sql::new("")
    };
    let driver = if filter.terms.is_empty() {
        sql.push("requests r WHERE ");
        search::Driver::REQUESTS
    } else {
        search::push_search(
            &mut sql,
            engine,
            &R_COLUMNS,
            &filter.terms,
            window,
            sort.descending,
            |sql| push_works(sql, viewer),
        )
    };
    let id_column = driver.id_column;
    push_visible(&mut sql, viewer);
    if let Some((low, high)) = window {
        sql.push(" AND r.id >= ").int(low);
        sql.push(" AND r.id < ").int(high);
    }
    if !filter.statuses.is_empty() {
        push_in(&mut sql, "r.status", &filter.statuses, |s, v| {
            s.text(v.as_str());
        });
    }
    if !filter.priorities.is_empty() {
        push_in(&mut sql, "r.priority", &filter.priorities, |s, v| {
            s.int(i64::from(v.rank()));
        });
    }
    if let Some(id) = filter.provider_department_id {
        sql.push(" AND r.provider_department_id = ").int(id);
    }
    if let Some(id) = filter.requester_department_id {
        sql.push(" AND r.requester_department_id = ").int(id);
    }
    if let Some(id) = filter.requester_id {
        sql.push(" AND r.requester_id = ").int(id);
    }
    match filter.assignee_id {
        Some(Some(id)) => {
            sql.push(" AND r.assignee_id = ").int(id);
        }
        Some(None) => {
            sql.push(" AND r.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(id) = filter.service_id {
        sql.push(" AND r.service_id = ").int(id);
    }
    if let Some(from) = filter.created_from {
        sql.push(" AND r.created_at >= ").int(from);
    }
    if let Some(to) = filter.created_to {
        sql.push(" AND r.created_at < ").int(to);
    }
    if let Some(due) = filter.sla_due_by {
        // A running clock: started, not stopped, not paused (paused ones have no due time).
        sql.push(
            " AND EXISTS (SELECT 1 FROM request_slas c WHERE c.request_id = r.id \
             AND c.stopped_at IS NULL AND c.running_since IS NOT NULL AND c.due_at <= ",
        )
        .int(due)
        .push(")");
    }
    let (cmp, dir) = if sort.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let column = if sort.key == SortKey::Id {
        id_column
    } else {
        sort.column()
    };
    if let Some(cursor) = after {
        if sort.key == SortKey::Id {
            search::push_after(&mut sql, &driver, sort.descending, cursor.id);
        } else {
            sql.push(&format!(" AND ({column} {cmp} "))
                .int(cursor.value);
            sql.push(&format!(" OR ({column} = ")).int(cursor.value);
            sql.push(&format!(" AND r.id {cmp} "))
                .int(cursor.id)
                .push("))");
        }
    }
    if sort.key == SortKey::Id {
        sql.push(&format!(" ORDER BY {id_column} {dir}"));
    } else {
        sql.push(&format!(" ORDER BY {column} {dir}, r.id {dir}"));
    }
    // One row more than asked tells whether there is a next page.
    sql.push(" LIMIT ").int(limit + 1);
    if distinct {
        if sort.key == SortKey::Id {
            sql.push(&format!(") ORDER BY r.id {dir}"));
        } else {
            sql.push(&format!(") ORDER BY {column} {dir}, r.id {dir}"));
        }
    }
    sql
}
