//! The diagnostic model: one problem in a spec file, located by path and by line and column.

use serde::Serialize;

use super::path::Path;

/// How bad a problem is. Errors make the spec invalid; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The spec is invalid.
    Error,
    /// The spec is valid but probably not what was meant.
    Warning,
}

/// A position in the source: 1-based line and column (in characters) and a length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Length of the highlighted text in characters (at least 1).
    pub length: usize,
}

/// One problem found in a spec file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable kebab-case code (`unknown-key`, `literal-secret`, …).
    pub code: &'static str,
    /// What is wrong, in one sentence. Never contains a secret value.
    pub message: String,
    /// The dotted path of the offending node (empty for whole-file problems).
    #[serde(serialize_with = "serialize_path")]
    pub path: Path,
    /// Where in the file; `None` only when the file could not be read at all.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// How to fix it (e.g. "did you mean `direction`?").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Whether the highlighted source text is a secret: renderers must mask it.
    #[serde(skip)]
    pub mask_source: bool,
    /// Whether the position points at the key of `path` rather than its value.
    #[serde(skip)]
    pub at_key: bool,
    /// A (character offset, length) inside the string value at `path` (SOQL filter errors).
    #[serde(skip)]
    pub inner: Option<(usize, usize)>,
}

fn serialize_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    if path.is_root() {
        s.serialize_str("")
    } else {
        s.collect_str(path)
    }
}

impl Diagnostic {
    /// A new error at `path`, located later from the document's span index.
    pub fn error(code: &'static str, path: Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            path,
            position: None,
            hint: None,
            mask_source: false,
            at_key: false,
            inner: None,
        }
    }

    /// A new warning at `path`.
    pub fn warning(code: &'static str, path: Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, path, message)
        }
    }

    /// Attach a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attach an explicit position.
    #[must_use]
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    /// Point at the key of `path` (unknown keys, duplicate entries) instead of its value.
    #[must_use]
    pub fn on_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    /// Point inside the string value: `offset` characters in, `len` long.
    #[must_use]
    pub fn inside(mut self, offset: usize, len: usize) -> Self {
        self.inner = Some((offset, len));
        self
    }

    /// Mark the highlighted source as secret: renderers mask it.
    #[must_use]
    pub fn masked(mut self) -> Self {
        self.mask_source = true;
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Everything `validate` learned about one file: its name, its text (when it could be read)
/// and every problem, sorted by position.
#[derive(Debug, Clone)]
pub struct Report {
    /// The file name as the user gave it.
    pub file: String,
    /// The file's text, when it was readable UTF-8 (used to show source lines).
    pub source: Option<String>,
    /// All problems, sorted by (line, column), errors before warnings at the same place.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Build a report, sorting and de-duplicating the diagnostics.
    pub fn new(
        file: impl Into<String>,
        source: Option<String>,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Self {
        diagnostics.sort_by(|a, b| {
            let pa = a.position.map(|p| (p.line, p.column));
            let pb = b.position.map(|p| (p.line, p.column));
            pa.cmp(&pb)
                .then(a.severity.cmp(&b.severity))
                .then(a.code.cmp(b.code))
                .then(a.message.cmp(&b.message))
        });
        diagnostics.dedup_by(|a, b| {
            a.position == b.position && a.code == b.code && a.message == b.message
        });
        Self {
            file: file.into(),
            source,
            diagnostics,
        }
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// Valid means no errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.error_count() == 0
    }
}
