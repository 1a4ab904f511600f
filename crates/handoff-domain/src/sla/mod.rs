//! Service-level agreements between departments (often called OLAs): the targets a
//! service promises, and the clocks that measure a request against them in the
//! providing department's business time.
//!
//! A request has one [`SlaClock`] per target. The clock runs from filing, pauses while
//! the request waits on the customer, resumes when the customer answers, and stops at
//! the first response (first-response target) or at resolution (resolution target); a
//! reopen resumes the resolution clock. The next-update target restarts at every public
//! reply of the providing department. [`lifecycle`] says which status moves do what.

mod clock;
mod lifecycle;
mod policy;
pub mod report;

pub use clock::{Alarm, ClockState, Clockwork, Phase, SlaClock};
pub use lifecycle::{ClockAction, alarm_events, on_provider_reply, on_status_change};
pub use policy::{DEFAULT_WARNINGS, Policy, Target};
