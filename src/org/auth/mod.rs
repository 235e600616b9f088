//! Auth flows (SPEC.md `auth.method`), one file per flow, all ending in a [`Grant`].
//!
//! | method | flow |
//! |---|---|
//! | `jwt-bearer` | [`jwt`]: RS256 assertion → `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` |
//! | `client-credentials` | [`client_credentials`]: `grant_type=client_credentials` |
//! | `refresh-token` | [`refresh_token`]: `grant_type=refresh_token` |
//! | `access-token` | used as is; cannot be refreshed |
//! | `sfdx-auth-url` | [`sfdx_url`] parses the URL, then the refresh-token flow |

pub mod client_credentials;
pub mod jwt;
pub mod refresh_token;
pub mod sfdx_url;
pub mod token;

use secrecy::SecretString;
use url::Url;

use crate::org::clock::Clock;
use crate::org::config::{Auth, OrgConfig};
use crate::org::error::OrgError;
use crate::org::http::HttpCore;

/// What a successful login yields.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The bearer token.
    pub access_token: SecretString,
    /// Where API calls go.
    pub instance_url: Url,
    /// A rotated refresh token, when the server issued one.
    pub refresh_token: Option<SecretString>,
}

/// Obtains a token with the configured method. `rotated` is a refresh token a previous grant
/// returned (refresh-token rotation); it replaces the configured one when present.
pub(crate) async fn obtain(
    core: &HttpCore,
    config: &OrgConfig,
    clock: &dyn Clock,
    rotated: Option<&SecretString>,
) -> Result<Grant, OrgError> {
    let login = |explicit: &Option<Url>| {
        explicit
            .clone()
            .unwrap_or_else(|| config.instance_url.clone())
    };
    match &config.auth {
        Auth::AccessToken { access_token } => Ok(Grant {
            access_token: access_token.clone(),
            instance_url: config.instance_url.clone(),
            refresh_token: None,
        }),
        Auth::JwtBearer {
            client_id,
            username,
            private_key,
            login_url,
            audience,
        } => {
            let login_url = login(login_url);
            let audience = audience
                .clone()
                .unwrap_or_else(|| crate::org::config::default_audience(&config.instance_url));
            let claims = jwt::Claims::new(client_id, username, &audience, clock.now());
            let assertion = jwt::sign(&claims, private_key)?;
            jwt::exchange(core, &login_url, assertion).await
        }
        Auth::ClientCredentials {
            client_id,
            client_secret,
            login_url,
        } => client_credentials::exchange(core, &login(login_url), client_id, client_secret).await,
        Auth::RefreshToken {
            client_id,
            client_secret,
            refresh_token,
            login_url,
        } => {
            refresh_token::exchange(
                core,
                &login(login_url),
                client_id,
                client_secret.as_ref(),
                rotated.unwrap_or(refresh_token),
            )
            .await
        }
        Auth::SfdxAuthUrl { url } => {
            let parsed = sfdx_url::parse(url)?;
            refresh_token::exchange(
                core,
                &parsed.login_url,
                &parsed.client_id,
                parsed.client_secret.as_ref(),
                rotated.unwrap_or(&parsed.refresh_token),
            )
            .await
        }
    }
}
