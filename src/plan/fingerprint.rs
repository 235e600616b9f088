//! Fingerprints: SHA-256 (lowercase hex) of a canonical serialisation. A saved plan records the
//! spec's and both orgs' fingerprints; apply recomputes them and refuses a stale plan.
//!
//! [`spec`] hashes a canonical JSON form of the compiled [`Spec`], built here field by field with
//! exhaustive destructuring (a new spec field fails to compile until it is added). Secret
//! references enter by name (`env:DR_CLIENT_SECRET`, `file:/etc/key`), never by value: rotating
//! a secret does not make a plan stale, and no secret reaches a plan file.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::spec::model::{
    AuthSpec, ConnectionSettings, FieldSet, Inline, ObjectSync, OrgSpec, RecordSettings,
    RetryPolicy, SecretRef, Since, Spec, StateSettings, TriggerSettings,
};
use crate::spec::v1::{ConflictPolicy, ConnectionType, Deletes, Direction, TriggerPolicy};

/// A SHA-256 fingerprint: 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint(String);

/// A string that is not 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a fingerprint is 64 lowercase hexadecimal digits")]
pub struct FingerprintError;

impl Fingerprint {
    /// SHA-256 of `bytes`.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self(hex::encode(Sha256::digest(bytes)))
    }

    /// SHA-256 of the compact serialisation of `value` (keys in the value's own order).
    pub fn of_json(value: &Value) -> Self {
        Self::of_bytes(value.to_string().as_bytes())
    }

    /// Parse a hex fingerprint (as observe computes them).
    pub fn parse(hex: &str) -> Result<Self, FingerprintError> {
        let ok = hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(Self(hex.to_owned()))
        } else {
            Err(FingerprintError)
        }
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 digits, for people.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = FingerprintError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> Self {
        f.0
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fingerprint of a compiled spec.
pub fn spec(spec: &Spec) -> Fingerprint {
    Fingerprint::of_json(&canonical(spec))
}

/// The canonical JSON the spec fingerprint is computed over (keys in a fixed order, collections
/// in the spec's order or sorted where the spec holds maps).
pub fn canonical(spec: &Spec) -> Value {
    let Spec {
        name,
        description,
        primary,
        secondary,
        connection,
        triggers,
        objects,
        records,
        state,
    } = spec;
    json!({
        "version": 1,
        "name": name,
        "description": description,
        "primary": org(primary),
        "secondary": org(secondary),
        "connection": connection_json(connection),
        "triggers": triggers_json(triggers),
        "objects": objects.iter().map(object).collect::<Vec<_>>(),
        "records": records_json(records),
        "state": state_json(state),
    })
}

fn org(org: &OrgSpec) -> Value {
    let OrgSpec {
        instance_url,
        api_version,
        auth,
    } = org;
    json!({"instanceUrl": instance_url.as_str(), "apiVersion": api_version, "auth": auth_json(auth)})
}

fn secret(r: &SecretRef) -> String {
    match r {
        SecretRef::Env(name) => format!("env:{name}"),
        SecretRef::File(path) => format!("file:{}", path.display()),
    }
}

fn inline(v: &Inline) -> String {
    match v {
        Inline::Literal(s) => format!("literal:{s}"),
        Inline::Secret(r) => secret(r),
    }
}

fn auth_json(auth: &AuthSpec) -> Value {
    match auth {
        AuthSpec::JwtBearer {
            client_id,
            username,
            private_key,
        } => {
            json!({"method": "jwt-bearer", "clientId": inline(client_id), "username": username, "privateKey": secret(private_key)})
        }
        AuthSpec::ClientCredentials {
            client_id,
            client_secret,
        } => {
            json!({"method": "client-credentials", "clientId": inline(client_id), "clientSecret": secret(client_secret)})
        }
        AuthSpec::RefreshToken {
            client_id,
            refresh_token,
            client_secret,
        } => {
            json!({"method": "refresh-token", "clientId": inline(client_id), "refreshToken": secret(refresh_token), "clientSecret": client_secret.as_ref().map(secret)})
        }
        AuthSpec::AccessToken { access_token } => {
            json!({"method": "access-token", "accessToken": secret(access_token)})
        }
        AuthSpec::SfdxAuthUrl { sfdx_auth_url } => {
            json!({"method": "sfdx-auth-url", "sfdxAuthUrl": secret(sfdx_auth_url)})
        }
    }
}

fn connection_json(c: &ConnectionSettings) -> Value {
    let ConnectionSettings {
        kind,
        direction,
        owner,
        sync_users,
        username_suffix,
        sync_metadata,
        sync_feeds_and_audit_fields,
    } = c;
    json!({
        "type": match kind { ConnectionType::Replication => "replication", ConnectionType::Partner => "partner" },
        "direction": match direction { Direction::OneWay => "one-way", Direction::TwoWay => "two-way" },
        "owner": owner,
        "syncUsers": sync_users,
        "usernameSuffix": username_suffix,
        "syncMetadata": sync_metadata,
        "syncFeedsAndAuditFields": sync_feeds_and_audit_fields,
    })
}

fn policy(p: TriggerPolicy) -> &'static str {
    match p {
        TriggerPolicy::PrimaryOnly => "primary-only",
        TriggerPolicy::Mirror => "mirror",
        TriggerPolicy::InactiveInSecondary => "inactive-in-secondary",
    }
}

fn triggers_json(t: &TriggerSettings) -> Value {
    let TriggerSettings { default, overrides } = t;
    let overrides: serde_json::Map<String, Value> = overrides
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(policy(*v))))
        .collect();
    json!({"default": policy(*default), "overrides": overrides})
}

fn object(o: &ObjectSync) -> Value {
    let ObjectSync {
        name,
        fields,
        filter,
        auto_accept,
        field_map,
        match_on,
        deletes,
    } = o;
    let fields = match fields {
        FieldSet::All { exclude } => json!({"all": true, "exclude": exclude}),
        FieldSet::List(list) => json!({"list": list}),
    };
    json!({
        "name": name,
        "fields": fields,
        "filter": filter,
        "autoAccept": auto_accept,
        "fieldMap": field_map.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
        "matchOn": match_on,
        "deletes": match deletes { Deletes::Propagate => "propagate", Deletes::Ignore => "ignore" },
    })
}

fn records_json(r: &RecordSettings) -> Value {
    let RecordSettings {
        bulk_sync_since,
        poll_interval,
        conflicts,
        retry,
        api_budget_percent,
    } = r;
    let RetryPolicy {
        max_attempts,
        initial_backoff,
        max_backoff,
    } = retry;
    let since = bulk_sync_since.as_ref().map(|s| match s {
        Since::Date(d) => format!("date:{d}"),
        Since::Literal(l) => format!("literal:{l}"),
    });
    json!({
        "bulkSyncSince": since,
        "pollIntervalMs": poll_interval.as_millis() as u64,
        "conflicts": match conflicts {
            ConflictPolicy::PrimaryWins => "primary-wins",
            ConflictPolicy::SecondaryWins => "secondary-wins",
            ConflictPolicy::LatestWins => "latest-wins",
            ConflictPolicy::MergeFields => "merge-fields",
        },
        "retry": {
            "maxAttempts": max_attempts,
            "initialBackoffMs": initial_backoff.as_millis() as u64,
            "maxBackoffMs": max_backoff.as_millis() as u64,
        },
        "apiBudgetPercent": api_budget_percent,
    })
}

fn state_json(s: &StateSettings) -> Value {
    let StateSettings { url, password } = s;
    json!({"url": url, "password": password.as_ref().map(secret)})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_checks_hex() {
        let f = Fingerprint::of_bytes(b"abc");
        assert_eq!(
            f.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Fingerprint::parse(f.as_str()), Ok(f.clone()));
        assert_eq!(f.short(), "ba7816bf8f01");
        assert!(Fingerprint::parse("ABC").is_err());
        assert!(Fingerprint::parse(&"g".repeat(64)).is_err());
    }
}
