//! Record sync: the initial bulk sync of N Accounts and 3N Contacts (each with an AccountId)
//! between two emulated orgs, in-process (`cargo bench --bench sync`, or `scripts/bench --sync`
//! for the BENCHMARKS.md runs).
//!
//! 1. Seeds the default primary org's model directly (DML transactions, no HTTP) with N Accounts
//!    (Name, Industry, Phone, AccountNumber) and 3N Contacts (FirstName, LastName, Email,
//!    AccountId); the default secondary keeps the same schema and no data records. Both daily
//!    API allowances are raised so the run never hits `REQUEST_LIMIT_EXCEEDED`.
//! 2. Serves both on `127.0.0.1` (plain HTTP, each on its own 2-worker runtime), writes a one-way
//!    spec (Account: Name, Industry, Phone, AccountNumber; Contact: FirstName, LastName, Email,
//!    AccountId) with a SQLite state store in a temporary directory, and applies it in process
//!    (`apply::session::plan` then `apply::execute`, what `orgsync apply --auto-approve` does).
//! 3. Connects an [`Engine`], sets the latency profile on both emulators, resets their journals,
//!    then times `engine.bulk_sync(&BulkOptions::default(), …)` and checks every record arrived
//!    with its AccountId translated.
//!
//! It prints a readable line and a JSON line (`{"bench": "sync", …}`): records/s, API calls per
//! 1,000 records per org (the emulators' `apiUsage`), the process's peak RSS (`VmHWM`, which
//! includes both in-process emulators and their data) and the heap of the engine's own threads
//! (see [`heap`]).
//!
//! Options after `--` (or environment variables): `--records N` / `ORGSYNC_BENCH_RECORDS`
//! (Accounts, default 100000; Contacts are 3N), `--latency zero|lan|sf-typical` /
//! `ORGSYNC_BENCH_LATENCY` (default zero). Progress goes to stderr after every page, with the
//! seconds since the sync started; `RUST_LOG` (e.g. `hyper_util::client::legacy::pool=debug`
//! for a timeline of the HTTP calls) turns on log lines for diagnosis.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;
use orgsync::apply::{ApplyOptions, Inputs, Orgs, execute, session};
use orgsync::emulator::dml::{Ctx, Tx};
use orgsync::emulator::fixture::{DefaultOrg, default_org};
use orgsync::emulator::model::Org;
use orgsync::emulator::server::{ServeOptions, spawn};
use orgsync::emulator::{EmulatorOptions, RunningEmulator};
use orgsync::org::SystemClock;
use orgsync::sync::{BulkOptions, BulkStep, Engine};
use serde_json::{Map, Value, json};

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// Error of the bench.
type Error = Box<dyn std::error::Error + Send + Sync>;

const PRIMARY_TOKEN_VAR: &str = "ORGSYNC_BENCH_PRIMARY_TOKEN";
const SECONDARY_TOKEN_VAR: &str = "ORGSYNC_BENCH_SECONDARY_TOKEN";
const PRIMARY_TOKEN: &str = "00D000000000001!AQbenchprimary";
const SECONDARY_TOKEN: &str = "00D000000000002!AQbenchsecondary";
const INDUSTRIES: [&str; 6] = [
    "Technology",
    "Manufacturing",
    "Finance",
    "Retail",
    "Healthcare",
    "Education",
];
const CONTACTS_PER_ACCOUNT: usize = 3;

struct Settings {
    accounts: usize,
    latency: String,
}

fn settings() -> Result<Settings, Error> {
    let mut s = Settings {
        accounts: 100_000,
        latency: "zero".to_owned(),
    };
    if let Ok(v) = std::env::var("ORGSYNC_BENCH_RECORDS") {
        s.accounts = v.parse()?;
    }
    if let Ok(v) = std::env::var("ORGSYNC_BENCH_LATENCY") {
        s.latency = v;
    }
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--records" => s.accounts = pair[1].parse()?,
            "--latency" => s.latency.clone_from(&pair[1]),
            _ => {}
        }
    }
    if s.accounts == 0 {
        return Err("--records must be at least 1".into());
    }
    if !["zero", "lan", "sf-typical"].contains(&s.latency.as_str()) {
        return Err(format!("unknown latency profile `{}`", s.latency).into());
    }
    Ok(s)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; nothing else to do with it.
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "sync bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one run measured.
struct Measured {
    seconds: f64,
    accounts: u64,
    contacts: u64,
    primary: Value,
    secondary: Value,
    rss_before_kib: u64,
    hwm_kib: u64,
    engine_heap: heap::Window,
    emulator_heap: heap::Window,
}

fn run() -> Result<(), Error> {
    let s = settings()?;
    if std::env::var_os("RUST_LOG").is_some() {
        // Diagnostics only (e.g. `RUST_LOG=orgsync=debug`): log lines go to stderr.
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    // SAFETY: no other thread exists yet; the spec reads these variables when apply and the
    // engine connect.
    unsafe {
        std::env::set_var(PRIMARY_TOKEN_VAR, PRIMARY_TOKEN);
        std::env::set_var(SECONDARY_TOKEN_VAR, SECONDARY_TOKEN);
    }
    heap::set_thread(heap::EMULATOR);
    let started = Instant::now();
    let mut primary_org = default_org(DefaultOrg::Primary, 1)?;
    let mut secondary_org = default_org(DefaultOrg::Secondary, 2)?;
    primary_org.identity.daily_api_allowance = 1_000_000_000;
    secondary_org.identity.daily_api_allowance = 1_000_000_000;
    seed(&mut primary_org, s.accounts)?;
    let seed_seconds = started.elapsed().as_secs_f64();
    let primary = serve(primary_org, PRIMARY_TOKEN)?;
    let secondary = serve(secondary_org, SECONDARY_TOKEN)?;
    heap::set_thread(heap::ENGINE);
    let dir = tempfile::tempdir()?;
    let spec = compile_spec(&primary, &secondary, dir.path())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("orgsync-bench")
        .enable_all()
        .build()?;
    let (apply_seconds, m) = runtime.block_on(async {
        let t = Instant::now();
        apply(&spec).await?;
        let apply_seconds = t.elapsed().as_secs_f64();
        let engine = Engine::connect(&spec).await?;
        for emu in [&primary, &secondary] {
            control(emu, "latency", json!({"profile": s.latency})).await?;
            control(emu, "reset", json!({})).await?;
        }
        let m = measure(&engine, &primary, &secondary).await?;
        engine.store().close().await;
        Ok::<_, Error>((apply_seconds, m))
    })?;
    verify(&primary, &secondary, &m)?;
    report(&s, &m, seed_seconds, apply_seconds)
}

/// Time the bulk sync and read what it cost.
async fn measure(
    engine: &Engine,
    primary: &RunningEmulator,
    secondary: &RunningEmulator,
) -> Result<Measured, Error> {
    let rss_before_kib = proc_status_kib("VmRSS")?;
    heap::start_window();
    let t = Instant::now();
    let progress = |step: &BulkStep| {
        let _ = writeln!(
            std::io::stderr(),
            "  {:8.2} s  {} from {}: {} records{}",
            t.elapsed().as_secs_f64(),
            step.object,
            step.source.as_str(),
            step.records,
            if step.done { " (done)" } else { "" }
        );
    };
    let report = engine.bulk_sync(&BulkOptions::default(), &progress).await?;
    let seconds = t.elapsed().as_secs_f64();
    let engine_heap = heap::window(heap::ENGINE);
    let emulator_heap = heap::window(heap::EMULATOR);
    let hwm_kib = proc_status_kib("VmHWM")?;
    let mut inserted = [0u64; 2];
    for (i, object) in ["Account", "Contact"].iter().enumerate() {
        let c = report
            .objects
            .get(*object)
            .ok_or_else(|| format!("no report for {object}"))?;
        if c.failed > 0 || c.waiting > 0 {
            return Err(format!(
                "{object}: {} failed, {} waiting for a parent",
                c.failed, c.waiting
            )
            .into());
        }
        inserted[i] = c.inserted;
    }
    Ok(Measured {
        seconds,
        accounts: inserted[0],
        contacts: inserted[1],
        primary: journal(primary).await?,
        secondary: journal(secondary).await?,
        rss_before_kib,
        hwm_kib,
        engine_heap,
        emulator_heap,
    })
}

/// Every primary Account and Contact is in the secondary once, and every copied Contact's
/// AccountId names the copy of its Account.
fn verify(
    primary: &RunningEmulator,
    secondary: &RunningEmulator,
    m: &Measured,
) -> Result<(), Error> {
    let p = primary.state.org.lock();
    let s = secondary.state.org.lock();
    let live = |org: &Org, object: &str| org.records(object).filter(|r| !r.is_deleted()).count();
    for (object, inserted) in [("Account", m.accounts), ("Contact", m.contacts)] {
        let (pn, sn) = (live(&p, object), live(&s, object));
        if pn != sn || pn as u64 != inserted {
            return Err(format!(
                "{object}: primary has {pn}, secondary {sn}, the bulk sync inserted {inserted}"
            )
            .into());
        }
    }
    let key = "OrgSync_Source_Id__c";
    let mut bad = 0usize;
    for c in s.records("Contact") {
        let Some(source) = c.get(key).and_then(Value::as_str) else {
            bad += 1;
            continue;
        };
        let want = p
            .record(source)
            .and_then(|r| r.get("AccountId"))
            .and_then(Value::as_str);
        let got = c
            .get("AccountId")
            .and_then(Value::as_str)
            .and_then(|id| s.record(id))
            .and_then(|a| a.get(key))
            .and_then(Value::as_str);
        if want != got {
            bad += 1;
        }
    }
    if bad > 0 {
        return Err(format!("{bad} copied Contacts do not point at their Account's copy").into());
    }
    Ok(())
}

fn report(s: &Settings, m: &Measured, seed_seconds: f64, apply_seconds: f64) -> Result<(), Error> {
    let records = m.accounts + m.contacts;
    let per_1000 = |v: &Value| -> f64 {
        let calls = v["apiUsage"].as_u64().unwrap_or(0) as f64;
        calls * 1000.0 / records.max(1) as f64
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let bytes_mib = |b: i64| b as f64 / (1024.0 * 1024.0);
    let rate = records as f64 / m.seconds;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "sync bench: latency {} | {} Accounts + {} Contacts = {records} records in {:.2} s = {rate:.0} records/s | API calls: primary {} ({:.2}/1,000 records), secondary {} ({:.2}/1,000 records) | peak RSS (VmHWM, whole process incl. both emulators) {:.0} MiB, RSS before sync {:.0} MiB | engine heap: {:.1} MiB before, peak {:.1} MiB, {:.1} MiB after | emulators' heap: {:.1} MiB before, peak {:.1} MiB | seeding {seed_seconds:.1} s, apply {apply_seconds:.1} s",
        s.latency,
        m.accounts,
        m.contacts,
        m.seconds,
        m.primary["apiUsage"],
        per_1000(&m.primary),
        m.secondary["apiUsage"],
        per_1000(&m.secondary),
        mib(m.hwm_kib),
        mib(m.rss_before_kib),
        bytes_mib(m.engine_heap.start),
        bytes_mib(m.engine_heap.peak),
        bytes_mib(m.engine_heap.end),
        bytes_mib(m.emulator_heap.start),
        bytes_mib(m.emulator_heap.peak),
    )?;
    let line = json!({
        "bench": "sync",
        "latency": s.latency,
        "accounts": m.accounts,
        "contacts": m.contacts,
        "records": records,
        "seconds": round2(m.seconds),
        "recordsPerSecond": rate.round(),
        "primary": {
            "apiCalls": m.primary["apiUsage"],
            "callsPer1000Records": round2(per_1000(&m.primary)),
            "routes": m.primary["routes"],
        },
        "secondary": {
            "apiCalls": m.secondary["apiUsage"],
            "callsPer1000Records": round2(per_1000(&m.secondary)),
            "routes": m.secondary["routes"],
        },
        "peakRssMiB": mib(m.hwm_kib).round(),
        "rssBeforeSyncMiB": mib(m.rss_before_kib).round(),
        "engineHeapMiB": {
            "before": round2(bytes_mib(m.engine_heap.start)),
            "peak": round2(bytes_mib(m.engine_heap.peak)),
            "after": round2(bytes_mib(m.engine_heap.end)),
        },
        "emulatorHeapMiB": {
            "before": round2(bytes_mib(m.emulator_heap.start)),
            "peak": round2(bytes_mib(m.emulator_heap.peak)),
        },
        "seedSeconds": round2(seed_seconds),
        "applySeconds": round2(apply_seconds),
    });
    writeln!(out, "{line}")?;
    Ok(())
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Add `accounts` Accounts and three Contacts per Account to `org`, through the emulator's DML
/// layer (system fields, triggers and indexes as any write), a few thousand per transaction.
fn seed(org: &mut Org, accounts: usize) -> Result<(), Error> {
    const PER_TX: usize = 5_000;
    let user_id = org
        .integration_user_id
        .clone()
        .ok_or("the primary has no integration user")?;
    let ctx = Ctx {
        user_id,
        now: Utc::now(),
    };
    let dml = |object: &str, e: Vec<orgsync::emulator::dml::DmlError>| -> Error {
        let detail: Vec<String> = e.into_iter().map(|e| e.message).collect();
        format!("seeding {object}: {}", detail.join("; ")).into()
    };
    let mut account_ids: Vec<String> = Vec::with_capacity(accounts);
    for start in (0..accounts).step_by(PER_TX) {
        let mut tx = Tx::begin(org, ctx.clone());
        for i in start..(start + PER_TX).min(accounts) {
            let mut v = Map::new();
            v.insert("Name".into(), json!(format!("Bench Account {i:06}")));
            v.insert("Industry".into(), json!(INDUSTRIES[i % INDUSTRIES.len()]));
            v.insert("Phone".into(), json!(format!("+1 555 01{:02}", i % 100)));
            v.insert("AccountNumber".into(), json!(format!("BA-{i:06}")));
            account_ids.push(tx.insert("Account", v).map_err(|e| dml("Account", e))?);
        }
        tx.commit();
    }
    let contacts = accounts * CONTACTS_PER_ACCOUNT;
    for start in (0..contacts).step_by(PER_TX) {
        let mut tx = Tx::begin(org, ctx.clone());
        for i in start..(start + PER_TX).min(contacts) {
            let mut v = Map::new();
            v.insert("FirstName".into(), json!(format!("First{i}")));
            v.insert("LastName".into(), json!(format!("Contact {i:06}")));
            v.insert("Email".into(), json!(format!("contact{i}@bench.example")));
            v.insert(
                "AccountId".into(),
                json!(account_ids[i / CONTACTS_PER_ACCOUNT]),
            );
            tx.insert("Contact", v).map_err(|e| dml("Contact", e))?;
        }
        tx.commit();
    }
    Ok(())
}

fn serve(org: Org, token: &str) -> Result<RunningEmulator, Error> {
    let mut options = EmulatorOptions::new(org);
    options.access_token = Some(token.to_owned());
    Ok(spawn(options, ServeOptions::default())?)
}

fn compile_spec(
    primary: &RunningEmulator,
    secondary: &RunningEmulator,
    dir: &std::path::Path,
) -> Result<orgsync::spec::Spec, Error> {
    let text = format!(
        "apiVersion: orgsync.dev/v1
kind: OrgSync
metadata:
  name: bench-sync
spec:
  orgs:
    primary:
      instanceUrl: {p}
      auth:
        method: access-token
        accessToken: {{env: {PRIMARY_TOKEN_VAR}}}
    secondary:
      instanceUrl: {s}
      auth:
        method: access-token
        accessToken: {{env: {SECONDARY_TOKEN_VAR}}}
  connection:
    type: replication
    direction: one-way
    owner: admin@acme.example
  objects:
    Account:
      publish:
        fields: [Name, Industry, Phone, AccountNumber]
    Contact:
      publish:
        fields: [FirstName, LastName, Email, AccountId]
  state:
    url: sqlite://{state}
",
        p = primary.instance_url,
        s = secondary.instance_url,
        state = dir.join("state").join("orgsync.db").display(),
    );
    std::fs::write(dir.join("orgsync.yaml"), &text)?;
    let outcome = orgsync::spec::check_source("orgsync.yaml", text, dir);
    match outcome.spec {
        Some(spec) => Ok(spec),
        None => Err(format!(
            "the bench spec does not validate: {:?}",
            outcome.report.diagnostics
        )
        .into()),
    }
}

/// What `orgsync apply --auto-approve` does: plan, refuse a blocked plan, execute.
async fn apply(spec: &orgsync::spec::Spec) -> Result<(), Error> {
    let planned = session::plan(spec).await?;
    if planned.plan.is_blocked() {
        return Err("the bench connection's plan is blocked".into());
    }
    let inputs = Inputs {
        spec,
        snapshot: &planned.snapshot,
        plan: &planned.plan,
        orgs: Orgs {
            primary: &planned.primary,
            secondary: &planned.secondary,
        },
        store: &planned.store,
        clock: &SystemClock,
    };
    let report = execute(inputs, ApplyOptions::default()).await?;
    planned.store.close().await;
    if !report.succeeded() {
        return Err(format!("apply did not succeed: {:?}", report.steps).into());
    }
    Ok(())
}

/// `POST /__emulator/{route}` with `body`.
async fn control(emu: &RunningEmulator, route: &str, body: Value) -> Result<(), Error> {
    let resp = reqwest::Client::new()
        .post(format!("{}/__emulator/{route}", emu.instance_url))
        .json(&body)
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(format!("POST /__emulator/{route} answered {}", resp.status()).into());
    }
    Ok(())
}

/// `GET /__emulator/journal`.
async fn journal(emu: &RunningEmulator) -> Result<Value, Error> {
    Ok(
        reqwest::get(format!("{}/__emulator/journal", emu.instance_url))
            .await?
            .json()
            .await?,
    )
}

/// A `kB` line of `/proc/self/status` (`VmHWM`: peak resident set size; `VmRSS`: now).
fn proc_status_kib(key: &str) -> Result<u64, Error> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {key} in /proc/self/status").into())
}

/// Heap bytes per group of threads: the engine's (the main thread, the bench runtime
/// `orgsync-bench`, sqlx's SQLite workers) and the emulators' (`orgsync-emulator` and their
/// runtimes' worker threads, which keep tokio's default name; the main thread counts to the
/// emulators while it seeds and starts them). An allocation is counted to the group of the
/// thread that makes it and a free to the group of the thread that frees: the two groups share
/// no heap memory (they talk over TCP), so the counts stay exact without a per-allocation header
/// that would inflate the RSS being measured. SQLite's own page cache is allocated with C
/// `malloc` and is not counted (it is in `VmHWM`).
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// The engine's threads.
    pub const ENGINE: u8 = 0;
    /// The emulators' threads.
    pub const EMULATOR: u8 = 1;
    const UNSET: u8 = 254;
    const RESOLVING: u8 = 255;

    /// One group's counters, on a cache line of its own.
    #[repr(align(128))]
    struct Counters {
        live: AtomicI64,
        peak: AtomicI64,
        start: AtomicI64,
    }

    static GROUPS: [Counters; 2] = [
        Counters {
            live: AtomicI64::new(0),
            peak: AtomicI64::new(0),
            start: AtomicI64::new(0),
        },
        Counters {
            live: AtomicI64::new(0),
            peak: AtomicI64::new(0),
            start: AtomicI64::new(0),
        },
    ];

    thread_local! {
        static GROUP: Cell<u8> = const { Cell::new(UNSET) };
    }

    /// Count this thread's allocations to `group` from now on.
    pub fn set_thread(group: u8) {
        GROUP.with(|g| g.set(group));
    }

    fn group() -> usize {
        let g = GROUP
            .try_with(|g| match g.get() {
                UNSET => {
                    g.set(RESOLVING);
                    let name = std::thread::current().name().map(str::to_owned);
                    let resolved = match name.as_deref() {
                        // The emulators' runtimes keep tokio's default name (the bench's runtime
                        // has its own).
                        Some("orgsync-emulator" | "tokio-rt-worker" | "tokio-runtime-worker") => {
                            EMULATOR
                        }
                        _ => ENGINE,
                    };
                    g.set(resolved);
                    resolved
                }
                // An allocation made while the thread's name is read.
                RESOLVING => ENGINE,
                known => known,
            })
            .unwrap_or(ENGINE);
        usize::from(g)
    }

    /// Heap of one group over the timed window.
    #[derive(Debug, Clone, Copy)]
    pub struct Window {
        /// Live bytes at the start.
        pub start: i64,
        /// Most live bytes during the window.
        pub peak: i64,
        /// Live bytes now.
        pub end: i64,
    }

    /// Start a window: peaks from now.
    pub fn start_window() {
        for c in &GROUPS {
            let now = c.live.load(Ordering::Relaxed);
            c.start.store(now, Ordering::Relaxed);
            c.peak.store(now, Ordering::Relaxed);
        }
    }

    /// The window of `group` so far.
    pub fn window(group: u8) -> Window {
        let c = &GROUPS[usize::from(group)];
        Window {
            start: c.start.load(Ordering::Relaxed),
            peak: c.peak.load(Ordering::Relaxed),
            end: c.live.load(Ordering::Relaxed),
        }
    }

    fn add(bytes: i64) {
        let c = &GROUPS[group()];
        let now = c.live.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if bytes > 0 && now > c.peak.load(Ordering::Relaxed) {
            c.peak.fetch_max(now, Ordering::Relaxed);
        }
    }

    fn size(bytes: usize) -> i64 {
        i64::try_from(bytes).unwrap_or(i64::MAX)
    }

    /// The system allocator, counting live bytes per group.
    pub struct Counting;

    // SAFETY: every call is passed to the system allocator unchanged; only counters are updated.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: the caller's contract is the system allocator's.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                add(size(layout.size()));
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as in `alloc`.
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                add(size(layout.size()));
            }
            p
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            add(-size(layout.size()));
            // SAFETY: as in `alloc`.
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as in `alloc`.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                add(size(new_size) - size(layout.size()));
            }
            p
        }
    }
}
