//! Views of one plan model: [`text`] for a terminal (ANSI styles the Printer strips when colour
//! is off), [`markdown`] for a pull-request comment (split into numbered parts), and [`json`]
//! (the stable, versioned contract). Views only read the model; none of them can show more than
//! it holds, and it holds no record values or secrets.

pub mod json;
pub mod markdown;
pub mod text;

use super::forecast::{ApiForecast, OrgForecast, Verdict};
use super::model::Summary;

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `0.83` → `0.8%`; tiny non-zero shares show as `<0.1%`.
pub(crate) fn percent(p: f64) -> String {
    if p == 0.0 {
        "0%".to_owned()
    } else if p > 0.0 && p < 0.05 {
        "<0.1%".to_owned()
    } else {
        format!("{p:.1}%")
    }
}

/// `1 record`, `3 records`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `3 to create, 2 to update, 1 to remove, 1 needs attention (1 blocks apply)`.
pub(crate) fn counts(s: &Summary) -> String {
    let mut out = format!(
        "{} to create, {} to update, {} to remove",
        thousands(s.create),
        thousands(s.update),
        thousands(s.delete)
    );
    if s.attention > 0 {
        let verb = if s.attention == 1 { "needs" } else { "need" };
        out.push_str(&format!(", {} {verb} attention", thousands(s.attention)));
        if s.blocking > 0 {
            let verb = if s.blocking == 1 { "blocks" } else { "block" };
            out.push_str(&format!(" ({} {verb} apply)", thousands(s.blocking)));
        }
    }
    out
}

/// `~120 calls (0.8% of remaining)` or `~5,000 calls (over the 25% budget of 3,750)`.
pub(crate) fn org_calls(f: &OrgForecast, budget_percent: f64) -> String {
    let calls = format!("~{}", count(f.total(), "call", "calls"));
    let note = match f.verdict {
        Verdict::OverRemaining => format!("more than the {} remaining", thousands(f.remaining)),
        Verdict::OverBudget => format!(
            "over the {} budget of {}",
            percent_plain(budget_percent),
            thousands(f.budget_calls)
        ),
        Verdict::Within => match f.share_of_remaining() {
            Some(p) => format!("{} of remaining", percent(p)),
            None => "nothing remaining".to_owned(),
        },
    };
    format!("{calls} ({note})")
}

/// `API: primary ~120 calls (0.8% of remaining), secondary ~340 calls (2.3% of remaining)`.
pub(crate) fn api_line(f: &ApiForecast) -> String {
    format!(
        "API: primary {}, secondary {}",
        org_calls(&f.primary, f.budget_percent),
        org_calls(&f.secondary, f.budget_percent)
    )
}

/// `25%`, `12.5%`.
pub(crate) fn percent_plain(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p}%")
    }
}

/// The verdict in words.
pub(crate) fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Within => "within budget",
        Verdict::OverBudget => "over budget",
        Verdict::OverRemaining => "over the remaining allowance",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(0.83), "0.8%");
        assert_eq!(percent(0.01), "<0.1%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent_plain(25.0), "25%");
        assert_eq!(percent_plain(12.5), "12.5%");
        assert_eq!(count(1, "record", "records"), "1 record");
    }
}
