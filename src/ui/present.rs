//! Domain data turned into what the screens show, from the message
//! catalogue (`crates/vitrine-i18n/locales/<lang>/kiosk.ftl`), in the
//! language asked for. Pure functions: they build the Slint-generated
//! structs (plain data), so they are tested without a window.

use slint::{ModelRc, SharedString, VecModel};
use time::{OffsetDateTime, UtcOffset};
use vitrine_core::code::{Embedded, ProductCode};
use vitrine_core::pricing::{Audience, PricedBasket, PromoKind, Promotion, Target};
use vitrine_core::product::{Nutriments, ONLINE, SoldBy, StockLevel, UnixTime};
use vitrine_core::{Currency, Lang, Money};
use vitrine_i18n::domain::{promo_badge, promo_sentence};
use vitrine_i18n::{Arg, MoneyText, Text, text};

use super::generated::{BasketRow, FactRow, OfferRow, PromoLine, PromoSlide, StockRow, Tone};
use super::worker::{CacheInfo, SlideData};
use crate::catalog::ProductView;
use crate::config::LoadedConfig;
use crate::scan::{CameraStatus, ScanMetrics};
use crate::session::BasketItem;
use crate::sync::SyncStatus;

pub fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

/// `v` into the model on screen: row by row when it has as many rows (its
/// elements stay, and so does the keyboard focus on one of them, as when
/// Enter picks a choice in a list), else a new model (None: nothing to set).
pub fn refresh<T: Clone + 'static>(current: &ModelRc<T>, v: Vec<T>) -> Option<ModelRc<T>> {
    use slint::Model;
    if current.row_count() != v.len() || v.is_empty() {
        return Some(model(v));
    }
    for (i, row) in v.into_iter().enumerate() {
        current.set_row_data(i, row);
    }
    None
}

fn local(t: UnixTime, offset: UtcOffset) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// "aujourd'hui à 14:05", "le 23/11 à 14:05" / "today at 14:05", "on 23 Nov at 14:05".
pub fn when(t: UnixTime, now: UnixTime, offset: UtcOffset) -> Text {
    let (d, n) = (local(t, offset), local(now, offset));
    let time = format!("{:02}:{:02}", d.hour(), d.minute());
    if d.date() == n.date() {
        return text!("kiosk-when-today", time = time);
    }
    let month = u8::from(d.month());
    text!(
        "kiosk-when-day",
        time = time,
        day = format!("{:02}", d.day()),
        month = format!("{month:02}"),
        day_num = u32::from(d.day()),
        month_name = vitrine_i18n::month_name(month),
    )
}

/// The stock words for a place, with a tone that always comes with an icon.
pub fn stock_row(place: &str, quantity: Option<i64>, lang: Lang) -> StockRow {
    let (text, tone) = match quantity.map(StockLevel::from_quantity) {
        None => (text!("kiosk-stock-unknown").render(lang), Tone::Info),
        Some(StockLevel::InStock) => (
            vitrine_i18n::domain::stock_level(StockLevel::InStock)
                .render(lang)
                .to_lowercase(),
            Tone::Ok,
        ),
        Some(StockLevel::Low) => (
            text!("kiosk-stock-low", count = quantity.unwrap_or(0)).render(lang),
            Tone::Warn,
        ),
        Some(StockLevel::Out) => (
            vitrine_i18n::domain::stock_level(StockLevel::Out)
                .render(lang)
                .to_lowercase(),
            Tone::Bad,
        ),
    };
    StockRow {
        place: text!("kiosk-stock-place", place = place).render(lang).into(),
        text: text.into(),
        tone,
    }
}

/// Where the price and stock come from the kiosk's cache rather than a live
/// link with HQ, since when (empty when online).
pub fn since_text(sync: &SyncStatus, cache: CacheInfo, now: UnixTime, offset: UtcOffset) -> Text {
    if sync.online {
        return Text::empty();
    }
    match cache.last_sync.or(cache.catalog_updated_at) {
        Some(t) => text!("kiosk-offline-since", when = when(t, now, offset)),
        None => text!("kiosk-offline"),
    }
}

/// Everything the product page shows.
pub struct ProductScreen {
    pub name: String,
    pub subtitle: String,
    pub code_line: String,
    pub initial: String,
    pub category: String,
    pub price: String,
    pub price_note: String,
    pub promotions: Vec<PromoLine>,
    pub member_price: String,
    pub stock_here: StockRow,
    pub stock_elsewhere: Vec<StockRow>,
    pub online: StockRow,
    pub offers: Vec<OfferRow>,
    pub allergens: Vec<SharedString>,
    pub facts_title: String,
    pub facts: Vec<FactRow>,
    /// Where the other stores' stock comes from (HQ, live or cached).
    pub live_note: String,
    pub out_here: bool,
    pub can_add: bool,
    pub can_collect_elsewhere: bool,
    pub can_deliver: bool,
}

/// The price the shopper pays for what was scanned (a weighed pack's own
/// price, or the unit price). A label `vitrine_core::label::check_label`
/// refuses never reaches the product page (the scan screen says why
/// instead); were it to, it would have no price here, never its own.
pub fn pack_price(view: &ProductView, code: &ProductCode) -> Option<Money> {
    let unit = view.price?;
    vitrine_core::label::code_price(Some(unit), view.product.sold_by, code, unit.currency)
        .ok()
        .flatten()
}

#[allow(clippy::too_many_arguments)]
pub fn product_screen(
    view: &ProductView,
    code: &ProductCode,
    live: Option<&crate::sync::CachedAvailability>,
    (store_id, store_name): (&str, &str),
    now: UnixTime,
    offset: UtcOffset,
    lang: Lang,
) -> ProductScreen {
    let p = &view.product;
    let mut subtitle: Vec<String> = Vec::new();
    if let Some(b) = &p.brand {
        subtitle.push(b.clone());
    }
    if let Some(q) = &p.quantity {
        subtitle.push(q.clone());
    }
    if let Some(book) = &p.book
        && !book.authors.is_empty()
    {
        subtitle.push(book.authors.join(", "));
    }
    let code_line = text!("kiosk-product-code", code = p.gtin.short_form()).render(lang);
    let price = pack_price(view, code);
    let price_text = price
        .map(|m| m.format(lang))
        .unwrap_or_else(|| text!("kiosk-product-no-price").render(lang));
    let price_note = match (code.variable.as_ref().map(|v| v.embedded), view.price) {
        (Some(Embedded::Weight { grams }), Some(unit)) => text!("kiosk-weight-price", grams = grams, price = unit),
        (Some(Embedded::Price { .. }), _) => text!("kiosk-product-pack-price"),
        (None, Some(_)) if p.sold_by == SoldBy::Kilogram => text!("kiosk-product-per-kg"),
        (_, None) => text!("kiosk-product-not-sold"),
        _ => Text::empty(),
    }
    .render(lang);
    let mut promotions = Vec::new();
    let mut member_price = String::new();
    if let Some(unit) = view.price {
        for pr in &view.promotions {
            // Coupons, personal offers and basket-wide offers are not this
            // product's price: the basket explains them when they apply.
            if pr.coupon_code.is_some()
                || matches!(pr.audience, Audience::Customer { .. })
                || matches!(
                    pr.kind,
                    PromoKind::BasketPercentOff { .. } | PromoKind::BasketAmountOff { .. }
                )
            {
                continue;
            }
            let text = promo_sentence(pr, unit).render(lang);
            if matches!(pr.audience, Audience::Members { .. }) {
                if member_price.is_empty() {
                    member_price = text;
                }
                continue;
            }
            promotions.push(PromoLine {
                badge: promo_badge(&pr.kind, unit.currency).render(lang).into(),
                text: text.into(),
            });
        }
    }
    let here = text!("kiosk-stock-here", store = store_name).render(lang);
    let stock_here = stock_row(&here, view.stock_here, lang);
    // HQ's live answer, when it came, replaces the catalog's figures for
    // the other stores and online.
    let (elsewhere_q, online_q): (Vec<(String, i64)>, Option<i64>) = match live {
        Some(l) => (
            l.availability
                .stores
                .iter()
                .filter(|s| s.store != ONLINE && s.store != store_id)
                .map(|s| (s.name.clone(), s.quantity))
                .collect(),
            l.availability.online.as_ref().map(|o| o.quantity).or(view.stock_online),
        ),
        None => (
            view.stock_elsewhere
                .iter()
                .filter(|(s, _)| s.id != ONLINE)
                .map(|(s, q)| (s.name.clone(), *q))
                .collect(),
            view.stock_online,
        ),
    };
    let stock_elsewhere = elsewhere_q
        .iter()
        .map(|(name, q)| stock_row(name, Some(*q), lang))
        .collect();
    let live_note = match live {
        Some(l) if l.from_cache => text!("kiosk-live-cached", when = when(l.fetched_at, now, offset)),
        Some(_) => text!("kiosk-live"),
        None => Text::empty(),
    }
    .render(lang);
    let online = match online_q {
        Some(q) => stock_row(&text!("kiosk-stock-online").render(lang), Some(q), lang),
        None => StockRow {
            place: SharedString::new(),
            text: SharedString::new(),
            tone: Tone::Info,
        },
    };
    let offers = view
        .offers
        .iter()
        .map(|o| OfferRow {
            seller: o.seller_name.clone().into(),
            price: o.price.format(lang).into(),
            detail: text!(
                "kiosk-offer-detail",
                shipping = o.shipping,
                days = u32::from(o.delivery_days)
            )
            .render(lang)
            .into(),
        })
        .collect();
    let (allergens, facts_title, facts) = match (&p.food, &p.book) {
        (Some(food), _) => (
            food.allergens
                .iter()
                .map(|a| SharedString::from(vitrine_i18n::domain::allergen(a).render(lang)))
                .collect(),
            match &food.nutriscore {
                Some(n) => text!("kiosk-facts-nutrition-score", score = n.to_uppercase()),
                None => text!("kiosk-facts-nutrition"),
            }
            .render(lang),
            nutrition_rows(&food.nutriments, lang),
        ),
        (None, Some(book)) => {
            let mut rows = Vec::new();
            if !book.authors.is_empty() {
                rows.push(fact(text!("kiosk-book-author"), book.authors.join(", "), lang));
            }
            if let Some(y) = book.year {
                rows.push(fact(text!("kiosk-book-year"), y.to_string(), lang));
            }
            if let Some(l) = &book.language {
                rows.push(fact(text!("kiosk-book-language"), l.clone(), lang));
            }
            (Vec::new(), text!("kiosk-book").render(lang), rows)
        }
        _ => (Vec::new(), String::new(), Vec::new()),
    };
    let out_here = view.stock_here.is_some_and(|q| q <= 0);
    let elsewhere = elsewhere_q.iter().any(|(_, q)| *q > 0);
    ProductScreen {
        name: p.name.clone(),
        subtitle: subtitle.join(" · "),
        code_line,
        initial: p
            .name
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default(),
        category: p.category.clone().unwrap_or_default(),
        price: price_text,
        price_note,
        promotions,
        member_price,
        stock_here,
        stock_elsewhere,
        online,
        offers,
        allergens,
        facts_title,
        facts,
        out_here,
        can_add: price.is_some(),
        can_collect_elsewhere: out_here && elsewhere && price.is_some(),
        can_deliver: out_here && (online_q.unwrap_or(0) > 0 || !view.offers.is_empty()),
        live_note,
    }
}

fn fact(label: Text, value: String, lang: Lang) -> FactRow {
    FactRow {
        label: label.render(lang).into(),
        value: value.into(),
    }
}

/// A nutrient amount: whole above 10, one decimal under (`2,5 g`).
fn amount(v: f64, unit: &str, lang: Lang) -> String {
    let n = if v >= 10.0 {
        vitrine_i18n::decimal(v.round() as i64, 0, lang)
    } else {
        vitrine_i18n::decimal((v * 10.0).round() as i64, 1, lang)
    };
    format!("{n} {unit}")
}

fn nutrition_rows(n: &Nutriments, lang: Lang) -> Vec<FactRow> {
    let mut rows = Vec::new();
    if let Some(kcal) = n.energy_kcal_100g {
        rows.push(fact(text!("kiosk-nutrient-energy"), amount(kcal, "kcal", lang), lang));
    }
    let items: [(Text, Option<f64>); 7] = [
        (text!("kiosk-nutrient-fat"), n.fat_100g),
        (text!("kiosk-nutrient-saturates"), n.saturated_fat_100g),
        (text!("kiosk-nutrient-carbohydrates"), n.carbohydrates_100g),
        (text!("kiosk-nutrient-sugars"), n.sugars_100g),
        (text!("kiosk-nutrient-fibre"), n.fiber_100g),
        (text!("kiosk-nutrient-protein"), n.proteins_100g),
        (text!("kiosk-nutrient-salt"), n.salt_100g),
    ];
    for (label, v) in items {
        if let Some(v) = v {
            rows.push(fact(label, amount(v, "g", lang), lang));
        }
    }
    rows
}

/// The attract screen's slides.
pub fn slides(data: &[SlideData], currency: Currency, lang: Lang) -> Vec<PromoSlide> {
    data.iter()
        .map(|d| {
            let p = &d.promotion;
            let unit = d.unit_price.unwrap_or(Money::zero(currency));
            let title = match (&p.target, &d.product_name) {
                (_, Some(name)) => Text::verbatim(name.clone()),
                (Target::Brand(b), None) => text!("kiosk-slide-brand", brand = b.as_str()),
                (Target::Category(c), None) if c.eq_ignore_ascii_case("books") => text!("kiosk-slide-books"),
                (Target::Category(c), None) => text!("kiosk-slide-category", category = c.as_str()),
                _ => text!("kiosk-slide-store"),
            };
            let text = if d.unit_price.is_some() || !matches!(p.target, Target::Gtins(_)) {
                describe_generic(p, unit, d.unit_price.is_some())
            } else {
                promo_badge(&p.kind, currency)
            };
            let price = match d.unit_price {
                Some(u) => text!("kiosk-slide-usual-price", price = u),
                None => Text::empty(),
            };
            PromoSlide {
                badge: promo_badge(&p.kind, currency).render(lang).into(),
                title: title.render(lang).into(),
                text: text.render(lang).into(),
                price: price.render(lang).into(),
            }
        })
        .collect()
}

/// A promotion's sentence; for a brand or category (no one unit price) the
/// badge says enough.
fn describe_generic(p: &Promotion, unit: Money, has_price: bool) -> Text {
    if has_price
        || matches!(
            p.kind,
            PromoKind::BasketAmountOff { .. } | PromoKind::BasketPercentOff { .. }
        )
    {
        return promo_sentence(p, unit);
    }
    text!("kiosk-slide-selection", badge = promo_badge(&p.kind, unit.currency))
}

/// The basket page's lines, from the session's items and the engine's
/// priced lines (same order: the engine keeps first-appearance order and the
/// session never holds two unit lines of one product at one price).
pub fn basket_rows(items: &[BasketItem], priced: &PricedBasket, lang: Lang) -> Vec<BasketRow> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let line = priced.lines.get(i).filter(|l| l.gtin == item.gtin);
            let detail = match &item.measured {
                Some(m) => match m.grams {
                    Some(g) => text!("kiosk-weight-price", grams = g, price = item.unit_price),
                    None => text!("kiosk-basket-fixed-pack"),
                },
                None => match &item.brand {
                    Some(b) => text!("kiosk-basket-brand-each", brand = b.as_str(), price = item.unit_price),
                    None => text!("kiosk-basket-each", price = item.unit_price),
                },
            };
            let (total, was) = match line {
                Some(l) if !l.discount.is_zero() => (l.net.format(lang), l.gross.format(lang)),
                Some(l) => (l.net.format(lang), String::new()),
                None => (String::new(), String::new()),
            };
            BasketRow {
                name: item.name.clone().into(),
                detail: detail.render(lang).into(),
                quantity: item.quantity as i32,
                total: total.into(),
                was: was.into(),
                can_change: item.measured.is_none(),
                // Set by the basket screen from the pictures it holds.
                photo: slint::Image::default(),
                has_photo: false,
            }
        })
        .collect()
}

/// "3 articles · 6,18 €": a basket in one line.
pub fn items_total(count: u32, total: Option<Money>) -> Text {
    let total: Arg = match total {
        Some(t) => t.into(),
        None => "".into(),
    };
    text!("kiosk-items-total", count = count, total = total)
}

/// The camera's state as the scan pipeline reports it, with its figures
/// while it runs (frames read per second, decode time).
pub fn camera_text(status: &CameraStatus, m: &ScanMetrics) -> Text {
    let base = status.text();
    if !status.is_running() || m.frames_decoded == 0 {
        return base;
    }
    let tenths = |ms: f32| Arg::Decimal((f64::from(ms) * 10.0).round() as i64, 1);
    text!(
        "kiosk-camera-figures",
        status = base,
        decoded = format!("{:.0}", m.decode_fps),
        captured = format!("{:.0}", m.capture_fps),
        mean = tenths(m.decode_ms_mean),
        max = tenths(m.decode_ms_max),
    )
}

/// The camera's state before the scan pipeline reports anything.
pub fn camera_before_start(cfg: &LoadedConfig) -> Text {
    match cfg.config.camera.source {
        crate::config::CameraSource::None => text!("kiosk-camera-none"),
        _ => text!("kiosk-camera-unavailable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_stock_agrees_in_number() {
        let fr = |n| stock_row("Lyon", Some(n), Lang::FR).text.to_string();
        assert!(fr(1).contains("(1 restant)"), "{}", fr(1));
        assert!(fr(2).contains("(2 restants)"), "{}", fr(2));
        assert!(stock_row("Lyon", Some(1), Lang::EN).text.contains("(1 left)"));
        assert_eq!(stock_row("Lyon", Some(2), Lang::DE).text, "nur noch 2 vorrätig");
    }

    #[test]
    fn dates_relative_to_today() {
        let off = UtcOffset::from_hms(1, 0, 0).unwrap();
        let now = time::macros::datetime!(2026-11-23 18:00 +1).unix_timestamp();
        let t = time::macros::datetime!(2026-11-23 14:05 +1).unix_timestamp();
        assert_eq!(when(t, now, off).render(Lang::FR), "aujourd'hui à 14:05");
        assert_eq!(when(t - 86_400, now, off).render(Lang::EN), "on 22 Nov at 14:05");
        assert_eq!(when(t - 86_400, now, off).render(Lang::FR), "le 22/11 à 14:05");
        assert_eq!(when(t - 86_400, now, off).render(Lang::DE), "am 22.11. um 14:05");
        let sync = SyncStatus::default();
        let cache = CacheInfo {
            last_sync: None,
            catalog_updated_at: Some(t),
        };
        assert_eq!(
            since_text(&sync, cache, now, off).render(Lang::FR),
            "Prix et stock enregistrés sur cette borne aujourd'hui à 14:05 (borne hors ligne)."
        );
        assert_eq!(
            since_text(&sync, cache, now, off).render(Lang::DE),
            "Preise und Bestand auf diesem Terminal gespeichert: heute um 14:05 (Terminal offline)."
        );
        let online = SyncStatus {
            online: true,
            ..SyncStatus::default()
        };
        assert_eq!(since_text(&online, cache, now, off).render(Lang::FR), "");
    }

    #[test]
    fn stock_words_and_tones() {
        let r = stock_row("Ici", Some(3), Lang::FR);
        assert_eq!((r.text.as_str(), r.tone), ("stock faible (3 restants)", Tone::Warn));
        assert_eq!(r.place, "Ici :");
        assert_eq!(stock_row("Here", Some(0), Lang::EN).text, "out of stock");
        assert_eq!(stock_row("Here", Some(0), Lang::EN).place, "Here:");
        assert_eq!(stock_row("Hier", Some(0), Lang::DE).text, "ausverkauft");
        assert_eq!(stock_row("Here", Some(40), Lang::EN).tone, Tone::Ok);
        assert_eq!(stock_row("Here", None, Lang::EN).tone, Tone::Info);
    }

    #[test]
    fn nutrient_amounts_use_the_languages_decimal_separator() {
        assert_eq!(amount(2.46, "g", Lang::FR), "2,5 g");
        assert_eq!(amount(2.46, "g", Lang::EN), "2.5 g");
        assert_eq!(amount(2.46, "g", Lang::DE), "2,5 g");
        assert_eq!(amount(42.4, "kcal", Lang::DE), "42 kcal");
    }

    #[test]
    fn the_camera_figures_are_written_by_each_languages_rules() {
        let status = CameraStatus::Running {
            source: "replay".into(),
            mode: None,
        };
        let m = ScanMetrics {
            capture_fps: 30.0,
            decode_fps: 12.0,
            decode_ms_mean: 2.5,
            decode_ms_max: 8.3,
            frames_decoded: 40,
            ..ScanMetrics::default()
        };
        let t = camera_text(&status, &m);
        assert_eq!(
            t.render(Lang::FR),
            "Caméra en marche — 12 images lues/s sur 30, décodage 2,5 ms en moyenne (8,3 ms au plus)"
        );
        assert_eq!(
            t.render(Lang::EN),
            "Camera running — 12 of 30 frames/s read, decode 2.5 ms on average (8.3 ms at most)"
        );
        assert!(
            t.render(Lang::DE)
                .starts_with("Kamera läuft – 12 von 30 Bildern/s gelesen")
        );
        // Before any frame is decoded, only the state.
        assert_eq!(
            camera_text(&status, &ScanMetrics::default()).render(Lang::EN),
            "Camera running"
        );
    }
}
