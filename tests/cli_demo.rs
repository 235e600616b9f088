//! `orgsync demo` runs start to finish on its own emulated orgs: every chapter, every check
//! holds, no record value or secret is printed, and it leaves a spec and state store behind
//! that the operations commands can read.

use assert_cmd::Command;

const CANARY_RECORD: &str = "CANARY-RECORD-VALUE-7f3a";

#[test]
fn the_demo_walks_through_the_whole_product() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = Command::cargo_bin("orgsync")
        .unwrap()
        .args(["demo", "--dir"])
        .arg(&demo)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{stderr}");
    for chapter in [
        "1. Two orgs",
        "2. The spec",
        "3. Plan and apply",
        "4. Bulk sync",
        "5. Changes flow (one-way)",
        "6. Two-way, with a conflict",
        "7. Status",
    ] {
        assert!(
            stdout.contains(chapter),
            "missing chapter {chapter}:\n{stdout}"
        );
    }
    assert!(!stdout.contains('✗'), "a check failed:\n{stdout}");
    assert!(stdout.matches('✓').count() >= 12, "{stdout}");
    assert!(stdout.contains("Plan: 13 to create"), "{stdout}");
    assert!(stdout.contains("1 conflicts resolved"), "{stdout}");
    let flat = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("latest-wins kept the secondary's version"),
        "{stdout}"
    );
    assert!(!stdout.contains(CANARY_RECORD) && !stderr.contains(CANARY_RECORD));
    assert!(
        !stdout.contains("+1 212 555"),
        "no record values in the narration"
    );
    let token = std::fs::read_to_string(demo.join("primary.token")).unwrap();
    assert!(
        !stdout.contains(token.trim()),
        "no access token in the output"
    );

    // The state store stays for the operations commands.
    let status = Command::cargo_bin("orgsync")
        .unwrap()
        .args(["status", "--format", "json", "-f"])
        .arg(demo.join("orgsync.yaml"))
        .output()
        .unwrap();
    assert!(status.status.success());
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["formatVersion"], 1);
    assert_eq!(json["objects"].as_array().map(Vec::len), Some(3), "{json}");
}
