//! `GET /services/data` (no session needed, no `Sforce-Limit-Info`) and the resource list of
//! one version `GET /services/data/vXX.X` (salesforce-api.md §3).

use axum::http::Method;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::call::{Call, MAX_VERSION, MIN_VERSION};
use super::errors::ApiError;
use super::reply::Reply;
use super::state::EmulatorState;

/// The release label of a major version: v20 is Winter '11, then Spring, Summer, Winter…
pub fn label(major: u32) -> String {
    let k = major.saturating_sub(20);
    let season = ["Winter", "Spring", "Summer"][(k % 3) as usize];
    format!("{season} '{:02}", 11 + k / 3)
}

/// Every served version, oldest first; `version` is a string as in Salesforce.
pub fn versions_json() -> Value {
    Value::Array(
        (MIN_VERSION..=MAX_VERSION)
            .map(|v| {
                json!({"label": label(v), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0")})
            })
            .collect(),
    )
}

/// `GET /services/data` (other methods: 405 array).
pub async fn list(method: Method) -> Response {
    if method == Method::GET || method == Method::HEAD {
        Reply::ok(versions_json()).into_response()
    } else {
        ApiError::method_not_allowed(method.as_str(), &["GET", "HEAD"]).into_response()
    }
}

/// `GET /services/data/vXX.X`: resource name → path; `identity` is absolute.
pub fn resources(state: &EmulatorState, call: &Call) -> Result<Reply, ApiError> {
    let base = call.base();
    let mut m = Map::new();
    for name in [
        "tooling",
        "metadata",
        "eclair",
        "folders",
        "prechatForms",
        "contact-tracing",
        "jsonxform",
        "chatter",
        "tabs",
        "appMenu",
        "quickActions",
        "queryAll",
        "commerce",
        "wave",
        "iot",
        "analytics",
        "search",
        "smartdatadiscovery",
        "identity",
        "composite",
        "parameterizedSearch",
        "fingerprint",
        "theme",
        "nouns",
        "domino",
        "event",
        "serviceTemplates",
        "recent",
        "connect",
        "licensing",
        "limits",
        "process",
        "async-queries",
        "query",
        "jobs",
        "match",
        "localizedvalue",
        "mobile",
        "emailConnect",
        "compactLayouts",
        "knowledgeManagement",
        "sobjects",
        "actions",
        "support",
    ] {
        m.insert(name.to_owned(), Value::String(format!("{base}/{name}")));
    }
    m.insert(
        "identity".to_owned(),
        Value::String(format!(
            "{}/id/{}/{}",
            state.instance_url(),
            state.org_id,
            call.user_id
        )),
    );
    Ok(Reply::ok(Value::Object(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_salesforce_release_names() {
        assert_eq!(label(20), "Winter '11");
        assert_eq!(label(46), "Summer '19");
        assert_eq!(label(59), "Winter '24");
        assert_eq!(label(60), "Spring '24");
        assert_eq!(label(66), "Spring '26");
    }

    #[test]
    fn version_list_is_strings_from_20_to_66() {
        let v = versions_json();
        let arr = v.as_array().unwrap();
        assert_eq!(arr.len(), 47);
        assert_eq!(arr[0]["version"], "20.0");
        assert_eq!(arr[46]["url"], "/services/data/v66.0");
    }
}
