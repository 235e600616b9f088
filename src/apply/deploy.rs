//! Writing components to a production org through one Metadata API deploy (REST
//! `deployRequest`, salesforce-api.md §11.2), as seed 002's validate-and-deploy does: the test
//! level is `RunLocalTests` when the package holds Apex (production refuses `NoTestRun` then),
//! else `NoTestRun`; `rollbackOnError` is always on, so a failed deploy changes nothing.
//! `--validate-only` sends the same deploy with `checkOnly`. A deploy is an upsert of every
//! component, so repeating it after a crash is harmless.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::org::OrgClient;
use crate::org::bulk2::PollSettings;
use crate::org::metadata::{DeployOptions, DeployRequest};

use super::component::Component;
use super::error::describe;
use super::package;

/// The key of a component in deploy results: (type, full name), lowercase.
fn key(kind: &str, full_name: &str) -> (String, String) {
    (kind.to_ascii_lowercase(), full_name.to_ascii_lowercase())
}

/// The deploy options for `components`.
pub fn options(components: &[&Component], check_only: bool) -> DeployOptions {
    let apex = components.iter().any(|c| c.is_apex());
    DeployOptions {
        check_only,
        rollback_on_error: true,
        test_level: Some(if apex { "RunLocalTests" } else { "NoTestRun" }.to_owned()),
        run_tests: Vec::new(),
        single_package: true,
    }
}

async fn wait(client: &OrgClient, id: &str, poll: PollSettings) -> Result<DeployRequest, String> {
    let mut delay = Duration::from_millis(250).min(poll.interval);
    for n in 0..poll.max_polls.max(1) {
        if n > 0 {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(poll.interval);
        }
        let status = client.deploy_status(id).await.map_err(|e| describe(&e))?;
        if status.deploy_result.done {
            return Ok(status);
        }
    }
    Err(format!(
        "deployment {id} did not finish after {} status checks; see Setup → Deployment Status",
        poll.max_polls
    ))
}

/// Deploy `components` and say, per component, whether it is in place (`Ok(how)`) or why not.
/// `Err` for the whole deploy when it could not be started or followed.
pub async fn deploy(
    client: &OrgClient,
    components: &[&Component],
    api_version: &str,
    check_only: bool,
    poll: PollSettings,
) -> Result<Vec<Result<String, String>>, String> {
    let zip = package::zip(components, api_version).map_err(|e| e.to_string())?;
    let started = client
        .deploy_metadata(zip, &options(components, check_only))
        .await
        .map_err(|e| format!("the deploy was refused: {}", describe(&e)))?;
    let finished = wait(client, &started.id, poll).await?;
    let result = &finished.deploy_result;
    let failures: BTreeMap<(String, String), ()> = result
        .details
        .component_failures
        .iter()
        .map(|m| (key(&m.component_type, &m.full_name), ()))
        .collect();
    let first_failure = result
        .details
        .component_failures
        .first()
        .map(|m| format!("{} {}", m.component_type, m.full_name));
    let id = &finished.id;
    let level = options(components, check_only)
        .test_level
        .unwrap_or_default();
    Ok(components
        .iter()
        .map(|c| {
            if failures.contains_key(&key(c.kind(), &c.full_name())) {
                Err(format!(
                    "the deploy failed on this component (deployment {id}; its message is in Setup → Deployment Status)"
                ))
            } else if result.success {
                Ok(if check_only {
                    format!("deployable (check-only deployment {id}, {level})")
                } else {
                    format!("deployed (deployment {id}, {level})")
                })
            } else {
                let why = match (&first_failure, &result.error_status_code) {
                    (Some(f), _) => format!("{f} failed"),
                    (None, Some(code)) => format!("the deploy failed with {code}"),
                    (None, None) => format!("the deploy ended {}", result.status),
                };
                Err(format!(
                    "not deployed: {why} and the deploy rolled back (deployment {id})"
                ))
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apex_needs_local_tests() {
        let class = Component::ApexClass {
            name: "A".into(),
            body: "public class A {}".into(),
            api_version: "62.0".into(),
        };
        let object = Component::CustomObject {
            name: "Invoice__c".into(),
            label: "Invoice".into(),
        };
        let with_apex = options(&[&object, &class], false);
        assert_eq!(with_apex.test_level.as_deref(), Some("RunLocalTests"));
        assert!(with_apex.rollback_on_error);
        let schema_only = options(&[&object], true);
        assert_eq!(schema_only.test_level.as_deref(), Some("NoTestRun"));
        assert!(schema_only.check_only);
    }
}
