//! Click & collect: the order being put together (store, time slot,
//! contact) and the time slots offered (the rule shared with HQ's phone
//! page, [`vitrine_infra::slots`]).

use time::UtcOffset;
use vitrine_core::product::UnixTime;
pub use vitrine_infra::slots::Slot;
use vitrine_infra::slots::{SlotRules, slots};

use super::contact::Contact;
use crate::config::CollectSection;

/// The click & collect order being put together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectDraft {
    pub store: Option<String>,
    pub slot: Option<Slot>,
    /// The name the order is collected under.
    pub name: Option<String>,
    pub contact: Option<Contact>,
}

/// The slots offered from `now`, at most `max`.
pub fn collect_slots(now: UnixTime, offset: UtcOffset, rules: &CollectSection, max: usize) -> Vec<Slot> {
    let rules = SlotRules {
        open_hour: rules.open_hour,
        close_hour: rules.close_hour,
        slot_minutes: rules.slot_minutes,
        lead_minutes: rules.lead_minutes,
        days: rules.days,
    };
    slots(now, offset, &rules, max)
}
