//! What leadership and managers read off relationship health: a department's scorecard
//! (as provider and as customer), the map of who depends on and asks whom, and the
//! overview (least and most healthy relationships, biggest movers, bottlenecks, stories).

use std::collections::{BTreeMap, BTreeSet};

use handoff_domain::dependency::Criticality;
use handoff_domain::health::{Assessment, Tallies, assess};
use handoff_store::dependencies::{self, Dependency, DependencyFilter};
use handoff_store::health::{self, Pairs};
use handoff_store::kudos::{self, Kudos, KudosFilter};
use handoff_store::services::{self, Service, ServiceFilter};
use handoff_store::{StoreError, departments, to_micros};
use jiff::Timestamp;

use crate::App;
use crate::error::{ActionError, ActionResult};
use crate::health::{self as pair_health, BottleneckView, PairHealth};

/// A department seen as a provider and as a customer.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub department: departments::Department,
    /// What it offers.
    pub services: Vec<Service>,
    /// How it serves all its customers together, part by part.
    pub as_provider: Assessment,
    /// Its customers, least healthy first.
    pub customers: Vec<PairHealth>,
    /// Who depends on it.
    pub dependents: Vec<Dependency>,
    /// How all its providers serve it together.
    pub as_customer: Assessment,
    /// Its providers, least healthy first.
    pub providers: Vec<PairHealth>,
    /// Whom it depends on.
    pub depends_on: Vec<Dependency>,
    /// Its place among the bottlenecks, if it holds anyone back.
    pub bottleneck: Option<BottleneckView>,
}

/// The most rows of a list the scorecard and overview show.
const LIST_MAX: i64 = 1_000;

pub async fn scorecard(app: &App, department: i64, at: Timestamp) -> ActionResult<Scorecard> {
    let department = match departments::get(&app.db, department).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => return Err(ActionError::NotFound("department")),
        Err(e) => return Err(e.into()),
    };
    let id = department.id;
    // One reading serves both sides: each side's tallies summed over its pairs, and the
    // pairs themselves.
    let reading = pair_health::read(app, Pairs::Of(id), at).await?;
    let side = |provider: bool| {
        let pick = |all: &BTreeMap<(i64, i64), Tallies>| {
            let mut sum = Tallies::default();
            for ((c, p), t) in all {
                if (provider && *p == id) || (!provider && *c == id) {
                    sum.merge(t);
                }
            }
            sum
        };
        assess(
            &pick(&reading.current),
            &pick(&reading.previous),
            &reading.weights,
        )
    };
    let as_provider = side(true);
    let as_customer = side(false);
    let (mut customers, mut providers): (Vec<_>, Vec<_>) =
        reading.pairs.into_iter().partition(|p| p.provider == id);
    least_healthy_first(&mut customers);
    least_healthy_first(&mut providers);
    let services = services::list(
        &app.db,
        &ServiceFilter {
            department_id: Some(id),
            active: Some(true),
            requestable_by: None,
        },
        0,
        LIST_MAX,
    )
    .await?;
    let in_force = |d: &Dependency| d.state != "retired";
    let mut dependents = dependencies::list(
        &app.db,
        &DependencyFilter {
            provider_department_id: Some(id),
            ..Default::default()
        },
        0,
        LIST_MAX,
    )
    .await?;
    dependents.retain(in_force);
    let mut depends_on = dependencies::list(
        &app.db,
        &DependencyFilter {
            customer_department_id: Some(id),
            ..Default::default()
        },
        0,
        LIST_MAX,
    )
    .await?;
    depends_on.retain(in_force);
    let bottleneck = pair_health::bottlenecks(app, at)
        .await?
        .into_iter()
        .find(|b| b.bottleneck.department_id == id);
    Ok(Scorecard {
        department,
        services,
        as_provider,
        customers,
        dependents,
        as_customer,
        providers,
        depends_on,
        bottleneck,
    })
}

/// Pairs without a score last; the lowest score first.
fn least_healthy_first(pairs: &mut [PairHealth]) {
    pairs.sort_by(|a, b| {
        let key = |p: &PairHealth| p.assessment.score.unwrap_or(f64::INFINITY);
        key(a)
            .total_cmp(&key(b))
            .then((a.customer, a.provider).cmp(&(b.customer, b.provider)))
    });
}

/// A node of the map.
#[derive(Debug, Clone)]
pub struct MapNode {
    pub department_id: i64,
    pub name: String,
    /// Requests filed by or with it in the window, for the node's size.
    pub requests: i64,
}

/// An edge of the map: the customer depends on or asks the provider.
#[derive(Debug, Clone)]
pub struct MapEdge {
    pub customer: i64,
    pub provider: i64,
    /// A dependency in force declares it (its criticality, the highest if several).
    pub declared: Option<Criticality>,
    /// Requests of the window the provider held for the customer.
    pub requests: i64,
    pub score: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    /// The department whose neighbourhood this is, when filtered.
    pub around: Option<i64>,
}

/// The departments as a graph of declared dependencies and observed traffic in the
/// window ending at `at`; with `around`, only that department, its neighbours and the
/// edges among them.
pub async fn map(app: &App, around: Option<i64>, at: Timestamp) -> ActionResult<Map> {
    if let Some(id) = around {
        app.known_departments(&[("department_id", Some(id))])
            .await?;
    }
    let pairs = around.map_or(Pairs::All, Pairs::Of);
    let mut edges: BTreeMap<(i64, i64), MapEdge> = BTreeMap::new();
    let edge = |customer: i64, provider: i64| MapEdge {
        customer,
        provider,
        declared: None,
        requests: 0,
        score: None,
    };
    for (customer, provider, criticality) in health::declared(&app.db).await? {
        if customer == provider || !pairs.covers(customer, provider) {
            continue;
        }
        let c = Criticality::parse(&criticality);
        let e = edges
            .entry((customer, provider))
            .or_insert_with(|| edge(customer, provider));
        if c.map(|c| c.weight()) > e.declared.map(|d| d.weight()) {
            e.declared = c;
        }
    }
    // The pairs' health carries their traffic: one reading, not a second count.
    for p in pair_health::pairs_at(app, pairs, at).await? {
        if p.requests == 0 && !edges.contains_key(&(p.customer, p.provider)) {
            continue;
        }
        let e = edges
            .entry((p.customer, p.provider))
            .or_insert_with(|| edge(p.customer, p.provider));
        e.requests = p.requests;
        e.score = p.assessment.score;
    }
    let mut ids: BTreeSet<i64> = edges.keys().flat_map(|(c, p)| [*c, *p]).collect();
    let all = departments::list(&app.db, 0, i64::MAX).await?;
    match around {
        Some(id) => {
            ids.insert(id);
        }
        None => ids.extend(all.iter().map(|d| d.id)),
    }
    let mut volume: BTreeMap<i64, i64> = BTreeMap::new();
    for e in edges.values() {
        *volume.entry(e.customer).or_default() += e.requests;
        *volume.entry(e.provider).or_default() += e.requests;
    }
    let nodes = all
        .into_iter()
        .filter(|d| ids.contains(&d.id))
        .map(|d| MapNode {
            department_id: d.id,
            requests: volume.get(&d.id).copied().unwrap_or(0),
            name: d.name,
        })
        .collect();
    Ok(Map {
        nodes,
        edges: edges.into_values().collect(),
        around,
    })
}

/// What leadership reads first.
#[derive(Debug, Clone)]
pub struct Overview {
    pub at: Timestamp,
    /// Scored pairs, the least healthy first.
    pub least_healthy: Vec<PairHealth>,
    /// Scored pairs, the healthiest first.
    pub most_healthy: Vec<PairHealth>,
    /// Pairs whose score moved most since the previous window, either way.
    pub movers: Vec<PairHealth>,
    pub bottlenecks: Vec<BottleneckView>,
    /// Recent success stories (featured kudos).
    pub stories: Vec<Kudos>,
}

/// How many of each the overview lists.
pub const OVERVIEW_TOP: usize = 5;

pub async fn overview(app: &App, at: Timestamp) -> ActionResult<Overview> {
    let mut scored: Vec<PairHealth> = pair_health::pairs_at(app, Pairs::All, at)
        .await?
        .into_iter()
        .filter(|p| p.assessment.score.is_some())
        .collect();
    least_healthy_first(&mut scored);
    // With few pairs, a pair is listed among the least healthy or the healthiest, not
    // both.
    let least = OVERVIEW_TOP.min(scored.len().div_ceil(2));
    let least_healthy = scored.iter().take(least).cloned().collect();
    let most_healthy = scored
        .iter()
        .skip(least)
        .rev()
        .take(OVERVIEW_TOP)
        .cloned()
        .collect();
    let mut movers: Vec<PairHealth> = scored
        .into_iter()
        .filter(|p| p.assessment.score_trend.is_some_and(|t| t != 0.0))
        .collect();
    movers.sort_by(|a, b| {
        let key = |p: &PairHealth| p.assessment.score_trend.map_or(0.0, f64::abs);
        key(b).total_cmp(&key(a))
    });
    movers.truncate(OVERVIEW_TOP);
    let mut bottlenecks = pair_health::bottlenecks(app, at).await?;
    bottlenecks.truncate(OVERVIEW_TOP);
    let stories = kudos::list(
        &app.db,
        &KudosFilter {
            stories: true,
            to: Some(to_micros(at)),
            ..Default::default()
        },
        0,
        i64::try_from(OVERVIEW_TOP).unwrap_or(5),
    )
    .await?;
    Ok(Overview {
        at,
        least_healthy,
        most_healthy,
        movers,
        bottlenecks,
        stories,
    })
}
