//! The spec file: wire types per version, YAML loading with spans, JSON Schema, compile to a
//! validated [`Spec`].
//!
//! The pipeline ([`check_file`] / [`check_source`]), every stage collecting all its problems:
//! 1. [`load`] reads the file (size cap, directory, UTF-8) and parses YAML with budgets into a
//!    spanned [`node`] tree; 2. `apiVersion` dispatch (only [`v1`] so far); 3. [`secrets_scan`]
//!    reports literal secrets and removes them; 4. [`schema_check`] validates against the
//!    generated [`schema`]; 5. [`compile`] deserialises the [`v1`] wire types part by part and
//!    runs the [`rules`], producing the validated [`model::Spec`]. A problem is reported by the
//!    earliest stage that sees it, never twice.
//!
//! | module | holds |
//! |---|---|
//! | [`load`], [`node`], [`path`] | reading, the spanned YAML tree, dotted paths |
//! | [`diagnostic`], [`hint`] | the diagnostic model, "did you mean" |
//! | [`v1`] | wire types of `orgsync.dev/v1` (doc comments = schema descriptions) |
//! | [`schema`], [`schema_check`] | schema generation, validation and error wording |
//! | [`secrets_scan`], [`secret`] | literal-secret rejection; secret references and `resolve()` |
//! | [`compile`], [`rules`], [`model`] | semantic rules and the validated spec |
//! | [`duration`], [`date_literal`], [`soql_filter`] | small strict parsers |

pub mod compile;
pub mod date_literal;
pub mod diagnostic;
pub mod duration;
pub mod hint;
pub mod load;
pub mod model;
pub mod node;
pub mod path;
pub mod rules;
pub mod schema;
pub mod schema_check;
pub mod secret;
pub mod secrets_scan;
pub mod soql_filter;
pub mod v1;

pub use diagnostic::{Diagnostic, Position, Report, Severity};
pub use model::{KEY_FIELD, Spec};
pub use secret::{SecretError, SecretRef};

use node::Node;
use path::Path;

/// The `apiVersion`s this build understands.
pub const SUPPORTED_VERSIONS: [&str; 1] = [v1::API_VERSION];

/// The result of checking one spec file.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every problem, located and sorted.
    pub report: Report,
    /// The validated spec, when there are no errors.
    pub spec: Option<Spec>,
}

/// Check the spec file at `path` (shown to the user as `display`).
pub fn check_file(path: &std::path::Path, display: &str) -> Outcome {
    match load::read_source(path) {
        Ok(source) => {
            let base = path
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            check_source(display, source, &base)
        }
        Err(load::Unreadable { diagnostic, lossy }) => Outcome {
            report: Report::new(display, lossy, vec![*diagnostic]),
            spec: None,
        },
    }
}

/// Check spec text. `base` is the directory relative `{file: …}` references start from.
pub fn check_source(display: &str, source: String, base: &std::path::Path) -> Outcome {
    let root = match load::parse(&source) {
        Ok(root) => root,
        Err(d) => {
            return Outcome {
                report: Report::new(display, Some(source), vec![*d]),
                spec: None,
            };
        }
    };
    let (diagnostics, spec) = run(&root, base);
    let diagnostics = diagnostics
        .into_iter()
        .map(|d| locate(d, &root, &source))
        .collect();
    Outcome {
        report: Report::new(display, Some(source), diagnostics),
        spec,
    }
}

fn run(root: &Node, base: &std::path::Path) -> (Vec<Diagnostic>, Option<Spec>) {
    let mut json = root.to_json();
    if !json.is_object() {
        let d = Diagnostic::error(
            "not-a-mapping",
            Path::root(),
            format!("the spec must be a mapping, not {}", root.value.kind_name()),
        )
        .with_hint("start with `apiVersion: orgsync.dev/v1` and `kind: OrgSync`");
        return (vec![d], None);
    }
    if let Some(version) = json.get("apiVersion")
        && version.as_str() != Some(v1::API_VERSION)
    {
        let shown = version
            .as_str()
            .filter(|s| s.len() <= 40)
            .map_or_else(|| "this apiVersion".to_owned(), |s| format!("`{s}`"));
        let d = Diagnostic::error(
            "unknown-api-version",
            Path::root().key("apiVersion"),
            format!("{shown} is not a supported spec version"),
        )
        .with_hint(format!(
            "supported versions: {}",
            hint::list(&SUPPORTED_VERSIONS.map(str::to_owned))
        ));
        return (vec![d], None);
    }
    let mut diagnostics = secrets_scan::scan(root, &mut json);
    diagnostics.extend(schema_check::check(&json));
    // Drop what the schema rejected (where that leaves the parent intact), so the other parts
    // still deserialise and the semantic rules still see them.
    for d in diagnostics.iter().filter(|d| d.code != "literal-secret") {
        remove(&mut json, &d.path);
    }
    let (spec, semantic) = compile::compile(&json, base);
    let earlier: Vec<Path> = diagnostics.iter().map(|d| d.path.clone()).collect();
    diagnostics.extend(semantic.into_iter().filter(|d| {
        !earlier
            .iter()
            .any(|p| d.path.segments().starts_with(p.segments()))
    }));
    (diagnostics, spec)
}

fn remove(json: &mut serde_json::Value, path: &Path) {
    let Some((path::Segment::Key(last), parent)) = path.segments().split_last() else {
        return;
    };
    let mut node = json;
    for seg in parent {
        let next = match seg {
            path::Segment::Key(k) => node.get_mut(k),
            path::Segment::Index(i) => node.get_mut(*i),
        };
        let Some(next) = next else { return };
        node = next;
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

fn locate(mut d: Diagnostic, root: &Node, source: &str) -> Diagnostic {
    if d.position.is_some() {
        return d;
    }
    let mut pos = root.locate(&d.path, d.at_key);
    if d.mask_source {
        // Do not reveal a secret's length.
        pos.length = 1;
    }
    if let (Some((offset, len)), Some((_, node))) = (d.inner, root.find(&d.path))
        && let node::Value::Str(text) = &node.value
    {
        let line = source.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
        let rest: String = line.chars().skip(pos.column.saturating_sub(1)).collect();
        let adj = usize::from(rest.starts_with(['"', '\'']));
        let on_one_line = rest
            .chars()
            .skip(adj)
            .collect::<String>()
            .starts_with(text.as_str());
        if on_one_line {
            pos.column += adj + offset;
            pos.length = len.max(1);
        }
    }
    d.position = Some(pos);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_validate() {
        for name in ["continuity-one-way", "two-way-field-maps", "partner-inbox"] {
            let path = std::path::PathBuf::from(format!(
                "{}/examples/{name}.yaml",
                env!("CARGO_MANIFEST_DIR")
            ));
            let outcome = check_file(&path, name);
            assert!(
                outcome.report.diagnostics.is_empty(),
                "{name}: {:#?}",
                outcome.report.diagnostics
            );
            assert!(outcome.spec.is_some());
        }
    }
}
