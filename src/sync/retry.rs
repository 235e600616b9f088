//! What happens to a record that could not be written: the queue entry with its next attempt
//! (exponential backoff with jitter, up to `retry.maxBackoff`), and the sync-log entries of seed
//! 000 — Retrying on the first failure, Failed when the attempts run out, Resolved when a retried
//! record finally goes through. Messages carry error codes and field names, never values.

use rand::Rng;

use crate::spec::model::RetryPolicy;
use crate::state::{Batch, LogStatus, NewLogEntry, QueueAction, QueueEntry, QueueStatus, Side};

/// A record the engine acted on: where it comes from and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject<'a> {
    /// Object API name.
    pub object: &'a str,
    /// The org the record comes from.
    pub source: Side,
    /// Its ID there.
    pub id: &'a str,
    /// The queue action.
    pub action: QueueAction,
}

/// Why a write failed, without values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The Salesforce error code (or an orgsync code such as `PARENT_NOT_LINKED`).
    pub code: String,
    /// What happened, in words and field names.
    pub message: String,
}

/// The delay before attempt `attempts + 1`: `initial · 2^(attempts-1)` capped at `max`, with
/// "equal jitter" (between half and all of it) so that many failed records do not retry at once.
pub fn backoff_ms(policy: &RetryPolicy, attempts: i64, rng: &mut impl Rng) -> i64 {
    let initial = i64::try_from(policy.initial_backoff.as_millis()).unwrap_or(i64::MAX);
    let max = i64::try_from(policy.max_backoff.as_millis()).unwrap_or(i64::MAX);
    let exp = u32::try_from((attempts - 1).clamp(0, 40)).unwrap_or(40);
    let base = initial.saturating_mul(1_i64 << exp.min(40)).min(max).max(1);
    base / 2 + rng.random_range(0..=base - base / 2)
}

/// A queue entry for `subject` (keeping the first queued time of `previous`).
fn entry(
    subject: &Subject<'_>,
    previous: Option<&QueueEntry>,
    status: QueueStatus,
    attempts: i64,
    next_attempt_at_ms: i64,
    why: (Option<String>, Option<String>),
    now_ms: i64,
) -> QueueEntry {
    QueueEntry {
        id: 0,
        object: subject.object.to_owned(),
        source: subject.source,
        source_id: subject.id.to_owned(),
        action: subject.action,
        status,
        attempts,
        next_attempt_at_ms,
        reason: why.0,
        error_code: why.1,
        created_at_ms: previous.map_or(now_ms, |e| e.created_at_ms),
        updated_at_ms: now_ms,
    }
}

/// Record a failed attempt: the entry goes (back) to the queue as Retrying, or as Failed after
/// the last attempt; the log gets Retrying on the first failure and Failed on the last.
pub fn failed(
    batch: &mut Batch,
    policy: &RetryPolicy,
    subject: &Subject<'_>,
    previous: Option<&QueueEntry>,
    failure: &Failure,
    now_ms: i64,
) {
    let attempts = previous.map_or(0, |e| e.attempts) + 1;
    let last = attempts >= i64::from(policy.max_attempts);
    let (status, next) = if last {
        (QueueStatus::Failed, i64::MAX)
    } else {
        let delay = backoff_ms(policy, attempts, &mut rand::rng());
        (QueueStatus::Retrying, now_ms.saturating_add(delay))
    };
    batch.enqueue.push(entry(
        subject,
        previous,
        status,
        attempts,
        next,
        (Some(failure.message.clone()), Some(failure.code.clone())),
        now_ms,
    ));
    if attempts == 1 || last {
        batch.log.push(NewLogEntry {
            at_ms: now_ms,
            object: subject.object.to_owned(),
            source: subject.source,
            record_id: subject.id.to_owned(),
            action: subject.action,
            status: if last {
                LogStatus::Failed
            } else {
                LogStatus::Retrying
            },
            error_code: Some(failure.code.clone()),
            message: Some(failure.message.clone()),
            attempts,
        });
    }
}

/// A record waits for something else first (its parent to be linked). It is tried again with
/// the same backoff, and fails with the reason once the attempts run out.
pub fn waiting(
    batch: &mut Batch,
    policy: &RetryPolicy,
    subject: &Subject<'_>,
    previous: Option<&QueueEntry>,
    reason: &str,
    now_ms: i64,
) {
    let attempts = previous.map_or(0, |e| e.attempts) + 1;
    if attempts > i64::from(policy.max_attempts) {
        let failure = Failure {
            code: "PARENT_NOT_LINKED".into(),
            message: format!("{reason}; gave up after {} attempts", attempts - 1),
        };
        failed(batch, policy, subject, previous, &failure, now_ms);
        return;
    }
    let delay = if attempts == 1 {
        0
    } else {
        backoff_ms(policy, attempts - 1, &mut rand::rng())
    };
    batch.enqueue.push(entry(
        subject,
        previous,
        QueueStatus::Waiting,
        attempts,
        now_ms.saturating_add(delay),
        (Some(reason.to_owned()), None),
        now_ms,
    ));
}

/// A record that went through: off the queue, and Resolved in the log if it had failed before.
pub fn succeeded(
    batch: &mut Batch,
    subject: &Subject<'_>,
    previous: Option<&QueueEntry>,
    now_ms: i64,
) {
    let Some(entry) = previous else {
        return;
    };
    batch.dequeue.push((
        subject.object.to_owned(),
        subject.source,
        subject.id.to_owned(),
    ));
    if entry.error_code.is_some() {
        batch.log.push(NewLogEntry {
            at_ms: now_ms,
            object: subject.object.to_owned(),
            source: subject.source,
            record_id: subject.id.to_owned(),
            action: subject.action,
            status: LogStatus::Resolved,
            error_code: entry.error_code.clone(),
            message: Some(format!(
                "went through after {} failed attempt(s)",
                entry.attempts
            )),
            attempts: entry.attempts + 1,
        });
    }
}

/// Put a record on the queue to be done later (while suspended, or by `forward`).
pub fn pending(
    batch: &mut Batch,
    subject: &Subject<'_>,
    previous: Option<&QueueEntry>,
    now_ms: i64,
) {
    batch.enqueue.push(entry(
        subject,
        previous,
        QueueStatus::Pending,
        previous.map_or(0, |e| e.attempts),
        now_ms,
        (None, previous.and_then(|e| e.error_code.clone())),
        now_ms,
    ));
}

/// The error code of a sync-log entry recording a record rejected from the inbox.
pub const REJECTED: &str = "REJECTED";

/// A record rejected from the inbox: logged (Resolved, [`REJECTED`]), which keeps it out of the
/// inbox when it is read again; it stays unshared until forwarded by hand.
pub fn rejected(batch: &mut Batch, subject: &Subject<'_>, now_ms: i64) {
    batch.log.push(NewLogEntry {
        at_ms: now_ms,
        object: subject.object.to_owned(),
        source: subject.source,
        record_id: subject.id.to_owned(),
        action: subject.action,
        status: LogStatus::Resolved,
        error_code: Some(REJECTED.to_owned()),
        message: Some(
            "rejected from the inbox; it stays unshared unless forwarded (`orgsync forward`)"
                .to_owned(),
        ),
        attempts: 0,
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rand::SeedableRng;

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(100),
        }
    }

    fn subject() -> Subject<'static> {
        Subject {
            object: "Account",
            source: Side::Primary,
            id: "001000000000001AAA",
            action: QueueAction::GenericUpdate,
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_cap() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..50 {
            let first = backoff_ms(&policy(), 1, &mut rng);
            assert!((15_000..=30_000).contains(&first), "{first}");
            let second = backoff_ms(&policy(), 2, &mut rng);
            assert!((30_000..=60_000).contains(&second), "{second}");
            let late = backoff_ms(&policy(), 30, &mut rng);
            assert!((50_000..=100_000).contains(&late), "{late}");
        }
    }

    #[test]
    fn failures_log_retrying_once_then_failed() {
        let failure = Failure {
            code: "UNABLE_TO_LOCK_ROW".into(),
            message: "Generic Update failed: UNABLE_TO_LOCK_ROW".into(),
        };
        let mut b = Batch::at(1000);
        failed(&mut b, &policy(), &subject(), None, &failure, 1000);
        assert_eq!(b.enqueue[0].status, QueueStatus::Retrying);
        assert_eq!(b.log[0].status, LogStatus::Retrying);
        let mut entry = b.enqueue[0].clone();
        let mut b = Batch::at(2000);
        failed(&mut b, &policy(), &subject(), Some(&entry), &failure, 2000);
        assert!(b.log.is_empty(), "no second Retrying entry");
        entry = b.enqueue[0].clone();
        assert_eq!(entry.attempts, 2);
        let mut b = Batch::at(3000);
        failed(&mut b, &policy(), &subject(), Some(&entry), &failure, 3000);
        assert_eq!(b.enqueue[0].status, QueueStatus::Failed);
        assert_eq!(b.enqueue[0].next_attempt_at_ms, i64::MAX);
        assert_eq!(b.log[0].status, LogStatus::Failed);
        let mut b = Batch::at(4000);
        succeeded(&mut b, &subject(), Some(&entry), 4000);
        assert_eq!(b.dequeue.len(), 1);
        assert_eq!(b.log[0].status, LogStatus::Resolved);
    }

    #[test]
    fn a_rejection_is_logged_without_values() {
        let mut b = Batch::at(5);
        rejected(&mut b, &subject(), 5);
        assert!(b.enqueue.is_empty() && b.dequeue.is_empty());
        assert_eq!(b.log.len(), 1);
        assert_eq!(b.log[0].status, LogStatus::Resolved);
        assert_eq!(b.log[0].error_code.as_deref(), Some(REJECTED));
        assert_eq!(b.log[0].record_id, "001000000000001AAA");
    }

    #[test]
    fn waiting_gives_up_with_the_reason() {
        let mut b = Batch::at(0);
        waiting(&mut b, &policy(), &subject(), None, "waiting for parent", 0);
        let mut e = b.enqueue[0].clone();
        assert_eq!((e.status, e.next_attempt_at_ms), (QueueStatus::Waiting, 0));
        for _ in 0..3 {
            let mut b = Batch::at(0);
            waiting(
                &mut b,
                &policy(),
                &subject(),
                Some(&e),
                "waiting for parent",
                0,
            );
            e = b.enqueue[0].clone();
        }
        assert_eq!(e.status, QueueStatus::Failed);
        assert_eq!(e.error_code.as_deref(), Some("PARENT_NOT_LINKED"));
    }
}
