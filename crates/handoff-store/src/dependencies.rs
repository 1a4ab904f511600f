//! Dependencies between departments and the services that fulfil them: see the migration
//! `0009_dependencies`.

use sqlx::AssertSqlSafe;

use crate::sql::{Sql, bind_all};
use crate::{Db, Engine, Result, StoreError, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Dependency {
    pub id: i64,
    pub customer_department_id: i64,
    pub provider_department_id: i64,
    pub what: String,
    pub criticality: String,
    pub customer_owner_id: i64,
    pub provider_owner_id: i64,
    pub expectation: String,
    pub state: String,
    pub proposed_by: i64,
    pub proposed_at: i64,
    pub agreed_by: Option<i64>,
    pub agreed_at: Option<i64>,
    pub retired_by: Option<i64>,
    pub retired_at: Option<i64>,
    pub updated_at: i64,
    /// The provider's services that fulfil it, in id order.
    #[sqlx(skip)]
    pub service_ids: Vec<i64>,
}

const COLUMNS: &str = "id, customer_department_id, provider_department_id, what, criticality, \
     customer_owner_id, provider_owner_id, expectation, state, proposed_by, proposed_at, \
     agreed_by, agreed_at, retired_by, retired_at, updated_at";

/// Writes a new dependency with its services; returns its id.
pub async fn insert(tx: &mut Tx, d: &Dependency) -> Result<i64> {
    let id: i64 = on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO dependencies (customer_department_id, provider_department_id, what, \
         criticality, customer_owner_id, provider_owner_id, expectation, state, proposed_by, \
         proposed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         RETURNING id"
    )
    .bind(d.customer_department_id)
    .bind(d.provider_department_id)
    .bind(&d.what)
    .bind(&d.criticality)
    .bind(d.customer_owner_id)
    .bind(d.provider_owner_id)
    .bind(&d.expectation)
    .bind(&d.state)
    .bind(d.proposed_by)
    .bind(d.proposed_at)
    .fetch_one(conn)
    .await?);
    set_services(tx, id, &d.service_ids).await?;
    Ok(id)
}

/// Replaces the services of dependency `id`.
async fn set_services(tx: &mut Tx, id: i64, services: &[i64]) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM dependency_services WHERE dependency_id = $1"
    )
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected());
    if services.is_empty() {
        return Ok(());
    }
    on_tx!(tx, |conn| {
        let mut insert =
            sqlx::QueryBuilder::new("INSERT INTO dependency_services (dependency_id, service_id) ");
        insert.push_values(services, |mut b, s| {
            b.push_bind(id).push_bind(*s);
        });
        insert.build().execute(conn).await?.rows_affected()
    });
    Ok(())
}

/// Writes what changes of a dependency (its terms and its state), with its services.
pub async fn save(tx: &mut Tx, d: &Dependency) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE dependencies SET what = $2, criticality = $3, customer_owner_id = $4, \
         provider_owner_id = $5, expectation = $6, state = $7, agreed_by = $8, agreed_at = $9, \
         retired_by = $10, retired_at = $11, updated_at = $12, proposed_by = $13, \
         proposed_at = $14 WHERE id = $1"
    )
    .bind(d.id)
    .bind(&d.what)
    .bind(&d.criticality)
    .bind(d.customer_owner_id)
    .bind(d.provider_owner_id)
    .bind(&d.expectation)
    .bind(&d.state)
    .bind(d.agreed_by)
    .bind(d.agreed_at)
    .bind(d.retired_by)
    .bind(d.retired_at)
    .bind(d.updated_at)
    .bind(d.proposed_by)
    .bind(d.proposed_at)
    .execute(conn)
    .await?
    .rows_affected());
    set_services(tx, d.id, &d.service_ids).await
}

pub async fn get(db: &Db, id: i64) -> Result<Dependency> {
    let select = format!("SELECT {COLUMNS} FROM dependencies WHERE id = $1");
    let found: Option<Dependency> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(pool)
        .await?);
    let mut found = found.ok_or(StoreError::NotFound)?;
    found.service_ids = services_of(db, &[id])
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    Ok(found)
}

/// Reads a dependency to change it (locked on PostgreSQL).
pub async fn lock(tx: &mut Tx, id: i64) -> Result<Dependency> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    };
    let select = format!("SELECT {COLUMNS} FROM dependencies WHERE id = $1{lock}");
    let found: Option<Dependency> = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?);
    let mut found = found.ok_or(StoreError::NotFound)?;
    found.service_ids = on_tx!(tx, |conn| {
        sqlx::query_scalar(
        "SELECT service_id FROM dependency_services WHERE dependency_id = $1 ORDER BY service_id"
    )
    .bind(id)
    .fetch_all(conn)
    .await?
    });
    Ok(found)
}

/// `(dependency, service)` pairs of the dependencies `ids`, in that order.
async fn services_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT dependency_id, service_id FROM dependency_services WHERE dependency_id IN ",
    );
    sql.ints(ids).push(" ORDER BY dependency_id, service_id");
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

async fn with_services(db: &Db, mut found: Vec<Dependency>) -> Result<Vec<Dependency>> {
    let ids: Vec<i64> = found.iter().map(|d| d.id).collect();
    let pairs = services_of(db, &ids).await?;
    for d in &mut found {
        d.service_ids = pairs
            .iter()
            .filter(|(dep, _)| *dep == d.id)
            .map(|(_, s)| *s)
            .collect();
    }
    Ok(found)
}

/// Which dependencies a list shows; the register is open to everyone in the organisation.
#[derive(Debug, Clone, Default)]
pub struct DependencyFilter {
    pub customer_department_id: Option<i64>,
    pub provider_department_id: Option<i64>,
    /// Either side is this department.
    pub department_id: Option<i64>,
    pub criticality: Option<String>,
    pub state: Option<String>,
}

/// Dependencies by id, after the cursor id.
pub async fn list(
    db: &Db,
    filter: &DependencyFilter,
    after: i64,
    limit: i64,
) -> Result<Vec<Dependency>> {
    let select = format!(
        "SELECT {COLUMNS} FROM dependencies WHERE ($1 IS NULL OR customer_department_id = $1) \
         AND ($2 IS NULL OR provider_department_id = $2) \
         AND ($3 IS NULL OR customer_department_id = $3 OR provider_department_id = $3) \
         AND ($4 IS NULL OR criticality = $4) AND ($5 IS NULL OR state = $5) \
         AND id > $6 ORDER BY id LIMIT $7"
    );
    let found: Vec<Dependency> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(filter.customer_department_id)
        .bind(filter.provider_department_id)
        .bind(filter.department_id)
        .bind(filter.criticality.as_deref())
        .bind(filter.state.as_deref())
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?);
    with_services(db, found).await
}

/// The dependencies in force (proposed or agreed) in which `department` is the provider
/// or `person` the provider's owner (`provider = true`), or the same on the customer's
/// side; most critical first.
pub async fn in_force_for(
    db: &Db,
    department: i64,
    person: i64,
    provider: bool,
) -> Result<Vec<Dependency>> {
    let (dept, owner) = if provider {
        ("provider_department_id", "provider_owner_id")
    } else {
        ("customer_department_id", "customer_owner_id")
    };
    let select = format!(
        "SELECT {COLUMNS} FROM dependencies WHERE ({dept} = $1 OR {owner} = $2) \
         AND state <> 'retired' ORDER BY CASE criticality WHEN 'critical' THEN 4 \
         WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC, id"
    );
    let found: Vec<Dependency> = on_read!(db, |pool| sqlx::query_as(AssertSqlSafe(select))
        .bind(department)
        .bind(person)
        .fetch_all(pool)
        .await?);
    with_services(db, found).await
}
