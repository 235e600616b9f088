//! Owner mapping: a record's owner in one org becomes the synced user in the other (the same
//! username, with `usernameSuffix` added in the secondary or removed in the primary), or else the
//! connection owner, or else nobody (Salesforce then makes the integration user the owner).

use std::collections::BTreeMap;

use crate::org::{OrgClient, OrgError, rest::QueryOptions};
use crate::state::Side;

use super::model::SyncModel;

/// Users of both orgs by ID and by username (lower case).
#[derive(Debug, Clone, Default)]
pub struct Owners {
    by_id: [BTreeMap<String, String>; 2],
    by_username: [BTreeMap<String, String>; 2],
    suffix: Option<String>,
    owner: Option<String>,
}

fn ix(side: Side) -> usize {
    match side {
        Side::Primary => 0,
        Side::Secondary => 1,
    }
}

impl Owners {
    /// Read the active users of both orgs (one query each).
    pub async fn read(
        model: &SyncModel,
        primary: &OrgClient,
        secondary: &OrgClient,
    ) -> Result<Owners, OrgError> {
        let mut owners = Owners {
            suffix: model.username_suffix.clone(),
            owner: model.owner.clone(),
            ..Owners::default()
        };
        for (side, client) in [(Side::Primary, primary), (Side::Secondary, secondary)] {
            let users = client
                .query_all(
                    "SELECT Id, Username FROM User WHERE IsActive = true",
                    QueryOptions::default(),
                )
                .await?;
            for u in users {
                let id = u.id().map(str::to_owned);
                let name = u
                    .get("Username")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                if let (Some(id), Some(name)) = (id, name) {
                    owners.add(side, &id, &name);
                }
            }
        }
        Ok(owners)
    }

    /// Add one user (tests and `read`).
    pub fn add(&mut self, side: Side, id: &str, username: &str) {
        let name = username.to_ascii_lowercase();
        self.by_id[ix(side)].insert(id.to_owned(), name.clone());
        self.by_username[ix(side)].insert(name, id.to_owned());
    }

    /// The username `username` of `from` has in the other org.
    fn counterpart(&self, from: Side, username: &str) -> String {
        match (&self.suffix, from) {
            (Some(s), Side::Primary) => format!("{username}{}", s.to_ascii_lowercase()),
            (Some(s), Side::Secondary) => username
                .strip_suffix(&s.to_ascii_lowercase())
                .unwrap_or(username)
                .to_owned(),
            (None, _) => username.to_owned(),
        }
    }

    /// The connection owner's user ID in `side`.
    pub fn default_owner(&self, side: Side) -> Option<&str> {
        let owner = self.owner.as_deref()?.to_ascii_lowercase();
        let name = match side {
            Side::Primary => owner,
            Side::Secondary => self.counterpart(Side::Primary, &owner),
        };
        self.by_username[ix(side)]
            .get(&name)
            .or_else(|| self.by_username[ix(side)].get(&owner_plain(&self.owner)))
            .map(String::as_str)
    }

    /// The owner in `from.other()` for user `id` of `from`.
    pub fn map(&self, from: Side, id: &str) -> Option<&str> {
        let to = from.other();
        self.by_id[ix(from)]
            .get(id)
            .and_then(|u| self.by_username[ix(to)].get(&self.counterpart(from, u)))
            .map(String::as_str)
            .or_else(|| self.default_owner(to))
    }
}

fn owner_plain(owner: &Option<String>) -> String {
    owner.as_deref().unwrap_or_default().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(suffix: Option<&str>) -> Owners {
        let mut o = Owners {
            suffix: suffix.map(str::to_owned),
            owner: Some("admin@acme.example".into()),
            ..Owners::default()
        };
        o.add(Side::Primary, "005P1", "admin@acme.example");
        o.add(Side::Primary, "005P2", "Sam@acme.example");
        o.add(Side::Secondary, "005S1", "admin@acme.example.dr");
        o.add(Side::Secondary, "005S2", "sam@acme.example.dr");
        o
    }

    #[test]
    fn synced_users_map_both_ways() {
        let o = owners(Some(".dr"));
        assert_eq!(o.map(Side::Primary, "005P2"), Some("005S2"));
        assert_eq!(o.map(Side::Secondary, "005S2"), Some("005P2"));
    }

    #[test]
    fn unknown_users_fall_back_to_the_connection_owner() {
        let o = owners(Some(".dr"));
        assert_eq!(o.map(Side::Primary, "005UNKNOWN"), Some("005S1"));
        assert_eq!(o.map(Side::Secondary, "005UNKNOWN"), Some("005P1"));
        let none = Owners::default();
        assert_eq!(none.map(Side::Primary, "005P2"), None);
    }
}
