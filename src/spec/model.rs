//! The validated spec: what plan, apply and sync consume. Built only by
//! [`super::compile`] from a spec with no errors; every default is applied and every value parsed.

use std::collections::BTreeMap;
use std::time::Duration;

pub use super::secret::{Inline, SecretRef};
pub use super::v1::{ConflictPolicy, ConnectionType, Deletes, Direction, TriggerPolicy};

/// The key field apply creates on the subscribing side of every synced object (in two-way, on
/// both sides): a unique, case-sensitive external-ID text field (18) holding the other org's
/// record ID. Writes are upserts on it, so a retry or a crash between a write and the commit of
/// its link never duplicates a record, and links can be rebuilt from the orgs (`orgsync reset`).
pub const KEY_FIELD: &str = "OrgSync_Source_Id__c";

/// A validated spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The connection name (`metadata.name`).
    pub name: String,
    /// The free-text description.
    pub description: Option<String>,
    /// The publishing org.
    pub primary: OrgSpec,
    /// The subscribing org.
    pub secondary: OrgSpec,
    /// Connection settings.
    pub connection: ConnectionSettings,
    /// Trigger policy.
    pub triggers: TriggerSettings,
    /// Synced objects, by API name.
    pub objects: Vec<ObjectSync>,
    /// Record-flow settings.
    pub records: RecordSettings,
    /// The state store.
    pub state: StateSettings,
}

/// One org.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgSpec {
    /// The instance URL.
    pub instance_url: url::Url,
    /// The REST API version, e.g. `62.0`.
    pub api_version: String,
    /// How to authenticate.
    pub auth: AuthSpec,
}

/// Authentication, with exactly the fields each flow needs.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthSpec {
    /// JWT bearer flow.
    JwtBearer {
        /// Consumer key.
        client_id: Inline,
        /// Integration username.
        username: String,
        /// Signing key.
        private_key: SecretRef,
    },
    /// Client credentials flow.
    ClientCredentials {
        /// Consumer key.
        client_id: Inline,
        /// Consumer secret.
        client_secret: SecretRef,
    },
    /// Refresh token flow.
    RefreshToken {
        /// Consumer key.
        client_id: Inline,
        /// Refresh token.
        refresh_token: SecretRef,
        /// Consumer secret, when the connected app requires it.
        client_secret: Option<SecretRef>,
    },
    /// A ready access token.
    AccessToken {
        /// The token.
        access_token: SecretRef,
    },
    /// An SFDX auth URL.
    SfdxAuthUrl {
        /// The URL.
        sfdx_auth_url: SecretRef,
    },
}

/// Connection settings with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Replication or partner.
    pub kind: ConnectionType,
    /// One-way or two-way.
    pub direction: Direction,
    /// Default owner username.
    pub owner: Option<String>,
    /// Whether users are copied.
    pub sync_users: bool,
    /// Username suffix in the secondary (set exactly when `sync_users`).
    pub username_suffix: Option<String>,
    /// Whether metadata flows primary → secondary.
    pub sync_metadata: bool,
    /// Whether audit fields and feeds are carried.
    pub sync_feeds_and_audit_fields: bool,
}

/// Trigger policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerSettings {
    /// The default policy.
    pub default: TriggerPolicy,
    /// Per-trigger policies.
    pub overrides: BTreeMap<String, TriggerPolicy>,
}

/// The published fields of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSet {
    /// Every supported field except these.
    All {
        /// Excluded fields.
        exclude: Vec<String>,
    },
    /// Exactly these fields (exclusions already removed).
    List(Vec<String>),
}

impl FieldSet {
    /// Whether `field` is published (case-insensitive, as Salesforce API names are).
    pub fn publishes(&self, field: &str) -> bool {
        match self {
            FieldSet::All { exclude } => !exclude.iter().any(|e| e.eq_ignore_ascii_case(field)),
            FieldSet::List(fields) => fields.iter().any(|f| f.eq_ignore_ascii_case(field)),
        }
    }
}

/// One synced object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSync {
    /// API name.
    pub name: String,
    /// Published fields.
    pub fields: FieldSet,
    /// SOQL condition choosing shared records.
    pub filter: Option<String>,
    /// Whether inbound records are accepted without review.
    pub auto_accept: bool,
    /// Publisher field → subscriber field.
    pub field_map: BTreeMap<String, String>,
    /// Fields that link existing records.
    pub match_on: Vec<String>,
    /// Delete behaviour.
    pub deletes: Deletes,
}

/// `bulkSync.since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// A calendar date.
    Date(chrono::NaiveDate),
    /// A SOQL date literal such as `LAST_N_DAYS:365` (upper-cased).
    Literal(String),
}

/// Record-flow settings with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSettings {
    /// Initial bulk sync window; `None`: all records.
    pub bulk_sync_since: Option<Since>,
    /// Poll interval (≥ 5 s).
    pub poll_interval: Duration,
    /// Conflict policy.
    pub conflicts: ConflictPolicy,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Share of each org's daily API allowance, in percent (0 < x ≤ 100).
    pub api_budget_percent: f64,
}

/// Retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts (≥ 1).
    pub max_attempts: u32,
    /// First backoff.
    pub initial_backoff: Duration,
    /// Longest backoff (≥ initial).
    pub max_backoff: Duration,
}

/// The state store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSettings {
    /// `sqlite://…` or `postgres://…` (never with a password).
    pub url: String,
    /// The database password.
    pub password: Option<SecretRef>,
}
