//! A generated corpus of malformed variants of the examples (deleted, renamed and retyped keys,
//! bad values, literal secrets, YAML damage). For each variant, in-process through the library:
//! no panic; the expected verdict for its mutation kind; every diagnostic located (line:col
//! inside the file) and rendered with `--> orgsync.yaml:L:C`; and no injected secret in any
//! rendering (text, JSON, GitHub).

#[path = "common/spec.rs"]
mod spec_common;

use orgsync::output::diagnostics::{render_github, to_json};
use orgsync::spec::load::parse;
use orgsync::spec::node::{Node, Value};
use spec_common::{check, example, text};

/// What a mutation kind must produce.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Exit 1.
    Invalid,
    /// Either verdict (the mutation may leave a valid spec, e.g. dropping an optional key).
    Either,
}

struct Variant {
    kind: &'static str,
    text: String,
    expect: Expect,
    secrets: Vec<String>,
}

/// A key in an example: its dotted path, line (1-based), column, and whether its value is a
/// scalar, and whether its parent is a free map (object names, fieldMap, overrides).
struct KeyInfo {
    path: Vec<String>,
    line: usize,
    col: usize,
    scalar: Option<String>,
    block: bool,
    free_parent: bool,
}

fn keys(node: &Node, path: &mut Vec<String>, out: &mut Vec<KeyInfo>) {
    if let Value::Map(entries) = &node.value {
        let free = matches!(
            path.last().map(String::as_str),
            Some("objects" | "fieldMap" | "overrides")
        );
        for (k, v) in entries {
            path.push(k.name.clone());
            out.push(KeyInfo {
                path: path.clone(),
                line: k.pos.line,
                col: k.pos.column,
                scalar: match &v.value {
                    Value::Str(s) => Some(s.clone()),
                    Value::Int(i) => Some(i.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                },
                block: v.pos.line > k.pos.line,
                free_parent: free,
            });
            keys(v, path, out);
            path.pop();
        }
    }
}

/// Keys whose absence makes the spec invalid.
const REQUIRED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "spec",
    "orgs",
    "primary",
    "secondary",
    "instanceUrl",
    "auth",
    "method",
    "clientId",
    "username",
    "privateKey",
    "clientSecret",
    "refreshToken",
    "accessToken",
    "sfdxAuthUrl",
    "connection",
    "type",
    "objects",
    "publish",
    "fields",
    "since",
    "url",
    "usernameSuffix",
];

fn bad_value(key: &str) -> &'static str {
    match key {
        "pollInterval" | "initialBackoff" | "maxBackoff" => "30 seconds",
        "apiBudget" => "250%",
        "since" => "2025-13-45",
        "name" => "Not A Name!",
        "instanceUrl" => "ftp://acme.example.com",
        "apiVersion" => "sixty-two",
        "url" => "mysql://db/orgsync",
        "filter" => "\"Name = = 'x'\"",
        "owner" | "username" => "not-a-username",
        "usernameSuffix" => "no-dot",
        "maxAttempts" => "0",
        "autoAccept" | "syncUsers" | "syncMetadata" | "syncFeedsAndAuditFields" => "maybe",
        _ => "bogus-value-xyz",
    }
}

fn replace_line(text: &str, line: usize, f: impl FnOnce(&str) -> Option<String>) -> Option<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let new = f(lines.get(line - 1)?)?;
    lines[line - 1] = new;
    Some(lines.join("\n"))
}

fn variants() -> Vec<Variant> {
    let mut out = Vec::new();
    let mut secret_n = 0;
    for ex in ["continuity-one-way", "two-way-field-maps", "partner-inbox"] {
        let base = example(ex);
        let root = parse(&base).unwrap();
        let mut infos = Vec::new();
        keys(&root, &mut Vec::new(), &mut infos);
        let lines: Vec<&str> = base.split('\n').collect();
        for info in &infos {
            let key = info.path.last().unwrap().as_str();
            // Keys written in flow style share a line with others: only mutate block keys that own their line.
            let line_text = lines[info.line - 1];
            let owns_line = line_text.trim_start().starts_with(&format!("{key}:"));
            // deleted key
            if owns_line && !info.block {
                let text = replace_line(&base, info.line, |_| Some(String::new())).unwrap();
                // `apiVersion` is required at the top level only (an org's apiVersion has a default).
                // `clientSecret` is optional with `refresh-token`.
                let method_path = orgsync::spec::path::Path::parse(&format!(
                    "{}.method",
                    info.path[..info.path.len() - 1].join(".")
                ));
                let refresh = root
                    .find(&method_path)
                    .is_some_and(|(_, n)| n.value == Value::Str("refresh-token".into()));
                let optional_here = (key == "apiVersion" && info.path.len() > 1)
                    || (key == "clientSecret" && refresh);
                let required = REQUIRED.contains(&key) && !info.free_parent && !optional_here;
                out.push(Variant {
                    kind: "delete-leaf",
                    text,
                    expect: if required {
                        Expect::Invalid
                    } else {
                        Expect::Either
                    },
                    secrets: vec![],
                });
            }
            if owns_line && info.block {
                let text = replace_line(&base, info.line, |_| Some(String::new())).unwrap();
                out.push(Variant {
                    kind: "delete-block-header",
                    text,
                    expect: Expect::Invalid,
                    secrets: vec![],
                });
            }
            // renamed key: a typo of a closed-object key is unknown; free-map keys may stay valid
            for (i, typo) in [
                key.replacen(|c: char| c.is_ascii_lowercase(), "", 1),
                format!("{key}x"),
                key.to_uppercase(),
            ]
            .into_iter()
            .enumerate()
            {
                if typo == key || typo.is_empty() {
                    continue;
                }
                let text = replace_line(&base, info.line, |l| {
                    let start = info.col - 1;
                    (l.get(start..start + key.len()) == Some(key))
                        .then(|| format!("{}{typo}{}", &l[..start], &l[start + key.len()..]))
                });
                if let Some(text) = text {
                    let expect = if info.free_parent {
                        Expect::Either
                    } else {
                        Expect::Invalid
                    };
                    out.push(Variant {
                        kind: ["rename-drop-char", "rename-append", "rename-upper"][i],
                        text,
                        expect,
                        secrets: vec![],
                    });
                }
            }
            // retyped and bad values, for keys that own their line and have a scalar value
            if owns_line && !info.block {
                let is_secret_ref = line_text.contains("{env:") || line_text.contains("{file:");
                let replacements: Vec<(&'static str, String)> = if info.scalar.is_some() {
                    vec![
                        ("retype-list", "[1, 2]".to_owned()),
                        ("retype-map", "{a: 1}".to_owned()),
                        (
                            "retype-scalar",
                            if info.scalar.as_deref().is_some_and(|s| {
                                s.parse::<f64>().is_ok() || s == "true" || s == "false"
                            }) {
                                "\"text\"".to_owned()
                            } else {
                                "12345".to_owned()
                            },
                        ),
                        ("bad-value", bad_value(key).to_owned()),
                    ]
                } else if is_secret_ref {
                    secret_n += 1;
                    vec![(
                        "literal-secret",
                        format!("Zq{secret_n}-Literal-Secret-{secret_n:04}"),
                    )]
                } else {
                    vec![("retype-scalar", "42".to_owned())]
                };
                for (kind, value) in replacements {
                    let text = replace_line(&base, info.line, |l| {
                        let colon = l.find(':')?;
                        Some(format!("{}: {value}", &l[..colon]))
                    })
                    .unwrap();
                    // `clientId` may be written inline (it is not a secret), so any string is valid there.
                    let inline_ok =
                        key == "clientId" && matches!(kind, "bad-value" | "literal-secret");
                    let secrets = if kind == "literal-secret" && !inline_ok {
                        vec![value.clone()]
                    } else {
                        vec![]
                    };
                    let expect = if (key == "description" && kind == "bad-value") || inline_ok {
                        Expect::Either
                    } else {
                        Expect::Invalid
                    };
                    out.push(Variant {
                        kind,
                        text,
                        expect,
                        secrets,
                    });
                }
            }
        }
        // literal password in the state URL
        if base.contains("postgres://orgsync@") {
            let secret = "Pw-Zq-state-secret-991".to_owned();
            let text = base.replace(
                "postgres://orgsync@",
                &format!("postgres://orgsync:{secret}@"),
            );
            out.push(Variant {
                kind: "literal-secret-url",
                text,
                expect: Expect::Invalid,
                secrets: vec![secret],
            });
        }
        // YAML damage, line by line
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            out.push(Variant {
                kind: "tab-indent",
                text: replace_line(&base, n, |l| Some(format!("\t{}", l.trim_start()))).unwrap(),
                expect: if indent == 0 {
                    Expect::Either
                } else {
                    Expect::Invalid
                },
                secrets: vec![],
            });
            out.push(Variant {
                kind: "duplicate-line",
                text: replace_line(&base, n, |l| Some(format!("{l}\n{l}"))).unwrap(),
                expect: Expect::Invalid,
                secrets: vec![],
            });
            if line.contains(": ") {
                out.push(Variant {
                    kind: "unclosed-quote",
                    text: replace_line(&base, n, |l| Some(l.replacen(": ", ": \"", 1))).unwrap(),
                    expect: Expect::Invalid,
                    secrets: vec![],
                });
            }
            out.push(Variant {
                kind: "unknown-alias",
                text: replace_line(&base, n, |l| {
                    l.find(": ").map(|c| format!("{}: *nowhere", &l[..c]))
                })
                .unwrap_or_else(|| base.clone()),
                expect: if line.contains(": ") {
                    Expect::Invalid
                } else {
                    Expect::Either
                },
                secrets: vec![],
            });
            out.push(Variant {
                kind: "truncate",
                text: lines[..i].join("\n"),
                expect: Expect::Either,
                secrets: vec![],
            });
            if line.contains('[') || line.contains('{') {
                out.push(Variant {
                    kind: "unbalanced-bracket",
                    text: replace_line(&base, n, |l| Some(l.replacen([']', '}'], "", 1))).unwrap(),
                    expect: Expect::Invalid,
                    secrets: vec![],
                });
            }
            out.push(Variant {
                kind: "control-char",
                text: replace_line(&base, n, |l| Some(format!("{l}\u{7}"))).unwrap(),
                expect: Expect::Invalid,
                secrets: vec![],
            });
        }
    }
    out
}

/// The first line of `text` that differs from the example it came from (for failure messages).
fn first_change(text: &str) -> String {
    let mut best = (0, String::new());
    for ex in ["continuity-one-way", "two-way-field-maps", "partner-inbox"] {
        let base = example(ex);
        let common = base
            .split('\n')
            .zip(text.split('\n'))
            .take_while(|(a, b)| a == b)
            .count();
        if common >= best.0 {
            let line = text.split('\n').nth(common).unwrap_or("<end>").to_owned();
            best = (common, format!("{ex}:{} {line:?}", common + 1));
        }
    }
    best.1
}

#[test]
fn corpus_of_malformed_variants() {
    let variants = variants();
    assert!(variants.len() >= 1000, "only {} variants", variants.len());
    let mut failures = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let outcome = std::panic::catch_unwind(|| {
            let report = check(&v.text);
            let rendered = [
                text(&report),
                to_json(&report).to_string(),
                render_github(&report),
            ];
            (report, rendered)
        });
        let Ok((report, rendered)) = outcome else {
            failures.push(format!("#{i} {}: panicked", v.kind));
            continue;
        };
        if v.expect == Expect::Invalid && report.is_valid() {
            failures.push(format!(
                "#{i} {}: expected invalid, got valid: {}",
                v.kind,
                first_change(&v.text)
            ));
            continue;
        }
        let line_count = v.text.split('\n').count();
        for d in &report.diagnostics {
            match d.position {
                Some(p) if p.line >= 1 && p.column >= 1 && p.line <= line_count => {
                    let loc = format!("--> orgsync.yaml:{}:{}", p.line, p.column);
                    if !rendered[0].contains(&loc) {
                        failures.push(format!("#{i} {}: text lacks {loc}", v.kind));
                    }
                }
                other => failures.push(format!(
                    "#{i} {}: {} badly located: {other:?}",
                    v.kind, d.code
                )),
            }
        }
        if report.is_valid() != (report.error_count() == 0) {
            failures.push(format!("#{i}: inconsistent verdict"));
        }
        for secret in &v.secrets {
            if rendered.iter().any(|r| r.contains(secret.as_str())) {
                failures.push(format!("#{i} {}: secret echoed", v.kind));
            }
            if !report
                .diagnostics
                .iter()
                .any(|d| d.code == "literal-secret")
            {
                failures.push(format!("#{i} {}: literal secret not reported", v.kind));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} variants failed:\n{}",
        failures.len(),
        variants.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
