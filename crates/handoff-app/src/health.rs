//! Relationship health: for every ordered pair of departments (customer, provider) with
//! any activity in the 90 days before a chosen instant, the parts that say how well the
//! provider serves the customer, the score they make, and what stands beside it (kudos,
//! open concerns); a pair's evidence and 12-month trend; the bottlenecks. The figures are
//! counted in the database per pair; `handoff_domain::health` weighs them.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use handoff_domain::access::Actor;
use handoff_domain::dependency::Criticality;
use handoff_domain::feedback::pulse::{Slice, disclose};
use handoff_domain::feedback::rating::LOW_SCORE;
use handoff_domain::health::links::{self, Stretch};
use handoff_domain::health::{
    self as rules, Assessment, Bottleneck, Judgement, Part, Tallies, Tally, Wait, Weights, assess,
    rank_bottlenecks,
};
use handoff_domain::request::RequestEvent;
use handoff_store::health::{
    self, Count, HeldClockRow, LateConcern, LateOccurrence, LowRating, Pairs,
};
use handoff_store::history;
use handoff_store::slas::Timekeeping;
use handoff_store::{StoreError, from_micros, pulses, settings, to_micros};
use jiff::{SignedDuration, Timestamp, ToSpan, Unit};

use crate::App;
use crate::error::{ActionError, ActionResult};

/// The length of the rolling window a score is computed over.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(90 * 24);

/// Points in a pair's trend: one window ending at each of the last 12 month ends.
pub const TREND_MONTHS: usize = 12;

/// The most requests or occurrences a piece of evidence lists (the largest first).
pub const EVIDENCE_MAX: usize = 50;

/// One ordered pair's health at an instant.
#[derive(Debug, Clone)]
pub struct PairHealth {
    pub customer: i64,
    pub provider: i64,
    pub assessment: Assessment,
    /// Kudos from the customer's people to the provider or its people, in the window.
    pub kudos: i64,
    /// The customer's concerns about the provider not resolved at the instant.
    pub open_concerns: i64,
    /// Requests the customer filed that the provider held, in the window.
    pub requests: i64,
}

/// The window `[from, to)` ending at `at`, and the one before it.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Window {
    pub fn ending(at: Timestamp) -> Window {
        Window {
            from: at.checked_sub(WINDOW).unwrap_or(Timestamp::MIN),
            to: at,
        }
    }

    pub fn previous(self) -> Window {
        Window::ending(self.from)
    }

    fn micros(self) -> (i64, i64) {
        (to_micros(self.from), to_micros(self.to))
    }
}

/// The weights the organisation gives the parts.
pub async fn weights(app: &App) -> ActionResult<Weights> {
    let json = health::weights(&app.db).await?;
    decode_weights(&json)
}

fn decode_weights(json: &str) -> ActionResult<Weights> {
    let map: BTreeMap<Part, u32> = serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "stored health weights do not parse");
        ActionError::Internal
    })?;
    Weights::new(map).map_err(|e| {
        tracing::error!(error = ?e, "stored health weights are not valid");
        ActionError::Internal
    })
}

/// Changes the weights (admins only); a part left out keeps its default.
pub async fn set_weights(
    app: &App,
    actor: &Actor,
    weights: BTreeMap<Part, u32>,
) -> ActionResult<Weights> {
    if !actor.is_admin() {
        return Err(ActionError::forbidden(
            "only administrators change the weights of relationship health",
        ));
    }
    let weights = Weights::new(weights).map_err(ActionError::Invalid)?;
    let json = serde_json::to_string(&weights).map_err(|e| {
        tracing::error!(error = %e, "health weights do not serialise");
        ActionError::Internal
    })?;
    let mut tx = app.db.begin().await?;
    health::put_weights(&mut tx, &json).await?;
    tx.commit().await?;
    Ok(weights)
}

/// Every part's tally per pair in `window`, as counted in the database.
pub(crate) async fn tallies(
    app: &App,
    pairs: Pairs,
    window: Window,
) -> ActionResult<BTreeMap<(i64, i64), Tallies>> {
    let (from, to) = window.micros();
    let now = to_micros(app.clock.now());
    let mut by_pair: BTreeMap<(i64, i64), Tallies> = BTreeMap::new();
    let mut add = |part: Part, counts: Vec<Count>, points: &dyn Fn(&Count) -> f64| {
        for c in counts.iter().filter(|c| c.customer != c.provider) {
            let tally = Tally {
                events: u64::try_from(c.events).unwrap_or(0),
                points: points(c),
            };
            by_pair
                .entry((c.customer, c.provider))
                .or_default()
                .0
                .entry(part)
                .or_default()
                .merge(tally);
        }
    };
    let share = |c: &Count| c.good as f64 * 100.0;
    add(
        Part::Sla,
        health::sla(&app.db, pairs, from, to).await?,
        &share,
    );
    // Requests that waited on linked requests: judged one by one, the wait taken out.
    let parents = health::parent_clocks(&app.db, pairs, from, to).await?;
    let verdicts = judged(app, parents, window)
        .await?
        .into_iter()
        .filter_map(|(c, j)| {
            j.verdict.map(|met| Count {
                customer: c.customer,
                provider: c.provider,
                events: 1,
                good: i64::from(met),
            })
        });
    add(Part::Sla, verdicts.collect(), &share);
    add(
        Part::DeliverablesOnTime,
        health::deliverables_on_time(&app.db, pairs, from, to, now).await?,
        &share,
    );
    add(
        Part::DeliverablesAccurate,
        health::deliverables_accurate(&app.db, pairs, from, to).await?,
        &share,
    );
    add(
        Part::Concerns,
        health::concerns(&app.db, pairs, from, to).await?,
        &share,
    );
    // A score of 1 to 5 is worth 0 to 100.
    let scores = |c: &Count| (c.good - c.events) as f64 * 25.0;
    add(
        Part::Satisfaction,
        health::ratings(&app.db, pairs, from, to).await?,
        &scores,
    );
    add(
        Part::Pulse,
        pulse_counts(app, pairs, window).await?,
        &scores,
    );
    Ok(by_pair)
}

/// The results of pulses closed in the window that are shown above the anonymity
/// threshold, per pair: what anyone may read of them, and nothing more.
async fn pulse_counts(app: &App, pairs: Pairs, window: Window) -> ActionResult<Vec<Count>> {
    let (from, to) = window.micros();
    let threshold = settings::get(&app.db).await?.anonymity_threshold;
    let threshold = u32::try_from(threshold).unwrap_or(u32::MAX);
    let mut counts = Vec::new();
    for id in health::pulses_closed(&app.db, from, to).await? {
        let scope = pulses::get(&app.db, id).await?;
        let tallies = pulses::tallies(&app.db, id).await?;
        for provider in &scope.providers {
            let slices: Vec<Slice> = scope
                .customers
                .iter()
                .filter(|c| *c != provider)
                .map(|c| Slice {
                    customer_department_id: *c,
                    responses: tallies
                        .iter()
                        .find(|t| {
                            t.provider_department_id == *provider && t.customer_department_id == *c
                        })
                        .map_or(0, |t| u32::try_from(t.responses).unwrap_or(0)),
                })
                .collect();
            let disclosure = disclose(threshold, &slices);
            for t in tallies.iter().filter(|t| {
                t.provider_department_id == *provider
                    && disclosure.shown.contains(&t.customer_department_id)
            }) {
                let count = Count {
                    customer: t.customer_department_id,
                    provider: *provider,
                    events: t.responses,
                    good: t.score_sum,
                };
                if pairs.covers(count.customer, count.provider) {
                    counts.push(count);
                }
            }
        }
    }
    Ok(counts)
}

/// Every pair's health at `at` (the pairs `pairs` selects that had any activity in the
/// window: a part's events, kudos, an open concern or a request).
pub async fn pairs_at(app: &App, pairs: Pairs, at: Timestamp) -> ActionResult<Vec<PairHealth>> {
    Ok(read(app, pairs, at).await?.pairs)
}

/// What one reading of the window found: the weights, the tallies of this window and
/// the previous one per pair, and each pair's health made of them. Callers that sum
/// tallies (a scorecard) or need the weights again (a trend) take them from here rather
/// than reading twice.
pub(crate) struct Reading {
    pub weights: Weights,
    pub current: BTreeMap<(i64, i64), Tallies>,
    pub previous: BTreeMap<(i64, i64), Tallies>,
    pub pairs: Vec<PairHealth>,
}

pub(crate) async fn read(app: &App, pairs: Pairs, at: Timestamp) -> ActionResult<Reading> {
    let window = Window::ending(at);
    let weights = weights(app).await?;
    let current = tallies(app, pairs, window).await?;
    let previous = tallies(app, pairs, window.previous()).await?;
    let (from, to) = window.micros();
    let by_pair = |counts: Vec<Count>| -> BTreeMap<(i64, i64), i64> {
        counts
            .into_iter()
            .filter(|c| c.customer != c.provider)
            .map(|c| ((c.customer, c.provider), c.events))
            .collect()
    };
    let kudos = by_pair(health::kudos(&app.db, pairs, from, to).await?);
    let day = jiff::tz::TimeZone::UTC.to_datetime(at).date().to_string();
    let open = by_pair(health::open_concerns(&app.db, pairs, &day, to).await?);
    let traffic = by_pair(health::traffic(&app.db, pairs, from, to).await?);
    let keys: BTreeSet<(i64, i64)> = current
        .keys()
        .chain(kudos.keys())
        .chain(open.keys())
        .chain(traffic.keys())
        .copied()
        .collect();
    let empty = Tallies::default();
    let found = keys
        .into_iter()
        .map(|(customer, provider)| PairHealth {
            customer,
            provider,
            assessment: assess(
                current.get(&(customer, provider)).unwrap_or(&empty),
                previous.get(&(customer, provider)).unwrap_or(&empty),
                &weights,
            ),
            kudos: kudos.get(&(customer, provider)).copied().unwrap_or(0),
            open_concerns: open.get(&(customer, provider)).copied().unwrap_or(0),
            requests: traffic.get(&(customer, provider)).copied().unwrap_or(0),
        })
        .collect();
    Ok(Reading {
        weights,
        current,
        previous,
        pairs: found,
    })
}

/// What lies behind a pair's parts: the requests whose targets were breached, the
/// occurrences that came late, the low ratings, the concerns answered late.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub breaches: Vec<Breach>,
    pub late: Vec<LateOccurrence>,
    /// Ratings of [`LOW_SCORE`] or less, lowest first (confidential requests left out).
    pub low_ratings: Vec<LowRating>,
    /// Concerns whose target passed unanswered, oldest first.
    pub late_concerns: Vec<LateConcern>,
    /// Whether the viewer may read the breaches: people of the two departments (who
    /// may read the pair's requests) and administrators. For anyone else the list is
    /// empty; the clocks still count in the SLA part.
    pub requests_listed: bool,
    /// Whether the viewer may read the low ratings and late concerns: the provider's
    /// people and administrators, as a rating and a concern are read on their own (the
    /// customer's other people do not read their colleagues' ratings). For anyone else
    /// both lists are empty; the ratings and concerns still count in their parts.
    pub feedback_listed: bool,
}

/// Whether `viewer` may read the requests behind a pair's figures: the pair's two
/// departments and administrators (a confidential request is never listed).
pub fn lists_requests(viewer: &Actor, customer: i64, provider: i64) -> bool {
    viewer.is_admin() || viewer.department_id == customer || viewer.department_id == provider
}

/// Empties the request lists of the bottlenecks' evidence that `viewer` may not read
/// (see [`lists_requests`]); the minutes stay.
pub fn withhold_requests(views: &mut [BottleneckView], viewer: &Actor) {
    for view in views {
        let provider = view.bottleneck.department_id;
        for e in &mut view.evidence {
            e.requests_listed = lists_requests(viewer, e.customer, provider);
            if !e.requests_listed {
                e.request_ids.clear();
            }
        }
    }
}

/// A target the provider was past at some time in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub request_id: i64,
    /// `first_response` or `resolution`.
    pub target: String,
    /// Business minutes used beyond the target by the clock's stop or the window's end
    /// (time waiting on linked requests taken out).
    pub minutes_beyond: i64,
    /// Not stopped at the window's end: still open (or waiting) past its target.
    pub open: bool,
}

/// The clocks `clocks` judged in `window`, each in its holder's calendar, the time
/// their requests waited on linked requests held by others taken out of what they
/// counted meanwhile.
async fn judged(
    app: &App,
    clocks: Vec<HeldClockRow>,
    window: Window,
) -> ActionResult<Vec<(HeldClockRow, Judgement)>> {
    let parents: Vec<i64> = clocks
        .iter()
        .filter(|c| c.waits_on_links)
        .map(|c| c.request_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let waits = link_waits(app, &parents).await?;
    // Time not yet lived is not counted: a window ending in the future is judged as of
    // now (and stays inside the calendars' horizon whatever `at` was asked for).
    let to = window.to.min(app.clock.now());
    let from = window.from.min(to);
    let mut timekeeping: BTreeMap<i64, Timekeeping> = BTreeMap::new();
    let mut out = Vec::with_capacity(clocks.len());
    for c in clocks {
        if let Entry::Vacant(slot) = timekeeping.entry(c.provider) {
            slot.insert(app.timekeeping(c.provider).await?);
        }
        let work = timekeeping[&c.provider].work(c.calendar_time);
        let held = rules::HeldClock {
            allowed: SignedDuration::from_micros(c.allowed_micros),
            used: SignedDuration::from_micros(c.used_micros),
            running_since: c.running_since.map(from_micros),
            stopped_at: c.stopped_at.map(from_micros),
            passed_at: c.passed_at.map(from_micros),
            started_at: from_micros(c.started_at),
        };
        // A linked request held by the clock's own department is no wait on another.
        let links: Vec<Stretch> = match c.waits_on_links {
            true => waits
                .get(&c.request_id)
                .into_iter()
                .flatten()
                .filter(|(holder, _)| *holder != c.provider)
                .map(|(_, stretch)| *stretch)
                .collect(),
            false => Vec::new(),
        };
        let judgement = rules::judge(&held, &links, from, to, work)
            .map_err(|e| StoreError::Corrupt(format!("calendar arithmetic: {e}")))?;
        out.push((c, judgement));
    }
    Ok(out)
}

/// For each of `parents`, the stretches during which a department held one of its
/// linked requests while the parent's resolution clock ran, each with that department.
async fn link_waits(
    app: &App,
    parents: &[i64],
) -> ActionResult<BTreeMap<i64, Vec<(i64, Stretch)>>> {
    let mut waits: BTreeMap<i64, Vec<(i64, Stretch)>> = BTreeMap::new();
    if parents.is_empty() {
        return Ok(waits);
    }
    let children = health::linked(&app.db, parents).await?;
    let child_ids: Vec<i64> = children.iter().map(|l| l.child_id).collect();
    let by_request = |entries: Vec<history::Entry>| {
        let mut map: BTreeMap<i64, Vec<(Timestamp, RequestEvent)>> = BTreeMap::new();
        for e in entries {
            map.entry(e.request_id)
                .or_default()
                .push((from_micros(e.at), e.event));
        }
        map
    };
    let clocks = by_request(history::of_many(&app.db, parents, &history::CLOCK_MOVES).await?);
    let held = by_request(history::of_many(&app.db, &child_ids, &history::CUSTODY).await?);
    fn of(
        map: &BTreeMap<i64, Vec<(Timestamp, RequestEvent)>>,
        id: i64,
    ) -> &[(Timestamp, RequestEvent)] {
        map.get(&id).map_or(&[][..], Vec::as_slice)
    }
    for l in children {
        let running = links::running(of(&clocks, l.parent_id));
        let entry = waits.entry(l.parent_id).or_default();
        for (holder, stretch) in links::held(of(&held, l.child_id), l.holder) {
            // A parent whose history has no clock events counts its whole holding.
            match &running {
                Some(running) => entry.extend(
                    links::overlap(&[stretch], running)
                        .into_iter()
                        .map(|s| (holder, s)),
                ),
                None => entry.push((holder, stretch)),
            }
        }
    }
    Ok(waits)
}

/// One point of a pair's trend: the score of the window ending at `at`.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    pub at: Timestamp,
    pub score: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct PairDetail {
    pub health: PairHealth,
    pub evidence: Evidence,
    /// Oldest first, the last at `at`.
    pub trend: Vec<TrendPoint>,
}

/// One pair's health at `at` with its evidence and 12-month trend. A pair with no
/// activity answers with empty parts (not "not found"): a relationship may be quiet.
pub async fn pair(
    app: &App,
    viewer: &Actor,
    customer: i64,
    provider: i64,
    at: Timestamp,
) -> ActionResult<PairDetail> {
    app.known_departments(&[
        ("customer_department_id", Some(customer)),
        ("provider_department_id", Some(provider)),
    ])
    .await
    .map_err(|e| match e {
        ActionError::Invalid(_) => ActionError::NotFound("department"),
        other => other,
    })?;
    if customer == provider {
        return Err(ActionError::field(
            "provider_department_id",
            "a relationship is between two different departments",
        ));
    }
    let pairs = Pairs::One { customer, provider };
    let reading = read(app, pairs, at).await?;
    let weights = reading.weights;
    let health = reading
        .pairs
        .into_iter()
        .next()
        .unwrap_or_else(|| PairHealth {
            customer,
            provider,
            assessment: assess(&Tallies::default(), &Tallies::default(), &weights),
            kudos: 0,
            open_concerns: 0,
            requests: 0,
        });
    let window = Window::ending(at);
    let (from, to) = window.micros();
    let now = to_micros(app.clock.now());
    let requests_listed = lists_requests(viewer, customer, provider);
    let overruns = match requests_listed {
        true => health::overruns(&app.db, pairs, from, to).await?,
        false => Vec::new(),
    };
    let mut breaches: Vec<Breach> = judged(app, overruns, window)
        .await?
        .into_iter()
        // Confidential requests count in the figures but are not named to everyone.
        .filter(|(c, j)| !c.confidential && j.beyond.is_positive())
        .map(|(c, j)| Breach {
            request_id: c.request_id,
            target: c.target,
            minutes_beyond: j.beyond.as_mins(),
            open: c.stopped_at.is_none_or(|s| s >= to),
        })
        .collect();
    breaches.sort_by_key(|b| (std::cmp::Reverse(b.minutes_beyond), b.request_id));
    breaches.truncate(EVIDENCE_MAX);
    let mut late = health::late_occurrences(&app.db, pairs, from, to, now).await?;
    late.truncate(EVIDENCE_MAX);
    // What a customer said of a provider is read by the provider and admins, as a
    // rating or a concern is on its own, not by everyone who may see the score.
    let feedback_listed = viewer.is_admin() || viewer.department_id == provider;
    let (mut low_ratings, mut late_concerns) = (Vec::new(), Vec::new());
    if feedback_listed {
        low_ratings = health::low_ratings(&app.db, pairs, from, to, LOW_SCORE).await?;
        low_ratings.retain(|r| !r.confidential);
        low_ratings.truncate(EVIDENCE_MAX);
        late_concerns = health::late_concerns(&app.db, pairs, from, to).await?;
        late_concerns.truncate(EVIDENCE_MAX);
    }
    let mut trend = Vec::with_capacity(TREND_MONTHS);
    for months_back in (0..TREND_MONTHS).rev() {
        let end = month_end_before(at, months_back)?;
        let window = Window::ending(end);
        let now_tallies = tallies(app, pairs, window).await?;
        let score = now_tallies
            .get(&(customer, provider))
            .map(|t| assess(t, &Tallies::default(), &weights).score)
            .unwrap_or(None);
        trend.push(TrendPoint { at: end, score });
    }
    Ok(PairDetail {
        health,
        evidence: Evidence {
            breaches,
            late,
            low_ratings,
            late_concerns,
            requests_listed,
            feedback_listed,
        },
        trend,
    })
}

/// `at` itself for 0; otherwise the start (UTC) of the month `months_back - 1` months
/// before `at`'s month: the trend's points fall on month boundaries, the last at `at`.
fn month_end_before(at: Timestamp, months_back: usize) -> ActionResult<Timestamp> {
    if months_back == 0 {
        return Ok(at);
    }
    let utc = jiff::tz::TimeZone::UTC;
    let back = i64::try_from(months_back - 1).unwrap_or(0);
    utc.to_datetime(at)
        .date()
        .first_of_month()
        .checked_sub(back.months())
        .and_then(|day| utc.to_timestamp(day.to_datetime(jiff::civil::Time::midnight())))
        .map_err(|e| {
            tracing::warn!(error = %e, "month arithmetic out of range");
            ActionError::field("at", "too far in the past or future")
        })
}

/// A department ranked by how much it holds others back, with its evidence per customer.
#[derive(Debug, Clone)]
pub struct BottleneckView {
    pub bottleneck: Bottleneck,
    pub evidence: Vec<BottleneckEvidence>,
}

#[derive(Debug, Clone)]
pub struct BottleneckEvidence {
    pub customer: i64,
    /// Whether `request_ids` lists them for the viewer ([`withhold_requests`]).
    pub requests_listed: bool,
    pub business_minutes_beyond_target: i64,
    pub criticality: Option<Criticality>,
    pub request_ids: Vec<i64>,
    pub occurrence_ids: Vec<i64>,
}

/// Departments ranked by the business time other departments' work waited on them
/// beyond their targets in the window ending at `at`: the part in the window of their
/// stints' resolution clocks past target (linked requests they held are requests too;
/// the time a request waited on its linked requests is taken out of its holder's, see
/// `handoff_domain::health::judge`), and their late deliverables, weighted by
/// criticality and by how many departments wait.
pub async fn bottlenecks(app: &App, at: Timestamp) -> ActionResult<Vec<BottleneckView>> {
    let window = Window::ending(at);
    let (from, to) = window.micros();
    let now = to_micros(app.clock.now());
    let mut criticality: BTreeMap<(i64, i64), Criticality> = BTreeMap::new();
    for (customer, provider, c) in health::declared(&app.db).await? {
        let Some(c) = Criticality::parse(&c) else {
            return Err(StoreError::Corrupt(format!("dependency criticality {c}")).into());
        };
        let entry = criticality.entry((customer, provider)).or_insert(c);
        if c.weight() > entry.weight() {
            *entry = c;
        }
    }
    // Per (provider, customer): minutes, requests and occurrences, each with its minutes.
    #[derive(Default)]
    struct Held {
        minutes: i64,
        requests: BTreeMap<i64, i64>,
        occurrences: Vec<(i64, i64)>,
    }
    let mut held: BTreeMap<(i64, i64), Held> = BTreeMap::new();
    let overruns = health::overruns(&app.db, Pairs::All, from, to).await?;
    for (o, judgement) in judged(app, overruns, window).await? {
        if o.target != "resolution" {
            continue;
        }
        let minutes = judgement.beyond_in_window.as_mins();
        if minutes <= 0 {
            continue;
        }
        let entry = held.entry((o.provider, o.customer)).or_default();
        entry.minutes += minutes;
        // Confidential requests count in the minutes but are not named as evidence.
        if !o.confidential {
            *entry.requests.entry(o.request_id).or_default() += minutes;
        }
    }
    let mut timekeeping = BTreeMap::new();
    for o in health::late_occurrences(&app.db, Pairs::All, from, to, now).await? {
        if let Entry::Vacant(slot) = timekeeping.entry(o.provider) {
            slot.insert(app.timekeeping(o.provider).await?);
        }
        let work = timekeeping[&o.provider].work(false);
        // A missing occurrence is waited on until it comes, or until the next one
        // falls due: from then the next one's lateness counts, so a deliverable never
        // sent adds a period of waiting per occurrence, not a pile growing with each.
        let until = o
            .delivered_at
            .unwrap_or(to)
            .min(o.next_due_at.unwrap_or(to))
            .min(to)
            .min(now);
        let minutes = business_micros(&work, o.due_at, until)? / 60_000_000;
        if minutes <= 0 {
            continue;
        }
        let entry = held.entry((o.provider, o.customer)).or_default();
        entry.minutes += minutes;
        entry.occurrences.push((o.occurrence_id, minutes));
    }
    let waits: Vec<Wait> = held
        .iter()
        .map(|(&(provider, customer), h)| Wait {
            customer,
            provider,
            minutes_beyond: h.minutes,
            criticality_weight: criticality
                .get(&(customer, provider))
                .map_or(1, |c| c.weight() as u32),
        })
        .collect();
    Ok(rank_bottlenecks(&waits)
        .into_iter()
        .map(|bottleneck| {
            let evidence = bottleneck
                .pairs
                .iter()
                .map(|p| {
                    let h = held.get(&(bottleneck.department_id, p.customer));
                    let mut requests: Vec<(i64, i64)> = h
                        .map(|h| h.requests.iter().map(|(r, m)| (*r, *m)).collect())
                        .unwrap_or_default();
                    requests.sort_by_key(|(id, m)| (std::cmp::Reverse(*m), *id));
                    let mut occurrences = h.map(|h| h.occurrences.clone()).unwrap_or_default();
                    occurrences.sort_by_key(|(id, m)| (std::cmp::Reverse(*m), *id));
                    BottleneckEvidence {
                        customer: p.customer,
                        requests_listed: true,
                        business_minutes_beyond_target: p.minutes_beyond,
                        criticality: criticality
                            .get(&(p.customer, bottleneck.department_id))
                            .copied(),
                        request_ids: requests
                            .into_iter()
                            .take(EVIDENCE_MAX)
                            .map(|(id, _)| id)
                            .collect(),
                        occurrence_ids: occurrences
                            .into_iter()
                            .take(EVIDENCE_MAX)
                            .map(|(id, _)| id)
                            .collect(),
                    }
                })
                .collect();
            BottleneckView {
                bottleneck,
                evidence,
            }
        })
        .collect())
}

/// Business time between two instants (micros), 0 when `until` is not after `since`.
fn business_micros(
    work: &handoff_domain::sla::Clockwork,
    since: i64,
    until: i64,
) -> ActionResult<i64> {
    if until <= since {
        return Ok(0);
    }
    let span = work
        .between(from_micros(since), from_micros(until))
        .map_err(|e| StoreError::Corrupt(format!("calendar arithmetic: {e}")))?;
    Ok(span.as_micros().try_into().unwrap_or(i64::MAX))
}

/// Rounds an instant given by a caller to the microsecond the database keeps.
pub fn instant(at: Timestamp) -> Timestamp {
    at.round(Unit::Microsecond).unwrap_or(at)
}
