//! Send to my phone (`ui/pages/handoff.slint`): the basket is queued in the
//! outbox off the UI thread, its link shown as a QR code with a countdown,
//! then the session ends.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, Image};
use vitrine_i18n::{Text, text};

use crate::clock;
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
    remaining: u32,
    status: Note,
    summary: Text,
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
                self.show(&t.url);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the handoff");
                self.shell.toast(e.text(), Tone::Bad);
            }
        }
    }

    /// Shows the QR code of `url` with the countdown.
    fn show(&self, url: &str) {
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
            status: None,
            summary,
        };
        self.render();
        self.shell.navigate(Page::Handoff);
    }

    fn clear(&self) {
        *self.st.borrow_mut() = State::default();
        self.shell.st_mut().session.handoff_url = None;
        self.render();
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
    }

    fn reset(&self) {
        *self.st.borrow_mut() = State::default();
    }

    fn changed(&self, what: Change) {
        if what == Change::Sync {
            self.render();
        }
    }

    fn tick(&self) {
        if self.shell.page() != Page::Handoff || self.st.borrow().qr.is_none() {
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
