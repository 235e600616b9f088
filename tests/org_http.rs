//! Request execution: refresh once on INVALID_SESSION_ID, retries of transient failures,
//! permanent errors, the retry budget, idempotency rules and usage tracking.

mod org_support;

use org_support::{config, data, fixture, hits, token_body, token_client};
use orgsync::org::usage::UsagePair;
use orgsync::org::{Auth, CallClass, OrgClient, OrgError};
use secrecy::SecretString;
use serde_json::{Map, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/services/oauth2/token";

fn expired() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_string(fixture("restforce/expired_session_response.json"))
}

fn describe_global() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(fixture("camel/describe-global.json"))
}

fn refresh_auth() -> Auth {
    Auth::RefreshToken {
        client_id: "cid".into(),
        client_secret: Some(SecretString::from("cs")),
        refresh_token: SecretString::from("rt"),
        login_url: None,
    }
}

async fn mount_tokens(server: &MockServer, first: &str, later: &str) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(server, first)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(server, later)))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn refreshes_once_on_invalid_session_then_repeats_the_call() {
    let server = MockServer::start().await;
    mount_tokens(&server, "old", "new").await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .and(header("authorization", "Bearer old"))
        .respond_with(expired())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .and(header("authorization", "Bearer new"))
        .respond_with(describe_global())
        .mount(&server)
        .await;
    let client = OrgClient::new(config(&server, refresh_auth(), 3)).unwrap();
    let global = client.describe_global().await.unwrap();
    assert!(global.sobjects.iter().any(|o| o.name == "Account"));
    assert_eq!(hits(&server, TOKEN_PATH).await, 2);
    assert_eq!(hits(&server, &data("/sobjects/")).await, 2);
    // The refreshed session is kept: the next call goes straight through.
    client.describe_global().await.unwrap();
    assert_eq!(hits(&server, TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn a_second_rejection_is_not_refreshed_again() {
    let server = MockServer::start().await;
    mount_tokens(&server, "old", "new").await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(expired())
        .mount(&server)
        .await;
    let client = OrgClient::new(config(&server, refresh_auth(), 3)).unwrap();
    let err = client.describe_global().await.unwrap_err();
    assert!(
        matches!(err, OrgError::SessionRejectedAfterRefresh),
        "{err:?}"
    );
    assert_eq!(
        hits(&server, TOKEN_PATH).await,
        2,
        "initial login + exactly one refresh"
    );
    assert_eq!(hits(&server, &data("/sobjects/")).await, 2);
}

#[tokio::test]
async fn access_token_cannot_refresh_and_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(expired())
        .mount(&server)
        .await;
    let client = token_client(&server, 3);
    let err = client.describe_global().await.unwrap_err();
    assert!(matches!(err, OrgError::SessionNotRefreshable));
    assert!(
        err.to_string()
            .contains("access-token auth method cannot refresh")
    );
    assert_eq!(hits(&server, &data("/sobjects/")).await, 1);
    assert_eq!(hits(&server, TOKEN_PATH).await, 0);
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(
            ResponseTemplate::new(503).set_body_string("<html>Service Unavailable</html>"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!([{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}])),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(describe_global())
        .with_priority(3)
        .mount(&server)
        .await;
    let client = token_client(&server, 5);
    assert!(client.describe_global().await.is_ok());
    assert_eq!(hits(&server, &data("/sobjects/")).await, 3);
    assert_eq!(
        client.usage().calls[&CallClass::Rest],
        3,
        "each attempt is an API call"
    );
}

#[tokio::test]
async fn permanent_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Nope__c/describe")))
        .respond_with(ResponseTemplate::new(404).set_body_string(fixture(
            "restforce/sobject__sobject_describe_error_response.json",
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!([{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}])),
        )
        .mount(&server)
        .await;
    let client = token_client(&server, 5);
    let err = client.describe("Nope__c").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.error_codes(), ["NOT_FOUND"]);
    assert!(!err.is_transient());
    assert_eq!(hits(&server, &data("/sobjects/Nope__c/describe")).await, 1);
    let err = client.limits().await.unwrap_err();
    assert!(err.is_daily_limit_exceeded());
    assert_eq!(
        hits(&server, &data("/limits")).await,
        1,
        "the daily limit is surfaced, not hammered"
    );
}

#[tokio::test]
async fn the_retry_budget_runs_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/sobjects/")))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!([{"errorCode":"SERVER_UNAVAILABLE","message":"busy"}])),
        )
        .mount(&server)
        .await;
    let client = token_client(&server, 4);
    let err = client.describe_global().await.unwrap_err();
    match &err {
        OrgError::RetriesExhausted { attempts, last } => {
            assert_eq!(*attempts, 4);
            assert_eq!(last.error_codes(), ["SERVER_UNAVAILABLE"]);
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert!(
        err.is_transient(),
        "still transient for the sync engine's own queue"
    );
    assert_eq!(hits(&server, &data("/sobjects/")).await, 4);
}

#[tokio::test]
async fn creates_are_not_retried_after_an_ambiguous_failure_but_are_after_a_rollback() {
    let server = MockServer::start().await;
    let create_path = data("/sobjects/Account/");
    Mock::given(method("POST"))
        .and(path(create_path.as_str()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(create_path.as_str()))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!([{"errorCode":"UNABLE_TO_LOCK_ROW","message":"locked"}])),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(create_path.as_str()))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_string(fixture("restforce/sobject__create_success_response.json")),
        )
        .with_priority(3)
        .mount(&server)
        .await;
    let client = token_client(&server, 5);
    let mut fields = Map::new();
    fields.insert("Name".into(), json!("Acme"));
    // 503 after sending: the create may have happened, so it is not repeated.
    let err = client.create("Account", &fields).await.unwrap_err();
    assert!(matches!(err, OrgError::Http { status: 503 }));
    assert_eq!(hits(&server, &create_path).await, 1);
    // UNABLE_TO_LOCK_ROW: Salesforce rolled it back, so repeating is safe.
    let saved = client.create("Account", &fields).await.unwrap();
    assert_eq!(saved.id.as_deref(), Some("some_id"));
    assert_eq!(hits(&server, &create_path).await, 3);
}

#[tokio::test]
async fn connection_refused_is_transient_and_retried() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cfg = orgsync::org::OrgConfig::new(
        url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        Auth::AccessToken {
            access_token: SecretString::from("tok"),
        },
    );
    cfg.retry = orgsync::org::RetryPolicy::fast(3);
    let client = OrgClient::new(cfg).unwrap();
    let err = client.limits().await.unwrap_err();
    let OrgError::RetriesExhausted { attempts, last } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*attempts, 3);
    assert!(matches!(
        **last,
        OrgError::Transport {
            kind: orgsync::org::TransportKind::Connect,
            ..
        }
    ));
    assert_eq!(client.usage().calls[&CallClass::Rest], 3);
}

#[tokio::test]
async fn usage_is_tracked_from_sforce_limit_info() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Sforce-Limit-Info",
                    "api-usage=18/5000; per-app-api-usage=3/250(appName=orgsync)",
                )
                .set_body_string(fixture("telegraf/limits.json")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Sforce-Limit-Info", "api-usage=19/5000")
                .set_body_string(fixture("camel/limits.json")),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = token_client(&server, 1);
    let first = client.limits().await.unwrap();
    assert_eq!(
        first.get("DailyApiRequests").unwrap().per_app["Workbench"].max,
        0
    );
    let usage = client.usage();
    assert_eq!(
        usage.latest.api_usage,
        Some(UsagePair {
            used: 18,
            max: 5000
        })
    );
    assert_eq!(usage.latest.per_app.as_ref().unwrap().1, "orgsync");
    client.limits().await.unwrap();
    let usage = client.usage();
    assert_eq!(
        usage.latest.api_usage,
        Some(UsagePair {
            used: 19,
            max: 5000
        })
    );
    assert_eq!(usage.calls[&CallClass::Rest], 2);
    assert_eq!(usage.total_calls(), 2);
}
