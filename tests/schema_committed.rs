//! The committed JSON Schema matches the one generated from the types, and `orgsync schema`
//! prints it.

use assert_cmd::Command;

const COMMITTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schemas/orgsync.v1.schema.json"
);

#[test]
fn committed_schema_is_up_to_date() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    let generated = orgsync::spec::schema::generate_pretty();
    assert!(
        committed == generated,
        "schemas/orgsync.v1.schema.json is out of date with the spec types; regenerate it with:\n\n    cargo run -- schema > schemas/orgsync.v1.schema.json\n"
    );
}

#[test]
fn schema_command_prints_the_schema() {
    let out = Command::cargo_bin("orgsync")
        .unwrap()
        .arg("schema")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(printed, orgsync::spec::schema::generate());
    assert_eq!(
        printed["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
}

#[test]
fn schema_serves_the_language_server() {
    let schema = orgsync::spec::schema::generate();
    let defs = &schema["definitions"];
    // closed objects, descriptions from doc comments, enums for vocabularies, free object keys
    assert_eq!(defs["Connection"]["additionalProperties"], false);
    assert!(
        defs["Connection"]["properties"]["direction"]["description"]
            .as_str()
            .unwrap()
            .contains("two-way")
    );
    let methods: Vec<&str> = defs["AuthMethod"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["const"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        [
            "jwt-bearer",
            "client-credentials",
            "refresh-token",
            "access-token",
            "sfdx-auth-url"
        ]
    );
    assert!(defs["SpecBody"]["properties"]["objects"]["propertyNames"]["pattern"].is_string());
    assert!(defs["State"]["properties"]["password"].is_object());
}
