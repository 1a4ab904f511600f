//! The events behind relationship health, counted per ordered pair of departments
//! (customer, provider) over a window `[from, to)` of microseconds. Each query answers
//! one part: how many events, and how many of them went well (or the sum of their
//! scores); `handoff_domain::health` turns these into figures and a score.
//!
//! When an event falls in a window:
//! - an SLA clock (first response and resolution; the next-update clock repeats and is
//!   left to the request page) comes to its verdict when it stops, met or breached, and
//!   is breached in every window in which it was past its target and not yet stopped
//!   (running, or paused while the request waits on its customer). Each stint's clocks
//!   count for the department that held the request then; a stint ended by a transfer
//!   stopped its clocks at the transfer. The resolution clocks of requests with linked
//!   requests are read one by one ([`parent_clocks`]) so that the wait on them can be
//!   taken out.
//! - an occurrence of a deliverable is due at its due time (and only once that is past
//!   the window's end), accurate or not when reviewed;
//! - a concern comes to its verdict when answered in time or when its target passes;
//! - a rating counts when first given, with its latest score, for the department that
//!   resolved the request and for each department that held it before that resolution
//!   and went past a target of its own.

use std::collections::BTreeMap;

use sqlx::AssertSqlSafe;

use crate::sql::{Sql, bind_all};
use crate::{Db, Result, on_read};

/// Which pairs a query counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairs {
    All,
    One {
        customer: i64,
        provider: i64,
    },
    /// The pairs a department is part of, on either side.
    Of(i64),
}

impl Pairs {
    /// Whether the pair (customer, provider) is among these.
    pub fn covers(self, customer: i64, provider: i64) -> bool {
        match self {
            Pairs::All => true,
            Pairs::One {
                customer: c,
                provider: p,
            } => c == customer && p == provider,
            Pairs::Of(d) => d == customer || d == provider,
        }
    }
}

/// One pair's count of one part's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Count {
    pub customer: i64,
    pub provider: i64,
    pub events: i64,
    /// Events that went well; for ratings, the sum of the scores.
    pub good: i64,
}

/// Appends ` AND <customer> = .. AND <provider> = ..` as `pairs` asks.
fn push_pairs(sql: &mut Sql, pairs: Pairs, customer: &str, provider: &str) {
    match pairs {
        Pairs::All => {}
        Pairs::One {
            customer: c,
            provider: p,
        } => {
            sql.push(&format!(" AND {customer} = "))
                .int(c)
                .push(&format!(" AND {provider} = "))
                .int(p);
        }
        Pairs::Of(d) => {
            sql.push(&format!(" AND ({customer} = "))
                .int(d)
                .push(&format!(" OR {provider} = "))
                .int(d)
                .push(")");
        }
    }
}

/// The rows `sql` reads.
async fn read_rows<T>(db: &Db, sql: Sql) -> Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

async fn counts(db: &Db, sql: Sql) -> Result<Vec<Count>> {
    read_rows(db, sql).await
}

/// Sums counts of the same pair (a query in parts, e.g. current and past stints).
fn merged(parts: impl IntoIterator<Item = Count>) -> Vec<Count> {
    let mut by_pair: BTreeMap<(i64, i64), Count> = BTreeMap::new();
    for c in parts {
        by_pair
            .entry((c.customer, c.provider))
            .and_modify(|m| {
                m.events += c.events;
                m.good += c.good;
            })
            .or_insert(c);
    }
    by_pair.into_values().collect()
}

/// When `<alias>`'s clock passed (or, running, will pass) its target: in SQL what
/// `SlaClock::passed_target_at` says (NULL for a clock paused or stopped within it).
fn passed_at(alias: &str) -> String {
    format!(
        "(CASE WHEN {alias}.breached_at IS NOT NULL THEN {alias}.breached_at \
         WHEN {alias}.used_micros > {alias}.allowed_micros \
         THEN COALESCE({alias}.stopped_at, {alias}.due_at) \
         WHEN {alias}.running_since IS NOT NULL THEN {alias}.due_at END)"
    )
}

/// `<alias>` clock's verdict falls in the window: stopped in it, or past its target
/// before the window's end and not stopped by then (a request left open past its
/// target, running or waiting on its customer, counts as breached in every window it
/// stays so).
///
/// Each branch names `stopped_at` on its own, so that both engines can read the open
/// clocks from their partial index and the stopped ones from theirs.
fn push_verdict_in(sql: &mut Sql, alias: &str, from: i64, to: i64) {
    let passed = passed_at(alias);
    sql.push(&format!(
        " AND {alias}.target IN ('first_response', 'resolution') AND (({alias}.stopped_at >= "
    ))
    .int(from)
    .push(&format!(" AND {alias}.stopped_at < "))
    .int(to)
    .push(&format!(") OR ({alias}.stopped_at IS NULL AND {passed} < "))
    .int(to)
    .push(&format!(") OR ({alias}.stopped_at >= "))
    .int(to)
    .push(&format!(" AND {passed} < "))
    .int(to)
    .push("))");
}

/// "Met": stopped within the time allowed.
fn met(alias: &str) -> String {
    format!(
        "COALESCE(SUM(CASE WHEN {alias}.stopped_at IS NOT NULL AND {alias}.used_micros <= \
         {alias}.allowed_micros THEN 1 ELSE 0 END), 0)"
    )
}

/// The resolution clock of a request that has linked requests: its holder waited on
/// other departments meanwhile, which only a reading in Rust takes out (see
/// [`parent_clocks`]). The parents are read once from the linked requests' own index
/// (few rows), not looked for under every clock.
fn waits_on_links(alias: &str, request: &str) -> String {
    format!(
        "({alias}.target = 'resolution' AND {request}.id IN (SELECT k.parent_id \
         FROM requests k WHERE k.parent_id IS NOT NULL))"
    )
}

/// SLA verdicts per pair: `good` counts the targets met. Leaves out the resolution
/// clocks of requests with linked requests: [`parent_clocks`] reads those one by one.
pub async fn sla(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<Count>> {
    let mut current = Sql::new(&format!(
        "SELECT r.requester_department_id AS customer, r.provider_department_id AS provider, \
         COUNT(*) AS events, {} AS good \
         FROM request_slas s JOIN requests r ON r.id = s.request_id WHERE NOT {}",
        met("s"),
        waits_on_links("s", "r")
    ));
    push_verdict_in(&mut current, "s", from, to);
    push_pairs(
        &mut current,
        pairs,
        "r.requester_department_id",
        "r.provider_department_id",
    );
    current.push(" GROUP BY r.requester_department_id, r.provider_department_id");
    let mut past = Sql::new(&format!(
        "SELECT r.requester_department_id AS customer, st.department_id AS provider, \
         COUNT(*) AS events, {} AS good \
         FROM request_stint_clocks c \
         JOIN request_stints st ON st.request_id = c.request_id AND st.seq = c.seq \
         JOIN requests r ON r.id = c.request_id WHERE NOT {}",
        met("c"),
        waits_on_links("c", "r")
    ));
    push_verdict_in(&mut past, "c", from, to);
    push_pairs(
        &mut past,
        pairs,
        "r.requester_department_id",
        "st.department_id",
    );
    past.push(" GROUP BY r.requester_department_id, st.department_id");
    let mut all = counts(db, current).await?;
    all.extend(counts(db, past).await?);
    Ok(merged(all))
}

/// One holder's clock (first response or resolution), as a reading in Rust judges it
/// in a window: its time used and allowed, when it passed its target, and what the
/// link correction needs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldClockRow {
    pub request_id: i64,
    pub target: String,
    pub customer: i64,
    /// The department that held the request while this clock ran.
    pub provider: i64,
    pub allowed_micros: i64,
    /// Business time used before `running_since` (all of it when not running).
    pub used_micros: i64,
    pub running_since: Option<i64>,
    pub stopped_at: Option<i64>,
    /// When it passed its target (`SlaClock::passed_target_at`).
    pub passed_at: Option<i64>,
    pub calendar_time: bool,
    /// Filed with a confidential service: counted, never named as evidence.
    pub confidential: bool,
    /// When the holder's part began (its stint's start).
    pub started_at: i64,
    /// A resolution clock of a request with linked requests: the time it counted while
    /// another department held one of them is taken out (`handoff_domain::health::links`).
    pub waits_on_links: bool,
}

/// Reads [`HeldClockRow`]s of current holders and of past stints, each query given the
/// clock alias `s`, the request `r` and `provider` in its `WHERE`; `condition` appends
/// what selects them.
async fn held_clocks(
    db: &Db,
    pairs: Pairs,
    condition: &(dyn Fn(&mut Sql) + Sync),
) -> Result<Vec<HeldClockRow>> {
    let mut rows = Vec::new();
    for (clocks, provider, started, join) in [
        (
            "request_slas s",
            "r.provider_department_id",
            "COALESCE(r.stint_started_at, r.created_at)",
            "JOIN requests r ON r.id = s.request_id",
        ),
        (
            "request_stint_clocks s",
            "st.department_id",
            "st.started_at",
            "JOIN request_stints st ON st.request_id = s.request_id AND st.seq = s.seq \
             JOIN requests r ON r.id = s.request_id",
        ),
    ] {
        let mut sql = Sql::new(&format!(
            "SELECT r.id AS request_id, s.target, r.requester_department_id AS customer, \
             {provider} AS provider, s.allowed_micros, s.used_micros, s.running_since, \
             s.stopped_at, {passed} AS passed_at, s.calendar_time, r.confidential, \
             {started} AS started_at, \
             CASE WHEN {links} THEN TRUE ELSE FALSE END AS waits_on_links FROM {clocks} {join} \
             WHERE r.requester_department_id <> {provider}",
            passed = passed_at("s"),
            links = waits_on_links("s", "r"),
        ));
        condition(&mut sql);
        push_pairs(&mut sql, pairs, "r.requester_department_id", provider);
        let part: Vec<HeldClockRow> = read_rows(db, sql).await?;
        rows.extend(part);
    }
    rows.sort_by_key(|r| (r.provider, r.customer, r.request_id));
    Ok(rows)
}

/// The resolution clocks of requests with linked requests whose verdict falls in the
/// window, left out of [`sla`]'s counts.
pub async fn parent_clocks(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<HeldClockRow>> {
    held_clocks(db, pairs, &|sql| {
        sql.push(&format!(" AND {}", waits_on_links("s", "r")));
        push_verdict_in(sql, "s", from, to);
    })
    .await
}

/// The clocks that were past their target at some time in the window: passed it
/// before the window's end and not stopped before its start.
pub async fn overruns(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<HeldClockRow>> {
    held_clocks(db, pairs, &|sql| {
        let passed = passed_at("s");
        sql.push(&format!(
            " AND s.target IN ('first_response', 'resolution') \
             AND ((s.stopped_at IS NULL AND {passed} < "
        ))
        .int(to)
        .push(") OR (s.stopped_at >= ")
        .int(from)
        .push(&format!(" AND {passed} < "))
        .int(to)
        .push("))");
    })
    .await
}

/// A request filed on behalf of another (its parent), and the department holding it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Linked {
    pub parent_id: i64,
    pub child_id: i64,
    pub holder: i64,
}

/// The linked requests of each of `parents`, by parent.
pub async fn linked(db: &Db, parents: &[i64]) -> Result<Vec<Linked>> {
    let mut found = Vec::new();
    for chunk in parents.chunks(1_000) {
        let mut sql = Sql::new(
            "SELECT parent_id, id AS child_id, provider_department_id AS holder \
             FROM requests WHERE parent_id IN ",
        );
        sql.ints(chunk).push(" ORDER BY parent_id, id");
        let part: Vec<Linked> = read_rows(db, sql).await?;
        found.extend(part);
    }
    Ok(found)
}

/// Occurrences due in the window (before `now`): `good` counts those delivered by their
/// due time.
pub async fn deliverables_on_time(
    db: &Db,
    pairs: Pairs,
    from: i64,
    to: i64,
    now: i64,
) -> Result<Vec<Count>> {
    let mut sql = Sql::new(
        "SELECT d.customer_department_id AS customer, d.provider_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN o.delivered_at IS NOT NULL AND \
         o.delivered_at <= o.due_at THEN 1 ELSE 0 END), 0) AS good \
         FROM occurrences o JOIN deliverables d ON d.id = o.deliverable_id WHERE o.due_at >= ",
    );
    sql.int(from).push(" AND o.due_at < ").int(to.min(now));
    push_pairs(
        &mut sql,
        pairs,
        "d.customer_department_id",
        "d.provider_department_id",
    );
    sql.push(" GROUP BY d.customer_department_id, d.provider_department_id");
    counts(db, sql).await
}

/// Occurrences reviewed in the window: `good` counts those confirmed accurate.
pub async fn deliverables_accurate(
    db: &Db,
    pairs: Pairs,
    from: i64,
    to: i64,
) -> Result<Vec<Count>> {
    let mut sql = Sql::new(
        "SELECT d.customer_department_id AS customer, d.provider_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN o.accurate THEN 1 ELSE 0 END), 0) AS good \
         FROM occurrences o JOIN deliverables d ON d.id = o.deliverable_id \
         WHERE o.reviewed_at IS NOT NULL AND o.reviewed_at >= ",
    );
    sql.int(from).push(" AND o.reviewed_at < ").int(to);
    push_pairs(
        &mut sql,
        pairs,
        "d.customer_department_id",
        "d.provider_department_id",
    );
    sql.push(" GROUP BY d.customer_department_id, d.provider_department_id");
    counts(db, sql).await
}

/// Concerns whose verdict falls in the window: answered by their target (`good`), or
/// not answered when it passed. Concerns with no known customer department are left out.
pub async fn concerns(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<Count>> {
    let mut sql = Sql::new(
        "SELECT customer_department_id AS customer, about_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND \
         answered_at <= due_at THEN 1 ELSE 0 END), 0) AS good \
         FROM concerns WHERE customer_department_id IS NOT NULL AND ((answered_at IS NOT NULL \
         AND answered_at <= due_at AND answered_at >= ",
    );
    sql.int(from)
        .push(" AND answered_at < ")
        .int(to)
        .push(") OR ((answered_at IS NULL OR answered_at > due_at) AND due_at >= ")
        .int(from)
        .push(" AND due_at < ")
        .int(to)
        .push("))");
    push_pairs(
        &mut sql,
        pairs,
        "customer_department_id",
        "about_department_id",
    );
    sql.push(" GROUP BY customer_department_id, about_department_id");
    counts(db, sql).await
}

/// The ratings (`g`) first given in the window, for each pair they count for: the
/// department that resolved the request, and, once, each department that held it
/// before the rated resolution and went past a target of its own then (a customer kept waiting by the first
/// holder rates that wait too). Two statements, one per kind of holder, selecting
/// `columns` where `{provider}` stands for the pair's provider, then `tail`.
fn rated_in(pairs: Pairs, from: i64, to: i64, columns: &str, tail: &str) -> [Sql; 2] {
    let window = |sql: &mut Sql| {
        sql.push(" AND g.rated_at IS NOT NULL AND g.score IS NOT NULL AND g.rated_at >= ")
            .int(from)
            .push(" AND g.rated_at < ")
            .int(to);
    };
    let mut resolver = Sql::new(&format!(
        "SELECT {} FROM ratings g WHERE 1 = 1",
        columns.replace("{provider}", "g.provider_department_id")
    ));
    window(&mut resolver);
    push_pairs(
        &mut resolver,
        pairs,
        "g.requester_department_id",
        "g.provider_department_id",
    );
    resolver.push(&tail.replace("{provider}", "g.provider_department_id"));
    let mut earlier = Sql::new(&format!(
        "SELECT {} FROM ratings g JOIN request_stints h ON h.request_id = g.request_id \
         WHERE h.department_id <> g.provider_department_id \
         AND h.department_id <> g.requester_department_id AND h.started_at < g.resolved_at \
         AND h.seq = (SELECT min(e.seq) FROM request_stints e \
         WHERE e.request_id = h.request_id AND e.department_id = h.department_id) \
         AND EXISTS (SELECT 1 FROM request_stints e JOIN request_stint_clocks c \
         ON c.request_id = e.request_id AND c.seq = e.seq \
         WHERE e.request_id = h.request_id AND e.department_id = h.department_id \
         AND e.started_at < g.resolved_at AND c.target IN ('first_response', 'resolution') \
         AND c.used_micros > c.allowed_micros)",
        columns.replace("{provider}", "h.department_id")
    ));
    window(&mut earlier);
    push_pairs(
        &mut earlier,
        pairs,
        "g.requester_department_id",
        "h.department_id",
    );
    earlier.push(&tail.replace("{provider}", "h.department_id"));
    [resolver, earlier]
}

/// Ratings first given in the window, for the pairs [`rated_in`] says: `good` is the
/// sum of their scores (1 to 5).
pub async fn ratings(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<Count>> {
    let mut all = Vec::new();
    for sql in rated_in(
        pairs,
        from,
        to,
        "g.requester_department_id AS customer, {provider} AS provider, COUNT(*) AS events, \
         COALESCE(SUM(g.score), 0) AS good",
        " GROUP BY g.requester_department_id, {provider}",
    ) {
        all.extend(counts(db, sql).await?);
    }
    Ok(merged(all))
}

/// A rating of `at_most` or less given in the window, for a pair it counts for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LowRating {
    pub request_id: i64,
    pub customer: i64,
    pub provider: i64,
    pub score: i32,
    /// Filed with a confidential service: counted, never named as evidence.
    pub confidential: bool,
}

/// The ratings of `at_most` or less first given in the window, lowest first.
pub async fn low_ratings(
    db: &Db,
    pairs: Pairs,
    from: i64,
    to: i64,
    at_most: i32,
) -> Result<Vec<LowRating>> {
    let mut rows: Vec<LowRating> = Vec::new();
    for mut sql in rated_in(
        pairs,
        from,
        to,
        "g.request_id, g.requester_department_id AS customer, {provider} AS provider, \
         g.score, (SELECT r.confidential FROM requests r WHERE r.id = g.request_id) \
         AS confidential",
        "",
    ) {
        sql.push(" AND g.score <= ").int(i64::from(at_most));
        let part: Vec<LowRating> = read_rows(db, sql).await?;
        rows.extend(part);
    }
    rows.sort_by_key(|r| (r.score, r.request_id));
    Ok(rows)
}

/// A concern whose target passed in the window before it was answered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LateConcern {
    pub concern_id: i64,
    pub customer: i64,
    pub provider: i64,
    pub due_at: i64,
    pub answered_at: Option<i64>,
}

/// The concerns whose target passed in the window unanswered (answered late, or not
/// yet), oldest target first. Anonymous concerns count in the part but are never listed:
/// anyone holding an anonymous concern's id may read it.
pub async fn late_concerns(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<LateConcern>> {
    let mut sql = Sql::new(
        "SELECT id AS concern_id, customer_department_id AS customer, \
         about_department_id AS provider, due_at, answered_at FROM concerns \
         WHERE customer_department_id IS NOT NULL AND raised_by_id IS NOT NULL \
         AND (answered_at IS NULL OR answered_at > due_at) AND due_at >= ",
    );
    sql.int(from).push(" AND due_at < ").int(to);
    push_pairs(
        &mut sql,
        pairs,
        "customer_department_id",
        "about_department_id",
    );
    sql.push(" ORDER BY due_at, id");
    read_rows(db, sql).await
}

/// Kudos given in the window by people of the customer to the provider or its people
/// (`events`; `good` is 0).
pub async fn kudos(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<Count>> {
    let mut sql = Sql::new(
        "SELECT from_department_id AS customer, to_department_id AS provider, \
         COUNT(*) AS events, CAST(0 AS BIGINT) AS good FROM kudos \
         WHERE from_department_id <> to_department_id AND created_at >= ",
    );
    sql.int(from).push(" AND created_at < ").int(to);
    push_pairs(&mut sql, pairs, "from_department_id", "to_department_id");
    sql.push(" GROUP BY from_department_id, to_department_id");
    counts(db, sql).await
}

/// Concerns from the customer about the provider raised by `at` and not resolved then
/// (`events`; `good` is 0).
pub async fn open_concerns(
    db: &Db,
    pairs: Pairs,
    raised_by_day: &str,
    at: i64,
) -> Result<Vec<Count>> {
    let mut sql = Sql::new(
        "SELECT customer_department_id AS customer, about_department_id AS provider, \
         COUNT(*) AS events, CAST(0 AS BIGINT) AS good FROM concerns \
         WHERE customer_department_id IS NOT NULL AND raised_on <= ",
    );
    sql.text(raised_by_day)
        .push(" AND (resolved_at IS NULL OR resolved_at > ")
        .int(at)
        .push(")");
    push_pairs(
        &mut sql,
        pairs,
        "customer_department_id",
        "about_department_id",
    );
    sql.push(" GROUP BY customer_department_id, about_department_id");
    counts(db, sql).await
}

/// Requests filed in the window, per pair of the requester's department and each
/// department that held them (`events`; `good` counts those resolved).
pub async fn traffic(db: &Db, pairs: Pairs, from: i64, to: i64) -> Result<Vec<Count>> {
    let mut current = Sql::new(
        "SELECT requester_department_id AS customer, provider_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END), \
         0) AS good FROM requests WHERE requester_department_id <> provider_department_id \
         AND created_at >= ",
    );
    current.int(from).push(" AND created_at < ").int(to);
    push_pairs(
        &mut current,
        pairs,
        "requester_department_id",
        "provider_department_id",
    );
    current.push(" GROUP BY requester_department_id, provider_department_id");
    let mut past = Sql::new(
        "SELECT r.requester_department_id AS customer, st.department_id AS provider, \
         COUNT(*) AS events, CAST(0 AS BIGINT) AS good FROM request_stints st \
         JOIN requests r ON r.id = st.request_id \
         WHERE r.requester_department_id <> st.department_id AND r.created_at >= ",
    );
    past.int(from).push(" AND r.created_at < ").int(to);
    push_pairs(
        &mut past,
        pairs,
        "r.requester_department_id",
        "st.department_id",
    );
    past.push(" GROUP BY r.requester_department_id, st.department_id");
    let mut all = counts(db, current).await?;
    all.extend(counts(db, past).await?);
    Ok(merged(all))
}

/// The ids of pulses closed in the window.
pub async fn pulses_closed(db: &Db, from: i64, to: i64) -> Result<Vec<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM pulses WHERE closed_at IS NOT NULL AND closed_at >= $1 \
         AND closed_at < $2 ORDER BY closed_at, id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?))
}

/// The parts' weights as stored (JSON).
pub async fn weights(db: &Db) -> Result<String> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT health_weights FROM org_settings WHERE id = 1"
    )
    .fetch_one(pool)
    .await?))
}

pub async fn put_weights(tx: &mut crate::Tx, json: &str) -> Result<()> {
    crate::on_tx!(tx, |conn| sqlx::query(
        "UPDATE org_settings SET health_weights = $1 WHERE id = 1"
    )
    .bind(json)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// An occurrence delivered after its due time, or not at all, due in the window.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LateOccurrence {
    pub occurrence_id: i64,
    pub deliverable_id: i64,
    pub customer: i64,
    pub provider: i64,
    pub due_at: i64,
    pub delivered_at: Option<i64>,
    /// When the deliverable's next occurrence falls due: a missing one is superseded
    /// then, and the next one's own lateness counts from there.
    pub next_due_at: Option<i64>,
}

/// Occurrences due in `[from, min(to, now))` that came late or not at all.
pub async fn late_occurrences(
    db: &Db,
    pairs: Pairs,
    from: i64,
    to: i64,
    now: i64,
) -> Result<Vec<LateOccurrence>> {
    let mut sql = Sql::new(
        "SELECT o.id AS occurrence_id, d.id AS deliverable_id, \
         d.customer_department_id AS customer, d.provider_department_id AS provider, \
         o.due_at, o.delivered_at, (SELECT min(n.due_at) FROM occurrences n \
         WHERE n.deliverable_id = o.deliverable_id AND n.due_at > o.due_at) AS next_due_at \
         FROM occurrences o \
         JOIN deliverables d ON d.id = o.deliverable_id \
         WHERE (o.delivered_at IS NULL OR o.delivered_at > o.due_at) AND o.due_at >= ",
    );
    sql.int(from).push(" AND o.due_at < ").int(to.min(now));
    push_pairs(
        &mut sql,
        pairs,
        "d.customer_department_id",
        "d.provider_department_id",
    );
    sql.push(" ORDER BY d.provider_department_id, d.customer_department_id, o.due_at");
    read_rows(db, sql).await
}

/// The declared dependencies in force (proposed or agreed): customer, provider and the
/// criticality, most critical first per pair.
pub async fn declared(db: &Db) -> Result<Vec<(i64, i64, String)>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT customer_department_id, provider_department_id, criticality \
         FROM dependencies WHERE state <> 'retired' \
         ORDER BY customer_department_id, provider_department_id"
    )
    .fetch_all(pool)
    .await?))
}
