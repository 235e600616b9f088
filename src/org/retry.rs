//! Retry policy: exponential backoff with *full* jitter (each sleep is uniform in
//! `0..=ceiling`), bounded by attempts and by total sleep.
//!
//! The ceilings come from `backon`'s `ExponentialBuilder` (without its own jitter, which adds
//! `0..delay` on top of the delay rather than drawing below it); [`FullJitter`] scales each one.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

/// How transient failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Ceiling of the first sleep.
    pub initial_delay: Duration,
    /// Largest ceiling of any sleep.
    pub max_delay: Duration,
    /// Upper bound on the ceilings' sum: no retry starts once it would be exceeded.
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, sleeps up to 0.5 s, 1 s, 2 s, 4 s (capped at 20 s each, 60 s in total).
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_total_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Tiny delays for tests.
    pub fn fast(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_total_delay: Duration::from_secs(5),
        }
    }
}

/// Full-jitter exponential backoff as a `backon` builder.
#[derive(Debug, Clone, Copy)]
pub struct FullJitter(pub RetryPolicy);

impl BackoffBuilder for FullJitter {
    type Backoff = FullJitterBackoff;

    fn build(self) -> Self::Backoff {
        let p = self.0;
        let ceilings = ExponentialBuilder::default()
            .with_min_delay(p.initial_delay)
            .with_max_delay(p.max_delay)
            .with_factor(2.0)
            .with_max_times(p.max_attempts.saturating_sub(1) as usize)
            .with_total_delay(Some(p.max_total_delay))
            .build();
        FullJitterBackoff { ceilings }
    }
}

/// The iterator of sleeps produced by [`FullJitter`].
#[derive(Debug)]
pub struct FullJitterBackoff {
    ceilings: backon::ExponentialBackoff,
}

impl Iterator for FullJitterBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let ceiling = self.ceilings.next()?;
        Some(ceiling.mul_f64(rand::random::<f64>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_attempts_and_below_the_ceilings() {
        let policy = RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            max_total_delay: Duration::from_secs(10),
        };
        let sleeps: Vec<_> = FullJitter(policy).build().collect();
        assert_eq!(sleeps.len(), 3);
        let ceilings = [100, 200, 250];
        for (s, c) in sleeps.iter().zip(ceilings) {
            assert!(*s <= Duration::from_millis(c), "{s:?} > {c}ms");
        }
    }

    #[test]
    fn bounded_by_total_delay() {
        let policy = RetryPolicy {
            max_attempts: 100,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(100),
            max_total_delay: Duration::from_millis(350),
        };
        assert_eq!(FullJitter(policy).build().count(), 3);
        assert_eq!(FullJitter(RetryPolicy::none()).build().count(), 0);
    }
}
