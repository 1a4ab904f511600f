//! The JSON API under `/api/v1`, one module per resource.

pub mod calendars;
pub mod comments;
pub mod concerns;
pub mod deliverables;
pub mod departments;
pub mod dependencies;
pub mod digest;
pub mod handoffs;
pub mod health;
pub mod history;
pub mod jobs;
pub mod kudos;
pub mod liveness;
pub mod me;
pub mod notifications;
pub mod people;
pub mod pulses;
pub mod ratings;
pub mod reports;
pub mod request_sla;
pub mod requests;
pub mod search;
pub mod services;
pub mod settings;
pub mod sla;
pub mod tokens;
pub mod views;
pub mod watchers;

use handoff_store::from_micros;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list, and where the next one starts (`null` on the last page).
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Lists in id order: the next cursor is the last id, when the page was full.
pub fn id_page<T, R>(
    rows: Vec<R>,
    limit: i64,
    id: impl Fn(&R) -> i64,
    map: impl Fn(R) -> T,
) -> Page<T> {
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| id(r).to_string()))
        .flatten();
    Page {
        items: rows.into_iter().map(map).collect(),
        next_cursor,
    }
}

pub fn time(micros: i64) -> Timestamp {
    from_micros(micros)
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
