//! Runs a [`Plan`]: picks candidate records (by ID when the filter pins them, else a scan),
//! filters, sorts and pages them.

use std::cmp::Ordering;

use super::filter::pinned_ids;
use super::plan::{Plan, SortKey};
use super::value::{SortVal, sort_val};
use crate::emulator::model::{Org, Record};

/// The rows of `plan` among `candidates`, filtered, sorted and paged.
pub fn select<'a>(
    org: &'a Org,
    plan: &Plan<'_>,
    candidates: impl Iterator<Item = &'a Record>,
    include_deleted: bool,
) -> Vec<&'a Record> {
    let mut rows: Vec<&Record> = candidates
        .filter(|r| include_deleted || !r.is_deleted())
        .filter(|r| plan.filter.as_ref().is_none_or(|f| f.matches(org, r)))
        .collect();
    if !plan.order.is_empty() {
        sort(org, &plan.order, &mut rows);
    }
    page(&mut rows, plan.offset, plan.limit);
    rows
}

/// Drop the first `offset` rows and keep at most `limit`.
pub fn page<T>(rows: &mut Vec<T>, offset: u64, limit: Option<u64>) {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    rows.drain(..offset);
    if let Some(l) = limit {
        rows.truncate(usize::try_from(l).unwrap_or(usize::MAX));
    }
}

/// The top-level rows of `plan`: pinned IDs are fetched directly, anything else is scanned.
pub fn top_rows<'a>(org: &'a Org, plan: &Plan<'_>, include_deleted: bool) -> Vec<&'a Record> {
    if let Some(ids) = plan.filter.as_ref().and_then(pinned_ids) {
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        let found = ids
            .into_iter()
            .filter_map(|id| org.record(id))
            .filter(|r| r.object.eq_ignore_ascii_case(&plan.obj.name));
        return select(org, plan, found, include_deleted);
    }
    select(org, plan, org.records(&plan.obj.name), include_deleted)
}

/// Sort `rows` by `keys` (stable: ties keep ID order). Each row's key is computed once.
pub fn sort<'a>(org: &'a Org, keys: &[SortKey], rows: &mut Vec<&'a Record>) {
    let mut decorated: Vec<(Vec<Option<SortVal>>, &Record)> = rows
        .iter()
        .map(|r| {
            let k = keys
                .iter()
                .map(|k| k.f.value(org, r).and_then(|v| sort_val(k.f.kind, v)))
                .collect();
            (k, *r)
        })
        .collect();
    decorated.sort_by(|(a, _), (b, _)| compare_keys(keys, a, b));
    *rows = decorated.into_iter().map(|(_, r)| r).collect();
}

/// Compare two rows' sort keys.
pub fn compare_keys(keys: &[SortKey], a: &[Option<SortVal>], b: &[Option<SortVal>]) -> Ordering {
    for ((k, x), y) in keys.iter().zip(a).zip(b) {
        let o = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => {
                if k.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Some(_), None) => {
                if k.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
                if k.descending { o.reverse() } else { o }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}
