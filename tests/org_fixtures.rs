//! Every captured Salesforce response in `../shared/fixtures/salesforce/` parses with the
//! client's wire type for it. A new fixture without an entry here fails the test, so nothing
//! captured goes untested.

use std::path::Path;

use orgsync::org::wire::{
    ApiErrorItem, CompositeResponse, DeletedResult, DescribeGlobal, Limits, OAuthErrorBody,
    QueryPage, Record, SObjectDescribe, SaveResult, TokenResponse, UpdatedResult, VersionInfo,
};

fn parse_as(name: &str, text: &str) -> Result<(), String> {
    let e = |r: Result<(), serde_json::Error>| r.map_err(|e| format!("{name}: {e}"));
    let kind = name.trim_end_matches(".json");
    match kind {
        k if k.ends_with("-describe")
            || k == "restforce/sobject__sobject_describe_success_response" =>
        {
            e(serde_json::from_str::<SObjectDescribe>(text)
                .map(|d| assert!(!d.fields.is_empty(), "{name}")))
        }
        "camel/describe-global"
        | "restforce/sobject__describe_sobjects_success_response"
        | "restforce/sobject__list_sobjects_success_response" => e(serde_json::from_str::<
            DescribeGlobal,
        >(text)
        .map(|g| assert!(!g.sobjects.is_empty()))),
        "camel/limits" | "telegraf/limits" => e(serde_json::from_str::<Limits>(text)
            .map(|l| assert!(l.get("DailyApiRequests").is_some_and(|d| d.max > 0)))),
        k if k.starts_with("camel/composite-response") => {
            e(serde_json::from_str::<CompositeResponse>(text)
                .map(|c| assert_eq!(c.composite_response.len(), 2)))
        }
        "restforce/auth_success_response"
        | "restforce/reauth_success_response"
        | "restforce/refresh_success_response" => e(serde_json::from_str::<TokenResponse>(text)
            .map(|t| assert!(t.instance_url.starts_with("https://")))),
        "restforce/auth_error_response" | "restforce/refresh_error_response" => {
            e(serde_json::from_str::<OAuthErrorBody>(text)
                .map(|o| assert_eq!(o.error, "invalid_grant")))
        }
        // A 300 body: record URLs, despite the file name.
        "restforce/sobject__upsert_multiple_error_response" => {
            e(serde_json::from_str::<Vec<String>>(text).map(|u| assert_eq!(u.len(), 2)))
        }
        k if k.ends_with("error_response") || k == "restforce/expired_session_response" => {
            e(serde_json::from_str::<Vec<ApiErrorItem>>(text)
                .map(|v| assert!(!v.is_empty() && !v[0].error_code.is_empty(), "{name}")))
        }
        "restforce/services_data_success_response" => {
            e(serde_json::from_str::<Vec<VersionInfo>>(text)
                .map(|v| assert!(v[0].version.is_some())))
        }
        "restforce/sobject__create_success_response"
        | "restforce/sobject__upsert_created_success_response" => {
            e(serde_json::from_str::<SaveResult>(text)
                .map(|r| assert!(r.success && r.id.is_some())))
        }
        "restforce/sobject__upsert_updated_success_response" => {
            assert!(text.is_empty(), "stands for a 204 without body");
            Ok(())
        }
        "restforce/sobject__get_updated_success_response" => {
            e(serde_json::from_str::<UpdatedResult>(text)
                .map(|u| assert!(u.latest_date_covered.is_some())))
        }
        "restforce/sobject__get_deleted_success_response" => {
            e(serde_json::from_str::<DeletedResult>(text)
                .map(|d| assert!(d.earliest_date_available.is_some())))
        }
        k if k.starts_with("restforce/sobject__query")
            || k == "restforce/sobject__org_query_response" =>
        {
            e(serde_json::from_str::<QueryPage>(text)
                .map(|p| assert!(p.records.len() as u64 <= p.total_size)))
        }
        "restforce/sobject__sobject_find_success_response"
        | "restforce/sobject__sobject_select_success_response" => {
            e(serde_json::from_str::<Record>(text).map(|r| assert_eq!(r.id(), Some("23foo"))))
        }
        "restforce/sobject__recent_success_response"
        | "restforce/sobject__search_success_response" => e(serde_json::from_str::<Vec<Record>>(
            text,
        )
        .map(|r| assert_eq!(r[1].id(), Some("bar")))),
        // List views are not part of orgsync's API surface; the file only has to be JSON.
        "restforce/sobject__list_view_results_success_response" => {
            e(serde_json::from_str::<serde_json::Value>(text).map(|_| ()))
        }
        _ => Err(format!(
            "{name}: no parser assigned; add it to tests/org_fixtures.rs"
        )),
    }
}

#[test]
fn every_captured_fixture_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/salesforce");
    let mut seen = 0;
    let mut failures = Vec::new();
    for dir in ["camel", "restforce", "telegraf"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&path).unwrap();
            seen += 1;
            if let Err(e) = parse_as(&name, &text) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(seen, 44, "fixture count changed: review the mapping");
}
