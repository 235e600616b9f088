//! sObject Collections (`/composite/sobjects`, reference §8.1): create, update, upsert, delete
//! and retrieve many records, sent in chunks of [`CHUNK`] records.
//!
//! Results come back one per input, in order, with per-row errors using `statusCode`; rows that
//! failed transiently (`UNABLE_TO_LOCK_ROW`, ...) are flagged by
//! [`SaveResult::is_transient_failure`] so the sync engine can resend just those.
//! `allOrNone` applies **per chunk**: Salesforce cannot span a transaction over several requests.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::Call;
use crate::org::rest::segment;
use crate::org::usage::CallClass;
use crate::org::wire::{Record, SaveResult};

/// Records per collection request (the Salesforce limit).
pub const CHUNK: usize = 200;

/// Ids per retrieve request (`POST /composite/sobjects/{X}` accepts 2000).
pub const RETRIEVE_CHUNK: usize = 2000;

fn with_type(sobject: &str, record: &Map<String, Value>) -> Value {
    let mut out = Map::with_capacity(record.len() + 1);
    out.insert("attributes".into(), json!({ "type": sobject }));
    for (k, v) in record {
        if k != "attributes" {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

fn check_count(results: &[SaveResult], sent: usize) -> Result<(), OrgError> {
    if results.len() == sent {
        Ok(())
    } else {
        Err(OrgError::Decode {
            what: "collection",
            detail: format!("{} results for {sent} records", results.len()),
        })
    }
}

impl OrgClient {
    fn collection(&self, method: Method, tail: &str) -> Call {
        Call::new(
            method,
            format!("{}/composite/sobjects{tail}", self.data_path()),
            CallClass::Rest,
        )
    }

    async fn write_chunks(
        &self,
        method: Method,
        tail: &str,
        sobject: &str,
        records: &[Map<String, Value>],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>, OrgError> {
        let mut results = Vec::with_capacity(records.len());
        for chunk in records.chunks(CHUNK) {
            let body = json!({
                "allOrNone": all_or_none,
                "records": chunk.iter().map(|r| with_type(sobject, r)).collect::<Vec<_>>(),
            });
            let call = self.collection(method.clone(), tail).json(&body)?;
            let page: Vec<SaveResult> = self.send(&call).await?.json("collection")?;
            check_count(&page, chunk.len())?;
            results.extend(page);
        }
        Ok(results)
    }

    /// `POST /composite/sobjects`: creates records (no `Id`). Not idempotent.
    pub async fn create_many(
        &self,
        sobject: &str,
        records: &[Map<String, Value>],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>, OrgError> {
        self.write_chunks(Method::POST, "", sobject, records, all_or_none)
            .await
    }

    /// `PATCH /composite/sobjects`: updates records; each must carry `Id`.
    pub async fn update_many(
        &self,
        sobject: &str,
        records: &[Map<String, Value>],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>, OrgError> {
        if records
            .iter()
            .any(|r| !r.contains_key("Id") && !r.contains_key("id"))
        {
            return Err(OrgError::Config(
                "every record of a collection update needs an Id".into(),
            ));
        }
        self.write_chunks(Method::PATCH, "", sobject, records, all_or_none)
            .await
    }

    /// `PATCH /composite/sobjects/{X}/{field}`: upserts by external id (API 46.0+); results carry
    /// `created`. Idempotent.
    pub async fn upsert_many(
        &self,
        sobject: &str,
        external_id_field: &str,
        records: &[Map<String, Value>],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>, OrgError> {
        let tail = format!("/{}/{}", segment(sobject), segment(external_id_field));
        self.write_chunks(Method::PATCH, &tail, sobject, records, all_or_none)
            .await
    }

    /// `DELETE /composite/sobjects?ids=..&allOrNone=..`.
    pub async fn delete_many(
        &self,
        ids: &[&str],
        all_or_none: bool,
    ) -> Result<Vec<SaveResult>, OrgError> {
        let mut results = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let call = self
                .collection(Method::DELETE, "")
                .query("ids", chunk.join(","))
                .query("allOrNone", all_or_none.to_string());
            let page: Vec<SaveResult> = self.send(&call).await?.json("collection delete")?;
            check_count(&page, chunk.len())?;
            results.extend(page);
        }
        Ok(results)
    }

    /// `POST /composite/sobjects/{X}` `{ids, fields}`: one entry per id, `None` where the id is
    /// unknown or inaccessible. A read, so retried freely.
    pub async fn retrieve_many(
        &self,
        sobject: &str,
        ids: &[&str],
        fields: &[&str],
    ) -> Result<Vec<Option<Record>>, OrgError> {
        let tail = format!("/{}", segment(sobject));
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(RETRIEVE_CHUNK) {
            let call = self
                .collection(Method::POST, &tail)
                .json(&json!({ "ids": chunk, "fields": fields }))?
                .idempotent(true);
            let page: Vec<Option<Record>> = self.send(&call).await?.json("collection retrieve")?;
            records.extend(page);
        }
        Ok(records)
    }
}

/// Collection writes per composite call: Salesforce allows 25 subrequests, at most 5 of them
/// sObject Collections or queries (REST API guide, "Composite", v43.0+).
pub const COLLECTIONS_PER_COMPOSITE: usize = 5;

/// One sObject Collections write of at most [`CHUNK`] records, for
/// [`OrgClient::collections_bundled`].
#[derive(Debug, Clone)]
pub enum CollectionWrite {
    /// `PATCH /composite/sobjects/{X}/{field}`.
    Upsert {
        /// Object API name.
        sobject: String,
        /// The external ID field.
        external_id_field: String,
        /// The records (each carries the external ID field).
        records: Vec<Map<String, Value>>,
    },
    /// `PATCH /composite/sobjects` (each record carries `Id`).
    Update {
        /// Object API name.
        sobject: String,
        /// The records.
        records: Vec<Map<String, Value>>,
    },
    /// `DELETE /composite/sobjects?ids=…`.
    Delete {
        /// Record IDs.
        ids: Vec<String>,
    },
}

/// The outcome of one composite call carrying `writes` (indexes into the input): per write its
/// row results, or the error of the whole call.
#[derive(Debug)]
pub struct Bundled {
    /// The writes this call carried.
    pub writes: std::ops::Range<usize>,
    /// Per write: its rows' results, or the error its subrequest answered; or the call's error.
    pub result: Result<Vec<Result<Vec<SaveResult>, OrgError>>, OrgError>,
}

fn subrequest(
    client: &OrgClient,
    n: usize,
    w: &CollectionWrite,
) -> crate::org::composite::Subrequest {
    let base = format!("{}/composite/sobjects", client.data_path());
    let (method, url, body) = match w {
        CollectionWrite::Upsert {
            sobject,
            external_id_field,
            records,
        } => (
            "PATCH",
            format!("{base}/{}/{}", segment(sobject), segment(external_id_field)),
            Some(json!({
                "allOrNone": false,
                "records": records.iter().map(|r| with_type(sobject, r)).collect::<Vec<_>>(),
            })),
        ),
        CollectionWrite::Update { sobject, records } => (
            "PATCH",
            base,
            Some(json!({
                "allOrNone": false,
                "records": records.iter().map(|r| with_type(sobject, r)).collect::<Vec<_>>(),
            })),
        ),
        CollectionWrite::Delete { ids } => (
            "DELETE",
            format!("{base}?ids={}&allOrNone=false", ids.join(",")),
            None,
        ),
    };
    crate::org::composite::Subrequest {
        method: method.into(),
        url,
        reference_id: format!("w{n}"),
        body,
    }
}

fn rows(w: &CollectionWrite) -> usize {
    match w {
        CollectionWrite::Upsert { records, .. } | CollectionWrite::Update { records, .. } => {
            records.len()
        }
        CollectionWrite::Delete { ids } => ids.len(),
    }
}

impl OrgClient {
    /// Send collection writes bundled [`COLLECTIONS_PER_COMPOSITE`] to a composite call (one API
    /// call each), or directly when there is just one. Each write keeps its own transaction
    /// (`allOrNone: false` throughout), so one failing write never rolls back another.
    pub async fn collections_bundled(&self, writes: &[CollectionWrite]) -> Vec<Bundled> {
        let mut out = Vec::new();
        let mut start = 0;
        for bundle in writes.chunks(COLLECTIONS_PER_COMPOSITE) {
            let range = start..start + bundle.len();
            start += bundle.len();
            if let [single] = bundle {
                let result = match single {
                    CollectionWrite::Upsert {
                        sobject,
                        external_id_field,
                        records,
                    } => {
                        self.upsert_many(sobject, external_id_field, records, false)
                            .await
                    }
                    CollectionWrite::Update { sobject, records } => {
                        self.update_many(sobject, records, false).await
                    }
                    CollectionWrite::Delete { ids } => {
                        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                        self.delete_many(&ids, false).await
                    }
                };
                out.push(Bundled {
                    writes: range,
                    result: Ok(vec![result]),
                });
                continue;
            }
            let subs: Vec<_> = bundle
                .iter()
                .enumerate()
                .map(|(n, w)| subrequest(self, n, w))
                .collect();
            let result = self.composite(&subs, false).await.map(|responses| {
                bundle
                    .iter()
                    .enumerate()
                    .map(|(n, w)| {
                        let reference = format!("w{n}");
                        let Some(r) = responses.iter().find(|r| r.reference_id == reference) else {
                            return Err(OrgError::Decode {
                                what: "composite",
                                detail: format!("no answer for subrequest {reference}"),
                            });
                        };
                        let status = u16::try_from(r.http_status_code).unwrap_or(500);
                        if (200..300).contains(&status) {
                            let results: Vec<SaveResult> =
                                serde_json::from_value(r.body.clone())
                                    .map_err(|e| OrgError::decode("collection", &e))?;
                            check_count(&results, rows(w))?;
                            Ok(results)
                        } else {
                            let errors = serde_json::from_value(r.body.clone()).unwrap_or_default();
                            Err(OrgError::Api { status, errors })
                        }
                    })
                    .collect()
            });
            out.push(Bundled {
                writes: range,
                result,
            });
        }
        out
    }
}
