//! Metadata API over REST (reference §11.2): `POST /metadata/deployRequest` as multipart
//! (`json` part with `deployOptions`, `file` part with the zip), then
//! `GET /metadata/deployRequest/{id}?includeDetails=true` until `deployResult.done`.
//! Per the Metadata API guide page `meta_rest_deploy` (developer.salesforce.com).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::org::OrgClient;
use crate::org::bulk2::PollSettings;
use crate::org::error::OrgError;
use crate::org::http::{Body, Call, PartSpec};
use crate::org::rest::segment;
use crate::org::sensitive::Sensitive;
use crate::org::usage::CallClass;
use crate::org::wire::lenient::{count, flag, null_default};

/// `deployOptions` (the subset orgsync sets).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployOptions {
    /// Validate only.
    pub check_only: bool,
    /// Roll back everything on any error.
    pub rollback_on_error: bool,
    /// `NoTestRun`, `RunSpecifiedTests`, `RunLocalTests`, `RunAllTestsInOrg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_level: Option<String>,
    /// Test classes for `RunSpecifiedTests`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub run_tests: Vec<String>,
    /// The zip has one package at its root.
    pub single_package: bool,
}

/// A deploy request as returned by create and status calls.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployRequest {
    /// Deploy id (`0Af...`).
    #[serde(default, deserialize_with = "null_default")]
    pub id: String,
    /// Status details.
    #[serde(default)]
    pub deploy_result: DeployResult,
}

/// `deployResult`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployResult {
    /// `Pending`, `InProgress`, `Succeeded`, `SucceededPartial`, `Failed`, `Canceling`, `Canceled`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// Finished.
    #[serde(default, deserialize_with = "flag")]
    pub done: bool,
    /// Succeeded.
    #[serde(default, deserialize_with = "flag")]
    pub success: bool,
    /// Components in the package.
    #[serde(default, deserialize_with = "count")]
    pub number_components_total: u64,
    /// Components that failed.
    #[serde(default, deserialize_with = "count")]
    pub number_component_errors: u64,
    /// Failed tests.
    #[serde(default, deserialize_with = "count")]
    pub number_tests_errors: u64,
    /// Why the deploy failed; may name components and values.
    #[serde(default)]
    pub error_message: Option<Sensitive<String>>,
    /// `errorStatusCode`, when the whole deploy failed (e.g. `INVALID_OPERATION`).
    #[serde(default, deserialize_with = "null_default")]
    pub error_status_code: Option<String>,
    /// Per-component results (with `includeDetails=true`).
    #[serde(default, deserialize_with = "null_default")]
    pub details: DeployDetails,
}

/// `deployResult.details`: what happened to each component.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployDetails {
    /// Components deployed.
    #[serde(default, deserialize_with = "one_or_many")]
    pub component_successes: Vec<DeployMessage>,
    /// Components that failed.
    #[serde(default, deserialize_with = "one_or_many")]
    pub component_failures: Vec<DeployMessage>,
}

/// One component's result (`DeployMessage` in the Metadata API guide).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployMessage {
    /// `CustomField`, `ApexClass`, … (empty for `package.xml`).
    #[serde(default, deserialize_with = "null_default")]
    pub component_type: String,
    /// `Account.Support_Email__c`, `OrderService`.
    #[serde(default, deserialize_with = "null_default")]
    pub full_name: String,
    /// Deployed.
    #[serde(default, deserialize_with = "flag")]
    pub success: bool,
    /// Why not; may quote data (e.g. a duplicate value), so it is kept behind [`Sensitive`].
    #[serde(default)]
    pub problem: Option<Sensitive<String>>,
}

/// A list that Salesforce writes as one object when it has one entry, or `null` when empty.
fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<DeployMessage>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => Vec::new(),
        one => vec![one],
    };
    Ok(items
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

impl OrgClient {
    /// Starts a deployment of a metadata zip. Not idempotent.
    pub async fn deploy_metadata(
        &self,
        zip: Vec<u8>,
        options: &DeployOptions,
    ) -> Result<DeployRequest, OrgError> {
        let json = serde_json::to_vec(&serde_json::json!({ "deployOptions": options }))
            .map_err(|_| OrgError::Config("deploy options could not be encoded".into()))?;
        let call = Call::new(
            Method::POST,
            format!("{}/metadata/deployRequest", self.data_path()),
            CallClass::Metadata,
        )
        .body(Body::Multipart(vec![
            PartSpec {
                name: "json",
                file_name: None,
                content_type: "application/json",
                bytes: json,
            },
            PartSpec {
                name: "file",
                file_name: Some("deploy.zip"),
                content_type: "application/zip",
                bytes: zip,
            },
        ]));
        self.send(&call).await?.json("deploy request")
    }

    /// The status of a deployment.
    pub async fn deploy_status(&self, id: &str) -> Result<DeployRequest, OrgError> {
        let call = Call::new(
            Method::GET,
            format!(
                "{}/metadata/deployRequest/{}",
                self.data_path(),
                segment(id)
            ),
            CallClass::Metadata,
        )
        .query("includeDetails", "true");
        self.send(&call).await?.json("deploy request")
    }

    /// Polls until `done`; a finished but unsuccessful deploy is [`OrgError::JobFailed`].
    pub async fn wait_for_deploy(
        &self,
        id: &str,
        poll: PollSettings,
    ) -> Result<DeployRequest, OrgError> {
        for n in 0..poll.max_polls {
            if n > 0 {
                tokio::time::sleep(poll.interval).await;
            }
            let status = self.deploy_status(id).await?;
            if status.deploy_result.done {
                if status.deploy_result.success {
                    return Ok(status);
                }
                return Err(OrgError::JobFailed {
                    what: "metadata deployment",
                    id: id.to_owned(),
                    state: status.deploy_result.status.clone(),
                    message: status
                        .deploy_result
                        .error_message
                        .clone()
                        .unwrap_or_default(),
                });
            }
        }
        Err(OrgError::PollTimeout {
            what: "metadata deployment",
            id: id.to_owned(),
            polls: poll.max_polls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_accept_one_object_or_a_list() {
        let one: DeployRequest = serde_json::from_value(serde_json::json!({
            "id": "0Af1",
            "deployResult": {"done": true, "details": {"componentFailures": {"fullName": "A.B__c", "componentType": "CustomField", "success": false, "problem": "x"}, "componentSuccesses": null}}
        }))
        .unwrap();
        assert_eq!(one.deploy_result.details.component_failures.len(), 1);
        assert_eq!(
            one.deploy_result.details.component_failures[0].full_name,
            "A.B__c"
        );
        assert!(one.deploy_result.details.component_successes.is_empty());
        let none: DeployRequest = serde_json::from_value(
            serde_json::json!({"id": "0Af2", "deployResult": {"details": null}}),
        )
        .unwrap();
        assert!(none.deploy_result.details.component_failures.is_empty());
    }
}
