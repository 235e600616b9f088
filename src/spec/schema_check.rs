//! Stage 3: check the document against the generated JSON Schema and turn each failure into a
//! located diagnostic with our own wording (jsonschema's messages echo values; ours do not,
//! except short enum values, to suggest a fix).

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as K;
use jsonschema::paths::LocationSegment;

use super::diagnostic::Diagnostic;
use super::hint::{did_you_mean, list};
use super::path::{Path, Segment};
use super::schema;
use super::v1;

/// Validate `instance` (the YAML as JSON, secrets neutralised) against the v1 schema.
pub fn check(instance: &serde_json::Value) -> Vec<Diagnostic> {
    let Some(validator) = schema::validator() else {
        return vec![Diagnostic::error(
            "internal",
            Path::root(),
            "the built-in schema failed to compile",
        )];
    };
    let mut out = Vec::new();
    for err in validator.iter_errors(instance) {
        map(&err, instance, &mut out);
    }
    out
}

fn to_path(err: &ValidationError<'_>) -> Path {
    err.instance_path()
        .iter()
        .map(|seg| match seg {
            LocationSegment::Property(p) => Segment::Key(p.to_string()),
            LocationSegment::Index(i) => Segment::Index(i),
        })
        .collect()
}

fn where_(path: &Path) -> String {
    if path.is_root() {
        "at the top level".to_owned()
    } else {
        format!("in {path}")
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "nothing (null)",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

fn article(ty: &str) -> String {
    match ty {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "integer" => "a whole number".to_owned(),
        "string" | "number" | "boolean" => format!("a {ty}"),
        other => other.to_owned(),
    }
}

/// Short, value-free wording for a schema pattern.
fn pattern_meaning(pattern: &str) -> (&'static str, &'static str) {
    match pattern {
        v1::NAME_PATTERN => (
            "is not a valid connection name",
            "use lowercase letters, digits and `-`, starting with a letter (at most 63), e.g. `acme-continuity`",
        ),
        v1::API_NAME_PATTERN => (
            "is not a Salesforce API name",
            "API names look like `Account`, `Invoice__c` or `ns__Thing__c`",
        ),
        v1::APEX_NAME_PATTERN => (
            "is not an Apex trigger name",
            "Apex names start with a letter and use letters, digits and single `_`",
        ),
        v1::DURATION_PATTERN => (
            "is not a duration",
            "write a whole number and a unit: `30s`, `5m`, `1h` or `1d`",
        ),
        v1::PERCENT_PATTERN => ("is not a percentage", "write a percentage such as `25%`"),
        v1::API_VERSION_PATTERN => (
            "is not a Salesforce API version",
            "write the version in quotes, e.g. `\"62.0\"`",
        ),
        v1::ENV_NAME_PATTERN => (
            "is not an environment variable name",
            "use letters, digits and `_`, e.g. `DR_CLIENT_SECRET`",
        ),
        v1::URL_PATTERN => (
            "is not an instance URL",
            "write the org's My Domain URL, e.g. `https://acme.my.salesforce.com`",
        ),
        v1::STATE_URL_PATTERN => (
            "is not a state store URL",
            "use `sqlite://PATH` or `postgres://USER@HOST/DB`",
        ),
        _ => (
            "has the wrong format",
            "see the schema for the expected format",
        ),
    }
}

fn map(err: &ValidationError<'_>, instance: &serde_json::Value, out: &mut Vec<Diagnostic>) {
    let path = to_path(err);
    let value = err.instance();
    match err.kind() {
        K::AdditionalProperties { unexpected } => {
            let allowed = schema::property_names(path.segments());
            for key in unexpected {
                let mut d = Diagnostic::error(
                    "unknown-key",
                    path.key(key),
                    format!("unknown key `{key}` {}", where_(&path)),
                )
                .on_key();
                d = match did_you_mean(key, allowed.iter().map(String::as_str)) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None if !allowed.is_empty() => {
                        d.with_hint(format!("expected one of {}", list(&allowed)))
                    }
                    None => d,
                };
                out.push(d);
            }
        }
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let mut d = Diagnostic::error(
                "missing-key",
                path.clone(),
                format!("missing key `{name}` {}", where_(&path)),
            )
            .on_key();
            if let Some(desc) = schema::description(path.key(name).segments()) {
                d = d.with_hint(format!("add `{name}`: {desc}"));
            }
            out.push(d);
        }
        K::Type { kind } => {
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => article(t.as_str()),
                jsonschema::error::TypeKind::Multiple(_) => "another type".to_owned(),
            };
            let mut d = Diagnostic::error(
                "wrong-type",
                path.clone(),
                format!("`{path}` must be {expected}, not {}", kind_of(value)),
            );
            if expected == "a string" && (value.is_number() || value.is_boolean()) {
                d = d.with_hint("put the value in quotes");
            } else if expected == "a boolean" {
                d = d.with_hint("write `true` or `false`");
            }
            out.push(d);
        }
        K::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|o| o.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            out.push(bad_choice(&path, value, &opts));
        }
        K::Constant { expected_value } => {
            let opts: Vec<String> = expected_value
                .as_str()
                .map(|s| vec![s.to_owned()])
                .unwrap_or_default();
            out.push(bad_choice(&path, value, &opts));
        }
        K::Pattern { pattern } => {
            let (what, hint) = pattern_meaning(pattern);
            let subject = match value.as_str() {
                Some(s)
                    if s.chars().count() <= 64
                        && !s.contains(['\n', '\r'])
                        && matches!(
                            pattern.as_str(),
                            v1::API_NAME_PATTERN
                                | v1::APEX_NAME_PATTERN
                                | v1::NAME_PATTERN
                                | v1::DURATION_PATTERN
                                | v1::PERCENT_PATTERN
                        ) =>
                {
                    format!("`{s}`")
                }
                _ => format!("the value of `{path}`"),
            };
            let code = if pattern == v1::API_NAME_PATTERN {
                "invalid-api-name"
            } else {
                "invalid-format"
            };
            out.push(
                Diagnostic::error(code, path.clone(), format!("{subject} {what}")).with_hint(hint),
            );
        }
        K::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default().to_owned();
            let (what, hint) = match error.kind() {
                K::Pattern { pattern } => pattern_meaning(pattern),
                _ => ("is not allowed here", "rename the key"),
            };
            let code = if what.contains("API name") {
                "invalid-api-name"
            } else {
                "invalid-format"
            };
            out.push(
                Diagnostic::error(code, path.key(&key), format!("`{key}` {what}"))
                    .with_hint(hint)
                    .on_key(),
            );
        }
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            any_of(&path, value, context, instance, out)
        }
        K::MinProperties { limit } if *limit == 1 && path.last_key() == Some("objects") => {
            out.push(
                Diagnostic::error(
                    "no-objects",
                    path.clone(),
                    "`spec.objects` lists no objects",
                )
                .with_hint("add at least one object, e.g. `Account: {publish: {fields: \"*\"}}`"),
            );
        }
        K::MinProperties { .. } | K::MaxProperties { .. } if is_secret_ref(&path) => {
            out.push(
                Diagnostic::error(
                    "invalid-secret-ref",
                    path.clone(),
                    format!("`{path}` must name exactly one of `env` or `file`"),
                )
                .with_hint("write `{env: NAME}` or `{file: PATH}`"),
            );
        }
        K::Minimum { limit } => out.push(Diagnostic::error(
            "out-of-range",
            path.clone(),
            format!("`{path}` must be at least {limit}"),
        )),
        K::MinLength { .. } => out.push(Diagnostic::error(
            "invalid-format",
            path.clone(),
            format!("`{path}` must not be empty"),
        )),
        _ => out.push(Diagnostic::error(
            "invalid-value",
            path.clone(),
            format!("`{path}` is not valid here"),
        )),
    }
}

fn is_secret_ref(path: &Path) -> bool {
    let names = schema::property_names(path.segments());
    names.iter().any(|n| n == "env") && names.iter().any(|n| n == "file")
}

fn bad_choice(path: &Path, value: &serde_json::Value, opts: &[String]) -> Diagnostic {
    let shown = match value.as_str() {
        Some(s) if s.chars().count() <= 40 && !s.contains(['\n', '\r']) => format!("`{s}`"),
        _ => kind_of(value).to_owned(),
    };
    let mut d = Diagnostic::error(
        "unknown-value",
        path.clone(),
        format!("{shown} is not a valid value for `{path}`"),
    );
    let suggestion = value
        .as_str()
        .and_then(|s| did_you_mean(s, opts.iter().map(String::as_str)));
    d = match suggestion {
        Some(s) => d.with_hint(format!(
            "did you mean `{s}`? expected one of {}",
            list(opts)
        )),
        None => d.with_hint(format!("expected one of {}", list(opts))),
    };
    d
}

/// `anyOf`/`oneOf`: if every branch failed on the value itself (type/const), the value has the
/// wrong shape for all of them: one message. Otherwise report the errors of the branch whose
/// shape matched (e.g. a list of fields with one bad entry).
fn any_of(
    path: &Path,
    value: &serde_json::Value,
    context: &[Vec<ValidationError<'static>>],
    instance: &serde_json::Value,
    out: &mut Vec<Diagnostic>,
) {
    let shallow = |e: &ValidationError<'_>| {
        to_path(e) == *path
            && matches!(
                e.kind(),
                K::Type { .. } | K::Constant { .. } | K::Enum { .. }
            )
    };
    if let Some(branch) = context
        .iter()
        .find(|b| !b.is_empty() && !b.iter().any(shallow))
    {
        for e in branch {
            map(e, instance, out);
        }
        return;
    }
    let consts: Vec<String> = context
        .iter()
        .flatten()
        .filter_map(|e| match e.kind() {
            K::Constant { expected_value } => expected_value.as_str().map(str::to_owned),
            _ => None,
        })
        .collect();
    if consts.len() == context.len() && !consts.is_empty() {
        out.push(bad_choice(path, value, &consts));
        return;
    }
    let expected = match path.last_key() {
        Some("fields") => "`\"*\"` or a list of field names",
        Some("clientId") => "a string or a `{env: NAME}` / `{file: PATH}` reference",
        _ => "a different kind of value",
    };
    out.push(Diagnostic::error(
        "wrong-type",
        path.clone(),
        format!("`{path}` must be {expected}, not {}", kind_of(value)),
    ));
}
