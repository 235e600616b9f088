//! Serving the emulator: bind on localhost (port 0 picks a free port), optional TLS with a
//! certificate generated at start (rcgen; SANs `localhost` and `127.0.0.1`) whose CA certificate
//! is written to a PEM file for clients to trust, graceful shutdown, and an in-process
//! [`spawn_for_tests`] that stops on drop.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use axum_server::tls_rustls::RustlsConfig;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::http::{EmulatorOptions, EmulatorState, app};
use super::model::Org;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address is taken or not allowed.
    #[error("could not bind {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// rcgen failed.
    #[error("could not generate the TLS certificate")]
    Certificate(#[source] rcgen::Error),
    /// rustls refused the configuration.
    #[error("could not configure TLS")]
    Tls(#[source] rustls::Error),
    /// The CA file could not be written.
    #[error("could not write the CA certificate to {path}")]
    WriteCa {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("the server failed")]
    Serve(#[source] std::io::Error),
    /// The runtime or its thread could not start.
    #[error("could not start the emulator runtime")]
    Runtime(#[source] std::io::Error),
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to bind (127.0.0.1 by default).
    pub host: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Serve HTTPS with a generated certificate.
    pub tls: bool,
    /// Directory for the CA certificate file (a temporary directory when `None`).
    pub ca_dir: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls: false,
            ca_dir: None,
        }
    }
}

/// A generated certificate chain: a CA and a server certificate it signed.
pub struct TlsMaterial {
    /// PEM of the CA certificate clients should trust.
    pub ca_pem: String,
    /// The rustls server configuration (aws-lc-rs provider).
    pub config: Arc<rustls::ServerConfig>,
}

/// Generate a CA and a server certificate for `localhost` and `127.0.0.1`.
pub fn tls_material() -> Result<TlsMaterial, ServerError> {
    let ca_key = KeyPair::generate().map_err(ServerError::Certificate)?;
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).map_err(ServerError::Certificate)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "orgsync emulator CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(ServerError::Certificate)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(ServerError::Certificate)?;
    let mut leaf_params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(ServerError::Certificate)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(ServerError::Certificate)?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ServerError::Tls)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(ServerError::Tls)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        config: Arc::new(config),
    })
}

/// A bound, not yet serving emulator.
pub struct Bound {
    listener: TcpListener,
    tls: Option<TlsMaterial>,
    state: EmulatorState,
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub instance_url: String,
    /// Where the CA certificate was written (with TLS).
    pub ca_cert_file: Option<PathBuf>,
    /// The CA certificate PEM (with TLS).
    pub ca_pem: Option<String>,
}

/// Bind the socket, set the state's instance URL and, with TLS, write the CA file.
pub fn bind(state: EmulatorState, opts: &ServeOptions) -> Result<Bound, ServerError> {
    let addr = SocketAddr::new(opts.host, opts.port);
    let listener = TcpListener::bind(addr).map_err(|source| ServerError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServerError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServerError::Bind { addr, source })?;
    let scheme = if opts.tls { "https" } else { "http" };
    let instance_url = format!("{scheme}://{local}");
    state.set_instance_url(&instance_url);
    let (tls, ca_cert_file, ca_pem) = if opts.tls {
        let material = tls_material()?;
        let dir = opts.ca_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("orgsync-emulator-{}", std::process::id()))
        });
        let path = dir.join(format!("emulator-ca-{}.pem", local.port()));
        write_ca(&path, &material.ca_pem)?;
        let pem = material.ca_pem.clone();
        (Some(material), Some(path), Some(pem))
    } else {
        (None, None, None)
    };
    Ok(Bound {
        listener,
        tls,
        state,
        instance_url,
        ca_cert_file,
        ca_pem,
    })
}

fn write_ca(path: &Path, pem: &str) -> Result<(), ServerError> {
    let err = |source| ServerError::WriteCa {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    std::fs::write(path, pem).map_err(err)
}

impl Bound {
    /// The state served.
    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    /// The one JSON line `orgsync emulator` prints when ready.
    pub fn ready_line(&self) -> Value {
        let c = &self.state.credentials;
        json!({
            "instanceUrl": self.instance_url,
            "accessToken": c.access_token,
            "clientId": c.client_id,
            "clientSecret": c.client_secret,
            "refreshToken": c.refresh_token,
            "caCertFile": self.ca_cert_file.as_ref().map(|p| p.display().to_string()),
            "orgId": self.state.org_id,
            "userId": c.default_user.id,
            "username": c.default_user.username,
        })
    }

    /// Serve until `shutdown` completes, then finish in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let router = app(self.state.clone());
        match self.tls {
            None => {
                let listener =
                    tokio::net::TcpListener::from_std(self.listener).map_err(ServerError::Serve)?;
                axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .map_err(ServerError::Serve)
            }
            Some(material) => {
                let handle = axum_server::Handle::new();
                let h = handle.clone();
                tokio::spawn(async move {
                    shutdown.await;
                    h.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
                });
                axum_server::from_tcp_rustls(
                    self.listener,
                    RustlsConfig::from_config(material.config),
                )
                .map_err(ServerError::Serve)?
                .handle(handle)
                .serve(router.into_make_service())
                .await
                .map_err(ServerError::Serve)
            }
        }
    }
}

/// An emulator running on its own thread and runtime; stops when dropped.
pub struct RunningEmulator {
    /// `http://127.0.0.1:PORT` (or `https://…`).
    pub instance_url: String,
    /// The static access token.
    pub access_token: String,
    /// Connected app consumer key.
    pub client_id: String,
    /// Connected app consumer secret.
    pub client_secret: String,
    /// The static refresh token.
    pub refresh_token: String,
    /// The running user's username.
    pub username: String,
    /// The running user's ID.
    pub user_id: String,
    /// The org ID.
    pub org_id: String,
    /// The CA certificate PEM (with TLS).
    pub ca_pem: Option<String>,
    /// The CA certificate file (with TLS).
    pub ca_cert_file: Option<PathBuf>,
    /// The shared state (org, clock, journal) for direct inspection.
    pub state: EmulatorState,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("instance_url", &self.instance_url)
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(path) = &self.ca_cert_file {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl From<Org> for EmulatorOptions {
    fn from(org: Org) -> Self {
        EmulatorOptions::new(org)
    }
}

/// Start an emulator on its own thread (a small tokio runtime) and wait until it listens.
pub fn spawn(
    options: EmulatorOptions,
    serve: ServeOptions,
) -> Result<RunningEmulator, ServerError> {
    let state = EmulatorState::new(options);
    let bound = bind(state.clone(), &serve)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServerError::Runtime)?;
    let c = &state.credentials;
    let (tx, rx) = oneshot::channel::<()>();
    let mut running = RunningEmulator {
        instance_url: bound.instance_url.clone(),
        access_token: c.access_token.clone(),
        client_id: c.client_id.clone(),
        client_secret: c.client_secret.clone(),
        refresh_token: c.refresh_token.clone(),
        username: c.default_user.username.clone(),
        user_id: c.default_user.id.clone(),
        org_id: state.org_id.clone(),
        ca_pem: bound.ca_pem.clone(),
        ca_cert_file: bound.ca_cert_file.clone(),
        state: state.clone(),
        shutdown: Some(tx),
        thread: None,
    };
    let thread = std::thread::Builder::new()
        .name("orgsync-emulator".to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let shutdown = async move {
                    let _ = rx.await;
                };
                if let Err(e) = bound.serve(shutdown).await {
                    tracing::error!(error = %e, "emulator stopped");
                }
            });
        })
        .map_err(ServerError::Runtime)?;
    running.thread = Some(thread);
    Ok(running)
}

/// Start an emulator over `org_or_options` on `127.0.0.1:0` (plain HTTP) for a test.
///
/// # Panics
/// When no local port can be bound (tests only).
pub fn spawn_for_tests(org_or_options: impl Into<EmulatorOptions>) -> RunningEmulator {
    #[allow(clippy::expect_used)]
    spawn(org_or_options.into(), ServeOptions::default()).expect("start the test emulator")
}

/// Like [`spawn_for_tests`] but serving HTTPS; `ca_pem` holds the CA to trust.
///
/// # Panics
/// When no local port can be bound or no certificate can be made (tests only).
pub fn spawn_tls_for_tests(org_or_options: impl Into<EmulatorOptions>) -> RunningEmulator {
    let serve = ServeOptions {
        tls: true,
        ..ServeOptions::default()
    };
    #[allow(clippy::expect_used)]
    spawn(org_or_options.into(), serve).expect("start the test emulator with TLS")
}
