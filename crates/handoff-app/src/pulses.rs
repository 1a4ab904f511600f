//! Relationship pulses: a manager (for their department) or an admin (for any) asks every
//! active person of the chosen customer departments "How well does <provider> serve
//! you?" until the pulse closes. Answers are anonymous; results are shown once the pulse
//! has closed, only where enough people answered (see the domain's `pulse` module), so
//! that neither a small group nor the difference between two readings over time gives
//! an answer away.
//!
//! A response is stored under a key hashed from the pulse's secret, the person and the
//! provider, so that a second answer replaces the first; the secret is erased when the
//! pulse closes, after which no answer can be tied to anyone.

use std::collections::{BTreeMap, BTreeSet};

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::feedback::pulse::{Disclosure, Slice, disclose, mean};
use handoff_domain::feedback::rating::check_score;
use handoff_domain::validation::optional_text;
use handoff_store::pulses::{self, Pulse, PulseScope, Response, Tally, Texts};
use handoff_store::{departments, from_micros, settings, to_micros};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::notify::tell;

/// Longest answer text.
pub const ANSWER_MAX: usize = 2_000;
/// Longest a pulse stays open.
pub const MAX_OPEN: SignedDuration = SignedDuration::from_hours(90 * 24);

pub struct StartPulse {
    pub provider_department_ids: Vec<i64>,
    pub customer_department_ids: Vec<i64>,
    pub closes_at: Timestamp,
}

#[tracing::instrument(name = "start_pulse", skip_all, fields(actor = actor.person_id))]
pub async fn start(app: &App, actor: &Actor, command: StartPulse) -> ActionResult<PulseScope> {
    let now = app.clock.now();
    let mut errors = FieldErrors::new();
    let providers = distinct(&command.provider_department_ids);
    let customers = distinct(&command.customer_department_ids);
    if providers.is_empty() {
        errors.add(
            "provider_department_ids",
            "name at least one department to ask about",
        );
    }
    if customers.is_empty() {
        errors.add(
            "customer_department_ids",
            "name at least one department to ask",
        );
    }
    for (field, ids) in [
        ("provider_department_ids", &providers),
        ("customer_department_ids", &customers),
    ] {
        for id in ids {
            if departments::get(&app.db, *id).await.is_err() {
                errors.add(field, format!("no department has id {id}"));
            }
        }
    }
    if !actor.is_admin() && providers.iter().any(|p| *p != actor.department_id) {
        return Err(ActionError::forbidden(
            "a manager starts pulses about their own department; admins about any",
        ));
    }
    if !actor.is_admin() && !actor.manages(actor.department_id) {
        return Err(ActionError::forbidden("managers and admins start pulses"));
    }
    if !providers.iter().any(|p| customers.iter().any(|c| c != p)) && errors.is_empty() {
        errors.add(
            "customer_department_ids",
            "a department is not asked about itself: name customers other than the provider",
        );
    }
    if command.closes_at <= now {
        errors.add("closes_at", "must be in the future");
    } else if command.closes_at.duration_since(now) > MAX_OPEN {
        errors.add("closes_at", "a pulse stays open at most 90 days");
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let at = to_micros(now);
    let mut tx = app.db.begin().await?;
    let (id, _) = pulses::create(
        &mut tx,
        actor.person_id,
        at,
        to_micros(command.closes_at),
        &secret,
        &providers,
        &customers,
    )
    .await?;
    let names = departments::names(&app.db, &providers).await?;
    let about: Vec<String> = providers
        .iter()
        .filter_map(|p| names.get(p).cloned())
        .collect();
    let mut asked = Vec::new();
    for customer in &customers {
        asked.extend(handoff_store::people::active_in_department(&app.db, *customer, false).await?);
    }
    let message = format!(
        "How well does {} serve you? A pulse asks you until {} (anonymous).",
        about.join(", "),
        command.closes_at
    );
    tell(&mut tx, &asked, None, "pulse", &message, at).await?;
    tx.commit().await?;
    Ok(pulses::get(&app.db, id).await?)
}

fn distinct(ids: &[i64]) -> Vec<i64> {
    ids.iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Who sees a pulse and its results: admins, its creator, and the departments in it.
fn may_see(actor: &Actor, scope: &PulseScope) -> bool {
    actor.is_admin()
        || scope.pulse.created_by == actor.person_id
        || scope.providers.contains(&actor.department_id)
        || scope.customers.contains(&actor.department_id)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> ActionResult<PulseScope> {
    let scope = pulses::get(&app.db, id).await.map_err(or_404("pulse"))?;
    if may_see(actor, &scope) {
        Ok(scope)
    } else {
        Err(ActionError::NotFound("pulse"))
    }
}

pub async fn list(
    app: &App,
    actor: &Actor,
    before: i64,
    limit: i64,
) -> ActionResult<Vec<PulseScope>> {
    let reader = (!actor.is_admin()).then_some((actor.person_id, actor.department_id));
    Ok(pulses::list(&app.db, reader, before, limit).await?)
}

/// Closes a pulse before its time: its creator or an admin.
pub async fn close(app: &App, actor: &Actor, id: i64) -> ActionResult<PulseScope> {
    let scope = get(app, actor, id).await?;
    if !(actor.is_admin() || scope.pulse.created_by == actor.person_id) {
        return Err(ActionError::forbidden(
            "the pulse's creator or an admin closes it",
        ));
    }
    let mut tx = app.db.begin().await?;
    pulses::close(&mut tx, Some(id), to_micros(app.clock.now())).await?;
    tx.commit().await?;
    Ok(pulses::get(&app.db, id).await?)
}

/// Closes the pulses whose time has come, erasing their secrets (the worker's pass).
pub async fn close_due(app: &App) -> ActionResult<Vec<i64>> {
    let now = to_micros(app.clock.now());
    if !pulses::any_to_close(&app.db, now).await? {
        return Ok(Vec::new());
    }
    let mut tx = app.db.begin().await?;
    let closed = pulses::close(&mut tx, None, now).await?;
    tx.commit().await?;
    Ok(closed)
}

pub struct Answer {
    pub provider_department_id: i64,
    pub score: i32,
    pub works: String,
    pub change: String,
}

fn response_key(secret: &[u8], pulse: i64, person: i64, provider: i64) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(secret);
    hash.update(pulse.to_be_bytes());
    hash.update(person.to_be_bytes());
    hash.update(provider.to_be_bytes());
    hash.finalize().to_vec()
}

/// Answers a pulse about one provider, anonymously; a second answer replaces the first.
/// Not instrumented with the actor, and nothing it returns leads back to them.
#[tracing::instrument(name = "answer_pulse", skip_all)]
pub async fn answer(app: &App, actor: &Actor, id: i64, answer: Answer) -> ActionResult<()> {
    let scope = get(app, actor, id).await?;
    let Some(department) = pulses::invitee(&app.db, id, actor.person_id).await? else {
        return Err(ActionError::forbidden("this pulse did not ask you"));
    };
    let now = app.clock.now();
    let mut errors = FieldErrors::new();
    let provider = answer.provider_department_id;
    if !scope.providers.contains(&provider) {
        errors.add(
            "provider_department_id",
            "this pulse does not ask about that department",
        );
    } else if provider == department {
        errors.add(
            "provider_department_id",
            "a department is not asked about itself",
        );
    }
    if let Err(e) = check_score(answer.score) {
        errors.add("score", e.to_string());
    }
    let works = optional_text(&mut errors, "works", &answer.works, ANSWER_MAX);
    let change = optional_text(&mut errors, "change", &answer.change, ANSWER_MAX);
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let closed = || {
        ActionError::conflict(
            "pulse_closed",
            Some("pulse_id"),
            format!("the pulse closed on {}", from_micros(scope.pulse.closes_at)),
        )
    };
    let Some(secret) = pulses::secret(&app.db, id).await? else {
        return Err(closed());
    };
    let key = response_key(&secret, id, actor.person_id, provider);
    let day = TimeZone::UTC.to_datetime(now).date().to_string();
    let response = Response {
        provider_department_id: provider,
        customer_department_id: department,
        score: answer.score,
        works,
        change,
    };
    let mut tx = app.db.begin().await?;
    if !pulses::answer(&mut tx, id, &key, &response, &day, to_micros(now)).await? {
        return Err(closed());
    }
    tx.commit().await?;
    Ok(())
}

/// A pulse waiting on a person: the providers they have not answered about yet.
pub struct PulseAsk {
    pub pulse: Pulse,
    pub providers: Vec<i64>,
}

/// The open pulses that ask `actor` about providers they have not answered for.
pub async fn waiting(app: &App, actor: &Actor) -> ActionResult<Vec<PulseAsk>> {
    let now = to_micros(app.clock.now());
    let mut out = Vec::new();
    for (pulse, department) in pulses::open_for(&app.db, actor.person_id, now).await? {
        let Some(secret) = pulses::secret(&app.db, pulse.id).await? else {
            continue;
        };
        let scope = pulses::get(&app.db, pulse.id).await?;
        let candidates: Vec<i64> = scope
            .providers
            .into_iter()
            .filter(|p| *p != department)
            .collect();
        let keys: Vec<Vec<u8>> = candidates
            .iter()
            .map(|p| response_key(&secret, pulse.id, actor.person_id, *p))
            .collect();
        let answered = pulses::answered(&app.db, pulse.id, &keys).await?;
        let providers: Vec<i64> = candidates
            .into_iter()
            .zip(keys)
            .filter(|(_, key)| !answered.contains(key))
            .map(|(p, _)| p)
            .collect();
        if !providers.is_empty() {
            out.push(PulseAsk { pulse, providers });
        }
    }
    Ok(out)
}

/// One result: a provider as seen by one customer department, or by all together.
#[derive(Debug, Clone, PartialEq)]
pub struct PulseResult {
    pub provider_department_id: i64,
    /// `None`: all the pulse's customers together.
    pub customer_department_id: Option<i64>,
    pub shown: bool,
    /// Only when shown.
    pub responses: Option<u32>,
    pub score: Option<f64>,
    pub works: Vec<String>,
    pub change: Vec<String>,
    /// Against the previous closed pulse about the same provider, when both are shown.
    pub trend: Option<Trend>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub previous_pulse_id: i64,
    pub previous_score: f64,
    pub change: f64,
}

pub struct PulseResults {
    pub threshold: i32,
    /// Results are shown once the pulse is closed.
    pub closed: bool,
    pub items: Vec<PulseResult>,
}

/// The results of pulse `id`: every pair it asked about (and each provider's total),
/// shown or not.
pub async fn results(app: &App, actor: &Actor, id: i64) -> ActionResult<PulseResults> {
    let scope = get(app, actor, id).await?;
    let threshold = settings::get(&app.db).await?.anonymity_threshold;
    let closed = !scope.pulse.open(to_micros(app.clock.now()));
    let (tallies, texts) = if closed {
        (
            pulses::tallies(&app.db, id).await?,
            pulses::texts(&app.db, id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut items = slices(&scope, &tallies, &texts, threshold, closed);
    if closed {
        // The previous pulse of each provider, read once however many providers share it.
        let mut earlier: BTreeMap<i64, Vec<PulseResult>> = BTreeMap::new();
        for provider in &scope.providers {
            let Some(previous) = pulses::previous(&app.db, &scope.pulse, *provider).await? else {
                continue;
            };
            if let std::collections::btree_map::Entry::Vacant(entry) = earlier.entry(previous) {
                let before_scope = pulses::get(&app.db, previous).await?;
                let before_tallies = pulses::tallies(&app.db, previous).await?;
                entry.insert(slices(&before_scope, &before_tallies, &[], threshold, true));
            }
            let before = &earlier[&previous];
            for item in items
                .iter_mut()
                .filter(|i| i.provider_department_id == *provider)
            {
                let then = before
                    .iter()
                    .find(|b| {
                        b.provider_department_id == *provider
                            && b.customer_department_id == item.customer_department_id
                    })
                    .and_then(|b| b.score);
                if let (Some(now), Some(then)) = (item.score, then) {
                    item.trend = Some(Trend {
                        previous_pulse_id: previous,
                        previous_score: then,
                        change: ((now - then) * 100.0).round() / 100.0,
                    });
                }
            }
        }
    }
    Ok(PulseResults {
        threshold,
        closed,
        items,
    })
}

/// Every (provider, customer) pair of a pulse with what may be shown of it.
fn slices(
    scope: &PulseScope,
    tallies: &[Tally],
    texts: &[Texts],
    threshold: i32,
    closed: bool,
) -> Vec<PulseResult> {
    let threshold = u32::try_from(threshold).unwrap_or(u32::MAX);
    let count = |t: &Tally| u32::try_from(t.responses).unwrap_or(0);
    let mut items = Vec::new();
    for provider in &scope.providers {
        let customers: Vec<i64> = scope
            .customers
            .iter()
            .copied()
            .filter(|c| c != provider)
            .collect();
        let mine: BTreeMap<i64, &Tally> = tallies
            .iter()
            .filter(|t| t.provider_department_id == *provider)
            .map(|t| (t.customer_department_id, t))
            .collect();
        let counts: Vec<Slice> = customers
            .iter()
            .map(|c| Slice {
                customer_department_id: *c,
                responses: mine.get(c).map_or(0, |t| count(t)),
            })
            .collect();
        let disclosure = if closed {
            disclose(threshold, &counts)
        } else {
            Disclosure::default()
        };
        let said: Vec<&Texts> = texts
            .iter()
            .filter(|t| t.provider_department_id == *provider)
            .collect();
        let total = mine
            .values()
            .fold((0, 0), |(n, sum), t| (n + count(t), sum + t.score_sum));
        items.push(result(
            *provider,
            None,
            disclosure.total_shown,
            total,
            &said,
        ));
        for c in customers {
            let tally = mine.get(&c).map_or((0, 0), |t| (count(t), t.score_sum));
            let theirs: Vec<&Texts> = said
                .iter()
                .copied()
                .filter(|t| t.customer_department_id == c)
                .collect();
            items.push(result(
                *provider,
                Some(c),
                disclosure.shown.contains(&c),
                tally,
                &theirs,
            ));
        }
    }
    items
}

/// One result from its count, score sum and texts; nothing of them unless shown.
fn result(
    provider: i64,
    customer: Option<i64>,
    shown: bool,
    (responses, score_sum): (u32, i64),
    texts: &[&Texts],
) -> PulseResult {
    if !shown || responses == 0 {
        return PulseResult {
            provider_department_id: provider,
            customer_department_id: customer,
            shown: false,
            responses: None,
            score: None,
            works: Vec::new(),
            change: Vec::new(),
            trend: None,
        };
    }
    // Sorted, so that the order says nothing about who wrote what, or when.
    let sorted = |pick: fn(&Texts) -> &str| {
        let mut t: Vec<String> = texts
            .iter()
            .map(|r| pick(r).to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        t.sort();
        t
    };
    PulseResult {
        provider_department_id: provider,
        customer_department_id: customer,
        shown: true,
        responses: Some(responses),
        score: Some(mean(score_sum, responses)),
        works: sorted(|r| &r.works),
        change: sorted(|r| &r.change),
        trend: None,
    }
}
