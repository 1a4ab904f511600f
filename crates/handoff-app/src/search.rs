//! Search across everything a person may see, for the one box in the header: requests
//! (the full-text search of the request lists, with their visibility), services (those
//! the catalog shows them), people and departments (everyone signed in sees the
//! directory). The answer is a list of groups, one per kind, so that a new kind of thing
//! to find is one more group.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::search::terms;
use handoff_domain::validation::text;
use handoff_store::directory::{self, Words};
use handoff_store::requests::{self, ListFilter, Sort};
use handoff_store::{departments, services};

use crate::App;
use crate::error::{ActionError, ActionResult};

/// The longest query, in characters.
pub const MAX_QUERY: usize = 200;

/// A kind of thing found, in the order the groups come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Requests,
    Services,
    People,
    Departments,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Requests => "requests",
            Kind::Services => "services",
            Kind::People => "people",
            Kind::Departments => "departments",
        }
    }

    /// The group's heading, as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Requests => "Requests",
            Kind::Services => "Services",
            Kind::People => "People",
            Kind::Departments => "Departments",
        }
    }
}

/// What sets a hit apart from the others of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A person who no longer works here.
    Deactivated,
    /// A service the searcher's department may not file requests to (an administrator
    /// sees every service).
    NotRequestable,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Deactivated => "deactivated",
            Mark::NotRequestable => "not_requestable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Deactivated => "Deactivated",
            Mark::NotRequestable => "Not open to your department",
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    /// A request's subject; a service's, person's or department's name.
    pub title: String,
    /// What tells it apart: a request's service and status, a service's department, a
    /// person's e-mail address and department, a department's handle.
    pub detail: String,
    pub mark: Option<Mark>,
}

/// The hits of one kind, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub kind: Kind,
    pub hits: Vec<Hit>,
    /// Whether more of this kind match than the limit let through.
    pub more: bool,
}

/// The query as searched (trimmed), or why it cannot be: empty, longer than
/// [`MAX_QUERY`], or with control characters. Named `q`.
pub fn check_query(q: &str) -> ActionResult<String> {
    let mut errors = FieldErrors::new();
    let q = text(&mut errors, "q", q, MAX_QUERY);
    errors.into_result(q).map_err(ActionError::Invalid)
}

/// Everything the actor may see that matches `q`, at most `limit` of each kind: requests
/// with all its words (whole words, as the request lists find them), and services, people
/// and departments with a word starting with each of its words.
#[tracing::instrument(name = "app.search", skip_all, level = "debug")]
pub async fn everything(app: &App, actor: &Actor, q: &str, limit: i64) -> ActionResult<Vec<Group>> {
    let q = check_query(q)?;
    let limit = limit.max(1);
    let words = Words::parse(&q);
    let (requests, services, people, departments) = tokio::try_join!(
        find_requests(app, actor, &q, limit),
        find_services(app, actor, &words, limit),
        find_people(app, &words, limit),
        find_departments(app, &words, limit),
    )?;
    Ok(vec![requests, services, people, departments])
}

/// Cuts the rows found (one more than `limit` asked for) to the limit.
fn group<T>(kind: Kind, mut rows: Vec<T>, limit: i64, hit: impl FnMut(T) -> Hit) -> Group {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Group {
        kind,
        hits: rows.into_iter().map(hit).collect(),
        more,
    }
}

/// Through the request lists' own search, which shows each person only the requests they
/// may see (confidential cases to their parties alone).
async fn find_requests(app: &App, actor: &Actor, q: &str, limit: i64) -> ActionResult<Group> {
    let filter = ListFilter {
        terms: terms(q),
        ..ListFilter::default()
    };
    if filter.terms.is_empty() {
        // Only punctuation: nothing the full-text index can look for.
        return Ok(Group {
            kind: Kind::Requests,
            hits: Vec::new(),
            more: false,
        });
    }
    let sort = Sort::default_for(&filter);
    let page = requests::list(&app.db, actor, &filter, sort, None, limit).await?;
    let service_ids: Vec<i64> = page.items.iter().map(|r| r.service_id).collect();
    let names = services::names(&app.db, &service_ids).await?;
    let mut hits = Vec::with_capacity(page.items.len());
    for r in page.items {
        let status = r.status()?;
        let service = names.get(&r.service_id).map_or("", String::as_str);
        hits.push(Hit {
            id: r.id,
            detail: format!("{service} · {}", status.label()),
            title: r.subject,
            mark: None,
        });
    }
    Ok(Group {
        kind: Kind::Requests,
        hits,
        more: page.next.is_some(),
    })
}

/// The services the catalog shows the actor (open to their department, or its own);
/// every active service to an administrator, marked when not open to them.
async fn find_services(app: &App, actor: &Actor, words: &Words, limit: i64) -> ActionResult<Group> {
    let rows = directory::services(
        &app.db,
        words,
        actor.department_id,
        !actor.is_admin(),
        limit + 1,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|s| s.department_id).collect();
    let names = departments::names(&app.db, &ids).await?;
    Ok(group(Kind::Services, rows, limit, |s| Hit {
        id: s.id,
        detail: names.get(&s.department_id).cloned().unwrap_or_default(),
        title: s.name,
        mark: (!s.requestable).then_some(Mark::NotRequestable),
    }))
}

/// People, the deactivated last and marked.
async fn find_people(app: &App, words: &Words, limit: i64) -> ActionResult<Group> {
    let rows = directory::people(&app.db, words, limit + 1).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.department_id).collect();
    let names = departments::names(&app.db, &ids).await?;
    Ok(group(Kind::People, rows, limit, |p| Hit {
        id: p.id,
        detail: match names.get(&p.department_id) {
            Some(department) => format!("{} · {department}", p.email),
            None => p.email,
        },
        title: p.name,
        mark: (!p.active).then_some(Mark::Deactivated),
    }))
}

async fn find_departments(app: &App, words: &Words, limit: i64) -> ActionResult<Group> {
    let rows = directory::departments(&app.db, words, limit + 1).await?;
    Ok(group(Kind::Departments, rows, limit, |d| Hit {
        id: d.id,
        title: d.name,
        detail: d.handle,
        mark: None,
    }))
}
