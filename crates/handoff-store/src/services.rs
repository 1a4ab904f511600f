//! Services: a department's catalog entries, each with its request form and audience.

use handoff_domain::form::FieldDef;
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

use crate::calendars::{self, StoredCalendar};
use crate::db::BeginWrite;
use crate::sla_policies::{self, ServicePolicy};
use crate::sql::{Sql, bind_all};
use crate::{Db, Engine, Result, StoreError, on_read, on_write, to_micros};

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub open_to_everyone: bool,
    /// Departments that may request it besides its own, when not open to everyone.
    pub audience: Vec<i64>,
    pub confidential: bool,
    pub active: bool,
    pub fields: Vec<FieldDef>,
    /// Whether a request's resolution clock pauses while it waits on its linked
    /// requests.
    pub pause_on_links: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Service {
    /// Whether someone of `department` may file requests to this service.
    pub fn open_to(&self, department: i64) -> bool {
        self.active
            && (self.open_to_everyone
                || self.department_id == department
                || self.audience.contains(&department))
    }
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: i64,
    department_id: i64,
    name: String,
    description: String,
    owner_id: Option<i64>,
    open_to_everyone: bool,
    confidential: bool,
    active: bool,
    fields: String,
    pause_on_links: bool,
    created_at: i64,
    updated_at: i64,
}

impl ServiceRow {
    fn into_service(self, audience: Vec<i64>) -> Result<Service> {
        let fields = serde_json::from_str(&self.fields)
            .map_err(|e| StoreError::Corrupt(format!("service {} form: {e}", self.id)))?;
        Ok(Service {
            id: self.id,
            department_id: self.department_id,
            name: self.name,
            description: self.description,
            owner_id: self.owner_id,
            open_to_everyone: self.open_to_everyone,
            audience,
            confidential: self.confidential,
            active: self.active,
            fields,
            pause_on_links: self.pause_on_links,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const COLUMNS: &str = "id, department_id, name, description, owner_id, open_to_everyone, \
     confidential, active, fields, pause_on_links, created_at, updated_at";

pub struct NewService<'a> {
    pub department_id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub owner_id: Option<i64>,
    pub open_to_everyone: bool,
    pub audience: &'a [i64],
    pub confidential: bool,
    pub fields: &'a [FieldDef],
    pub pause_on_links: bool,
}

pub(crate) fn fields_json(fields: &[FieldDef]) -> String {
    // Serialising plain data to a String cannot fail.
    serde_json::to_string(fields).unwrap_or_else(|_| "[]".to_owned())
}

pub async fn create(db: &Db, new: &NewService<'_>, now: Timestamp) -> Result<Service> {
    let sql = format!(
        "INSERT INTO services (department_id, name, description, owner_id, open_to_everyone, \
         confidential, active, fields, created_at, updated_at, pause_on_links) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $8, $9) RETURNING {COLUMNS}"
    );
    let row: ServiceRow = on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let row: ServiceRow = sqlx::query_as(AssertSqlSafe(sql))
            .bind(new.department_id)
            .bind(new.name)
            .bind(new.description)
            .bind(new.owner_id)
            .bind(new.open_to_everyone)
            .bind(new.confidential)
            .bind(fields_json(new.fields))
            .bind(to_micros(now))
            .bind(new.pause_on_links)
            .fetch_one(&mut *tx)
            .await?;
        for department in new.audience {
            sqlx::query("INSERT INTO service_audience (service_id, department_id) VALUES ($1, $2)")
                .bind(row.id)
                .bind(department)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        row
    });
    row.into_service(new.audience.to_vec())
}

pub async fn get(db: &Db, id: i64) -> Result<Service> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE id = $1");
    let (row, audience): (Option<ServiceRow>, Vec<i64>) = on_read!(db, |pool| {
        let row = sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await?;
        let audience = sqlx::query_scalar(
            "SELECT department_id FROM service_audience WHERE service_id = $1 ORDER BY department_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        (row, audience)
    });
    row.ok_or(StoreError::NotFound)?.into_service(audience)
}

/// What filing a request to a service reads: the service, its SLA policies and the
/// calendar its department counts time in.
#[derive(Debug, Clone)]
pub struct FilingContext {
    pub service: Service,
    pub policies: Vec<ServicePolicy>,
    pub calendar: Option<StoredCalendar>,
}

#[derive(sqlx::FromRow)]
struct FilingRow {
    #[sqlx(flatten)]
    service: ServiceRow,
    /// The audience's department ids, comma-separated.
    audience: Option<String>,
    /// The policies as a JSON array of objects.
    policies: String,
    calendar_id: Option<i64>,
    calendar_department_id: Option<i64>,
    calendar_name: Option<String>,
    calendar_spec: Option<String>,
    calendar_created_at: Option<i64>,
    calendar_updated_at: Option<i64>,
}

/// Reads what filing a request to service `id` needs in one query (one round trip:
/// filing is the busiest write, and each round trip counts on PostgreSQL).
pub async fn for_filing(db: &Db, id: i64) -> Result<FilingContext> {
    let (audience, policy) = match db.engine() {
        Engine::Sqlite => (
            "group_concat(department_id)",
            "json_group_array(json_object(",
        ),
        Engine::Postgres => (
            "string_agg(department_id::TEXT, ',')",
            "COALESCE(json_agg(json_build_object(",
        ),
    };
    let policies_end = match db.engine() {
        Engine::Sqlite => "))",
        Engine::Postgres => ")), '[]')::TEXT",
    };
    let sql = format!(
        "SELECT s.id, s.department_id, s.name, s.description, s.owner_id, s.open_to_everyone, \
         s.confidential, s.active, s.fields, s.pause_on_links, s.created_at, s.updated_at, \
         (SELECT {audience} FROM service_audience WHERE service_id = s.id) AS audience, \
         (SELECT {policy}'priority', priority, 'first_response_minutes', first_response_minutes, \
         'resolution_minutes', resolution_minutes, 'next_update_minutes', next_update_minutes, \
         'calendar_time', calendar_time, 'warn_at', warn_at{policies_end} \
         FROM sla_policies WHERE service_id = s.id) AS policies, \
         c.id AS calendar_id, c.department_id AS calendar_department_id, c.name AS calendar_name, c.spec AS calendar_spec, \
         c.created_at AS calendar_created_at, c.updated_at AS calendar_updated_at \
         FROM services s JOIN departments d ON d.id = s.department_id \
         LEFT JOIN calendars c ON c.id = d.calendar_id WHERE s.id = $1"
    );
    let row: Option<FilingRow> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    let row = row.ok_or(StoreError::NotFound)?;
    let mut audience = Vec::new();
    for department in row.audience.iter().flat_map(|a| a.split(',')) {
        audience.push(department.parse().map_err(|e| {
            StoreError::Corrupt(format!("service {id} audience {department}: {e}"))
        })?);
    }
    audience.sort_unstable();
    let mut policies: Vec<sla_policies::Row> = serde_json::from_str(&row.policies)
        .map_err(|e| StoreError::Corrupt(format!("service {id} policies: {e}")))?;
    // As [`sla_policies::of_service`] lists them.
    policies.sort_by_key(sla_policies::Row::rank);
    let policies = policies
        .into_iter()
        .map(sla_policies::Row::decode)
        .collect::<Result<Vec<_>>>()?;
    let calendar = match (
        row.calendar_id,
        row.calendar_department_id,
        row.calendar_name,
        row.calendar_spec,
    ) {
        (Some(id), Some(department_id), Some(name), Some(spec)) => Some(
            calendars::Row {
                id,
                department_id,
                name,
                spec,
                created_at: row.calendar_created_at.unwrap_or_default(),
                updated_at: row.calendar_updated_at.unwrap_or_default(),
            }
            .decode()?,
        ),
        _ => None,
    };
    Ok(FilingContext {
        service: row.service.into_service(audience)?,
        policies,
        calendar,
    })
}

#[derive(Debug, Default)]
pub struct ServiceFilter {
    pub department_id: Option<i64>,
    pub active: Option<bool>,
    /// Only services someone of this department may request (plus its own).
    pub requestable_by: Option<i64>,
}

pub async fn list(db: &Db, filter: &ServiceFilter, after: i64, limit: i64) -> Result<Vec<Service>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM services s WHERE id > "));
    sql.int(after);
    if let Some(department) = filter.department_id {
        sql.push(" AND department_id = ").int(department);
    }
    if let Some(active) = filter.active {
        sql.push(if active {
            " AND active"
        } else {
            " AND NOT active"
        });
    }
    if let Some(department) = filter.requestable_by {
        sql.push(" AND (open_to_everyone OR department_id = ")
            .int(department);
        sql.push(" OR EXISTS (SELECT 1 FROM service_audience a WHERE a.service_id = s.id AND a.department_id = ")
            .int(department)
            .push("))");
    }
    sql.push(" ORDER BY id LIMIT ").int(limit);
    let (rows, audience): (Vec<ServiceRow>, Vec<(i64, i64)>) = on_read!(db, |pool| {
        let rows: Vec<ServiceRow> = bind_all!(sqlx::query_as(AssertSqlSafe(sql.text)), &sql.params)
            .fetch_all(pool)
            .await?;
        let audience = match (rows.first(), rows.last()) {
            (Some(first), Some(last)) => {
                sqlx::query_as(
                    "SELECT service_id, department_id FROM service_audience \
                 WHERE service_id BETWEEN $1 AND $2 ORDER BY department_id",
                )
                .bind(first.id)
                .bind(last.id)
                .fetch_all(pool)
                .await?
            }
            _ => Vec::new(),
        };
        (rows, audience)
    });
    rows.into_iter()
        .map(|row| {
            let mine = audience
                .iter()
                .filter(|(s, _)| *s == row.id)
                .map(|(_, d)| *d)
                .collect();
            row.into_service(mine)
        })
        .collect()
}

#[derive(Default)]
pub struct ServiceChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub owner_id: Option<Option<i64>>,
    pub open_to_everyone: Option<bool>,
    pub audience: Option<&'a [i64]>,
    pub confidential: Option<bool>,
    pub active: Option<bool>,
    pub fields: Option<&'a [FieldDef]>,
    pub pause_on_links: Option<bool>,
}

/// Applies the changes in one transaction.
pub async fn update(
    db: &Db,
    id: i64,
    changes: &ServiceChanges<'_>,
    now: Timestamp,
) -> Result<Service> {
    let sql = "UPDATE services SET name = COALESCE($2, name), description = COALESCE($3, description), \
         owner_id = CASE WHEN $4 THEN $5 ELSE owner_id END, \
         open_to_everyone = COALESCE($6, open_to_everyone), confidential = COALESCE($7, confidential), \
         active = COALESCE($8, active), fields = COALESCE($9, fields), updated_at = $10, \
         pause_on_links = COALESCE($11, pause_on_links) \
         WHERE id = $1 RETURNING id";
    on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let updated: Option<i64> = sqlx::query_scalar(sql)
            .bind(id)
            .bind(changes.name)
            .bind(changes.description)
            .bind(changes.owner_id.is_some())
            .bind(changes.owner_id.flatten())
            .bind(changes.open_to_everyone)
            .bind(changes.confidential)
            .bind(changes.active)
            .bind(changes.fields.map(fields_json))
            .bind(to_micros(now))
            .bind(changes.pause_on_links)
            .fetch_optional(&mut *tx)
            .await?;
        if updated.is_none() {
            return Err(StoreError::NotFound);
        }
        if let Some(audience) = changes.audience {
            sqlx::query("DELETE FROM service_audience WHERE service_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for department in audience {
                sqlx::query(
                    "INSERT INTO service_audience (service_id, department_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(department)
                .execute(&mut *tx)
                .await?;
            }
        }
        // Turning confidentiality on protects the cases already filed; turning it off
        // applies to new requests only: what was filed in confidence stays so.
        if changes.confidential == Some(true) {
            sqlx::query("UPDATE requests SET confidential = TRUE WHERE service_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, id).await
}

/// Names of the services among `ids`, by id.
pub async fn names(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
    crate::sql::names_by_id(db, "services", ids).await
}
