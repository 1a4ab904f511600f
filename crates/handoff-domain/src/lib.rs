//! Handoff's domain: the types and rules of departments, people, services and requests,
//! with no I/O. Storage and HTTP call into this crate; it calls nothing outside itself.

pub mod access;
pub mod calendar;
pub mod clock;
pub mod deliverable;
pub mod dependency;
pub mod feedback;
pub mod form;
pub mod health;
pub mod job;
pub mod org;
pub mod password;
pub mod queue;
pub mod request;
pub mod roster;
pub mod search;
pub mod sla;
pub mod validation;

pub use validation::FieldErrors;
