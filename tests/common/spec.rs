//! Helpers for spec tests: load examples, validate text in-process, plain-text rendering.
#![allow(dead_code)]

use orgsync::spec::{self, Report};

/// The text of an example.
pub fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/examples/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Validate spec text in-process.
pub fn check(text: &str) -> Report {
    spec::check_source("orgsync.yaml", text.to_owned(), std::path::Path::new(".")).report
}

/// The codes of all diagnostics.
pub fn codes(report: &Report) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// Text rendering without ANSI styles.
pub fn text(report: &Report) -> String {
    anstream::adapter::strip_str(&orgsync::output::diagnostics::render_text(report)).to_string()
}

/// `text` with `from` replaced by `to` exactly once (panics when `from` is absent).
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture does not contain {from:?}");
    text.replacen(from, to, 1)
}
