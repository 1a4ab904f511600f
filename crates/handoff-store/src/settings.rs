//! The organisation's feedback settings: one row.

use handoff_domain::feedback::settings::Settings;

use crate::{Db, Result, StoreError, Tx, on_read, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    anonymity_threshold: i32,
    rating_interval_days: i32,
    org_values: String,
}

impl Row {
    fn decode(self) -> Result<Settings> {
        Ok(Settings {
            anonymity_threshold: self.anonymity_threshold,
            rating_interval_days: self.rating_interval_days,
            values: serde_json::from_str(&self.org_values)
                .map_err(|e| StoreError::Corrupt(format!("organisation values: {e}")))?,
        })
    }
}

const SELECT: &str =
    "SELECT anonymity_threshold, rating_interval_days, org_values FROM org_settings WHERE id = 1";

pub async fn get(db: &Db) -> Result<Settings> {
    let row: Row = on_read!(db, |pool| sqlx::query_as(SELECT).fetch_one(pool).await?);
    row.decode()
}

/// The settings as the transaction sees them.
pub async fn get_in(tx: &mut Tx) -> Result<Settings> {
    let row: Row = on_tx!(tx, |conn| sqlx::query_as(SELECT).fetch_one(conn).await?);
    row.decode()
}

pub async fn put(tx: &mut Tx, settings: &Settings) -> Result<()> {
    let values =
        serde_json::to_string(&settings.values).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE org_settings SET anonymity_threshold = $1, rating_interval_days = $2, \
         org_values = $3 WHERE id = 1"
    )
    .bind(settings.anonymity_threshold)
    .bind(settings.rating_interval_days)
    .bind(values)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(())
}
