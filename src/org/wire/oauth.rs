//! OAuth token endpoint bodies, reference §2.1. Only `access_token` and `instance_url` are
//! required; every other key is optional and unknown keys are ignored.

use std::fmt;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

/// A successful token response.
#[derive(Deserialize)]
pub struct TokenResponse {
    /// The bearer token.
    #[serde(deserialize_with = "secret")]
    pub access_token: SecretString,
    /// Where API calls go (the My Domain URL).
    pub instance_url: String,
    /// Identity URL ending in `/{orgId}/{userId}`.
    #[serde(default)]
    pub id: Option<String>,
    /// Epoch milliseconds as a string.
    #[serde(default)]
    pub issued_at: Option<String>,
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Granted scopes.
    #[serde(default)]
    pub scope: Option<String>,
    /// A new refresh token (only some flows and rotation settings return one).
    #[serde(default, deserialize_with = "opt_secret")]
    pub refresh_token: Option<SecretString>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("instance_url", &self.instance_url)
            .field("id", &self.id)
            .field("issued_at", &self.issued_at)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    String::deserialize(deserializer).map(SecretString::from)
}

fn opt_secret<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(SecretString::from))
}

/// An OAuth error: `{"error":"invalid_grant","error_description":"authentication failure"}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthErrorBody {
    /// Machine code (`invalid_grant`, `invalid_client_id`, ...).
    #[serde(default)]
    pub error: String,
    /// Human description; contains no secrets.
    #[serde(default)]
    pub error_description: String,
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn token_fixtures_parse_and_debug_hides_the_token() {
        let t: TokenResponse =
            serde_json::from_str(&fixture("auth_success_response.json")).unwrap();
        assert_eq!(t.instance_url, "https://na1.salesforce.com");
        assert!(
            t.access_token
                .expose_secret()
                .starts_with("00Dx0000000BV7z!")
        );
        assert_eq!(t.issued_at.as_deref(), Some("1278448832702"));
        assert!(!format!("{t:?}").contains("00Dx0000000BV7z!"));
        let r: TokenResponse =
            serde_json::from_str(&fixture("refresh_success_response.json")).unwrap();
        assert_eq!(r.access_token.expose_secret(), "refreshed_access_token");
        let re: TokenResponse =
            serde_json::from_str(&fixture("reauth_success_response.json")).unwrap();
        assert_eq!(re.access_token.expose_secret(), "new_access_token");
        let minimal: TokenResponse =
            serde_json::from_str(r#"{"access_token":"x","instance_url":"https://h"}"#).unwrap();
        assert!(minimal.id.is_none() && minimal.refresh_token.is_none());
    }

    #[test]
    fn oauth_error_fixtures() {
        let e: OAuthErrorBody = serde_json::from_str(&fixture("auth_error_response.json")).unwrap();
        assert_eq!(e.error, "invalid_grant");
        assert!(e.error_description.starts_with("authentication failure"));
        let r: OAuthErrorBody =
            serde_json::from_str(&fixture("refresh_error_response.json")).unwrap();
        assert_eq!(r.error_description, "expired access/refresh token");
    }
}
