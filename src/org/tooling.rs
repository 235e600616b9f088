//! Tooling API (reference §11.1): queries (e.g. `ApexTrigger`, `CustomField`) and sObject CRUD
//! under `/services/data/vNN.N/tooling/`. Query pages add `size` and `entityTypeName`.

use reqwest::Method;
use serde_json::{Map, Value};

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::Call;
use crate::org::rest::segment;
use crate::org::usage::CallClass;
use crate::org::wire::{QueryPage, Record, SaveResult};

impl OrgClient {
    fn tooling(&self, method: Method, tail: &str) -> Call {
        Call::new(
            method,
            format!("{}/tooling{tail}", self.data_path()),
            CallClass::Tooling,
        )
    }

    /// Every record of a Tooling query, following `nextRecordsUrl`.
    pub async fn tooling_query(&self, soql: &str) -> Result<Vec<Record>, OrgError> {
        let mut page: QueryPage = self
            .send(&self.tooling(Method::GET, "/query").query("q", soql))
            .await?
            .json("tooling query")?;
        let mut records = std::mem::take(&mut page.records);
        while !page.done {
            let Some(next) = page.next_records_url.take() else {
                break;
            };
            page = self
                .send(&Call::new(Method::GET, next, CallClass::Tooling))
                .await?
                .json("tooling query")?;
            records.append(&mut page.records);
        }
        Ok(records)
    }

    /// `GET /tooling/sobjects/{Type}/{id}`.
    pub async fn tooling_get(&self, sobject: &str, id: &str) -> Result<Record, OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        self.send(&self.tooling(Method::GET, &tail))
            .await?
            .json("tooling record")
    }

    /// `POST /tooling/sobjects/{Type}`. Not idempotent.
    pub async fn tooling_create(
        &self,
        sobject: &str,
        fields: &Map<String, Value>,
    ) -> Result<SaveResult, OrgError> {
        let tail = format!("/sobjects/{}", segment(sobject));
        self.send(&self.tooling(Method::POST, &tail).json(fields)?)
            .await?
            .json("tooling create")
    }

    /// `PATCH /tooling/sobjects/{Type}/{id}`.
    pub async fn tooling_update(
        &self,
        sobject: &str,
        id: &str,
        fields: &Map<String, Value>,
    ) -> Result<(), OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        self.send(&self.tooling(Method::PATCH, &tail).json(fields)?)
            .await
            .map(|_| ())
    }

    /// `DELETE /tooling/sobjects/{Type}/{id}`.
    pub async fn tooling_delete(&self, sobject: &str, id: &str) -> Result<(), OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        self.send(&self.tooling(Method::DELETE, &tail))
            .await
            .map(|_| ())
    }
}
