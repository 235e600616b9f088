//! Org fingerprints: SHA-256 (hex) over a canonical JSON of everything a plan depends on.
//!
//! Included: org identity (ID, edition, sandbox flag, API version), the integration user, every
//! described object and the field access derived from it, users, profiles, roles, triggers and
//! metadata. Left out, on purpose:
//!
//! * **record counts** and **API limits** — volatile readings: a live org gains records and
//!   spends API calls every minute, and a saved plan must not turn stale because a record was
//!   added. The counts in a plan are informational; apply re-reads what it writes.
//! * **the instance URL** — it names how we reach the org, not what is in it; the org ID is the
//!   identity.
//!
//! The JSON is canonical because every collection in the snapshot is a `BTreeMap` or a sorted
//! `Vec` and struct fields serialise in declaration order. A version tag leads the hashed text so
//! a change to what is hashed changes every fingerprint rather than colliding with old ones.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::schema::ObjectSchema;
use super::snapshot::{
    ApexTrigger, FieldAccess, IntegrationUser, MetadataItem, OrgRole, OrgSnapshot, OrgUser,
    Profile, Role,
};

/// Bumped when the hashed view changes.
const VERSION: &str = "orgsync-observe-fingerprint-v1\n";

/// The part of an org snapshot a plan depends on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stable<'a> {
    role: OrgRole,
    org_id: &'a str,
    api_version: &'a str,
    is_sandbox: bool,
    edition: &'a str,
    integration_user: &'a IntegrationUser,
    objects: &'a BTreeMap<String, Option<ObjectSchema>>,
    field_access: &'a BTreeMap<String, BTreeMap<String, FieldAccess>>,
    users: &'a Option<Vec<OrgUser>>,
    profiles: &'a Option<Vec<Profile>>,
    roles: &'a Option<Vec<Role>>,
    triggers: &'a Option<Vec<ApexTrigger>>,
    metadata: &'a Option<Vec<MetadataItem>>,
}

/// The fingerprint of `org` (64 hex characters).
pub fn of(org: &OrgSnapshot) -> String {
    let stable = Stable {
        role: org.role,
        org_id: &org.org_id,
        api_version: &org.api_version,
        is_sandbox: org.is_sandbox,
        edition: &org.edition,
        integration_user: &org.integration_user,
        objects: &org.objects,
        field_access: &org.field_access,
        users: &org.users,
        profiles: &org.profiles,
        roles: &org.roles,
        triggers: &org.triggers,
        metadata: &org.metadata,
    };
    let mut hasher = Sha256::new();
    hasher.update(VERSION.as_bytes());
    // Serialising plain data (strings, numbers, maps with string keys) cannot fail; should it,
    // the empty text still yields a fingerprint that differs from any real one.
    hasher.update(serde_json::to_vec(&stable).unwrap_or_default());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::snapshot::ApiLimits;

    fn org() -> OrgSnapshot {
        OrgSnapshot {
            role: OrgRole::Primary,
            org_id: "00D000000000001AAA".into(),
            instance_url: "https://acme.my.salesforce.com".into(),
            api_version: "62.0".into(),
            is_sandbox: false,
            edition: "Enterprise Edition".into(),
            integration_user: IntegrationUser {
                id: "005000000000001AAA".into(),
                username: "orgsync@acme.example".into(),
                profile: Some("Integration User".into()),
            },
            objects: BTreeMap::from([("Account".to_owned(), None)]),
            field_access: BTreeMap::new(),
            users: None,
            profiles: None,
            roles: None,
            triggers: Some(vec![]),
            metadata: None,
            record_counts: BTreeMap::from([("Account".to_owned(), 10)]),
            limits: ApiLimits {
                daily_max: 100,
                daily_remaining: 90,
            },
        }
    }

    #[test]
    fn volatile_readings_and_the_url_are_left_out() {
        let base = of(&org());
        assert_eq!(base.len(), 64);
        let mut moved = org();
        moved.record_counts.insert("Account".into(), 11);
        moved.limits.daily_remaining = 1;
        moved.instance_url = "https://acme2.my.salesforce.com".into();
        assert_eq!(of(&moved), base);
    }

    #[test]
    fn plan_inputs_change_it() {
        let base = of(&org());
        let mut t = org();
        t.triggers = None;
        assert_ne!(of(&t), base);
        let mut o = org();
        o.objects.insert("Contact".into(), None);
        assert_ne!(of(&o), base);
        let mut i = org();
        i.integration_user.profile = None;
        assert_ne!(of(&i), base);
    }
}
