//! The request lists as addresses: which requests a list shows (its view) and the filters
//! on it, read from a query string and written back to one. A person saves a list under a
//! name as this query string; it is checked when saved (only the list's own parameters,
//! each with a value it knows) and written in one canonical form, so that the same list
//! is always the same address.

use jiff::SignedDuration;

use crate::request::{Priority, Status};
use crate::validation::has_control;

/// How close a running SLA clock's due time must be for the "breaching" view.
pub const BREACHING_WITHIN: SignedDuration = SignedDuration::from_mins(60);

/// The longest search a list keeps, in characters.
pub const Q_MAX: usize = 200;

/// The longest saved query string, in bytes.
pub const QUERY_MAX: usize = 1_000;

/// The parameters a list's address may hold, in the order written.
pub const PARAMS: [&str; 4] = ["view", "status", "priority", "q"];

/// Which requests a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The viewer's department's requests.
    Queue,
    /// Assigned to the viewer.
    Assigned,
    /// The department's requests nobody is assigned to.
    Unassigned,
    /// The department's open requests whose running clock falls due within
    /// [`BREACHING_WITHIN`], or is past due.
    Breaching,
    /// The department's requests waiting on the customer.
    Waiting,
    /// Filed by the viewer.
    Mine,
}

impl View {
    /// In the order the list's tabs show them.
    pub const ALL: [View; 6] = [
        View::Queue,
        View::Assigned,
        View::Unassigned,
        View::Breaching,
        View::Waiting,
        View::Mine,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Queue => "queue",
            View::Assigned => "assigned",
            View::Unassigned => "unassigned",
            View::Breaching => "breaching",
            View::Waiting => "waiting",
            View::Mine => "mine",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The view's name, as its tab and heading show it.
    pub fn label(self) -> &'static str {
        match self {
            View::Queue => "Department queue",
            View::Assigned => "Assigned to me",
            View::Unassigned => "Unassigned",
            View::Breaching => "Breaching within an hour",
            View::Waiting => "Waiting on the customer",
            View::Mine => "Filed by me",
        }
    }

    /// The one status a view shows, when it decides the status itself.
    pub fn fixed_status(self) -> Option<Status> {
        match self {
            View::Waiting => Some(Status::WaitingOnCustomer),
            _ => None,
        }
    }
}

/// The statuses a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Those that still need work.
    #[default]
    Active,
    All,
    One(Status),
}

impl StatusFilter {
    pub fn parse(s: &str) -> Option<StatusFilter> {
        match s {
            "active" => Some(StatusFilter::Active),
            "all" => Some(StatusFilter::All),
            other => Status::parse(other).map(StatusFilter::One),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::Active => "active",
            StatusFilter::All => "all",
            StatusFilter::One(s) => s.as_str(),
        }
    }

    /// The statuses to list; empty: every status.
    pub fn statuses(self) -> Vec<Status> {
        match self {
            StatusFilter::Active => Status::ALL.into_iter().filter(|s| s.is_active()).collect(),
            StatusFilter::All => Vec::new(),
            StatusFilter::One(s) => vec![s],
        }
    }
}

/// A list: its view and filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub view: View,
    pub status: StatusFilter,
    pub priority: Option<Priority>,
    /// Search words, trimmed; empty: no search.
    pub q: String,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            view: View::Queue,
            status: StatusFilter::Active,
            priority: None,
            q: String::new(),
        }
    }
}

/// What is wrong with a list's address: the parameter and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{param}: {reason}")]
pub struct QueryError {
    pub param: String,
    pub reason: String,
}

impl QueryError {
    fn new(param: &str, reason: impl Into<String>) -> QueryError {
        QueryError {
            param: param.to_owned(),
            reason: reason.into(),
        }
    }
}

impl ListQuery {
    /// The list a page's address asks for, from its name/value pairs: the first value of
    /// each of [`PARAMS`] counts (empty ones are left out), other names are the page's
    /// own business (a cursor, a format) and ignored here.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ListQuery, QueryError> {
        let mut query = ListQuery::default();
        let mut seen = [false; PARAMS.len()];
        for (name, value) in pairs {
            let Some(at) = PARAMS.iter().position(|p| *p == name) else {
                continue;
            };
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            query.set(name, value)?;
        }
        Ok(query)
    }

    /// A saved list's query string (`view=queue&status=open`, a leading `?` allowed),
    /// strictly: only [`PARAMS`], each once, each with a value it knows.
    pub fn parse(query: &str) -> Result<ListQuery, QueryError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        if query.len() > QUERY_MAX {
            return Err(QueryError::new(
                "query",
                format!("must be at most {QUERY_MAX} characters"),
            ));
        }
        let mut list = ListQuery::default();
        let mut seen: Vec<String> = Vec::new();
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name =
                decode(name).ok_or_else(|| QueryError::new("query", "is not URL-encoded"))?;
            let value =
                decode(value).ok_or_else(|| QueryError::new(&name, "is not URL-encoded"))?;
            if !PARAMS.contains(&name.as_str()) {
                return Err(QueryError::new(
                    "query",
                    format!(
                        "`{}` is not a filter of the list; it knows: {}",
                        shorten(&name),
                        PARAMS.join(", ")
                    ),
                ));
            }
            if seen.contains(&name) {
                return Err(QueryError::new(&name, "is given more than once"));
            }
            list.set(&name, &value)?;
            seen.push(name);
        }
        Ok(list)
    }

    fn set(&mut self, name: &str, value: &str) -> Result<(), QueryError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(());
        }
        match name {
            "view" => {
                self.view = View::parse(value).ok_or_else(|| {
                    let known: Vec<&str> = View::ALL.iter().map(|v| v.as_str()).collect();
                    QueryError::new("view", format!("must be one of: {}", known.join(", ")))
                })?;
            }
            "status" => {
                self.status = StatusFilter::parse(value).ok_or_else(|| {
                    let known: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                    QueryError::new(
                        "status",
                        format!("must be active, all or one of: {}", known.join(", ")),
                    )
                })?;
            }
            "priority" => {
                self.priority = Some(Priority::parse(value).ok_or_else(|| {
                    let known: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
                    QueryError::new("priority", format!("must be one of: {}", known.join(", ")))
                })?);
            }
            "q" => {
                if has_control(value) {
                    return Err(QueryError::new("q", "must not contain control characters"));
                }
                if value.chars().count() > Q_MAX {
                    return Err(QueryError::new(
                        "q",
                        format!("must be at most {Q_MAX} characters"),
                    ));
                }
                self.q = value.to_owned();
            }
            _ => {}
        }
        Ok(())
    }

    /// The statuses listed: the view's own, else the filter's.
    pub fn statuses(&self) -> Vec<Status> {
        match self.view.fixed_status() {
            Some(status) => vec![status],
            None => self.status.statuses(),
        }
    }

    /// The canonical query string: the view, then each filter that is not its default,
    /// in the order of [`PARAMS`] (a status the view decides is left out).
    pub fn to_query(&self) -> String {
        let mut out = format!("view={}", self.view.as_str());
        if self.status != StatusFilter::Active && self.view.fixed_status().is_none() {
            out.push_str("&status=");
            out.push_str(self.status.as_str());
        }
        if let Some(priority) = self.priority {
            out.push_str("&priority=");
            out.push_str(priority.as_str());
        }
        if !self.q.is_empty() {
            out.push_str("&q=");
            out.push_str(&encode(&self.q));
        }
        out
    }

    /// The list's address.
    pub fn href(&self) -> String {
        format!("/requests?{}", self.to_query())
    }
}

/// At most 40 characters of a name quoted back in an error.
fn shorten(s: &str) -> String {
    let mut short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    short
}

/// Percent-encodes a query string value as HTML forms do (`application/x-www-form-
/// urlencoded`): letters, digits and `*-._` as they are, a space as `+`.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Decodes one name or value of a query string; `None` when a `%` escape is broken or
/// the bytes are not UTF-8.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_query_reads_back_in_its_canonical_form() {
        let q = ListQuery::parse("?q=autumn+fair%21&status=open&view=unassigned&priority=high")
            .unwrap();
        assert_eq!(q.view, View::Unassigned);
        assert_eq!(q.status, StatusFilter::One(Status::Open));
        assert_eq!(q.priority, Some(Priority::High));
        assert_eq!(q.q, "autumn fair!");
        assert_eq!(
            q.to_query(),
            "view=unassigned&status=open&priority=high&q=autumn+fair%21"
        );
        assert_eq!(ListQuery::parse(&q.to_query()).unwrap(), q);
        assert_eq!(ListQuery::parse("").unwrap().to_query(), "view=queue");
        // The waiting view decides the status itself.
        let waiting = ListQuery::parse("view=waiting&status=all").unwrap();
        assert_eq!(waiting.to_query(), "view=waiting");
        assert_eq!(waiting.statuses(), [Status::WaitingOnCustomer]);
        let accents = ListQuery::parse("q=caf%C3%A9%20cr%C3%A8me").unwrap();
        assert_eq!(accents.q, "café crème");
        assert_eq!(ListQuery::parse(&accents.to_query()).unwrap(), accents);
    }

    #[test]
    fn a_saved_query_holds_only_the_lists_parameters_with_known_values() {
        let refused = |s: &str| ListQuery::parse(s).unwrap_err().param;
        assert_eq!(refused("view=queue&colour=red"), "query");
        assert_eq!(refused("cursor=1_2"), "query");
        assert_eq!(refused("view=everything"), "view");
        assert_eq!(refused("status=done"), "status");
        assert_eq!(refused("priority=asap"), "priority");
        assert_eq!(refused("status=open&status=new"), "status");
        assert_eq!(refused("q=%E2%28"), "q");
        assert_eq!(refused("q=%ZZ"), "q");
        assert_eq!(refused("q=%+1"), "q");
        assert_eq!(refused("q=%4"), "q");
        assert_eq!(refused("q=a%00b"), "q");
        assert_eq!(refused(&format!("q={}", "a".repeat(Q_MAX + 1))), "q");
        assert_eq!(refused(&format!("q={}", "a".repeat(QUERY_MAX))), "query");
    }

    #[test]
    fn a_pages_address_ignores_other_names_and_takes_the_first_value() {
        let pairs = [
            ("cursor", "1_2"),
            ("view", "breaching"),
            ("view", "mine"),
            ("status", ""),
            ("q", "  poster "),
        ];
        let q = ListQuery::from_pairs(pairs).unwrap();
        assert_eq!(q.view, View::Breaching);
        assert_eq!(q.status, StatusFilter::Active);
        assert_eq!(q.q, "poster");
        let err = ListQuery::from_pairs([("view", "everything")]).unwrap_err();
        assert_eq!(err.param, "view");
    }

    #[test]
    fn encoding_round_trips_any_text() {
        for s in ["a b", "100%", "a&b=c", "ümlaut ☃", "+-*._~"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
    }
}
