//! The emulator's clock: every server time (SystemModstamp, token expiry, replication windows)
//! comes from here, so tests can freeze or shift time through `POST /__emulator/clock`.

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

/// How the clock reads time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Wall-clock time plus an offset (zero by default).
    Offset(Duration),
    /// A fixed instant.
    Frozen(DateTime<Utc>),
}

/// A clock that reads real time by default and can be frozen or shifted.
#[derive(Debug)]
pub struct Clock {
    mode: Mutex<Mode>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::real()
    }
}

impl Clock {
    /// Real time.
    pub fn real() -> Self {
        Self {
            mode: Mutex::new(Mode::Offset(Duration::zero())),
        }
    }

    /// A clock frozen at `at`.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            mode: Mutex::new(Mode::Frozen(at)),
        }
    }

    /// The current server time.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.mode.lock() {
            Mode::Offset(d) => Utc::now() + d,
            Mode::Frozen(t) => t,
        }
    }

    /// Stop the clock at `at`.
    pub fn freeze(&self, at: DateTime<Utc>) {
        *self.mode.lock() = Mode::Frozen(at);
    }

    /// Run in real time shifted by `seconds` (negative moves into the past).
    pub fn set_offset_seconds(&self, seconds: i64) {
        *self.mode.lock() = Mode::Offset(Duration::seconds(seconds));
    }

    /// Move the clock forward by `seconds` from where it is now, keeping its mode.
    pub fn advance_seconds(&self, seconds: i64) {
        let mut mode = self.mode.lock();
        *mode = match *mode {
            Mode::Offset(d) => Mode::Offset(d + Duration::seconds(seconds)),
            Mode::Frozen(t) => Mode::Frozen(t + Duration::seconds(seconds)),
        };
    }

    /// Back to real time.
    pub fn reset(&self) {
        *self.mode.lock() = Mode::Offset(Duration::zero());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_stands_still_and_advances_on_request() {
        let t = DateTime::parse_from_rfc3339("2024-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Clock::frozen(t);
        assert_eq!(clock.now(), t);
        clock.advance_seconds(90);
        assert_eq!(clock.now(), t + Duration::seconds(90));
    }

    #[test]
    fn offset_clock_is_shifted_from_real_time() {
        let clock = Clock::real();
        clock.set_offset_seconds(-86_400 * 40);
        assert!(clock.now() < Utc::now() - Duration::days(39));
        clock.reset();
        assert!(clock.now() > Utc::now() - Duration::days(1));
    }
}
