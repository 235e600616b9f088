//! From the spec's `orgs.*` entry to an [`OrgClient`]: the one place that turns spec auth
//! ([`AuthSpec`], secret *references*) into client auth ([`Auth`], secret *values*). Secrets are
//! read here, when a client is built, and nowhere else; errors name the setting and where the
//! secret was expected, never its value.

use secrecy::ExposeSecret;

use crate::org::{Auth, OrgClient, OrgConfig, OrgError};
use crate::spec::SecretError;
use crate::spec::model::{AuthSpec, Inline, OrgSpec, SecretRef};

use super::snapshot::OrgRole;

/// Why no client could be built for an org.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A secret (or a `clientId` reference) could not be read.
    #[error("cannot read `{setting}` of the {role} org")]
    Secret {
        /// Which org.
        role: OrgRole,
        /// The spec setting, e.g. `auth.clientSecret`.
        setting: &'static str,
        /// Why.
        #[source]
        source: SecretError,
    },
    /// The settings are unusable (API version, TLS setup).
    #[error("invalid connection settings for the {role} org")]
    Config {
        /// Which org.
        role: OrgRole,
        /// Why.
        #[source]
        source: OrgError,
    },
}

/// The client settings for one org, with its secrets read now.
pub fn org_config(role: OrgRole, spec: &OrgSpec) -> Result<OrgConfig, ConnectError> {
    let secret = |setting: &'static str, r: &SecretRef| {
        r.resolve().map_err(|source| ConnectError::Secret {
            role,
            setting,
            source,
        })
    };
    let inline = |setting: &'static str, v: &Inline| {
        v.resolve()
            .map(|s| s.expose_secret().to_owned())
            .map_err(|source| ConnectError::Secret {
                role,
                setting,
                source,
            })
    };
    let auth = match &spec.auth {
        AuthSpec::JwtBearer {
            client_id,
            username,
            private_key,
        } => Auth::JwtBearer {
            client_id: inline("auth.clientId", client_id)?,
            username: username.clone(),
            private_key: secret("auth.privateKey", private_key)?,
            login_url: None,
            audience: None,
        },
        AuthSpec::ClientCredentials {
            client_id,
            client_secret,
        } => Auth::ClientCredentials {
            client_id: inline("auth.clientId", client_id)?,
            client_secret: secret("auth.clientSecret", client_secret)?,
            login_url: None,
        },
        AuthSpec::RefreshToken {
            client_id,
            refresh_token,
            client_secret,
        } => Auth::RefreshToken {
            client_id: inline("auth.clientId", client_id)?,
            client_secret: client_secret
                .as_ref()
                .map(|s| secret("auth.clientSecret", s))
                .transpose()?,
            refresh_token: secret("auth.refreshToken", refresh_token)?,
            login_url: None,
        },
        AuthSpec::AccessToken { access_token } => Auth::AccessToken {
            access_token: secret("auth.accessToken", access_token)?,
        },
        AuthSpec::SfdxAuthUrl { sfdx_auth_url } => Auth::SfdxAuthUrl {
            url: secret("auth.sfdxAuthUrl", sfdx_auth_url)?,
        },
    };
    let mut config = OrgConfig::new(spec.instance_url.clone(), auth);
    config.api_version = spec
        .api_version
        .parse()
        .map_err(|source| ConnectError::Config { role, source })?;
    Ok(config)
}

/// A client for one org (it logs in lazily, on the first call).
pub fn client(role: OrgRole, spec: &OrgSpec) -> Result<OrgClient, ConnectError> {
    OrgClient::new(org_config(role, spec)?).map_err(|source| ConnectError::Config { role, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(auth: AuthSpec) -> OrgSpec {
        OrgSpec {
            instance_url: url::Url::parse("https://acme.my.salesforce.com").unwrap(),
            api_version: "61.0".into(),
            auth,
        }
    }

    #[test]
    fn maps_each_method_and_reads_secrets() {
        // SAFETY: the variable name is unique to this test; nothing else reads or writes it.
        unsafe {
            std::env::set_var("ORGSYNC_OBSERVE_CONNECT_T1_SECRET", "s3cr3t-cc");
        }
        let cfg = org_config(
            OrgRole::Primary,
            &spec(AuthSpec::ClientCredentials {
                client_id: Inline::Literal("cid".into()),
                client_secret: SecretRef::Env("ORGSYNC_OBSERVE_CONNECT_T1_SECRET".into()),
            }),
        )
        .unwrap();
        assert_eq!(cfg.api_version.to_string(), "61.0");
        match &cfg.auth {
            Auth::ClientCredentials {
                client_id,
                client_secret,
                login_url,
            } => {
                assert_eq!(client_id, "cid");
                assert_eq!(client_secret.expose_secret(), "s3cr3t-cc");
                assert!(login_url.is_none());
            }
            other => panic!("unexpected {}", other.method()),
        }
        assert!(!format!("{cfg:?}").contains("s3cr3t-cc"));
    }

    #[test]
    fn missing_secret_names_the_setting_not_the_value() {
        let err = org_config(
            OrgRole::Secondary,
            &spec(AuthSpec::AccessToken {
                access_token: SecretRef::Env("ORGSYNC_OBSERVE_CONNECT_SURELY_UNSET".into()),
            }),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read `auth.accessToken` of the secondary org"
        );
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(cause.contains("ORGSYNC_OBSERVE_CONNECT_SURELY_UNSET"));
    }

    #[test]
    fn bad_api_version_is_a_config_error() {
        // SAFETY: the variable name is unique to this test; nothing else reads or writes it.
        unsafe {
            std::env::set_var("ORGSYNC_OBSERVE_CONNECT_T3_TOKEN", "tok");
        }
        let mut s = spec(AuthSpec::AccessToken {
            access_token: SecretRef::Env("ORGSYNC_OBSERVE_CONNECT_T3_TOKEN".into()),
        });
        s.api_version = "sixty".into();
        let err = org_config(OrgRole::Primary, &s).unwrap_err();
        assert!(matches!(
            err,
            ConnectError::Config {
                role: OrgRole::Primary,
                ..
            }
        ));
    }
}
