//! Integration tests of the HTTP API: the real router against a real database, every
//! test on SQLite and on PostgreSQL.

mod support;

mod basics;
mod bulk_changes;
mod clocks;
mod csv_export;
mod dependencies;
mod feedback;
mod handoffs;
mod health;
mod import;
mod jobs;
mod lifecycle;
mod lists;
mod metrics;
mod org;
mod org_pages;
mod pages;
mod pulses;
mod queue_views;
mod requests;
mod search;
mod service_pages;
mod services;
mod sla;
mod tokens;
mod visibility;
