//! The basket, identification, send-to-phone and click & collect screens.

use slint::{ComponentHandle, Image, SharedString};
use vitrine_core::Lang;
use vitrine_core::code::Embedded;
use vitrine_i18n::MoneyText;

use super::generated::*;
use super::kiosk::Kiosk;
use super::orders::{CollectOrder, DeskError};
use super::present::{self, Text2, model};
use super::qr;
use super::worker::{Msg, Request};
use crate::clock;
use crate::session::{self, BasketItem, Measured};

/// Pixels of the drawn QR code (the page scales it to fit).
const QR_PX: u32 = 720;

impl Kiosk {
    pub(super) fn connect_basket(&self) {
        let me = self.me.clone();
        macro_rules! on {
            (|$k:ident $(, $a:ident : $t:ty)*| $body:expr) => {{
                let me = me.clone();
                move |$($a: $t),*| {
                    if let Some($k) = me.upgrade() {
                        $body
                    }
                }
            }};
        }
        let b = self.ui.global::<BasketAdapter>();
        b.on_inc(on!(|k, i: i32| k.change_quantity(i, 1)));
        b.on_dec(on!(|k, i: i32| k.change_quantity(i, -1)));
        b.on_remove(on!(|k, i: i32| {
            k.st.borrow_mut().session.remove(i as usize);
            k.render_basket();
        }));
        b.on_clear(on!(|k| {
            k.st.borrow_mut().session.clear_basket();
            k.render_basket();
        }));
        b.on_send_to_phone(on!(|k| k.start_handoff()));
        b.on_click_collect(on!(|k| k.navigate(Page::Collect)));
        b.on_identify(on!(|k| k.navigate(Page::Identify)));
        b.on_not_you(on!(|k| k.forget_customer()));
        b.on_continue_shopping(on!(|k| k.navigate(Page::Scan)));

        let id = self.ui.global::<IdentifyAdapter>();
        id.on_key(on!(|k, key: SharedString| k.identify_key(&key)));
        id.on_not_you(on!(|k| k.forget_customer()));
        id.on_back(on!(|k| k.navigate(Page::Basket)));

        let h = self.ui.global::<HandoffAdapter>();
        h.on_done(on!(|k| k.reset_session("handoff done")));
        h.on_back(on!(|k| {
            // The code on screen carries the basket: it goes away.
            k.clear_handoff();
            k.navigate(Page::Basket);
        }));

        let c = self.ui.global::<CollectAdapter>();
        c.on_pick_store(on!(|k, i: i32| k.collect_pick_store(i)));
        c.on_pick_slot(on!(|k, i: i32| k.collect_pick_slot(i)));
        c.on_key(on!(|k, key: SharedString| k.collect_key(&key)));
        c.on_next(on!(|k| k.collect_next()));
        c.on_back(on!(|k| k.collect_back()));
        c.on_confirm(on!(|k| k.collect_confirm()));
        c.on_done(on!(|k| k.reset_session("order done")));
    }

    // ----- basket -----

    /// Adds the product on screen. Returns whether it is in the basket.
    pub(super) fn add_shown_product(&self) -> bool {
        let item = {
            let st = self.st.borrow();
            let Some(shown) = &st.product else {
                return false;
            };
            let v = &shown.view;
            let Some(unit) = v.price else {
                drop(st);
                self.toast(Text2::with(|l| session::AddError::NoPrice.text().render(l)), Tone::Bad);
                return false;
            };
            let measured = match shown.code.variable.as_ref() {
                Some(vm) => present::pack_price(v, &shown.code).map(|price| Measured {
                    price,
                    label: vm.label.clone(),
                    grams: match vm.embedded {
                        Embedded::Weight { grams } => Some(grams),
                        Embedded::Price { .. } => None,
                    },
                }),
                // A GS1 label with its own price (392n) or a net weight on
                // an item sold by the kg: the pack's price, as the product
                // page showed it; each label its own line.
                None => present::pack_price(v, &shown.code)
                    .filter(|price| *price != unit)
                    .map(|price| {
                        let grams = shown.code.gs1.net_weight_grams().and_then(|g| u32::try_from(g).ok());
                        Measured {
                            price,
                            label: format!("gs1:{}:{}", price.amount_minor, grams.unwrap_or(0)),
                            grams,
                        }
                    }),
            };
            BasketItem {
                gtin: v.product.gtin,
                name: v.product.name.clone(),
                brand: v.product.brand.clone(),
                pack: v.product.quantity.clone(),
                category: v.product.category.clone(),
                unit_price: unit,
                measured,
                quantity: 1,
            }
        };
        let name = item.name.clone();
        let result = self.st.borrow_mut().session.add(item);
        match result {
            Ok(_) => {
                self.toast(
                    Text2::new(
                        format!("Ajouté au panier : {name}"),
                        format!("Added to the basket: {name}"),
                    ),
                    Tone::Ok,
                );
                self.render_basket();
                true
            }
            Err(e) => {
                self.toast(Text2::with(|l| e.text().render(l)), Tone::Bad);
                false
            }
        }
    }

    /// Adds the product on screen unless it is already in the basket.
    pub(super) fn add_shown_product_once(&self) -> bool {
        let already = {
            let st = self.st.borrow();
            st.product
                .as_ref()
                .is_some_and(|s| st.session.items().iter().any(|i| i.gtin == s.view.product.gtin))
        };
        already || self.add_shown_product()
    }

    fn change_quantity(&self, index: i32, delta: i32) {
        {
            let mut st = self.st.borrow_mut();
            let Some(q) = st.session.items().get(index as usize).map(|i| i.quantity) else {
                return;
            };
            let new = (q as i64 + i64::from(delta)).clamp(0, i64::from(session::MAX_QUANTITY)) as u32;
            st.session.set_quantity(index as usize, new);
        }
        self.render_basket();
    }

    fn forget_customer(&self) {
        self.st.borrow_mut().session.forget_customer();
        self.render_basket();
        self.render_identify();
    }

    pub(super) fn render_basket_summary(&self) {
        let st = self.st.borrow();
        let app = self.ui.global::<App>();
        app.set_basket_count(st.session.unit_count() as i32);
        let total = st
            .session
            .price(&st.promotions, &st.store_id(), clock::now())
            .map(|p| p.total.format(st.lang()))
            .unwrap_or_default();
        let n = st.session.unit_count();
        let (short, long) = match st.lang() {
            Lang::Fr => (
                format!("Panier ({n}) {total}"),
                format!("Panier : {n} article{}, {total}", plural(n as usize)),
            ),
            _ => (
                format!("Basket ({n}) {total}"),
                format!("Basket: {n} item{}, {total}", plural(n as usize)),
            ),
        };
        app.set_basket_short(short.into());
        app.set_basket_long(long.into());
        app.set_basket_total(total.into());
        app.set_customer_name(
            st.session
                .customer
                .as_ref()
                .map(|c| c.first_name.clone())
                .unwrap_or_default()
                .into(),
        );
    }

    pub(super) fn render_basket(&self) {
        self.render_basket_summary();
        let st = self.st.borrow();
        let lang = st.lang();
        let b = self.ui.global::<BasketAdapter>();
        b.set_demo(st.demo && !st.session.is_empty());
        b.set_customer_line(
            st.session
                .customer
                .as_ref()
                .map(|c| format!("{} · {}", c.first_name, c.masked_identifier))
                .unwrap_or_default()
                .into(),
        );
        match st.session.price(&st.promotions, &st.store_id(), clock::now()) {
            Ok(priced) => {
                b.set_lines(model(present::basket_rows(st.session.items(), &priced, lang)));
                b.set_savings(model(
                    priced
                        .applied
                        .iter()
                        .map(|a| SharedString::from(vitrine_i18n::domain::applied_promotion(a).render(lang)))
                        .collect(),
                ));
                b.set_hints(model(
                    priced
                        .hints
                        .iter()
                        .map(|h| SharedString::from(vitrine_i18n::domain::promo_hint(h, priced.currency).render(lang)))
                        .collect(),
                ));
                b.set_subtotal(priced.subtotal.format(lang).into());
                b.set_discount(if priced.discount_total.is_zero() {
                    SharedString::new()
                } else {
                    priced.discount_total.format(lang).into()
                });
                b.set_total(priced.total.format(lang).into());
                b.set_note(SharedString::new());
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot price the basket");
                b.set_note(
                    lang.pick(
                        "Le total ne peut pas être calculé : demandez à un vendeur.",
                        "The total cannot be computed: please ask a member of staff.",
                    )
                    .into(),
                );
            }
        }
    }

    // ----- identify -----

    pub(super) fn identify_key(&self, key: &str) {
        let submit = {
            let mut st = self.st.borrow_mut();
            let t = &mut st.session.typed.identify;
            match key {
                "BACK" => {
                    t.pop();
                    None
                }
                "SPACE" => {
                    if t.len() < 254 {
                        t.push(' ');
                    }
                    None
                }
                "OK" => Some(t.clone()),
                k if k.chars().count() == 1 => {
                    if t.chars().count() < 254 {
                        t.push_str(k);
                    }
                    None
                }
                _ => None,
            }
        };
        if let Some(text) = submit {
            // Checked here first, so a typo gets its precise message at once.
            if crate::customer::classify(&text, &self.card_prefix()).is_err()
                && let Err(e) = session::parse_contact(&text)
            {
                self.st.borrow_mut().identify = Some((Text2::with(|l| e.text().render(l)), Tone::Bad));
            } else {
                self.identify_input(text);
            }
        }
        self.render_identify();
    }

    /// The card range, as the sync worker last published it (no database
    /// read on the UI thread).
    fn card_prefix(&self) -> String {
        self.st
            .borrow()
            .sync
            .card_prefix
            .clone()
            .unwrap_or_else(|| vitrine_core::loyalty::DEFAULT_CARD_PREFIX.to_string())
    }

    /// Whether a scanned "product" code is one of the retailer's loyalty cards.
    pub(super) fn is_loyalty_card(&self, code: &vitrine_core::ProductCode) -> bool {
        vitrine_core::loyalty::normalise_card(&code.gtin.short_form(), &self.card_prefix()).is_some()
    }

    /// Looks the shopper up from a scanned loyalty QR or card, or what they
    /// typed; the answer comes back as `Msg::Identified`. The typed text is
    /// wiped at once.
    pub(super) fn identify_input(&self, input: String) {
        // What was typed leaves the screen at once, whatever happens next.
        self.st.borrow_mut().session.typed.identify.clear();
        let Some(desk) = self.orders.clone() else {
            self.st.borrow_mut().identify = Some((
                Text2::with(|l| crate::customer::IdentifyError::NotEnrolled.text().render(l)),
                Tone::Bad,
            ));
            self.render_identify();
            return;
        };
        {
            let mut st = self.st.borrow_mut();
            st.session.typed.identify.clear();
            st.identify = Some((
                Text2::new("Recherche de votre compte…", "Looking up your account…"),
                Tone::Busy,
            ));
        }
        if self.st.borrow().page != Page::Identify {
            self.navigate(Page::Identify);
        }
        self.render_identify();
        self.spawn_for_session(move || Msg::Identified(Box::new(desk.identify(&input))));
    }

    pub(super) fn on_identified(&self, r: Result<crate::customer::Identified, crate::customer::IdentifyError>) {
        match r {
            Ok(id) => {
                tracing::info!(via = ?id.via, consent = id.consent, "shopper identified");
                let consent = id.consent;
                let mut st = self.st.borrow_mut();
                id.apply(&mut st.session);
                st.identify = if consent {
                    None
                } else {
                    Some((
                        Text2::new(
                            "Vous n'avez pas accepté les offres personnalisées : vos prix restent les prix du magasin.",
                            "You have not accepted personalised offers: your prices stay the store's prices.",
                        ),
                        Tone::Info,
                    ))
                };
            }
            Err(e) => {
                tracing::info!(reason = %e, "shopper not identified");
                self.st.borrow_mut().identify = Some((Text2::with(|l| e.text().render(l)), Tone::Bad));
            }
        }
        self.render_identify();
        self.render_basket();
    }

    /// A coupon QR code was scanned: checked off the UI thread.
    pub(super) fn scan_coupon(&self, text: String) {
        let Some(desk) = self.orders.clone() else {
            self.toast(
                Text2::with(|l| crate::customer::CouponError::NotEnrolled.text().render(l)),
                Tone::Bad,
            );
            return;
        };
        self.spawn_for_session(move || Msg::Coupon(desk.check_coupon(&text)));
    }

    pub(super) fn on_coupon(&self, r: Result<vitrine_core::pricing::Promotion, crate::customer::CouponError>) {
        match r {
            Ok(p) => {
                let currency = self.st.borrow().session.currency;
                let describe = Text2::with(|l| vitrine_i18n::domain::promo_badge(&p.kind, currency).render(l));
                let added = self.st.borrow_mut().session.add_coupon_promotion(p);
                let msg = if added {
                    Text2::new(
                        format!("Bon de réduction ajouté : {} sur le panier", describe.fr),
                        format!("Coupon added: {} off the basket", describe.en.trim_start_matches('-')),
                    )
                } else {
                    Text2::new(
                        "Ce bon est déjà dans votre panier.",
                        "This coupon is already in your basket.",
                    )
                };
                self.toast(msg, Tone::Ok);
                self.render_basket();
            }
            Err(e) => self.toast(Text2::with(|l| e.text().render(l)), Tone::Bad),
        }
    }

    pub(super) fn render_identify(&self) {
        let st = self.st.borrow();
        let lang = st.lang();
        let a = self.ui.global::<IdentifyAdapter>();
        a.set_typed(st.session.typed.identify.as_str().into());
        match &st.identify {
            Some((t, tone)) => {
                a.set_message(t.get(lang));
                a.set_message_tone(*tone);
            }
            None => a.set_message(SharedString::new()),
        }
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
                a.set_coupons(coupons_line(c.coupons.len(), lang).into());
            }
            None => {
                a.set_identified(false);
                a.set_first_name(SharedString::new());
                a.set_masked(SharedString::new());
                a.set_coupons(SharedString::new());
            }
        }
    }

    // ----- send to phone -----

    pub(super) fn start_handoff(&self) {
        if self.st.borrow().session.is_empty() {
            self.toast(
                Text2::new("Votre panier est vide.", "Your basket is empty."),
                Tone::Warn,
            );
            return;
        }
        let Some(desk) = self.orders.clone() else {
            self.toast(desk_error_text(&DeskError::NotConnected), Tone::Bad);
            return;
        };
        let (lines, customer) = {
            let st = self.st.borrow();
            (st.session.basket_lines(), st.session.customer_context())
        };
        self.spawn_for_session(move || Msg::Handoff(desk.queue_handoff(&lines, customer.as_ref())));
    }

    pub(super) fn on_handoff(&self, r: Result<super::orders::HandoffTicket, DeskError>) {
        match r {
            Ok(t) => {
                tracing::info!(handoff = %t.id, "basket handed off to a phone");
                self.show_handoff(&t.url);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot queue the handoff");
                self.toast(desk_error_text(&e), Tone::Bad);
            }
        }
    }

    /// Shows the QR code of `url` with the countdown.
    pub fn show_handoff(&self, url: &str) {
        let img = match qr::render(url, QR_PX) {
            Ok(buf) => Image::from_rgb8(buf),
            Err(e) => {
                tracing::error!(error = %e, "cannot draw the handoff QR code");
                self.toast(
                    Text2::new(
                        "Le code n'a pas pu être affiché : demandez à un vendeur.",
                        "The code could not be shown: please ask a member of staff.",
                    ),
                    Tone::Bad,
                );
                return;
            }
        };
        {
            let mut st = self.st.borrow_mut();
            st.session.handoff_url = Some(url.to_string());
            let n = st.session.unit_count();
            let total = st
                .session
                .price(&st.promotions, &st.store_id(), clock::now())
                .map(|p| Text2::with(|l| p.total.format(l)))
                .unwrap_or_default();
            st.handoff = super::kiosk::HandoffUi {
                qr: Some(img),
                remaining: st.cfg.config.ui.handoff_countdown_s,
                status: None,
                summary: Text2::new(
                    format!("{n} article{} · {}", if n > 1 { "s" } else { "" }, total.fr),
                    format!("{n} item{} · {}", if n > 1 { "s" } else { "" }, total.en),
                ),
            };
        }
        self.render_handoff();
        self.st.borrow_mut().page = Page::Handoff;
        self.ui.global::<App>().set_page(Page::Handoff);
    }

    fn clear_handoff(&self) {
        let mut st = self.st.borrow_mut();
        st.handoff = super::kiosk::HandoffUi::default();
        st.session.handoff_url = None;
        drop(st);
        self.render_handoff();
    }

    pub(super) fn render_handoff(&self) {
        let st = self.st.borrow();
        let lang = st.lang();
        let h = self.ui.global::<HandoffAdapter>();
        match &st.handoff.qr {
            Some(img) => {
                h.set_qr(img.clone());
                h.set_has_qr(true);
            }
            None => {
                h.set_qr(Image::default());
                h.set_has_qr(false);
            }
        }
        h.set_remaining(st.handoff.remaining as i32);
        h.set_summary(st.handoff.summary.get(lang));
        match &st.handoff.status {
            Some((t, tone)) => {
                h.set_status(t.get(lang));
                h.set_status_tone(*tone);
            }
            None if st.handoff.qr.is_none() => h.set_status(SharedString::new()),
            // Said honestly while the kiosk has not delivered it.
            None if !st.sync.online || st.sync.outbox_pending > 0 => {
                h.set_status(
                    lang.pick(
                        "Il sera envoyé dès que la borne sera en ligne. Votre téléphone peut déjà l'ouvrir.",
                        "It will be sent as soon as the kiosk is online. Your phone can open it already.",
                    )
                    .into(),
                );
                h.set_status_tone(Tone::Info);
            }
            None => {
                h.set_status(lang.pick("Envoyé.", "Sent.").into());
                h.set_status_tone(Tone::Ok);
            }
        }
    }

    // ----- click & collect -----

    pub(super) fn start_collect(&self) {
        let lines: Vec<_> = {
            let mut st = self.st.borrow_mut();
            st.session.collect = session::CollectDraft::default();
            st.collect = super::kiosk::CollectUi {
                step: Some(CollectStep::Store),
                ..Default::default()
            };
            st.session.items().iter().map(|i| (i.gtin, i.quantity)).collect()
        };
        let seq = {
            let mut st = self.st.borrow_mut();
            let s = st.next_seq();
            st.collect.seq = s;
            s
        };
        self.request(Request::Availability { seq, lines });
        self.render_collect();
    }

    pub(super) fn on_availability(&self, seq: u64, stores: Vec<(vitrine_core::product::Store, usize)>) {
        {
            let mut st = self.st.borrow_mut();
            if seq != st.collect.seq {
                return;
            }
            let here = st.store_id();
            let mut list: Vec<_> = stores
                .into_iter()
                .filter(|(s, missing)| s.id == here || *missing == 0)
                .collect();
            list.sort_by_key(|(s, _)| (s.id != here, s.name.clone()));
            if st.session.collect.store.is_none() {
                st.session.collect.store = list.iter().find(|(_, m)| *m == 0).map(|(s, _)| s.id.clone());
            }
            st.collect.stores = list;
        }
        self.render_collect();
    }

    fn collect_pick_store(&self, i: i32) {
        {
            let mut st = self.st.borrow_mut();
            let Some((store, missing)) = st.collect.stores.get(i as usize).cloned() else {
                return;
            };
            if missing > 0 {
                st.collect.message = Some((
                    Text2::new(
                        "Ce magasin n'a pas tout votre panier en stock : choisissez-en un autre.",
                        "This store does not have your whole basket in stock: choose another one.",
                    ),
                    Tone::Warn,
                ));
            } else {
                st.session.collect.store = Some(store.id);
                st.collect.message = None;
            }
        }
        self.render_collect();
    }

    fn collect_pick_slot(&self, i: i32) {
        {
            let mut st = self.st.borrow_mut();
            if let Some(slot) = st.collect.slots.get(i as usize).copied() {
                st.session.collect.slot = Some(slot);
                st.collect.message = None;
            }
        }
        self.render_collect();
    }

    fn collect_key(&self, key: &str) {
        let editing_name = self.ui.global::<CollectAdapter>().get_editing_name();
        let submit = {
            let mut st = self.st.borrow_mut();
            let (t, max) = if editing_name {
                (&mut st.session.typed.name, 100)
            } else {
                (&mut st.session.typed.contact, 254)
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
            if editing_name && self.st.borrow().session.typed.contact.is_empty() {
                // OK after the name: on to the contact.
                self.ui.global::<CollectAdapter>().set_editing_name(false);
                self.render_collect();
            } else {
                self.collect_next();
            }
        } else {
            self.render_collect();
        }
    }

    fn collect_next(&self) {
        {
            let mut st = self.st.borrow_mut();
            let warn = |t: Text2| Some((t, Tone::Warn));
            match st.collect.step {
                Some(CollectStep::Store) => {
                    if st.session.collect.store.is_none() {
                        st.collect.message = warn(Text2::new("Choisissez un magasin.", "Choose a store."));
                    } else {
                        let now = clock::now();
                        st.collect.slots = session::collect_slots(now, st.offset, &st.cfg.config.collect, 12);
                        st.collect.step = Some(CollectStep::Slot);
                        st.collect.message = None;
                    }
                }
                Some(CollectStep::Slot) => {
                    if st.session.collect.slot.is_none() {
                        st.collect.message = warn(Text2::new("Choisissez un créneau.", "Choose a time slot."));
                    } else {
                        st.collect.step = Some(CollectStep::Contact);
                        st.collect.message = None;
                    }
                }
                Some(CollectStep::Contact) => {
                    let name = st.session.typed.name.trim().to_string();
                    if name.is_empty() {
                        st.collect.message = Some((
                            Text2::new(
                                "Écrivez le nom sous lequel vous retirerez la commande.",
                                "Type the name you will collect the order under.",
                            ),
                            Tone::Bad,
                        ));
                    } else {
                        match session::parse_contact(&st.session.typed.contact) {
                            Ok(c) => {
                                st.session.collect.contact = Some(c);
                                st.session.collect.name = Some(name);
                                st.session.typed.contact.clear();
                                st.session.typed.name.clear();
                                st.collect.step = Some(CollectStep::Summary);
                                st.collect.message = None;
                            }
                            Err(e) => {
                                st.collect.message = Some((Text2::with(|l| e.text().render(l)), Tone::Bad));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.render_collect();
    }

    fn collect_back(&self) {
        let to_basket = {
            let mut st = self.st.borrow_mut();
            st.collect.message = None;
            match st.collect.step {
                Some(CollectStep::Slot) => {
                    st.collect.step = Some(CollectStep::Store);
                    false
                }
                Some(CollectStep::Contact) => {
                    st.collect.step = Some(CollectStep::Slot);
                    false
                }
                Some(CollectStep::Summary) => {
                    st.collect.step = Some(CollectStep::Contact);
                    false
                }
                _ => true,
            }
        };
        if to_basket {
            self.navigate(Page::Basket);
        } else {
            self.render_collect();
        }
    }

    fn collect_confirm(&self) {
        let Some(desk) = self.orders.clone() else {
            self.st.borrow_mut().collect.message = Some((
                Text2::new(
                    "La commande n'est pas possible sur cette borne : elle n'est pas reliée au siège. Demandez à un vendeur.",
                    "Ordering is not possible on this kiosk: it is not connected to HQ. Please ask a member of staff.",
                ),
                Tone::Bad,
            ));
            self.render_collect();
            return;
        };
        let order = {
            let mut st = self.st.borrow_mut();
            let d = &st.session.collect;
            let (Some(store), Some(slot), Some(contact), Some(name)) =
                (d.store.clone(), d.slot, d.contact.clone(), d.name.clone())
            else {
                return;
            };
            st.collect.busy = true;
            CollectOrder {
                lines: st.session.basket_lines(),
                customer: st.session.customer_context(),
                store,
                slot_start: slot.start,
                slot_end: slot.end,
                name,
                contact,
                lang: st.session.lang,
                coupons: st
                    .session
                    .price(&st.promotions, &st.store_id(), clock::now())
                    .map(|p| session::Session::used_coupons(&p))
                    .unwrap_or_default(),
            }
        };
        self.render_collect();
        self.spawn_for_session(move || Msg::Order(desk.queue_order(&order)));
    }

    pub(super) fn on_order(&self, r: Result<super::orders::OrderTicket, DeskError>) {
        {
            let mut st = self.st.borrow_mut();
            st.collect.busy = false;
            match r {
                Ok(t) => {
                    tracing::info!(order = %t.id, "click & collect order queued");
                    st.session.order_number = Some(t.number);
                    st.collect.step = Some(CollectStep::Done);
                    st.collect.remaining = st.cfg.config.ui.handoff_countdown_s;
                    st.collect.message = None;
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot queue the order");
                    st.collect.message = Some((desk_error_text(&e), Tone::Bad));
                }
            }
        }
        self.render_collect();
    }

    pub(super) fn render_collect(&self) {
        let st = self.st.borrow();
        let lang = st.lang();
        let c = self.ui.global::<CollectAdapter>();
        let step = st.collect.step.unwrap_or(CollectStep::Store);
        c.set_step(step);
        let here = st.store_id();
        let stores: Vec<ChoiceRow> = st
            .collect
            .stores
            .iter()
            .map(|(s, missing)| {
                let mut label = s.name.clone();
                if s.id == here {
                    label = format!("{label} {}", lang.pick("(ce magasin)", "(this store)"));
                }
                let note = match (*missing, lang) {
                    (0, Lang::Fr) => "✓ Tout votre panier est en stock".to_string(),
                    (0, _) => "✓ Your whole basket is in stock".to_string(),
                    (n, Lang::Fr) => format!("✗ {n} produit{} manquant{}", plural(n), plural(n)),
                    (n, _) => format!("✗ {n} product{} missing", plural(n)),
                };
                ChoiceRow {
                    label: label.into(),
                    note: note.into(),
                    selected: st.session.collect.store.as_deref() == Some(s.id.as_str()),
                }
            })
            .collect();
        c.set_stores(model(stores));
        let now = clock::now();
        let slots: Vec<ChoiceRow> = st
            .collect
            .slots
            .iter()
            .map(|s| ChoiceRow {
                label: s.label(now, st.offset).render(lang).into(),
                note: SharedString::new(),
                selected: st.session.collect.slot == Some(*s),
            })
            .collect();
        c.set_slots(model(slots));
        c.set_contact_typed(st.session.typed.contact.as_str().into());
        c.set_name_typed(st.session.typed.name.as_str().into());
        match &st.collect.message {
            Some((t, tone)) => {
                c.set_message(t.get(lang));
                c.set_message_tone(*tone);
            }
            None => c.set_message(SharedString::new()),
        }
        let mut summary = Vec::new();
        if matches!(step, CollectStep::Summary | CollectStep::Done) {
            let store_name = st
                .stores
                .iter()
                .find(|s| Some(s.id.as_str()) == st.session.collect.store.as_deref())
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let row = |l: &str, v: String| SummaryRow {
                label: l.into(),
                value: v.into(),
            };
            summary.push(row(lang.pick("Magasin", "Store"), store_name));
            if let Some(slot) = st.session.collect.slot {
                summary.push(row(
                    lang.pick("Créneau", "Time slot"),
                    slot.label(now, st.offset).render(lang),
                ));
            }
            if let Some(name) = &st.session.collect.name {
                summary.push(row(lang.pick("Nom", "Name"), name.clone()));
            }
            if let Some(contact) = &st.session.collect.contact {
                summary.push(row(lang.pick("Contact", "Contact"), contact.masked()));
            }
            if step == CollectStep::Summary
                && let Ok(p) = st.session.price(&st.promotions, &here, now)
            {
                let n = st.session.unit_count();
                summary.push(row(
                    lang.pick("Panier", "Basket"),
                    match lang {
                        Lang::Fr => format!("{n} article{} · {}", plural(n as usize), p.total.format(lang)),
                        _ => format!("{n} item{} · {}", plural(n as usize), p.total.format(lang)),
                    },
                ));
                summary.push(row(
                    lang.pick("Paiement", "Payment"),
                    lang.pick("au retrait, en magasin", "when you collect, in store").into(),
                ));
            }
        }
        c.set_summary(model(summary));
        c.set_order_number(st.session.order_number.clone().unwrap_or_default().into());
        let masked = st
            .session
            .collect
            .contact
            .as_ref()
            .map(|c| c.masked())
            .unwrap_or_default();
        let delivered = st.sync.online && st.sync.outbox_pending == 0;
        let note = match (delivered, lang) {
            (true, Lang::Fr) => format!("Une confirmation part vers {masked}."),
            (true, _) => format!("A confirmation is on its way to {masked}."),
            (false, Lang::Fr) => format!(
                "Votre commande est enregistrée sur la borne : elle sera envoyée dès que la borne sera en ligne, puis une confirmation partira vers {masked}."
            ),
            (false, _) => format!(
                "Your order is saved on the kiosk: it will be sent as soon as the kiosk is online, then a confirmation goes to {masked}."
            ),
        };
        c.set_done_note(if step == CollectStep::Done {
            note.into()
        } else {
            SharedString::new()
        });
        c.set_remaining(st.collect.remaining as i32);
        c.set_busy(st.collect.busy);
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// What the shopper is told when a handoff or an order cannot be queued.
fn desk_error_text(e: &DeskError) -> Text2 {
    match e {
        DeskError::NotConnected => Text2::new(
            "Cette borne n'est pas reliée au siège : l'envoi vers un téléphone et les commandes ne sont pas possibles ici. Demandez à un vendeur.",
            "This kiosk is not connected to HQ: sending to a phone and ordering are not possible here. Please ask a member of staff.",
        ),
        DeskError::Refused(_) => Text2::new(
            "Votre panier n'a pas pu être préparé (trop d'articles ?) : demandez à un vendeur.",
            "Your basket could not be prepared (too many items?): please ask a member of staff.",
        ),
        DeskError::Failed(_) => Text2::new(
            "Un problème sur la borne empêche l'envoi : réessayez ou demandez à un vendeur.",
            "A problem on the kiosk prevents sending: try again or ask a member of staff.",
        ),
    }
}

/// The identified shopper's personal coupons, in words (none: empty).
fn coupons_line(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (0, _) => String::new(),
        (1, Lang::Fr) => "Votre bon de réduction personnel s'applique aussi.".into(),
        (n, Lang::Fr) => format!("Vos {n} bons de réduction personnels s'appliquent aussi."),
        (1, _) => "Your personal coupon applies too.".into(),
        (n, _) => format!("Your {n} personal coupons apply too."),
    }
}
