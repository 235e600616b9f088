//! Strict durations: a whole number and one unit, `30s`, `5m`, `1h`, `1d`.

use std::time::Duration;

/// Parse `30s`, `5m`, `1h` or `1d`. No spaces, no fractions, no combined units.
pub fn parse(text: &str) -> Result<Duration, String> {
    let Some(unit) = text.chars().last() else {
        return Err("a duration is empty".to_owned());
    };
    let digits = &text[..text.len() - unit.len_utf8()];
    let factor: u64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err("a duration ends in `s`, `m`, `h` or `d`".to_owned()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a duration is a whole number followed by `s`, `m`, `h` or `d`".to_owned());
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| "the duration is too large".to_owned())?;
    n.checked_mul(factor)
        .filter(|secs| *secs <= 366 * 86_400)
        .map(Duration::from_secs)
        .ok_or_else(|| "the duration is longer than a year".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strictly() {
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1d"), Ok(Duration::from_secs(86_400)));
        for bad in [
            "",
            "s",
            "30",
            "1.5h",
            "30 s",
            "-1s",
            "1h30m",
            "5M",
            "99999999999999999999s",
            "400d",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
