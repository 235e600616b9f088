//! Auth flows of the Salesforce client against a wiremock token endpoint.

mod org_support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use org_support::{config, data, form, hits, token_body};
use orgsync::org::auth::jwt::{Claims, GRANT_TYPE};
use orgsync::org::{Auth, FixedClock, OrgClient, OrgError};
use secrecy::SecretString;
use url::Url;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN_PATH: &str = "/services/oauth2/token";

async fn mount_limits(server: &MockServer, bearer: &str) {
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(org_support::fixture("camel/limits.json")),
        )
        .mount(server)
        .await;
}

/// Accepts a JWT-bearer form only when the assertion verifies with `public_pem`.
struct ValidAssertion {
    public_pem: String,
    expected: Claims,
}

impl wiremock::Match for ValidAssertion {
    fn matches(&self, request: &Request) -> bool {
        let f = form(&request.body);
        if f.get("grant_type").map(String::as_str) != Some(GRANT_TYPE) {
            return false;
        }
        let Some(assertion) = f.get("assertion") else {
            return false;
        };
        let key = DecodingKey::from_rsa_pem(self.public_pem.as_bytes()).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false; // the clock is fixed in the past; exp is checked below
        validation.set_audience(&[&self.expected.aud]);
        validation.set_issuer(&[&self.expected.iss]);
        match jsonwebtoken::decode::<Claims>(assertion, &key, &validation) {
            Ok(data) => data.claims == self.expected && data.header.alg == Algorithm::RS256,
            Err(_) => false,
        }
    }
}

#[tokio::test]
async fn jwt_bearer_signs_a_verifiable_assertion() {
    let server = MockServer::start().await;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 11, 21, 12, 0, 0).unwrap();
    let audience = Url::parse(&server.uri())
        .unwrap()
        .origin()
        .ascii_serialization();
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(ValidAssertion {
            public_pem: key.public_key_pem(),
            expected: Claims {
                iss: "3MVG9client".into(),
                sub: "orgsync@acme.com".into(),
                aud: audience,
                exp: now.timestamp() + 180,
            },
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(&server, "jwt-token")))
        .expect(1)
        .mount(&server)
        .await;
    mount_limits(&server, "jwt-token").await;
    let auth = Auth::JwtBearer {
        client_id: "3MVG9client".into(),
        username: "orgsync@acme.com".into(),
        private_key: SecretString::from(key.serialize_pem()),
        login_url: None,
        audience: None,
    };
    let client =
        OrgClient::with_clock(config(&server, auth, 1), Arc::new(FixedClock(now))).unwrap();
    let limits = client.limits().await.unwrap();
    assert_eq!(limits.get("DailyApiRequests").unwrap().max, 15000);
}

#[tokio::test]
async fn client_credentials_posts_id_and_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(|r: &Request| {
            let f = form(&r.body);
            f["grant_type"] == "client_credentials"
                && f["client_id"] == "cid"
                && f["client_secret"] == "csecret"
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(&server, "cc-token")))
        .expect(1)
        .mount(&server)
        .await;
    mount_limits(&server, "cc-token").await;
    let auth = Auth::ClientCredentials {
        client_id: "cid".into(),
        client_secret: SecretString::from("csecret"),
        login_url: None,
    };
    let client = OrgClient::new(config(&server, auth, 1)).unwrap();
    assert!(client.limits().await.is_ok());
    assert_eq!(client.usage().calls[&orgsync::org::CallClass::Auth], 1);
}

#[tokio::test]
async fn refresh_token_grant_and_sfdx_auth_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(|r: &Request| {
            let f = form(&r.body);
            f["grant_type"] == "refresh_token"
                && f["refresh_token"] == "5Aep861rt"
                && f["client_id"] == "PlatformCLI"
                && !f.contains_key("client_secret")
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(&server, "rt-token")))
        .expect(2)
        .mount(&server)
        .await;
    mount_limits(&server, "rt-token").await;

    let refresh = Auth::RefreshToken {
        client_id: "PlatformCLI".into(),
        client_secret: None,
        refresh_token: SecretString::from("5Aep861rt"),
        login_url: None,
    };
    let client = OrgClient::new(config(&server, refresh, 1)).unwrap();
    assert!(client.limits().await.is_ok());

    let sfdx = Auth::SfdxAuthUrl {
        url: SecretString::from(format!("force://PlatformCLI::5Aep861rt@{}", server.uri())),
    };
    // A bogus instance URL: the sfdx URL's host is where the grant goes, and the token's
    // instance_url is where the data calls go.
    let mut cfg = config(&server, sfdx, 1);
    cfg.instance_url = Url::parse("https://unused.invalid").unwrap();
    let client = OrgClient::new(cfg).unwrap();
    assert!(client.limits().await.is_ok());
    assert_eq!(
        client
            .connect()
            .await
            .unwrap()
            .as_str()
            .trim_end_matches('/'),
        server.uri()
    );
}

#[tokio::test]
async fn access_token_is_used_as_is() {
    let server = MockServer::start().await;
    mount_limits(&server, "tok").await;
    let client = org_support::token_client(&server, 1);
    assert!(client.limits().await.is_ok());
    assert_eq!(hits(&server, TOKEN_PATH).await, 0);
}

#[tokio::test]
async fn oauth_errors_are_surfaced_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(org_support::fixture(
                "restforce/refresh_error_response.json",
            )),
        )
        .mount(&server)
        .await;
    let auth = Auth::ClientCredentials {
        client_id: "cid".into(),
        client_secret: SecretString::from("TOPSECRET-cs"),
        login_url: None,
    };
    let client = OrgClient::new(config(&server, auth, 3)).unwrap();
    let err = client.limits().await.unwrap_err();
    assert!(
        matches!(err, OrgError::OAuth { status: 400, ref error, .. } if error == "invalid_grant")
    );
    assert_eq!(
        err.to_string(),
        "the token request was refused (HTTP 400): invalid_grant: expired access/refresh token"
    );
    assert!(!format!("{err:?}").contains("TOPSECRET"));
    assert_eq!(
        hits(&server, TOKEN_PATH).await,
        1,
        "a refused grant is permanent: not retried"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output() {
    let server = MockServer::start().await;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let pem = key.serialize_pem();
    let auths = [
        Auth::JwtBearer {
            client_id: "c".into(),
            username: "u".into(),
            private_key: SecretString::from(pem.clone()),
            login_url: None,
            audience: None,
        },
        Auth::ClientCredentials {
            client_id: "c".into(),
            client_secret: SecretString::from("SECRET-client-secret"),
            login_url: None,
        },
        Auth::RefreshToken {
            client_id: "c".into(),
            client_secret: Some(SecretString::from("SECRET-client-secret")),
            refresh_token: SecretString::from("SECRET-refresh"),
            login_url: None,
        },
        Auth::AccessToken {
            access_token: SecretString::from("SECRET-access"),
        },
        Auth::SfdxAuthUrl {
            url: SecretString::from("force://c:SECRET-client-secret:SECRET-refresh@host"),
        },
    ];
    let key_body = pem.lines().nth(1).unwrap().to_owned();
    for auth in auths {
        let cfg = config(&server, auth, 1);
        let client = OrgClient::new(cfg.clone()).unwrap();
        for text in [
            format!("{cfg:?}"),
            format!("{client:?}"),
            format!("{:?}", cfg.auth),
        ] {
            assert!(!text.contains("SECRET-"), "{text}");
            assert!(!text.contains(&key_body), "private key leaked");
        }
    }
}
