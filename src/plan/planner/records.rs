//! Record impact and the first-bulk-sync forecast. [`first_sync_calls`] is the one estimator of
//! what copying an object's records costs; the sync engine can reuse it.

use crate::plan::model::{Action, Area, Calls, Change, OrgSide, Reason};
use crate::state::ConnectionState;

use super::objects::ObjectOutcome;
use super::util::{object_target, same};

/// Records per query page (REST query `batchSize` default).
pub const QUERY_PAGE: u64 = 2_000;
/// Records per sObject Collections call.
pub const COLLECTION_SIZE: u64 = 200;
/// Collections calls bundled into one Composite request.
pub const COLLECTIONS_PER_COMPOSITE: u64 = 5;
/// Above this many records an object is written through a Bulk API 2.0 ingest job.
pub const BULK_THRESHOLD: u64 = 10_000;
/// Records per Bulk API 2.0 ingest job (one upload each).
pub const BULK_JOB_RECORDS: u64 = 1_000_000;
/// Calls per Bulk API 2.0 job: create, upload, close, about two status polls, results.
pub const BULK_JOB_CALLS: u64 = 6;

/// The calls of copying records of one object from one org into the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncCalls {
    /// Calls against the org read from.
    pub reads: u64,
    /// Calls against the org written to.
    pub writes: u64,
}

/// Calls of a first bulk sync copying `records` records of one object: reads are
/// `ceil(n / 2,000)` query pages (at least one query); writes are `ceil(n / 200)` collection
/// calls bundled five per Composite request, or above 10,000 records Bulk API 2.0 jobs of about
/// six calls each (one job per million records).
pub fn first_sync_calls(records: u64) -> SyncCalls {
    let reads = records.div_ceil(QUERY_PAGE).max(1);
    let writes = if records == 0 {
        0
    } else if records > BULK_THRESHOLD {
        records.div_ceil(BULK_JOB_RECORDS) * BULK_JOB_CALLS
    } else {
        records
            .div_ceil(COLLECTION_SIZE)
            .div_ceil(COLLECTIONS_PER_COMPOSITE)
    };
    SyncCalls { reads, writes }
}

fn count(counts: &std::collections::BTreeMap<String, u64>, object: &str) -> u64 {
    counts
        .iter()
        .find(|(o, _)| same(o, object))
        .map_or(0, |(_, n)| *n)
}

/// Records changes: a Records Create for each newly published object (the first bulk sync), a
/// Records Delete for each unpublished one (the links it disconnects).
pub fn impact(
    ctx: &super::Ctx<'_>,
    outcomes: &[ObjectOutcome<'_>],
    order: &[String],
    current: Option<&ConnectionState>,
    linked: &std::collections::BTreeMap<String, u64>,
) -> Vec<Change> {
    let snap = ctx.snapshot;
    let known = |o: &str| current.is_some_and(|c| c.objects.contains_key(o));
    let mut out = Vec::new();
    for o in outcomes.iter().filter(|o| !known(&o.name)) {
        let from_primary = count(&snap.primary.record_counts, &o.name);
        let forward = first_sync_calls(from_primary);
        let (records, calls) = if ctx.two_way() {
            let from_secondary = count(&snap.secondary.record_counts, &o.name);
            let back = first_sync_calls(from_secondary);
            (
                from_primary.saturating_add(from_secondary),
                Calls::new(forward.reads + back.writes, forward.writes + back.reads),
            )
        } else {
            (from_primary, Calls::new(forward.reads, forward.writes))
        };
        let position = order.iter().position(|n| n == &o.name).map_or(0, |i| i + 1);
        let mut why = format!(
            "newly published; sync order {position} of {} (parents first)",
            order.len()
        );
        if ctx.spec.records.bulk_sync_since.is_some() {
            why.push_str("; records in the bulkSync.since window");
        }
        out.push(
            Change::new(
                format!("records:{}", o.name),
                Area::Records,
                Action::Create,
                object_target(OrgSide::State, &o.name),
                "first bulk sync will copy",
                Reason::at(why, format!("spec.objects.{}", o.sync.name)),
            )
            .with_record_impact(records)
            .with_calls(calls),
        );
    }
    if let Some(current) = current {
        for object in current.objects.keys() {
            if outcomes.iter().any(|o| &o.name == object) {
                continue;
            }
            out.push(
                Change::new(
                    format!("records:{object}"),
                    Area::Records,
                    Action::Delete,
                    object_target(OrgSide::State, object),
                    "unpublish will disconnect links",
                    Reason::new("no longer listed in the spec"),
                )
                .with_record_impact(count(linked, object)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimator() {
        assert_eq!(
            first_sync_calls(0),
            SyncCalls {
                reads: 1,
                writes: 0
            }
        );
        assert_eq!(
            first_sync_calls(1),
            SyncCalls {
                reads: 1,
                writes: 1
            }
        );
        // 1,000 records: 5 collections in one composite.
        assert_eq!(
            first_sync_calls(1_000),
            SyncCalls {
                reads: 1,
                writes: 1
            }
        );
        assert_eq!(
            first_sync_calls(1_001),
            SyncCalls {
                reads: 1,
                writes: 2
            }
        );
        assert_eq!(
            first_sync_calls(10_000),
            SyncCalls {
                reads: 5,
                writes: 10
            }
        );
        assert_eq!(
            first_sync_calls(10_001),
            SyncCalls {
                reads: 6,
                writes: 6
            }
        );
        assert_eq!(
            first_sync_calls(2_500_000),
            SyncCalls {
                reads: 1_250,
                writes: 18
            }
        );
    }
}
