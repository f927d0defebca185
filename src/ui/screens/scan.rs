//! The scan screen (`ui/pages/scan.slint`): the camera picture, the code
//! keypad and the search by name; and what a code read anywhere in the
//! shopper's journey means (a product, a loyalty card, a coupon, a link).

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use slint::{ComponentHandle, Image, Model, SharedString};
use vitrine_core::code::{CodeError, ProductCode, Scanned};
use vitrine_core::gs1::{AiProblem, Gs1Error};
use vitrine_core::parse_product_code;
use vitrine_i18n::{MoneyText, Text, text};

use super::basket::Basket;
use super::identify::Identify;
use super::product::Product;
use crate::catalog::{Lookup, SearchHit};
use crate::scan::{ScanEvent, ScanSource};
use crate::ui::generated::{Page, ScanAdapter, ScanMode, SearchRow, Tone};
use crate::ui::present::model;
use crate::ui::shell::{Change, Note, Screen, Shell, note_in, reply};
use crate::ui::worker::Looked;

#[derive(Default)]
struct State {
    /// What just happened with a code.
    feedback: Note,
    search_hits: Vec<SearchHit>,
    search_note: Text,
    /// The latest lookup and search asked: older answers are dropped.
    lookup_seq: u64,
    search_seq: u64,
    /// Scan (capture time) to product on screen, most recent last.
    latencies: Vec<Duration>,
}

pub(in crate::ui) struct Scan {
    shell: Rc<Shell>,
    product: Rc<Product>,
    identify: Rc<Identify>,
    basket: Rc<Basket>,
    st: RefCell<State>,
    me: Weak<Scan>,
}

pub(in crate::ui) fn setup(
    shell: &Rc<Shell>,
    product: &Rc<Product>,
    identify: &Rc<Identify>,
    basket: &Rc<Basket>,
) -> Rc<Scan> {
    let me = Rc::new_cyclic(|me| Scan {
        shell: shell.clone(),
        product: product.clone(),
        identify: identify.clone(),
        basket: basket.clone(),
        st: RefCell::new(State::default()),
        me: me.clone(),
    });
    let s = shell.ui.global::<ScanAdapter>();
    let w = &me.me;
    s.on_keypad_key(on!(w, |k, key: SharedString| k.keypad_key(&key)));
    s.on_search_key(on!(w, |k, key: SharedString| k.search_key(&key)));
    s.on_pick(on!(w, |k, i: i32| k.pick_search(i)));
    shell.add(me.clone());
    me
}

impl Scan {
    /// Opens the page with the keypad or the search.
    pub fn open(&self, mode: ScanMode) {
        self.shell.ui.global::<ScanAdapter>().set_mode(mode);
        self.shell.navigate(Page::Scan);
    }

    /// Scan-to-product-on-screen latencies measured so far.
    pub fn latencies(&self) -> Vec<Duration> {
        self.st.borrow().latencies.clone()
    }

    /// A code was read (camera, replay, USB scanner, keypad, search) while
    /// a shopper's page is shown.
    pub fn on_scan(&self, ev: ScanEvent) {
        let page = self.shell.page();
        match ev.result {
            Err(e) => {
                self.feedback(code_error_text(&e), Tone::Bad);
                if page == Page::Attract {
                    self.shell.navigate(Page::Scan);
                }
            }
            Ok(Scanned::Product(code)) if self.identify.is_loyalty_card(&code) => {
                // A loyalty card (the retailer's internal number range),
                // not a product: identify the shopper.
                self.identify.input(code.gtin.short_form());
            }
            Ok(Scanned::Product(code)) => {
                let reading = text!("kiosk-code-read", code = code.gtin.short_form());
                self.feedback(reading.clone(), Tone::Busy);
                if page != Page::Scan && page != Page::Product {
                    self.shell.navigate(Page::Scan);
                    self.feedback(reading, Tone::Busy);
                }
                self.lookup(code, ev.captured_at);
            }
            Ok(Scanned::Payload(text)) => self.on_payload(&text),
        }
    }

    fn feedback(&self, text: Text, tone: Tone) {
        self.st.borrow_mut().feedback = Some((text, tone));
        self.render();
    }

    fn lookup(&self, code: Box<ProductCode>, captured_at: Instant) {
        let seq = {
            let mut st = self.st.borrow_mut();
            st.lookup_seq += 1;
            st.lookup_seq
        };
        self.shell.query(
            move |c| {
                let looked = c.lookup(&code);
                (code, looked)
            },
            reply(&self.me, move |s: &Scan, (code, looked)| {
                s.on_looked(seq, code, captured_at, looked)
            }),
        );
    }

    fn on_payload(&self, text: &str) {
        let code = text.trim();
        if code.starts_with("VTL1.") {
            self.identify.input(code.to_string());
            return;
        }
        if code.starts_with("VTC1.") {
            self.basket.scan_coupon(code.to_string());
            return;
        }
        if self.basket.add_coupon_code(code) {
            return;
        }
        if self.shell.page() == Page::Identify {
            self.identify.input(code.to_string());
            return;
        }
        let msg = if code.starts_with("http://") || code.starts_with("https://") {
            text!("kiosk-scan-link")
        } else {
            text!("kiosk-scan-not-a-product")
        };
        self.feedback(msg, Tone::Warn);
    }

    fn on_looked(&self, seq: u64, code: Box<ProductCode>, captured_at: Instant, looked: Looked) {
        if seq != self.st.borrow().lookup_seq {
            return; // a newer scan replaced it
        }
        match looked.result {
            Ok(Lookup::Found(view)) => {
                // A label price or weight GS1's rules do not trust for
                // this item (a price printed on a fixed-price item's
                // label): refused with the reason, never priced.
                let currency = self.shell.st().cfg.currency();
                if let Err(refused) = vitrine_core::label::code_price(view.price, view.product.sold_by, &code, currency)
                {
                    tracing::info!(gtin = %code.gtin.for_log(), reason = %refused, "label refused");
                    self.feedback(vitrine_i18n::gs1::label_refusal(refused), Tone::Bad);
                    return;
                }
                let name = view.product.name.clone();
                self.st.borrow_mut().feedback = Some((Text::verbatim(name), Tone::Ok));
                self.product
                    .show(view, code, looked.photo.map(Image::from_rgba8), looked.cache);
                let was = self.shell.page();
                self.shell.navigate(Page::Product);
                // Another product scanned on a product's page: the page does
                // not change, so audio mode says the new one here.
                if was == Page::Product && self.shell.audio_mode() {
                    self.shell.page_updated();
                }
                let latency = captured_at.elapsed();
                tracing::debug!(latency_ms = latency.as_secs_f64() * 1000.0, "scan to product on screen");
                self.st.borrow_mut().latencies.push(latency);
                self.render();
            }
            Ok(Lookup::Unknown { gtin, catalog_version }) => {
                tracing::info!(gtin = %gtin.for_log(), catalog_version, "scanned product not in the catalog");
                self.feedback(text!("kiosk-unknown-product", code = gtin.short_form()), Tone::Bad);
            }
            Err(e) => {
                tracing::error!(error = %e, "product lookup failed");
                self.feedback(text!("kiosk-catalog-down"), Tone::Bad);
            }
        }
    }

    fn keypad_key(&self, key: &str) {
        let submit = {
            let mut st = self.shell.st_mut();
            let t = &mut st.session.typed.keypad;
            match key {
                "BACK" => {
                    t.pop();
                    None
                }
                "CLEAR" => {
                    t.clear();
                    None
                }
                "OK" => Some(std::mem::take(t)),
                // Digits and the keypad's brackets, and any printable
                // character from a keyboard: GS1 data is typed in its
                // bracketed form, `(01)05449000039231(10)ABC123`.
                k if k.len() == 1 && k.chars().all(|c| c.is_ascii_graphic()) => {
                    if t.len() < KEYPAD_MAX {
                        t.push_str(k);
                    }
                    None
                }
                _ => None,
            }
        };
        self.render();
        if let Some(text) = submit.filter(|t| !t.is_empty()) {
            let ev = self.shell.typed_event(&text, ScanSource::Keypad);
            self.shell.code(ev);
        }
    }

    fn search_key(&self, key: &str) {
        let query = {
            let mut st = self.shell.st_mut();
            let t = &mut st.session.typed.search;
            match key {
                "BACK" => {
                    t.pop();
                }
                "SPACE" if !t.is_empty() && !t.ends_with(' ') && t.len() < 64 => t.push(' '),
                k if k.chars().count() == 1 && t.chars().count() < 64 => t.push_str(k),
                _ => {}
            }
            st.session.typed.search.clone()
        };
        let seq = {
            let mut st = self.st.borrow_mut();
            st.search_seq += 1;
            if query.trim().is_empty() {
                st.search_hits.clear();
                st.search_note = Text::empty();
            }
            st.search_seq
        };
        if !query.trim().is_empty() {
            self.shell.query(
                move |c| c.search(&query),
                reply(&self.me, move |s: &Scan, hits| s.on_search(seq, hits)),
            );
        }
        self.render();
    }

    fn on_search(&self, seq: u64, hits: Result<Vec<SearchHit>, String>) {
        {
            let nothing_typed = self.shell.st().session.typed.search.trim().is_empty();
            let mut st = self.st.borrow_mut();
            if seq != st.search_seq {
                return;
            }
            match hits {
                Ok(h) => {
                    st.search_note = if h.is_empty() && !nothing_typed {
                        text!("kiosk-search-none")
                    } else {
                        Text::empty()
                    };
                    st.search_hits = h;
                }
                Err(e) => {
                    tracing::error!(error = %e, "search failed");
                    st.search_note = text!("kiosk-search-down");
                }
            }
        }
        self.render();
    }

    fn pick_search(&self, i: i32) {
        let hit = self.st.borrow().search_hits.get(i as usize).map(|h| h.gtin);
        let Some(gtin) = hit else {
            return;
        };
        match parse_product_code(&gtin.as_gtin14(), crate::scan::today()) {
            Ok(code) => {
                self.shell.activity();
                self.lookup(Box::new(code), Instant::now());
            }
            Err(e) => tracing::error!(error = %e, "search hit with an unreadable GTIN"),
        }
    }
}

impl Screen for Scan {
    fn pages(&self) -> &'static [Page] {
        &[Page::Scan]
    }

    fn render(&self) {
        let shared = self.shell.st();
        let st = self.st.borrow();
        let lang = shared.lang();
        let s = self.shell.ui.global::<ScanAdapter>();
        let (feedback, tone) = note_in(&st.feedback, lang);
        s.set_feedback(feedback);
        s.set_feedback_tone(tone);
        s.set_camera_status(shared.camera.render(lang).into());
        s.set_keypad_text(shared.session.typed.keypad.as_str().into());
        s.set_search_text(shared.session.typed.search.as_str().into());
        s.set_search_note(st.search_note.render(lang).into());
        let rows: Vec<SearchRow> = st
            .search_hits
            .iter()
            .map(|h| SearchRow {
                name: h.name.as_str().into(),
                detail: [h.brand.as_deref(), h.quantity.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ")
                    .into(),
                price: h
                    .price
                    .map(|p| p.format(lang))
                    .unwrap_or_else(|| text!("kiosk-search-no-price").render(lang))
                    .into(),
            })
            .collect();
        // The same hits keep their model: a new one rebuilds the rows, and
        // the row a keyboard (audio mode's Down) has focused loses the
        // focus, so Enter could not open it while the camera's figures
        // redraw the page twice a second.
        let shown = s.get_results();
        if shown.row_count() != rows.len()
            || rows
                .iter()
                .enumerate()
                .any(|(i, r)| shown.row_data(i).as_ref() != Some(r))
        {
            s.set_results(model(rows));
        }
    }

    fn enter(&self, _page: Page, _from: Page) -> bool {
        self.st.borrow_mut().feedback = None;
        self.render();
        true
    }

    fn reset(&self) {
        {
            let mut st = self.st.borrow_mut();
            st.feedback = None;
            st.search_hits.clear();
            st.search_note = Text::empty();
            st.search_seq += 1;
        }
        self.shell.ui.global::<ScanAdapter>().set_mode(ScanMode::Keypad);
    }

    fn changed(&self, what: Change) {
        match what {
            Change::Preview => {
                if let Some(frame) = self.shell.take_preview() {
                    let s = self.shell.ui.global::<ScanAdapter>();
                    s.set_preview(Image::from_rgb8(frame));
                    s.set_has_preview(true);
                }
            }
            Change::Camera { running, redraw } => {
                if !running {
                    self.shell.ui.global::<ScanAdapter>().set_has_preview(false);
                }
                // The figures change twice a second: redraw only when shown
                // (navigating to the page renders it).
                if redraw && self.shell.page() == Page::Scan {
                    self.render();
                }
            }
            _ => {}
        }
    }

    /// Keys from a physical keyboard go to the field on screen.
    fn typed(&self, key: &str) {
        match self.shell.ui.global::<ScanAdapter>().get_mode() {
            ScanMode::Keypad => self.keypad_key(key),
            ScanMode::Search => self.search_key(key),
        }
    }
}

/// Longest text the code keypad takes: a bracketed GS1 element string with
/// a GTIN, dates, a lot and a serial fits.
const KEYPAD_MAX: usize = 128;

/// What the shopper is told about a code that could not be read: GS1 data
/// that breaks GS1's rules says which rule (a shopper holding a forged or
/// damaged label, and the staff helping, can act on it).
fn code_error_text(e: &CodeError) -> Text {
    match e {
        CodeError::CheckDigit { .. }
        | CodeError::CheckDigit8 { .. }
        | CodeError::Isbn10CheckDigit { .. }
        | CodeError::Gs1(Gs1Error::Value {
            problem: AiProblem::CheckDigit,
            ..
        }) => text!("kiosk-code-check-digit"),
        CodeError::Gs1(g) => vitrine_i18n::gs1::kiosk_refused(g),
        CodeError::BadLength { len } => text!("kiosk-code-length", len = *len),
        CodeError::Empty => text!("kiosk-code-empty"),
        _ => text!("kiosk-code-unreadable"),
    }
}
