//! Wire formats shared by the routes: datetimes as records carry them and ISO-8601 input.

use chrono::{DateTime, SubsecRound, Utc};

/// A datetime as records carry it: `2024-03-01T10:00:00.000+0000` (seconds precision).
pub fn wire_datetime(t: DateTime<Utc>) -> String {
    t.trunc_subsecs(0)
        .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
        .to_string()
}

/// An ISO-8601 instant: RFC 3339 (`…Z`, `…+00:00`) or Salesforce's `…+0000` form.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_parse_in_every_form_clients_send() {
        let a = parse_instant("2024-03-01T10:00:00Z").unwrap();
        assert_eq!(parse_instant("2024-03-01T10:00:00+00:00"), Some(a));
        assert_eq!(parse_instant("2024-03-01T10:00:00.000+0000"), Some(a));
        assert_eq!(parse_instant("2024-03-01T11:00:00+01:00"), Some(a));
        assert_eq!(wire_datetime(a), "2024-03-01T10:00:00.000+0000");
        assert!(parse_instant("yesterday").is_none());
    }
}
