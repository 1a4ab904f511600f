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
        sql.push(" OR NOT r.confidential)");
    } else {
        sql.push(" OR (r.requester_department_id = ")
            .int(viewer.department_id)
            .push(" AND NOT r.confidential))");
    }
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
    // On SQLite a search yields a request once per matching piece of its text: the
    // inner query picks the page's distinct ids, the outer one reads their rows.
    let distinct = engine == Engine::Sqlite && !filter.terms.is_empty();
    let mut sql = if distinct {
        Sql::new(&format!(
            "SELECT {} FROM requests r WHERE r.id IN (SELECT DISTINCT r.id FROM ",
            *R_COLUMNS
        ))
    } else {
        Sql::new(&format!("SELECT {} FROM ", *R_COLUMNS))
    };
    let driver = if filter.terms.is_empty() {
        sql.push("requests r WHERE ");
        search::Driver::REQUESTS
    } else {
        search::push_search(&mut sql, engine, &filter.terms, |sql| {
            push_works(sql, viewer)
        })
    };
    let id_column = driver.id_column;
    push_visible(&mut sql, viewer);
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
    let mut items: Vec<Request> = on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?);
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
