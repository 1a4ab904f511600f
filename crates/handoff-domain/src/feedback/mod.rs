//! Feedback and recognition: the organisation's settings for them, satisfaction ratings,
//! relationship pulses and what of their results may be shown, concerns and their
//! response target, kudos.

pub mod concern;
pub mod pulse;
pub mod rating;
pub mod settings;

/// Longest free text in feedback (a comment, a message, a problem, a story).
pub const TEXT_MAX: usize = 4_000;
