//! Metadata XML (`*.field-meta.xml`, `*.trigger-meta.xml`, `package.xml`, SOAP envelopes) read
//! into nested maps: an element with children becomes an object, a leaf its text, a repeated
//! element an array. Namespaces prefixes are dropped (local names only).

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};

use super::Meta;

/// An XML document that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Frame {
    name: String,
    children: Map<String, Value>,
    text: String,
}

fn insert(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(key, value);
        }
    }
}

fn close(frame: Frame) -> Value {
    if frame.children.is_empty() {
        Value::String(frame.text.trim().to_owned())
    } else {
        Value::Object(frame.children)
    }
}

/// Parse `xml` into its root element's local name and contents.
pub fn parse(xml: &[u8]) -> Result<(String, Meta), XmlError> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Value)> = None;
    let mut buf = Vec::new();
    let bad = |e: &dyn std::fmt::Display| XmlError(format!("not well-formed XML: {e}"));
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| bad(&e))?;
        match event {
            Event::Start(e) => stack.push(Frame {
                name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                children: Map::new(),
                text: String::new(),
            }),
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match stack.last_mut() {
                    Some(parent) => {
                        insert(&mut parent.children, name, Value::String(String::new()))
                    }
                    None => root = Some((name, Value::Object(Map::new()))),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.decode().map_err(|e| bad(&e))?);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(ch) => ch.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(&e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| XmlError(format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let frame = stack
                    .pop()
                    .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                let name = frame.name.clone();
                let value = close(frame);
                match stack.last_mut() {
                    Some(parent) => insert(&mut parent.children, name, value),
                    None => root = Some((name, value)),
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(XmlError("unexpected end of document".into()));
    }
    let (name, value) = root.ok_or_else(|| XmlError("empty document".into()))?;
    let map = match value {
        Value::Object(m) => m,
        Value::String(s) if s.is_empty() => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("#text".into(), other);
            m
        }
    };
    Ok((name, Meta(map)))
}

/// Escape text for an XML element.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_repeated_elements_become_objects_and_arrays() {
        let xml = br#"<?xml version="1.0"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
  <fullName>Tier__c</fullName><label>A &amp; B</label><type>Picklist</type>
  <valueSet><valueSetDefinition>
    <value><fullName>Gold</fullName></value><value><fullName>Silver</fullName></value>
  </valueSetDefinition></valueSet><description/>
</CustomField>"#;
        let (root, m) = parse(xml).unwrap();
        assert_eq!(root, "CustomField");
        assert_eq!(m.text("label").as_deref(), Some("A & B"));
        let values = m
            .nested("valueSet")
            .and_then(|v| v.nested("valueSetDefinition"))
            .unwrap()
            .list("value");
        assert_eq!(values.len(), 2);
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"").is_err());
    }
}
