//! Collection and delivery time slots, for the kiosk's click & collect
//! and HQ's phone page alike: one rule, so the phone offers the slots the
//! kiosk would.
//!
//! Slots are whole periods of `slot_minutes` inside the opening hours,
//! starting at least `lead_minutes` from now (the time to prepare the
//! order), over the next `days` days, in local time.

use time::{Duration, OffsetDateTime, UtcOffset};
use vitrine_core::product::UnixTime;
use vitrine_i18n::{Text, text};

/// When slots are offered (the kiosk's `[collect]` section, HQ's
/// settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    /// Hour the store opens (local time, 0-23).
    pub open_hour: u32,
    /// Hour the store closes (local time, 1-24, after open_hour).
    pub close_hour: u32,
    /// Length of a slot in minutes.
    pub slot_minutes: u32,
    /// Minutes needed to prepare an order.
    pub lead_minutes: u32,
    /// Days ahead offered (today included).
    pub days: u32,
}

/// A time slot, `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: UnixTime,
    pub end: UnixTime,
}

/// The slots offered from `now`, at most `max`.
pub fn slots(now: UnixTime, offset: UtcOffset, rules: &SlotRules, max: usize) -> Vec<Slot> {
    let Ok(now_dt) = OffsetDateTime::from_unix_timestamp(now) else {
        return Vec::new();
    };
    let local = now_dt.to_offset(offset);
    let earliest = now + i64::from(rules.lead_minutes) * 60;
    let step = i64::from(rules.slot_minutes.max(5)) * 60;
    let mut out = Vec::new();
    for day in 0..i64::from(rules.days) {
        let date = local.date() + Duration::days(day);
        let Ok(open) = date.with_hms(rules.open_hour as u8, 0, 0) else {
            continue;
        };
        let open = open.assume_offset(offset).unix_timestamp();
        let close = open + i64::from(rules.close_hour.saturating_sub(rules.open_hour)) * 3600;
        let mut start = open;
        while start + step <= close {
            if start >= earliest {
                out.push(Slot {
                    start,
                    end: start + step,
                });
                if out.len() >= max {
                    return out;
                }
            }
            start += step;
        }
    }
    out
}

impl Slot {
    /// "Aujourd'hui, 14:00 – 15:00", "Demain, …", "Lundi 25/11, …" (and
    /// the other languages' ways), relative to `now` in local time.
    pub fn label(&self, now: UnixTime, offset: UtcOffset) -> Text {
        let to_local = |t: UnixTime| {
            OffsetDateTime::from_unix_timestamp(t)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH)
                .to_offset(offset)
        };
        let (s, e, n) = (to_local(self.start), to_local(self.end), to_local(now));
        let start = format!("{:02}:{:02}", s.hour(), s.minute());
        let end = format!("{:02}:{:02}", e.hour(), e.minute());
        match (s.date() - n.date()).whole_days() {
            0 => text!("slot-today", start = start, end = end),
            1 => text!("slot-tomorrow", start = start, end = end),
            _ => text!(
                "slot-day",
                weekday = vitrine_i18n::weekday_name(s.weekday().number_from_monday()),
                day = format!("{:02}", s.day()),
                month = format!("{:02}", u8::from(s.month())),
                day_num = u32::from(s.day()),
                month_name = vitrine_i18n::month_name(u8::from(s.month())),
                start = start,
                end = end,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::Lang;

    use super::*;

    fn rules() -> SlotRules {
        SlotRules {
            open_hour: 9,
            close_hour: 20,
            slot_minutes: 60,
            lead_minutes: 120,
            days: 3,
        }
    }

    #[test]
    fn slots_start_after_the_lead_time_inside_opening_hours() {
        // 2026-11-23 (a Monday) 14:30 in Paris (UTC+1)
        let offset = UtcOffset::from_hms(1, 0, 0).unwrap();
        let now = time::macros::datetime!(2026-11-23 14:30 +1).unix_timestamp();
        let offered = slots(now, offset, &rules(), 100);
        // today 17-18, 18-19, 19-20 then 11 per day for two days
        assert_eq!(offered.len(), 3 + 11 + 11);
        assert_eq!(
            offered[0].label(now, offset).render(Lang::FR),
            "Aujourd'hui, 17:00 – 18:00"
        );
        assert_eq!(
            offered[3].label(now, offset).render(Lang::EN),
            "Tomorrow, 09:00 – 10:00"
        );
        assert_eq!(
            offered[14].label(now, offset).render(Lang::FR),
            "Mercredi 25/11, 09:00 – 10:00"
        );
        assert_eq!(
            offered[14].label(now, offset).render(Lang::EN),
            "Wednesday 25 Nov, 09:00 – 10:00"
        );
        assert_eq!(
            offered[14].label(now, offset).render(Lang::DE),
            "Mittwoch, 25.11., 09:00 – 10:00"
        );
        assert_eq!(offered[3].label(now, offset).render(Lang::DE), "Morgen, 09:00 – 10:00");
        assert!(offered.windows(2).all(|w| w[0].end <= w[1].start));
        assert_eq!(slots(now, offset, &rules(), 4).len(), 4);
    }

    #[test]
    fn late_evening_offers_tomorrow_first() {
        let offset = UtcOffset::UTC;
        let now = time::macros::datetime!(2026-11-23 19:10 UTC).unix_timestamp();
        let offered = slots(now, offset, &rules(), 1);
        assert_eq!(offered[0].label(now, offset).render(Lang::FR), "Demain, 09:00 – 10:00");
    }
}
