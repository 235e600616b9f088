//! The Salesforce client: the only module that talks HTTP to an org.
//!
//! | file | holds |
//! |---|---|
//! | [`config`] | [`OrgConfig`]: instance URL, [`ApiVersion`], [`Auth`] method with secret settings |
//! | [`auth`] | one file per auth flow, all ending in a token grant |
//! | [`http`] (private) | request execution, retries with full-jitter backoff, error bodies, usage headers |
//! | [`retry`] | [`RetryPolicy`] and the backoff schedule |
//! | [`error`] | [`OrgError`] with `is_transient()` / `may_retry()` |
//! | [`wire`] | lenient serde types for Salesforce responses |
//! | [`rest`] | describe, query paging, single-record CRUD, upsert, updated/deleted, limits |
//! | [`collections`] | sObject Collections in chunks of 200 |
//! | [`composite`] | `/composite` bundles of up to 25 subrequests |
//! | [`tooling`] | Tooling API query and sObject CRUD |
//! | [`bulk2`] | Bulk API 2.0 ingest and query jobs |
//! | [`soap`] | SOAP `undelete` |
//! | [`metadata`] | REST `deployRequest` |
//! | [`usage`] | per-org API usage from `Sforce-Limit-Info` and a local call count |
//!
//! An [`OrgClient`] is cheap to clone (shared state behind an `Arc`). It logs in lazily on the
//! first call, refreshes the session **once** when Salesforce answers `INVALID_SESSION_ID` and
//! then repeats the call, and retries transient failures per its [`RetryPolicy`].

pub mod auth;
pub mod bulk2;
pub mod clock;
pub mod collections;
pub mod composite;
pub mod config;
pub mod error;
mod http;
pub mod metadata;
pub mod rest;
pub mod retry;
pub mod sensitive;
pub mod soap;
pub mod tooling;
pub mod usage;
pub mod wire;

use std::fmt;
use std::sync::Arc;

use secrecy::SecretString;
use tokio::sync::Mutex;
use url::Url;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{ApiVersion, Auth, OrgConfig};
pub use error::{OrgError, TransportKind};
pub use retry::RetryPolicy;
pub use sensitive::Sensitive;
pub use usage::{CallClass, UsageSnapshot};

use http::{Call, HttpCore, RawResponse, Target};

/// The current login.
struct Session {
    access_token: SecretString,
    instance_url: Url,
    /// Bumped on every login, so concurrent callers refresh a given session only once.
    generation: u64,
}

#[derive(Default)]
struct SessionState {
    current: Option<Session>,
    generation: u64,
    /// A rotated refresh token returned by the last grant.
    rotated_refresh_token: Option<SecretString>,
}

struct Inner {
    core: HttpCore,
    config: OrgConfig,
    clock: Arc<dyn Clock>,
    session: Mutex<SessionState>,
}

/// A client for one Salesforce org.
#[derive(Clone)]
pub struct OrgClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for OrgClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrgClient")
            .field("instance_url", &self.inner.config.instance_url.as_str())
            .field("api_version", &self.inner.config.api_version)
            .field("auth", &self.inner.config.auth.method())
            .finish_non_exhaustive()
    }
}

impl OrgClient {
    /// A client using the system clock.
    pub fn new(config: OrgConfig) -> Result<Self, OrgError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A client with an injected clock (JWT `exp` is the only use of time).
    pub fn with_clock(config: OrgConfig, clock: Arc<dyn Clock>) -> Result<Self, OrgError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("orgsync/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| {
                OrgError::Config("the HTTP client could not be built (TLS setup)".into())
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                core: HttpCore {
                    client,
                    usage: usage::UsageTracker::default(),
                    retry: config.retry,
                },
                config,
                clock,
                session: Mutex::new(SessionState::default()),
            }),
        })
    }

    /// The configured API version.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.config.api_version
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &OrgConfig {
        &self.inner.config
    }

    /// API usage reported by Salesforce and calls made by this client.
    pub fn usage(&self) -> UsageSnapshot {
        self.inner.core.usage.snapshot()
    }

    /// Logs in now (otherwise the first call does) and returns the instance URL in use.
    pub async fn connect(&self) -> Result<Url, OrgError> {
        let (_, url, _) = self.session().await?;
        Ok(url)
    }

    /// `/services/data/vNN.N`.
    pub(crate) fn data_path(&self) -> String {
        self.api_version().data_path()
    }

    /// The current token, logging in first if needed.
    async fn session(&self) -> Result<(SecretString, Url, u64), OrgError> {
        let mut state = self.inner.session.lock().await;
        if let Some(s) = &state.current {
            return Ok((s.access_token.clone(), s.instance_url.clone(), s.generation));
        }
        self.login(&mut state).await
    }

    async fn login(&self, state: &mut SessionState) -> Result<(SecretString, Url, u64), OrgError> {
        let grant = auth::obtain(
            &self.inner.core,
            &self.inner.config,
            self.inner.clock.as_ref(),
            state.rotated_refresh_token.as_ref(),
        )
        .await?;
        state.generation += 1;
        if grant.refresh_token.is_some() {
            state.rotated_refresh_token = grant.refresh_token;
        }
        state.current = Some(Session {
            access_token: grant.access_token.clone(),
            instance_url: grant.instance_url.clone(),
            generation: state.generation,
        });
        Ok((grant.access_token, grant.instance_url, state.generation))
    }

    /// Replaces the session that failed (unless another task already did).
    async fn refresh(&self, failed_generation: u64) -> Result<(), OrgError> {
        if matches!(self.inner.config.auth, Auth::AccessToken { .. }) {
            return Err(OrgError::SessionNotRefreshable);
        }
        let mut state = self.inner.session.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|s| s.generation != failed_generation)
        {
            return Ok(());
        }
        state.current = None;
        tracing::debug!(
            method = self.inner.config.auth.method(),
            "session rejected; logging in again"
        );
        self.login(&mut state).await.map(|_| ())
    }

    /// Sends a call with the current session: on `INVALID_SESSION_ID` it refreshes once and
    /// repeats the call; a second rejection is [`OrgError::SessionRejectedAfterRefresh`].
    pub(crate) async fn send(&self, call: &Call) -> Result<RawResponse, OrgError> {
        let (token, instance_url, generation) = self.session().await?;
        let target = Target {
            instance_url: &instance_url,
            token: Some(&token),
        };
        match self.inner.core.execute(call, &target).await {
            Err(e) if e.is_session_invalid() => {
                self.refresh(generation).await?;
                let (token, instance_url, _) = self.session().await?;
                let target = Target {
                    instance_url: &instance_url,
                    token: Some(&token),
                };
                match self.inner.core.execute(call, &target).await {
                    Err(e) if e.is_session_invalid() => Err(OrgError::SessionRejectedAfterRefresh),
                    other => other,
                }
            }
            other => other,
        }
    }
}
