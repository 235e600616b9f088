//! Key fields: every subscribing side of a published object (the secondary; both orgs in
//! two-way) needs `KEY_FIELD`, a unique external-ID text field of 18 characters holding the other
//! org's record ID. Missing: create it. Present but not like that: a blocking finding (apply
//! never rewrites a field that may hold links).

use crate::observe::{FieldType, ObjectSchema};
use crate::plan::detail::{AttrValue, AttributeChange, Detail};
use crate::plan::model::{Action, Area, Change, OrgSide, Reason, Rule};
use crate::spec::KEY_FIELD;

use super::Ctx;
use super::objects::ObjectOutcome;
use super::util::{attention, field_target, name};

/// The key field's length: a Salesforce record ID.
pub const KEY_LENGTH: u64 = 18;

/// Key-field changes for one object.
pub fn check(ctx: &Ctx<'_>, o: &ObjectOutcome<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    if o.primary.is_none() {
        return out;
    }
    let mut sides = vec![(OrgSide::Secondary, o.secondary)];
    if ctx.two_way() {
        sides.push((OrgSide::Primary, o.primary));
    }
    for (side, schema) in sides {
        if schema.is_none() && !(side == OrgSide::Secondary && o.create_in_secondary) {
            continue;
        }
        if let Some(change) = one(o, side, schema) {
            out.push(change);
        }
    }
    out
}

fn one(o: &ObjectOutcome<'_>, side: OrgSide, schema: Option<&ObjectSchema>) -> Option<Change> {
    let target = field_target(side, &o.name, KEY_FIELD);
    let reason = if side == OrgSide::Secondary {
        "subscribed records are upserted on the publisher's record ID"
    } else {
        "two-way: records from the secondary are upserted on its record ID"
    };
    match schema.and_then(|s| s.field(KEY_FIELD)) {
        None => Some(
            Change::new(
                format!("key-field:{}:{}.{KEY_FIELD}", side.label(), o.name),
                Area::KeyFields,
                Action::Create,
                target,
                "create key field (text 18, external ID, unique)",
                Reason::new(reason),
            )
            .with_detail(Detail::attributes(vec![
                AttributeChange::new(name("type"), None, Some(AttrValue::Name(name("text")))),
                AttributeChange::new(
                    name("length"),
                    None,
                    Some(AttrValue::Number(KEY_LENGTH as i64)),
                ),
                AttributeChange::new(name("external ID"), None, Some(AttrValue::Flag(true))),
                AttributeChange::new(name("unique"), None, Some(AttrValue::Flag(true))),
            ])),
        ),
        Some(f) => {
            let mut wrong = Vec::new();
            if f.field_type != FieldType::Text {
                wrong.push("not a text field".to_owned());
            } else if f.length != KEY_LENGTH {
                wrong.push(format!("length {} instead of {KEY_LENGTH}", f.length));
            }
            if !f.external_id {
                wrong.push("not an external ID".to_owned());
            }
            if !f.unique {
                wrong.push("not unique".to_owned());
            }
            if wrong.is_empty() {
                return None;
            }
            Some(attention(
                Area::KeyFields,
                Rule::KeyFieldInvalid,
                target,
                format!("key field exists but is {}", wrong.join(", ")),
                Reason::new(reason),
                Some(format!(
                    "make {}.{KEY_FIELD} in the {} a unique external-ID text field of {KEY_LENGTH}, or delete it so apply creates it",
                    o.name,
                    side.label()
                )),
                true,
            ))
        }
    }
}
