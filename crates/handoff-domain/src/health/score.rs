//! The health score of one relationship over one window, from tallies of its events.
//!
//! Each part's value is the mean worth of its events (0 to 100), shown to one decimal.
//! The score is the mean of the shown values of the parts that count, weighted by the
//! admins' integer weights: a part counts when it has at least its minimum of events and
//! weighs more than 0. A part short of events is left out and its weight shared among
//! the others in proportion, so that too little evidence never reads as 0 or as 100.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::round1;
use crate::FieldErrors;

/// The watermelon warning (green outside, red inside) needs what the provider delivers
/// (SLA targets met, deliverables on time and accurate: [`Part::is_delivery`]) to
/// average at least this: it looks green.
pub const WATERMELON_GREEN: f64 = 80.0;
/// ... and the experience parts to average below this: the customers are unhappy all
/// the same. 60 is a mean rating of 3.4 out of 5.
pub const WATERMELON_UNHAPPY: f64 = 60.0;
/// The heaviest weight an admin may give a part; weights are relative, so this only
/// keeps the numbers readable.
pub const MAX_WEIGHT: u32 = 100;

/// One of the six parts of a relationship's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Part {
    /// Each SLA clock verdict: met 100, breached 0.
    Sla,
    /// Each deliverable occurrence that fell due: delivered by its due time 100, else 0.
    DeliverablesOnTime,
    /// Each reviewed occurrence: accurate 100, a problem reported 0.
    DeliverablesAccurate,
    /// Each concern whose response target fell due or that was answered: answered within
    /// the target 100, else 0.
    Concerns,
    /// Each satisfaction rating of 1 to 5: (score - 1) * 25.
    Satisfaction,
    /// Each response of a pulse result shown (above the anonymity threshold): (score - 1)
    /// * 25.
    Pulse,
}

/// Whether a part measures what was done or how the customers feel about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PartKind {
    /// Targets met and work delivered, as the records show.
    Operational,
    /// What the customers say.
    Experience,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Operational => "operational",
            PartKind::Experience => "experience",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PartKind::Operational => "Operational",
            PartKind::Experience => "Experience",
        }
    }
}

impl Part {
    /// Every part, in the order pages show them: operational first.
    pub const ALL: [Part; 6] = [
        Part::Sla,
        Part::DeliverablesOnTime,
        Part::DeliverablesAccurate,
        Part::Concerns,
        Part::Satisfaction,
        Part::Pulse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Sla => "sla",
            Part::DeliverablesOnTime => "deliverables_on_time",
            Part::DeliverablesAccurate => "deliverables_accurate",
            Part::Concerns => "concerns",
            Part::Satisfaction => "satisfaction",
            Part::Pulse => "pulse",
        }
    }

    pub fn parse(s: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether the part records what the provider delivers (the "green outside" of the
    /// watermelon warning). Concerns are operational too, but they are raised by
    /// unhappy customers: counting their answers in would let the customers'
    /// unhappiness hide its own warning.
    pub fn is_delivery(self) -> bool {
        matches!(
            self,
            Part::Sla | Part::DeliverablesOnTime | Part::DeliverablesAccurate
        )
    }

    pub fn kind(self) -> PartKind {
        match self {
            Part::Sla | Part::DeliverablesOnTime | Part::DeliverablesAccurate | Part::Concerns => {
                PartKind::Operational
            }
            Part::Satisfaction | Part::Pulse => PartKind::Experience,
        }
    }

    /// The weight a part has until an admin sets another. They sum to 100, half
    /// operational and half experience: neither records nor opinions alone make health.
    pub fn default_weight(self) -> u32 {
        match self {
            Part::Sla => 20,
            Part::DeliverablesOnTime => 15,
            Part::DeliverablesAccurate => 10,
            Part::Concerns => 5,
            Part::Satisfaction => 30,
            Part::Pulse => 20,
        }
    }

    /// The fewest events in a window for the part to count: below it, one event would
    /// swing the score too far. A pulse result needs just one, since a result is shown
    /// only when enough people answered to keep them anonymous.
    pub fn min_events(self) -> u64 {
        match self {
            Part::Sla => 5,
            Part::DeliverablesOnTime => 3,
            Part::DeliverablesAccurate => 3,
            Part::Concerns => 2,
            Part::Satisfaction => 5,
            Part::Pulse => 1,
        }
    }

    /// Words for pages and notes.
    pub fn label(self) -> &'static str {
        match self {
            Part::Sla => "SLA targets met",
            Part::DeliverablesOnTime => "Deliverables on time",
            Part::DeliverablesAccurate => "Deliverables accurate",
            Part::Concerns => "Concerns answered in time",
            Part::Satisfaction => "Satisfaction (ratings)",
            Part::Pulse => "Pulse results",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What an event that met its mark (SLA met, delivered on time, accurate, answered in
/// time) is worth, and one that did not.
pub fn met_points(met: bool) -> f64 {
    if met { 100.0 } else { 0.0 }
}

/// What a satisfaction rating or pulse answer of 1 to 5 is worth: (score - 1) * 25, so
/// 1 is 0 and 5 is 100. A score off the scale is taken as the nearest end.
pub fn rating_points(score: i32) -> f64 {
    worth(f64::from(score.saturating_sub(1)) * 25.0)
}

/// Points kept within 0..=100; NaN, which no event can be worth, is taken as 0.
fn worth(points: f64) -> f64 {
    if points.is_nan() {
        0.0
    } else {
        points.clamp(0.0, 100.0)
    }
}

/// The events of one part in one window and the points they are worth together, each
/// event 0 to 100.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub events: u64,
    pub points: f64,
}

impl Tally {
    /// The tally of `count` answers on the 1-to-5 scale whose scores sum to `score_sum`
    /// (each worth (score - 1) * 25), as a `SUM`/`COUNT` query gives them: pulse results,
    /// or ratings counted in the database.
    pub fn from_scores(score_sum: i64, count: u64) -> Tally {
        let points = (score_sum as f64 - count as f64) * 25.0;
        Tally {
            events: count,
            points: points.clamp(0.0, 100.0 * count as f64),
        }
    }

    /// Counts one event worth `points` (kept within 0..=100).
    pub fn add(&mut self, points: f64) {
        self.events = self.events.saturating_add(1);
        self.points += worth(points);
    }

    pub fn merge(&mut self, other: Tally) {
        self.events = self.events.saturating_add(other.events);
        self.points += other.points;
    }

    /// The mean worth of the events, unrounded (kept within 0..=100 should `points` say
    /// otherwise); `None` without events.
    pub fn value(&self) -> Option<f64> {
        (self.events > 0).then(|| worth(self.points / self.events as f64))
    }
}

/// A relationship's tallies for one window, one per part; a part missing has no events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tallies(pub BTreeMap<Part, Tally>);

impl Tallies {
    pub fn new() -> Self {
        Self::default()
    }

    /// The part's tally; empty when it has none.
    pub fn get(&self, part: Part) -> Tally {
        self.0.get(&part).copied().unwrap_or_default()
    }

    /// Counts one event of `part` worth `points`.
    pub fn add(&mut self, part: Part, points: f64) {
        self.0.entry(part).or_default().add(points);
    }

    /// Adds a whole tally to `part`'s (several sources of one part, or counts from a query).
    pub fn merge_part(&mut self, part: Part, tally: Tally) {
        self.0.entry(part).or_default().merge(tally);
    }

    /// Adds every part of `other`.
    pub fn merge(&mut self, other: &Tallies) {
        for (&part, &tally) in &other.0 {
            self.merge_part(part, tally);
        }
    }
}

impl FromIterator<(Part, Tally)> for Tallies {
    fn from_iter<I: IntoIterator<Item = (Part, Tally)>>(iter: I) -> Self {
        let mut tallies = Tallies::new();
        for (part, tally) in iter {
            tallies.merge_part(part, tally);
        }
        tallies
    }
}

/// The weight of each part, 0 to [`MAX_WEIGHT`], set by admins, not all 0. Weights are
/// relative: only their proportions among the parts that count matter. Stored and sent as
/// `{"sla": 20, "deliverables_on_time": 15, ...}`, always with all six parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<Part, u32>")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights(BTreeMap<Part, u32>);

impl Default for Weights {
    fn default() -> Self {
        Weights(
            Part::ALL
                .into_iter()
                .map(|p| (p, p.default_weight()))
                .collect(),
        )
    }
}

impl TryFrom<BTreeMap<Part, u32>> for Weights {
    type Error = FieldErrors;

    fn try_from(map: BTreeMap<Part, u32>) -> Result<Self, Self::Error> {
        Weights::new(map)
    }
}

impl Weights {
    /// The weights given, or the fields they get wrong (`weights.sla`: out of range;
    /// `weights`: all 0). A part left out keeps its default weight, not 0: a part added in
    /// a later version then counts in stored weights as it would for a new organisation,
    /// and to leave a part out of the score an admin gives it 0 explicitly.
    pub fn new(map: BTreeMap<Part, u32>) -> Result<Weights, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut weights = Weights::default();
        for (part, weight) in map {
            if weight > MAX_WEIGHT {
                errors.add(
                    format!("weights.{}", part.as_str()),
                    format!("must be between 0 and {MAX_WEIGHT}"),
                );
            }
            weights.0.insert(part, weight);
        }
        if errors.is_empty() && weights.0.values().all(|&w| w == 0) {
            errors.add("weights", "at least one part must weigh more than 0");
        }
        errors.into_result(weights)
    }

    /// The weights of an API input keyed by part name, checked as [`Weights::new`] does;
    /// an unknown name or a negative weight is reported on its own field.
    pub fn parse(input: &BTreeMap<String, i64>) -> Result<Weights, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut map = BTreeMap::new();
        for (name, &weight) in input {
            let field = format!("weights.{name}");
            match Part::parse(name) {
                None => errors.add(field, "is not a part of the health score"),
                Some(part) => match u32::try_from(weight) {
                    Ok(w) if w <= MAX_WEIGHT => {
                        map.insert(part, w);
                    }
                    _ => errors.add(field, format!("must be between 0 and {MAX_WEIGHT}")),
                },
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Weights::new(map)
    }

    pub fn get(&self, part: Part) -> u32 {
        self.0
            .get(&part)
            .copied()
            .unwrap_or_else(|| part.default_weight())
    }

    /// Every part with its weight, in [`Part::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Part, u32)> + '_ {
        Part::ALL.into_iter().map(|p| (p, self.get(p)))
    }
}

/// One part of an assessment, as a page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartFigure {
    pub part: Part,
    /// The mean worth of the part's events, 0 to 100 to one decimal; `None` without
    /// events.
    pub value: Option<f64>,
    pub events: u64,
    /// Whether the part has at least [`Part::min_events`] events, so that it may count.
    pub enough: bool,
    /// The weight the admins set.
    pub configured_weight: u32,
    /// The share of the score the part has, in percent to one decimal: 0 for a part that
    /// does not count; otherwise its configured weight rescaled among the parts that
    /// count. The shares of the parts that count sum to exactly 100, and the sum of
    /// `value * weight / 100` is within 0.1 of the score.
    pub weight: f64,
    /// This window's value less the previous window's, to one decimal; `None` unless both
    /// windows have enough events.
    pub trend: Option<f64>,
}

/// A relationship's health over one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// 0 to 100 to one decimal: the mean of the shown values of the parts that count,
    /// weighted by their configured weights. `None` when no part that weighs more than 0
    /// has enough events.
    pub score: Option<f64>,
    /// This window's score less the previous window's (with the same weights), to one
    /// decimal; `None` unless both have a score.
    pub score_trend: Option<f64>,
    /// All six parts, in [`Part::ALL`] order.
    pub parts: Vec<PartFigure>,
    /// Operational parts green while the customers are unhappy: see [`WATERMELON_GREEN`].
    pub watermelon: bool,
    /// Plain words on what the figures leave out: the watermelon warning, parts short of
    /// events whose weight was shared among the others.
    pub notes: Vec<String>,
}

impl Assessment {
    /// The figure of `part`.
    pub fn part(&self, part: Part) -> &PartFigure {
        &self.parts[part.index()]
    }
}

/// What one window's tallies give, before shares and notes.
struct Window {
    /// Shown (rounded) values, by part index.
    values: [Option<f64>; 6],
    events: [u64; 6],
    enough: [bool; 6],
}

impl Window {
    fn of(tallies: &Tallies) -> Window {
        let mut window = Window {
            values: [None; 6],
            events: [0; 6],
            enough: [false; 6],
        };
        for part in Part::ALL {
            let i = part.index();
            let tally = tallies.get(part);
            window.values[i] = tally.value().map(round1);
            window.events[i] = tally.events;
            window.enough[i] = tally.events >= part.min_events();
        }
        window
    }

    /// The parts that count: (part, configured weight, shown value).
    fn counted(&self, weights: &Weights) -> Vec<(Part, u32, f64)> {
        Part::ALL
            .into_iter()
            .filter_map(|part| {
                let i = part.index();
                let weight = weights.get(part);
                match self.values[i] {
                    Some(value) if self.enough[i] && weight > 0 => Some((part, weight, value)),
                    _ => None,
                }
            })
            .collect()
    }

    /// The weighted mean of the shown values of the parts `which` takes that have enough
    /// events, by their default weights: the watermelon warning is about what the
    /// customers live, so it does not fade when an admin weighs a part down to 0.
    fn mean_of(&self, which: impl Fn(Part) -> bool) -> Option<f64> {
        let (mut sum, mut total) = (0.0, 0u32);
        for part in Part::ALL.into_iter().filter(|p| which(*p)) {
            let i = part.index();
            if let (true, Some(value)) = (self.enough[i], self.values[i]) {
                sum += f64::from(part.default_weight()) * value;
                total += part.default_weight();
            }
        }
        (total > 0).then(|| sum / f64::from(total))
    }
}

/// The score of the parts that count, from their shown values and integer weights.
fn score_of(counted: &[(Part, u32, f64)]) -> Option<f64> {
    let total: u64 = counted.iter().map(|c| u64::from(c.1)).sum();
    let sum: f64 = counted.iter().map(|c| f64::from(c.1) * c.2).sum();
    (total > 0).then(|| round1(sum / total as f64))
}

/// The shares of the parts that count, in tenths of a percent, summing to exactly 1000.
///
/// Each share is its exact proportion rounded down or up to a tenth. Rounding each to the
/// nearest tenth could show shares summing to 100.2 (six equal weights show 16.7 each)
/// and a score 0.3 away from what the shown figures give. So the tenths left over once
/// all are rounded down go to some of the parts with a remainder: among the choices that
/// keep `sum(value * share) / 100` within 0.1 of `score`, the one nearest to rounding to
/// the nearest (the largest remainders). Such a choice always exists: one can always
/// round so that the recomputed mean is within 0.05 of the exact one, and the score is
/// within 0.05 of it too. At most six parts, so trying every choice is cheap.
fn shares(counted: &[(Part, u32, f64)], score: f64) -> Vec<u64> {
    let total: u64 = counted.iter().map(|c| u64::from(c.1)).sum();
    if total == 0 {
        return vec![0; counted.len()];
    }
    let floors: Vec<u64> = counted
        .iter()
        .map(|c| 1000 * u64::from(c.1) / total)
        .collect();
    let remainders: Vec<u64> = counted
        .iter()
        .map(|c| 1000 * u64::from(c.1) % total)
        .collect();
    let missing = 1000 - floors.iter().sum::<u64>();
    // (fits, error, sum of the remainders rounded up, choice); among the choices that fit,
    // the largest remainders, then the smallest error; else the smallest error.
    let mut best: Option<(bool, f64, u64, u32)> = None;
    for choice in 0u32..(1 << counted.len()) {
        let ups = (0..counted.len()).filter(|&i| choice & (1 << i) != 0);
        if u64::from(choice.count_ones()) != missing || ups.clone().any(|i| remainders[i] == 0) {
            continue;
        }
        let recomputed: f64 = counted
            .iter()
            .enumerate()
            .map(|(i, c)| c.2 * (floors[i] + u64::from(choice >> i & 1)) as f64 / 1000.0)
            .sum();
        let error = (score - recomputed).abs();
        let fits = error <= 0.1 + 1e-9;
        let kept: u64 = ups.map(|i| remainders[i]).sum();
        let better = match best {
            None => true,
            Some((best_fits, best_error, best_kept, _)) => {
                (fits && !best_fits)
                    || (fits == best_fits
                        && fits
                        && (kept > best_kept || (kept == best_kept && error < best_error)))
                    || (fits == best_fits && !fits && error < best_error)
            }
        };
        if better {
            best = Some((fits, error, kept, choice));
        }
    }
    let choice = best.map_or(0, |b| b.3);
    floors
        .iter()
        .enumerate()
        .map(|(i, f)| f + u64::from(choice >> i & 1))
        .collect()
}

fn events_words(n: u64) -> String {
    match n {
        0 => "no events".to_owned(),
        1 => "1 event".to_owned(),
        n => format!("{n} events"),
    }
}

/// The health of a relationship over the `current` window, with trends against the
/// `previous` one, under `weights`.
pub fn assess(current: &Tallies, previous: &Tallies, weights: &Weights) -> Assessment {
    let now = Window::of(current);
    let before = Window::of(previous);
    let counted = now.counted(weights);
    let score = score_of(&counted);
    let previous_score = score_of(&before.counted(weights));
    let tenths = score.map_or_else(Vec::new, |s| shares(&counted, s));

    let parts: Vec<PartFigure> = Part::ALL
        .into_iter()
        .map(|part| {
            let i = part.index();
            let weight = counted
                .iter()
                .zip(&tenths)
                .find(|(c, _)| c.0 == part)
                .map_or(0.0, |(_, &t)| t as f64 / 10.0);
            let trend = match (now.values[i], before.values[i]) {
                (Some(v), Some(p)) if now.enough[i] && before.enough[i] => Some(round1(v - p)),
                _ => None,
            };
            PartFigure {
                part,
                value: now.values[i],
                events: now.events[i],
                enough: now.enough[i],
                configured_weight: weights.get(part),
                weight,
                trend,
            }
        })
        .collect();

    let mut notes = Vec::new();
    let delivery = now.mean_of(Part::is_delivery);
    let experience = now.mean_of(|p| p.kind() == PartKind::Experience);
    let watermelon = match (delivery, experience) {
        (Some(o), Some(e)) if o >= WATERMELON_GREEN && e < WATERMELON_UNHAPPY => {
            notes.push(format!(
                "Watermelon warning: SLA targets and deliverables look green (they average \
                 {:.1}) while customers are unhappy (experience parts average {:.1}); the \
                 score alone hides it.",
                round1(o),
                round1(e),
            ));
            true
        }
        _ => false,
    };
    if score.is_none() {
        notes.push(
            "No score for this window: no part that weighs more than 0 has enough events."
                .to_owned(),
        );
    }
    for figure in parts
        .iter()
        .filter(|f| !f.enough && f.configured_weight > 0)
    {
        let part = figure.part;
        let fate = if score.is_some() {
            "its weight is shared among the other parts"
        } else {
            "it is not counted"
        };
        notes.push(format!(
            "{}: {}, fewer than the {} needed; {fate}.",
            part.label(),
            events_words(figure.events),
            part.min_events(),
        ));
    }

    Assessment {
        score,
        score_trend: score
            .zip(previous_score)
            .map(|(now, before)| round1(now - before)),
        parts,
        watermelon,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sla_and_satisfaction() -> Tallies {
        let mut t = Tallies::new();
        for met in [true, true, false, true, true, true, false, true] {
            t.add(Part::Sla, met_points(met));
        }
        for score in [5, 4, 2, 5, 3] {
            t.add(Part::Satisfaction, rating_points(score));
        }
        t
    }

    #[test]
    fn the_worked_example_gives_72() {
        let a = assess(
            &sla_and_satisfaction(),
            &Tallies::new(),
            &Weights::default(),
        );
        let sla = a.part(Part::Sla);
        assert_eq!(sla.value, Some(75.0));
        assert_eq!(sla.events, 8);
        assert!(sla.enough);
        assert_eq!(sla.weight, 40.0);
        assert_eq!(sla.configured_weight, 20);
        let sat = a.part(Part::Satisfaction);
        assert_eq!(sat.value, Some(70.0));
        assert_eq!(sat.weight, 60.0);
        // (20 * 75 + 30 * 70) / 50
        assert_eq!(a.score, Some(72.0));
        assert_eq!(a.score_trend, None);
        assert!(!a.watermelon);
        for part in [Part::DeliverablesOnTime, Part::Concerns, Part::Pulse] {
            let f = a.part(part);
            assert_eq!((f.value, f.weight, f.enough), (None, 0.0, false));
        }
        assert_eq!(a.parts.len(), 6);
        assert!(
            a.notes.contains(
                &"Pulse results: no events, fewer than the 1 needed; its weight is shared among \
              the other parts."
                    .to_owned()
            )
        );
        assert_eq!(a.notes.len(), 4);
    }

    #[test]
    fn a_part_short_of_events_is_named_and_left_out() {
        let mut t = sla_and_satisfaction();
        for score in [1, 1, 1] {
            t.add(Part::Pulse, rating_points(score));
        }
        // Two deliverables are too few.
        t.add(Part::DeliverablesOnTime, 0.0);
        t.add(Part::DeliverablesOnTime, 0.0);
        let a = assess(&t, &Tallies::new(), &Weights::default());
        // Pulse counts (3 events, min 1), worth 0: (20*75 + 30*70 + 20*0) / 70 = 51.43
        assert_eq!(a.score, Some(51.4));
        let on_time = a.part(Part::DeliverablesOnTime);
        assert_eq!(
            (on_time.value, on_time.enough, on_time.weight),
            (Some(0.0), false, 0.0)
        );
        assert!(
            a.notes.contains(
                &"Deliverables on time: 2 events, fewer than the 3 needed; its weight is shared \
              among the other parts."
                    .to_owned()
            )
        );
        // 28.6 + 42.9 + 28.6 would be 100.1: the shares are rounded to sum to 100.
        let total: f64 = a.parts.iter().map(|f| f.weight).sum();
        assert!((total - 100.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn trends_need_enough_events_in_both_windows() {
        let current = sla_and_satisfaction();
        let mut previous = Tallies::new();
        for met in [true, true, true, true, false] {
            previous.add(Part::Sla, met_points(met));
        }
        previous.add(Part::Satisfaction, rating_points(5));
        let a = assess(&current, &previous, &Weights::default());
        assert_eq!(a.part(Part::Sla).trend, Some(-5.0));
        assert_eq!(a.part(Part::Satisfaction).trend, None);
        // Previous score: SLA alone, 80.0.
        assert_eq!(a.score_trend, Some(-8.0));
    }

    #[test]
    fn no_score_without_a_weighed_part_with_enough_events() {
        let mut t = Tallies::new();
        t.add(Part::Sla, 100.0);
        let a = assess(&t, &Tallies::new(), &Weights::default());
        assert_eq!(a.score, None);
        assert!(a.parts.iter().all(|f| f.weight == 0.0));
        assert!(a.notes[0].starts_with("No score for this window"));
        assert!(a.notes.contains(
            &"SLA targets met: 1 event, fewer than the 5 needed; it is not counted.".to_owned()
        ));

        let mut weights = BTreeMap::new();
        weights.insert(Part::Sla, 0);
        let weights = Weights::new(weights).unwrap();
        let a = assess(&sla_and_satisfaction(), &Tallies::new(), &weights);
        assert_eq!(a.score, Some(70.0));
        assert_eq!(a.part(Part::Sla).weight, 0.0);
        assert_eq!(a.part(Part::Satisfaction).weight, 100.0);
    }

    #[test]
    fn watermelon_when_green_outside_and_red_inside() {
        let mut t = Tallies::new();
        for _ in 0..10 {
            t.add(Part::Sla, 100.0);
        }
        for _ in 0..4 {
            t.add(Part::DeliverablesOnTime, 100.0);
        }
        for score in [2, 3, 3, 2, 4] {
            t.add(Part::Satisfaction, rating_points(score));
        }
        let a = assess(&t, &Tallies::new(), &Weights::default());
        // Experience: satisfaction alone, mean 2.8 -> 45.0.
        assert!(a.watermelon);
        assert_eq!(
            a.notes[0],
            "Watermelon warning: SLA targets and deliverables look green (they average \
             100.0) while customers are unhappy (experience parts average 45.0); the score \
             alone hides it."
        );
        // Concerns answered late, raised by those unhappy customers, do not hide it.
        let mut with_concerns = t.clone();
        for _ in 0..5 {
            with_concerns.add(Part::Concerns, 0.0);
        }
        let a = assess(&with_concerns, &Tallies::new(), &Weights::default());
        assert!(a.part(Part::Concerns).enough);
        assert!(a.watermelon);
        // Without any experience part counted there is nothing to contrast.
        t.0.remove(&Part::Satisfaction);
        assert!(!assess(&t, &Tallies::new(), &Weights::default()).watermelon);
        // At exactly 60 the customers are not unhappy.
        for score in [4, 4, 4, 4, 4] {
            t.add(Part::Satisfaction, rating_points(score) - 15.0);
        }
        assert_eq!(
            assess(&t, &Tallies::new(), &Weights::default())
                .part(Part::Satisfaction)
                .value,
            Some(60.0)
        );
        assert!(!assess(&t, &Tallies::new(), &Weights::default()).watermelon);
    }

    #[test]
    fn six_equal_weights_still_share_exactly_100() {
        let mut weights = BTreeMap::new();
        for part in Part::ALL {
            weights.insert(part, 1);
        }
        let weights = Weights::new(weights).unwrap();
        let mut t = Tallies::new();
        for part in Part::ALL {
            let worth = if part.kind() == PartKind::Operational {
                100.0
            } else {
                0.0
            };
            for _ in 0..part.min_events() {
                t.add(part, worth);
            }
        }
        let a = assess(&t, &Tallies::new(), &weights);
        assert_eq!(a.score, Some(66.7));
        let total: f64 = a.parts.iter().map(|f| f.weight).sum();
        assert!((total - 100.0).abs() < 1e-9);
        let recomputed: f64 = a
            .parts
            .iter()
            .map(|f| f.value.unwrap() * f.weight / 100.0)
            .sum();
        assert!((recomputed - 66.7).abs() <= 0.1 + 1e-9, "{recomputed}");
        assert!(a.parts.iter().all(|f| f.weight == 16.6 || f.weight == 16.7));
    }

    #[test]
    fn weights_check_their_range_and_keep_defaults_for_parts_left_out() {
        let mut map = BTreeMap::new();
        map.insert(Part::Sla, 101);
        let errors = Weights::new(map).unwrap_err();
        assert_eq!(errors.get("weights.sla"), Some("must be between 0 and 100"));

        let zero: BTreeMap<Part, u32> = Part::ALL.into_iter().map(|p| (p, 0)).collect();
        let errors = Weights::new(zero).unwrap_err();
        assert_eq!(
            errors.get("weights"),
            Some("at least one part must weigh more than 0")
        );

        let mut map = BTreeMap::new();
        map.insert(Part::Pulse, 0);
        let weights = Weights::new(map).unwrap();
        assert_eq!(weights.get(Part::Pulse), 0);
        assert_eq!(weights.get(Part::Satisfaction), 30);

        let input: BTreeMap<String, i64> = [("sla".to_owned(), -1), ("speed".to_owned(), 5)]
            .into_iter()
            .collect();
        let errors = Weights::parse(&input).unwrap_err();
        assert_eq!(errors.get("weights.sla"), Some("must be between 0 and 100"));
        assert_eq!(
            errors.get("weights.speed"),
            Some("is not a part of the health score")
        );
    }

    #[test]
    fn weights_are_stored_as_json_by_part_name() {
        let json = serde_json::to_string(&Weights::default()).unwrap();
        assert_eq!(
            json,
            r#"{"sla":20,"deliverables_on_time":15,"deliverables_accurate":10,"concerns":5,"satisfaction":30,"pulse":20}"#
        );
        let back: Weights = serde_json::from_str(r#"{"pulse": 0}"#).unwrap();
        assert_eq!(back.get(Part::Pulse), 0);
        assert_eq!(back.get(Part::Sla), 20);
        assert!(serde_json::from_str::<Weights>(r#"{"sla": 500}"#).is_err());
        assert_eq!(Weights::default().iter().map(|(_, w)| w).sum::<u32>(), 100);
    }

    #[test]
    fn parts_are_named_and_scored_as_documented() {
        for part in Part::ALL {
            assert_eq!(Part::parse(part.as_str()), Some(part));
            assert_eq!(
                serde_json::to_value(part).unwrap(),
                serde_json::Value::String(part.as_str().to_owned())
            );
            assert!(part.min_events() >= 1);
        }
        let operational: u32 = Part::ALL
            .into_iter()
            .filter(|p| p.kind() == PartKind::Operational)
            .map(Part::default_weight)
            .sum();
        assert_eq!(operational, 50);
        assert_eq!(rating_points(1), 0.0);
        assert_eq!(rating_points(5), 100.0);
        assert_eq!(rating_points(9), 100.0);
        // Pulse answers 5, 4, 4, 3: sum 16, worth 100 + 75 + 75 + 50.
        assert_eq!(
            Tally::from_scores(16, 4),
            Tally {
                events: 4,
                points: 300.0
            }
        );
        let mut t = Tally::default();
        t.add(250.0);
        t.add(f64::NAN);
        assert_eq!(t.value(), Some(50.0));
    }
}
