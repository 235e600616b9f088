//! The shared state of one running emulator: the org behind a lock, credentials and sessions,
//! query cursors, the clock and the API journal.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, Utc};
use parking_lot::{Mutex, RwLock};
use rand::Rng;
use serde_json::Value;

use super::cursors::CursorStore;
use super::journal::Journal;
use crate::emulator::clock::Clock;
use crate::emulator::model::Org;
use crate::emulator::model::ids::IdGenerator;
use crate::emulator::persist::Store;

/// How long an OAuth-issued access token lives (Salesforce's default session timeout: 2 hours).
pub const SESSION_TTL_SECONDS: i64 = 2 * 60 * 60;

/// How to build an emulator around an org.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// The org to serve.
    pub org: Org,
    /// Separates the credentials of several emulators; also the default instance seed.
    pub seed: u64,
    /// The static access token that always works (random when `None`).
    pub access_token: Option<String>,
    /// The connected app's consumer key (random when `None`).
    pub client_id: Option<String>,
    /// The connected app's consumer secret (random when `None`).
    pub client_secret: Option<String>,
    /// The refresh token accepted by the `refresh_token` grant (random when `None`).
    pub refresh_token: Option<String>,
    /// Password the `password` grant accepts for every known username; any non-empty password
    /// when `None`.
    pub password: Option<String>,
    /// PEM certificate or public key of the connected app: JWT bearer assertions must be signed
    /// with its private key. Without it any well-formed assertion is accepted.
    pub jwt_certificate_pem: Option<String>,
    /// The running user when it is not taken from the org's `User` records.
    pub username: Option<String>,
    /// `--latency` profile name, passed through for the fault/latency layer.
    pub latency: Option<String>,
    /// Most query cursors kept open.
    pub max_cursors: usize,
}

impl EmulatorOptions {
    /// Options with random credentials around `org`.
    pub fn new(org: Org) -> Self {
        Self {
            org,
            seed: 0,
            access_token: None,
            client_id: None,
            client_secret: None,
            refresh_token: None,
            password: None,
            jwt_certificate_pem: None,
            username: None,
            latency: None,
            max_cursors: 64,
        }
    }
}

/// A known user of the org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// 18-character user ID.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Email address.
    pub email: String,
}

/// An access token issued by the token endpoint.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user the token runs as.
    pub user_id: String,
    /// When it stops working (`None`: never).
    pub expires: Option<DateTime<Utc>>,
}

/// Credentials and sessions.
#[derive(Debug)]
pub struct Credentials {
    /// The static access token (always valid).
    pub access_token: String,
    /// Connected app consumer key.
    pub client_id: String,
    /// Connected app consumer secret.
    pub client_secret: String,
    /// The static refresh token.
    pub refresh_token: String,
    /// Password the `password` grant accepts (`None`: any non-empty one).
    pub password: Option<String>,
    /// Certificate or public key JWT assertions must be signed for.
    pub jwt_certificate_pem: Option<String>,
    /// The user the static token and client-credentials flow run as.
    pub default_user: UserInfo,
    sessions: Mutex<HashMap<String, Session>>,
    refresh_tokens: Mutex<HashMap<String, String>>,
}

impl Credentials {
    /// The user behind `token`, when it is valid at `now`.
    pub fn session_user(&self, token: &str, now: DateTime<Utc>) -> Option<String> {
        if token == self.access_token {
            return Some(self.default_user.id.clone());
        }
        let sessions = self.sessions.lock();
        let s = sessions.get(token)?;
        match s.expires {
            Some(exp) if exp <= now => None,
            _ => Some(s.user_id.clone()),
        }
    }

    /// Issue a new access token for `user_id`, like `00D…!AQ…`.
    pub fn issue(&self, org_id: &str, user_id: &str, now: DateTime<Utc>) -> String {
        let token = format!(
            "{}!AQ{}",
            org_id.get(..15).unwrap_or(org_id),
            random_token(96)
        );
        self.sessions.lock().insert(
            token.clone(),
            Session {
                user_id: user_id.to_owned(),
                expires: Some(now + Duration::seconds(SESSION_TTL_SECONDS)),
            },
        );
        token
    }

    /// Issue a refresh token for `user_id`.
    pub fn issue_refresh(&self, user_id: &str) -> String {
        let token = format!("5Aep861{}", random_token(80));
        self.refresh_tokens
            .lock()
            .insert(token.clone(), user_id.to_owned());
        token
    }

    /// The user a refresh token belongs to.
    pub fn refresh_user(&self, token: &str) -> Option<String> {
        if token == self.refresh_token {
            return Some(self.default_user.id.clone());
        }
        self.refresh_tokens.lock().get(token).cloned()
    }

    /// Revoke an access or refresh token; `false` when it was not known (the static access
    /// token and refresh token cannot be revoked).
    pub fn revoke(&self, token: &str) -> bool {
        self.sessions.lock().remove(token).is_some()
            || self.refresh_tokens.lock().remove(token).is_some()
    }
}

/// A random token of `len` characters from the token alphabet.
pub fn random_token(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// Everything one emulator shares between requests. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EmulatorState {
    inner: Arc<Inner>,
}

/// The state behind [`EmulatorState`].
#[derive(Debug)]
pub struct Inner {
    /// The org; hold the lock only for the DML or query itself.
    pub org: Arc<Mutex<Org>>,
    /// Server time.
    pub clock: Clock,
    /// Credentials and sessions.
    pub credentials: Credentials,
    /// Open query cursors.
    pub cursors: Mutex<CursorStore>,
    /// Bulk API 2.0 jobs.
    pub bulk_jobs: Mutex<super::bulk2::JobStore>,
    /// API call counters.
    pub journal: Journal,
    /// Metadata API deploy requests.
    pub deploys: Mutex<super::metadata_deploy::Deploys>,
    /// The `org.identity.id` (cached so it can be read without the org lock).
    pub org_id: String,
    /// The `--latency` profile, for the later fault/latency layer.
    pub latency: Option<String>,
    /// Fault rules, the latency profile and the org `reset` returns to.
    pub controls: crate::emulator::faults::Controls,
    /// The daily API allowance (read without the org lock).
    daily_allowance: AtomicU64,
    instance_url: RwLock<String>,
    /// Where committed writes are kept across restarts (`--data`).
    store: OnceLock<Store>,
    /// Per-object describe modification times (lower-case name); start time otherwise.
    schema_modified: Mutex<HashMap<String, DateTime<Utc>>>,
    started: DateTime<Utc>,
}

impl std::ops::Deref for EmulatorState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl EmulatorState {
    /// State around `options.org` with real time.
    pub fn new(options: EmulatorOptions) -> Self {
        Self::with_clock(options, Clock::real())
    }

    /// State with a given clock.
    pub fn with_clock(options: EmulatorOptions, clock: Clock) -> Self {
        let org = options.org;
        let org_id = org.identity.id.clone();
        let daily_allowance = AtomicU64::new(org.identity.daily_api_allowance);
        let default_user = default_user(&org, options.username.as_deref(), options.seed);
        let prefix = org_id.get(..15).unwrap_or(&org_id).to_owned();
        let credentials = Credentials {
            access_token: options
                .access_token
                .unwrap_or_else(|| format!("{prefix}!AQ{}", random_token(96))),
            client_id: options
                .client_id
                .unwrap_or_else(|| format!("3MVG9{}", random_token(80).replace(['.', '_'], "x"))),
            client_secret: options
                .client_secret
                .unwrap_or_else(|| random_hex(32).to_ascii_uppercase()),
            refresh_token: options
                .refresh_token
                .unwrap_or_else(|| format!("5Aep861{}", random_token(80))),
            password: options.password,
            jwt_certificate_pem: options.jwt_certificate_pem,
            default_user,
            sessions: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
        };
        let started = clock.now();
        let controls =
            crate::emulator::faults::Controls::new(options.seed, options.latency.as_deref(), &org);
        Self {
            inner: Arc::new(Inner {
                org: Arc::new(Mutex::new(org)),
                cursors: Mutex::new(CursorStore::new(
                    options.seed,
                    options.max_cursors,
                    Duration::minutes(15),
                )),
                bulk_jobs: Mutex::new(super::bulk2::JobStore::new(&org_id)),
                clock,
                credentials,
                journal: Journal::default(),
                deploys: Mutex::default(),
                org_id,
                latency: options.latency,
                controls,
                daily_allowance,
                instance_url: RwLock::new("http://localhost".to_owned()),
                schema_modified: Mutex::new(HashMap::new()),
                store: OnceLock::new(),
                started,
            }),
        }
    }

    /// The base URL clients use (`http://127.0.0.1:PORT`), set by the server after binding.
    pub fn instance_url(&self) -> String {
        self.instance_url.read().clone()
    }

    /// Set the base URL (the server calls this once it knows its port).
    pub fn set_instance_url(&self, url: &str) {
        *self.instance_url.write() = url.trim_end_matches('/').to_owned();
    }

    /// Keep committed writes in `store` from now on (once; later calls are ignored).
    pub fn set_store(&self, store: Store) {
        let _ = self.store.set(store);
    }

    /// The persistence store, when `--data` is in use.
    pub fn store(&self) -> Option<&Store> {
        self.store.get()
    }

    /// Write the records `touched` by a committed request to the store (no-op without one).
    /// The org lock is held while writing, so the store sees writes in commit order; this
    /// needs the multi-thread runtime the server runs on.
    pub fn persist(&self, touched: &[String]) {
        let Some(store) = self.store.get() else {
            return;
        };
        let handle = match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => h,
            _ => {
                tracing::warn!("persistence skipped: not on the multi-thread runtime");
                return;
            }
        };
        let org = self.org.lock();
        let result =
            tokio::task::block_in_place(|| handle.block_on(store.save_changes(&org, touched)));
        if let Err(e) = result {
            tracing::error!(error = %e, "could not persist the org");
        }
    }

    /// The daily API allowance (`DailyApiRequests.Max`).
    pub fn daily_allowance(&self) -> u64 {
        self.daily_allowance.load(Ordering::Relaxed)
    }

    /// Change the daily API allowance.
    pub fn set_daily_allowance(&self, max: u64) {
        self.daily_allowance.store(max, Ordering::Relaxed);
    }

    /// Record that the describe of `object` changed now (Tooling writes call this).
    pub fn touch_schema(&self, object: &str) {
        self.schema_modified
            .lock()
            .insert(object.to_ascii_lowercase(), self.clock.now());
    }

    /// When the describe of `object` last changed.
    pub fn schema_modified(&self, object: &str) -> DateTime<Utc> {
        self.schema_modified
            .lock()
            .get(&object.to_ascii_lowercase())
            .copied()
            .unwrap_or(self.started)
    }

    /// The known user with this ID or username (case-insensitive username).
    pub fn find_user(&self, id_or_username: &str) -> Option<UserInfo> {
        let def = &self.credentials.default_user;
        if def.id == id_or_username || def.username.eq_ignore_ascii_case(id_or_username) {
            return Some(def.clone());
        }
        let org = self.org.lock();
        org.records("User")
            .filter(|r| !r.is_deleted())
            .find(|r| {
                r.id() == id_or_username
                    || r.get("Username")
                        .and_then(Value::as_str)
                        .is_some_and(|u| u.eq_ignore_ascii_case(id_or_username))
            })
            .and_then(user_info)
    }
}

fn random_hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

fn user_info(r: &crate::emulator::model::Record) -> Option<UserInfo> {
    let username = r.get("Username")?.as_str()?.to_owned();
    let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
    let display_name = text("Name")
        .or_else(|| {
            let first = text("FirstName").unwrap_or_default();
            let last = text("LastName")?;
            Some(format!("{first} {last}").trim().to_owned())
        })
        .unwrap_or_else(|| username.clone());
    Some(UserInfo {
        id: r.id().to_owned(),
        email: text("Email").unwrap_or_else(|| username.clone()),
        username,
        display_name,
    })
}

/// The running user: the named user, else the org's integration user, else its first active
/// user, else a synthetic
/// admin user whose username carries the org ID so several emulators never share one.
fn default_user(org: &Org, username: Option<&str>, seed: u64) -> UserInfo {
    let users: Vec<UserInfo> = org
        .records("User")
        .filter(|r| !r.is_deleted())
        .filter(|r| r.get("IsActive").and_then(Value::as_bool).unwrap_or(true))
        .filter_map(user_info)
        .collect();
    let preferred = match username {
        Some(name) => users.iter().find(|u| u.username.eq_ignore_ascii_case(name)),
        None => org
            .integration_user_id
            .as_deref()
            .and_then(|id| users.iter().find(|u| u.id == id))
            .or_else(|| users.first()),
    };
    if let Some(u) = preferred {
        return u.clone();
    }
    let mut ids = IdGenerator::new(seed);
    let id = ids.next_id("005");
    let username = username.map(str::to_owned).unwrap_or_else(|| {
        format!(
            "admin@{}.emulator",
            org.identity
                .id
                .get(..15)
                .unwrap_or("org")
                .to_ascii_lowercase()
        )
    });
    UserInfo {
        id,
        display_name: "Emulator Admin".to_owned(),
        email: username.clone(),
        username,
    }
}
