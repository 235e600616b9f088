//! The sObject types a call is about, for rules with `match.object`: from the path
//! (`/sobjects/Account/…`, `/composite/sobjects/Account/…`, `/composite/tree/Account`), from the
//! body (`attributes.type` of the record or of each `records` entry; a Bulk job's `object`) or
//! from a query's outermost `FROM`.

use serde_json::Value;

/// Types named by the route segments (after the version) and the query string.
pub fn from_route(segs: &[&str], query: Option<&str>) -> Vec<String> {
    let segs = match segs {
        ["tooling", rest @ ..] => rest,
        s => s,
    };
    match segs {
        ["sobjects", obj, ..] | ["composite", "sobjects" | "tree", obj, ..] => {
            vec![(*obj).to_owned()]
        }
        ["query" | "queryAll"] => query
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "q")
                    .and_then(|(_, soql)| soql_from(&soql))
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Types named in a JSON body.
pub fn from_body(body: &[u8]) -> Vec<String> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let ty = |r: &Value| {
        r.get("attributes")
            .and_then(|a| a.get("type"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut out: Vec<String> = ty(&v).into_iter().collect();
    if let Some(records) = v.get("records").and_then(Value::as_array) {
        out.extend(records.iter().filter_map(ty));
    }
    if let Some(obj) = v.get("object").and_then(Value::as_str) {
        out.push(obj.to_owned());
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The object after the outermost `FROM` of a SOQL statement.
fn soql_from(soql: &str) -> Option<String> {
    let mut depth = 0i32;
    let mut after_from = false;
    for token in soql.split(|c: char| c.is_whitespace() || c == ',') {
        let opens = token.matches('(').count() as i32;
        let closes = token.matches(')').count() as i32;
        if depth == 0 && after_from && !token.is_empty() {
            return Some(token.trim_end_matches(')').to_owned());
        }
        if depth == 0 && token.eq_ignore_ascii_case("from") {
            after_from = true;
        }
        depth += opens - closes;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_come_from_paths() {
        assert_eq!(
            from_route(&["sobjects", "Account", "001"], None),
            ["Account"]
        );
        assert_eq!(
            from_route(&["composite", "sobjects", "Contact", "Ext__c"], None),
            ["Contact"]
        );
        assert_eq!(
            from_route(&["tooling", "sobjects", "ApexClass"], None),
            ["ApexClass"]
        );
        assert!(from_route(&["composite", "sobjects"], None).is_empty());
    }

    #[test]
    fn objects_come_from_the_outer_from_of_a_query() {
        let q = "q=SELECT+Id,+(SELECT+Id+FROM+Contacts)+FROM+Account+WHERE+Name+!=+null";
        assert_eq!(from_route(&["query"], Some(q)), ["Account"]);
    }

    #[test]
    fn objects_come_from_bodies() {
        let body =
            br#"{"records":[{"attributes":{"type":"Contact"}},{"attributes":{"type":"Account"}}]}"#;
        assert_eq!(from_body(body), ["Account", "Contact"]);
        assert_eq!(
            from_body(br#"{"object":"Lead","operation":"insert"}"#),
            ["Lead"]
        );
        assert!(from_body(b"not json").is_empty());
    }
}
