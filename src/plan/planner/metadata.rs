//! Metadata (`syncMetadata`): Apex classes, custom objects and custom fields of the primary that
//! are missing or different in the secondary are deployed there, with a unified diff of the
//! content. Never deletes. Other kinds (pages, layouts, permission sets, record types, profiles)
//! are not planned: apply cannot deploy them yet. Custom objects and fields that the
//! objects-and-fields rules look after (published objects, their published and subscribed
//! fields, the key field) are left to those rules, so nothing is done twice.

use crate::observe::{MetadataItem, MetadataKind, Snapshot};
use crate::plan::detail::Detail;
use crate::plan::diff::{DEFAULT_MAX_LINES, unified};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason, Target};
use crate::spec::KEY_FIELD;

use super::objects::ObjectOutcome;
use super::util::{name, same};

/// The kinds apply can deploy.
pub const SUPPORTED: [MetadataKind; 3] = [
    MetadataKind::ApexClass,
    MetadataKind::CustomObject,
    MetadataKind::CustomField,
];

/// Whether the objects-and-fields rules look after this component.
fn covered(item: &MetadataItem, outcomes: &[ObjectOutcome<'_>]) -> bool {
    match item.kind {
        MetadataKind::CustomObject => outcomes.iter().any(|o| same(&o.name, &item.full_name)),
        MetadataKind::CustomField => {
            let Some((object, field)) = item.full_name.split_once('.') else {
                return false;
            };
            same(field, KEY_FIELD)
                || outcomes.iter().any(|o| {
                    same(&o.name, object)
                        && o.fields
                            .iter()
                            .any(|(p, s)| same(p, field) || same(s, field))
                })
        }
        _ => false,
    }
}

/// Metadata changes (empty without `syncMetadata` or when either org's metadata was not read).
pub fn plan(snapshot: &Snapshot, outcomes: &[ObjectOutcome<'_>]) -> Vec<Change> {
    let (Some(primary), Some(secondary)) =
        (&snapshot.primary.metadata, &snapshot.secondary.metadata)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in primary
        .iter()
        .filter(|i| SUPPORTED.contains(&i.kind) && !covered(i, outcomes))
    {
        let theirs = secondary
            .iter()
            .find(|s| s.kind == item.kind && same(&s.full_name, &item.full_name));
        let label = format!("{} {}", item.kind, item.full_name);
        let diff = unified(
            theirs.map(|t| t.content.as_str()),
            &item.content,
            "secondary",
            "primary",
            DEFAULT_MAX_LINES,
        );
        let (action, summary, why) = match theirs {
            None => (
                Action::Create,
                "deploy from the primary",
                "in the primary, missing in the secondary",
            ),
            Some(_) if diff.added == 0 && diff.removed == 0 => continue,
            Some(_) => (
                Action::Update,
                "deploy the primary's version",
                "differs between the orgs",
            ),
        };
        out.push(
            Change::new(
                format!("metadata:secondary:{label}"),
                Area::Metadata,
                action,
                Target::item(OrgSide::Secondary, name(&label)),
                summary,
                Reason::at(why, "spec.connection.syncMetadata"),
            )
            .with_detail(Detail::diff(diff)),
        );
    }
    out
}
