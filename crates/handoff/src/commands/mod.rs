//! One module per sub-command, each with its options and a `run`.

pub mod backup;
pub mod calendar;
pub mod demo;
pub mod import;
pub mod migrate;
pub mod person;
pub mod roster;
pub mod serve;
pub mod token;
