//! Departments and people to and from CSV: an export that an import takes back
//! unchanged, and an import that is planned first (what it creates, changes and
//! deactivates, or every bad line with its number) and applied, when confirmed, in one
//! transaction. `handoff import people|departments` and the organisation's import page
//! both come here.

use std::hash::{Hash, Hasher};

use handoff_domain::access::Actor;
use handoff_domain::roster::{
    DEPARTMENT_COLUMNS, DepartmentPlan, KnownDepartment, KnownPerson, LineError, PEOPLE_COLUMNS,
    PeopleOptions, PeoplePlan, Record, plan_departments, plan_people,
};
use handoff_store::departments::{self, DepartmentChanges, NewDepartment};
use handoff_store::people::{self, NewPerson, PeopleFilter, PersonChanges};

use crate::App;
use crate::error::{ActionError, ActionResult, unique_as_field};

/// Which table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Departments,
    People,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Departments => "departments",
            Table::People => "people",
        }
    }
}

/// What an import would do, or did.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Plan {
    Departments(DepartmentPlan),
    People(PeoplePlan),
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        match self {
            Plan::Departments(p) => p.is_empty(),
            Plan::People(p) => p.is_empty(),
        }
    }

    /// A digest of the plan, so that a confirmation applies the plan that was shown and
    /// not one the organisation's changes since have made different.
    pub fn digest(&self) -> String {
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    }

    /// One line saying what it does ("3 created, 1 changed, 2 deactivated, 40 unchanged").
    pub fn summary(&self) -> String {
        match self {
            Plan::Departments(p) => format!(
                "{} created, {} changed, {} unchanged",
                p.create.len(),
                p.change.len(),
                p.unchanged
            ),
            Plan::People(p) => format!(
                "{} created, {} changed, {} deactivated, {} unchanged",
                p.create.len(),
                p.change.len(),
                p.deactivate.len(),
                p.unchanged
            ),
        }
    }
}

/// Why an import was not planned: the file cannot be read as CSV, or lines are bad.
#[derive(Debug)]
pub enum Refused {
    Lines(Vec<LineError>),
    Action(ActionError),
}

impl From<ActionError> for Refused {
    fn from(e: ActionError) -> Self {
        Refused::Action(e)
    }
}

impl From<handoff_store::StoreError> for Refused {
    fn from(e: handoff_store::StoreError) -> Self {
        Refused::Action(e.into())
    }
}

/// The largest file taken: 10 MB holds some 100,000 people.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The records of a CSV text, the header first, each with its line number.
fn records(csv_text: &str) -> Result<Vec<Record>, Vec<LineError>> {
    if csv_text.len() > MAX_BYTES {
        return Err(vec![LineError {
            line: 1,
            reason: format!("the file is larger than {} MB", MAX_BYTES / 1024 / 1024),
        }]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    // The csv crate's own line count skips blank lines and counts CRLF apart: the
    // line of a record is counted here from its byte offset.
    let bytes = csv_text.as_bytes();
    let (mut counted, mut line) = (0usize, 1usize);
    let mut line_at = |byte: u64| {
        // A record's position may fall on the line break before it.
        let mut byte = (byte as usize).min(bytes.len());
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte > counted {
            line += bytes[counted..byte].iter().filter(|b| **b == b'\n').count();
            counted = byte;
        }
        line
    };
    let mut out = Vec::new();
    for row in reader.records() {
        match row {
            Ok(row) => {
                let line = row.position().map_or(0, |p| line_at(p.byte()));
                if row.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                out.push(Record {
                    line,
                    cells: row.iter().map(str::to_owned).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
                    _ => format!("cannot be read as CSV ({e})"),
                };
                return Err(vec![LineError { line, reason }]);
            }
        }
    }
    Ok(out)
}

async fn known_departments(app: &App) -> ActionResult<Vec<KnownDepartment>> {
    Ok(departments::all(&app.db)
        .await?
        .into_iter()
        .map(|d| KnownDepartment {
            id: d.id,
            handle: d.handle,
            name: d.name,
            parent_id: d.parent_id,
        })
        .collect())
}

async fn known_people(app: &App) -> ActionResult<Vec<KnownPerson>> {
    let rows = people::list(&app.db, &PeopleFilter::default(), 0, i64::MAX).await?;
    rows.into_iter()
        .map(|p| {
            Ok(KnownPerson {
                role: p.role()?,
                id: p.id,
                email: p.email,
                name: p.name,
                department_id: p.department_id,
                active: p.active,
            })
        })
        .collect()
}

fn admins_only(actor: &Actor) -> ActionResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(ActionError::forbidden(
            "only an administrator imports departments and people",
        ))
    }
}

/// Plans importing `csv_text` as `table`: writes nothing.
pub async fn plan(
    app: &App,
    actor: &Actor,
    table: Table,
    csv_text: &str,
    deactivate_missing: bool,
) -> Result<Plan, Refused> {
    admins_only(actor)?;
    let records = records(csv_text).map_err(Refused::Lines)?;
    let departments = known_departments(app).await?;
    match table {
        Table::Departments => plan_departments(&records, &departments)
            .map(Plan::Departments)
            .map_err(Refused::Lines),
        Table::People => {
            let people = known_people(app).await?;
            let options = PeopleOptions {
                deactivate_missing,
                importer: actor.person_id,
            };
            plan_people(&records, &people, &departments, options)
                .map(Plan::People)
                .map_err(Refused::Lines)
        }
    }
}

/// Plans importing `csv_text` and applies the plan in one transaction, when its digest
/// is `expected` (the plan that was shown) or no digest is expected. Returns the plan
/// applied; a plan that differs from the one shown is refused, writing nothing.
#[tracing::instrument(name = "import_roster", skip_all, fields(actor = actor.person_id, table = table.name()))]
pub async fn apply(
    app: &App,
    actor: &Actor,
    table: Table,
    csv_text: &str,
    deactivate_missing: bool,
    expected: Option<&str>,
) -> Result<Plan, Refused> {
    let plan = plan(app, actor, table, csv_text, deactivate_missing).await?;
    if expected.is_some_and(|digest| digest != plan.digest()) {
        return Err(Refused::Action(ActionError::conflict(
            "plan_changed",
            None,
            "the organisation changed since the preview: look at the new preview before confirming",
        )));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    match &plan {
        Plan::Departments(p) => {
            let mut ids: std::collections::HashMap<String, i64> = known_departments(app)
                .await?
                .into_iter()
                .map(|d| (d.handle, d.id))
                .collect();
            // Created first without their parents, which may be created after them.
            for row in &p.create {
                let new = NewDepartment {
                    name: &row.name,
                    handle: &row.handle,
                    parent_id: None,
                };
                let created = departments::insert(&mut tx, &new, now)
                    .await
                    .map_err(|e| unique_as_field(e, "handle", "is taken by another department"))?;
                ids.insert(row.handle.clone(), created.id);
            }
            let parent_id =
                |handle: &Option<String>| handle.as_ref().and_then(|h| ids.get(h)).copied();
            for row in &p.create {
                if row.parent.is_some() {
                    let changes = DepartmentChanges {
                        parent_id: Some(parent_id(&row.parent)),
                        ..DepartmentChanges::default()
                    };
                    departments::update(&mut tx, ids[&row.handle], &changes).await?;
                }
            }
            for row in &p.change {
                let changes = DepartmentChanges {
                    name: row.name.as_deref(),
                    parent_id: row.parent.as_ref().map(parent_id),
                    ..DepartmentChanges::default()
                };
                departments::update(&mut tx, row.id, &changes).await?;
            }
        }
        Plan::People(p) => {
            for row in &p.create {
                let new = NewPerson {
                    name: &row.name,
                    email: &row.email,
                    department_id: row.department_id,
                    role: row.role,
                };
                let created = people::insert(&mut tx, &new, now)
                    .await
                    .map_err(|e| unique_as_field(e, "email", "is used by another person"))?;
                if !row.active {
                    let changes = PersonChanges {
                        active: Some(false),
                        ..PersonChanges::default()
                    };
                    people::change(&mut tx, created.id, &changes).await?;
                }
            }
            for row in &p.change {
                let changes = PersonChanges {
                    name: row.name.as_deref(),
                    department_id: row.department_id,
                    role: row.role,
                    active: row.active,
                    ..PersonChanges::default()
                };
                people::change(&mut tx, row.id, &changes).await?;
            }
            for row in &p.deactivate {
                let changes = PersonChanges {
                    active: Some(false),
                    ..PersonChanges::default()
                };
                people::change(&mut tx, row.id, &changes).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(plan)
}

/// The table as CSV, in the columns an import reads, ordered by id.
pub async fn export(app: &App, actor: &Actor, table: Table) -> ActionResult<String> {
    admins_only(actor)?;
    let departments = known_departments(app).await?;
    let handle_of: std::collections::HashMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.handle.as_str()))
        .collect();
    let handle = |id: Option<i64>| id.and_then(|d| handle_of.get(&d)).copied().unwrap_or("");
    let mut writer = csv::Writer::from_writer(Vec::new());
    match table {
        Table::Departments => {
            writer.write_record(DEPARTMENT_COLUMNS).map_err(csv_fault)?;
            for d in &departments {
                writer
                    .write_record([d.handle.as_str(), &d.name, handle(d.parent_id)])
                    .map_err(csv_fault)?;
            }
        }
        Table::People => {
            writer.write_record(PEOPLE_COLUMNS).map_err(csv_fault)?;
            for p in known_people(app).await? {
                let active = if p.active { "true" } else { "false" };
                writer
                    .write_record([
                        p.email.as_str(),
                        &p.name,
                        handle(Some(p.department_id)),
                        p.role.as_str(),
                        active,
                    ])
                    .map_err(csv_fault)?;
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv_fault(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|_| ActionError::Internal)
}

fn csv_fault(e: csv::Error) -> ActionError {
    tracing::error!(error = %e, "writing CSV in memory failed");
    ActionError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_of_either_kind_read_the_same() {
        let unix = records("a,b\nc,d\n\ne,f\n").unwrap();
        let windows = records("a,b\r\nc,d\r\n\r\ne,f\r\n").unwrap();
        let lines = |r: &[Record]| {
            r.iter()
                .map(|r| (r.line, r.cells.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&unix), lines(&windows));
        assert_eq!(lines(&unix)[2].0, 4, "the blank line 3 counts");
    }
}
