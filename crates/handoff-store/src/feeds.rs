//! The secrets that open a person's calendar feeds: one per person, kept as its SHA-256,
//! replaced when the person asks for a new one (which closes the old URLs).

use crate::{Db, Result, Tx, on_read, on_tx};

/// A new feed secret: 32 random bytes in hex, marked as a feed key.
pub fn new_secret() -> String {
    crate::tokens::random_secret("hfeed_")
}

pub use crate::tokens::digest;

/// Sets `person`'s feed secret digest, replacing any earlier one.
pub async fn set(tx: &mut Tx, person: i64, digest: &[u8], at: i64) -> Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO feed_keys (person_id, digest, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET digest = excluded.digest, \
         created_at = excluded.created_at"
    )
    .bind(person)
    .bind(digest)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}

/// The person whose feed secret has this digest.
pub async fn person(db: &Db, digest: &[u8]) -> Result<Option<i64>> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT person_id FROM feed_keys WHERE digest = $1"
    )
    .bind(digest)
    .fetch_optional(pool)
    .await?))
}
