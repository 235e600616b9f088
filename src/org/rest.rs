//! REST data calls: describe, limits, query paging, single-record CRUD, upsert by external id,
//! replication (updated/deleted). Reference §3–§7 and §10.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value};

use crate::org::OrgClient;
use crate::org::error::OrgError;
use crate::org::http::Call;
use crate::org::usage::CallClass;
use crate::org::wire::{
    DeletedResult, DescribeGlobal, Limits, QueryPage, Record, SObjectDescribe, SaveResult,
    UpdatedResult, VersionInfo,
};

/// Characters escaped in one URL path segment (external id values can hold anything).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'+')
    .add(b'&')
    .add(b';')
    .add(b'=');

/// Percent-encodes one path segment.
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Options for a query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// Use `queryAll`: include soft-deleted and archived rows.
    pub include_deleted: bool,
    /// Requested page size (`Sforce-Query-Options: batchSize=N`, Salesforce honours 200–2000).
    pub batch_size: Option<u32>,
}

/// The result of an upsert by external id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertOutcome {
    /// HTTP 201: a record was inserted.
    Created {
        /// The new record's id.
        id: String,
    },
    /// HTTP 200 (API 46.0+, with the id) or 204 (earlier versions, no body): a record was updated.
    Updated {
        /// The updated record's id, when the API version returns it.
        id: Option<String>,
    },
}

/// `GET /services/oauth2/userinfo` (OpenID Connect): who the session runs as. Only the keys the
/// product uses are typed; personal claims (name, email) are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct UserInfo {
    /// The running user's ID (`005…`).
    #[serde(default)]
    pub user_id: String,
    /// The org ID (`00D…`).
    #[serde(default)]
    pub organization_id: String,
    /// The running user's username.
    #[serde(default)]
    pub preferred_username: String,
}

impl OrgClient {
    fn rest(&self, method: Method, tail: &str) -> Call {
        Call::new(
            method,
            format!("{}{tail}", self.data_path()),
            CallClass::Rest,
        )
    }

    /// `GET /services/data/`: the API versions the org serves.
    pub async fn versions(&self) -> Result<Vec<VersionInfo>, OrgError> {
        let call = Call::new(Method::GET, "/services/data/", CallClass::Rest);
        self.send(&call).await?.json("versions")
    }

    /// `GET /services/oauth2/userinfo`: the running user (an OAuth call; it does not count toward
    /// the daily API allowance).
    pub async fn userinfo(&self) -> Result<UserInfo, OrgError> {
        let call = Call::new(Method::GET, "/services/oauth2/userinfo", CallClass::Auth);
        self.send(&call).await?.json("userinfo")
    }

    /// `GET /sobjects/`: every object in the org.
    pub async fn describe_global(&self) -> Result<DescribeGlobal, OrgError> {
        self.send(&self.rest(Method::GET, "/sobjects/"))
            .await?
            .json("describe global")
    }

    /// `GET /sobjects/{X}/describe`.
    pub async fn describe(&self, sobject: &str) -> Result<SObjectDescribe, OrgError> {
        let tail = format!("/sobjects/{}/describe", segment(sobject));
        self.send(&self.rest(Method::GET, &tail))
            .await?
            .json("describe")
    }

    /// `GET /limits`.
    pub async fn limits(&self) -> Result<Limits, OrgError> {
        self.send(&self.rest(Method::GET, "/limits"))
            .await?
            .json("limits")
    }

    /// The first page of a SOQL query.
    pub async fn query(&self, soql: &str, options: QueryOptions) -> Result<QueryPage, OrgError> {
        let resource = if options.include_deleted {
            "/queryAll"
        } else {
            "/query"
        };
        let mut call = self.rest(Method::GET, resource).query("q", soql);
        if let Some(size) = options.batch_size {
            call = call.header(
                "Sforce-Query-Options",
                format!("batchSize={}", size.clamp(200, 2000)),
            );
        }
        self.send(&call).await?.json("query")
    }

    /// The page at a `nextRecordsUrl` (root-relative, used verbatim).
    pub async fn query_more(
        &self,
        next_records_url: &str,
        options: QueryOptions,
    ) -> Result<QueryPage, OrgError> {
        let mut call = Call::new(Method::GET, next_records_url, CallClass::Rest);
        if let Some(size) = options.batch_size {
            call = call.header(
                "Sforce-Query-Options",
                format!("batchSize={}", size.clamp(200, 2000)),
            );
        }
        self.send(&call).await?.json("query")
    }

    /// Every record of a query, following `nextRecordsUrl` until `done`.
    pub async fn query_all(
        &self,
        soql: &str,
        options: QueryOptions,
    ) -> Result<Vec<Record>, OrgError> {
        let mut page = self.query(soql, options).await?;
        let mut records = std::mem::take(&mut page.records);
        while !page.done {
            let Some(next) = page.next_records_url.take() else {
                return Err(OrgError::Decode {
                    what: "query",
                    detail: "a page says done=false but has no nextRecordsUrl".into(),
                });
            };
            page = self.query_more(&next, options).await?;
            records.append(&mut page.records);
        }
        Ok(records)
    }

    /// `GET /sobjects/{X}/{id}`, optionally restricted to `fields`.
    pub async fn get(&self, sobject: &str, id: &str, fields: &[&str]) -> Result<Record, OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        let mut call = self.rest(Method::GET, &tail);
        if !fields.is_empty() {
            call = call.query("fields", fields.join(","));
        }
        self.send(&call).await?.json("record")
    }

    /// `POST /sobjects/{X}/`: creates one record. Not idempotent: retried only when the request
    /// provably had no effect (see [`OrgError::may_retry`]).
    pub async fn create(
        &self,
        sobject: &str,
        fields: &Map<String, Value>,
    ) -> Result<SaveResult, OrgError> {
        let tail = format!("/sobjects/{}/", segment(sobject));
        let call = self.rest(Method::POST, &tail).json(fields)?;
        self.send(&call).await?.json("create")
    }

    /// `PATCH /sobjects/{X}/{id}` (204, no body).
    pub async fn update(
        &self,
        sobject: &str,
        id: &str,
        fields: &Map<String, Value>,
    ) -> Result<(), OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        self.send(&self.rest(Method::PATCH, &tail).json(fields)?)
            .await
            .map(|_| ())
    }

    /// `DELETE /sobjects/{X}/{id}` (204): the record goes to the recycle bin.
    pub async fn delete(&self, sobject: &str, id: &str) -> Result<(), OrgError> {
        let tail = format!("/sobjects/{}/{}", segment(sobject), segment(id));
        self.send(&self.rest(Method::DELETE, &tail))
            .await
            .map(|_| ())
    }

    /// `PATCH /sobjects/{X}/{field}/{value}`: insert or update by external id. Idempotent, so it
    /// is retried on any transient failure.
    ///
    /// Status rule (API 46.0 changed it): 201 → created; 200 → updated (46.0+, body carries the
    /// id and `created:false`); 204 → updated (before 46.0, no body); 300 → several records match
    /// ([`OrgError::MultipleChoices`] with their URLs).
    pub async fn upsert(
        &self,
        sobject: &str,
        external_id_field: &str,
        external_id: &str,
        fields: &Map<String, Value>,
    ) -> Result<UpsertOutcome, OrgError> {
        let tail = format!(
            "/sobjects/{}/{}/{}",
            segment(sobject),
            segment(external_id_field),
            segment(external_id)
        );
        let response = self
            .send(&self.rest(Method::PATCH, &tail).json(fields)?)
            .await?;
        match response.status {
            StatusCode::CREATED => {
                let result: SaveResult = response.json("upsert")?;
                let id = result.id.ok_or_else(|| OrgError::Decode {
                    what: "upsert",
                    detail: "HTTP 201 without an id".into(),
                })?;
                Ok(UpsertOutcome::Created { id })
            }
            StatusCode::NO_CONTENT => Ok(UpsertOutcome::Updated { id: None }),
            StatusCode::MULTIPLE_CHOICES => Err(OrgError::MultipleChoices {
                urls: response.json("upsert multiple choices")?,
            }),
            _ => {
                let result: SaveResult = response.json("upsert")?;
                if result.created == Some(true) {
                    let id = result.id.unwrap_or_default();
                    Ok(UpsertOutcome::Created { id })
                } else {
                    Ok(UpsertOutcome::Updated { id: result.id })
                }
            }
        }
    }

    /// `GET /sobjects/{X}/updated/?start=&end=` (UTC, seconds truncated).
    pub async fn updated(
        &self,
        sobject: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<UpdatedResult, OrgError> {
        let tail = format!("/sobjects/{}/updated/", segment(sobject));
        let call = self
            .rest(Method::GET, &tail)
            .query("start", replication_instant(start))
            .query("end", replication_instant(end));
        self.send(&call).await?.json("get updated")
    }

    /// `GET /sobjects/{X}/deleted/?start=&end=`.
    pub async fn deleted(
        &self,
        sobject: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<DeletedResult, OrgError> {
        let tail = format!("/sobjects/{}/deleted/", segment(sobject));
        let call = self
            .rest(Method::GET, &tail)
            .query("start", replication_instant(start))
            .query("end", replication_instant(end));
        self.send(&call).await?.json("get deleted")
    }
}

/// `2013-05-05T00:00:00+00:00` (ISO-8601 with offset, seconds precision) — reference §6.
pub fn replication_instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn segments_and_instants() {
        assert_eq!(segment("a/b c+d"), "a%2Fb%20c%2Bd");
        assert_eq!(segment("001xx000003DGb2AAG"), "001xx000003DGb2AAG");
        let at = Utc.with_ymd_and_hms(2013, 5, 5, 1, 2, 3).unwrap()
            + chrono::Duration::milliseconds(900);
        assert_eq!(replication_instant(at), "2013-05-05T01:02:03+00:00");
    }
}
