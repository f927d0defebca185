//! Send to my phone (`ui/pages/handoff.slint`): the basket is queued in the
//! outbox off the UI thread, its link shown as a QR code with a countdown,
//! then the session ends. A shopper who cannot aim a phone at the code (a
//! blind shopper in audio mode, or anyone) types a phone number or an email
//! instead: HQ sends the link there (queued through the outbox behind the
//! basket); what was typed is wiped as soon as it is queued, and the screen
//! only ever shows it masked.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, Image};
use vitrine_i18n::{Text, text};

use crate::clock;
use crate::session::{self, Contact};
use crate::ui::generated::{HandoffAdapter, Page, Tone};
use crate::ui::orders::{DeskError, HandoffTicket};
use crate::ui::present;
use crate::ui::qr;
use crate::ui::shell::{Change, For, Note, Screen, Shell, note_in, reply};

/// Pixels of the drawn QR code (the page scales it to fit).
const QR_PX: u32 = 720;

#[derive(Default)]
struct State {
    qr: Option<Image>,
    /// The handoff on screen (its link is what the code carries).
    id: Option<String>,
    remaining: u32,
    status: Note,
    summary: Text,
    /// The send-by-text-or-email form is open.
    sending: bool,
    /// What became of the link sent by text or email, or what to fix.
    send_note: Note,
    /// The link was queued for sending.
    link_sent: bool,
}

pub(in crate::ui) struct Handoff {
    shell: Rc<Shell>,
    st: RefCell<State>,
    me: Weak<Handoff>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>) -> Rc<Handoff> {
    let me = Rc::new_cyclic(|me| Handoff {
        shell: shell.clone(),
        st: RefCell::new(State::default()),
        me: me.clone(),
    });
    let h = shell.ui.global::<HandoffAdapter>();
    let w = &me.me;
    h.on_done(on!(w, |k| k.shell.reset_session("handoff done")));
    h.on_back(on!(w, |k| {
        // The code on screen carries the basket: it goes away.
        k.clear();
        k.shell.navigate(Page::Basket);
    }));
    h.on_send_start(on!(w, |k| k.open_form()));
    h.on_send_cancel(on!(w, |k| {
        k.shell.st_mut().session.typed.handoff_contact.clear();
        {
            let mut st = k.st.borrow_mut();
            st.sending = false;
            st.send_note = None;
        }
        k.render();
    }));
    h.on_key(on!(w, |k, key: slint::SharedString| k.key(&key)));
    shell.add(me.clone());
    me
}

impl Handoff {
    /// Queues the basket for the shopper's phone (off the UI thread); the
    /// QR code comes up when it is queued.
    pub fn start(&self) {
        if self.shell.st().session.is_empty() {
            self.shell.toast(text!("kiosk-basket-empty"), Tone::Warn);
            return;
        }
        let Some(desk) = self.shell.orders.clone() else {
            self.shell.toast(DeskError::NotConnected.text(), Tone::Bad);
            return;
        };
        let (lines, evidence) = {
            let st = self.shell.st();
            (
                st.session.basket_lines(),
                st.session.customer.as_ref().and_then(|c| c.identification.clone()),
            )
        };
        self.shell.blocking(
            For::Session,
            move || desk.queue_handoff(&lines, evidence.as_ref()),
            reply(&self.me, Handoff::on_queued),
        );
    }

    fn on_queued(&self, r: Result<HandoffTicket, DeskError>) {
        match r {
            Ok(t) => {
                tracing::info!(handoff = %t.id, "basket handed off to a phone");
                self.show(&t);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the handoff");
                self.shell.toast(e.text(), Tone::Bad);
            }
        }
    }

    /// Shows the QR code of the handoff's link with the countdown.
    fn show(&self, t: &HandoffTicket) {
        let url = t.url.as_str();
        let img = match qr::render(url, QR_PX) {
            Ok(buf) => Image::from_rgb8(buf),
            Err(e) => {
                tracing::error!(error = %e, "cannot draw the handoff QR code");
                self.shell.toast(text!("kiosk-handoff-no-code"), Tone::Bad);
                return;
            }
        };
        let (summary, countdown) = {
            let mut shared = self.shell.st_mut();
            shared.session.handoff_url = Some(url.to_string());
            let total = shared
                .session
                .price(&shared.promotions, &shared.store_id(), clock::now())
                .ok()
                .map(|p| p.total);
            (
                present::items_total(shared.session.unit_count(), total),
                shared.cfg.config.ui.handoff_countdown_s,
            )
        };
        *self.st.borrow_mut() = State {
            qr: Some(img),
            remaining: countdown,
            id: Some(t.id.clone()),
            status: None,
            summary,
            ..State::default()
        };
        self.render();
        self.shell.navigate(Page::Handoff);
    }

    fn clear(&self) {
        *self.st.borrow_mut() = State::default();
        {
            let mut shared = self.shell.st_mut();
            shared.session.handoff_url = None;
            shared.session.typed.handoff_contact.clear();
        }
        self.render();
    }

    /// Opens the form to send the link by text message or email.
    fn open_form(&self) {
        {
            let mut st = self.st.borrow_mut();
            if st.id.is_none() {
                return;
            }
            st.sending = true;
            st.send_note = None;
        }
        self.render();
        self.shell.say(&text!("kiosk-handoff-send-prompt"));
    }

    /// A key of the on-screen keyboard, or typed on a physical one.
    fn key(&self, key: &str) {
        let submit = {
            let mut shared = self.shell.st_mut();
            session::type_key(&mut shared.session.typed.handoff_contact, key, 254)
        };
        match submit {
            Some(typed) => match session::parse_contact(&typed) {
                Ok(contact) => self.send(contact),
                Err(e) => self.note(Some((e.text(), Tone::Bad))),
            },
            None => self.render(),
        }
    }

    fn note(&self, note: Note) {
        if let Some((t, _)) = &note {
            self.shell.say(t);
        }
        self.st.borrow_mut().send_note = note;
        self.render();
    }

    /// Queues the link for `contact` (off the UI thread); what was typed is
    /// wiped at once, whatever happens next.
    fn send(&self, contact: Contact) {
        self.shell.st_mut().session.typed.handoff_contact.clear();
        let Some(id) = self.st.borrow().id.clone() else {
            return;
        };
        let Some(desk) = self.shell.orders.clone() else {
            self.note(Some((DeskError::NotConnected.text(), Tone::Bad)));
            return;
        };
        let lang = self.shell.st().lang();
        let masked = contact.masked();
        let phone = matches!(contact, Contact::Phone(_));
        self.shell.blocking(
            For::Session,
            move || desk.send_handoff_link(&id, &contact, lang).map(|()| (masked, phone)),
            reply(&self.me, Handoff::on_link_queued),
        );
    }

    fn on_link_queued(&self, r: Result<(String, bool), DeskError>) {
        match r {
            Ok((masked, phone)) => {
                tracing::info!("handoff link queued for a contact typed on the kiosk");
                {
                    let mut st = self.st.borrow_mut();
                    st.sending = false;
                    st.link_sent = true;
                }
                // Online, the outbox sends it within a moment.
                let online = self.shell.st().sync.online;
                let said = match (phone, online) {
                    (true, true) => text!("kiosk-handoff-link-sms", to = masked),
                    (false, true) => text!("kiosk-handoff-link-email", to = masked),
                    (true, false) => text!("kiosk-handoff-link-sms-later", to = masked),
                    (false, false) => text!("kiosk-handoff-link-email-later", to = masked),
                };
                self.note(Some((said, Tone::Ok)));
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the handoff link");
                self.note(Some((e.text(), Tone::Bad)));
            }
        }
    }
}

impl Screen for Handoff {
    fn pages(&self) -> &'static [Page] {
        &[Page::Handoff]
    }

    fn render(&self) {
        let shared = self.shell.st();
        let st = self.st.borrow();
        let lang = shared.lang();
        let h = self.shell.ui.global::<HandoffAdapter>();
        match &st.qr {
            Some(img) => {
                h.set_qr(img.clone());
                h.set_has_qr(true);
            }
            None => {
                h.set_qr(Image::default());
                h.set_has_qr(false);
            }
        }
        h.set_remaining(st.remaining as i32);
        h.set_summary(st.summary.render(lang).into());
        let status: Note = match &st.status {
            Some(n) => Some(n.clone()),
            None if st.qr.is_none() => None,
            // Said honestly while the kiosk has not delivered it.
            None if !shared.sync.online || shared.sync.outbox_pending > 0 => {
                Some((text!("kiosk-handoff-pending"), Tone::Info))
            }
            None => Some((text!("kiosk-handoff-sent"), Tone::Ok)),
        };
        let (text, tone) = note_in(&status, lang);
        h.set_status(text);
        h.set_status_tone(tone);
        h.set_sending(st.sending);
        h.set_link_sent(st.link_sent);
        h.set_contact_typed(shared.session.typed.handoff_contact.as_str().into());
        let (text, tone) = note_in(&st.send_note, lang);
        h.set_send_message(text);
        h.set_send_tone(tone);
    }

    fn reset(&self) {
        *self.st.borrow_mut() = State::default();
    }

    fn changed(&self, what: Change) {
        if what == Change::Sync {
            self.render();
        }
    }

    /// Typing on the page opens the send form: `+` starts a number there.
    fn takes_text(&self) -> bool {
        self.st.borrow().id.is_some()
    }

    fn typed(&self, key: &str) {
        // Typing on the page opens the form: a blind shopper types the
        // number and Enter without looking for the button.
        let open = {
            let st = self.st.borrow();
            st.id.is_some() && !st.sending
        };
        if open && key != "OK" && key != "BACK" {
            self.open_form();
        }
        if self.st.borrow().sending {
            self.key(key);
        }
    }

    fn tick(&self) {
        // The countdown waits while the shopper types a contact (the
        // session's idle timer still ends an abandoned one).
        if self.shell.page() != Page::Handoff || self.st.borrow().qr.is_none() || self.st.borrow().sending {
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
