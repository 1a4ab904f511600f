//! Requests between departments: their lifecycle and priorities.

mod event;
mod priority;
mod status;
pub mod stint;

pub use event::{Holder, RequestEvent, UnreadableEvent, Words};
pub use priority::Priority;
pub use status::{IllegalMove, Status};
pub use stint::{StintEnd, StintTime};

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest description or comment, in characters.
pub const BODY_MAX: usize = 20_000;
