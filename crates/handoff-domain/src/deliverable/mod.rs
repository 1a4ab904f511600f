//! Recurring deliverables: work a department owes another on a schedule ("the payroll
//! report on the 3rd business day of each month"), whose due instants come from a
//! recurrence rule read against the provider's business calendar.

pub mod occurrence;
pub mod schedule;

pub use schedule::{BUSINESS_DAY_PART, MAX_COUNT, MAX_RULE_CHARS, Schedule};
