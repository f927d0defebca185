//! Products, prices, marketplace offers and stock: the referential's records,
//! shared by the kiosk cache, HQ and the wire protocol.

use serde::{Deserialize, Serialize};

use crate::gtin::Gtin;
use crate::money::Money;

/// Seconds since the Unix epoch, UTC. The core has no clock: callers pass the time.
pub type UnixTime = i64;

/// How an item is sold: per unit, or per kilogram (variable-measure items,
/// whose label carries the weight or the price).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SoldBy {
    #[default]
    Unit,
    Kilogram,
}

/// Nutrition facts per 100 g or 100 ml, as printed on the pack. These are
/// measurements, not money, so floats are fine here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Nutriments {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kj_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kcal_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fat_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saturated_fat_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbohydrates_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sugars_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiber_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proteins_100g: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_100g: Option<f64>,
}

impl Nutriments {
    pub fn is_empty(&self) -> bool {
        *self == Nutriments::default()
    }
}

/// Food-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FoodInfo {
    #[serde(default)]
    pub ingredients: Option<String>,
    /// Allergen tags as Open Food Facts writes them (`en:milk`).
    #[serde(default)]
    pub allergens: Vec<String>,
    #[serde(default)]
    pub traces: Vec<String>,
    #[serde(default)]
    pub nutriscore: Option<String>,
    #[serde(default)]
    pub nutriments: Nutriments,
}

/// Book-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BookInfo {
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub language: Option<String>,
}

/// A product of the referential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub gtin: Gtin,
    pub name: String,
    #[serde(default)]
    pub brand: Option<String>,
    /// Quantity as printed on the pack ("350 g").
    #[serde(default)]
    pub quantity: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    /// The product's picture on HQ (imported from the referential's
    /// `image` field). Left out of the JSON when absent, so a catalog
    /// without pictures is the same bytes as before pictures existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<crate::picture::ImageId>,
    #[serde(default)]
    pub sold_by: SoldBy,
    #[serde(default)]
    pub food: Option<FoodInfo>,
    #[serde(default)]
    pub book: Option<BookInfo>,
}

impl Product {
    /// A bare product (tests, generated catalogs).
    pub fn new(gtin: Gtin, name: impl Into<String>) -> Product {
        Product {
            gtin,
            name: name.into(),
            brand: None,
            quantity: None,
            category: None,
            image_url: None,
            image: None,
            sold_by: SoldBy::Unit,
            food: None,
            book: None,
        }
    }
}

/// Identifier of a store (or of the online channel, see [`ONLINE`]).
pub type StoreId = String;

/// The pseudo-store that holds the online (web warehouse) stock.
pub const ONLINE: &str = "online";

/// A store of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub id: StoreId,
    pub name: String,
    #[serde(default)]
    pub city: Option<String>,
    /// The street address the shopper is shown (the phone page, where to
    /// collect an order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Where the store is (`{"lat": …, "lon": …}`): the phone lists the
    /// stores to collect from nearest first, with their distance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::geo::GeoPoint>,
}

/// The retailer's price of a product, nationally (`store: None`) or for one
/// store. A store price wins over the national one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceEntry {
    pub gtin: Gtin,
    #[serde(default)]
    pub store: Option<StoreId>,
    /// Per unit, or per kilogram when the product is sold by weight.
    pub price: Money,
}

/// An offer from a marketplace seller (delivered, not in store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub gtin: Gtin,
    pub seller_id: String,
    pub seller_name: String,
    pub price: Money,
    pub shipping: Money,
    /// Typical delivery time in days.
    pub delivery_days: u16,
}

/// Units in stock of a product at a store (or online).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockEntry {
    pub gtin: Gtin,
    pub store: StoreId,
    pub quantity: i64,
    pub updated_at: UnixTime,
}

/// What the shopper is told about stock. Never conveyed by colour alone: each
/// level has its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockLevel {
    InStock,
    Low,
    Out,
}

/// At or below this many units, stock is shown as low.
pub const LOW_STOCK_THRESHOLD: i64 = 5;

impl StockLevel {
    pub fn from_quantity(quantity: i64) -> StockLevel {
        if quantity <= 0 {
            StockLevel::Out
        } else if quantity <= LOW_STOCK_THRESHOLD {
            StockLevel::Low
        } else {
            StockLevel::InStock
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_levels() {
        assert_eq!(StockLevel::from_quantity(0), StockLevel::Out);
        assert_eq!(StockLevel::from_quantity(-2), StockLevel::Out);
        assert_eq!(StockLevel::from_quantity(5), StockLevel::Low);
        assert_eq!(StockLevel::from_quantity(6), StockLevel::InStock);
    }

    #[test]
    fn product_serde_roundtrip() {
        let mut p = Product::new(Gtin::from_digits("5449000039231").unwrap(), "Nordic must");
        p.food = Some(FoodInfo {
            allergens: vec!["en:milk".into()],
            ..FoodInfo::default()
        });
        let j = serde_json::to_string(&p).unwrap();
        let back: Product = serde_json::from_str(&j).unwrap();
        assert_eq!(back, p);
    }
}
