//! Replication resources `sobjects/{X}/updated` and `sobjects/{X}/deleted`, reference §6.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, de::Error as _};

use super::lenient::null_default;

/// `GET /sobjects/{X}/updated/?start=&end=`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedResult {
    /// Ids changed in the window.
    #[serde(default, deserialize_with = "null_default")]
    pub ids: Vec<String>,
    /// Start the next poll from here (≤ the requested end).
    #[serde(default, deserialize_with = "opt_datetime")]
    pub latest_date_covered: Option<DateTime<Utc>>,
}

/// `GET /sobjects/{X}/deleted/?start=&end=`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedResult {
    /// Records deleted in the window.
    #[serde(default, deserialize_with = "null_default")]
    pub deleted_records: Vec<DeletedRecord>,
    /// Deletes before this instant were purged; a cursor older than it needs a full resync.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub earliest_date_available: Option<DateTime<Utc>>,
    /// Start the next poll from here.
    #[serde(default, deserialize_with = "opt_datetime")]
    pub latest_date_covered: Option<DateTime<Utc>>,
}

/// One deleted record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedRecord {
    /// Record id.
    pub id: String,
    /// When it was deleted.
    #[serde(deserialize_with = "datetime")]
    pub deleted_date: DateTime<Utc>,
}

/// Parses Salesforce's `2013-05-08T21:20:00.000+0000` (and RFC 3339 for good measure).
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn datetime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_datetime(&text).ok_or_else(|| D::Error::custom("not a Salesforce dateTime"))
}

fn opt_datetime<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_datetime(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom("not a Salesforce dateTime")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../shared/fixtures/salesforce/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn get_updated_fixture() {
        let u: UpdatedResult =
            serde_json::from_str(&fixture("sobject__get_updated_success_response.json")).unwrap();
        assert_eq!(u.ids.len(), 7);
        assert_eq!(u.ids[0], "003q000000KvQ1tAAF");
        assert_eq!(
            u.latest_date_covered,
            Some(Utc.with_ymd_and_hms(2015, 8, 19, 8, 17, 0).unwrap())
        );
    }

    #[test]
    fn get_deleted_fixture() {
        let d: DeletedResult =
            serde_json::from_str(&fixture("sobject__get_deleted_success_response.json")).unwrap();
        assert_eq!(d.deleted_records.len(), 1);
        assert_eq!(d.deleted_records[0].id, "a00D0000008pQRAIA2");
        assert_eq!(
            d.deleted_records[0].deleted_date,
            Utc.with_ymd_and_hms(2013, 5, 7, 22, 7, 19).unwrap()
        );
        assert_eq!(
            d.earliest_date_available,
            Some(Utc.with_ymd_and_hms(2013, 5, 3, 15, 57, 0).unwrap())
        );
    }
}
