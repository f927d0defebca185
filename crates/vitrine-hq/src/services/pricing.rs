//! A basket priced at HQ: HQ's catalog prices and promotions through
//! `vitrine_core::pricing`, the same engine and inputs as the kiosk's, so
//! the phone page, the emails and the order find the kiosk's total.

use vitrine_core::Money;
use vitrine_core::label::{check_label, pack_price};
use vitrine_core::pricing::{BasketLine, CustomerContext, PricedBasket, PricingContext, Promotion, price_basket};
use vitrine_core::product::{Product, UnixTime};
use vitrine_core::wire::HandoffLine;

use super::ServiceError;
use crate::Hq;
use crate::storage::ProductPrice;

/// One line of a basket as HQ knows it.
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub line: HandoffLine,
    /// None: HQ does not know the product.
    pub product: Option<Product>,
    /// What one unit of the line costs at the store: the catalog's unit
    /// price, or for a weighed or label-priced pack (quantity 1) the pack's
    /// price from its label; None: not sold there.
    pub price: Option<Money>,
}

/// A basket priced with HQ's prices and promotions.
#[derive(Debug, Clone)]
pub struct PricedLines {
    pub products: Vec<PricedLine>,
    pub priced: Option<PricedBasket>,
}

/// Refuses lines whose label measure (signed by the kiosk, but printed by
/// anyone) GS1's rules do not let price their item: a price printed on a
/// fixed-price item's label, an in-store label on a GTIN that is not a
/// store number. The same core rule the kiosk applies before it shows or
/// adds a scanned pack (`vitrine_core::label::check_label`, which
/// `pack_price` applies too), checked before a basket or order is accepted.
pub fn check_labels(hq: &Hq, store: &str, lines: &[HandoffLine]) -> Result<(), ServiceError> {
    for l in lines {
        let Some(m) = &l.measure else { continue };
        // An item HQ does not know is listed, never priced: its label
        // cannot set a price.
        let Some(ProductPrice { product, .. }) = hq.storage.product_price(l.gtin, store)? else {
            continue;
        };
        check_label(l.gtin, product.sold_by, m).map_err(|refused| {
            tracing::warn!(gtin = %l.gtin.for_log(), reason = %refused, "basket line with a refused label");
            ServiceError::Invalid(format!("product {}: {refused}; remove the line", l.gtin))
        })?;
    }
    Ok(())
}

/// Prices `lines` at `store` with HQ's catalog and `vitrine_core::pricing`.
/// Products HQ does not know, or without a price, are listed but not priced.
pub fn price_lines(hq: &Hq, store: &str, lines: &[HandoffLine]) -> Result<PricedLines, ServiceError> {
    price_lines_with(hq, store, lines, None, &[], &[], hq.now())
}

/// [`price_lines`] for an identified customer (member prices) with extra
/// promotions (accepted personal coupons) and coupon codes, at `now`: the
/// same engine and inputs as the kiosk's, so both find the same total.
pub fn price_lines_with(
    hq: &Hq,
    store: &str,
    lines: &[HandoffLine],
    customer: Option<&CustomerContext>,
    extra: &[Promotion],
    coupons: &[String],
    now: UnixTime,
) -> Result<PricedLines, ServiceError> {
    let mut products = Vec::with_capacity(lines.len());
    let mut basket = Vec::with_capacity(lines.len());
    for l in lines {
        let (product, price) = match hq.storage.product_price(l.gtin, store)? {
            Some(ProductPrice { product, price }) => (Some(product), price),
            None => (None, None),
        };
        // A weighed or label-priced pack is priced from what its label
        // says (signed by the kiosk with the basket) by the kiosk's own
        // rule, so the phone page, the emails and the order find the
        // kiosk's amount.
        let pack = match (&l.measure, &product) {
            (Some(m), Some(p)) => pack_price(l.gtin, price, p.sold_by, Some(m))
                .map_err(|refused| ServiceError::Invalid(format!("product {}: {refused}", l.gtin)))?,
            _ => None,
        };
        if let (Some(p), Some(price)) = (&product, price) {
            let mut b = BasketLine::new(l.gtin, l.quantity, price);
            b.category = p.category.clone();
            b.brand = p.brand.clone();
            b.measured_price = pack;
            b.measure = l.measure;
            basket.push(b);
        }
        products.push(PricedLine {
            line: *l,
            product,
            price: pack.or(price),
        });
    }
    let mut promotions = hq.storage.promotions()?;
    promotions.extend(extra.iter().cloned());
    let priced = price_basket(
        &basket,
        &PricingContext {
            promotions: &promotions,
            customer,
            scanned_coupons: coupons,
            now,
            store: Some(store),
        },
        hq.config.currency,
    )
    .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    Ok(PricedLines {
        products,
        priced: Some(priced),
    })
}
