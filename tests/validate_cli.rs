//! Real binary runs of `orgsync validate`: exit codes, stdout/stderr split, and hostile input.

#[path = "common/spec.rs"]
mod spec_common;

use assert_cmd::Command;
use spec_common::{edit, example};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn validate_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("orgsync")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("validate")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn validate_bytes(bytes: &[u8], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orgsync.yaml"), bytes).unwrap();
    validate_in(dir.path(), args)
}

#[test]
fn valid_examples_exit_zero_with_a_verdict_on_stdout() {
    let root = env!("CARGO_MANIFEST_DIR");
    for ex in ["continuity-one-way", "two-way-field-maps", "partner-inbox"] {
        let run = validate_in(
            std::path::Path::new(root),
            &["-f", &format!("examples/{ex}.yaml")],
        );
        assert_eq!(run.code, 0, "{ex}: {}", run.stderr);
        assert_eq!(run.stdout, format!("✓ examples/{ex}.yaml is valid\n"));
        assert_eq!(run.stderr, "");
    }
}

#[test]
fn invalid_spec_text_goes_to_stderr_without_ansi() {
    let run = validate_bytes(
        edit(
            &example("two-way-field-maps"),
            "    direction: two-way",
            "    directon: two-way",
        )
        .as_bytes(),
        &[],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "error: unknown key `directon` in spec.connection\n  --> orgsync.yaml:28:5\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("   |     ^^^^^^^^ did you mean `direction`?")
    );
    assert!(!run.stderr.contains('\u{1b}'));
}

#[test]
fn json_and_github_go_to_stdout() {
    let bad = edit(
        &example("two-way-field-maps"),
        "pollInterval: 1m",
        "pollInterval: 1s",
    );
    let run = validate_bytes(bad.as_bytes(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["formatVersion"], 1);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["diagnostics"][0]["code"], "poll-interval-too-short");
    let run = validate_bytes(bad.as_bytes(), &["--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("::error file=orgsync.yaml,line="),
        "{}",
        run.stdout
    );
    let ok = validate_bytes(example("partner-inbox").as_bytes(), &["--format", "json"]);
    assert_eq!(ok.code, 0);
    assert!(ok.stdout.contains("\"valid\": true"));
}

#[test]
fn warnings_alone_exit_zero() {
    let warn = edit(
        &example("two-way-field-maps"),
        "    Contact:\n",
        "    FeedItem:\n",
    );
    let run = validate_bytes(warn.as_bytes(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "✓ orgsync.yaml is valid (1 warning)\n");
    assert!(run.stderr.starts_with("warning: "));
}

fn assert_clear_error(run: &Run, code: &str) {
    assert_eq!(run.code, 1, "{code}: {}", run.stderr);
    assert!(run.stderr.contains("error: "), "{code}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{code}: {}", run.stderr);
    let json_hint = run.stderr.lines().any(|l| l.contains(&format!("[{code}]")));
    assert!(json_hint, "expected code {code} in:\n{}", run.stderr);
}

#[test]
fn hostile_files_are_clear_errors() {
    assert_clear_error(&validate_bytes(b"", &[]), "empty-file");
    assert_clear_error(&validate_bytes(b"# only\n# comments\n", &[]), "empty-file");
    assert_clear_error(
        &validate_bytes(b"apiVersion: orgsync.dev/v1\nkind: \xff\xfe\n", &[]),
        "not-utf8",
    );
    assert_clear_error(&validate_bytes(b"spec:\n\torgs: {}\n", &[]), "yaml-syntax");
    assert_clear_error(
        &validate_bytes(b"kind: OrgSync\nkind: OrgSync\n", &[]),
        "duplicate-key",
    );
    let deep = format!("spec: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    assert_clear_error(&validate_bytes(deep.as_bytes(), &[]), "yaml-too-complex");
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9 {
        let p = if i == 0 {
            "a".to_owned()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    assert_clear_error(&validate_bytes(bomb.as_bytes(), &[]), "yaml-too-complex");
    let big = "# padding\n".repeat(2_000_000);
    assert_clear_error(&validate_bytes(big.as_bytes(), &[]), "file-too-large");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("orgsync.yaml")).unwrap();
    assert_clear_error(&validate_in(dir.path(), &[]), "not-a-file");
    assert_clear_error(
        &validate_in(dir.path(), &["-f", "missing.yaml"]),
        "file-not-found",
    );
}

#[test]
fn literal_secrets_are_never_echoed() {
    let secret = "Zq9-literal-SECRET-value-7781";
    let text = edit(
        &example("two-way-field-maps"),
        "clientSecret: {env: SECONDARY_CLIENT_SECRET}",
        &format!("clientSecret: {secret}"),
    );
    let text = edit(
        &text,
        "postgres://orgsync@db.internal",
        "postgres://orgsync:pw-Zq9-hidden@db.internal",
    );
    for format in ["text", "json", "github"] {
        let run = validate_bytes(text.as_bytes(), &["--format", format]);
        assert_eq!(run.code, 1);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains("literal-secret") || all.contains("literal secret"),
            "{format}: {all}"
        );
        assert!(
            !all.contains(secret) && !all.contains("pw-Zq9-hidden"),
            "{format} echoed a secret:\n{all}"
        );
    }
}

#[test]
fn usage_errors_exit_one() {
    let run = validate_bytes(b"x: 1\n", &["--format", "xml"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("xml"));
}
