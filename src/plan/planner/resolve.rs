//! The published field set of an object, resolved against the primary's describe: `"*"` is every
//! syncable field of the primary minus `exclude`; an explicit list is taken as given (and checked
//! by the field rules). Each publisher field lands on its `fieldMap` target, or on the field of the
//! same name.

use crate::observe::{FieldSchema, FieldType, ObjectSchema};
use crate::spec::KEY_FIELD;
use crate::spec::model::{FieldSet, ObjectSync};

use super::util::same;

/// System and audit fields: Salesforce sets them, the sync never writes them
/// (`syncFeedsAndAuditFields` carries the audit ones separately).
pub const SYSTEM_FIELDS: [&str; 11] = [
    "Id",
    "CreatedById",
    "CreatedDate",
    "LastModifiedById",
    "LastModifiedDate",
    "SystemModstamp",
    "IsDeleted",
    "LastActivityDate",
    "LastViewedDate",
    "LastReferencedDate",
    "MasterRecordId",
];

/// Whether `field` is a system or audit field.
pub fn is_system_field(field: &str) -> bool {
    SYSTEM_FIELDS.iter().any(|s| same(s, field))
}

/// Whether `"*"` takes this field of the primary's describe: not a system or audit field, not the
/// key field, not a kind that is never synced, not an auto-number, and writable at all (createable
/// or updateable — read-only compound and derived fields such as `Contact.Name` are left out,
/// because no org could write them).
pub fn in_star(f: &FieldSchema) -> bool {
    !is_system_field(&f.name)
        && !same(&f.name, KEY_FIELD)
        && !f.field_type.is_never_synced()
        && !matches!(f.field_type, FieldType::AutoNumber | FieldType::Id)
        && (f.createable || f.updateable)
}

/// One published field and where it lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPair {
    /// The publisher field (canonical case when the primary describes it).
    pub publisher: String,
    /// The subscriber field.
    pub subscriber: String,
    /// Listed explicitly (not taken by `"*"`).
    pub listed: bool,
}

/// The subscriber field of `publisher`: its `fieldMap` target, or the same name.
pub fn subscriber_name(sync: &ObjectSync, publisher: &str) -> String {
    sync.field_map
        .iter()
        .find(|(from, _)| same(from, publisher))
        .map(|(_, to)| to.clone())
        .unwrap_or_else(|| publisher.to_owned())
}

/// The published fields of `sync`, in publisher-name order, without duplicates.
pub fn fields(sync: &ObjectSync, primary: Option<&ObjectSchema>) -> Vec<FieldPair> {
    let mut names: Vec<(String, bool)> = match (&sync.fields, primary) {
        (FieldSet::All { .. }, Some(object)) => object
            .fields
            .values()
            .filter(|f| in_star(f) && sync.fields.publishes(&f.name))
            .map(|f| (f.name.clone(), false))
            .collect(),
        (FieldSet::All { .. }, None) => Vec::new(),
        (FieldSet::List(list), _) => list
            .iter()
            .map(|n| {
                let canonical = primary
                    .and_then(|o| o.field(n))
                    .map_or_else(|| n.clone(), |f| f.name.clone());
                (canonical, true)
            })
            .collect(),
    };
    names.sort_by(|a, b| a.0.cmp(&b.0));
    names.dedup_by(|a, b| same(&a.0, &b.0));
    names
        .into_iter()
        .map(|(publisher, listed)| FieldPair {
            subscriber: subscriber_name(sync, &publisher),
            publisher,
            listed,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::plan::planner::compat::tests::field;
    use crate::spec::model::Deletes;

    fn object(fields: Vec<FieldSchema>) -> ObjectSchema {
        ObjectSchema {
            name: "Account".into(),
            label: "Account".into(),
            custom: false,
            createable: true,
            updateable: true,
            deletable: true,
            queryable: true,
            replicateable: true,
            triggerable: true,
            fields: fields.into_iter().map(|f| (f.name.clone(), f)).collect(),
        }
    }

    fn sync(fields: FieldSet, map: &[(&str, &str)]) -> ObjectSync {
        ObjectSync {
            name: "Account".into(),
            fields,
            filter: None,
            auto_accept: true,
            field_map: map
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<BTreeMap<_, _>>(),
            match_on: Vec::new(),
            deletes: Deletes::Propagate,
        }
    }

    #[test]
    fn star_takes_syncable_fields_minus_exclude() {
        let readonly = FieldSchema {
            createable: false,
            updateable: false,
            ..field("Name", FieldType::Text)
        };
        let o = object(vec![
            field("Id", FieldType::Id),
            field("Phone", FieldType::Phone),
            field("Fax", FieldType::Phone),
            field("CreatedDate", FieldType::DateTime),
            field("Notes__c", FieldType::RichTextArea),
            field("Total__c", FieldType::RollUpSummary),
            field("Number__c", FieldType::AutoNumber),
            field(KEY_FIELD, FieldType::Text),
            field("OwnerId", FieldType::Lookup),
            readonly,
        ]);
        let s = sync(
            FieldSet::All {
                exclude: vec!["fax".into()],
            },
            &[("Phone", "Phone__c")],
        );
        let got = fields(&s, Some(&o));
        let pairs: Vec<(&str, &str, bool)> = got
            .iter()
            .map(|p| (p.publisher.as_str(), p.subscriber.as_str(), p.listed))
            .collect();
        assert_eq!(
            pairs,
            [("OwnerId", "OwnerId", false), ("Phone", "Phone__c", false)]
        );
    }

    #[test]
    fn lists_are_taken_as_given_in_canonical_case() {
        let o = object(vec![field("Phone", FieldType::Phone)]);
        let s = sync(
            FieldSet::List(vec!["phone".into(), "Missing__c".into(), "PHONE".into()]),
            &[],
        );
        let got = fields(&s, Some(&o));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].publisher, "Missing__c");
        assert_eq!(got[1].publisher, "Phone");
        assert!(got.iter().all(|p| p.listed));
        assert!(fields(&sync(FieldSet::All { exclude: vec![] }, &[]), None).is_empty());
    }
}
