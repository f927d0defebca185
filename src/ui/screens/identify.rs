//! Identification (`ui/pages/identify.slint`): the shopper's loyalty QR or
//! card (scanned anywhere), or their phone or email typed here, looked up
//! off the UI thread; first name, masked identifier and tier on screen.
//! A phone or email takes a second step: HQ sends a one-time code there
//! and the shopper types it on the same keyboard (the code step); nothing
//! personal shows before HQ accepts it.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, SharedString};
use vitrine_i18n::text;

use crate::customer::{Identified, IdentifyError, PendingCode};
use crate::session;
use crate::ui::generated::{IdentifyAdapter, Page, Tone};
use crate::ui::shell::{Change, For, Note, Screen, Shell, note_in, reply};

pub(in crate::ui) struct Identify {
    shell: Rc<Shell>,
    message: RefCell<Note>,
    /// The one-time code on its way (the code step), wiped at reset.
    pending: RefCell<Option<PendingCode>>,
    me: Weak<Identify>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>) -> Rc<Identify> {
    let me = Rc::new_cyclic(|me| Identify {
        shell: shell.clone(),
        message: RefCell::new(None),
        pending: RefCell::new(None),
        me: me.clone(),
    });
    let a = shell.ui.global::<IdentifyAdapter>();
    let w = &me.me;
    a.on_key(on!(w, |k, key: SharedString| k.key(&key)));
    a.on_not_you(on!(w, |k| {
        k.shell.st_mut().session.forget_customer();
        k.shell.changed(Change::Session);
    }));
    a.on_back(on!(w, |k| k.shell.navigate(Page::Basket)));
    a.on_cancel_code(on!(w, |k| k.cancel_code()));
    shell.add(me.clone());
    me
}

impl Identify {
    fn say(&self, note: Note) {
        *self.message.borrow_mut() = note;
        self.render();
    }

    fn key(&self, key: &str) {
        let submit = {
            let mut st = self.shell.st_mut();
            session::type_key(&mut st.session.typed.identify, key, 254)
        };
        let pending = self.pending.borrow().clone();
        if let (Some(code), Some(p)) = (&submit, pending) {
            self.check_code(p, code.clone());
            return;
        }
        if let Some(text) = submit {
            // Checked here first, so a typo gets its precise message at once.
            if crate::customer::classify(&text, &self.card_prefix()).is_err()
                && let Err(e) = session::parse_contact(&text)
            {
                *self.message.borrow_mut() = Some((e.text(), Tone::Bad));
            } else {
                self.input(text);
            }
        }
        self.render();
    }

    /// The card range, as the sync worker last published it (no database
    /// read on the UI thread).
    fn card_prefix(&self) -> String {
        self.shell
            .st()
            .sync
            .card_prefix
            .clone()
            .unwrap_or_else(|| vitrine_core::loyalty::DEFAULT_CARD_PREFIX.to_string())
    }

    /// Whether a scanned "product" code is one of the retailer's loyalty cards.
    pub fn is_loyalty_card(&self, code: &vitrine_core::ProductCode) -> bool {
        vitrine_core::loyalty::normalise_card(&code.gtin.short_form(), &self.card_prefix()).is_some()
    }

    /// Looks the shopper up from a scanned loyalty QR or card, or what they
    /// typed, off the UI thread. The typed text is wiped at once, whatever
    /// happens next.
    pub fn input(&self, input: String) {
        self.shell.st_mut().session.typed.identify.clear();
        let lang = self.shell.st().lang();
        let Some(desk) = self.shell.orders.clone() else {
            self.say(Some((IdentifyError::NotEnrolled.text(), Tone::Bad)));
            return;
        };
        *self.message.borrow_mut() = Some((text!("kiosk-identify-looking"), Tone::Busy));
        if self.shell.page() != Page::Identify {
            self.shell.navigate(Page::Identify);
            // Entering the page clears its message: this one is for it.
            *self.message.borrow_mut() = Some((text!("kiosk-identify-looking"), Tone::Busy));
        }
        self.render();
        self.shell.blocking(
            For::Session,
            move || desk.identify(&input, lang),
            reply(&self.me, Identify::on_identified),
        );
    }

    /// Back from the code step to typing a phone or email.
    fn cancel_code(&self) {
        *self.pending.borrow_mut() = None;
        self.shell.st_mut().session.typed.identify.clear();
        self.say(None);
    }

    /// Sends the typed code to HQ off the UI thread; the typed text is
    /// wiped at once.
    fn check_code(&self, pending: PendingCode, code: String) {
        self.shell.st_mut().session.typed.identify.clear();
        let Some(desk) = self.shell.orders.clone() else {
            self.say(Some((IdentifyError::NotEnrolled.text(), Tone::Bad)));
            return;
        };
        self.say(Some((text!("kiosk-identify-looking"), Tone::Busy)));
        self.shell.blocking(
            For::Session,
            move || desk.verify_code(&pending, &code),
            reply(&self.me, Identify::on_identified),
        );
    }

    fn on_identified(&self, r: Result<Identified, IdentifyError>) {
        match &r {
            Ok(_) | Err(IdentifyError::CodeClosed) => *self.pending.borrow_mut() = None,
            Err(IdentifyError::CodeSent(p)) => *self.pending.borrow_mut() = Some(p.clone()),
            Err(_) => {}
        }
        match r {
            Err(e @ IdentifyError::CodeSent(_)) => {
                tracing::info!("identification code sent");
                *self.message.borrow_mut() = Some((e.text(), Tone::Info));
            }
            Ok(id) => {
                tracing::info!(via = ?id.via, consent = id.consent, "shopper identified");
                let consent = id.consent;
                id.apply(&mut self.shell.st_mut().session);
                *self.message.borrow_mut() = if consent {
                    None
                } else {
                    Some((text!("kiosk-identify-no-consent"), Tone::Info))
                };
            }
            Err(e) => {
                tracing::info!(reason = %e, "shopper not identified");
                *self.message.borrow_mut() = Some((e.text(), Tone::Bad));
            }
        }
        self.shell.changed(Change::Session);
    }
}

impl Screen for Identify {
    fn pages(&self) -> &'static [Page] {
        &[Page::Identify]
    }

    fn render(&self) {
        let st = self.shell.st();
        let lang = st.lang();
        let a = self.shell.ui.global::<IdentifyAdapter>();
        a.set_typed(st.session.typed.identify.as_str().into());
        let (message, tone) = note_in(&self.message.borrow(), lang);
        let pending = self.pending.borrow();
        a.set_code_step(pending.is_some());
        a.set_code_heading(text!("kiosk-trust-code-heading").render(lang).into());
        a.set_code_prompt(match pending.as_ref() {
            Some(p) => text!("kiosk-trust-code-prompt", masked = p.masked.as_str())
                .render(lang)
                .into(),
            None => SharedString::new(),
        });
        a.set_code_cancel(text!("kiosk-trust-code-other").render(lang).into());
        a.set_message(message);
        a.set_message_tone(tone);
        match &st.session.customer {
            Some(c) => {
                a.set_identified(true);
                a.set_first_name(c.first_name.as_str().into());
                // First name only; the identifier masked; the tier if the
                // shopper consented to personal prices.
                let tier = c
                    .tier
                    .map(|t| format!(" · {}", vitrine_i18n::domain::tier(t).render(lang)))
                    .unwrap_or_default();
                a.set_masked(format!("{}{tier}", c.masked_identifier).into());
                a.set_coupons(match c.coupons.len() {
                    0 => SharedString::new(),
                    n => text!("kiosk-identify-coupons", count = n).render(lang).into(),
                });
            }
            None => {
                a.set_identified(false);
                a.set_first_name(SharedString::new());
                a.set_masked(SharedString::new());
                a.set_coupons(SharedString::new());
            }
        }
    }

    fn enter(&self, _page: Page, _from: Page) -> bool {
        *self.message.borrow_mut() = None;
        true
    }

    fn reset(&self) {
        *self.message.borrow_mut() = None;
        *self.pending.borrow_mut() = None;
    }

    fn changed(&self, what: Change) {
        if what == Change::Session {
            self.render();
        }
    }

    fn takes_text(&self) -> bool {
        true
    }

    fn typed(&self, key: &str) {
        self.key(key);
    }
}
