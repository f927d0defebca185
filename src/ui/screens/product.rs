//! The product page (`ui/pages/product.slint`): price, promotions, stock
//! here, elsewhere and online (live from HQ when it answers), details; add
//! to the basket, collect elsewhere or have it delivered.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use slint::{ComponentHandle, Image, SharedString};
use vitrine_core::code::{Embedded, ProductCode};
use vitrine_core::label::LabelMeasure;
use vitrine_i18n::text;

use super::handoff::Handoff;
use crate::catalog::ProductView;
use crate::clock;
use crate::session::{BasketItem, Measured};
use crate::sync::CachedAvailability;
use crate::ui::generated::{Page, ProductAdapter, Tone};
use crate::ui::present::{self, model};
use crate::ui::shell::{Change, For, Screen, Shell, reply};
use crate::ui::worker::CacheInfo;

/// A product on screen.
struct Shown {
    view: Box<ProductView>,
    code: Box<ProductCode>,
    photo: Option<Image>,
    /// HQ's answer about stock elsewhere, when it came.
    live: Option<CachedAvailability>,
}

#[derive(Default)]
struct State {
    shown: Option<Shown>,
    cache: CacheInfo,
    /// Moves with every product shown: HQ's answer about an earlier one is
    /// dropped.
    seq: u64,
}

pub(in crate::ui) struct Product {
    shell: Rc<Shell>,
    handoff: Rc<Handoff>,
    st: RefCell<State>,
    me: Weak<Product>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>, handoff: &Rc<Handoff>) -> Rc<Product> {
    let me = Rc::new_cyclic(|me| Product {
        shell: shell.clone(),
        handoff: handoff.clone(),
        st: RefCell::new(State::default()),
        me: me.clone(),
    });
    let p = shell.ui.global::<ProductAdapter>();
    let w = &me.me;
    p.on_add(on!(w, |k| {
        k.add();
    }));
    p.on_scan_another(on!(w, |k| k.shell.navigate(Page::Scan)));
    p.on_collect_elsewhere(on!(w, |k| {
        if k.add_once() {
            k.shell.navigate(Page::Collect);
        }
    }));
    p.on_deliver(on!(w, |k| {
        if k.add_once() {
            k.handoff.start();
        }
    }));
    shell.add(me.clone());
    me
}

impl Product {
    /// Shows a product found in the catalog, and asks HQ (through the sync
    /// link's cache) for its stock in other stores and online.
    pub fn show(&self, view: Box<ProductView>, code: Box<ProductCode>, photo: Option<Image>, cache: CacheInfo) {
        let gtin = view.product.gtin;
        let seq = {
            let mut st = self.st.borrow_mut();
            st.seq += 1;
            st.shown = Some(Shown {
                view,
                code,
                photo,
                live: None,
            });
            st.cache = cache;
            st.seq
        };
        self.render();
        if let Some(svc) = self.shell.availability.clone() {
            self.shell.background(
                For::Kiosk,
                async move { svc.get(gtin).await.map_err(|e| e.to_string()) },
                reply(&self.me, move |p: &Product, r| p.on_live(seq, r)),
            );
        }
    }

    fn on_live(&self, seq: u64, result: Result<CachedAvailability, String>) {
        let shown = {
            let mut st = self.st.borrow_mut();
            let current = st.seq == seq;
            match (result, st.shown.as_mut()) {
                (Ok(live), Some(p)) if current && live.availability.gtin == p.view.product.gtin => {
                    p.live = Some(live);
                    true
                }
                (Err(e), _) => {
                    tracing::debug!(error = %e, "no live availability; showing the catalog's stock");
                    false
                }
                _ => false,
            }
        };
        if shown {
            self.render();
        }
    }

    /// Adds the product on screen. Returns whether it is in the basket.
    fn add(&self) -> bool {
        let item = {
            let st = self.st.borrow();
            let Some(shown) = &st.shown else {
                return false;
            };
            let v = &shown.view;
            let Some(unit) = v.price else {
                drop(st);
                self.shell.toast(crate::session::AddError::NoPrice.text(), Tone::Bad);
                return false;
            };
            // A label whose price or weight GS1's rules do not let price
            // this item is refused, never added (the scan screen refuses
            // it first; this is the last gate before the basket).
            if let Err(refused) =
                vitrine_core::label::code_price(Some(unit), v.product.sold_by, &shown.code, unit.currency)
            {
                drop(st);
                self.shell.toast(vitrine_i18n::gs1::label_refusal(refused), Tone::Bad);
                return false;
            }
            // What the label says (an in-store label's price or weight, a
            // GS1 price or net weight), and the pack's price from it.
            let measure = LabelMeasure::of(&shown.code, unit.currency);
            let measured = match (shown.code.variable.as_ref(), measure) {
                (Some(vm), Some(measure)) => present::pack_price(v, &shown.code).map(|price| Measured {
                    price,
                    label: vm.label.clone(),
                    grams: match vm.embedded {
                        Embedded::Weight { grams } => Some(grams),
                        Embedded::Price { .. } => None,
                    },
                    measure,
                }),
                // A GS1 label with its own price (392n) or a net weight on
                // an item sold by the kg: the pack's price, as the product
                // page showed it; each label its own line.
                (None, Some(measure)) => {
                    present::pack_price(v, &shown.code)
                        .filter(|price| *price != unit)
                        .map(|price| {
                            let grams = measure.net_weight_g();
                            Measured {
                                price,
                                label: format!("gs1:{}:{}", price.amount_minor, grams.unwrap_or(0)),
                                grams,
                                measure,
                            }
                        })
                }
                _ => None,
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
        let (gtin, photo) = (item.gtin, self.st.borrow().shown.as_ref().and_then(|s| s.photo.clone()));
        let result = self.shell.st_mut().session.add(item);
        match result {
            Ok(_) => {
                if let Some(photo) = photo {
                    self.shell.photos.borrow_mut().insert(gtin, photo);
                }
                self.shell.toast(text!("kiosk-added", name = name), Tone::Ok);
                self.shell.changed(Change::Session);
                true
            }
            Err(e) => {
                self.shell.toast(e.text(), Tone::Bad);
                false
            }
        }
    }

    /// Adds the product on screen unless it is already in the basket.
    fn add_once(&self) -> bool {
        let already = {
            let st = self.st.borrow();
            let shared = self.shell.st();
            st.shown
                .as_ref()
                .is_some_and(|s| shared.session.items().iter().any(|i| i.gtin == s.view.product.gtin))
        };
        already || self.add()
    }
}

impl Screen for Product {
    fn pages(&self) -> &'static [Page] {
        &[Page::Product]
    }

    fn render(&self) {
        let st = self.st.borrow();
        let p = self.shell.ui.global::<ProductAdapter>();
        let Some(shown) = &st.shown else {
            p.set_name(SharedString::new());
            p.set_has_photo(false);
            p.set_photo(Image::default());
            p.set_promotions(model(Vec::new()));
            return;
        };
        let shared = self.shell.st();
        let lang = shared.lang();
        let now = clock::now();
        let screen = present::product_screen(
            &shown.view,
            &shown.code,
            shown.live.as_ref(),
            (&shared.store_id(), &shared.store_name()),
            now,
            shared.offset,
            lang,
        );
        p.set_name(screen.name.into());
        p.set_subtitle(screen.subtitle.into());
        p.set_code_line(screen.code_line.into());
        p.set_initial(screen.initial.into());
        p.set_category(screen.category.into());
        match &shown.photo {
            Some(img) => {
                p.set_photo(img.clone());
                p.set_has_photo(true);
            }
            None => {
                p.set_photo(Image::default());
                p.set_has_photo(false);
            }
        }
        p.set_price(screen.price.into());
        p.set_price_note(screen.price_note.into());
        p.set_demo(shown.view.demo_values);
        // Two sentences: where the prices come from, then the stock elsewhere.
        let since = present::since_text(&shared.sync, st.cache, now, shared.offset).render(lang);
        let since = [since, screen.live_note]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        p.set_since(since.into());
        p.set_promotions(model(screen.promotions));
        p.set_member_price(screen.member_price.into());
        p.set_stock_here(screen.stock_here);
        p.set_stock_elsewhere(model(screen.stock_elsewhere));
        p.set_online(screen.online);
        p.set_offers(model(screen.offers));
        p.set_allergens(model(screen.allergens));
        p.set_facts_title(screen.facts_title.into());
        p.set_facts(model(screen.facts));
        p.set_out_here(screen.out_here);
        p.set_can_add(screen.can_add);
        let desk = self.shell.orders.is_some();
        p.set_can_collect_elsewhere(screen.can_collect_elsewhere && desk);
        p.set_can_deliver(screen.can_deliver && desk);
    }

    fn reset(&self) {
        let mut st = self.st.borrow_mut();
        st.shown = None;
        st.seq += 1;
    }

    fn changed(&self, what: Change) {
        if what == Change::Sync {
            self.render();
        }
    }
}
