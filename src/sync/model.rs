//! What the engine syncs: the applied connection (the objects and field pairs the last apply
//! established) joined with the spec's record settings and the primary's describes, which say
//! which fields are lookups and to what. Objects are ordered parent before child.

use std::collections::{BTreeMap, BTreeSet};

use crate::observe::{ObjectSchema, Snapshot};
use crate::plan::planner::lookups;
use crate::spec::Spec;
use crate::spec::model::{ConflictPolicy, Deletes, Direction, RetryPolicy};
use crate::state::{ConnectionState, Side};

/// How a field's value crosses from one org to the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Copied as it is.
    Plain,
    /// A lookup to a synced object: the ID is translated through the link table.
    Lookup {
        /// The parent object (may be the object itself: a self-lookup).
        parent: String,
    },
    /// A lookup to `User` (the owner): mapped to the synced user, or else the connection owner.
    Owner,
}

/// One synced field: its name on each side and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// The publisher (primary) field: also the canonical name in link hashes.
    pub publisher: String,
    /// The subscriber (secondary) field.
    pub subscriber: String,
    /// Plain, lookup or owner.
    pub kind: FieldKind,
}

impl FieldMap {
    /// The field's name in `side`'s org.
    pub fn name(&self, side: Side) -> &str {
        match side {
            Side::Primary => &self.publisher,
            Side::Secondary => &self.subscriber,
        }
    }
}

/// One synced object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectModel {
    /// API name (the same in both orgs).
    pub name: String,
    /// Synced fields, by publisher name.
    pub fields: Vec<FieldMap>,
    /// The SOQL condition choosing shared records (primary field names).
    pub filter: Option<String>,
    /// Whether deletes and undeletes propagate.
    pub deletes: Deletes,
    /// Whether new records are written to the secondary without review.
    pub auto_accept: bool,
    /// Publisher fields that link records existing on both sides.
    pub match_on: Vec<String>,
    /// The external-ID key field holding the other org's record ID.
    pub key_field: String,
    /// Audit fields (`CreatedDate`, `CreatedById`) are set on inserts into [primary, secondary]:
    /// `syncFeedsAndAuditFields` is on and that org lets the integration user set them ("Set
    /// Audit Fields upon Record Creation" makes `CreatedDate` createable in its describe).
    pub audit_to: [bool; 2],
}

impl ObjectModel {
    /// The field map of a publisher field.
    pub fn field(&self, publisher: &str) -> Option<&FieldMap> {
        self.fields
            .iter()
            .find(|f| f.publisher.eq_ignore_ascii_case(publisher))
    }

    /// Parent objects of this object's lookups (itself included for a self-lookup).
    pub fn parents(&self) -> BTreeSet<&str> {
        self.fields
            .iter()
            .filter_map(|f| match &f.kind {
                FieldKind::Lookup { parent } => Some(parent.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Everything the engine needs to know about the connection.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncModel {
    /// The connection name.
    pub name: String,
    /// Synced objects, parents first.
    pub objects: Vec<ObjectModel>,
    /// Two-way: both orgs publish and subscribe.
    pub two_way: bool,
    /// How two-way conflicts are resolved.
    pub conflicts: ConflictPolicy,
    /// Retries of failed records.
    pub retry: RetryPolicy,
    /// Copy audit fields on insert.
    pub audit_fields: bool,
    /// The default owner's username in the primary.
    pub owner: Option<String>,
    /// With `syncUsers`, the suffix that turns a primary username into the secondary's.
    pub username_suffix: Option<String>,
    /// `bulkSync.since` as a SOQL condition on `LastModifiedDate`.
    pub bulk_since: Option<String>,
    /// Share of each org's daily API allowance the engine may use, in percent.
    pub api_budget_percent: f64,
    /// The polling interval.
    pub poll_interval: std::time::Duration,
}

/// Why no model could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Apply never ran.
    #[error("the connection has never been applied")]
    NotApplied,
    /// A synced object is missing in the primary.
    #[error("object {0} is not visible in the primary org")]
    MissingObject(String),
}

impl SyncModel {
    /// The object called `name` (any case).
    pub fn object(&self, name: &str) -> Option<&ObjectModel> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// Whether records flow from `from` to the other org.
    pub fn flows_from(&self, from: Side) -> bool {
        from == Side::Primary || self.two_way
    }

    /// The orgs whose changes are read.
    pub fn sources(&self) -> Vec<Side> {
        if self.two_way {
            vec![Side::Primary, Side::Secondary]
        } else {
            vec![Side::Primary]
        }
    }

    /// Build the model from the spec, both orgs' describes and the applied connection.
    pub fn build(
        spec: &Spec,
        snapshot: &Snapshot,
        applied: Option<&ConnectionState>,
    ) -> Result<SyncModel, ModelError> {
        let applied = applied.ok_or(ModelError::NotApplied)?;
        let synced: Vec<&String> = applied.objects.keys().collect();
        let canonical = |t: &str| {
            synced
                .iter()
                .find(|s| s.eq_ignore_ascii_case(t))
                .map(|s| (*s).clone())
        };
        let mut objects = BTreeMap::new();
        for (name, state) in &applied.objects {
            let Some(Some(schema)) = snapshot.primary.object(name) else {
                return Err(ModelError::MissingObject(name.clone()));
            };
            let sync = spec
                .objects
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(name));
            let fields = state
                .subscribed_fields
                .iter()
                .filter_map(|(publisher, subscriber)| {
                    let kind = field_kind(schema, publisher, &canonical)?;
                    Some(FieldMap {
                        publisher: publisher.clone(),
                        subscriber: subscriber.clone(),
                        kind,
                    })
                })
                .collect();
            objects.insert(
                name.clone(),
                ObjectModel {
                    name: name.clone(),
                    fields,
                    filter: sync.and_then(|s| s.filter.clone()),
                    deletes: sync.map_or(Deletes::Ignore, |s| s.deletes),
                    auto_accept: sync.is_none_or(|s| s.auto_accept),
                    match_on: sync.map(|s| s.match_on.clone()).unwrap_or_default(),
                    key_field: state
                        .key_field
                        .clone()
                        .unwrap_or_else(|| crate::spec::KEY_FIELD.to_owned()),
                    audit_to: [&snapshot.primary, &snapshot.secondary].map(|org| {
                        spec.connection.sync_feeds_and_audit_fields
                            && org
                                .object(name)
                                .flatten()
                                .and_then(|o| o.field("CreatedDate"))
                                .is_some_and(|f| f.createable)
                    }),
                },
            );
        }
        let edges: BTreeMap<String, BTreeSet<String>> = objects
            .values()
            .map(|o: &ObjectModel| {
                let parents = o
                    .parents()
                    .into_iter()
                    .filter(|p| !p.eq_ignore_ascii_case(&o.name))
                    .map(str::to_owned)
                    .collect();
                (o.name.clone(), parents)
            })
            .collect();
        let (order, _cycles) = lookups::order(&edges);
        let mut ordered: Vec<ObjectModel> =
            order.iter().filter_map(|n| objects.remove(n)).collect();
        ordered.extend(objects.into_values());
        let c = &spec.connection;
        Ok(SyncModel {
            name: spec.name.clone(),
            objects: ordered,
            two_way: c.direction == Direction::TwoWay,
            conflicts: spec.records.conflicts,
            retry: spec.records.retry,
            audit_fields: c.sync_feeds_and_audit_fields,
            owner: c.owner.clone(),
            username_suffix: c.username_suffix.clone(),
            bulk_since: spec
                .records
                .bulk_sync_since
                .as_ref()
                .map(crate::observe::queries::since_condition),
            api_budget_percent: spec.records.api_budget_percent,
            poll_interval: spec.records.poll_interval,
        })
    }
}

/// The kind of a publisher field; `None` for a lookup to an object the connection does not sync
/// (the plan reports those; the engine leaves them out rather than write a dangling ID).
fn field_kind(
    schema: &ObjectSchema,
    field: &str,
    synced: &dyn Fn(&str) -> Option<String>,
) -> Option<FieldKind> {
    let Some(f) = schema.field(field) else {
        return Some(FieldKind::Plain);
    };
    if f.reference_to.is_empty() {
        return Some(FieldKind::Plain);
    }
    if let Some(parent) = f.reference_to.iter().find_map(|t| synced(t)) {
        return Some(FieldKind::Lookup { parent });
    }
    if f.reference_to
        .iter()
        .any(|t| t.eq_ignore_ascii_case("User"))
    {
        return Some(FieldKind::Owner);
    }
    None
}
