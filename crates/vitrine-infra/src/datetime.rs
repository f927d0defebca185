//! The dates and times both programs print for people (status output,
//! staff pages, emails) and read from operators, always in UTC: kiosk and
//! HQ may sit in different time zones, and a log line must mean one instant.
//! Local, localised wording ("today at 14:05") belongs to the screens.

use time::OffsetDateTime;
use time::macros::format_description;
use vitrine_core::product::UnixTime;

/// `2026-11-23 14:05 UTC`; the raw number if it is out of range.
pub fn format_utc(t: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(format_description!("[year]-[month]-[day] [hour]:[minute] UTC"))
                .ok()
        })
        .unwrap_or_else(|| t.to_string())
}

/// `2026-11-23` (the UTC day); the raw number if it is out of range.
pub fn format_date(t: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(format_description!("[year]-[month]-[day]")).ok())
        .unwrap_or_else(|| t.to_string())
}

/// Midnight UTC of a `2026-12-31` date; `None` if `s` is not one.
pub fn parse_date(s: &str) -> Option<UnixTime> {
    time::Date::parse(s, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_utc_and_reads_back() {
        let t = 1_795_442_700; // 2026-11-23 14:05 UTC
        assert_eq!(format_utc(t), "2026-11-23 14:05 UTC");
        assert_eq!(format_date(t), "2026-11-23");
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(parse_date("2026-11-23"), Some(t - (14 * 3600 + 5 * 60)));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("23/11/2026"), None);
    }

    #[test]
    fn an_out_of_range_time_prints_as_its_number() {
        assert_eq!(format_utc(i64::MAX), i64::MAX.to_string());
        assert_eq!(format_date(i64::MIN), i64::MIN.to_string());
    }
}
