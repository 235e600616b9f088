//! A field's definition as plan attributes: what apply creates in the secondary.

use crate::observe::FieldSchema;
use crate::plan::detail::{AttrValue, AttributeChange};

use super::compat::kind_label;
use super::util::name;

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
    if let Some(picklist) = &f.picklist {
        out.push(AttributeChange::new(
            name("values"),
            None,
            num(picklist.values.len() as u64),
        ));
    }
    if !f.reference_to.is_empty() {
        out.push(AttributeChange::new(
            name("references"),
            None,
            Some(AttrValue::Name(name(&f.reference_to.join(", ")))),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::FieldType;
    use crate::plan::planner::compat::tests::field;

    #[test]
    fn lists_what_is_set() {
        let f = FieldSchema {
            precision: 16,
            scale: 2,
            ..field("Amount__c", FieldType::Currency)
        };
        let lines: Vec<String> = definition(&f).iter().map(AttributeChange::render).collect();
        assert_eq!(
            lines,
            [
                "type: (none) → currency",
                "precision: (none) → 16",
                "scale: (none) → 2"
            ]
        );
    }
}
