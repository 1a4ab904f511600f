//! Instants are stored as microseconds since the Unix epoch, UTC, on both engines.

use jiff::Timestamp;

pub fn to_micros(at: Timestamp) -> i64 {
    at.as_microsecond()
}

pub fn from_micros(micros: i64) -> Timestamp {
    // Every value stored came from `to_micros`, which is always in range.
    Timestamp::from_microsecond(micros).unwrap_or(Timestamp::UNIX_EPOCH)
}
