//! SOQL date literals (`TODAY`, `LAST_N_DAYS:30`) and plain dates, as used in `bulkSync.since`
//! and in filters. Vocabulary from the SOQL reference, "Date Formats and Date Literals".

/// Literals without a number.
const FIXED: [&str; 23] = [
    "YESTERDAY",
    "TODAY",
    "TOMORROW",
    "LAST_WEEK",
    "THIS_WEEK",
    "NEXT_WEEK",
    "LAST_MONTH",
    "THIS_MONTH",
    "NEXT_MONTH",
    "LAST_90_DAYS",
    "NEXT_90_DAYS",
    "THIS_QUARTER",
    "LAST_QUARTER",
    "NEXT_QUARTER",
    "THIS_YEAR",
    "LAST_YEAR",
    "NEXT_YEAR",
    "THIS_FISCAL_QUARTER",
    "LAST_FISCAL_QUARTER",
    "NEXT_FISCAL_QUARTER",
    "THIS_FISCAL_YEAR",
    "LAST_FISCAL_YEAR",
    "NEXT_FISCAL_YEAR",
];

/// Literals that take `:n`.
const WITH_N: [&str; 20] = [
    "LAST_N_DAYS",
    "NEXT_N_DAYS",
    "N_DAYS_AGO",
    "LAST_N_WEEKS",
    "NEXT_N_WEEKS",
    "N_WEEKS_AGO",
    "LAST_N_MONTHS",
    "NEXT_N_MONTHS",
    "N_MONTHS_AGO",
    "LAST_N_QUARTERS",
    "NEXT_N_QUARTERS",
    "N_QUARTERS_AGO",
    "LAST_N_YEARS",
    "NEXT_N_YEARS",
    "N_YEARS_AGO",
    "LAST_N_FISCAL_QUARTERS",
    "NEXT_N_FISCAL_QUARTERS",
    "N_FISCAL_QUARTERS_AGO",
    "LAST_N_FISCAL_YEARS",
    "NEXT_N_FISCAL_YEARS",
];

/// Whether `text` is a SOQL date literal (case-insensitive, as SOQL is).
pub fn is_date_literal(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    match upper.split_once(':') {
        Some((name, n)) => {
            WITH_N.contains(&name)
                && !n.is_empty()
                && n.len() <= 6
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => FIXED.contains(&upper.as_str()),
    }
}

/// The name part of a literal with `:n` (for "did you mean" and error wording).
pub fn needs_number(text: &str) -> bool {
    WITH_N.contains(&text.to_ascii_uppercase().as_str())
}

/// All literal names, for suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    FIXED.iter().chain(WITH_N.iter()).copied()
}

/// A calendar date `YYYY-MM-DD` that exists.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_literals_and_dates() {
        assert!(is_date_literal("LAST_N_DAYS:365"));
        assert!(is_date_literal("this_year"));
        assert!(!is_date_literal("LAST_N_DAYS"));
        assert!(needs_number("LAST_N_DAYS"));
        assert!(!is_date_literal("LAST_N_DAYS:x"));
        assert!(!is_date_literal("LAST_DECADE"));
        assert!(parse_date("2025-11-21").is_some());
        assert!(parse_date("2025-02-30").is_none());
        assert!(parse_date("2025-1-5").is_none());
    }
}
