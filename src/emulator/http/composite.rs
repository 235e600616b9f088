//! `POST composite` and `POST composite/batch` (salesforce-api.md §8.2, §8.3). Sub-requests are
//! decoded into [`Call`]s and run through the same dispatcher as top-level calls; a composite
//! request counts as one API call. `allOrNone` composite requests share one transaction; a
//! failure rolls it back and every other sub-request answers `PROCESSING_HALTED`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::call::{Call, Exec, bad_request, version_major};
use super::errors::ApiError;
use super::middleware;
use super::reply::Reply;
use super::routes::dispatch;
use crate::emulator::dml::{Ctx, Tx};

/// Most sub-requests in one composite or batch request.
pub const MAX_SUBREQUESTS: usize = 25;

/// One decoded sub-request.
struct Sub {
    method: Method,
    url: String,
    reference_id: String,
    body: Option<Value>,
}

fn halted() -> Value {
    json!([{
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same transaction failed."
    }])
}

fn parse_subs(list: &[Value], body_key: &str, need_ref: bool) -> Result<Vec<Sub>, ApiError> {
    if list.len() > MAX_SUBREQUESTS {
        return Err(bad_request(
            "INVALID_BATCH_REQUEST",
            format!("The number of subrequests must not exceed {MAX_SUBREQUESTS}"),
        ));
    }
    list.iter()
        .map(|s| {
            let text = |k: &str| s.get(k).and_then(Value::as_str).map(str::to_owned);
            let method = text("method")
                .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
                .ok_or_else(|| ApiError::json_parser("Each subrequest needs a method"))?;
            let url =
                text("url").ok_or_else(|| ApiError::json_parser("Each subrequest needs a url"))?;
            let reference_id = text("referenceId").unwrap_or_default();
            if need_ref && reference_id.is_empty() {
                return Err(ApiError::json_parser("Each subrequest needs a referenceId"));
            }
            Ok(Sub {
                method,
                url,
                reference_id,
                body: s.get(body_key).filter(|b| !b.is_null()).cloned(),
            })
        })
        .collect()
}

/// Decode a sub-request URL (`/services/data/v59.0/…` or, in batches, `v59.0/…`).
fn sub_call(
    parent: &Call,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Call, ApiError> {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path
        .strip_prefix("/services/data/")
        .or_else(|| path.strip_prefix("services/data/"))
        .unwrap_or(path);
    let mut segments = middleware::segments(path);
    let version = match segments.first().and_then(|v| v.strip_prefix('v')) {
        Some(v) if version_major(v).is_some() => v.to_owned(),
        _ => return Err(ApiError::not_found()),
    };
    segments.remove(0);
    Ok(Call {
        method,
        version,
        segments,
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers: parent.headers.clone(),
        body: body
            .map(|b| Bytes::from(serde_json::to_vec(b).unwrap_or_default()))
            .unwrap_or_default(),
        user_id: parent.user_id.clone(),
    })
}

/// Look up `acct.id` or `q.records[0].Id` in earlier results.
fn lookup(results: &HashMap<String, Value>, expr: &str) -> Option<Value> {
    let mut parts = expr.split('.');
    let head = parts.next()?;
    let (name, idx) = split_index(head);
    let mut cur = results.get(name)?.clone();
    for i in idx {
        cur = cur.get(i)?.clone();
    }
    for part in parts {
        let (key, idx) = split_index(part);
        cur = cur.get(key)?.clone();
        for i in idx {
            cur = cur.get(i)?.clone();
        }
    }
    Some(cur)
}

/// `records[0][1]` → (`records`, [0, 1]).
fn split_index(part: &str) -> (&str, Vec<usize>) {
    let name_end = part.find('[').unwrap_or(part.len());
    let idx = part[name_end..]
        .split(['[', ']'])
        .filter_map(|s| s.parse().ok())
        .collect();
    (&part[..name_end], idx)
}

/// Replace `@{ref.path}` in text; `Err(expr)` names the first reference without a value.
fn resolve_text(text: &str, results: &HashMap<String, Value>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let expr = &after[..end];
        match lookup(results, expr) {
            Some(Value::String(s)) => out.push_str(&s),
            Some(Value::Null) | None => return Err(expr.to_owned()),
            Some(v) => out.push_str(&v.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn resolve_value(v: &Value, results: &HashMap<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with("@{") && t.ends_with('}') && t.matches("@{").count() == 1 {
                let expr = &t[2..t.len() - 1];
                match lookup(results, expr) {
                    Some(Value::Null) | None => return Err(expr.to_owned()),
                    Some(v) => v,
                }
            } else {
                Value::String(resolve_text(s, results)?)
            }
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| resolve_value(x, results))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), resolve_value(x, results)?)))
                .collect::<Result<Map<_, _>, String>>()?,
        ),
        other => other.clone(),
    })
}

fn bad_reference(expr: &str) -> Reply {
    let id = expr.split(['.', '[']).next().unwrap_or(expr);
    Reply::json(
        StatusCode::BAD_REQUEST,
        json!([{
            "errorCode": "PROCESSING_HALTED",
            "message": format!("Invalid reference specified. No value for {expr} found in {id}. Provided referenceId ('{id}') must be a valid referenceId of a previously executed subrequest.")
        }]),
    )
}

/// Run one sub-request (references resolved) through the dispatcher.
fn run_sub(
    exec: &mut Exec<'_, '_>,
    parent: &Call,
    sub: &Sub,
    results: &HashMap<String, Value>,
) -> Reply {
    let url = match resolve_text(&sub.url, results) {
        Ok(u) => u,
        Err(expr) => return bad_reference(&expr),
    };
    let body = match sub
        .body
        .as_ref()
        .map(|b| resolve_value(b, results))
        .transpose()
    {
        Ok(b) => b,
        Err(expr) => return bad_reference(&expr),
    };
    let call = match sub_call(parent, sub.method.clone(), &url, body.as_ref()) {
        Ok(c) => c,
        Err(e) => return e.into_reply(),
    };
    if matches!(call.segments.first().map(String::as_str), Some("composite"))
        && call.segments.get(1).map(String::as_str) != Some("sobjects")
    {
        return bad_request(
            "INVALID_BATCH_REQUEST",
            "A composite request cannot contain another composite request",
        )
        .into_reply();
    }
    dispatch(exec, &call).unwrap_or_else(ApiError::into_reply)
}

fn headers_json(reply: &Reply) -> Value {
    let m: Map<String, Value> = reply
        .headers
        .iter()
        .map(|(k, v)| {
            let name = match k.as_str() {
                "location" => "Location".to_owned(),
                "last-modified" => "Last-Modified".to_owned(),
                other => other.to_owned(),
            };
            (name, Value::String(v.clone()))
        })
        .collect();
    Value::Object(m)
}

/// `POST composite`.
pub fn composite(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let body = call.json_object()?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let list = body
        .get("compositeRequest")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let subs = parse_subs(&list, "body", true)?;
    let state = exec.state;
    let mut results: HashMap<String, Value> = HashMap::new();
    let mut replies: Vec<Reply> = Vec::with_capacity(subs.len());
    let mut failed_at = None;
    if all_or_none {
        let ctx = Ctx {
            user_id: call.user_id.clone(),
            now: state.clock.now(),
        };
        let mut org = state.org.lock();
        let mut tx = Tx::begin(&mut org, ctx);
        {
            let mut inner = Exec::in_tx(state, &mut tx);
            for (i, sub) in subs.iter().enumerate() {
                let reply = run_sub(&mut inner, call, sub, &results);
                results.insert(sub.reference_id.clone(), reply.body_value());
                let bad = !reply.is_success();
                replies.push(reply);
                if bad {
                    failed_at = Some(i);
                    break;
                }
            }
        }
        if failed_at.is_some() {
            tx.rollback();
        } else {
            exec.touched.extend(tx.commit());
        }
    } else {
        let mut own = Exec::standalone(state);
        for sub in &subs {
            let reply = run_sub(&mut own, call, sub, &results);
            results.insert(sub.reference_id.clone(), reply.body_value());
            replies.push(reply);
        }
        exec.touched.append(&mut own.touched);
    }
    let out: Vec<Value> = subs
        .iter()
        .enumerate()
        .map(|(i, sub)| {
            let reply = replies.get(i);
            match (failed_at, reply) {
                (Some(f), Some(r)) if f == i => json!({
                    "body": r.body_value(), "httpHeaders": headers_json(r),
                    "httpStatusCode": r.status.as_u16(), "referenceId": sub.reference_id,
                }),
                (Some(_), _) | (None, None) => json!({
                    "body": halted(), "httpHeaders": {}, "httpStatusCode": 400,
                    "referenceId": sub.reference_id,
                }),
                (None, Some(r)) => json!({
                    "body": r.body_value(), "httpHeaders": headers_json(r),
                    "httpStatusCode": r.status.as_u16(), "referenceId": sub.reference_id,
                }),
            }
        })
        .collect();
    Ok(Reply::ok(json!({"compositeResponse": out})))
}

/// `POST composite/batch`.
pub fn batch(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let body = call.json_object()?;
    let halt = body
        .get("haltOnError")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let list = body
        .get("batchRequests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let subs = parse_subs(&list, "richInput", false)?;
    let empty = HashMap::new();
    let mut has_errors = false;
    let mut halted_now = false;
    let mut results = Vec::with_capacity(subs.len());
    for sub in &subs {
        if halted_now {
            results.push(json!({"statusCode": 412, "result": [{
                "errorCode": "BATCH_PROCESSING_HALTED",
                "message": "Batch processing halted per request"
            }]}));
            continue;
        }
        let reply = run_sub(exec, call, sub, &empty);
        if !reply.is_success() {
            has_errors = true;
            halted_now = halt;
        }
        results.push(json!({"statusCode": reply.status.as_u16(), "result": reply.body_value()}));
    }
    Ok(Reply::ok(
        json!({"hasErrors": has_errors, "results": results}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_into_text_and_values() {
        let mut r = HashMap::new();
        r.insert("acct".to_owned(), json!({"id": "001A", "n": 3}));
        r.insert("q".to_owned(), json!({"records": [{"Id": "003B"}]}));
        assert_eq!(resolve_text("/x/@{acct.id}/y", &r).unwrap(), "/x/001A/y");
        assert_eq!(
            resolve_value(&json!({"a": "@{acct.n}", "b": "@{q.records[0].Id}"}), &r).unwrap(),
            json!({"a": 3, "b": "003B"})
        );
        assert_eq!(resolve_text("@{nope.id}", &r), Err("nope.id".to_owned()));
    }
}
