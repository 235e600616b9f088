//! Salesforce to Salesforce type compatibility (seed 001, SPEC.md "Rules checked against both
//! orgs"): whether a publisher field can be written into a subscriber field.
//!
//! Same type; text to text of equal or greater length (text → text area → long text area, never
//! back: a long text area does not map to a text field); a lookup to a lookup of the same target,
//! or to text of 80 or more; an auto-number to text of 30 or more; number precision and scale
//! not narrowed (integer digits for int and long); picklist to picklist. Fields of a kind that is
//! never synced (rich text, formula, roll-up summary, geolocation, address) and auto-numbers as a
//! target are not synced at all.

use crate::observe::{FieldSchema, FieldType};
use crate::plan::detail::{AttrValue, AttributeChange};

use super::util::name;

/// Shortest text that holds a record ID written from a lookup.
pub const LOOKUP_AS_TEXT_MIN: u64 = 80;
/// Shortest text that holds an auto-number.
pub const AUTO_NUMBER_AS_TEXT_MIN: u64 = 30;

/// How a publisher field maps onto a subscriber field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compat {
    /// Values can be written as they are.
    Compatible,
    /// Same kind, but the subscriber is narrower (length, precision, scale, digits): rewriting it
    /// with the publisher's definition makes it compatible. The attributes go before → after.
    Narrower(Vec<AttributeChange>),
    /// Not compatible; the text says why (no values).
    Incompatible(String),
    /// The publisher field's kind is never synced.
    UnsupportedSource,
    /// The subscriber field cannot be written (auto-number, formula, roll-up, …).
    UnsupportedTarget,
}

/// A readable name of a field kind (`long text area`).
pub fn kind_label(t: &FieldType) -> String {
    match t {
        FieldType::Id => "record ID".into(),
        FieldType::Text => "text".into(),
        FieldType::TextArea => "text area".into(),
        FieldType::LongTextArea => "long text area".into(),
        FieldType::RichTextArea => "rich text area".into(),
        FieldType::Picklist => "picklist".into(),
        FieldType::MultiPicklist => "multi-select picklist".into(),
        FieldType::Combobox => "combo box".into(),
        FieldType::Lookup => "lookup".into(),
        FieldType::MasterDetail => "master-detail".into(),
        FieldType::Checkbox => "checkbox".into(),
        FieldType::Int => "integer".into(),
        FieldType::Long => "long integer".into(),
        FieldType::Number => "number".into(),
        FieldType::Currency => "currency".into(),
        FieldType::Percent => "percent".into(),
        FieldType::Date => "date".into(),
        FieldType::DateTime => "date/time".into(),
        FieldType::Time => "time".into(),
        FieldType::Email => "email".into(),
        FieldType::Phone => "phone".into(),
        FieldType::Url => "URL".into(),
        FieldType::EncryptedText => "encrypted text".into(),
        FieldType::Base64 => "binary".into(),
        FieldType::Address => "address".into(),
        FieldType::Geolocation => "geolocation".into(),
        FieldType::AnyType => "anyType".into(),
        FieldType::Formula => "formula".into(),
        FieldType::RollUpSummary => "roll-up summary".into(),
        FieldType::AutoNumber => "auto-number".into(),
        FieldType::Other(o) => o.clone(),
    }
}

/// Whether a field of this kind can be written by the sync at all.
pub fn is_unwritable(t: &FieldType) -> bool {
    t.is_never_synced() || matches!(t, FieldType::AutoNumber | FieldType::Id)
}

/// Text kinds in widening order: text → text area → long text area.
fn text_rank(t: &FieldType) -> Option<u8> {
    match t {
        FieldType::Text => Some(0),
        FieldType::TextArea => Some(1),
        FieldType::LongTextArea => Some(2),
        _ => None,
    }
}

fn is_lookup(t: &FieldType) -> bool {
    matches!(t, FieldType::Lookup | FieldType::MasterDetail)
}

fn same_targets(a: &FieldSchema, b: &FieldSchema) -> bool {
    let norm = |f: &FieldSchema| {
        let mut v: Vec<String> = f
            .reference_to
            .iter()
            .map(|t| t.to_ascii_lowercase())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    norm(a) == norm(b)
}

fn narrower(attr: &str, publisher: u64, subscriber: u64, out: &mut Vec<AttributeChange>) {
    if subscriber < publisher {
        out.push(AttributeChange::new(
            name(attr),
            Some(AttrValue::Number(
                i64::try_from(subscriber).unwrap_or(i64::MAX),
            )),
            Some(AttrValue::Number(
                i64::try_from(publisher).unwrap_or(i64::MAX),
            )),
        ));
    }
}

/// Whether `publisher`'s values can be written into `subscriber`.
pub fn compat(publisher: &FieldSchema, subscriber: &FieldSchema) -> Compat {
    let (p, s) = (&publisher.field_type, &subscriber.field_type);
    if p.is_never_synced() || *p == FieldType::Id {
        return Compat::UnsupportedSource;
    }
    if is_unwritable(s) {
        return Compat::UnsupportedTarget;
    }
    let incompatible = |why: String| Compat::Incompatible(why);
    let mut attrs = Vec::new();
    if p == s {
        match p {
            FieldType::Text
            | FieldType::TextArea
            | FieldType::LongTextArea
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::EncryptedText => {
                narrower("length", publisher.length, subscriber.length, &mut attrs)
            }
            FieldType::Number | FieldType::Currency | FieldType::Percent => {
                narrower(
                    "precision",
                    publisher.precision,
                    subscriber.precision,
                    &mut attrs,
                );
                narrower("scale", publisher.scale, subscriber.scale, &mut attrs);
            }
            FieldType::Int | FieldType::Long => {
                narrower("digits", publisher.digits, subscriber.digits, &mut attrs)
            }
            FieldType::Lookup | FieldType::MasterDetail if !same_targets(publisher, subscriber) => {
                return incompatible("the lookups point to different objects".into());
            }
            _ => {}
        }
        return if attrs.is_empty() {
            Compat::Compatible
        } else {
            Compat::Narrower(attrs)
        };
    }
    if let (Some(pr), Some(sr)) = (text_rank(p), text_rank(s)) {
        if *p == FieldType::LongTextArea {
            return incompatible(format!(
                "a long text area does not map to a {}",
                kind_label(s)
            ));
        }
        if sr < pr {
            return incompatible(format!(
                "a {} does not map to a {}",
                kind_label(p),
                kind_label(s)
            ));
        }
        if subscriber.length < publisher.length {
            return incompatible(format!(
                "the {} is shorter ({}) than the {} ({})",
                kind_label(s),
                subscriber.length,
                kind_label(p),
                publisher.length
            ));
        }
        return Compat::Compatible;
    }
    if is_lookup(p) && is_lookup(s) {
        return if same_targets(publisher, subscriber) {
            Compat::Compatible
        } else {
            incompatible("the lookups point to different objects".into())
        };
    }
    if is_lookup(p) && *s == FieldType::Text {
        return if subscriber.length >= LOOKUP_AS_TEXT_MIN {
            Compat::Compatible
        } else {
            incompatible(format!(
                "a lookup needs text of {LOOKUP_AS_TEXT_MIN} or more, the text is {}",
                subscriber.length
            ))
        };
    }
    if *p == FieldType::AutoNumber && *s == FieldType::Text {
        return if subscriber.length >= AUTO_NUMBER_AS_TEXT_MIN {
            Compat::Compatible
        } else {
            incompatible(format!(
                "an auto-number needs text of {AUTO_NUMBER_AS_TEXT_MIN} or more, the text is {}",
                subscriber.length
            ))
        };
    }
    incompatible(format!(
        "a {} does not map to a {}",
        kind_label(p),
        kind_label(s)
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A field of `t` with everything else neutral (test helper for the planner modules).
    pub fn field(name: &str, t: FieldType) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            label: name.into(),
            field_type: t,
            wire_type: String::new(),
            length: 0,
            precision: 0,
            scale: 0,
            digits: 0,
            reference_to: Vec::new(),
            relationship_name: None,
            relationship_order: None,
            nillable: true,
            createable: true,
            updateable: true,
            defaulted_on_create: false,
            calculated: false,
            auto_number: false,
            external_id: false,
            unique: false,
            html_formatted: false,
            picklist: None,
        }
    }

    fn text(t: FieldType, length: u64) -> FieldSchema {
        FieldSchema {
            length,
            ..field("F", t)
        }
    }

    fn number(t: FieldType, precision: u64, scale: u64) -> FieldSchema {
        FieldSchema {
            precision,
            scale,
            ..field("F", t)
        }
    }

    fn lookup(t: FieldType, to: &[&str]) -> FieldSchema {
        FieldSchema {
            reference_to: to.iter().map(|s| s.to_string()).collect(),
            ..field("F", t)
        }
    }

    /// The outcome's short label, for the table.
    fn label(c: &Compat) -> &'static str {
        match c {
            Compat::Compatible => "ok",
            Compat::Narrower(_) => "narrower",
            Compat::Incompatible(_) => "incompatible",
            Compat::UnsupportedSource => "unsupported-source",
            Compat::UnsupportedTarget => "unsupported-target",
        }
    }

    #[test]
    fn s2s_matrix() {
        use FieldType as T;
        let cases: Vec<(FieldSchema, FieldSchema, &str)> = vec![
            (text(T::Text, 40), text(T::Text, 40), "ok"),
            (text(T::Text, 40), text(T::Text, 80), "ok"),
            (text(T::Text, 30), text(T::Text, 20), "narrower"),
            (text(T::Text, 40), text(T::TextArea, 255), "ok"),
            (text(T::Text, 40), text(T::LongTextArea, 32000), "ok"),
            (text(T::TextArea, 255), text(T::Text, 255), "incompatible"),
            (
                text(T::LongTextArea, 32000),
                text(T::Text, 255),
                "incompatible",
            ),
            (
                text(T::LongTextArea, 32000),
                text(T::TextArea, 255),
                "incompatible",
            ),
            (
                text(T::LongTextArea, 32000),
                text(T::LongTextArea, 32000),
                "ok",
            ),
            (
                text(T::LongTextArea, 32768),
                text(T::LongTextArea, 32000),
                "narrower",
            ),
            (text(T::Text, 255), text(T::TextArea, 100), "incompatible"),
            (text(T::Email, 80), text(T::Email, 80), "ok"),
            (text(T::Email, 80), text(T::Text, 80), "incompatible"),
            (
                lookup(T::Lookup, &["Account"]),
                lookup(T::Lookup, &["Account"]),
                "ok",
            ),
            (
                lookup(T::Lookup, &["Account"]),
                lookup(T::Lookup, &["Contact"]),
                "incompatible",
            ),
            (
                lookup(T::Lookup, &["Account"]),
                lookup(T::MasterDetail, &["account"]),
                "ok",
            ),
            (lookup(T::Lookup, &["Account"]), text(T::Text, 80), "ok"),
            (
                lookup(T::Lookup, &["Account"]),
                text(T::Text, 18),
                "incompatible",
            ),
            (text(T::AutoNumber, 30), text(T::Text, 30), "ok"),
            (text(T::AutoNumber, 30), text(T::Text, 20), "incompatible"),
            (
                text(T::Text, 30),
                text(T::AutoNumber, 30),
                "unsupported-target",
            ),
            (number(T::Number, 18, 2), number(T::Number, 18, 2), "ok"),
            (
                number(T::Number, 18, 2),
                number(T::Number, 16, 2),
                "narrower",
            ),
            (
                number(T::Currency, 16, 2),
                number(T::Currency, 18, 0),
                "narrower",
            ),
            (
                number(T::Currency, 16, 2),
                number(T::Number, 18, 2),
                "incompatible",
            ),
            (field("F", T::Picklist), field("F", T::Picklist), "ok"),
            (field("F", T::Picklist), text(T::Text, 255), "incompatible"),
            (
                field("F", T::MultiPicklist),
                field("F", T::Picklist),
                "incompatible",
            ),
            (field("F", T::Checkbox), field("F", T::Checkbox), "ok"),
            (field("F", T::Date), field("F", T::DateTime), "incompatible"),
            (
                field("F", T::Formula),
                text(T::Text, 80),
                "unsupported-source",
            ),
            (
                field("F", T::RollUpSummary),
                number(T::Currency, 18, 2),
                "unsupported-source",
            ),
            (
                field("F", T::RichTextArea),
                text(T::LongTextArea, 32000),
                "unsupported-source",
            ),
            (
                field("F", T::Geolocation),
                field("F", T::Geolocation),
                "unsupported-source",
            ),
            (
                text(T::Text, 80),
                field("F", T::Formula),
                "unsupported-target",
            ),
            (
                text(T::Text, 80),
                field("F", T::RichTextArea),
                "unsupported-target",
            ),
        ];
        for (i, (p, s, want)) in cases.iter().enumerate() {
            let got = compat(p, s);
            assert_eq!(
                label(&got),
                *want,
                "case {i}: {:?} → {:?}: {got:?}",
                p.field_type,
                s.field_type
            );
        }
    }

    #[test]
    fn narrower_lists_before_and_after() {
        let Compat::Narrower(attrs) =
            compat(&text(FieldType::Text, 30), &text(FieldType::Text, 20))
        else {
            panic!("expected narrower");
        };
        let rendered: Vec<String> = attrs.iter().map(AttributeChange::render).collect();
        assert_eq!(rendered, ["length: 20 → 30"]);
        let Compat::Narrower(attrs) = compat(
            &number(FieldType::Number, 18, 4),
            &number(FieldType::Number, 10, 2),
        ) else {
            panic!("expected narrower");
        };
        assert_eq!(attrs.len(), 2);
    }
}
