//! Name resolution: field paths of a parsed query against the org's describe, to canonical
//! names, lookup hops and comparison kinds.

use super::ast::Path;
use super::error::SoqlError;
use super::value::Kind;
use crate::emulator::model::{FieldType, ObjectDef, Org, Record};

/// One parent hop: follow the lookup `field` (`AccountId`) whose relationship is `rel`
/// (`Account`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub field: String,
    pub rel: String,
}

/// A resolved field path.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    /// Parent lookups to follow, in order.
    pub hops: Vec<Hop>,
    /// Canonical name of the field on the last object.
    pub field: String,
    pub ftype: FieldType,
    pub kind: Kind,
}

impl FieldRef {
    /// A field of the queried object itself.
    pub fn local(def: &crate::emulator::model::FieldDef) -> Self {
        Self {
            hops: Vec::new(),
            field: def.name.clone(),
            ftype: def.ftype,
            kind: Kind::of(def.ftype),
        }
    }

    /// The canonical dotted path (`Account.Name`).
    pub fn dotted(&self) -> String {
        let mut s = String::new();
        for h in &self.hops {
            s.push_str(&h.rel);
            s.push('.');
        }
        s.push_str(&self.field);
        s
    }

    /// The record holding the field: `rec` itself or the parent reached through the hops.
    pub fn holder<'a>(&self, org: &'a Org, rec: &'a Record) -> Option<&'a Record> {
        let mut cur = rec;
        for h in &self.hops {
            let id = cur.get(&h.field)?.as_str()?;
            cur = org.record(id)?;
        }
        Some(cur)
    }

    /// The value of this path on `rec` (`None` for an empty lookup or an absent field).
    pub fn value<'a>(&self, org: &'a Org, rec: &'a Record) -> Option<&'a serde_json::Value> {
        if self.hops.is_empty() {
            return rec.get(&self.field);
        }
        self.holder(org, rec)?.get(&self.field)
    }
}

/// The object a lookup field points to: the first of its targets the org knows.
pub fn lookup_target<'a>(
    org: &'a Org,
    field: &crate::emulator::model::FieldDef,
) -> Option<&'a ObjectDef> {
    field.reference_to.iter().find_map(|t| org.object(t))
}

/// Resolve `path` against `obj`.
pub fn resolve_path(
    org: &Org,
    obj: &ObjectDef,
    path: &Path,
    text: &str,
) -> Result<FieldRef, SoqlError> {
    let mut parts: &[String] = &path.parts;
    // `SELECT Account.Name FROM Account` — a leading object name is allowed.
    if parts.len() > 1
        && parts[0].eq_ignore_ascii_case(&obj.name)
        && obj.relationship(&parts[0]).is_none()
    {
        parts = &parts[1..];
    }
    let mut cur = obj;
    let mut hops = Vec::new();
    let Some((last, rels)) = parts.split_last() else {
        return Err(SoqlError::unexpected(text, path.pos, ""));
    };
    for rel in rels {
        let Some(f) = cur.relationship(rel) else {
            return Err(SoqlError::bad_relationship(text, path.pos, rel));
        };
        let Some(target) = lookup_target(org, f) else {
            return Err(SoqlError::bad_relationship(text, path.pos, rel));
        };
        hops.push(Hop {
            field: f.name.clone(),
            rel: f.relationship_name.clone().unwrap_or_else(|| rel.clone()),
        });
        cur = target;
    }
    let Some(def) = cur.field(last) else {
        return Err(SoqlError::no_such_column(text, path.pos, last, &cur.name));
    };
    Ok(FieldRef {
        hops,
        field: def.name.clone(),
        ftype: def.ftype,
        kind: Kind::of(def.ftype),
    })
}
