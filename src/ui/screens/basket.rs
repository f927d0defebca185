//! The basket (`ui/pages/basket.slint`): lines, promotions applied and
//! hints, the total; coupons (a code the store prints, or a signed coupon
//! QR checked off the UI thread); and the ways out (phone, click & collect,
//! identify).

use std::rc::{Rc, Weak};

use slint::{ComponentHandle, SharedString};
use vitrine_core::pricing::{PromoKind, Promotion};
use vitrine_i18n::domain::{applied_promotion, promo_badge, promo_hint, promo_sentence};
use vitrine_i18n::{Arg, MoneyText, text};

use super::handoff::Handoff;
use crate::clock;
use crate::customer::CouponError;
use crate::session;
use crate::ui::generated::{BasketAdapter, Page, Tone};
use crate::ui::present::{self, model};
use crate::ui::shell::{Change, For, Screen, Shell, reply};

pub(in crate::ui) struct Basket {
    shell: Rc<Shell>,
    handoff: Rc<Handoff>,
    me: Weak<Basket>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>, handoff: &Rc<Handoff>) -> Rc<Basket> {
    let me = Rc::new_cyclic(|me| Basket {
        shell: shell.clone(),
        handoff: handoff.clone(),
        me: me.clone(),
    });
    let b = shell.ui.global::<BasketAdapter>();
    let w = &me.me;
    b.on_inc(on!(w, |k, i: i32| k.change_quantity(i, 1)));
    b.on_dec(on!(w, |k, i: i32| k.change_quantity(i, -1)));
    b.on_remove(on!(w, |k, i: i32| {
        k.shell.st_mut().session.remove(i as usize);
        k.shell.changed(Change::Session);
    }));
    b.on_clear(on!(w, |k| {
        k.shell.st_mut().session.clear_basket();
        k.shell.changed(Change::Session);
    }));
    b.on_send_to_phone(on!(w, |k| k.handoff.start()));
    b.on_click_collect(on!(w, |k| k.shell.navigate(Page::Collect)));
    b.on_identify(on!(w, |k| k.shell.navigate(Page::Identify)));
    b.on_not_you(on!(w, |k| {
        k.shell.st_mut().session.forget_customer();
        k.shell.changed(Change::Session);
    }));
    b.on_continue_shopping(on!(w, |k| k.shell.navigate(Page::Scan)));
    shell.add(me.clone());
    me
}

impl Basket {
    fn change_quantity(&self, index: i32, delta: i32) {
        {
            let mut st = self.shell.st_mut();
            let Some(q) = st.session.items().get(index as usize).map(|i| i.quantity) else {
                return;
            };
            let new = (q as i64 + i64::from(delta)).clamp(0, i64::from(session::MAX_QUANTITY)) as u32;
            st.session.set_quantity(index as usize, new);
        }
        self.shell.changed(Change::Session);
    }

    /// A code that is one of the store's printed coupons goes into the
    /// basket. Returns whether it was one.
    pub fn add_coupon_code(&self, code: &str) -> bool {
        let coupon = self
            .shell
            .st()
            .promotions
            .iter()
            .find(|p| p.coupon_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code)))
            .cloned();
        let Some(p) = coupon else {
            return false;
        };
        let (added, currency) = {
            let mut st = self.shell.st_mut();
            let added = st.session.add_coupon(p.coupon_code.as_deref().unwrap_or(code));
            (added, st.session.currency)
        };
        let msg = if added {
            text!(
                "kiosk-coupon-added",
                offer = promo_sentence(&p, vitrine_core::Money::zero(currency))
            )
        } else {
            text!("kiosk-coupon-already-added")
        };
        self.shell.toast(msg, Tone::Ok);
        self.shell.changed(Change::Session);
        true
    }

    /// A coupon QR code was scanned: checked off the UI thread.
    pub fn scan_coupon(&self, text: String) {
        let Some(desk) = self.shell.orders.clone() else {
            self.shell.toast(CouponError::NotEnrolled.text(), Tone::Bad);
            return;
        };
        self.shell.blocking(
            For::Session,
            move || desk.check_coupon(&text),
            reply(&self.me, Basket::on_coupon),
        );
    }

    fn on_coupon(&self, r: Result<Promotion, CouponError>) {
        match r {
            Ok(p) => {
                let currency = self.shell.st().session.currency;
                // The coupon's value without the badge's minus sign.
                let off: Option<Arg> = match &p.kind {
                    PromoKind::PercentOff { basis_points } | PromoKind::BasketPercentOff { basis_points, .. } => {
                        Some(Arg::Percent(*basis_points))
                    }
                    PromoKind::AmountOff { amount_minor } | PromoKind::BasketAmountOff { amount_minor, .. } => {
                        Some(Arg::Money(vitrine_core::Money::new(*amount_minor, currency)))
                    }
                    _ => None,
                };
                let badge = promo_badge(&p.kind, currency);
                let added = self.shell.st_mut().session.add_coupon_promotion(p);
                let msg = match (added, off) {
                    (true, Some(off)) => text!("kiosk-coupon-qr-added", off = off),
                    (true, None) => text!("kiosk-coupon-qr-added-offer", offer = badge),
                    (false, _) => text!("kiosk-coupon-qr-already-added"),
                };
                self.shell.toast(msg, Tone::Ok);
                self.shell.changed(Change::Session);
            }
            Err(e) => self.shell.toast(e.text(), Tone::Bad),
        }
    }
}

impl Screen for Basket {
    fn pages(&self) -> &'static [Page] {
        &[Page::Basket]
    }

    fn render(&self) {
        let st = self.shell.st();
        let lang = st.lang();
        let b = self.shell.ui.global::<BasketAdapter>();
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
                let mut rows = present::basket_rows(st.session.items(), &priced, lang);
                {
                    // Pictures of products no longer in the basket go.
                    let mut photos = self.shell.photos.borrow_mut();
                    photos.retain(|g, _| st.session.items().iter().any(|i| i.gtin == *g));
                    for (row, item) in rows.iter_mut().zip(st.session.items()) {
                        if let Some(photo) = photos.get(&item.gtin) {
                            row.photo = photo.clone();
                            row.has_photo = true;
                        }
                    }
                }
                b.set_lines(model(rows));
                b.set_savings(model(
                    priced
                        .applied
                        .iter()
                        .map(|a| SharedString::from(applied_promotion(a).render(lang)))
                        .collect(),
                ));
                b.set_hints(model(
                    priced
                        .hints
                        .iter()
                        .map(|h| SharedString::from(promo_hint(h, priced.currency).render(lang)))
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
                b.set_note(text!("kiosk-basket-no-total").render(lang).into());
            }
        }
    }

    fn enter(&self, _page: Page, _from: Page) -> bool {
        self.render();
        true
    }

    fn changed(&self, what: Change) {
        if matches!(what, Change::Session | Change::Promotions) {
            self.render();
        }
    }
}
