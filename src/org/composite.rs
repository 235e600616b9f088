//! `POST /composite` (reference §8.2): up to [`MAX_SUBREQUESTS`] subrequests in one call, later
//! ones able to reference earlier results (`@{ref.id}`). Used to bundle reads (a "graph of reads"
//! of describes and queries) and small dependent writes into one API call.

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::Call;
use crate::org::usage::CallClass;
use crate::org::wire::{CompositeResponse, CompositeSubresponse};

/// Most subrequests per composite call.
pub const MAX_SUBREQUESTS: usize = 25;

/// One subrequest.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subrequest {
    /// `GET`, `POST`, `PATCH`, `DELETE`.
    pub method: String,
    /// Root-relative URL, e.g. `/services/data/v62.0/sobjects/Account/describe`.
    pub url: String,
    /// Name other subrequests use to refer to this one's result.
    pub reference_id: String,
    /// JSON body for writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl Subrequest {
    /// A GET subrequest for a path under the versioned data URL (e.g. `/sobjects/Account/describe`).
    pub fn get(client: &OrgClient, reference_id: &str, tail: &str) -> Self {
        Self {
            method: "GET".into(),
            url: format!("{}{tail}", client.data_path()),
            reference_id: reference_id.into(),
            body: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CompositeRequest<'a> {
    all_or_none: bool,
    composite_request: &'a [Subrequest],
}

impl OrgClient {
    /// Sends one composite request. More than [`MAX_SUBREQUESTS`] subrequests is an error: a
    /// bundle is one transaction and cannot be split silently (see [`Self::composite_reads`]).
    pub async fn composite(
        &self,
        subrequests: &[Subrequest],
        all_or_none: bool,
    ) -> Result<Vec<CompositeSubresponse>, OrgError> {
        if subrequests.len() > MAX_SUBREQUESTS {
            return Err(OrgError::Config(format!(
                "a composite request holds at most {MAX_SUBREQUESTS} subrequests, got {}",
                subrequests.len()
            )));
        }
        // Idempotent unless a subrequest creates (POST): GET/PATCH/DELETE can be repeated.
        let idempotent = subrequests
            .iter()
            .all(|s| !s.method.eq_ignore_ascii_case("POST"));
        let call = Call::new(
            Method::POST,
            format!("{}/composite", self.data_path()),
            CallClass::Composite,
        )
        .json(&CompositeRequest {
            all_or_none,
            composite_request: subrequests,
        })?
        .idempotent(idempotent);
        let response: CompositeResponse = self.send(&call).await?.json("composite")?;
        Ok(response.composite_response)
    }

    /// Sends many independent GET subrequests in bundles of 25; results in input order.
    pub async fn composite_reads(
        &self,
        reads: &[Subrequest],
    ) -> Result<Vec<CompositeSubresponse>, OrgError> {
        let mut out = Vec::with_capacity(reads.len());
        for bundle in reads.chunks(MAX_SUBREQUESTS) {
            out.extend(self.composite(bundle, false).await?);
        }
        Ok(out)
    }
}
