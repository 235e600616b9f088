//! The zip of a Metadata API deploy (metadata API format, `singlePackage`): `package.xml`,
//! `objects/X.object` holding the object's settings (custom objects) and its `<fields>`,
//! `classes/X.cls` and `triggers/X.trigger` with their `-meta.xml`. The layout is the Metadata
//! API guide's "Deploying and Retrieving Metadata" / `meta_deploy` page; the emulator's deploy
//! (src/emulator/http/metadata_deploy/package.rs) reads the same layout.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Map, Value};

use super::component::Component;

/// The Metadata API namespace of every metadata XML file.
const NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// The zip could not be built (an I/O error of the in-memory archive).
#[derive(Debug, thiserror::Error)]
#[error("the deploy package could not be built")]
pub struct PackageError(#[source] pub zip::result::ZipError);

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// Write `value` as the XML content of element `name` (arrays repeat the element).
fn element(out: &mut String, name: &str, value: &Value, indent: usize) {
    let pad = "    ".repeat(indent);
    match value {
        Value::Array(items) => {
            for item in items {
                element(out, name, item, indent);
            }
        }
        Value::Object(map) => {
            out.push_str(&format!("{pad}<{name}>\n"));
            elements(out, map, indent + 1);
            out.push_str(&format!("{pad}</{name}>\n"));
        }
        Value::Null => {}
        Value::String(s) => out.push_str(&format!("{pad}<{name}>{}</{name}>\n", escape(s))),
        other => out.push_str(&format!("{pad}<{name}>{other}</{name}>\n")),
    }
}

fn elements(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (k, v) in map {
        element(out, k, v, indent);
    }
}

/// A metadata XML document with root `root` and the settings of `map`.
pub fn document(root: &str, map: &Map<String, Value>) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NS}\">\n");
    elements(&mut out, map, 1);
    out.push_str(&format!("</{root}>\n"));
    out
}

/// `package.xml` listing every component by type.
pub fn manifest(components: &[&Component], api_version: &str) -> String {
    let mut by_kind: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in components {
        by_kind.entry(c.kind()).or_default().push(c.full_name());
    }
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"{NS}\">\n");
    for (kind, mut members) in by_kind {
        members.sort();
        members.dedup();
        out.push_str("    <types>\n");
        for m in members {
            out.push_str(&format!("        <members>{}</members>\n", escape(&m)));
        }
        out.push_str(&format!("        <name>{kind}</name>\n    </types>\n"));
    }
    out.push_str(&format!(
        "    <version>{}</version>\n</Package>\n",
        escape(api_version)
    ));
    out
}

/// Every file of the package: path → contents.
pub fn files(components: &[&Component], api_version: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("package.xml".to_owned(), manifest(components, api_version));
    // One `.object` file per object: its own settings when it is created, then its fields.
    let mut objects: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for c in components {
        match c {
            Component::CustomObject { name, .. } => {
                let entry = objects.entry(name.clone()).or_default();
                for (k, v) in c.metadata() {
                    entry.insert(k, v);
                }
            }
            Component::CustomField {
                object,
                field,
                metadata,
            } => {
                let mut f = Map::new();
                f.insert("fullName".into(), Value::String(field.clone()));
                f.extend(metadata.clone());
                let entry = objects.entry(object.clone()).or_default();
                match entry.get_mut("fields") {
                    Some(Value::Array(list)) => list.push(Value::Object(f)),
                    _ => {
                        entry.insert("fields".into(), Value::Array(vec![Value::Object(f)]));
                    }
                }
            }
            Component::ApexClass { name, body, .. } => {
                files.insert(format!("classes/{name}.cls"), body.clone());
                files.insert(
                    format!("classes/{name}.cls-meta.xml"),
                    document("ApexClass", &c.metadata()),
                );
            }
            Component::ApexTrigger { name, body, .. } => {
                if let Some(body) = body {
                    files.insert(format!("triggers/{name}.trigger"), body.clone());
                }
                files.insert(
                    format!("triggers/{name}.trigger-meta.xml"),
                    document("ApexTrigger", &c.metadata()),
                );
            }
        }
    }
    for (name, map) in objects {
        files.insert(
            format!("objects/{name}.object"),
            document("CustomObject", &map),
        );
    }
    files
}

/// The deploy zip of `components`.
pub fn zip(components: &[&Component], api_version: &str) -> Result<Vec<u8>, PackageError> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (path, text) in files(components, api_version) {
        w.start_file(path, options).map_err(PackageError)?;
        w.write_all(text.as_bytes())
            .map_err(|e| PackageError(zip::result::ZipError::Io(e)))?;
    }
    let cursor = w.finish().map_err(PackageError)?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::component::key_field_metadata;
    use serde_json::json;

    #[test]
    fn objects_carry_their_fields_and_apex_has_meta_files() {
        let field = Component::CustomField {
            object: "Account".into(),
            field: "OrgSync_Source_Id__c".into(),
            metadata: key_field_metadata(),
        };
        let trigger = Component::ApexTrigger {
            name: "T".into(),
            object: "Case".into(),
            body: Some("trigger T on Case (before update) { }".into()),
            status: "Inactive".into(),
            api_version: "62.0".into(),
        };
        let files = files(&[&field, &trigger], "62.0");
        let keys: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "objects/Account.object",
                "package.xml",
                "triggers/T.trigger",
                "triggers/T.trigger-meta.xml"
            ]
        );
        let object = &files["objects/Account.object"];
        assert!(object.contains("<fullName>OrgSync_Source_Id__c</fullName>"));
        assert!(object.contains("<externalId>true</externalId>"));
        assert!(files["triggers/T.trigger-meta.xml"].contains("<status>Inactive</status>"));
        let manifest = &files["package.xml"];
        assert!(manifest.contains("<members>Account.OrgSync_Source_Id__c</members>"));
        assert!(manifest.contains("<name>ApexTrigger</name>"));
    }

    #[test]
    fn xml_escapes_text_and_repeats_arrays() {
        let mut m = Map::new();
        m.insert("label".into(), json!("A & B <c>"));
        m.insert(
            "value".into(),
            json!([{"fullName": "x"}, {"fullName": "y"}]),
        );
        let doc = document("CustomField", &m);
        assert!(doc.contains("<label>A &amp; B &lt;c&gt;</label>"));
        assert_eq!(doc.matches("<value>").count(), 2);
    }

    #[test]
    fn the_zip_reads_back() {
        let class = Component::ApexClass {
            name: "OrderService".into(),
            body: "public class OrderService {}".into(),
            api_version: "62.0".into(),
        };
        let bytes = zip(&[&class], "62.0").unwrap();
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 3);
    }
}
