//! OAuth flows, identity and sessions against the router.

#[path = "common/emulator.rs"]
mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use base64::Engine;
use common::{TOKEN, options, send_with};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use orgsync::emulator::{EmulatorState, app};
use serde_json::{Value, json};

async fn token(app: &Router, form: &str, basic: Option<&str>) -> (StatusCode, Value) {
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    let auth;
    if let Some(b) = basic {
        auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(b)
        );
        headers.push(("authorization", auth.as_str()));
    }
    let a = send_with(
        app,
        Method::POST,
        "/services/oauth2/token",
        None,
        &headers,
        Some(form),
    )
    .await;
    (a.status, a.json())
}

fn router_with(opts: orgsync::emulator::EmulatorOptions) -> (EmulatorState, Router) {
    let state = EmulatorState::new(opts);
    state.set_instance_url("http://127.0.0.1:1234");
    (state.clone(), app(state))
}

#[tokio::test]
async fn client_credentials_in_body_or_basic_issue_working_tokens() {
    let (s, app) = router_with(options(1));
    let (status, body) = token(
        &app,
        "grant_type=client_credentials&client_id=test-client-id&client_secret=test-client-secret",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tok = body["access_token"].as_str().unwrap().to_owned();
    assert!(tok.starts_with("00D000000000001!AQ"));
    assert_ne!(tok, TOKEN);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["instance_url"], "http://127.0.0.1:1234");
    let issued = body["issued_at"].as_str().unwrap();
    assert!(issued.parse::<u64>().unwrap() > 1_600_000_000_000);
    assert!(body["id"].as_str().unwrap().ends_with(&format!(
        "/id/{}/{}",
        s.org_id, s.credentials.default_user.id
    )));
    let lim = send_with(
        &app,
        Method::GET,
        "/services/data/v59.0/limits",
        Some(&tok),
        &[],
        None,
    )
    .await;
    assert_eq!(lim.status, StatusCode::OK);

    let (status, _) = token(
        &app,
        "grant_type=client_credentials",
        Some("test-client-id:test-client-secret"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = token(
        &app,
        "grant_type=client_credentials",
        Some("test-client-id:wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error":"invalid_client","error_description":"invalid client credentials"})
    );
    let (_, body) = token(
        &app,
        "grant_type=client_credentials&client_id=x&client_secret=y",
        None,
    )
    .await;
    assert_eq!(body["error"], "invalid_client_id");
    let (_, body) = token(&app, "grant_type=magic", None).await;
    assert_eq!(
        body,
        json!({"error":"unsupported_grant_type","error_description":"grant type not supported"})
    );
}

#[tokio::test]
async fn password_and_refresh_token_grants() {
    let (s, app) = router_with(options(1));
    let user = s.credentials.default_user.username.clone();
    let (status, body) = token(&app, &format!("grant_type=password&client_id=test-client-id&client_secret=test-client-secret&username={user}&password=pw"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = token(
        &app,
        &format!("grant_type=password&client_id=test-client-id&username={user}&password=wrong"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error":"invalid_grant","error_description":"authentication failure"})
    );

    let (status, body) = token(
        &app,
        "grant_type=refresh_token&client_id=test-client-id&refresh_token=5Aep861test.refresh",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none());
    let (_, body) = token(
        &app,
        "grant_type=refresh_token&client_id=test-client-id&refresh_token=nope",
        None,
    )
    .await;
    assert_eq!(
        body,
        json!({"error":"invalid_grant","error_description":"expired access/refresh token"})
    );
}

#[tokio::test]
async fn issued_tokens_expire_and_can_be_revoked() {
    let (s, app) = router_with(options(1));
    let (_, body) = token(
        &app,
        "grant_type=client_credentials&client_id=test-client-id&client_secret=test-client-secret",
        None,
    )
    .await;
    let tok = body["access_token"].as_str().unwrap().to_owned();
    let r = send_with(
        &app,
        Method::POST,
        "/services/oauth2/revoke",
        None,
        &[("content-type", "application/x-www-form-urlencoded")],
        Some(&format!("token={tok}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let a = send_with(
        &app,
        Method::GET,
        "/services/data/v59.0/limits",
        Some(&tok),
        &[],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()[0]["errorCode"], "INVALID_SESSION_ID");

    let (_, body) = token(
        &app,
        "grant_type=client_credentials&client_id=test-client-id&client_secret=test-client-secret",
        None,
    )
    .await;
    let tok = body["access_token"].as_str().unwrap().to_owned();
    s.clock.advance_seconds(3 * 3600);
    let a = send_with(
        &app,
        Method::GET,
        "/services/data/v59.0/limits",
        Some(&tok),
        &[],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // the static token never expires
    let a = send_with(
        &app,
        Method::GET,
        "/services/data/v59.0/limits",
        Some(TOKEN),
        &[],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn userinfo_and_identity_url() {
    let (s, app) = router_with(options(1));
    let u = send_with(
        &app,
        Method::GET,
        "/services/oauth2/userinfo",
        Some(TOKEN),
        &[],
        None,
    )
    .await
    .json();
    assert_eq!(u["organization_id"], s.org_id);
    assert_eq!(u["user_id"], s.credentials.default_user.id);
    assert_eq!(u["preferred_username"], s.credentials.default_user.username);
    let path = format!(
        "/id/{}/{}?format=json",
        s.org_id, s.credentials.default_user.id
    );
    let i = send_with(&app, Method::GET, &path, Some(TOKEN), &[], None).await;
    assert_eq!(i.status, StatusCode::OK);
    let i = i.json();
    assert_eq!(i["username"], s.credentials.default_user.username);
    assert_eq!(
        i["urls"]["rest"],
        "http://127.0.0.1:1234/services/data/v{version}/"
    );
    let bad = send_with(&app, Method::GET, &path, Some("nope"), &[], None).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
}

fn rsa_key() -> rcgen::KeyPair {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap()
}

fn assertion(key: &rcgen::KeyPair, claims: &Value) -> String {
    let enc = EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &enc).unwrap()
}

#[tokio::test]
async fn jwt_bearer_verifies_the_signature_against_the_configured_certificate() {
    let key = rsa_key();
    let cert = rcgen::CertificateParams::new(vec!["orgsync".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let mut opts = options(1);
    opts.jwt_certificate_pem = Some(cert.pem());
    let (s, app) = router_with(opts);
    let exp = chrono::Utc::now().timestamp() + 180;
    let user = s.credentials.default_user.username.clone();
    let good =
        json!({"iss":"test-client-id","sub":user,"aud":"https://login.salesforce.com","exp":exp});
    let form = |a: &str| {
        format!("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={a}")
    };
    let (status, body) = token(&app, &form(&assertion(&key, &good)), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access_token"].as_str().unwrap().contains("!AQ"));
    assert!(body.get("refresh_token").is_none());

    let other = rsa_key();
    let (status, body) = token(&app, &form(&assertion(&other, &good)), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error":"invalid_grant","error_description":"invalid assertion"})
    );

    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("https://evil.example");
    let (_, body) = token(&app, &form(&assertion(&key, &wrong_aud)), None).await;
    assert_eq!(body["error_description"], "audience is invalid");

    let mut expired = good.clone();
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 10);
    let (_, body) = token(&app, &form(&assertion(&key, &expired)), None).await;
    assert_eq!(body["error"], "invalid_grant");

    let mut stranger = good.clone();
    stranger["sub"] = json!("nobody@nowhere.example");
    let (_, body) = token(&app, &form(&assertion(&key, &stranger)), None).await;
    assert_eq!(
        body["error_description"],
        "user hasn't approved this consumer"
    );
}

#[tokio::test]
async fn jwt_bearer_without_a_certificate_accepts_any_well_formed_assertion() {
    let (s, app) = router_with(options(1));
    let key = rsa_key();
    let claims = json!({"iss":"test-client-id","sub":s.credentials.default_user.username,"aud":"https://test.salesforce.com","exp":chrono::Utc::now().timestamp() + 60});
    let form = format!(
        "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion={}",
        assertion(&key, &claims)
    );
    let (status, _) = token(&app, &form, None).await;
    assert_eq!(status, StatusCode::OK);
    let mut wrong_iss = claims.clone();
    wrong_iss["iss"] = json!("someone-else");
    let form = format!(
        "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion={}",
        assertion(&key, &wrong_iss)
    );
    let (status, _) = token(&app, &form, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, body) = token(
        &app,
        "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=not.a.jwt",
        None,
    )
    .await;
    assert_eq!(body["error_description"], "invalid assertion");
}
