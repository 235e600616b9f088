//! The JSON Schema of the spec: generated from the v1 wire types (draft-07, what the YAML
//! language server supports) and used to check a document before typed deserialisation.

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;

use super::v1;

/// The `$id`-less schema of spec v1 as JSON, generated from [`v1::Document`].
pub fn generate() -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<v1::Document>();
    let mut value = schema.to_value();
    strip_nullable(&mut value);
    value
}

/// Optional fields are written by leaving them out, never as `null`: drop the `null` that
/// schemars adds for `Option<T>` (serde still accepts it), so editors do not suggest `null`.
fn strip_nullable(value: &mut serde_json::Value) {
    use serde_json::Value as J;
    match value {
        J::Object(map) => {
            if map.get("default") == Some(&J::Null) {
                map.remove("default");
            }
            if let Some(J::Array(types)) = map.get("type") {
                let kept: Vec<J> = types.iter().filter(|t| *t != "null").cloned().collect();
                if kept.len() == 1 {
                    map.insert("type".into(), kept[0].clone());
                }
            }
            let null_branch = serde_json::json!({"type": "null"});
            if let Some(J::Array(branches)) = map.get("anyOf")
                && branches.len() == 2
                && branches.contains(&null_branch)
            {
                let other: Vec<J> = branches
                    .iter()
                    .filter(|b| **b != null_branch)
                    .cloned()
                    .collect();
                map.remove("anyOf");
                map.insert("allOf".into(), J::Array(other));
            }
            for v in map.values_mut() {
                strip_nullable(v);
            }
        }
        J::Array(items) => items.iter_mut().for_each(strip_nullable),
        _ => {}
    }
}

/// The schema as committed under `schemas/orgsync.v1.schema.json` (pretty, newline-terminated).
pub fn generate_pretty() -> String {
    let mut text = serde_json::to_string_pretty(&generate()).unwrap_or_default();
    text.push('\n');
    text
}

/// The generated schema, built once.
pub(super) fn cached() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(generate)
}

/// A compiled validator for the generated schema, built once. `None` only if the generated
/// schema itself were invalid (a bug caught by tests).
pub(super) fn validator() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::draft7::new(cached()).ok())
        .as_ref()
}

/// The subschema that applies at a JSON-pointer-like list of segments, following `$ref`,
/// `properties`, `additionalProperties`, `items` and the object branch of `anyOf`/`oneOf`.
pub(super) fn subschema<'a>(
    root: &'a serde_json::Value,
    segments: &[super::path::Segment],
) -> Option<&'a serde_json::Value> {
    use super::path::Segment;
    let mut node = resolve(root, root)?;
    for seg in segments {
        node = match seg {
            Segment::Key(k) => {
                let obj = object_branch(root, node)?;
                match obj.get("properties").and_then(|p| p.get(k)) {
                    Some(s) => s,
                    None => obj.get("additionalProperties")?,
                }
            }
            Segment::Index(_) => array_branch(root, node)?.get("items")?,
        };
        node = resolve(root, node)?;
    }
    Some(node)
}

fn resolve<'a>(
    root: &'a serde_json::Value,
    mut node: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    for _ in 0..16 {
        match node.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => node = root.pointer(r.strip_prefix('#')?)?,
            None => return Some(node),
        }
    }
    None
}

fn branch_with<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
    has: &str,
) -> Option<&'a serde_json::Value> {
    if node.get(has).is_some() {
        return Some(node);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = node.get(key).and_then(|b| b.as_array()) {
            for b in branches {
                if let Some(found) = resolve(root, b).and_then(|b| branch_with(root, b, has)) {
                    return Some(found);
                }
            }
        }
    }
    None
}

fn object_branch<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    branch_with(root, node, "properties")
        .or_else(|| branch_with(root, node, "additionalProperties"))
}

fn array_branch<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    branch_with(root, node, "items")
}

/// The property names allowed at a path (for "did you mean" hints).
pub(super) fn property_names(segments: &[super::path::Segment]) -> Vec<String> {
    let root = cached();
    subschema(root, segments)
        .and_then(|s| object_branch(root, s))
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The first sentence of the description at a path.
pub(super) fn description(segments: &[super::path::Segment]) -> Option<String> {
    let text = subschema(cached(), segments)?
        .get("description")?
        .as_str()?;
    let first = text
        .split(". ")
        .next()
        .unwrap_or(text)
        .trim_end_matches('.');
    Some(first.replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::path::Path;

    #[test]
    fn schema_is_draft07_with_title_and_closed_objects() {
        let schema = generate();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(schema["title"].as_str().unwrap().contains("orgsync"));
        assert_eq!(schema["additionalProperties"], false);
        assert!(validator().is_some());
    }

    #[test]
    fn subschema_follows_refs() {
        let names = property_names(Path::parse("spec.connection").segments());
        assert!(names.contains(&"direction".to_owned()));
        let names = property_names(Path::parse("spec.objects.Account.publish").segments());
        assert_eq!(names, ["fields", "exclude", "filter"]);
        assert!(
            description(Path::parse("spec.records.pollInterval").segments())
                .unwrap()
                .contains("poll")
        );
    }
}
