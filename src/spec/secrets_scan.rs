//! The literal-secret check, run on the YAML tree before anything else looks at values, so no
//! later stage can echo a secret: each literal is reported (without its value) and replaced in
//! the JSON instance by a placeholder reference.

use super::diagnostic::Diagnostic;
use super::node::{Node, Value};
use super::path::Path;

/// Keys whose values are secrets wherever they appear.
pub const SECRET_KEYS: [&str; 6] = [
    "clientSecret",
    "privateKey",
    "refreshToken",
    "accessToken",
    "sfdxAuthUrl",
    "password",
];

/// Whether a key names a secret (exactly, ignoring case, or as a near-typo).
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        s == lower || strsim::jaro_winkler(&s, &lower) >= 0.9
    })
}

/// The byte range of the password in a URL such as `postgres://user:pw@host/db`.
pub fn url_password_range(url: &str) -> Option<std::ops::Range<usize>> {
    let rest_start = url.find("://")? + 3;
    let rest = &url[rest_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let colon = userinfo.find(':')?;
    let start = rest_start + colon + 1;
    let end = rest_start + at;
    (end > start).then_some(start..end)
}

/// Report literal secrets and neutralise them in `json` (the instance later stages check).
pub fn scan(root: &Node, json: &mut serde_json::Value) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(root, &Path::root(), json, &mut out);
    out
}

fn walk(node: &Node, path: &Path, json: &mut serde_json::Value, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Map(entries) => {
            for (key, child) in entries {
                let child_path = path.key(&key.name);
                let Some(child_json) = json.get_mut(&key.name) else {
                    continue;
                };
                let scalar = matches!(
                    child.value,
                    Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
                );
                if is_secret_key(&key.name) && scalar {
                    out.push(literal(&child_path, &key.name));
                    *child_json = serde_json::json!({"env": "ORGSYNC_REDACTED"});
                    continue;
                }
                if let Value::Str(s) = &child.value
                    && let Some(range) = url_password_range(s)
                {
                    out.push(
                        Diagnostic::error(
                            "literal-secret",
                            child_path.clone(),
                            format!("`{}` contains a password; secrets come only from `{{env: NAME}}` or `{{file: PATH}}`", key.name),
                        )
                        .with_hint("remove the password from the URL and give it as `password: {env: PGPASSWORD}` beside `url`")
                        .masked(),
                    );
                    let mut cleaned = s.clone();
                    let user_end = range.start - 1;
                    cleaned.replace_range(user_end..range.end, "");
                    *child_json = serde_json::Value::String(cleaned);
                    continue;
                }
                walk(child, &child_path, child_json, out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(item_json) = json.get_mut(i) {
                    walk(item, &path.index(i), item_json, out);
                }
            }
        }
        _ => {}
    }
}

fn literal(path: &Path, key: &str) -> Diagnostic {
    let var = path
        .segments()
        .iter()
        .filter_map(|s| match s {
            super::path::Segment::Key(k) if k == "primary" || k == "secondary" => {
                Some(k.to_ascii_uppercase())
            }
            _ => None,
        })
        .chain(std::iter::once(screaming(key)))
        .collect::<Vec<_>>()
        .join("_");
    Diagnostic::error(
        "literal-secret",
        path.clone(),
        format!("`{key}` holds a literal secret; secrets come only from `{{env: NAME}}` or `{{file: PATH}}`"),
    )
    .with_hint(format!("write `{key}: {{env: {var}}}` and set that variable where orgsync runs; rotate the exposed secret"))
    .masked()
}

fn screaming(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load::parse;

    #[test]
    fn literal_secrets_are_reported_and_replaced() {
        let root = parse("spec:\n  orgs:\n    primary:\n      auth:\n        clientSecret: hunter2\n        privateKey: {file: k.pem}\n").unwrap();
        let mut json = root.to_json();
        let diags = scan(&root, &mut json);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "literal-secret");
        assert_eq!(
            diags[0].path.to_string(),
            "spec.orgs.primary.auth.clientSecret"
        );
        assert!(
            diags[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("PRIMARY_CLIENT_SECRET")
        );
        assert!(!json.to_string().contains("hunter2"));
        assert!(!format!("{diags:?}").contains("hunter2"));
    }

    #[test]
    fn url_passwords_are_found() {
        let url = "postgres://u:pw@h/db";
        assert_eq!(&url[url_password_range(url).unwrap()], "pw");
        assert_eq!(url_password_range("postgres://u@h/db"), None);
        assert_eq!(url_password_range("sqlite://.orgsync/x.db"), None);
        let root = parse("state:\n  url: postgres://u:s3cret@h/db\n").unwrap();
        let mut json = root.to_json();
        let diags = scan(&root, &mut json);
        assert_eq!(diags[0].code, "literal-secret");
        assert_eq!(json["state"]["url"], "postgres://u@h/db");
    }
}
