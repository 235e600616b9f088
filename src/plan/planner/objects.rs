//! Objects and fields: each published object exists in both orgs (or syncMetadata creates it in
//! the secondary), each published field exists in the primary, lands on a compatible subscriber
//! field (created or widened with syncMetadata), and the integration user may read it on the
//! publishing side and create/update it on the subscribing side. In two-way every rule also
//! holds from the secondary to the primary.

use std::collections::BTreeMap;

use crate::observe::{FieldSchema, FieldType, ObjectSchema, OrgSnapshot};
use crate::plan::detail::{AttrValue, AttributeChange, Detail};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason, Rule};
use crate::spec::model::{FieldSet, ObjectSync};

use super::Ctx;
use super::compat::{Compat, compat, kind_label};
use super::resolve::{FieldPair, fields};
use super::util::{attention, field_target, is_custom, name, object_target, same};

/// What the rules found for one published object.
#[derive(Debug)]
pub struct ObjectOutcome<'a> {
    /// The object's API name (canonical case when the primary describes it).
    pub name: String,
    /// The spec entry.
    pub sync: &'a ObjectSync,
    /// The primary's describe.
    pub primary: Option<&'a ObjectSchema>,
    /// The secondary's describe.
    pub secondary: Option<&'a ObjectSchema>,
    /// The plan creates the object in the secondary.
    pub create_in_secondary: bool,
    /// Publisher field → subscriber field, for every field the connection will carry.
    pub fields: BTreeMap<String, String>,
    /// Lookup fields among `fields` and their target objects.
    pub lookups: Vec<(String, Vec<String>)>,
    /// Changes and findings.
    pub changes: Vec<Change>,
}

/// The integration user's access to a field: `field_access` when observe recorded it, else the
/// describe's flags (describe applies field-level security).
fn access(org: &OrgSnapshot, object: &str, field: &FieldSchema) -> (bool, bool, bool) {
    let recorded = org
        .field_access
        .iter()
        .find(|(o, _)| same(o, object))
        .and_then(|(_, fields)| fields.iter().find(|(f, _)| same(f, &field.name)))
        .map(|(_, a)| *a);
    match recorded {
        Some(a) => (a.read, a.create, a.update),
        None => (true, field.createable, field.updateable),
    }
}

/// A field definition as attributes (type, length, precision, scale, digits, lookup target).
pub fn definition(f: &FieldSchema) -> Vec<AttributeChange> {
    let num = |v: u64| Some(AttrValue::Number(i64::try_from(v).unwrap_or(i64::MAX)));
    let mut out = vec![AttributeChange::new(
        name("type"),
        None,
        Some(AttrValue::Name(name(&kind_label(&f.field_type)))),
    )];
    let mut add = |attr: &str, v: u64| {
        if v > 0 {
            out.push(AttributeChange::new(name(attr), None, num(v)));
        }
    };
    add("length", f.length);
    add("precision", f.precision);
    add("scale", f.scale);
    add("digits", f.digits);
    if !f.reference_to.is_empty() {
        out.push(AttributeChange::new(
            name("references"),
            None,
            Some(AttrValue::Name(name(&f.reference_to.join(", ")))),
        ));
    }
    out
}

struct Paths {
    object: String,
    fields: String,
    field_map: String,
    metadata: &'static str,
}

impl Paths {
    fn of(sync: &ObjectSync) -> Self {
        let object = format!("spec.objects.{}", sync.name);
        Self {
            fields: format!("{object}.publish.fields"),
            field_map: format!("{object}.subscribe.fieldMap"),
            object,
            metadata: "spec.connection.syncMetadata",
        }
    }
}

/// Check one published object.
pub fn object<'a>(ctx: &Ctx<'a>, sync: &'a ObjectSync) -> ObjectOutcome<'a> {
    let snap = ctx.snapshot;
    let primary = snap.primary.object(&sync.name).flatten();
    let secondary = snap.secondary.object(&sync.name).flatten();
    let mut out = ObjectOutcome {
        name: primary.map_or_else(|| sync.name.clone(), |o| o.name.clone()),
        sync,
        primary,
        secondary,
        create_in_secondary: false,
        fields: BTreeMap::new(),
        lookups: Vec::new(),
        changes: Vec::new(),
    };
    let paths = Paths::of(sync);
    let obj = out.name.clone();
    let Some(p) = primary else {
        out.changes.push(attention(
            Area::ObjectsAndFields,
            Rule::ObjectMissing,
            object_target(OrgSide::Primary, &obj),
            "object not found in the primary",
            Reason::at("published in the spec", paths.object.clone()),
            Some(format!(
                "check the API name, or give the integration user access to {obj} in the primary"
            )),
            true,
        ));
        out.fields = fields(sync, None)
            .into_iter()
            .map(|f| (f.publisher, f.subscriber))
            .collect();
        return out;
    };
    if secondary.is_none() {
        if ctx.spec.connection.sync_metadata && p.custom {
            out.create_in_secondary = true;
            out.changes.push(
                Change::new(
                    format!("object:secondary:{obj}"),
                    Area::ObjectsAndFields,
                    Action::Create,
                    object_target(OrgSide::Secondary, &obj),
                    "create custom object from the primary's definition",
                    Reason::at("published; missing in the secondary", paths.metadata),
                )
                .with_detail(Detail::attributes(vec![AttributeChange::new(
                    name("label"),
                    None,
                    Some(AttrValue::Name(name(&p.label))),
                )])),
            );
        } else {
            let hint = if p.custom {
                format!("create {obj} in the secondary, or set spec.connection.syncMetadata: true")
            } else {
                format!(
                    "check that the secondary's edition has {obj} and the integration user can see it"
                )
            };
            out.changes.push(attention(
                Area::ObjectsAndFields,
                Rule::ObjectMissing,
                object_target(OrgSide::Secondary, &obj),
                "object not found in the secondary",
                Reason::at("published in the spec", paths.object.clone()),
                Some(hint),
                true,
            ));
            out.fields = fields(sync, Some(p))
                .into_iter()
                .map(|f| (f.publisher, f.subscriber))
                .collect();
            return out;
        }
    }
    for pair in fields(sync, Some(p)) {
        field(ctx, &mut out, p, &pair, &paths);
    }
    out
}

/// What the subscriber side of one field looks like after apply.
enum Subscriber<'a> {
    /// Present and checked.
    Present(&'a FieldSchema),
    /// Created or rewritten from the primary's definition by this plan.
    FromPrimary,
    /// Comes with the object this plan creates (a standard field of a custom object).
    WithObject,
    /// Missing or not writable: reported.
    Reported,
}

fn field<'a>(
    ctx: &Ctx<'a>,
    out: &mut ObjectOutcome<'a>,
    p: &'a ObjectSchema,
    pair: &FieldPair,
    paths: &Paths,
) {
    let snap = ctx.snapshot;
    let obj = out.name.clone();
    let sync_metadata = ctx.spec.connection.sync_metadata;
    let listed_path = || match &out.sync.fields {
        FieldSet::List(_) => paths.fields.clone(),
        FieldSet::All { .. } => format!("{}.publish", paths.object),
    };
    let Some(pf) = p.field(&pair.publisher) else {
        out.changes.push(attention(
            Area::ObjectsAndFields,
            Rule::FieldMissing,
            field_target(OrgSide::Primary, &obj, &pair.publisher),
            "published field not found in the primary",
            Reason::at("listed in publish.fields", paths.fields.clone()),
            Some(format!(
                "check the field name, or give the integration user read access to {obj}.{} in the primary",
                pair.publisher
            )),
            true,
        ));
        out.fields
            .insert(pair.publisher.clone(), pair.subscriber.clone());
        return;
    };
    if pf.field_type.is_never_synced() || pf.field_type == FieldType::Id {
        out.changes.push(attention(
            Area::ObjectsAndFields,
            Rule::UnsupportedField,
            field_target(OrgSide::Primary, &obj, &pf.name),
            format!(
                "not synced: {} fields are not supported",
                kind_label(&pf.field_type)
            ),
            Reason::at("listed in publish.fields", listed_path()),
            Some(format!("drop {obj}.{} from publish.fields", pf.name)),
            false,
        ));
        return;
    }
    let sub_name = pair.subscriber.as_str();
    let mapped = !same(sub_name, &pf.name);
    let sub = if out.create_in_secondary {
        if is_custom(sub_name) {
            create_field(out, pf, sub_name, mapped, paths)
        } else {
            Subscriber::WithObject
        }
    } else if let Some(sf) = out.secondary.and_then(|s| s.field(sub_name)) {
        match compat(pf, sf) {
            Compat::Compatible => Subscriber::Present(sf),
            Compat::Narrower(attrs) if sync_metadata && is_custom(&sf.name) => {
                out.changes.push(
                    Change::new(
                        format!("field:secondary:{obj}.{}", sf.name),
                        Area::ObjectsAndFields,
                        Action::Update,
                        field_target(OrgSide::Secondary, &obj, &sf.name),
                        format!(
                            "widen {} field to the primary's definition",
                            kind_label(&sf.field_type)
                        ),
                        Reason::at(
                            "narrower in the secondary than in the primary",
                            paths.metadata,
                        ),
                    )
                    .with_detail(Detail::attributes(attrs)),
                );
                Subscriber::FromPrimary
            }
            Compat::Narrower(attrs) => {
                let widen: Vec<String> = attrs.iter().map(AttributeChange::render).collect();
                let how = if is_custom(&sf.name) {
                    ", or set spec.connection.syncMetadata: true"
                } else {
                    ""
                };
                out.changes.push(attention(
                    Area::ObjectsAndFields,
                    Rule::TypeIncompatible,
                    field_target(OrgSide::Secondary, &obj, &sf.name),
                    format!(
                        "{} field narrower than the primary's",
                        kind_label(&sf.field_type)
                    ),
                    Reason::at("published field lands here", listed_path()),
                    Some(format!(
                        "widen {obj}.{} in the secondary ({}){how}",
                        sf.name,
                        widen.join(", ")
                    )),
                    true,
                ));
                Subscriber::Reported
            }
            Compat::Incompatible(why) => {
                out.changes.push(attention(
                    Area::ObjectsAndFields,
                    Rule::TypeIncompatible,
                    field_target(OrgSide::Secondary, &obj, &sf.name),
                    format!("type not compatible: {why}"),
                    Reason::at(
                        format!("{obj}.{} is published onto this field", pf.name),
                        listed_path(),
                    ),
                    Some(format!(
                        "change {obj}.{} in the secondary, map {} to a compatible field ({}), or stop publishing it",
                        sf.name, pf.name, paths.field_map
                    )),
                    true,
                ));
                Subscriber::Reported
            }
            Compat::UnsupportedSource | Compat::UnsupportedTarget => {
                out.changes.push(attention(
                    Area::ObjectsAndFields,
                    Rule::UnsupportedField,
                    field_target(OrgSide::Secondary, &obj, &sf.name),
                    format!(
                        "not synced: the secondary's {} field cannot be written",
                        kind_label(&sf.field_type)
                    ),
                    Reason::at(
                        format!("{obj}.{} is published onto this field", pf.name),
                        listed_path(),
                    ),
                    Some(format!(
                        "map {obj}.{} to a writable field ({}), or stop publishing it",
                        pf.name, paths.field_map
                    )),
                    false,
                ));
                return;
            }
        }
    } else if sync_metadata && is_custom(sub_name) && !mapped {
        create_field(out, pf, sub_name, mapped, paths)
    } else {
        let hint = if mapped {
            format!(
                "create {obj}.{sub_name} in the secondary, or change {}",
                paths.field_map
            )
        } else if is_custom(sub_name) {
            format!(
                "create {obj}.{sub_name} in the secondary, or set spec.connection.syncMetadata: true"
            )
        } else {
            format!(
                "check the field-level security of {obj}.{sub_name} for the integration user in the secondary"
            )
        };
        out.changes.push(attention(
            Area::ObjectsAndFields,
            Rule::FieldMissing,
            field_target(OrgSide::Secondary, &obj, sub_name),
            "subscriber field not found in the secondary",
            Reason::at(
                format!("{obj}.{} is published onto it", pf.name),
                listed_path(),
            ),
            Some(hint),
            true,
        ));
        Subscriber::Reported
    };
    out.fields.insert(pf.name.clone(), sub_name.to_owned());
    if matches!(pf.field_type, FieldType::Lookup | FieldType::MasterDetail) {
        out.lookups.push((pf.name.clone(), pf.reference_to.clone()));
    }
    let two_way = ctx.two_way();
    if let Subscriber::Present(sf) = sub {
        if two_way {
            reverse(out, pf, sf);
        }
        let need_update = pf.updateable;
        check_access(
            out,
            &snap.secondary,
            OrgSide::Secondary,
            sf,
            (two_way, true, need_update),
        );
    }
    check_access(
        out,
        &snap.primary,
        OrgSide::Primary,
        pf,
        (true, two_way, two_way && pf.updateable),
    );
}

/// Two-way: the secondary's field must also map onto the primary's.
fn reverse(out: &mut ObjectOutcome<'_>, pf: &FieldSchema, sf: &FieldSchema) {
    let obj = out.name.clone();
    let why = match compat(sf, pf) {
        Compat::Compatible => return,
        Compat::Narrower(attrs) => {
            let widen: Vec<String> = attrs.iter().map(AttributeChange::render).collect();
            format!(
                "narrower in the primary than in the secondary ({})",
                widen.join(", ")
            )
        }
        Compat::Incompatible(why) => why,
        Compat::UnsupportedSource | Compat::UnsupportedTarget => format!(
            "two-way writes into the primary's {} field, which cannot be written",
            kind_label(&pf.field_type)
        ),
    };
    out.changes.push(attention(
        Area::ObjectsAndFields,
        Rule::TypeIncompatible,
        field_target(OrgSide::Primary, &obj, &pf.name),
        format!("type not compatible from the secondary: {why}"),
        Reason::new("two-way: the secondary publishes the same fields back"),
        Some(format!(
            "make {obj}.{} the same type and size in both orgs, or use a one-way connection",
            pf.name
        )),
        true,
    ));
}

fn create_field<'a>(
    out: &mut ObjectOutcome<'_>,
    pf: &FieldSchema,
    sub_name: &str,
    mapped: bool,
    paths: &Paths,
) -> Subscriber<'a> {
    let obj = out.name.clone();
    if mapped {
        out.changes.push(attention(
            Area::ObjectsAndFields,
            Rule::FieldMissing,
            field_target(OrgSide::Secondary, &obj, sub_name),
            "subscriber field not found in the secondary",
            Reason::at(
                format!("{obj}.{} is mapped onto it", pf.name),
                paths.field_map.clone(),
            ),
            Some(format!(
                "create {obj}.{sub_name} in the secondary, or drop the fieldMap entry so syncMetadata creates {obj}.{}",
                pf.name
            )),
            true,
        ));
        return Subscriber::Reported;
    }
    out.changes.push(
        Change::new(
            format!("field:secondary:{obj}.{}", pf.name),
            Area::ObjectsAndFields,
            Action::Create,
            field_target(OrgSide::Secondary, &obj, &pf.name),
            format!(
                "create custom {} field from the primary's definition",
                kind_label(&pf.field_type)
            ),
            Reason::at("published; missing in the secondary", paths.metadata),
        )
        .with_detail(Detail::attributes(definition(pf))),
    );
    Subscriber::FromPrimary
}

/// Report what the integration user lacks on `field` in `org`: `(read, create, update)` needed.
fn check_access(
    out: &mut ObjectOutcome<'_>,
    org: &OrgSnapshot,
    side: OrgSide,
    field: &FieldSchema,
    needs: (bool, bool, bool),
) {
    let obj = out.name.clone();
    let (read, create, update) = access(org, &obj, field);
    let mut missing = Vec::new();
    for (needed, has, what) in [
        (needs.0, read, "read"),
        (needs.1, create, "create"),
        (needs.2, update, "update"),
    ] {
        if needed && !has {
            missing.push(what);
        }
    }
    if missing.is_empty() {
        return;
    }
    let role = if side == OrgSide::Primary {
        "publishes"
    } else {
        "subscribes to"
    };
    out.changes.push(attention(
        Area::ObjectsAndFields,
        Rule::FieldAccess,
        field_target(side, &obj, &field.name),
        format!(
            "the integration user cannot {} this field",
            missing.join(" or ")
        ),
        Reason::new(format!("the {} {role} this field", side.label())),
        Some(format!(
            "grant the integration user {} access to {obj}.{} in the {} (field-level security)",
            if missing == ["read"] { "read" } else { "edit" },
            field.name,
            side.label()
        )),
        true,
    ));
}
