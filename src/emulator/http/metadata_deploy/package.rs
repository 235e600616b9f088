//! A deploy zip read into components: `package.xml` plus `triggers/X.trigger` (+ `-meta.xml`
//! with `<status>`), `classes/X.cls` (+ meta), `objects/Foo__c.object` (fields inside) or
//! source-format `objects/Obj/Obj.object-meta.xml` and `objects/Obj/fields/F.field-meta.xml`.
//! Anything else is kept as an unsupported component so the deploy reports it.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::emulator::metadata::Meta;
use crate::emulator::metadata::xml;

/// One component of the package.
#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    /// An Apex trigger or class (`kind` = `ApexTrigger` | `ApexClass`).
    Apex {
        kind: &'static str,
        name: String,
        body: Option<String>,
        meta: Meta,
        file: String,
    },
    /// A custom object (`Foo__c`) or a standard one carrying only fields.
    Object {
        name: String,
        meta: Meta,
        file: String,
    },
    /// A custom field `Object.Field__c`.
    Field {
        full_name: String,
        meta: Meta,
        file: String,
    },
    /// A file the emulator cannot deploy (or cannot read).
    Unsupported { file: String, problem: String },
}

impl Component {
    /// `componentType` as deploy results name it.
    pub fn kind(&self) -> &str {
        match self {
            Component::Apex { kind, .. } => kind,
            Component::Object { .. } => "CustomObject",
            Component::Field { .. } => "CustomField",
            Component::Unsupported { .. } => "",
        }
    }

    /// `fullName`.
    pub fn full_name(&self) -> String {
        match self {
            Component::Apex { name, .. } | Component::Object { name, .. } => name.clone(),
            Component::Field { full_name, .. } => full_name.clone(),
            Component::Unsupported { file, .. } => file.clone(),
        }
    }

    /// `fileName`.
    pub fn file(&self) -> &str {
        match self {
            Component::Apex { file, .. }
            | Component::Object { file, .. }
            | Component::Field { file, .. }
            | Component::Unsupported { file, .. } => file,
        }
    }
}

/// Why a zip cannot be deployed at all.
pub type PackageError = String;

/// Read every component of `zip`.
pub fn read(zip: &[u8]) -> Result<Vec<Component>, PackageError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip))
        .map_err(|_| "The deploy file is not a readable zip archive".to_owned())?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive
            .by_index(i)
            .map_err(|_| "The deploy zip has an unreadable entry".to_owned())?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map_err(|_| "The deploy zip has an entry with an unreadable name".to_owned())?
            .into_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)
            .map_err(|_| format!("The deploy zip entry {name} cannot be read"))?;
        files.insert(name, bytes);
    }
    // singlePackage false: one folder (`unpackaged/`) holds package.xml.
    let root = files
        .keys()
        .find(|k| k.rsplit('/').next() == Some("package.xml"))
        .map(|k| k.trim_end_matches("package.xml").to_owned())
        .ok_or_else(|| "No package.xml found".to_owned())?;
    let files: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix(&root).map(|k| (k.to_owned(), v)))
        .collect();
    let text = |k: &str| {
        files
            .get(k)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let meta_of = |k: &str| -> Result<Meta, String> {
        match files.get(k) {
            Some(b) => xml::parse(b)
                .map(|(_, m)| m)
                .map_err(|e| format!("{k}: {e}")),
            None => Ok(Meta::default()),
        }
    };
    let mut out = Vec::new();
    for (path, bytes) in &files {
        if path == "package.xml" {
            if let Err(e) = xml::parse(bytes) {
                return Err(format!("package.xml: {e}"));
            }
            continue;
        }
        let parts: Vec<&str> = path.split('/').collect();
        let unsupported = |problem: String| Component::Unsupported {
            file: path.clone(),
            problem,
        };
        let component = match parts.as_slice() {
            [dir @ ("triggers" | "classes"), file] if !file.ends_with("-meta.xml") => {
                let (kind, ext) = if *dir == "triggers" {
                    ("ApexTrigger", ".trigger")
                } else {
                    ("ApexClass", ".cls")
                };
                match file.strip_suffix(ext) {
                    Some(name) => match meta_of(&format!("{path}-meta.xml")) {
                        Ok(meta) => Component::Apex {
                            kind,
                            name: name.to_owned(),
                            body: text(path),
                            meta,
                            file: path.clone(),
                        },
                        Err(e) => unsupported(e),
                    },
                    None => unsupported(format!("Unexpected file {path}")),
                }
            }
            [dir @ ("triggers" | "classes"), file] => {
                let ext = if *dir == "triggers" {
                    ".trigger-meta.xml"
                } else {
                    ".cls-meta.xml"
                };
                let source = path.trim_end_matches("-meta.xml");
                match file.strip_suffix(ext) {
                    // Metadata only (a status change): deploy it as the component.
                    Some(name) if !files.contains_key(source) => match meta_of(path) {
                        Ok(meta) => Component::Apex {
                            kind: if *dir == "triggers" {
                                "ApexTrigger"
                            } else {
                                "ApexClass"
                            },
                            name: name.to_owned(),
                            body: None,
                            meta,
                            file: path.clone(),
                        },
                        Err(e) => unsupported(e),
                    },
                    Some(_) => continue,
                    None => unsupported(format!("Unexpected file {path}")),
                }
            }
            ["objects", file] if file.ends_with(".object") => {
                let name = file.trim_end_matches(".object").to_owned();
                match meta_of(path) {
                    Ok(meta) => {
                        for f in meta.list("fields") {
                            if let Some(m) = f.as_object() {
                                let m = Meta(m.clone());
                                let field = m.text("fullName").unwrap_or_default();
                                out.push(Component::Field {
                                    full_name: format!("{name}.{field}"),
                                    meta: m,
                                    file: path.clone(),
                                });
                            }
                        }
                        Component::Object {
                            name,
                            meta,
                            file: path.clone(),
                        }
                    }
                    Err(e) => unsupported(e),
                }
            }
            ["objects", object, file] if file.ends_with(".object-meta.xml") => {
                match meta_of(path) {
                    Ok(meta) => Component::Object {
                        name: (*object).to_owned(),
                        meta,
                        file: path.clone(),
                    },
                    Err(e) => unsupported(e),
                }
            }
            ["objects", object, "fields", file] if file.ends_with(".field-meta.xml") => {
                match meta_of(path) {
                    Ok(meta) => Component::Field {
                        full_name: format!("{object}.{}", file.trim_end_matches(".field-meta.xml")),
                        meta,
                        file: path.clone(),
                    },
                    Err(e) => unsupported(e),
                }
            }
            _ => unsupported(format!(
                "The emulator does not deploy this kind of component ({path}); supported: triggers, classes, objects and fields"
            )),
        };
        out.push(component);
    }
    // Objects before their fields, schema before the Apex that may use it.
    out.sort_by_key(|c| match c {
        Component::Object { .. } => 0,
        Component::Field { .. } => 1,
        Component::Apex { .. } => 2,
        Component::Unsupported { .. } => 3,
    });
    Ok(out)
}
