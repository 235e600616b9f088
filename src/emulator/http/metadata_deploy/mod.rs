//! Metadata API deploy over REST (Metadata API guide, "Deploy Metadata with Apex Testing Using
//! REST", `meta_rest_deploy`, and "Check the Status of Your Deployment Using REST Resources"):
//! `POST metadata/deployRequest` (multipart: a `json` part with `deployOptions`, a `file` part
//! with the zip) → 201 `{id, deployOptions, deployResult{status: "Pending"}}`; each
//! `GET metadata/deployRequest/{id}[?includeDetails=true]` advances the deploy one step:
//! `InProgress`, then `Succeeded` / `SucceededPartial` / `Failed`, when the package is applied
//! (nothing is applied before; `checkOnly` never applies).
//!
//! Tests are simulated as passing (the emulator has no Apex runtime): the counts are the
//! `@IsTest` classes of the org (`RunLocalTests`, `RunAllTestsInOrg`, production default for
//! Apex) or `runTests` (`RunSpecifiedTests`). In production an Apex deploy with `NoTestRun` fails:
//! "NoTestRun … applies only to deployments to development environments" (Metadata API guide,
//! `meta_deploy_running_tests`; the error text itself is from memory, unverified). Production
//! deploys always roll back on any error (`rollbackOnError` must be true there, same guide).

mod apply;
mod multipart;
mod package;

use std::collections::HashMap;

use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use super::call::{Call, Exec, bad_request};
use super::errors::ApiError;
use super::reply::Reply;
use super::tooling::schema_changed;
use super::wire::wire_datetime;
use crate::emulator::dml::{Ctx, Tx};
use crate::emulator::model::ids::IdGenerator;
use package::Component;

/// Deploy requests of one emulator.
#[derive(Debug, Default)]
pub struct Deploys {
    ids: Option<IdGenerator>,
    deploys: HashMap<String, Deploy>,
}

/// One deploy request.
#[derive(Debug, Clone)]
pub struct Deploy {
    options: Value,
    created_by: String,
    created: String,
    api_version: f64,
    polls: u32,
    components: Result<Vec<Component>, String>,
    finished: Option<Finished>,
}

#[derive(Debug, Clone)]
struct Finished {
    status: &'static str,
    completed: String,
    error: Option<(String, String)>,
    successes: Vec<Value>,
    failures: Vec<Value>,
    tests: u64,
}

/// Route `metadata/…` (`rest` is what follows `metadata`).
pub fn dispatch(exec: &mut Exec<'_, '_>, call: &Call, rest: &[&str]) -> Result<Reply, ApiError> {
    match (rest, &call.method) {
        (["deployRequest"], &Method::POST) => create(exec, call),
        (["deployRequest", id], &Method::GET) => status(exec, call, id),
        (["deployRequest"], _) => Err(call.method_not_allowed(&["POST"])),
        (["deployRequest", _], _) => Err(call.method_not_allowed(&["GET"])),
        _ => Err(ApiError::not_found()),
    }
}

fn multipart_error(message: &str) -> ApiError {
    bad_request("INVALID_MULTIPART_REQUEST", message)
}

fn options(json: &Value) -> Value {
    let o = json.get("deployOptions").cloned().unwrap_or(json!({}));
    let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
    json!({
        "allowMissingFiles": flag("allowMissingFiles"),
        "autoUpdatePackage": flag("autoUpdatePackage"),
        "checkOnly": flag("checkOnly"),
        "ignoreWarnings": flag("ignoreWarnings"),
        "performRetrieve": flag("performRetrieve"),
        "purgeOnDelete": flag("purgeOnDelete"),
        "rollbackOnError": flag("rollbackOnError"),
        "runTests": o.get("runTests").cloned().unwrap_or(json!([])),
        "singlePackage": flag("singlePackage"),
        "testLevel": o.get("testLevel").cloned().unwrap_or(Value::Null),
    })
}

fn create(exec: &mut Exec<'_, '_>, call: &Call) -> Result<Reply, ApiError> {
    let ct = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multipart::boundary(ct)
        .ok_or_else(|| multipart_error("The request must be multipart/form-data"))?;
    let parts = multipart::parse(&call.body, &boundary)
        .ok_or_else(|| multipart_error("The multipart body cannot be read"))?;
    let json_part = parts
        .iter()
        .find(|p| p.name == "json")
        .ok_or_else(|| multipart_error("The request has no json part with deployOptions"))?;
    let json: Value = serde_json::from_slice(&json_part.bytes)
        .map_err(|e| ApiError::json_parser(format!("json part: {e}")))?;
    let zip = parts
        .iter()
        .find(|p| p.name == "file")
        .ok_or_else(|| multipart_error("The request has no file part with the zip"))?;
    let state = exec.state;
    let deploy = Deploy {
        options: options(&json),
        created_by: call.user_id.clone(),
        created: wire_datetime(state.clock.now()),
        api_version: call.version.parse().unwrap_or(59.0),
        polls: 0,
        components: package::read(&zip.bytes),
        finished: None,
    };
    let id = {
        let mut store = state.deploys.lock();
        let seed = state.org_id.len() as u64;
        let id = store
            .ids
            .get_or_insert_with(|| IdGenerator::new(seed))
            .next_id("0Af");
        store.deploys.insert(id.clone(), deploy.clone());
        id
    };
    let body = render(call, &id, &deploy, false);
    Ok(Reply::json(StatusCode::CREATED, body))
}

fn status(exec: &mut Exec<'_, '_>, call: &Call, id: &str) -> Result<Reply, ApiError> {
    let state = exec.state;
    let mut deploy = state
        .deploys
        .lock()
        .deploys
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    deploy.polls += 1;
    if deploy.polls >= 2 && deploy.finished.is_none() {
        deploy.finished = Some(finish(exec, &deploy));
    }
    state
        .deploys
        .lock()
        .deploys
        .insert(id.to_owned(), deploy.clone());
    let details = call.param("includeDetails") == Some("true");
    Ok(Reply::ok(render(call, id, &deploy, details)))
}

fn is_apex(c: &Component) -> bool {
    matches!(c, Component::Apex { .. })
}

/// Run the deploy: validate, apply in one transaction, keep or roll back.
fn finish(exec: &mut Exec<'_, '_>, d: &Deploy) -> Finished {
    let state = exec.state;
    let now = wire_datetime(state.clock.now());
    let fail = |code: &str, message: String| Finished {
        status: "Failed",
        completed: now.clone(),
        error: Some((code.to_owned(), message)),
        successes: Vec::new(),
        failures: Vec::new(),
        tests: 0,
    };
    let components = match &d.components {
        Ok(c) => c,
        Err(e) => return fail("INVALID_OPERATION", e.clone()),
    };
    let sandbox = exec.read(|org| org.identity.is_sandbox);
    let has_apex = components.iter().any(is_apex);
    let level = d.options["testLevel"]
        .as_str()
        .unwrap_or(if !sandbox && has_apex {
            "RunLocalTests"
        } else {
            "NoTestRun"
        });
    if !sandbox && has_apex && level == "NoTestRun" {
        return fail(
            "INVALID_OPERATION",
            "testLevel of NoTestRun cannot be used in production organizations".into(),
        );
    }
    let tests = match level {
        "RunSpecifiedTests" => d.options["runTests"].as_array().map_or(0, Vec::len) as u64,
        "RunLocalTests" | "RunAllTestsInOrg" => exec.read(|org| {
            org.records("ApexClass")
                .filter(|r| !r.is_deleted())
                .filter(|r| {
                    r.get("Body")
                        .and_then(Value::as_str)
                        .is_some_and(|b| b.to_ascii_lowercase().contains("@istest"))
                })
                .count() as u64
        }),
        _ => 0,
    };
    let check_only = d.options["checkOnly"].as_bool().unwrap_or(false);
    let rollback_on_error = !sandbox || d.options["rollbackOnError"].as_bool().unwrap_or(false);
    let ctx = Ctx {
        user_id: d.created_by.clone(),
        now: state.clock.now(),
    };
    let (successes, failures, mut changed, touched) = {
        let mut org = state.org.lock();
        let mut tx = Tx::begin(&mut org, ctx);
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        let mut changed = Vec::new();
        for c in components {
            let o = apply::apply(&mut tx, c, d.api_version);
            let entry = json!({
                "changed": o.problem.is_none(), "componentType": c.kind(), "created": o.created,
                "createdDate": now, "deleted": false, "fileName": c.file(), "fullName": c.full_name(),
                "id": if o.id.is_empty() { Value::Null } else { json!(o.id) },
                "problem": o.problem, "problemType": if o.problem.is_some() { json!("Error") } else { Value::Null },
                "success": o.problem.is_none(),
            });
            if o.problem.is_some() {
                failures.push(entry);
            } else {
                successes.push(entry);
                changed.extend(o.schema);
            }
        }
        let keep = !check_only && (failures.is_empty() || !rollback_on_error);
        let touched = if keep {
            tx.commit()
        } else {
            tx.rollback();
            changed.clear();
            Vec::new()
        };
        (successes, failures, changed, touched)
    };
    if !touched.is_empty() {
        state.persist(&touched);
    }
    changed.sort();
    changed.dedup();
    schema_changed(state, &changed);
    let status = match (
        failures.is_empty(),
        successes.is_empty() || rollback_on_error,
    ) {
        (true, _) => "Succeeded",
        (false, true) => "Failed",
        (false, false) => "SucceededPartial",
    };
    Finished {
        status,
        completed: now.clone(),
        error: None,
        successes,
        failures,
        tests,
    }
}

fn render(call: &Call, id: &str, d: &Deploy, details: bool) -> Value {
    let total = d.components.as_ref().map_or(0, Vec::len);
    let f = d.finished.as_ref();
    let status = match (f, d.polls) {
        (Some(f), _) => f.status,
        (None, 0) => "Pending",
        (None, _) => "InProgress",
    };
    let errors = f.map_or(0, |f| f.failures.len());
    let deployed = f.map_or(0, |f| {
        if f.status == "Failed" {
            0
        } else {
            f.successes.len()
        }
    });
    let tests = f.map_or(0, |f| f.tests);
    let check_only = d.options["checkOnly"].clone();
    let detail = match (details, f) {
        (true, Some(f)) => json!({
            "componentSuccesses": f.successes,
            "componentFailures": f.failures,
            "retrieveResult": Value::Null,
            "runTestResult": {
                "numFailures": 0, "numTestsRun": f.tests, "totalTime": 0.0,
                "successes": [], "failures": [], "codeCoverage": [], "codeCoverageWarnings": [],
            },
        }),
        (true, None) => {
            json!({"componentSuccesses": [], "componentFailures": [], "retrieveResult": Value::Null, "runTestResult": Value::Null})
        }
        (false, _) => Value::Null,
    };
    json!({
        "id": id,
        "url": format!("{}/metadata/deployRequest/{id}", call.base()),
        "validatedDeployRequestId": Value::Null,
        "deployOptions": d.options,
        "deployResult": {
            "id": id,
            "checkOnly": check_only,
            "canceledBy": Value::Null,
            "canceledByName": Value::Null,
            "completedDate": f.map(|f| f.completed.clone()),
            "createdBy": d.created_by,
            "createdByName": Value::Null,
            "createdDate": d.created,
            "details": detail,
            "done": f.is_some(),
            "errorMessage": f.and_then(|f| f.error.as_ref().map(|e| e.1.clone())),
            "errorStatusCode": f.and_then(|f| f.error.as_ref().map(|e| e.0.clone())),
            "ignoreWarnings": d.options["ignoreWarnings"],
            "lastModifiedDate": f.map_or_else(|| d.created.clone(), |f| f.completed.clone()),
            "numberComponentErrors": errors,
            "numberComponentsDeployed": deployed,
            "numberComponentsTotal": total,
            "numberTestErrors": 0,
            "numberTestsCompleted": tests,
            "numberTestsTotal": tests,
            "rollbackOnError": d.options["rollbackOnError"],
            "runTestsEnabled": tests > 0,
            "startDate": (d.polls > 0).then(|| d.created.clone()),
            "stateDetail": Value::Null,
            "status": status,
            "success": matches!(status, "Succeeded" | "SucceededPartial"),
        }
    })
}
