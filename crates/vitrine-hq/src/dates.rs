//! Dates and times as HQ writes them. HQ keeps Unix times in UTC; a person
//! reads a date in their language's order (the `hq-date` messages), the
//! operator's command line in ISO 8601.

use time::OffsetDateTime;
use vitrine_core::product::UnixTime;
use vitrine_i18n::{Text, text};

/// `2026-11-23 14:05 UTC`, for the command line and API messages (the
/// kiosk prints times the same way).
pub use vitrine_infra::datetime::format_utc as format_time;

/// Parses a date (`2026-12-31`, midnight UTC) or a Unix time.
pub fn parse_time(s: &str) -> Option<UnixTime> {
    if let Ok(t) = s.parse::<i64>() {
        return Some(t);
    }
    vitrine_infra::datetime::parse_date(s)
}

/// A day for a person: `2026-12-31` (fr, en), `31.12.2026` (de).
pub fn date(t: UnixTime) -> Text {
    match OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => text!(
            "hq-date",
            year = format!("{:04}", d.year()),
            month = format!("{:02}", u8::from(d.month())),
            day = format!("{:02}", d.day()),
        ),
        Err(_) => Text::verbatim(t.to_string()),
    }
}

/// A moment for a person, in UTC: `2026-11-23 14:05 UTC` (fr, en),
/// `23.11.2026 14:05 UTC` (de).
pub fn date_time(t: UnixTime) -> Text {
    match OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => text!(
            "hq-date-time",
            year = format!("{:04}", d.year()),
            month = format!("{:02}", u8::from(d.month())),
            day = format!("{:02}", d.day()),
            hour = format!("{:02}", d.hour()),
            minute = format!("{:02}", d.minute()),
        ),
        Err(_) => Text::verbatim(t.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::Lang;

    use super::*;

    #[test]
    fn dates_in_each_language_and_for_the_operator() {
        let t = 1_795_000_000; // 2026-11-18 11:06:40 UTC
        assert_eq!(format_time(t), "2026-11-18 11:06 UTC");
        assert_eq!(date(t).render(Lang::FR), "2026-11-18");
        assert_eq!(date(t).render(Lang::EN), "2026-11-18");
        assert_eq!(date(t).render(Lang::DE), "18.11.2026");
        assert_eq!(date_time(t).render(Lang::FR), format_time(t));
        assert_eq!(date_time(t).render(Lang::DE), "18.11.2026 11:06 UTC");
        assert_eq!(parse_time("2026-12-31"), Some(1_798_675_200));
        assert_eq!(parse_time("42"), Some(42));
        assert_eq!(parse_time("31/12/2026"), None);
    }
}
