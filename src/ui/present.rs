//! Domain data turned into what the screen shows, in the shopper's
//! language. Pure functions: they build the Slint-generated structs (plain
//! data), so they are tested without a window.

use slint::{ModelRc, SharedString, VecModel};
use time::{OffsetDateTime, UtcOffset};
use vitrine_core::code::{Embedded, ProductCode};
use vitrine_core::pricing::{Audience, PricedBasket, PromoKind, Promotion, Target};
use vitrine_core::product::{Nutriments, ONLINE, SoldBy, StockLevel, UnixTime};
use vitrine_core::{Currency, Lang, Money};
use vitrine_i18n::MoneyText;

use super::generated::{BasketRow, FactRow, OfferRow, PromoLine, PromoSlide, StockRow, Tone};
use super::worker::{CacheInfo, SlideData};
use crate::catalog::ProductView;
use crate::session::BasketItem;
use crate::sync::SyncStatus;

/// A text in both languages, so a message on screen follows a language
/// switch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text2 {
    pub fr: String,
    pub en: String,
}

impl Text2 {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text2 {
        Text2 {
            fr: fr.into(),
            en: en.into(),
        }
    }

    /// The same words in both (a code, a name).
    pub fn same(s: impl Into<String>) -> Text2 {
        let s = s.into();
        Text2 { fr: s.clone(), en: s }
    }

    /// Built from a function of the language.
    pub fn with(f: impl Fn(Lang) -> String) -> Text2 {
        Text2 {
            fr: f(Lang::Fr),
            en: f(Lang::En),
        }
    }

    pub fn get(&self, lang: Lang) -> SharedString {
        SharedString::from(match lang {
            Lang::Fr => self.fr.as_str(),
            _ => self.en.as_str(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.fr.is_empty() && self.en.is_empty()
    }
}

pub fn model<T: Clone + 'static>(v: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(v))
}

fn local(t: UnixTime, offset: UtcOffset) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// "aujourd'hui à 14:05", "le 23/11 à 14:05" / "today at 14:05", "on 23 Nov at 14:05".
pub fn when(t: UnixTime, now: UnixTime, offset: UtcOffset, lang: Lang) -> String {
    let (d, n) = (local(t, offset), local(now, offset));
    let hm = format!("{:02}:{:02}", d.hour(), d.minute());
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match (d.date() == n.date(), lang) {
        (true, Lang::Fr) => format!("aujourd'hui à {hm}"),
        (true, _) => format!("today at {hm}"),
        (false, Lang::Fr) => format!("le {:02}/{:02} à {hm}", d.day(), u8::from(d.month())),
        (false, _) => format!(
            "on {} {} at {hm}",
            d.day(),
            months[usize::from(u8::from(d.month())) - 1]
        ),
    }
}

/// The stock words for a place, with a tone that always comes with an icon.
pub fn stock_row(place: &str, quantity: Option<i64>, lang: Lang) -> StockRow {
    let (text, tone) = match quantity.map(StockLevel::from_quantity) {
        None => (lang.pick("stock inconnu", "stock unknown").to_string(), Tone::Info),
        Some(StockLevel::InStock) => (
            vitrine_i18n::domain::stock_level(StockLevel::InStock)
                .render(lang)
                .to_lowercase(),
            Tone::Ok,
        ),
        Some(StockLevel::Low) => (
            match lang {
                Lang::Fr => {
                    let n = quantity.unwrap_or(0);
                    format!("stock faible ({n} restant{})", if n > 1 { "s" } else { "" })
                }
                _ => format!("low stock ({} left)", quantity.unwrap_or(0)),
            },
            Tone::Warn,
        ),
        Some(StockLevel::Out) => (
            vitrine_i18n::domain::stock_level(StockLevel::Out)
                .render(lang)
                .to_lowercase(),
            Tone::Bad,
        ),
    };
    // French puts a space before the colon.
    let place = match lang {
        Lang::Fr => format!("{place} :"),
        _ => format!("{place}:"),
    };
    StockRow {
        place: place.into(),
        text: text.into(),
        tone,
    }
}

/// Where the price and stock come from the kiosk's cache rather than a live
/// link with HQ, since when (empty when online).
pub fn since_text(sync: &SyncStatus, cache: CacheInfo, now: UnixTime, offset: UtcOffset, lang: Lang) -> String {
    if sync.online {
        return String::new();
    }
    let at = cache.last_sync.or(cache.catalog_updated_at);
    match (at, lang) {
        (Some(t), Lang::Fr) => format!(
            "Prix et stock enregistrés sur cette borne {} (borne hors ligne).",
            when(t, now, offset, lang)
        ),
        (Some(t), _) => format!(
            "Prices and stock saved on this kiosk {} (kiosk offline).",
            when(t, now, offset, lang)
        ),
        (None, Lang::Fr) => "Prix et stock enregistrés sur cette borne (hors ligne).".into(),
        (None, _) => "Prices and stock saved on this kiosk (offline).".into(),
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
/// price, or the unit price).
pub fn pack_price(view: &ProductView, code: &ProductCode) -> Option<Money> {
    vitrine_core::label::code_price(view.price, view.product.sold_by, code)
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
    let code_line = match lang {
        Lang::Fr => format!("Code {}", p.gtin.short_form()),
        _ => format!("Code {}", p.gtin.short_form()),
    };
    let price = pack_price(view, code);
    let price_text = price
        .map(|m| m.format(lang))
        .unwrap_or_else(|| lang.pick("Prix non disponible", "No price").to_string());
    let price_note = match (code.variable.as_ref().map(|v| v.embedded), view.price) {
        (Some(Embedded::Weight { grams }), Some(unit)) => match lang {
            Lang::Fr => format!("{} g à {} le kg", grams, unit.format(lang)),
            _ => format!("{} g at {} per kg", grams, unit.format(lang)),
        },
        (Some(Embedded::Price { .. }), _) => lang.pick("prix de cette barquette", "price of this pack").into(),
        (None, Some(_)) if p.sold_by == SoldBy::Kilogram => lang.pick("le kg", "per kg").into(),
        (_, None) => lang
            .pick(
                "Ce produit n'est pas vendu dans ce magasin.",
                "This product is not sold in this store.",
            )
            .into(),
        _ => String::new(),
    };
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
            let text = vitrine_i18n::domain::promo_sentence(pr, unit).render(lang);
            if matches!(pr.audience, Audience::Members { .. }) {
                if member_price.is_empty() {
                    member_price = text;
                }
                continue;
            }
            promotions.push(PromoLine {
                badge: vitrine_i18n::domain::promo_badge(&pr.kind, unit.currency)
                    .render(lang)
                    .into(),
                text: text.into(),
            });
        }
    }
    let here = lang.pick("Ici", "Here");
    let stock_here = stock_row(&format!("{here} ({store_name})"), view.stock_here, lang);
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
        Some(l) if l.from_cache => match lang {
            Lang::Fr => format!(
                "Stock des autres magasins : réponse du siège {}.",
                when(l.fetched_at, now, offset, lang)
            ),
            _ => format!(
                "Other stores' stock: HQ's answer {}.",
                when(l.fetched_at, now, offset, lang)
            ),
        },
        Some(_) => lang
            .pick(
                "Stock des autres magasins en direct du siège.",
                "Other stores' stock live from HQ.",
            )
            .to_string(),
        None => String::new(),
    };
    let online = match online_q {
        Some(q) => stock_row(lang.pick("En ligne (livraison)", "Online (delivery)"), Some(q), lang),
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
            detail: match lang {
                Lang::Fr => format!(
                    "+ {} de livraison, sous {} jours",
                    o.shipping.format(lang),
                    o.delivery_days
                ),
                _ => format!(
                    "+ {} delivery, within {} days",
                    o.shipping.format(lang),
                    o.delivery_days
                ),
            }
            .into(),
        })
        .collect();
    let (allergens, facts_title, facts) = match (&p.food, &p.book) {
        (Some(food), _) => (
            food.allergens
                .iter()
                .map(|a| SharedString::from(vitrine_i18n::domain::allergen(a).render(lang)))
                .collect(),
            {
                let mut t = lang
                    .pick("Valeurs nutritionnelles pour 100 g", "Nutrition per 100 g")
                    .to_string();
                if let Some(n) = &food.nutriscore {
                    t.push_str(&format!(" · Nutri-Score {}", n.to_uppercase()));
                }
                t
            },
            nutrition_rows(&food.nutriments, lang),
        ),
        (None, Some(book)) => {
            let mut rows = Vec::new();
            if !book.authors.is_empty() {
                rows.push(fact(lang.pick("Auteur", "Author"), book.authors.join(", ")));
            }
            if let Some(y) = book.year {
                rows.push(fact(lang.pick("Première parution", "First published"), y.to_string()));
            }
            if let Some(l) = &book.language {
                rows.push(fact(lang.pick("Langue", "Language"), l.clone()));
            }
            (Vec::new(), lang.pick("Le livre", "The book").to_string(), rows)
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

fn fact(label: &str, value: String) -> FactRow {
    FactRow {
        label: label.into(),
        value: value.into(),
    }
}

fn nutrition_rows(n: &Nutriments, lang: Lang) -> Vec<FactRow> {
    let num = |v: f64, unit: &str| {
        let s = if v >= 10.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        let s = if lang == Lang::Fr { s.replace('.', ",") } else { s };
        format!("{s} {unit}")
    };
    let mut rows = Vec::new();
    if let Some(kcal) = n.energy_kcal_100g {
        rows.push(fact(lang.pick("Énergie", "Energy"), num(kcal, "kcal")));
    }
    let items: [(&str, &str, Option<f64>); 7] = [
        ("Matières grasses", "Fat", n.fat_100g),
        ("dont acides gras saturés", "of which saturates", n.saturated_fat_100g),
        ("Glucides", "Carbohydrates", n.carbohydrates_100g),
        ("dont sucres", "of which sugars", n.sugars_100g),
        ("Fibres", "Fibre", n.fiber_100g),
        ("Protéines", "Protein", n.proteins_100g),
        ("Sel", "Salt", n.salt_100g),
    ];
    for (fr, en, v) in items {
        if let Some(v) = v {
            rows.push(fact(lang.pick(fr, en), num(v, "g")));
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
                (_, Some(name)) => name.clone(),
                (Target::Brand(b), None) => match lang {
                    Lang::Fr => format!("Toute la marque {b}"),
                    _ => format!("All {b} products"),
                },
                (Target::Category(c), None) if c.eq_ignore_ascii_case("books") => {
                    lang.pick("Tous les livres", "All books").into()
                }
                (Target::Category(c), None) => match lang {
                    Lang::Fr => format!("Rayon {c}"),
                    _ => format!("{c} aisle"),
                },
                _ => lang.pick("Dans tout le magasin", "Across the store").into(),
            };
            let text = if d.unit_price.is_some() || !matches!(p.target, Target::Gtins(_)) {
                describe_generic(p, unit, d.unit_price.is_some(), lang)
            } else {
                vitrine_i18n::domain::promo_badge(&p.kind, currency).render(lang)
            };
            let price = d
                .unit_price
                .map(|u| match lang {
                    Lang::Fr => format!("Prix habituel : {}", u.format(lang)),
                    _ => format!("Usual price: {}", u.format(lang)),
                })
                .unwrap_or_default();
            PromoSlide {
                badge: vitrine_i18n::domain::promo_badge(&p.kind, currency).render(lang).into(),
                title: title.into(),
                text: text.into(),
                price: price.into(),
            }
        })
        .collect()
}

/// A promotion's sentence; for a brand or category (no one unit price) the
/// badge says enough.
fn describe_generic(p: &Promotion, unit: Money, has_price: bool, lang: Lang) -> String {
    if has_price
        || matches!(
            p.kind,
            PromoKind::BasketAmountOff { .. } | PromoKind::BasketPercentOff { .. }
        )
    {
        return vitrine_i18n::domain::promo_sentence(p, unit).render(lang);
    }
    match lang {
        Lang::Fr => format!(
            "{} sur toute la sélection",
            vitrine_i18n::domain::promo_badge(&p.kind, unit.currency).render(lang)
        ),
        _ => format!(
            "{} on the whole selection",
            vitrine_i18n::domain::promo_badge(&p.kind, unit.currency).render(lang)
        ),
    }
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
                Some(m) => match (m.grams, lang) {
                    (Some(g), Lang::Fr) => format!("{g} g à {} le kg", item.unit_price.format(lang)),
                    (Some(g), _) => format!("{g} g at {} per kg", item.unit_price.format(lang)),
                    (None, _) => lang.pick("Barquette à prix fixe", "Fixed-price pack").into(),
                },
                None => {
                    let mut d = match lang {
                        Lang::Fr => format!("{} l'unité", item.unit_price.format(lang)),
                        _ => format!("{} each", item.unit_price.format(lang)),
                    };
                    if let Some(b) = &item.brand {
                        d = format!("{b} · {d}");
                    }
                    d
                }
            };
            let (total, was) = match line {
                Some(l) if !l.discount.is_zero() => (l.net.format(lang), l.gross.format(lang)),
                Some(l) => (l.net.format(lang), String::new()),
                None => (String::new(), String::new()),
            };
            BasketRow {
                name: item.name.clone().into(),
                detail: detail.into(),
                quantity: item.quantity as i32,
                total: total.into(),
                was: was.into(),
                can_change: item.measured.is_none(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_stock_agrees_in_number() {
        let fr = |n| stock_row("Lyon", Some(n), Lang::Fr).text.to_string();
        assert!(fr(1).contains("(1 restant)"), "{}", fr(1));
        assert!(fr(2).contains("(2 restants)"), "{}", fr(2));
        assert!(stock_row("Lyon", Some(1), Lang::En).text.contains("(1 left)"));
    }

    #[test]
    fn dates_relative_to_today() {
        let off = UtcOffset::from_hms(1, 0, 0).unwrap();
        let now = time::macros::datetime!(2026-11-23 18:00 +1).unix_timestamp();
        let t = time::macros::datetime!(2026-11-23 14:05 +1).unix_timestamp();
        assert_eq!(when(t, now, off, Lang::Fr), "aujourd'hui à 14:05");
        assert_eq!(when(t - 86_400, now, off, Lang::En), "on 22 Nov at 14:05");
        let sync = SyncStatus::default();
        let cache = CacheInfo {
            last_sync: None,
            catalog_updated_at: Some(t),
        };
        assert_eq!(
            since_text(&sync, cache, now, off, Lang::Fr),
            "Prix et stock enregistrés sur cette borne aujourd'hui à 14:05 (borne hors ligne)."
        );
        let online = SyncStatus {
            online: true,
            ..SyncStatus::default()
        };
        assert_eq!(since_text(&online, cache, now, off, Lang::Fr), "");
    }

    #[test]
    fn stock_words_and_tones() {
        let r = stock_row("Ici", Some(3), Lang::Fr);
        assert_eq!((r.text.as_str(), r.tone), ("stock faible (3 restants)", Tone::Warn));
        assert_eq!(stock_row("Here", Some(0), Lang::En).text, "out of stock");
        assert_eq!(stock_row("Here", Some(40), Lang::En).tone, Tone::Ok);
        assert_eq!(stock_row("Here", None, Lang::En).tone, Tone::Info);
    }
}
