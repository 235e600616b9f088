//! Date literals (`TODAY`, `LAST_N_DAYS:7`, …) as half-open ranges of days relative to `now`.
//!
//! Each literal is a range `[start, end)` of calendar days in UTC (the emulator's users all have
//! the UTC time zone and the en_US locale, so weeks start on Sunday). `=` means within the range,
//! `!=` outside it, `<` before its start, `<=` before its end, `>` on or after its end, `>=` on
//! or after its start. On datetime fields the bounds are the instants at 00:00:00Z of those days.
//!
//! `LAST_N_DAYS:n` includes today: the range is today and the `n` days before it. The SOQL
//! reference says "starts 00:00:00 of the current day and continues for the past n days", and
//! real orgs were observed returning today's rows for `LAST_N_DAYS:1` (salesforce.stackexchange
//! question 190643). `NEXT_N_DAYS:n` mirrors it: today and the `n` days after.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};

use super::ast::DateLiteral;

/// A half-open range of days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DayRange {
    /// The range's start as an instant (00:00:00 UTC).
    pub fn start_instant(&self) -> DateTime<Utc> {
        self.start.and_time(NaiveTime::MIN).and_utc()
    }

    /// The range's (exclusive) end as an instant.
    pub fn end_instant(&self) -> DateTime<Utc> {
        self.end.and_time(NaiveTime::MIN).and_utc()
    }
}

/// The range a date literal denotes at `now`. `None` only when it falls outside chrono's dates.
pub fn range(lit: DateLiteral, now: DateTime<Utc>) -> Option<DayRange> {
    let today = now.date_naive();
    let day = |d: NaiveDate| {
        Some(DayRange {
            start: d,
            end: d.checked_add_days(Days::new(1))?,
        })
    };
    let span = |start: NaiveDate, days: u64| {
        Some(DayRange {
            start,
            end: start.checked_add_days(Days::new(days))?,
        })
    };
    let week_start =
        today.checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_sunday())))?;
    let month_start = today.with_day(1)?;
    let year_start = today.with_ordinal(1)?;
    let months = |start: NaiveDate, n: u32| {
        Some(DayRange {
            start,
            end: start.checked_add_months(Months::new(n))?,
        })
    };
    match lit {
        DateLiteral::Today => day(today),
        DateLiteral::Yesterday => day(today.pred_opt()?),
        DateLiteral::Tomorrow => day(today.succ_opt()?),
        DateLiteral::ThisWeek => span(week_start, 7),
        DateLiteral::LastWeek => span(week_start.checked_sub_days(Days::new(7))?, 7),
        DateLiteral::NextWeek => span(week_start.checked_add_days(Days::new(7))?, 7),
        DateLiteral::ThisMonth => months(month_start, 1),
        DateLiteral::LastMonth => months(month_start.checked_sub_months(Months::new(1))?, 1),
        DateLiteral::NextMonth => months(month_start.checked_add_months(Months::new(1))?, 1),
        DateLiteral::ThisYear => months(year_start, 12),
        DateLiteral::LastYear => months(year_start.checked_sub_months(Months::new(12))?, 12),
        DateLiteral::NextYear => months(year_start.checked_add_months(Months::new(12))?, 12),
        DateLiteral::LastNDays(n) => span(
            today.checked_sub_days(Days::new(u64::from(n)))?,
            u64::from(n) + 1,
        ),
        DateLiteral::NextNDays(n) => span(today, u64::from(n) + 1),
        DateLiteral::NDaysAgo(n) => day(today.checked_sub_days(Days::new(u64::from(n)))?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ranges_relative_to_a_fixed_now() {
        // Wednesday 2024-03-13.
        let now = DateTime::parse_from_rfc3339("2024-03-13T15:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let r = |l| {
            let x = range(l, now).unwrap();
            (x.start, x.end)
        };
        assert_eq!(r(DateLiteral::Today), (d("2024-03-13"), d("2024-03-14")));
        assert_eq!(
            r(DateLiteral::Yesterday),
            (d("2024-03-12"), d("2024-03-13"))
        );
        assert_eq!(r(DateLiteral::Tomorrow), (d("2024-03-14"), d("2024-03-15")));
        assert_eq!(r(DateLiteral::ThisWeek), (d("2024-03-10"), d("2024-03-17")));
        assert_eq!(r(DateLiteral::LastWeek), (d("2024-03-03"), d("2024-03-10")));
        assert_eq!(
            r(DateLiteral::ThisMonth),
            (d("2024-03-01"), d("2024-04-01"))
        );
        assert_eq!(
            r(DateLiteral::LastMonth),
            (d("2024-02-01"), d("2024-03-01"))
        );
        assert_eq!(r(DateLiteral::ThisYear), (d("2024-01-01"), d("2025-01-01")));
        assert_eq!(r(DateLiteral::LastYear), (d("2023-01-01"), d("2024-01-01")));
        assert_eq!(
            r(DateLiteral::LastNDays(2)),
            (d("2024-03-11"), d("2024-03-14"))
        );
        assert_eq!(
            r(DateLiteral::NextNDays(2)),
            (d("2024-03-13"), d("2024-03-16"))
        );
        assert_eq!(
            r(DateLiteral::NDaysAgo(3)),
            (d("2024-03-10"), d("2024-03-11"))
        );
        let today = range(DateLiteral::Today, now).unwrap();
        assert_eq!(
            today.start_instant().to_rfc3339(),
            "2024-03-13T00:00:00+00:00"
        );
        assert_eq!(
            today.end_instant().to_rfc3339(),
            "2024-03-14T00:00:00+00:00"
        );
    }
}
