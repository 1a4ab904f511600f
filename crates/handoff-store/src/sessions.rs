//! Browser sessions for the pages: a long random value in a cookie, stored as its
//! SHA-256 (like API tokens), with a fixed lifetime. Signing out deletes the row.

use handoff_domain::access::Actor;
use handoff_domain::org::Role;
use jiff::{SignedDuration, Timestamp};

use crate::tokens::{digest, random_secret};
use crate::{Db, Result, StoreError, on_read, on_write, to_micros};

/// Every session value starts with this.
const PREFIX: &str = "hses_";

/// How long a session lasts after signing in.
pub const LIFETIME: SignedDuration = SignedDuration::from_hours(12);

/// The person a session belongs to, with what every page shows of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionPerson {
    pub actor: Actor,
    pub name: String,
    pub email: String,
    /// The person's own zone, else their department calendar's, else none.
    pub time_zone: Option<String>,
}

/// Starts a session for the person and returns the cookie's value.
pub async fn create(db: &Db, person_id: i64, now: Timestamp) -> Result<String> {
    let value = random_secret(PREFIX);
    let expires = now.saturating_add(LIFETIME).unwrap_or(now);
    on_write!(db, |pool| {
        sqlx::query(
        "INSERT INTO sessions (person_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(person_id)
    .bind(digest(&value))
    .bind(to_micros(now))
    .bind(to_micros(expires))
    .execute(pool)
    .await?
    .rows_affected()
    });
    Ok(value)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    department_id: i64,
    role: String,
    name: String,
    email: String,
    time_zone: Option<String>,
    calendar_spec: Option<String>,
}

/// The active person whose unexpired session has this cookie value.
pub async fn lookup(db: &Db, value: &str, now: Timestamp) -> Result<Option<SessionPerson>> {
    let row: Option<Row> = on_read!(db, |pool| sqlx::query_as(
        "SELECT p.id, p.department_id, p.role, p.name, p.email, \
                p.time_zone, c.spec AS calendar_spec \
         FROM sessions s JOIN people p ON p.id = s.person_id \
         JOIN departments d ON d.id = p.department_id \
         LEFT JOIN calendars c ON c.id = d.calendar_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND p.active"
    )
    .bind(digest(value))
    .bind(to_micros(now))
    .fetch_optional(pool)
    .await?);
    row.map(|r| {
        let role = Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(r.role.clone()))?;
        // Only the zone of the stored calendar, without building the rest.
        #[derive(serde::Deserialize)]
        struct Zone {
            time_zone: String,
        }
        let calendar_zone = || {
            let spec: Zone = serde_json::from_str(r.calendar_spec.as_deref()?).ok()?;
            Some(spec.time_zone)
        };
        let time_zone = r.time_zone.clone().or_else(calendar_zone);
        Ok(SessionPerson {
            actor: Actor {
                person_id: r.id,
                department_id: r.department_id,
                role,
            },
            name: r.name,
            email: r.email,
            time_zone,
        })
    })
    .transpose()
}

/// Ends the session with this cookie value, and any expired ones.
pub async fn end(db: &Db, value: &str, now: Timestamp) -> Result<()> {
    on_write!(db, |pool| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2"
    )
    .bind(digest(value))
    .bind(to_micros(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(())
}

/// Ends every session of a person (after a password change or deactivation).
pub async fn end_all(db: &Db, person_id: i64) -> Result<u64> {
    Ok(on_write!(db, |pool| sqlx::query(
        "DELETE FROM sessions WHERE person_id = $1"
    )
    .bind(person_id)
    .execute(pool)
    .await?
    .rows_affected()))
}
