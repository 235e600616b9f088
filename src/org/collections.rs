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
