//! Rosters: the organisation's departments and people as a table (a CSV file), and the
//! plan that brings the organisation in line with one. A plan is all or nothing: every
//! bad line is named with its number and reason, and a table with any bad line plans
//! nothing.
//!
//! Departments are read as `handle,name,parent` (the parent's handle, empty for a top
//! department); people as `email,name,department,role,active` (the department's
//! handle; `active` may be left out, and is `true` when empty). Columns may come in any
//! order; the header names them.

use std::collections::{HashMap, HashSet};

use crate::org::{Role, check_email, check_handle, would_create_cycle};
use crate::validation::{FieldErrors, text};

/// The columns of a departments table, in the order an export writes them.
pub const DEPARTMENT_COLUMNS: [&str; 3] = ["handle", "name", "parent"];
/// The columns of a people table, in the order an export writes them.
pub const PEOPLE_COLUMNS: [&str; 5] = ["email", "name", "department", "role", "active"];

/// The longest name a department or a person may have.
const NAME_MAX: usize = 100;

/// A line of the table that cannot be taken, with its number in the file (the header is
/// line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One record as read: its line number and its cells.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A department as it is now.
#[derive(Debug, Clone)]
pub struct KnownDepartment {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// A person as they are now.
#[derive(Debug, Clone)]
pub struct KnownPerson {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub department_id: i64,
    pub role: Role,
    pub active: bool,
}

/// Where each named column sits in a record, checked against what a table may have.
fn columns(
    header: &Record,
    expected: &[&str],
    required: &[&str],
) -> Result<HashMap<String, usize>, Vec<LineError>> {
    let mut at = HashMap::new();
    let mut errors = Vec::new();
    let expected_list = expected.join(", ");
    for (index, cell) in header.cells.iter().enumerate() {
        let name = cell.trim().trim_start_matches('\u{feff}').to_lowercase();
        if !expected.contains(&name.as_str()) {
            errors.push(format!(
                "unknown column \"{}\"; the columns are {expected_list}",
                cell.trim()
            ));
        } else if at.insert(name.clone(), index).is_some() {
            errors.push(format!("the column {name} is named twice"));
        }
    }
    for name in required {
        if !at.contains_key(*name) {
            errors.push(format!(
                "the column {name} is missing; the columns are {expected_list}"
            ));
        }
    }
    if errors.is_empty() {
        Ok(at)
    } else {
        Err(errors
            .into_iter()
            .map(|reason| LineError {
                line: header.line,
                reason,
            })
            .collect())
    }
}

/// The cell of `column` in `record`, empty when the column or the cell is missing.
fn cell<'a>(record: &'a Record, at: &HashMap<String, usize>, column: &str) -> &'a str {
    at.get(column)
        .and_then(|i| record.cells.get(*i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// The reasons of `errors`, field by field, as one line's reason.
fn reasons(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(field, reason)| format!("{field} {reason}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The first record is the header; an empty table has none.
fn split(records: &[Record]) -> Result<(&Record, &[Record]), Vec<LineError>> {
    match records.split_first() {
        Some((header, rest)) => Ok((header, rest)),
        None => Err(vec![LineError {
            line: 1,
            reason: "the file is empty; its first line must name the columns".to_owned(),
        }]),
    }
}

/// A department to create.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewDepartmentRow {
    pub line: usize,
    pub handle: String,
    pub name: String,
    /// The parent's handle (an existing department or one created by the same plan).
    pub parent: Option<String>,
}

/// A department whose name or parent changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChangedDepartment {
    pub line: usize,
    pub id: i64,
    pub handle: String,
    pub name: Option<String>,
    /// `Some(None)`: becomes a top department.
    pub parent: Option<Option<String>>,
    /// What changes, in words ("name: Sales → Sales and Marketing").
    pub changes: Vec<String>,
}

/// What a departments table changes. Departments it does not name are left as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DepartmentPlan {
    pub create: Vec<NewDepartmentRow>,
    pub change: Vec<ChangedDepartment>,
    pub unchanged: usize,
}

impl DepartmentPlan {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.change.is_empty()
    }
}

/// Plans bringing the departments in line with `records` (header first).
pub fn plan_departments(
    records: &[Record],
    known: &[KnownDepartment],
) -> Result<DepartmentPlan, Vec<LineError>> {
    let (header, rows) = split(records)?;
    let at = columns(header, &DEPARTMENT_COLUMNS, &["handle", "name"])?;
    let by_handle: HashMap<&str, &KnownDepartment> =
        known.iter().map(|d| (d.handle.as_str(), d)).collect();
    let handle_of: HashMap<i64, &str> = known.iter().map(|d| (d.id, d.handle.as_str())).collect();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Each named department's handle, name and parent handle as the table has them.
    let mut named: Vec<(usize, String, String, Option<String>)> = Vec::new();
    for record in rows {
        let mut fields = FieldErrors::new();
        let handle = check_handle(&mut fields, "handle", cell(record, &at, "handle"));
        let name = text(&mut fields, "name", cell(record, &at, "name"), NAME_MAX);
        let parent = Some(cell(record, &at, "parent"))
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        if !fields.is_empty() {
            errors.push(LineError {
                line: record.line,
                reason: reasons(&fields),
            });
            continue;
        }
        if let Some(first) = seen.insert(handle.clone(), record.line) {
            errors.push(LineError {
                line: record.line,
                reason: format!("the department {handle} is already on line {first}"),
            });
            continue;
        }
        named.push((record.line, handle, name, parent));
    }
    // The parent of every department once the plan is applied, by handle.
    let mut parent_after: HashMap<String, Option<String>> = known
        .iter()
        .map(|d| {
            let parent = d
                .parent_id
                .and_then(|p| handle_of.get(&p))
                .map(|h| (*h).to_owned());
            (d.handle.clone(), parent)
        })
        .collect();
    for (line, handle, _, parent) in &named {
        if let Some(parent) = parent {
            if parent == handle {
                errors.push(LineError {
                    line: *line,
                    reason: format!("the department {handle} cannot be its own parent"),
                });
                continue;
            }
            if !by_handle.contains_key(parent.as_str()) && !seen.contains_key(parent) {
                errors.push(LineError {
                    line: *line,
                    reason: format!(
                        "the parent {parent} is no department, in Handoff or in the file"
                    ),
                });
                continue;
            }
        }
        parent_after.insert(handle.clone(), parent.clone());
    }
    // A loop in the hierarchy the plan would leave, named on the line of each
    // department of the table caught in it.
    let ids: HashMap<&str, i64> = parent_after
        .keys()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i as i64))
        .collect();
    let handle_at: HashMap<i64, &str> = ids.iter().map(|(h, i)| (*i, *h)).collect();
    let parent_id = |id: i64| {
        handle_at
            .get(&id)
            .and_then(|h| parent_after.get(*h))
            .and_then(|p| p.as_deref())
            .and_then(|p| ids.get(p).copied())
    };
    for (line, handle, _, parent) in &named {
        let Some(parent) = parent else { continue };
        let (Some(id), Some(parent)) = (ids.get(handle.as_str()), ids.get(parent.as_str())) else {
            continue;
        };
        if would_create_cycle(*id, *parent, parent_id) {
            errors.push(LineError {
                line: *line,
                reason: format!(
                    "the parent {} would put {handle} inside itself (a loop in the hierarchy)",
                    handle_at[parent]
                ),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    let mut plan = DepartmentPlan::default();
    for (line, handle, name, parent) in named {
        let Some(existing) = by_handle.get(handle.as_str()) else {
            plan.create.push(NewDepartmentRow {
                line,
                handle,
                name,
                parent,
            });
            continue;
        };
        let parent_now = existing
            .parent_id
            .and_then(|p| handle_of.get(&p))
            .map(|h| (*h).to_owned());
        let mut changes = Vec::new();
        let new_name = (existing.name != name).then(|| {
            changes.push(format!("name: {} → {name}", existing.name));
            name
        });
        let new_parent = (parent_now != parent).then(|| {
            changes.push(format!(
                "parent: {} → {}",
                parent_now.as_deref().unwrap_or("none"),
                parent.as_deref().unwrap_or("none")
            ));
            parent
        });
        if changes.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.change.push(ChangedDepartment {
                line,
                id: existing.id,
                handle,
                name: new_name,
                parent: new_parent,
                changes,
            });
        }
    }
    Ok(plan)
}

/// A person to create.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewPersonRow {
    pub line: usize,
    pub email: String,
    pub name: String,
    pub department_id: i64,
    pub role: Role,
    pub active: bool,
}

/// A person whose name, department, role or activity changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChangedPerson {
    pub line: usize,
    pub id: i64,
    pub email: String,
    pub name: Option<String>,
    pub department_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// What changes, in words ("role: member → manager").
    pub changes: Vec<String>,
}

/// A person the plan deactivates because the table leaves them out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Deactivated {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// What a people table changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PeoplePlan {
    pub create: Vec<NewPersonRow>,
    pub change: Vec<ChangedPerson>,
    /// People left out of the table, when the import deactivates them.
    pub deactivate: Vec<Deactivated>,
    pub unchanged: usize,
}

impl PeoplePlan {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.change.is_empty() && self.deactivate.is_empty()
    }
}

/// How people tables are taken.
#[derive(Debug, Clone, Copy)]
pub struct PeopleOptions {
    /// Deactivates the active people the table leaves out.
    pub deactivate_missing: bool,
    /// Who imports: they may not deactivate or demote themselves.
    pub importer: i64,
}

fn parse_active(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "" | "true" | "yes" | "1" | "active" => Some(true),
        "false" | "no" | "0" | "inactive" => Some(false),
        _ => None,
    }
}

/// Plans bringing the people in line with `records` (header first).
pub fn plan_people(
    records: &[Record],
    known: &[KnownPerson],
    departments: &[KnownDepartment],
    options: PeopleOptions,
) -> Result<PeoplePlan, Vec<LineError>> {
    let (header, rows) = split(records)?;
    let at = columns(
        header,
        &PEOPLE_COLUMNS,
        &["email", "name", "department", "role"],
    )?;
    let department_by_handle: HashMap<&str, &KnownDepartment> =
        departments.iter().map(|d| (d.handle.as_str(), d)).collect();
    let department_handle: HashMap<i64, &str> = departments
        .iter()
        .map(|d| (d.id, d.handle.as_str()))
        .collect();
    let by_email: HashMap<&str, &KnownPerson> =
        known.iter().map(|p| (p.email.as_str(), p)).collect();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut plan = PeoplePlan::default();
    for record in rows {
        let mut fields = FieldErrors::new();
        let email = check_email(&mut fields, "email", cell(record, &at, "email"));
        let name = text(&mut fields, "name", cell(record, &at, "name"), NAME_MAX);
        let handle = cell(record, &at, "department");
        let department = department_by_handle.get(handle).copied();
        if department.is_none() {
            fields.add(
                "department",
                if handle.is_empty() {
                    "must name a department by its handle".to_owned()
                } else {
                    format!("{handle} is no department's handle")
                },
            );
        }
        let role_text = cell(record, &at, "role");
        let role = Role::parse(&role_text.to_lowercase());
        if role.is_none() {
            fields.add(
                "role",
                format!("\"{role_text}\" is no role; a role is member, manager or admin"),
            );
        }
        let active_text = cell(record, &at, "active");
        let active = parse_active(active_text);
        if active.is_none() {
            fields.add(
                "active",
                format!("\"{active_text}\" must be true or false (or empty for true)"),
            );
        }
        let (Some(department), Some(role), Some(active), true) =
            (department, role, active, fields.is_empty())
        else {
            errors.push(LineError {
                line: record.line,
                reason: reasons(&fields),
            });
            continue;
        };
        if let Some(first) = seen.insert(email.clone(), record.line) {
            errors.push(LineError {
                line: record.line,
                reason: format!("the e-mail {email} is already on line {first}"),
            });
            continue;
        }
        let Some(existing) = by_email.get(email.as_str()) else {
            plan.create.push(NewPersonRow {
                line: record.line,
                email,
                name,
                department_id: department.id,
                role,
                active,
            });
            continue;
        };
        if existing.id == options.importer && (!active || role != Role::Admin) {
            errors.push(LineError {
                line: record.line,
                reason: "you cannot deactivate or demote yourself".to_owned(),
            });
            continue;
        }
        let mut changes = Vec::new();
        let new_name = (existing.name != name).then(|| {
            changes.push(format!("name: {} → {name}", existing.name));
            name
        });
        let new_department = (existing.department_id != department.id).then(|| {
            let before = department_handle
                .get(&existing.department_id)
                .copied()
                .unwrap_or("?");
            changes.push(format!("department: {before} → {}", department.handle));
            department.id
        });
        let new_role = (existing.role != role).then(|| {
            changes.push(format!(
                "role: {} → {}",
                existing.role.as_str(),
                role.as_str()
            ));
            role
        });
        let new_active = (existing.active != active).then(|| {
            changes.push(if active { "reactivated" } else { "deactivated" }.to_owned());
            active
        });
        if changes.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.change.push(ChangedPerson {
                line: record.line,
                id: existing.id,
                email,
                name: new_name,
                department_id: new_department,
                role: new_role,
                active: new_active,
                changes,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if options.deactivate_missing {
        let named: HashSet<&str> = seen.keys().map(String::as_str).collect();
        plan.deactivate = known
            .iter()
            .filter(|p| p.active && p.id != options.importer && !named.contains(p.email.as_str()))
            .map(|p| Deactivated {
                id: p.id,
                email: p.email.clone(),
                name: p.name.clone(),
            })
            .collect();
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(lines: &[&str]) -> Vec<Record> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| Record {
                line: i + 1,
                cells: l.split(',').map(str::to_owned).collect(),
            })
            .collect()
    }

    fn departments() -> Vec<KnownDepartment> {
        vec![
            KnownDepartment {
                id: 1,
                handle: "it".into(),
                name: "IT".into(),
                parent_id: None,
            },
            KnownDepartment {
                id: 2,
                handle: "hr".into(),
                name: "HR".into(),
                parent_id: Some(1),
            },
        ]
    }

    fn people() -> Vec<KnownPerson> {
        vec![
            KnownPerson {
                id: 10,
                email: "ann@example.org".into(),
                name: "Ann".into(),
                department_id: 1,
                role: Role::Admin,
                active: true,
            },
            KnownPerson {
                id: 11,
                email: "bob@example.org".into(),
                name: "Bob".into(),
                department_id: 1,
                role: Role::Member,
                active: true,
            },
        ]
    }

    const ANN: PeopleOptions = PeopleOptions {
        deactivate_missing: false,
        importer: 10,
    };

    #[test]
    fn departments_are_created_changed_and_left_alone() {
        let plan = plan_departments(
            &records(&[
                "handle,name,parent",
                "it,IT,",
                "hr,People,",
                "legal,Legal,ops",
                "ops,Operations,it",
            ]),
            &departments(),
        )
        .unwrap();
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.change.len(), 1);
        assert_eq!(
            plan.change[0].changes,
            ["name: HR → People", "parent: it → none"]
        );
        assert_eq!(plan.change[0].parent, Some(None));
        let created: Vec<_> = plan.create.iter().map(|d| d.handle.as_str()).collect();
        assert_eq!(created, ["legal", "ops"]);
    }

    #[test]
    fn a_loop_an_unknown_parent_and_a_duplicate_are_named_by_line() {
        let errors = plan_departments(
            &records(&[
                "handle,name,parent",
                "it,IT,hr",
                "ops,Ops,nowhere",
                "ops,Ops again,",
                "xy,XY,xy",
            ]),
            &departments(),
        )
        .unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{errors:?}");
        assert!(errors[0].reason.contains("loop"), "{}", errors[0]);
        assert!(errors[1].reason.contains("nowhere"), "{}", errors[1]);
        assert!(errors[2].reason.contains("line 3"), "{}", errors[2]);
        assert!(errors[3].reason.contains("own parent"), "{}", errors[3]);
    }

    #[test]
    fn a_wrong_header_is_refused_before_any_line() {
        let errors =
            plan_departments(&records(&["handle,title", "it,IT"]), &departments()).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors[0].reason.contains("unknown column \"title\""));
        assert!(errors[1].reason.contains("name is missing"));
        assert!(plan_departments(&[], &departments()).is_err());
    }

    #[test]
    fn people_are_created_changed_and_missing_ones_deactivated_on_request() {
        let table = records(&[
            "email,name,department,role,active",
            "ANN@example.org,Ann,it,admin,",
            "cy@example.org,Cy,hr,manager,true",
            "dee@example.org,Dee,hr,Member,false",
        ]);
        let plan = plan_people(&table, &people(), &departments(), ANN).unwrap();
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.create.len(), 2);
        assert!(!plan.create[1].active);
        assert!(plan.deactivate.is_empty());
        let plan = plan_people(
            &table,
            &people(),
            &departments(),
            PeopleOptions {
                deactivate_missing: true,
                ..ANN
            },
        )
        .unwrap();
        assert_eq!(plan.deactivate.len(), 1);
        assert_eq!(plan.deactivate[0].email, "bob@example.org");

        let moved = records(&[
            "name,email,role,department",
            "Bob B,bob@example.org,manager,hr",
        ]);
        let plan = plan_people(&moved, &people(), &departments(), ANN).unwrap();
        assert_eq!(
            plan.change[0].changes,
            [
                "name: Bob → Bob B",
                "department: it → hr",
                "role: member → manager"
            ]
        );
    }

    #[test]
    fn every_bad_person_line_is_named() {
        let errors = plan_people(
            &records(&[
                "email,name,department,role",
                "not-an-email,X,it,member",
                "cy@example.org,Cy,sales,member",
                "dee@example.org,Dee,it,boss",
                "eve@example.org,Eve,it,member",
                "EVE@example.org,Eve,it,member",
                "ann@example.org,Ann,it,member",
            ]),
            &people(),
            &departments(),
            ANN,
        )
        .unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 6, 7], "{errors:?}");
        assert!(errors[0].reason.starts_with("email "), "{}", errors[0]);
        assert!(errors[1].reason.contains("sales is no department"));
        assert!(errors[2].reason.contains("\"boss\" is no role"));
        assert!(errors[3].reason.contains("already on line 5"));
        assert!(errors[4].reason.contains("yourself"));
    }
}
