//! The embedded default fixtures load, differ in the documented ways, and their references
//! resolve.

use orgsync::emulator::fixture::{DefaultOrg, default_org};

#[test]
fn both_default_orgs_load() {
    let primary = default_org(DefaultOrg::Primary, 0).unwrap();
    let secondary = default_org(DefaultOrg::Secondary, 0).unwrap();
    assert!(primary.record_count("Account") > 50);
    assert_eq!(secondary.record_count("Account"), 0);
    assert_ne!(primary.identity.id, secondary.identity.id);
}
