//! A YAML document as a tree that remembers where every key and value came from.
//!
//! serde-saphyr parses (with budgets and duplicate-key rejection, see [`super::load`]) into this
//! tree through `Spanned`, so every later stage can turn a [`Path`] back into a line and column.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::diagnostic::Position;
use super::path::{Path, Segment};

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text (scalars of any type are read as their text).
    pub name: String,
    /// Where the key is written.
    pub pos: Position,
}

/// One YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts (for collections: where the collection starts).
    pub pos: Position,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number (finite).
    Float(f64),
    /// A string scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Key, Node)>),
}

impl Value {
    /// A short name of the value's kind for messages ("a string", "a mapping", …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The node at `path`, with the key that leads to it (when the last segment is a key).
    pub fn find(&self, path: &Path) -> Option<(Option<&Key>, &Node)> {
        let mut node = self;
        let mut key = None;
        for seg in path.segments() {
            match (seg, &node.value) {
                (Segment::Key(k), Value::Map(entries)) => {
                    let (kk, n) = entries.iter().find(|(kk, _)| kk.name == *k)?;
                    key = Some(kk);
                    node = n;
                }
                (Segment::Index(i), Value::Seq(items)) => {
                    key = None;
                    node = items.get(*i)?;
                }
                _ => return None,
            }
        }
        Some((key, node))
    }

    /// The best position for a diagnostic at `path`: the key (when `at_key`) or the value; when
    /// the path does not exist, the nearest existing ancestor.
    pub fn locate(&self, path: &Path, at_key: bool) -> Position {
        let segs = path.segments();
        for n in (0..=segs.len()).rev() {
            let prefix: Path = segs[..n].iter().cloned().collect();
            if let Some((key, node)) = self.find(&prefix) {
                let exact = n == segs.len();
                return match key {
                    Some(k) if at_key || !exact => k.pos,
                    _ if matches!(node.value, Value::Map(_) | Value::Seq(_)) => {
                        key.map_or(node.pos, |k| k.pos)
                    }
                    _ => node.pos,
                };
            }
        }
        self.pos
    }

    /// Convert to JSON for schema validation and typed deserialisation.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn position_of<T>(s: &Spanned<T>, fallback_len: usize) -> Position {
    let loc = s.referenced;
    let len = usize::try_from(loc.span().len()).unwrap_or(1);
    Position {
        line: usize::try_from(loc.line()).unwrap_or(0).max(1),
        column: usize::try_from(loc.column()).unwrap_or(0).max(1),
        length: if len == 0 { fallback_len.max(1) } else { len },
    }
}

/// A scalar read as text, for mapping keys.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The deserialisation target: a value whose children are spanned.
struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(v as f64),
        }))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        Ok(RawValue(Value::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        Ok(RawValue(Value::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawValue>>()? {
            items.push(spanned_node(item));
        }
        Ok(RawValue(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let pos = position_of(&key, key.value.0.chars().count());
            let value = map.next_value::<Spanned<RawValue>>()?;
            entries.push((
                Key {
                    name: key.value.0,
                    pos,
                },
                spanned_node(value),
            ));
        }
        Ok(RawValue(Value::Map(entries)))
    }
}

fn spanned_node(s: Spanned<RawValue>) -> Node {
    let fallback = match &s.value.0 {
        Value::Str(v) => v.chars().count(),
        _ => 1,
    };
    let pos = position_of(&s, fallback);
    let pos = match &s.value.0 {
        Value::Map(_) | Value::Seq(_) => Position { length: 1, ..pos },
        _ => pos,
    };
    Node {
        value: s.value.0,
        pos,
    }
}

/// Parse YAML text into a spanned tree with the given options.
pub(super) fn parse_tree(
    source: &str,
    options: serde_saphyr::Options,
) -> Result<Node, serde_saphyr::Error> {
    let root: Spanned<RawValue> = serde_saphyr::from_str_with_options(source, options)?;
    Ok(spanned_node(root))
}
