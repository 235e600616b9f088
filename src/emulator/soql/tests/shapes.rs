//! Result shapes as JSON snapshots.
