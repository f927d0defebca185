//! Click & collect (`ui/pages/collect.slint`): store (those with the whole
//! basket in stock, asked of the catalog thread), time slot, name and
//! contact, summary; the order is queued in the outbox off the UI thread,
//! then a countdown ends the session.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, SharedString};
use vitrine_core::product::Store;
use vitrine_i18n::{Text, text};

use crate::clock;
use crate::session::{self, CollectDraft, Slot};
use crate::ui::generated::{ChoiceRow, CollectAdapter, CollectStep, Page, SummaryRow, Tone};
use crate::ui::orders::{CollectOrder, DeskError, OrderTicket};
use crate::ui::present::{self, model};
use crate::ui::shell::{Change, For, Note, Screen, Shell, note_in, reply};

#[derive(Default)]
struct State {
    step: Option<CollectStep>,
    /// Stores with how many lines they miss, this store first.
    stores: Vec<(Store, usize)>,
    slots: Vec<Slot>,
    message: Note,
    busy: bool,
    remaining: u32,
    /// The latest availability asked: older answers are dropped.
    seq: u64,
    /// The step last described in audio mode: a new step is said as a
    /// new page would be.
    said_step: Option<CollectStep>,
}

pub(in crate::ui) struct Collect {
    shell: Rc<Shell>,
    st: RefCell<State>,
    me: Weak<Collect>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>) -> Rc<Collect> {
    let me = Rc::new_cyclic(|me| Collect {
        shell: shell.clone(),
        st: RefCell::new(State::default()),
        me: me.clone(),
    });
    let c = shell.ui.global::<CollectAdapter>();
    let w = &me.me;
    c.on_pick_store(on!(w, |k, i: i32| k.pick_store(i)));
    c.on_pick_slot(on!(w, |k, i: i32| k.pick_slot(i)));
    c.on_key(on!(w, |k, key: SharedString| k.key(&key)));
    c.on_next(on!(w, |k| k.next()));
    c.on_back(on!(w, |k| k.back()));
    c.on_confirm(on!(w, |k| k.confirm()));
    c.on_done(on!(w, |k| k.shell.reset_session("order done")));
    shell.add(me.clone());
    me
}

impl Collect {
    /// A message on the page, spoken in audio mode.
    fn say(&self, message: Text, tone: Tone) {
        self.shell.say(&message);
        self.st.borrow_mut().message = Some((message, tone));
    }

    /// A new order: which stores have the whole basket (off the UI thread).
    fn start(&self) {
        let lines: Vec<_> = {
            let mut shared = self.shell.st_mut();
            shared.session.collect = CollectDraft::default();
            shared.session.items().iter().map(|i| (i.gtin, i.quantity)).collect()
        };
        let seq = {
            let mut st = self.st.borrow_mut();
            let seq = st.seq + 1;
            *st = State {
                step: Some(CollectStep::Store),
                said_step: Some(CollectStep::Store),
                seq,
                ..State::default()
            };
            seq
        };
        self.shell.query(
            move |c| c.availability(&lines),
            reply(&self.me, move |k: &Collect, stores| k.on_availability(seq, stores)),
        );
        self.render();
    }

    fn on_availability(&self, seq: u64, stores: Vec<(Store, usize)>) {
        {
            let mut shared = self.shell.st_mut();
            let mut st = self.st.borrow_mut();
            if seq != st.seq {
                return;
            }
            let here = shared.store_id();
            let mut list: Vec<_> = stores
                .into_iter()
                .filter(|(s, missing)| s.id == here || *missing == 0)
                .collect();
            list.sort_by_key(|(s, _)| (s.id != here, s.name.clone()));
            if shared.session.collect.store.is_none() {
                shared.session.collect.store = list.iter().find(|(_, m)| *m == 0).map(|(s, _)| s.id.clone());
            }
            st.stores = list;
        }
        self.render();
    }

    fn pick_store(&self, i: i32) {
        let Some((store, missing)) = self.st.borrow().stores.get(i as usize).cloned() else {
            return;
        };
        if missing > 0 {
            self.say(text!("kiosk-collect-store-missing"), Tone::Warn);
        } else {
            self.shell.st_mut().session.collect.store = Some(store.id);
            self.st.borrow_mut().message = None;
        }
        self.render();
    }

    fn pick_slot(&self, i: i32) {
        let slot = self.st.borrow().slots.get(i as usize).copied();
        if let Some(slot) = slot {
            self.shell.st_mut().session.collect.slot = Some(slot);
            self.st.borrow_mut().message = None;
        }
        self.render();
    }

    fn key(&self, key: &str) {
        let editing_name = self.shell.ui.global::<CollectAdapter>().get_editing_name();
        let submit = {
            let mut shared = self.shell.st_mut();
            let (t, max) = if editing_name {
                (&mut shared.session.typed.name, 100)
            } else {
                (&mut shared.session.typed.contact, 254)
            };
            match key {
                "BACK" => {
                    t.pop();
                    false
                }
                "SPACE" => {
                    if t.chars().count() < max && !t.is_empty() {
                        t.push(' ');
                    }
                    false
                }
                "OK" => true,
                k if k.chars().count() == 1 => {
                    if t.chars().count() < max {
                        t.push_str(k);
                    }
                    false
                }
                _ => false,
            }
        };
        if submit {
            if editing_name && self.shell.st().session.typed.contact.is_empty() {
                // OK after the name: on to the contact.
                self.shell.ui.global::<CollectAdapter>().set_editing_name(false);
                self.render();
            } else {
                self.next();
            }
        } else {
            self.render();
        }
    }

    fn next(&self) {
        let step = self.st.borrow().step;
        match step {
            Some(CollectStep::Store) => {
                if self.shell.st().session.collect.store.is_none() {
                    self.say(text!("kiosk-collect-choose-store"), Tone::Warn);
                } else {
                    let slots = {
                        let shared = self.shell.st();
                        session::collect_slots(clock::now(), shared.offset, &shared.cfg.config.collect, 12)
                    };
                    let mut st = self.st.borrow_mut();
                    st.slots = slots;
                    st.step = Some(CollectStep::Slot);
                    st.message = None;
                }
            }
            Some(CollectStep::Slot) => {
                if self.shell.st().session.collect.slot.is_none() {
                    self.say(text!("kiosk-collect-choose-slot"), Tone::Warn);
                } else {
                    let mut st = self.st.borrow_mut();
                    st.step = Some(CollectStep::Contact);
                    st.message = None;
                }
            }
            Some(CollectStep::Contact) => {
                let mut shared = self.shell.st_mut();
                let name = shared.session.typed.name.trim().to_string();
                if name.is_empty() {
                    self.say(text!("kiosk-collect-name"), Tone::Bad);
                } else {
                    match session::parse_contact(&shared.session.typed.contact) {
                        Ok(c) => {
                            shared.session.collect.contact = Some(c);
                            shared.session.collect.name = Some(name);
                            shared.session.typed.contact.clear();
                            shared.session.typed.name.clear();
                            let mut st = self.st.borrow_mut();
                            st.step = Some(CollectStep::Summary);
                            st.message = None;
                        }
                        Err(e) => self.say(e.text(), Tone::Bad),
                    }
                }
            }
            _ => {}
        }
        self.render();
    }

    fn back(&self) {
        let to_basket = {
            let mut st = self.st.borrow_mut();
            st.message = None;
            let previous = match st.step {
                Some(CollectStep::Slot) => Some(CollectStep::Store),
                Some(CollectStep::Contact) => Some(CollectStep::Slot),
                Some(CollectStep::Summary) => Some(CollectStep::Contact),
                _ => None,
            };
            if previous.is_some() {
                st.step = previous;
            }
            previous.is_none()
        };
        if to_basket {
            self.shell.navigate(Page::Basket);
        } else {
            self.render();
        }
    }

    fn confirm(&self) {
        let Some(desk) = self.shell.orders.clone() else {
            self.say(text!("kiosk-collect-no-hq"), Tone::Bad);
            self.render();
            return;
        };
        let order = {
            let shared = self.shell.st();
            let d = &shared.session.collect;
            let (Some(store), Some(slot), Some(contact), Some(name)) =
                (d.store.clone(), d.slot, d.contact.clone(), d.name.clone())
            else {
                return;
            };
            CollectOrder {
                lines: shared.session.basket_lines(),
                customer: shared.session.customer_context(),
                identification: shared.session.customer.as_ref().and_then(|c| c.identification.clone()),
                store,
                slot_start: slot.start,
                slot_end: slot.end,
                name,
                contact,
                lang: shared.session.lang,
                coupons: shared
                    .session
                    .price(&shared.promotions, &shared.store_id(), clock::now())
                    .map(|p| session::Session::used_coupons(&p))
                    .unwrap_or_default(),
            }
        };
        self.st.borrow_mut().busy = true;
        self.render();
        self.shell.blocking(
            For::Session,
            move || desk.queue_order(&order),
            reply(&self.me, Collect::on_queued),
        );
    }

    fn on_queued(&self, r: Result<OrderTicket, DeskError>) {
        self.st.borrow_mut().busy = false;
        match r {
            Ok(t) => {
                tracing::info!(order = %t.id, "click & collect order queued");
                let countdown = {
                    let mut shared = self.shell.st_mut();
                    shared.session.order_number = Some(t.number);
                    shared.cfg.config.ui.handoff_countdown_s
                };
                let mut st = self.st.borrow_mut();
                st.step = Some(CollectStep::Done);
                st.remaining = countdown;
                st.message = None;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the order");
                self.say(e.text(), Tone::Bad);
            }
        }
        self.render();
    }
}

impl Screen for Collect {
    fn pages(&self) -> &'static [Page] {
        &[Page::Collect]
    }

    /// A physical keyboard types the name and the contact as the on-screen
    /// one does (a blind shopper's keypad, a sighted keyboard user).
    fn takes_text(&self) -> bool {
        self.st.borrow().step == Some(CollectStep::Contact)
    }

    fn typed(&self, key: &str) {
        if self.st.borrow().step == Some(CollectStep::Contact) {
            self.key(key);
        }
    }

    fn render(&self) {
        let shared = self.shell.st();
        let st = self.st.borrow();
        let lang = shared.lang();
        let c = self.shell.ui.global::<CollectAdapter>();
        let step = st.step.unwrap_or(CollectStep::Store);
        c.set_step(step);
        let here = shared.store_id();
        let stores: Vec<ChoiceRow> = st
            .stores
            .iter()
            .map(|(s, missing)| {
                let label = if s.id == here {
                    text!("kiosk-collect-this-store", store = s.name.as_str())
                } else {
                    Text::verbatim(s.name.clone())
                };
                let note = match *missing {
                    0 => text!("kiosk-collect-all-in-stock"),
                    n => text!("kiosk-collect-missing", count = n),
                };
                ChoiceRow {
                    label: label.render(lang).into(),
                    note: note.render(lang).into(),
                    selected: shared.session.collect.store.as_deref() == Some(s.id.as_str()),
                }
            })
            .collect();
        if let Some(m) = present::refresh(&c.get_stores(), stores) {
            c.set_stores(m);
        }
        let now = clock::now();
        let slots: Vec<ChoiceRow> = st
            .slots
            .iter()
            .map(|s| ChoiceRow {
                label: s.label(now, shared.offset).render(lang).into(),
                note: SharedString::new(),
                selected: shared.session.collect.slot == Some(*s),
            })
            .collect();
        if let Some(m) = present::refresh(&c.get_slots(), slots) {
            c.set_slots(m);
        }
        c.set_contact_typed(shared.session.typed.contact.as_str().into());
        c.set_name_typed(shared.session.typed.name.as_str().into());
        let (message, tone) = note_in(&st.message, lang);
        c.set_message(message);
        c.set_message_tone(tone);
        let mut summary = Vec::new();
        if matches!(step, CollectStep::Summary | CollectStep::Done) {
            let draft = &shared.session.collect;
            let store_name = shared
                .stores
                .iter()
                .find(|s| Some(s.id.as_str()) == draft.store.as_deref())
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let row = |label: Text, value: String| SummaryRow {
                label: label.render(lang).into(),
                value: value.into(),
            };
            summary.push(row(text!("kiosk-collect-summary-store"), store_name));
            if let Some(slot) = draft.slot {
                summary.push(row(
                    text!("kiosk-collect-summary-slot"),
                    slot.label(now, shared.offset).render(lang),
                ));
            }
            if let Some(name) = &draft.name {
                summary.push(row(text!("kiosk-collect-summary-name"), name.clone()));
            }
            if let Some(contact) = &draft.contact {
                summary.push(row(text!("kiosk-collect-summary-contact"), contact.masked()));
            }
            if step == CollectStep::Summary
                && let Ok(p) = shared.session.price(&shared.promotions, &here, now)
            {
                summary.push(row(
                    text!("kiosk-collect-summary-basket"),
                    present::items_total(shared.session.unit_count(), Some(p.total)).render(lang),
                ));
                summary.push(row(
                    text!("kiosk-collect-summary-payment"),
                    text!("kiosk-collect-pay-in-store").render(lang),
                ));
            }
        }
        c.set_summary(model(summary));
        c.set_order_number(shared.session.order_number.clone().unwrap_or_default().into());
        let done_note = if step == CollectStep::Done {
            let contact = shared
                .session
                .collect
                .contact
                .as_ref()
                .map(|c| c.masked())
                .unwrap_or_default();
            let delivered = shared.sync.online && shared.sync.outbox_pending == 0;
            if delivered {
                text!("kiosk-collect-confirmation-sent", contact = contact)
            } else {
                text!("kiosk-collect-confirmation-later", contact = contact)
            }
            .render(lang)
            .into()
        } else {
            SharedString::new()
        };
        c.set_done_note(done_note);
        c.set_remaining(st.remaining as i32);
        c.set_busy(st.busy);
        let new_step = st.step.is_some() && st.step != st.said_step;
        drop(st);
        drop(shared);
        if new_step && self.shell.page() == Page::Collect {
            let step = self.st.borrow().step;
            self.st.borrow_mut().said_step = step;
            self.shell.page_updated();
        }
    }

    fn enter(&self, _page: Page, from: Page) -> bool {
        if self.shell.st().session.is_empty() {
            self.shell.toast(text!("kiosk-basket-empty"), Tone::Warn);
            return false;
        }
        if from != Page::Collect {
            self.start();
        }
        true
    }

    fn reset(&self) {
        {
            let mut st = self.st.borrow_mut();
            let seq = st.seq + 1;
            *st = State {
                seq,
                ..State::default()
            };
        }
        let c = self.shell.ui.global::<CollectAdapter>();
        c.set_step(CollectStep::Store);
        c.set_editing_name(true);
    }

    fn changed(&self, what: Change) {
        if what == Change::Sync {
            self.render();
        }
    }

    fn tick(&self) {
        if self.shell.page() != Page::Collect || self.st.borrow().step != Some(CollectStep::Done) {
            return;
        }
        let expired = {
            let mut st = self.st.borrow_mut();
            st.remaining = st.remaining.saturating_sub(1);
            st.remaining == 0
        };
        if expired {
            self.shell.reset_session("handoff or order done");
        } else {
            self.render();
        }
    }
}
