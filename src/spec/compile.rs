//! Stages 4 and 5: typed deserialisation into the v1 wire types, part by part (so one broken
//! section does not hide the problems of the others), then the semantic rules, then the
//! validated [`Spec`] when nothing is wrong.

use serde::de::DeserializeOwned;

use super::diagnostic::Diagnostic;
use super::model::Spec;
use super::path::Path;
use super::rules::{self, objects::Context};
use super::v1::{self, Direction};

fn part<T: DeserializeOwned>(json: &serde_json::Value, pointer: &str) -> Option<T> {
    serde_json::from_value(json.pointer(pointer)?.clone()).ok()
}

/// Run the semantic rules over whatever parts deserialise; build the [`Spec`] when every part
/// is present and no rule reported an error. `base` is the spec file's directory (for
/// relative `{file: …}` references).
pub fn compile(
    json: &serde_json::Value,
    base: &std::path::Path,
) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let spec = Path::root().key("spec");
    let metadata: Option<v1::Metadata> = part(json, "/metadata");
    let primary = part::<v1::Org>(json, "/spec/orgs/primary")
        .and_then(|o| rules::orgs::org(&spec.key("orgs").key("primary"), &o, base, &mut out));
    let secondary = part::<v1::Org>(json, "/spec/orgs/secondary")
        .and_then(|o| rules::orgs::org(&spec.key("orgs").key("secondary"), &o, base, &mut out));
    let wire_conn: Option<v1::Connection> = part(json, "/spec/connection");
    let connection = wire_conn
        .as_ref()
        .and_then(|c| rules::connection::connection(&spec.key("connection"), c, &mut out));
    let triggers = match json.pointer("/spec/triggers") {
        None => Some(rules::connection::triggers(None)),
        Some(_) => part::<v1::Triggers>(json, "/spec/triggers")
            .map(|t| rules::connection::triggers(Some(&t))),
    };
    let cx = Context {
        kind: wire_conn.as_ref().map(|c| c.kind),
        direction: wire_conn
            .as_ref()
            .and_then(|c| c.direction)
            .unwrap_or(Direction::OneWay),
        feeds_and_audit: wire_conn
            .as_ref()
            .and_then(|c| c.sync_feeds_and_audit_fields)
            .unwrap_or(false),
    };
    let mut objects = Vec::new();
    let mut objects_ok = json
        .pointer("/spec/objects")
        .is_some_and(|o| o.as_object().is_some_and(|m| !m.is_empty()));
    if let Some(map) = json.pointer("/spec/objects").and_then(|o| o.as_object()) {
        for (name, value) in map {
            let compiled = serde_json::from_value::<v1::ObjectSpec>(value.clone())
                .ok()
                .and_then(|o| {
                    rules::objects::object(&spec.key("objects").key(name), name, &o, cx, &mut out)
                });
            match compiled {
                Some(o) => objects.push(o),
                None => objects_ok = false,
            }
        }
    }
    objects.sort_by(|a, b| a.name.cmp(&b.name));
    let records = match json.pointer("/spec/records") {
        None => rules::records::records(&spec.key("records"), None, &mut out),
        Some(_) => part::<v1::Records>(json, "/spec/records")
            .and_then(|r| rules::records::records(&spec.key("records"), Some(&r), &mut out)),
    };
    let name = metadata
        .as_ref()
        .map_or("orgsync", |m| m.name.as_str())
        .to_owned();
    let state = match json.pointer("/spec/state") {
        None => rules::records::state(&spec.key("state"), None, &name, base, &mut out),
        Some(_) => part::<v1::State>(json, "/spec/state").and_then(|s| {
            rules::records::state(&spec.key("state"), Some(&s), &name, base, &mut out)
        }),
    };
    let whole_ok = part::<v1::Document>(json, "").is_some();
    let built = (|| {
        if !whole_ok || !objects_ok || out.iter().any(Diagnostic::is_error) {
            return None;
        }
        let metadata = metadata?;
        Some(Spec {
            name: metadata.name,
            description: metadata.description,
            primary: primary?,
            secondary: secondary?,
            connection: connection?,
            triggers: triggers?,
            objects,
            records: records?,
            state: state?,
        })
    })();
    (built, out)
}
