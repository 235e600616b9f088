//! API usage per org: what the sync engine last measured, for `orgsync status`.
//!
//! After each cycle the engine records, per org, the daily allowance Salesforce reported in its
//! latest `Sforce-Limit-Info` header (`api-usage=USED/MAX`, either part may be missing until the
//! org has answered once) and the calls orgsync's client made. One row per org; each record
//! replaces the last.

use std::collections::BTreeMap;

use sqlx::Row;

use super::types::Side;
use crate::state::{StateError, Store};

/// The latest API usage measured for one org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiUsage {
    /// Daily API requests used in the org (rolling 24 hours), as Salesforce last reported.
    pub used: Option<u64>,
    /// The org's daily allowance, as Salesforce last reported.
    pub max: Option<u64>,
    /// Requests orgsync's client sent to the org (its own count).
    pub calls: u64,
    /// When this was measured (ms since the epoch).
    pub at_ms: i64,
}

/// Counts are stored as signed 64-bit integers (both backends); nothing real comes near the top.
fn to_db(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn from_db(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Record the API usage measured for `org` (replaces the previous measurement).
    pub async fn record_api_usage(
        &self,
        org: Side,
        used: Option<u64>,
        max: Option<u64>,
        calls: u64,
        at_ms: i64,
    ) -> Result<(), StateError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO api_usage (org, used, max, calls, at_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (org) DO UPDATE SET used = excluded.used, max = excluded.max, \
             calls = excluded.calls, at_ms = excluded.at_ms",
        )
        .bind(org.as_str())
        .bind(used.map(to_db))
        .bind(max.map(to_db))
        .bind(to_db(calls))
        .bind(at_ms)
        .execute(&mut *tx)
        .await
        .map_err(StateError::query("record API usage"))?;
        tx.commit()
            .await
            .map_err(StateError::query("record API usage"))
    }

    /// The latest API usage of each org that has been measured.
    pub async fn api_usage(&self) -> Result<BTreeMap<Side, ApiUsage>, StateError> {
        let rows = sqlx::query("SELECT org, used, max, calls, at_ms FROM api_usage")
            .fetch_all(self.pool())
            .await
            .map_err(StateError::query("read API usage"))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let org: String = r.get(0);
                Some((
                    Side::parse(&org)?,
                    ApiUsage {
                        used: r.get::<Option<i64>, _>(1).map(from_db),
                        max: r.get::<Option<i64>, _>(2).map(from_db),
                        calls: from_db(r.get(3)),
                        at_ms: r.get(4),
                    },
                ))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn usage_is_replaced_per_org() {
        let store = Store::open("sqlite://:memory:").await.unwrap();
        assert!(store.api_usage().await.unwrap().is_empty());
        store
            .record_api_usage(Side::Primary, None, None, 3, 10)
            .await
            .unwrap();
        store
            .record_api_usage(Side::Secondary, Some(1_234), Some(15_000), 57, 20)
            .await
            .unwrap();
        store
            .record_api_usage(Side::Primary, Some(90), Some(5_000), 8, 30)
            .await
            .unwrap();
        let usage = store.api_usage().await.unwrap();
        assert_eq!(usage.len(), 2);
        assert_eq!(
            usage[&Side::Primary],
            ApiUsage {
                used: Some(90),
                max: Some(5_000),
                calls: 8,
                at_ms: 30
            }
        );
        assert_eq!(usage[&Side::Secondary].used, Some(1_234));
        assert_eq!(usage[&Side::Secondary].calls, 57);
    }

    #[tokio::test]
    async fn huge_counts_saturate_instead_of_wrapping() {
        let store = Store::open("sqlite://:memory:").await.unwrap();
        store
            .record_api_usage(Side::Primary, Some(u64::MAX), None, u64::MAX, 1)
            .await
            .unwrap();
        let usage = store.api_usage().await.unwrap()[&Side::Primary];
        assert_eq!(usage.used, Some(i64::MAX as u64));
        assert_eq!(usage.max, None);
        assert_eq!(usage.calls, i64::MAX as u64);
    }
}
