//! OAuth 2.0 JWT bearer flow (reference §2.1): an RS256-signed assertion with `iss` = consumer
//! key, `sub` = username, `aud` = login URL, `exp` = now + 3 minutes (simple-salesforce uses the
//! same lifetime), posted as `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use super::Grant;
use super::token::{plain, request};
use crate::org::error::OrgError;
use crate::org::http::HttpCore;

/// The grant type of the JWT bearer flow.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How long an assertion is valid.
pub const LIFETIME_SECONDS: i64 = 180;

/// The assertion's claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Consumer key of the connected app.
    pub iss: String,
    /// Username of the integration user.
    pub sub: String,
    /// Login URL the token is meant for.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

impl Claims {
    /// Claims expiring [`LIFETIME_SECONDS`] after `now`.
    pub fn new(client_id: &str, username: &str, audience: &str, now: DateTime<Utc>) -> Self {
        Self {
            iss: client_id.to_owned(),
            sub: username.to_owned(),
            aud: audience.to_owned(),
            exp: now.timestamp() + LIFETIME_SECONDS,
        }
    }
}

/// Signs the claims with an RSA private key in PEM form (PKCS#8 or PKCS#1).
pub fn sign(claims: &Claims, private_key_pem: &SecretString) -> Result<SecretString, OrgError> {
    let key =
        EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes()).map_err(|_| {
            OrgError::Config("the JWT private key is not an RSA private key in PEM form".into())
        })?;
    let token =
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).map_err(|_| {
            OrgError::Config("the JWT assertion could not be signed with the private key".into())
        })?;
    Ok(SecretString::from(token))
}

/// Exchanges a signed assertion for a token.
pub(crate) async fn exchange(
    core: &HttpCore,
    login_url: &Url,
    assertion: SecretString,
) -> Result<Grant, OrgError> {
    request(
        core,
        login_url,
        vec![("grant_type", plain(GRANT_TYPE)), ("assertion", assertion)],
    )
    .await
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn claims_expire_three_minutes_later() {
        let now = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
        let c = Claims::new("cid", "u@x.com", "https://login.salesforce.com", now);
        assert_eq!(c.exp - now.timestamp(), 180);
        assert_eq!((c.iss.as_str(), c.sub.as_str()), ("cid", "u@x.com"));
    }

    #[test]
    fn a_bad_key_is_a_config_error_that_does_not_echo_it() {
        let claims = Claims::new("c", "u", "a", Utc::now());
        let err = sign(&claims, &SecretString::from("not-a-key-SECRETBITS")).unwrap_err();
        assert!(matches!(err, OrgError::Config(_)));
        assert!(!err.to_string().contains("SECRETBITS"));
    }
}
