//! `spec.records` and `spec.state`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::orgs::SecretRef;
use super::{DURATION_PATTERN, PERCENT_PATTERN, STATE_URL_PATTERN};

/// How records flow.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Records {
    /// The initial copy of existing records.
    #[serde(default)]
    pub bulk_sync: Option<BulkSync>,
    /// How often to poll both orgs for changes: `30s`, `5m`, `1h`, `1d`; at least `5s`.
    /// Default: `30s`.
    #[serde(default)]
    #[schemars(pattern(DURATION_PATTERN))]
    pub poll_interval: Option<String>,
    /// Who wins when both sides changed the same record. Default: `primary-wins`.
    #[serde(default)]
    pub conflicts: Option<ConflictPolicy>,
    /// Retries of failed record writes.
    #[serde(default)]
    pub retry: Option<Retry>,
    /// At most this share of each org's daily API allowance, `1%`–`100%`. Default: `25%`.
    #[serde(default)]
    #[schemars(pattern(PERCENT_PATTERN))]
    pub api_budget: Option<String>,
}

/// The initial bulk sync.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkSync {
    /// Copy records modified since this date (`2025-11-21`) or SOQL date literal
    /// (`LAST_N_DAYS:365`, `THIS_YEAR`). No one-year cap.
    pub since: String,
}

/// Conflict resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConflictPolicy {
    /// The primary's version wins.
    PrimaryWins,
    /// The secondary's version wins.
    SecondaryWins,
    /// The most recent change (by SystemModstamp) wins.
    LatestWins,
    /// Field by field: changed fields merge; a field changed on both sides goes to the primary.
    MergeFields,
}

/// Retry policy for failed record writes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Retry {
    /// Attempts before a record is marked failed (at least 1). Default: 6.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_attempts: Option<u32>,
    /// The first wait before a retry, e.g. `30s`. Default: `30s`.
    #[serde(default)]
    #[schemars(pattern(DURATION_PATTERN))]
    pub initial_backoff: Option<String>,
    /// The longest wait between retries, at least `initialBackoff`. Default: `1h`.
    #[serde(default)]
    #[schemars(pattern(DURATION_PATTERN))]
    pub max_backoff: Option<String>,
}

/// The state store.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct State {
    /// `sqlite://PATH` (relative to the working directory) or `postgres://USER@HOST/DB`.
    /// Never put a password in the URL: use `password`.
    #[schemars(pattern(STATE_URL_PATTERN))]
    pub url: String,
    /// The database password (Postgres): `{env: NAME}` or `{file: PATH}` only.
    #[serde(default)]
    pub password: Option<SecretRef>,
}
