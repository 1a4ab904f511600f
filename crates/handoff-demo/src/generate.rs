//! Turns the word lists into rows: the organisation once, then requests one at a time,
//! each with its history, comments, watchers and search text. Pure computation, no I/O,
//! so that the same seed always gives the same data on either engine.

use std::collections::HashSet;

use handoff_domain::form::{FieldDef, FieldType};
use handoff_domain::org::Role;
use handoff_domain::request::{Priority, RequestEvent, Status};
use handoff_domain::sla::{ClockAction, Target, on_provider_reply, on_status_change};
use handoff_store::bulk::{
    Bases, Chunk, DepartmentRow, OrgRows, PersonRow, RequestRow, SearchRow, ServiceRow, WatcherRow,
};
use handoff_store::comments::Comment;
use handoff_store::history::Entry;
use handoff_store::search;
use handoff_store::sla_policies::{ServicePolicy, applicable};
use handoff_store::slas::{ClockWrite, StoredClock, Timekeeping};
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Map, Value};

use super::data::{self, DepartmentSpec, Kind, Pool, ServiceSpec, Story};

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Requests are spread over this many days before now.
pub(super) const DAYS: i64 = 90;

pub(super) struct Department {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub parent_id: Option<i64>,
    /// Indices into [`Org::people`], the manager first; the administrator is not here:
    /// they neither file nor work requests.
    pub staff: Vec<usize>,
}

pub(super) struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department: usize,
    pub role: Role,
}

pub(super) struct Service {
    pub id: i64,
    pub spec: &'static ServiceSpec,
    pub department: usize,
    pub owner: usize,
    /// Departments (indices) that may request it, when it is not open to everyone.
    pub audience: Vec<usize>,
    pub form: Vec<FieldDef>,
    /// People who may file requests to it: everyone allowed, outside the department.
    pub requesters: Vec<usize>,
}

/// The organisation: departments, people and services, with their ids.
pub(super) struct Org {
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    pub services: Vec<Service>,
    /// When they were all set up: before the first request.
    pub created_at: i64,
}

/// How big an organisation to make: `None` keeps the word lists' own (12 departments,
/// 53 people besides the administrator).
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Fewer than the lists' departments takes the first ones (parents come first);
    /// more adds regional copies of them ("Sales North", under Sales), each offering its
    /// original's services.
    pub departments: Option<usize>,
    /// People besides the administrator, spread over the departments in proportion to
    /// the lists' sizes; at least two a department (a manager and a member).
    pub people: Option<usize>,
}

/// Names given to the regional copies of the listed departments, round after round.
const REGIONS: &[&str] = &[
    "North", "South", "East", "West", "Central", "Coast", "Mountain", "Valley", "Harbour", "Metro",
    "Lakes", "Plains", "Islands", "Border", "Capital", "Midlands",
];

impl Shape {
    /// Refuses what cannot be made, in words: no departments, or fewer than two people a
    /// department. ([`Org::new`] makes at least one department with two people each.)
    pub fn check(&self) -> Result<(), String> {
        let count = self.departments.unwrap_or(data::DEPARTMENTS.len());
        if count == 0 {
            return Err("an organisation needs at least one department".to_owned());
        }
        match self.people {
            Some(people) if people < 2 * count => Err(format!(
                "{people} people cannot staff {count} departments: give at least {}",
                2 * count
            )),
            _ => Ok(()),
        }
    }

    /// The departments to make: (name, handle, parent's index, staff size, index of the
    /// listed department it is or copies).
    fn departments(&self) -> Vec<(String, String, Option<usize>, usize, usize)> {
        let listed = data::DEPARTMENTS;
        let count = self.departments.unwrap_or(listed.len()).max(1);
        let index_of = |handle: &str| listed.iter().position(|d| d.handle == handle);
        let mut out: Vec<(String, String, Option<usize>, usize, usize)> = Vec::new();
        for k in 0..count {
            let origin = k % listed.len();
            let spec: &DepartmentSpec = &listed[origin];
            let round = k / listed.len();
            if round == 0 {
                let parent = spec.parent.and_then(index_of);
                out.push((
                    spec.name.to_owned(),
                    spec.handle.to_owned(),
                    parent,
                    spec.size,
                    origin,
                ));
            } else {
                let region = REGIONS[(round - 1) % REGIONS.len()];
                let lap = (round - 1) / REGIONS.len();
                let suffix = if lap == 0 {
                    region.to_owned()
                } else {
                    format!("{region} {}", lap + 1)
                };
                out.push((
                    format!("{} {suffix}", spec.name),
                    format!(
                        "{}-{}",
                        spec.handle,
                        suffix.to_lowercase().replace(' ', "-")
                    ),
                    Some(origin),
                    spec.size,
                    origin,
                ));
            }
        }
        if let Some(people) = self.people {
            let people = people.max(2 * count);
            let listed_total: usize = out.iter().map(|d| d.3).sum();
            let mut sizes: Vec<usize> = out
                .iter()
                .map(|d| (d.3 * people / listed_total.max(1)).max(2))
                .collect();
            // Bring the total to exactly `people`: add round the departments, or take
            // from the largest.
            let mut i = 0;
            while sizes.iter().sum::<usize>() < people {
                sizes[i % count] += 1;
                i += 1;
            }
            while sizes.iter().sum::<usize>() > people {
                if let Some(largest) = (0..count).max_by_key(|&j| sizes[j]) {
                    sizes[largest] -= 1;
                }
            }
            for (d, size) in out.iter_mut().zip(sizes) {
                d.3 = size;
            }
        }
        out
    }
}

impl Org {
    pub fn new(rng: &mut StdRng, bases: Bases, now: i64, shape: Shape) -> Org {
        let created_at = now - (DAYS + 30) * DAY;
        let specs = shape.departments();
        let mut departments: Vec<Department> = Vec::new();
        for (i, (name, handle, parent, _, _)) in specs.iter().enumerate() {
            departments.push(Department {
                id: bases.departments + 1 + i as i64,
                name: name.clone(),
                handle: handle.clone(),
                // Parents come first in the list, so their ids are known here.
                parent_id: parent
                    .filter(|p| *p < departments.len())
                    .map(|p| departments[p].id),
                staff: Vec::new(),
            });
        }
        // The departments made from a listed one: itself and its regional copies.
        let made_from = |listed: usize| -> Vec<usize> {
            specs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.4 == listed)
                .map(|(i, _)| i)
                .collect()
        };
        let listed_index = |handle: &str| {
            data::DEPARTMENTS
                .iter()
                .position(|d| d.handle == handle)
                .expect("departments named in the data exist")
        };

        let mut people = Vec::new();
        let (admin_name, admin_email, admin_department) = data::ADMIN;
        let admin_home = made_from(listed_index(admin_department))
            .first()
            .copied()
            .unwrap_or(0);
        people.push(Person {
            id: bases.people + 1,
            name: admin_name.to_owned(),
            email: admin_email.to_owned(),
            department: admin_home,
            role: Role::Admin,
        });
        let mut emails: HashSet<String> = HashSet::from([admin_email.to_owned()]);
        for (d, department) in departments.iter_mut().enumerate() {
            for k in 0..specs[d].3 {
                let mut tries = 0;
                let (name, email) = loop {
                    let first = pick(rng, data::FIRST_NAMES);
                    let last = pick(rng, data::LAST_NAMES);
                    tries += 1;
                    // Past a few tries the names are running out: number them.
                    let number = if tries > 8 {
                        rng.random_range(2..100_000).to_string()
                    } else {
                        String::new()
                    };
                    let email = format!("{first}.{last}{number}@example.org").to_lowercase();
                    if emails.insert(email.clone()) {
                        break (format!("{first} {last}"), email);
                    }
                };
                department.staff.push(people.len());
                people.push(Person {
                    id: bases.people + 1 + people.len() as i64,
                    name,
                    email,
                    department: d,
                    role: if k == 0 { Role::Manager } else { Role::Member },
                });
            }
        }

        let mut services = Vec::new();
        for (i, spec) in data::SERVICES.iter().enumerate() {
            let offered_before = data::SERVICES[..i]
                .iter()
                .filter(|s| s.department == spec.department)
                .count();
            // The listed audience, and their regional copies.
            let audience: Vec<usize> = spec
                .audience
                .unwrap_or_default()
                .iter()
                .flat_map(|h| made_from(listed_index(h)))
                .collect();
            for department in made_from(listed_index(spec.department)) {
                // Owners rotate through the department, starting with the manager.
                let staff = &departments[department].staff;
                let owner = staff[offered_before % staff.len()];
                let requesters = departments
                    .iter()
                    .enumerate()
                    .filter(|&(d, _)| {
                        d != department && (spec.audience.is_none() || audience.contains(&d))
                    })
                    .flat_map(|(_, dep)| dep.staff.iter().copied())
                    .collect();
                services.push(Service {
                    id: bases.services + 1 + services.len() as i64,
                    spec,
                    department,
                    owner,
                    audience: audience.clone(),
                    form: form(spec),
                    requesters,
                });
            }
        }
        Org {
            departments,
            people,
            services,
            created_at,
        }
    }

    /// The organisation's rows, as the store writes them.
    pub fn rows(&self) -> OrgRows {
        let department_id = |d: usize| self.departments[d].id;
        OrgRows {
            created_at: self.created_at,
            departments: self
                .departments
                .iter()
                .map(|d| DepartmentRow {
                    id: d.id,
                    name: d.name.clone(),
                    handle: d.handle.clone(),
                    parent_id: d.parent_id,
                })
                .collect(),
            people: self
                .people
                .iter()
                .map(|p| PersonRow {
                    id: p.id,
                    name: p.name.clone(),
                    email: p.email.clone(),
                    department_id: department_id(p.department),
                    role: p.role,
                })
                .collect(),
            services: self
                .services
                .iter()
                .map(|s| ServiceRow {
                    id: s.id,
                    department_id: department_id(s.department),
                    name: s.spec.name.to_owned(),
                    description: s.spec.description.to_owned(),
                    owner_id: Some(self.people[s.owner].id),
                    open_to_everyone: s.spec.audience.is_none(),
                    confidential: s.spec.confidential,
                    fields: s.form.clone(),
                    audience: s.audience.iter().map(|&d| department_id(d)).collect(),
                })
                .collect(),
        }
    }
}

/// The form definition the `services.fields` column stores.
fn form(spec: &ServiceSpec) -> Vec<FieldDef> {
    spec.fields
        .iter()
        .map(|f| {
            let (kind, options): (FieldType, &[&str]) = match f.kind {
                Kind::Text(_) => (FieldType::Text, &[]),
                Kind::LongText(_) => (FieldType::LongText, &[]),
                Kind::Number(..) | Kind::Amount => (FieldType::Number, &[]),
                Kind::Date(..) => (FieldType::Date, &[]),
                Kind::Choice(options) => (FieldType::Choice, options),
                Kind::MultiChoice(options) => (FieldType::MultiChoice, options),
                Kind::Pick(pool) => (FieldType::Choice, pool.words()),
                Kind::Person => (FieldType::Person, &[]),
            };
            FieldDef {
                key: f.key.to_owned(),
                label: f.label.to_owned(),
                kind,
                required: f.required,
                options: options.iter().map(|o| (*o).to_owned()).collect(),
                help: f.help.to_owned(),
            }
        })
        .collect()
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// Index into `weights`, chosen in proportion to them.
fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut at = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if at < *w {
            return i;
        }
        at -= w;
    }
    weights.len() - 1
}

/// Maps a fraction of all requests to an instant, denser in working hours on weekdays
/// and a little denser in recent weeks, like real traffic. Increasing in the fraction, so
/// that requests made in order get increasing times.
struct Timeline {
    /// The start of the first hour (on the hour, so that hours of the day line up).
    start: i64,
    end: i64,
    /// Cumulative weight at the end of each hour.
    cumulative: Vec<f64>,
}

impl Timeline {
    fn new(end: i64) -> Timeline {
        let start = (end - DAYS * DAY).div_euclid(HOUR) * HOUR;
        let hours = (end - start + HOUR - 1) / HOUR;
        let mut total = 0.0;
        let cumulative = (0..hours)
            .map(|h| {
                let slot = start + h * HOUR;
                let seconds = slot.div_euclid(1_000_000);
                let day = seconds.div_euclid(86_400);
                // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
                let weekday = (day + 3).rem_euclid(7);
                let hour = seconds.rem_euclid(86_400) / 3_600;
                let base = match (weekday, hour) {
                    (5 | 6, _) => 0.3,
                    (_, 12) => 6.0,
                    (_, 8..=17) => 10.0,
                    (_, 7 | 18) => 3.0,
                    _ => 0.4,
                };
                let growth = 1.0 + 0.3 * h as f64 / hours as f64;
                // The last hour may be cut short by `end`.
                let covered = (end.min(slot + HOUR) - slot) as f64 / HOUR as f64;
                total += base * growth * covered;
                total
            })
            .collect();
        Timeline {
            start,
            end,
            cumulative,
        }
    }

    /// The instant at fraction `u` (in [0, 1)) of all the weight.
    fn at(&self, u: f64) -> i64 {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let target = u * total;
        let hour = self.cumulative.partition_point(|&c| c <= target);
        let hour = hour.min(self.cumulative.len() - 1);
        let before = if hour == 0 {
            0.0
        } else {
            self.cumulative[hour - 1]
        };
        let width = self.cumulative[hour] - before;
        let fraction = if width > 0.0 {
            ((target - before) / width).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let slot = self.start + hour as i64 * HOUR;
        let length = self.end.min(slot + HOUR) - slot;
        slot + (fraction * length as f64) as i64
    }
}

/// The words a request has chosen so far: each placeholder expands to the same word
/// throughout one request.
#[derive(Default)]
struct Words {
    picks: [Option<&'static str>; Pool::COUNT],
    n: Option<u32>,
    amount: Option<i64>,
    reference: Option<u32>,
    /// Index into the org's people.
    person: Option<usize>,
    fullname: Option<(&'static str, &'static str)>,
}

/// The service levels the history runs its clocks under: the office calendar and every
/// service's policies, as `slas::set_up` stores them.
pub(super) struct Levels {
    pub time: Timekeeping,
    pub policies: Vec<ServicePolicy>,
}

/// Makes requests one after another.
pub(super) struct Generator<'o> {
    org: &'o Org,
    rng: StdRng,
    now: i64,
    count: u64,
    timeline: Timeline,
    service_weights: Vec<u32>,
    next_request: i64,
    next_comment: i64,
    next_history: i64,
    words: Words,
    /// The requester's department, which `{person}` is drawn from.
    requester_department: usize,
    path: Vec<Status>,
    times: Vec<i64>,
    /// The request's comments so far, in order: whether internal, and the text.
    comments: Vec<(bool, String)>,
    levels: Option<Levels>,
    /// The request's SLA clocks so far.
    clocks: Vec<StoredClock>,
}

/// What happens to one request, decided before any row is written.
struct Plan {
    request_id: i64,
    requester: i64,
    provider: usize,
    assignee: Option<i64>,
    confidential: bool,
    priority: Priority,
}

impl<'o> Generator<'o> {
    /// A generator of `count` requests over the [`DAYS`] days before `now`.
    pub fn new(org: &'o Org, rng: StdRng, now: i64, count: u64, bases: Bases) -> Self {
        Generator {
            org,
            rng,
            now,
            count: count.max(1),
            // Nothing is filed in the last minutes, so that every request has a little
            // room for its first steps.
            timeline: Timeline::new(now - 5 * MINUTE),
            // A service nobody outside its department may ask is never requested.
            service_weights: org
                .services
                .iter()
                .map(|s| {
                    if s.requesters.is_empty() {
                        0
                    } else {
                        s.spec.weight
                    }
                })
                .collect(),
            next_request: bases.requests,
            next_comment: bases.comments,
            next_history: bases.history,
            words: Words::default(),
            requester_department: 0,
            path: Vec::new(),
            times: Vec::new(),
            comments: Vec::new(),
            levels: None,
            clocks: Vec::new(),
        }
    }

    /// Runs every request's SLA clocks under `levels` through its history.
    pub fn with_levels(mut self, levels: Levels) -> Self {
        self.levels = Some(levels);
        self
    }

    /// Adds request number `index` (0-based, in creation order) to `chunk`.
    pub fn request(&mut self, index: u64, chunk: &mut Chunk) {
        let org = self.org;
        let fraction = (index as f64 + self.rng.random::<f64>()) / self.count as f64;
        let created = self.timeline.at(fraction);
        let service = &org.services[weighted(&mut self.rng, &self.service_weights)];
        let requester = &org.people[pick(&mut self.rng, &service.requesters)];
        self.words = Words::default();
        self.requester_department = requester.department;
        let priority = Priority::ALL[weighted(&mut self.rng, &[20, 55, 18, 7])];

        let spec = service.spec;
        let story = &spec.stories[self.rng.random_range(0..spec.stories.len())];
        let mut subject = String::new();
        self.expand(story.subject, &mut subject);
        let mut description = String::new();
        self.expand(story.description, &mut description);
        if self.rng.random_bool(0.4) {
            description.push(' ');
            self.expand_one(data::CLOSINGS, &mut description);
        }
        let fields = self.form_values(spec, story, created);

        self.next_request += 1;
        let staff = &org.departments[service.department].staff;
        let final_status = self.final_status(self.now - created);
        let assigned = match final_status {
            Status::New => false,
            Status::Open => self.rng.random_bool(0.75),
            _ => self.rng.random_bool(0.95),
        };
        let plan = Plan {
            request_id: self.next_request,
            requester: requester.id,
            provider: service.department,
            assignee: assigned.then(|| org.people[pick(&mut self.rng, staff)].id),
            confidential: spec.confidential,
            priority,
        };
        self.build_path(final_status);
        self.schedule(created, priority);
        let outcome = self.events(&plan, spec, story, requester.department, chunk);

        chunk.search.push(SearchRow {
            key: search::request_key(plan.request_id),
            text: search::request_text(&subject, &description),
        });
        for (piece, (internal, body)) in (1..).zip(&self.comments) {
            chunk.search.push(SearchRow {
                key: search::piece_key(plan.request_id, piece, *internal),
                text: search::index_text(body),
            });
        }
        chunk.requests.push(RequestRow {
            id: plan.request_id,
            service_id: service.id,
            provider_department_id: org.departments[service.department].id,
            requester_id: requester.id,
            requester_department_id: org.departments[requester.department].id,
            confidential: spec.confidential,
            subject,
            description,
            priority: priority.rank(),
            status: final_status,
            assignee_id: outcome.assignee,
            fields,
            created_at: created,
            updated_at: outcome.updated_at,
            resolved_at: outcome.resolved_at,
            closed_at: outcome.closed_at,
        });
    }

    /// Older requests are mostly done; the last days' are mostly still open.
    fn final_status(&mut self, age: i64) -> Status {
        use Status::*;
        const ORDER: [Status; 7] = [
            New,
            Open,
            InProgress,
            WaitingOnCustomer,
            Resolved,
            Closed,
            Reopened,
        ];
        let weights: [u32; 7] = match age {
            a if a < 2 * HOUR => [70, 14, 10, 3, 3, 0, 0],
            a if a < DAY => [35, 20, 22, 9, 14, 0, 0],
            a if a < 3 * DAY => [12, 15, 25, 12, 30, 3, 3],
            a if a < 14 * DAY => [3, 6, 14, 9, 28, 36, 4],
            _ => [1, 2, 6, 4, 12, 172, 1],
        };
        ORDER[weighted(&mut self.rng, &weights)]
    }

    /// The statuses the request goes through, from `new` to `last`, each move one the
    /// lifecycle allows.
    fn build_path(&mut self, last: Status) {
        use Status::*;
        self.path.clear();
        self.path.push(New);
        match last {
            New => {}
            Open => {
                self.path.push(Open);
                if self.rng.random_bool(0.2) {
                    self.path.extend([WaitingOnCustomer, Open]);
                }
            }
            InProgress => {
                if self.rng.random_bool(0.5) {
                    self.path.push(Open);
                }
                self.path.push(InProgress);
                if self.rng.random_bool(0.15) {
                    self.path.extend([WaitingOnCustomer, Open, InProgress]);
                }
            }
            WaitingOnCustomer => {
                let working = if self.rng.random_bool(0.5) {
                    Open
                } else {
                    InProgress
                };
                self.path.extend([working, WaitingOnCustomer]);
            }
            Resolved | Closed | Reopened => {
                self.work_to_resolved();
                if last == Closed && self.rng.random_bool(0.08) {
                    self.path.extend([Reopened, InProgress, Resolved]);
                }
                if last != Resolved {
                    self.path.push(last);
                }
            }
        }
    }

    fn work_to_resolved(&mut self) {
        use Status::*;
        // Some requests are answered on the spot.
        if self.rng.random_bool(0.1) {
            self.path.push(Resolved);
            return;
        }
        if self.rng.random_bool(0.5) {
            self.path.push(Open);
        }
        self.path.push(InProgress);
        if self.rng.random_bool(0.25) {
            self.path.push(WaitingOnCustomer);
            // Usually the requester answers, which reopens the request for the agent.
            if self.rng.random_bool(0.7) {
                self.path.push(Open);
            }
            self.path.push(InProgress);
        }
        self.path.push(Resolved);
    }

    /// When each status of the path is reached: plausible gaps, squeezed to end before
    /// now when the request is recent.
    fn schedule(&mut self, created: i64, priority: Priority) {
        use Status::*;
        let pace = match priority {
            Priority::Urgent => 0.25,
            Priority::High => 0.6,
            Priority::Normal => 1.0,
            Priority::Low => 1.5,
        };
        self.times.clear();
        self.times.push(created);
        let mut gaps = [0i64; 16];
        let mut total = 0i64;
        for (i, pair) in self.path.windows(2).enumerate() {
            let (from_minutes, to_minutes) = match (pair[0], pair[1]) {
                (Resolved, Closed) => (24 * 60, 7 * 24 * 60),
                (Resolved, Reopened) => (120, 4 * 24 * 60),
                (New, _) => (5, 24 * 60),
                (_, WaitingOnCustomer) => (30, 2 * 24 * 60),
                (WaitingOnCustomer, _) => (60, 3 * 24 * 60),
                (_, Resolved) => (30, 4 * 24 * 60),
                _ => (10, 24 * 60),
            };
            // Log-uniform: most steps are quick, a few take days.
            let minutes = (self
                .rng
                .random_range((from_minutes as f64).ln()..(to_minutes as f64).ln()))
            .exp();
            let gap = (minutes * pace * MINUTE as f64) as i64;
            gaps[i] = gap;
            total += gap;
        }
        let room = (self.now - created - MINUTE).max(0);
        let scale = if total > room {
            room as f64 / total as f64
        } else {
            1.0
        };
        let mut at = created;
        for gap in &gaps[..self.path.len() - 1] {
            at += (*gap as f64 * scale) as i64;
            self.times.push(at);
        }
    }

    /// Writes the request's history, comments and watchers in time order.
    fn events(
        &mut self,
        plan: &Plan,
        spec: &'static ServiceSpec,
        story: &'static Story,
        requester_department: usize,
        chunk: &mut Chunk,
    ) -> Outcome {
        use Status::*;
        let org = self.org;
        let manager = org.people[org.departments[plan.provider].staff[0]].id;
        let created = self.times[0];
        let mut out = Outcome {
            assignee: None,
            updated_at: created,
            resolved_at: None,
            closed_at: None,
            reopened: false,
        };
        self.comments.clear();
        let mut ev = Events {
            plan,
            chunk,
            generator: self,
            out: &mut out,
        };
        ev.history(Some(plan.requester), created, RequestEvent::Filed {});
        ev.start_clocks(created);

        // Before the first move: maybe watchers, maybe a word from the requester.
        let horizon = match ev.generator.times.get(1) {
            Some(&t) => t,
            None => ev.generator.now.min(created + 2 * DAY),
        };
        if !plan.confidential && ev.generator.rng.random_bool(0.08) {
            // A colleague or two from the requester's side follow along.
            let colleagues = &org.departments[requester_department].staff;
            let at = created + (horizon - created) / 4;
            let first = org.people[pick(&mut ev.generator.rng, colleagues)].id;
            let second = org.people[pick(&mut ev.generator.rng, colleagues)].id;
            if first != plan.requester {
                ev.watch(first, at);
            }
            if second != plan.requester && second != first && ev.generator.rng.random_bool(0.3) {
                ev.watch(second, at);
            }
        }
        if ev.generator.rng.random_bool(0.12) {
            let body = ev.generator.text(data::FOLLOW_UPS);
            ev.comment(
                plan.requester,
                created + (horizon - created) / 2,
                body,
                false,
            );
        }

        let note_after_first = plan.assignee.is_some() && ev.generator.rng.random_bool(0.25);
        let reassign = plan.assignee.is_some()
            && ev.generator.path.len() > 3
            && ev.generator.rng.random_bool(0.07);
        for step in 1..ev.generator.path.len() {
            let (from, to) = (ev.generator.path[step - 1], ev.generator.path[step]);
            let at = ev.generator.times[step];
            if let (1, Some(agent)) = (step, plan.assignee) {
                // Agents mostly pick work up themselves; sometimes the manager hands it out.
                let by = if ev.generator.rng.random_bool(0.7) {
                    agent
                } else {
                    manager
                };
                ev.assign(by, agent, at);
            }
            if step == 2 && reassign {
                let staff = &org.departments[plan.provider].staff;
                let other = org.people[pick(&mut ev.generator.rng, staff)].id;
                if Some(other) != ev.out.assignee {
                    ev.assign(manager, other, at);
                }
            }
            let agent = ev.out.assignee.unwrap_or(manager);
            match (from, to) {
                (_, WaitingOnCustomer) => {
                    let body = ev.generator.text(spec.questions);
                    ev.comment(agent, at, body, false);
                    ev.status(agent, at, from, to);
                }
                (WaitingOnCustomer, Open) => {
                    // As a reply from the requester's side does in the application.
                    let body = ev.generator.text(data::ANSWERS);
                    ev.comment(plan.requester, at, body, false);
                    ev.status(plan.requester, at, from, to);
                }
                (_, Resolved) => {
                    if ev.generator.rng.random_bool(0.85) {
                        let body = if ev.out.reopened {
                            ev.generator.text(data::SECOND_FIXES)
                        } else {
                            ev.generator.expanded(story.resolution)
                        };
                        ev.comment(agent, at, body, false);
                    }
                    ev.status(agent, at, from, to);
                }
                (Resolved, Reopened) => {
                    let body = ev.generator.text(data::REOPENINGS);
                    ev.comment(plan.requester, at, body, false);
                    ev.status(plan.requester, at, from, to);
                }
                (Resolved, Closed) => {
                    if ev.generator.rng.random_bool(0.4) {
                        if ev.generator.rng.random_bool(0.5) {
                            let body = ev.generator.text(data::THANKS);
                            ev.comment(plan.requester, at, body, false);
                        }
                        ev.status(plan.requester, at, from, to);
                    } else {
                        ev.status(agent, at, from, to);
                    }
                }
                _ => {
                    ev.status(agent, at, from, to);
                    if step == 1 && ev.generator.rng.random_bool(0.3) {
                        let body = ev.generator.text(data::ACKNOWLEDGEMENTS);
                        ev.comment(agent, at, body, false);
                    }
                }
            }
            if step == 1 && note_after_first {
                let next = match ev.generator.times.get(2) {
                    Some(&t) => t,
                    None => ev.generator.now.min(at + DAY),
                };
                // Notes come from whoever works the request, or a colleague asked to help.
                let staff = &org.departments[plan.provider].staff;
                let author = if ev.generator.rng.random_bool(0.7) {
                    agent
                } else {
                    org.people[pick(&mut ev.generator.rng, staff)].id
                };
                let body = ev.generator.text(data::INTERNAL_NOTES);
                ev.comment(author, at + (next - at) / 2, body, true);
            }
        }
        self.keep_clocks(plan.request_id, chunk);
        out
    }

    /// Hands the request's clocks to the chunk as they stand now. Alarms whose moment
    /// passed in the history count as raised (the worker of a running server would have
    /// raised them), so that a demo server does not raise weeks of alarms at its start.
    fn keep_clocks(&mut self, request_id: i64, chunk: &mut Chunk) {
        let now = handoff_store::from_micros(self.now);
        for mut stored in self.clocks.drain(..) {
            let passed = stored
                .schedule
                .iter()
                .take_while(|(_, at)| *at <= now)
                .count();
            let raised: Vec<_> = stored
                .schedule
                .drain(..passed)
                .map(|(alarm, _)| alarm)
                .collect();
            stored.raised.extend(raised);
            chunk.clocks.push((request_id, stored));
        }
    }

    /// One of `templates`, expanded.
    fn text(&mut self, templates: &[&str]) -> String {
        let mut out = String::new();
        self.expand_one(templates, &mut out);
        out
    }

    fn expanded(&mut self, template: &str) -> String {
        let mut out = String::new();
        self.expand(template, &mut out);
        out
    }

    /// Appends one of `templates`, expanded, to `out`.
    fn expand_one(&mut self, templates: &[&str], out: &mut String) {
        let template = pick(&mut self.rng, templates);
        self.expand(template, out);
    }

    /// Appends `template` to `out` with its placeholders replaced.
    fn expand(&mut self, template: &str, out: &mut String) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            self.word(&after[..close], out);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }

    fn word(&mut self, name: &str, out: &mut String) {
        use std::fmt::Write;
        let rng = &mut self.rng;
        match name {
            "n" => {
                let n = *self.words.n.get_or_insert_with(|| rng.random_range(2..=9));
                let _ = write!(out, "{n}");
            }
            "ref" => {
                let r = *self
                    .words
                    .reference
                    .get_or_insert_with(|| rng.random_range(10_000..=99_999));
                let _ = write!(out, "{r}");
            }
            "amount" => {
                let amount = self.amount();
                push_thousands(out, amount);
            }
            "person" => {
                let person = self.person();
                out.push_str(&self.org.people[person].name);
            }
            "fullname" => {
                let (first, last) = *self.words.fullname.get_or_insert_with(|| {
                    (pick(rng, data::FIRST_NAMES), pick(rng, data::LAST_NAMES))
                });
                let _ = write!(out, "{first} {last}");
            }
            _ => match Pool::parse(name) {
                Some(pool) => out.push_str(self.pick_word(pool)),
                None => {
                    debug_assert!(false, "unknown placeholder {{{name}}}");
                    out.push_str(name);
                }
            },
        }
    }

    fn pick_word(&mut self, pool: Pool) -> &'static str {
        let rng = &mut self.rng;
        self.words.picks[pool as usize].get_or_insert_with(|| pick(rng, pool.words()))
    }

    fn amount(&mut self) -> i64 {
        let rng = &mut self.rng;
        // Round figures, mostly small, a few large.
        *self.words.amount.get_or_insert_with(|| {
            let raw = rng.random_range(5.0f64.ln()..2_500.0f64.ln()).exp();
            (raw as i64) * 10
        })
    }

    /// A person of the requester's department (possibly the requester).
    fn person(&mut self) -> usize {
        let rng = &mut self.rng;
        let staff = &self.org.departments[self.requester_department].staff;
        *self.words.person.get_or_insert_with(|| pick(rng, staff))
    }

    /// Values for the service's form, valid against it: required fields always, the
    /// others most of the time.
    fn form_values(&mut self, spec: &ServiceSpec, story: &Story, created: i64) -> String {
        let mut values = Map::new();
        for field in spec.fields {
            if let Some((_, answer)) = story.answers.iter().find(|(key, _)| *key == field.key) {
                let mut text = String::new();
                self.expand(answer, &mut text);
                values.insert(field.key.to_owned(), Value::String(text));
                continue;
            }
            if !field.required && self.rng.random_bool(0.3) {
                continue;
            }
            let value = match field.kind {
                Kind::Text(templates) | Kind::LongText(templates) => {
                    Value::String(self.text(templates))
                }
                Kind::Number(low, high) => Value::from(self.rng.random_range(low..=high)),
                Kind::Amount => Value::from(self.amount()),
                Kind::Date(low, high) => {
                    let days = self.rng.random_range(low..=high);
                    Value::String(date_after(created, days))
                }
                Kind::Choice(options) => Value::from(pick(&mut self.rng, options)),
                Kind::MultiChoice(options) => {
                    let mut chosen: Vec<Value> = options
                        .iter()
                        .filter(|_| self.rng.random_bool(0.35))
                        .map(|o| Value::from(*o))
                        .collect();
                    if chosen.is_empty() {
                        chosen.push(Value::from(pick(&mut self.rng, options)));
                    }
                    Value::Array(chosen)
                }
                Kind::Pick(pool) => Value::from(self.pick_word(pool)),
                Kind::Person => {
                    let person = self.person();
                    Value::from(self.org.people[person].id)
                }
            };
            values.insert(field.key.to_owned(), value);
        }
        Value::Object(values).to_string()
    }
}

/// The calendar date (UTC) `days` after the instant `micros`, as `YYYY-MM-DD`.
fn date_after(micros: i64, days: i64) -> String {
    let at = handoff_store::from_micros(micros + days * DAY);
    jiff::tz::Offset::UTC.to_datetime(at).date().to_string()
}

fn push_thousands(out: &mut String, value: i64) {
    let digits = value.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// What the request looks like after its events.
struct Outcome {
    assignee: Option<i64>,
    updated_at: i64,
    resolved_at: Option<i64>,
    closed_at: Option<i64>,
    /// Whether it was reopened, so that a second resolution says something new.
    reopened: bool,
}

/// Writes one request's events into the chunk, keeping the request's state in step.
struct Events<'g, 'o, 'c> {
    plan: &'c Plan,
    chunk: &'c mut Chunk,
    generator: &'g mut Generator<'o>,
    out: &'c mut Outcome,
}

impl Events<'_, '_, '_> {
    fn history(&mut self, actor: Option<i64>, at: i64, event: RequestEvent) {
        self.generator.next_history += 1;
        self.chunk.history.push(Entry {
            id: self.generator.next_history,
            request_id: self.plan.request_id,
            actor_id: actor,
            at,
            event,
        });
        self.out.updated_at = self.out.updated_at.max(at);
    }

    /// Starts the request's clocks under its service's policy for its priority.
    fn start_clocks(&mut self, at: i64) {
        let Some(levels) = &self.generator.levels else {
            return;
        };
        let Some(policy) = applicable(&levels.policies, self.plan.priority) else {
            return;
        };
        // The calendar covers the demo's days; a clock it cannot count is left out.
        let Ok(write) = ClockWrite::start(policy, handoff_store::from_micros(at), &levels.time)
        else {
            return;
        };
        self.generator.clocks = write.clocks;
        for event in write.events {
            self.history(None, at, event);
        }
    }

    /// Moves the request's clocks as the application does on an event.
    fn move_clocks(&mut self, actions: &[(Target, ClockAction)], at: i64) {
        let Some(levels) = &self.generator.levels else {
            return;
        };
        if self.generator.clocks.is_empty() {
            return;
        }
        let clocks = std::mem::take(&mut self.generator.clocks);
        let Ok(write) = ClockWrite::apply(
            clocks,
            actions,
            handoff_store::from_micros(at),
            &levels.time,
        ) else {
            return;
        };
        self.generator.clocks = write.clocks;
        for event in write.events {
            self.history(None, at, event);
        }
    }

    /// A status move, with `resolved_at` and `closed_at` kept as the application keeps
    /// them.
    fn status(&mut self, actor: i64, at: i64, from: Status, to: Status) {
        debug_assert!(from.check_move(to).is_ok(), "{from:?} -> {to:?}");
        match to {
            Status::Resolved => {
                self.out.resolved_at = Some(at);
                self.out.closed_at = None;
            }
            Status::Closed => self.out.closed_at = Some(at),
            Status::Reopened => {
                self.out.reopened = true;
                self.out.resolved_at = None;
                self.out.closed_at = None;
            }
            _ => {}
        }
        self.history(Some(actor), at, RequestEvent::StatusChanged { from, to });
        self.move_clocks(&on_status_change(from, to), at);
    }

    fn assign(&mut self, actor: i64, assignee: i64, at: i64) {
        let from = self.out.assignee.replace(assignee);
        self.history(
            Some(actor),
            at,
            RequestEvent::Assigned {
                from,
                to: Some(assignee),
            },
        );
    }

    fn watch(&mut self, person: i64, at: i64) {
        self.chunk.watchers.push(WatcherRow {
            request_id: self.plan.request_id,
            person_id: person,
            added_by: self.plan.requester,
            added_at: at,
        });
        let requester = Some(self.plan.requester);
        self.history(
            requester,
            at,
            RequestEvent::WatcherAdded { person_id: person },
        );
    }

    fn comment(&mut self, author: i64, at: i64, body: String, internal: bool) {
        self.generator.next_comment += 1;
        let id = self.generator.next_comment;
        self.generator.comments.push((internal, body.clone()));
        self.chunk.comments.push(Comment {
            id,
            request_id: self.plan.request_id,
            author_id: author,
            body,
            internal,
            created_at: at,
        });
        let event = if internal {
            RequestEvent::InternalNote { comment_id: id }
        } else {
            RequestEvent::Replied { comment_id: id }
        };
        self.history(Some(author), at, event);
        // A public reply from the providing department answers the request.
        if !internal && author != self.plan.requester {
            self.move_clocks(&on_provider_reply(), at);
        }
    }
}
