//! The reads themselves: bounded, bundled and paged.
//!
//! * **Bounded**: every HTTP call of one org takes a permit from that org's semaphore
//!   ([`OrgReader`]), so at most `max_in_flight` calls per org are in flight however many reads
//!   are started together; the two orgs are read concurrently, each with its own bound.
//! * **Bundled**: describes and queries go through `POST /composite` ([`OrgReader::bundle`]) in
//!   bundles of at most 25 subrequests, of which at most 5 are queries — the Composite limits
//!   ("up to 25 subrequests … up to 5 of these can be query operations", REST API Developer
//!   Guide, *Composite*, resources_composite_composite.htm). A composite request counts as one
//!   API call.
//! * **Paged**: a query answered with `done: false` is followed with `nextRecordsUrl` calls.
//!
//! Tooling queries cannot ride in a `/composite` bundle (only sObject, query and collection
//! resources can), so each is one call.

use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::org::composite::{MAX_SUBREQUESTS, Subrequest};
use crate::org::rest::{QueryOptions, UserInfo};
use crate::org::wire::{CompositeSubresponse, QueryPage, Record, SObjectDescribe};
use crate::org::{OrgClient, OrgError};

use super::error::ObserveError;
use super::snapshot::OrgRole;

/// Most query subrequests in one composite request.
pub const MAX_QUERIES_PER_BUNDLE: usize = 5;

/// Path-segment encoding for object names (API names are letters, digits and `_`).
const NAME: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_');

/// One read that can ride in a composite bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `GET /sobjects/{name}/describe`.
    Describe(String),
    /// `GET /query?q=…`, all pages. `key` names the answer; `what` describes it in errors.
    Query {
        /// The caller's name for the answer.
        key: String,
        /// The SOQL.
        soql: String,
        /// For error messages, e.g. `the users`.
        what: String,
    },
}

impl Item {
    fn is_query(&self) -> bool {
        matches!(self, Self::Query { .. })
    }
}

/// The answer to one [`Item`].
#[derive(Debug, Clone)]
pub enum Answer {
    /// A describe; `None` when the object does not exist (HTTP 404 / `NOT_FOUND`).
    Describe(String, Option<Box<SObjectDescribe>>),
    /// Every record of a query (and `totalSize`, the count for `SELECT COUNT()`).
    Query {
        /// The item's key.
        key: String,
        /// `totalSize`.
        total_size: u64,
        /// All pages' records.
        records: Vec<Record>,
    },
}

/// Packs items into bundles: at most [`MAX_SUBREQUESTS`] each, at most
/// [`MAX_QUERIES_PER_BUNDLE`] queries each (first fit, so few bundles and a stable order).
pub fn pack(items: Vec<Item>) -> Vec<Vec<Item>> {
    let mut bundles: Vec<Vec<Item>> = Vec::new();
    for item in items {
        let fits = |b: &Vec<Item>| {
            b.len() < MAX_SUBREQUESTS
                && (!item.is_query()
                    || b.iter().filter(|i| i.is_query()).count() < MAX_QUERIES_PER_BUNDLE)
        };
        match bundles.iter_mut().find(|b| fits(b)) {
            Some(b) => b.push(item),
            None => bundles.push(vec![item]),
        }
    }
    bundles
}

/// One org's client with its in-flight bound.
#[derive(Debug, Clone)]
pub struct OrgReader {
    role: OrgRole,
    client: OrgClient,
    permits: Arc<Semaphore>,
}

impl OrgReader {
    /// A reader allowing `max_in_flight` (at least 1) concurrent calls.
    pub fn new(role: OrgRole, client: OrgClient, max_in_flight: usize) -> Self {
        Self {
            role,
            client,
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }

    /// Which org.
    pub fn role(&self) -> OrgRole {
        self.role
    }

    /// The client.
    pub fn client(&self) -> &OrgClient {
        &self.client
    }

    /// Waits for a free slot. The semaphore is never closed; should it be, the call goes ahead
    /// unbounded rather than failing.
    async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }

    /// An error for a failed read of `what`.
    pub fn failed(&self, what: impl Into<String>) -> impl FnOnce(OrgError) -> ObserveError {
        let role = self.role;
        let what = what.into();
        move |source| ObserveError::Read { role, what, source }
    }

    /// An error for an answer of the wrong shape.
    pub fn unexpected(&self, what: impl Into<String>, detail: impl Into<String>) -> ObserveError {
        ObserveError::Unexpected {
            role: self.role,
            what: what.into(),
            detail: detail.into(),
        }
    }

    /// Logs in (so an auth failure is reported as such) and returns the instance URL in use.
    pub async fn login(&self) -> Result<url::Url, ObserveError> {
        let _slot = self.permit().await;
        self.client
            .connect()
            .await
            .map_err(self.failed("the login"))
    }

    /// `GET /services/oauth2/userinfo`.
    pub async fn userinfo(&self) -> Result<UserInfo, ObserveError> {
        let _slot = self.permit().await;
        self.client
            .userinfo()
            .await
            .map_err(self.failed("the running user (userinfo)"))
    }

    /// Every record of a Tooling query (one call per page).
    pub async fn tooling_query(&self, soql: &str, what: &str) -> Result<Vec<Record>, ObserveError> {
        let _slot = self.permit().await;
        self.client
            .tooling_query(soql)
            .await
            .map_err(self.failed(what))
    }

    /// `GET /limits`.
    pub async fn limits(&self) -> Result<crate::org::wire::Limits, ObserveError> {
        let _slot = self.permit().await;
        self.client
            .limits()
            .await
            .map_err(self.failed("the API limits"))
    }

    /// Runs `items` in as few composite calls as the limits allow, the bundles concurrently
    /// (within the bound). Answers come back in item order.
    pub async fn read_all(&self, items: Vec<Item>) -> Result<Vec<Answer>, ObserveError> {
        let bundles = pack(items);
        let answers =
            futures::future::try_join_all(bundles.into_iter().map(|b| self.bundle(b))).await?;
        Ok(answers.into_iter().flatten().collect())
    }

    /// One composite call for up to 25 items, then the further pages of any unfinished query.
    pub async fn bundle(&self, items: Vec<Item>) -> Result<Vec<Answer>, ObserveError> {
        let subrequests: Vec<Subrequest> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let tail = match item {
                    Item::Describe(name) => {
                        format!("/sobjects/{}/describe", utf8_percent_encode(name, NAME))
                    }
                    Item::Query { soql, .. } => format!(
                        "/query?q={}",
                        url::form_urlencoded::byte_serialize(soql.as_bytes()).collect::<String>()
                    ),
                };
                Subrequest::get(&self.client, &format!("r{i}"), &tail)
            })
            .collect();
        let responses = {
            let _slot = self.permit().await;
            self.client
                .composite(&subrequests, false)
                .await
                .map_err(self.failed("a composite bundle of describes and queries"))?
        };
        if responses.len() != items.len() {
            return Err(self.unexpected(
                "a composite bundle",
                format!(
                    "{} subresponses for {} subrequests",
                    responses.len(),
                    items.len()
                ),
            ));
        }
        let mut answers = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let reference = format!("r{i}");
            let response = responses
                .iter()
                .find(|r| r.reference_id == reference)
                .unwrap_or(&responses[i]);
            answers.push(self.answer(item, response).await?);
        }
        Ok(answers)
    }

    async fn answer(
        &self,
        item: Item,
        response: &CompositeSubresponse,
    ) -> Result<Answer, ObserveError> {
        match item {
            Item::Describe(name) => {
                let what = format!("the describe of {name}");
                if response.http_status_code == 404 {
                    return Ok(Answer::Describe(name, None));
                }
                let body = success(response).map_err(self.failed(what.clone()))?;
                let describe: SObjectDescribe = serde_json::from_value(body.clone())
                    .map_err(|e| self.unexpected(what, e.to_string()))?;
                Ok(Answer::Describe(name, Some(Box::new(describe))))
            }
            Item::Query { key, what, .. } => {
                let body = success(response).map_err(self.failed(what.clone()))?;
                let mut page: QueryPage = serde_json::from_value(body.clone())
                    .map_err(|e| self.unexpected(what.clone(), e.to_string()))?;
                let total_size = page.total_size;
                let mut records = std::mem::take(&mut page.records);
                while !page.done {
                    let Some(next) = page.next_records_url.take() else {
                        return Err(self.unexpected(what, "done=false without nextRecordsUrl"));
                    };
                    page = {
                        let _slot = self.permit().await;
                        self.client
                            .query_more(&next, QueryOptions::default())
                            .await
                            .map_err(self.failed(what.clone()))?
                    };
                    records.append(&mut page.records);
                }
                Ok(Answer::Query {
                    key,
                    total_size,
                    records,
                })
            }
        }
    }
}

/// The body of a successful subresponse, or its errors as an [`OrgError::Api`].
fn success(response: &CompositeSubresponse) -> Result<&serde_json::Value, OrgError> {
    if response.is_success() {
        Ok(&response.body)
    } else {
        Err(OrgError::Api {
            status: u16::try_from(response.http_status_code).unwrap_or(u16::MAX),
            errors: response.errors(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: usize) -> Vec<Item> {
        (0..n).map(|i| Item::Describe(format!("O{i}__c"))).collect()
    }

    fn q(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item::Query {
                key: format!("q{i}"),
                soql: "SELECT COUNT() FROM Account".into(),
                what: "a count".into(),
            })
            .collect()
    }

    #[test]
    fn packs_within_composite_limits() {
        assert!(pack(vec![]).is_empty());
        let sizes = |b: &[Vec<Item>]| b.iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(sizes(&pack(d(25))), [25]);
        assert_eq!(sizes(&pack(d(26))), [25, 1]);
        let mixed = pack([d(4), q(12)].concat());
        assert_eq!(mixed.len(), 3);
        for b in &mixed {
            assert!(b.len() <= MAX_SUBREQUESTS);
            assert!(b.iter().filter(|i| i.is_query()).count() <= MAX_QUERIES_PER_BUNDLE);
        }
        // Describes fill the room the query limit leaves.
        let filled = pack([q(10), d(40)].concat());
        assert_eq!(sizes(&filled), [25, 25]);
    }
}
