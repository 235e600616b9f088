//! The SOQL observe sends, in one place. `bulkSync.since` becomes a condition on
//! `LastModifiedDate` ([`since_condition`]): seed 000 ("Bulk Sync Guidelines") says a bulk sync
//! copies "records that were created or modified after a certain date", which is what
//! `LastModifiedDate` records (it starts at `CreatedDate`). `SystemModstamp` also moves on
//! system-only changes (roll-up recalculation, cascades) that are not user modifications, so it is
//! the right cursor for incremental polling but not for this user-facing cutoff. The record sync
//! should use [`since_condition`] too, so the count in a plan is the number bulk sync copies.

use crate::spec::model::{ObjectSync, Since};

/// Org identity.
pub const ORGANIZATION: &str = "SELECT Id, OrganizationType, IsSandbox FROM Organization";

/// Standard-licence users (reference §13), with only what planning needs.
pub const USERS: &str = "SELECT Id, Username, IsActive, Profile.Name, UserRole.DeveloperName \
                         FROM User WHERE UserType = 'Standard'";

/// Profiles with their licence.
pub const PROFILES: &str = "SELECT Id, Name, UserLicense.Name FROM Profile";

/// Roles with their parent.
pub const ROLES: &str = "SELECT Id, Name, DeveloperName, ParentRole.DeveloperName FROM UserRole";

/// Unmanaged Apex triggers (Tooling, reference §11.1).
pub const TRIGGERS: &str = "SELECT Id, Name, TableEnumOrId, Status, ApiVersion, Body \
                            FROM ApexTrigger WHERE NamespacePrefix = null";

/// The running user's record, by the ID `userinfo` returned. `None` when the ID is not a
/// Salesforce ID (so nothing from a response is ever spliced into SOQL unchecked).
pub fn integration_user(id: &str) -> Option<String> {
    let well_formed = matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then(|| format!("SELECT Id, Username, Profile.Name FROM User WHERE Id = '{id}'"))
}

/// `LastModifiedDate >= …` for `bulkSync.since`: a date is midnight UTC of that day (SOQL needs a
/// dateTime literal for a dateTime field); a date literal such as `LAST_N_DAYS:365` is compared
/// with `>=`, i.e. "on or after the start of that range".
pub fn since_condition(since: &Since) -> String {
    match since {
        Since::Date(d) => format!("LastModifiedDate >= {}T00:00:00Z", d.format("%Y-%m-%d")),
        Since::Literal(lit) => format!("LastModifiedDate >= {lit}"),
    }
}

/// `SELECT COUNT() FROM X WHERE (filter) AND <since>`: the records of `object` in scope.
pub fn count(object: &str, sync: &ObjectSync, since: Option<&Since>) -> String {
    let mut conditions = Vec::new();
    if let Some(filter) = sync
        .filter
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        conditions.push(format!("({filter})"));
    }
    if let Some(since) = since {
        conditions.push(since_condition(since));
    }
    let mut soql = format!("SELECT COUNT() FROM {object}");
    if !conditions.is_empty() {
        soql.push_str(" WHERE ");
        soql.push_str(&conditions.join(" AND "));
    }
    soql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{Deletes, FieldSet};

    fn sync(filter: Option<&str>) -> ObjectSync {
        ObjectSync {
            name: "Account".into(),
            fields: FieldSet::All { exclude: vec![] },
            filter: filter.map(str::to_owned),
            auto_accept: true,
            field_map: Default::default(),
            match_on: vec![],
            deletes: Deletes::Propagate,
        }
    }

    #[test]
    fn count_queries() {
        let date = Since::Date(chrono::NaiveDate::from_ymd_opt(2025, 11, 21).unwrap());
        assert_eq!(
            count("Account", &sync(None), None),
            "SELECT COUNT() FROM Account"
        );
        assert_eq!(
            count(
                "Account",
                &sync(Some("Type != 'Internal' OR Rating = 'Hot'")),
                Some(&date)
            ),
            "SELECT COUNT() FROM Account WHERE (Type != 'Internal' OR Rating = 'Hot') AND LastModifiedDate >= 2025-11-21T00:00:00Z"
        );
        assert_eq!(
            count(
                "Account",
                &sync(Some("  ")),
                Some(&Since::Literal("LAST_N_DAYS:365".into()))
            ),
            "SELECT COUNT() FROM Account WHERE LastModifiedDate >= LAST_N_DAYS:365"
        );
    }

    #[test]
    fn integration_user_ids_are_checked() {
        assert!(integration_user("005000000000001AAA").is_some());
        assert!(integration_user("005000000000001").is_some());
        assert!(integration_user("005' OR Id != '").is_none());
        assert!(integration_user("").is_none());
    }
}
