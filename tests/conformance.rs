//! Conformance: third-party Salesforce clients, unchanged, against the real `orgsync emulator`
//! binary. simple-salesforce speaks only HTTPS, so it gets `--tls` and the emulator's CA file;
//! jsforce uses plain HTTP. The clients are installed by `scripts/install-conformance-clients`
//! (the README's test command runs it first).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `orgsync emulator` child process, killed on drop.
struct Emulator {
    child: Child,
    ready: serde_json::Value,
    _data: tempfile::TempDir,
}

impl Emulator {
    fn start(extra: &[&str]) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_orgsync"))
            .args(["emulator", "--port", "0"])
            .args(extra)
            .env("TMPDIR", data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the orgsync binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let ready: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the ready line is one JSON object ({e}): {line:?}"));
        Self {
            child,
            ready,
            _data: data,
        }
    }

    fn field(&self, key: &str) -> String {
        self.ready[key]
            .as_str()
            .unwrap_or_else(|| panic!("ready line has {key}: {}", self.ready))
            .to_owned()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

fn require(path: &Path) {
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-conformance-clients (scripts/test does it for you)",
        path.display()
    );
}

fn run_client(mut cmd: Command) {
    let out = cmd.output().expect("the client runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "client failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" passed, 0 failed")),
        "client printed no summary:\n{stdout}"
    );
}

#[test]
fn simple_salesforce_works_unchanged_over_https() {
    let dir = conformance_dir().join("python");
    let python = dir.join(".venv/bin/python");
    require(&python);
    let emu = Emulator::start(&["--tls", "--seed", "11"]);
    let url = emu.field("instanceUrl");
    assert!(url.starts_with("https://"), "{url}");
    let mut cmd = Command::new(python);
    cmd.arg(dir.join("conformance_simple_salesforce.py"))
        .env("EMU_URL", url)
        .env("EMU_TOKEN", emu.field("accessToken"))
        .env("EMU_CA", emu.field("caCertFile"))
        // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the environment override a
        // session's `verify`; point them at the emulator's CA so the trust is what we say.
        .env("REQUESTS_CA_BUNDLE", emu.field("caCertFile"))
        .env("CURL_CA_BUNDLE", emu.field("caCertFile"));
    run_client(cmd);
}

#[test]
fn jsforce_works_unchanged_over_http() {
    let dir = conformance_dir().join("node");
    require(&dir.join("node_modules/jsforce"));
    let emu = Emulator::start(&["--seed", "12"]);
    let mut cmd = Command::new("node");
    cmd.arg(dir.join("conformance_jsforce.mjs"))
        .current_dir(&dir)
        .env("EMU_URL", emu.field("instanceUrl"))
        .env("EMU_TOKEN", emu.field("accessToken"));
    run_client(cmd);
}
