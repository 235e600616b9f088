//! Connection settings for one org: instance URL, API version, auth method, retry policy.
//! This is the client's own type; the spec layer maps its `orgs.*` entries onto it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::org::error::OrgError;
use crate::org::retry::RetryPolicy;

/// A REST API version such as `62.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// Major number (`62`).
    pub major: u32,
    /// Minor number (always `0` in practice).
    pub minor: u32,
}

impl ApiVersion {
    /// The default version (Winter '25).
    pub const DEFAULT: Self = Self {
        major: 62,
        minor: 0,
    };

    /// The URL segment, `v62.0`.
    pub fn segment(self) -> String {
        format!("v{self}")
    }

    /// `/services/data/v62.0`.
    pub fn data_path(self) -> String {
        format!("/services/data/{}", self.segment())
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for ApiVersion {
    type Err = OrgError;

    /// Accepts `62.0`, `v62.0` and `62`.
    fn from_str(text: &str) -> Result<Self, OrgError> {
        let bad = || OrgError::Config(format!("API version {text:?} is not like \"62.0\""));
        let t = text.trim().trim_start_matches(['v', 'V']);
        let (major, minor) = t.split_once('.').unwrap_or((t, "0"));
        Ok(Self {
            major: major.parse().map_err(|_| bad())?,
            minor: minor.parse().map_err(|_| bad())?,
        })
    }
}

/// How the client obtains an access token (SPEC.md `auth.method`).
#[derive(Debug, Clone)]
pub enum Auth {
    /// OAuth 2.0 JWT bearer: an RS256 assertion signed with the connected app's private key.
    JwtBearer {
        /// Connected app consumer key (`iss`).
        client_id: String,
        /// Integration user's username (`sub`).
        username: String,
        /// PEM private key (PKCS#8 or PKCS#1).
        private_key: SecretString,
        /// Token endpoint host; defaults to the instance URL (My Domain).
        login_url: Option<Url>,
        /// `aud` claim; defaults per [`default_audience`].
        audience: Option<String>,
    },
    /// OAuth 2.0 client credentials (runs as the app's execution user; My Domain only).
    ClientCredentials {
        /// Consumer key.
        client_id: String,
        /// Consumer secret.
        client_secret: SecretString,
        /// Token endpoint host; defaults to the instance URL.
        login_url: Option<Url>,
    },
    /// OAuth 2.0 refresh token grant.
    RefreshToken {
        /// Consumer key.
        client_id: String,
        /// Consumer secret, when the app requires one.
        client_secret: Option<SecretString>,
        /// The refresh token.
        refresh_token: SecretString,
        /// Token endpoint host; defaults to the instance URL.
        login_url: Option<Url>,
    },
    /// A ready access token, used as is; it cannot be refreshed.
    AccessToken {
        /// The bearer token.
        access_token: SecretString,
    },
    /// An SFDX auth URL `force://<clientId>:<clientSecret>:<refreshToken>@<host>`, used for a
    /// refresh-token grant against `https://<host>`.
    SfdxAuthUrl {
        /// The whole URL (it holds a refresh token).
        url: SecretString,
    },
}

impl Auth {
    /// The SPEC.md method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::JwtBearer { .. } => "jwt-bearer",
            Self::ClientCredentials { .. } => "client-credentials",
            Self::RefreshToken { .. } => "refresh-token",
            Self::AccessToken { .. } => "access-token",
            Self::SfdxAuthUrl { .. } => "sfdx-auth-url",
        }
    }
}

/// The JWT `aud` default for an instance URL: `https://test.salesforce.com` for sandboxes
/// (`*.sandbox.my.salesforce.com`, `test.salesforce.com`), the instance origin itself for a
/// local emulator (loopback hosts), `https://login.salesforce.com` otherwise.
pub fn default_audience(instance_url: &Url) -> String {
    let host = instance_url.host_str().unwrap_or_default();
    if is_loopback(instance_url) {
        instance_url.origin().ascii_serialization()
    } else if host.ends_with(".sandbox.my.salesforce.com") || host == "test.salesforce.com" {
        "https://test.salesforce.com".to_owned()
    } else {
        "https://login.salesforce.com".to_owned()
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Everything needed to talk to one org.
#[derive(Debug, Clone)]
pub struct OrgConfig {
    /// Instance (My Domain) URL; the token response's `instance_url` takes over once known.
    pub instance_url: Url,
    /// REST API version.
    pub api_version: ApiVersion,
    /// Auth method.
    pub auth: Auth,
    /// Retry policy for transient failures.
    pub retry: RetryPolicy,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
}

impl OrgConfig {
    /// Settings with the default version, retry policy and timeouts (10 s connect, 120 s request).
    pub fn new(instance_url: Url, auth: Auth) -> Self {
        Self {
            instance_url,
            api_version: ApiVersion::DEFAULT,
            auth,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_version_forms() {
        let v: ApiVersion = "v59.0".parse().unwrap();
        assert_eq!(
            v,
            ApiVersion {
                major: 59,
                minor: 0
            }
        );
        assert_eq!("60".parse::<ApiVersion>().unwrap().segment(), "v60.0");
        assert_eq!(ApiVersion::DEFAULT.data_path(), "/services/data/v62.0");
        assert!("sixty".parse::<ApiVersion>().is_err());
    }

    #[test]
    fn audience_defaults() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            default_audience(&u("https://acme.my.salesforce.com")),
            "https://login.salesforce.com"
        );
        assert_eq!(
            default_audience(&u("https://acme--dr.sandbox.my.salesforce.com")),
            "https://test.salesforce.com"
        );
        assert_eq!(
            default_audience(&u("http://127.0.0.1:8080/")),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let auth = Auth::ClientCredentials {
            client_id: "id".into(),
            client_secret: SecretString::from("s3cr3t-value"),
            login_url: None,
        };
        let cfg = OrgConfig::new(Url::parse("https://x.my.salesforce.com").unwrap(), auth);
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("s3cr3t-value"));
        assert_eq!(cfg.auth.method(), "client-credentials");
    }
}
