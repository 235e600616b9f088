//! Reading a spec file and parsing its YAML — the only place that knows the spec is YAML.
//!
//! Every failure becomes a located [`Diagnostic`]: a missing file, a directory, a file over
//! [`MAX_FILE_BYTES`], bytes that are not UTF-8, YAML syntax, tabs, duplicate keys, and documents
//! that blow the parser budget (alias bombs, deep nesting). Reads are capped, so even `/dev/zero`
//! or a 20 MB file costs at most [`MAX_FILE_BYTES`] of memory.

use std::io::Read;

use serde_saphyr::{Budget, DuplicateKeyPolicy, MessageFormatter, Options};

use super::diagnostic::{Diagnostic, Position};
use super::node::{Node, Value, parse_tree};
use super::path::Path;

/// The largest spec file accepted. Real specs are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Deepest nesting accepted; the v1 spec needs six levels.
const MAX_DEPTH: usize = 32;

/// A file that could not be turned into text: the diagnostic, and the lossy text when the
/// bytes were readable but not UTF-8.
#[derive(Debug)]
pub struct Unreadable {
    /// What went wrong.
    pub diagnostic: Box<Diagnostic>,
    /// The text with invalid bytes replaced, for showing the source line.
    pub lossy: Option<String>,
}

fn fail(diagnostic: Diagnostic, lossy: Option<String>) -> Unreadable {
    Unreadable {
        diagnostic: Box::new(diagnostic),
        lossy,
    }
}

/// Read a file's text, turning every I/O problem into a diagnostic. On non-UTF-8 input the
/// diagnostic carries a position and the lossy text is returned for display.
pub fn read_source(path: &std::path::Path) -> Result<String, Unreadable> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(fail(
                Diagnostic::error(
                    "file-not-found",
                    Path::root(),
                    format!("cannot read `{shown}`: no such file"),
                )
                .with_hint("pass the spec file with `-f FILE` (the default is `orgsync.yaml`)"),
                None,
            ));
        }
        Err(err) => return Err(fail(unreadable(path, &err), None)),
    };
    if meta.is_dir() {
        return Err(fail(
            Diagnostic::error(
                "not-a-file",
                Path::root(),
                format!("`{shown}` is a directory, not a spec file"),
            )
            .with_hint("pass the YAML file inside it with `-f DIR/orgsync.yaml`"),
            None,
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(too_large(path), None));
    }
    let file = std::fs::File::open(path).map_err(|err| fail(unreadable(path, &err), None))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| fail(unreadable(path, &err), None))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(too_large(path), None));
    }
    decode(bytes)
}

/// Decode bytes as UTF-8 (a leading BOM is dropped); on failure report the first bad byte.
pub fn decode(bytes: Vec<u8>) -> Result<String, Unreadable> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text)),
        Err(err) => {
            let bytes = err.as_bytes();
            let good = err.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..good]);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            Err(fail(
                Diagnostic::error(
                    "not-utf8",
                    Path::root(),
                    format!("the file is not valid UTF-8 (first bad byte at offset {good})"),
                )
                .with_hint("save the spec as UTF-8 text")
                .at(Position {
                    line,
                    column,
                    length: 1,
                }),
                Some(lossy),
            ))
        }
    }
}

fn unreadable(path: &std::path::Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "unreadable-file",
        Path::root(),
        format!("cannot read `{}`: {err}", path.display()),
    )
}

fn too_large(path: &std::path::Path) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        Path::root(),
        format!(
            "`{}` is larger than {} KiB; a spec file is a few kilobytes",
            path.display(),
            MAX_FILE_BYTES / 1024
        ),
    )
    .with_hint("check that `-f` points at the spec, not at a data file")
}

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_aliases = 200;
    budget.max_anchors = 200;
    budget.max_nodes = 50_000;
    budget.max_events = 200_000;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    budget.max_recorded_anchor_events = 10_000;
    budget.max_merge_keys = 100;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.strict_booleans = true;
    options.with_snippet = false;
    options.alias_limits.max_total_replayed_events = 10_000;
    options.alias_limits.max_alias_expansions_per_anchor = 100;
    options
}

/// Whether the text holds nothing but blank lines and comments.
fn is_blank(source: &str) -> bool {
    source
        .lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "...")
}

/// Parse YAML text into a spanned tree, or one located diagnostic.
pub fn parse(source: &str) -> Result<Node, Box<Diagnostic>> {
    if is_blank(source) {
        return Err(Box::new(empty()));
    }
    let node = parse_tree(source, options()).map_err(|err| Box::new(yaml_error(source, &err)))?;
    if node.value == Value::Null {
        return Err(Box::new(empty()));
    }
    Ok(node)
}

fn empty() -> Diagnostic {
    Diagnostic::error("empty-file", Path::root(), "the spec file has no content")
        .with_hint("start from an example: `apiVersion: orgsync.dev/v1`, `kind: OrgSync`, `metadata`, `spec`")
        .at(Position { line: 1, column: 1, length: 1 })
}

fn yaml_error(source: &str, err: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let mut inner = err;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let raw = serde_saphyr::DefaultMessageFormatter.format_message(inner);
    // Never let control characters from the input reach a terminal.
    let message: String = raw
        .chars()
        .flat_map(char::escape_debug)
        .collect::<String>()
        .replace("\\'", "'")
        .replace("\\\"", "\"");
    let code = match inner {
        E::DuplicateMappingKey { .. } => "duplicate-key",
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => "yaml-too-complex",
        E::MultipleDocuments { .. } => "multiple-documents",
        _ if message.contains("recursion limit") || message.contains("nesting") => {
            "yaml-too-complex"
        }
        _ => "yaml-syntax",
    };
    let position = err.location().filter(|l| l.line() > 0).map(|l| Position {
        line: usize::try_from(l.line()).unwrap_or(1),
        column: usize::try_from(l.column()).unwrap_or(1).max(1),
        length: 1,
    });
    let position = position.unwrap_or(Position {
        line: 1,
        column: 1,
        length: 1,
    });
    let line_text = source
        .lines()
        .nth(position.line.saturating_sub(1))
        .unwrap_or("");
    let hint = match code {
        "duplicate-key" => Some(
            "each key may appear once per mapping; remove or merge the repeated one".to_owned(),
        ),
        "yaml-too-complex" => Some(format!(
            "a spec needs no more than a few anchors and aliases and at most {MAX_DEPTH} levels of nesting"
        )),
        "multiple-documents" => {
            Some("a spec file holds one YAML document; remove the extra `---`".to_owned())
        }
        _ if line_text.trim_end().starts_with([' ', '\t']) && line_text.contains('\t')
            || source.lines().any(|l| l.starts_with('\t')) =>
        {
            Some("indent with spaces: YAML does not allow tabs for indentation".to_owned())
        }
        _ => None,
    };
    let mut d =
        Diagnostic::error(code, Path::root(), format!("invalid YAML: {message}")).at(position);
    if let Some(hint) = hint {
        d = d.with_hint(hint);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let src = "a: 1\nb:\n  c: hello\n  d: [x, y]\n";
        let root = parse(src).unwrap();
        let (key, node) = root.find(&Path::parse("b.c")).unwrap();
        let key = key.unwrap();
        assert_eq!((key.pos.line, key.pos.column), (3, 3));
        assert_eq!((node.pos.line, node.pos.column), (3, 6));
        assert_eq!(node.pos.length, 5);
        let (_, item) = root.find(&Path::parse("b.d[1]")).unwrap();
        assert_eq!((item.pos.line, item.pos.column), (4, 10));
    }

    #[test]
    fn scalars_keep_yaml_types() {
        let root = parse("v: 62.0\ns: \"62.0\"\nd: 2025-11-21\nb: yes\nt: true\nn:\n").unwrap();
        let json = root.to_json();
        assert_eq!(json["v"], serde_json::json!(62.0));
        assert_eq!(json["s"], "62.0");
        assert_eq!(json["d"], "2025-11-21");
        assert_eq!(json["b"], "yes");
        assert_eq!(json["t"], true);
        assert!(json["n"].is_null());
    }

    #[test]
    fn duplicate_keys_and_tabs_are_located_errors() {
        let dup = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(dup.code, "duplicate-key");
        assert_eq!(dup.position.unwrap().line, 3);
        let tab = parse("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(tab.code, "yaml-syntax");
        assert!(tab.hint.unwrap().contains("tabs"));
    }

    #[test]
    fn empty_and_comment_only_files_are_errors() {
        assert_eq!(parse("").unwrap_err().code, "empty-file");
        assert_eq!(
            parse("# nothing\n\n# here\n").unwrap_err().code,
            "empty-file"
        );
        assert_eq!(parse("~\n").unwrap_err().code, "empty-file");
    }

    #[test]
    fn alias_bomb_and_deep_nesting_are_bounded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&bomb).unwrap_err();
        assert_eq!(err.code, "yaml-too-complex", "{err:?}");
        let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert!(parse(&deep).is_err());
        let mut block = String::new();
        for i in 0..20_000 {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        assert!(parse(&block).is_err());
    }

    #[test]
    fn bad_utf8_is_located() {
        let Unreadable {
            diagnostic: d,
            lossy,
        } = decode(b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert_eq!(d.code, "not-utf8");
        assert_eq!(d.position.unwrap().line, 2);
        assert_eq!(d.position.unwrap().column, 4);
        assert!(lossy.is_some());
    }
}
