//! Catalog changes: the unit in which the referential moves.
//!
//! An import, the demo generator, an HQ price change and a delta pulled by a
//! kiosk are all lists of [`Change`]s applied in one transaction and giving one
//! new catalog version. A snapshot is the full list for one store.

use serde::{Deserialize, Serialize};

use crate::gtin::Gtin;
use crate::picture::ImageSource;
use crate::pricing::Promotion;
use crate::product::{Offer, PriceEntry, Product, StockEntry, Store, StoreId};

/// One change to the referential.
// Most changes in a batch are products: boxing them would add an allocation
// per product to save space on the rarer small variants.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op", content = "data")]
pub enum Change {
    UpsertProduct(Product),
    DeleteProduct(Gtin),
    SetPrice(PriceEntry),
    DeletePrice { gtin: Gtin, store: Option<StoreId> },
    UpsertPromotion(Promotion),
    DeletePromotion(String),
    SetStock(StockEntry),
    UpsertOffer(Offer),
    DeleteOffer { gtin: Gtin, seller_id: String },
    UpsertStore(Store),
}

impl Change {
    /// A short name for logs and progress counters.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::UpsertProduct(_) => "product",
            Change::DeleteProduct(_) => "product-delete",
            Change::SetPrice(_) => "price",
            Change::DeletePrice { .. } => "price-delete",
            Change::UpsertPromotion(_) => "promotion",
            Change::DeletePromotion(_) => "promotion-delete",
            Change::SetStock(_) => "stock",
            Change::UpsertOffer(_) => "offer",
            Change::DeleteOffer { .. } => "offer-delete",
            Change::UpsertStore(_) => "store",
        }
    }
}

/// Why a referential record was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("no usable GTIN: {0}")]
    Gtin(String),
    #[error("the product has no name")]
    NoName,
}

impl RecordError {
    /// A malformed line stops an import (the file is damaged); a record with
    /// a bad GTIN or no name is skipped and reported (real data has a few).
    pub fn is_fatal(&self) -> bool {
        matches!(self, RecordError::Json(_))
    }
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(default)]
    gtin: Option<String>,
    #[serde(default)]
    gtin14: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    quantity: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    image_url: Option<String>,
    /// Where the product's picture is (see [`crate::picture::ImageSource`]).
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    sold_by: Option<crate::product::SoldBy>,
    // food
    #[serde(default)]
    ingredients_text: Option<String>,
    #[serde(default)]
    allergens: Option<Vec<String>>,
    #[serde(default)]
    allergen_hints_from_ingredients: Option<Vec<String>>,
    #[serde(default)]
    traces: Option<Vec<String>>,
    #[serde(default)]
    nutriscore_grade: Option<String>,
    #[serde(default)]
    nutriments: Option<crate::product::Nutriments>,
    // book
    #[serde(default)]
    authors: Option<Vec<String>>,
    #[serde(default)]
    original_publication_year: Option<i32>,
    #[serde(default)]
    language_code: Option<String>,
}

/// Parses one line of the referential's JSONL format (Open Food Facts and
/// goodbooks-10k records as described in `assets/demo/README.md`).
pub fn parse_record(line: &str) -> Result<Product, RecordError> {
    parse_record_with_image(line).map(|(p, _)| p)
}

/// [`parse_record`], with where the line's `image` field says the
/// product's picture is: the importer reads it and sets
/// [`Product::image`] (the product comes back without one).
pub fn parse_record_with_image(line: &str) -> Result<(Product, Option<ImageSource>), RecordError> {
    let raw: RawRecord = serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
    let code = raw
        .gtin14
        .as_deref()
        .or(raw.gtin.as_deref())
        .ok_or_else(|| RecordError::Gtin("no gtin14 or gtin field".into()))?;
    let gtin = Gtin::from_digits(code).map_err(|e| RecordError::Gtin(e.to_string()))?;
    let name = raw
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .ok_or(RecordError::NoName)?;
    let is_book = raw.authors.is_some() || raw.source.as_deref() == Some("goodbooks-10k");
    let is_food = !is_book
        && (raw.source.as_deref().is_some_and(|s| s.starts_with("off"))
            || raw.ingredients_text.is_some()
            || raw.nutriments.is_some());
    let food = is_food.then(|| {
        let mut allergens = raw.allergens.unwrap_or_default();
        allergens.extend(raw.allergen_hints_from_ingredients.unwrap_or_default());
        allergens.dedup();
        crate::product::FoodInfo {
            ingredients: raw.ingredients_text.filter(|s| !s.trim().is_empty()),
            allergens,
            traces: raw.traces.unwrap_or_default(),
            nutriscore: raw
                .nutriscore_grade
                .filter(|g| matches!(g.as_str(), "a" | "b" | "c" | "d" | "e")),
            nutriments: raw.nutriments.unwrap_or_default(),
        }
    });
    let book = is_book.then(|| crate::product::BookInfo {
        authors: raw.authors.unwrap_or_default(),
        year: raw.original_publication_year,
        language: raw.language_code,
    });
    let image = raw.image.as_deref().and_then(ImageSource::parse);
    let product = Product {
        gtin,
        name,
        brand: raw.brand.filter(|b| !b.trim().is_empty()),
        quantity: raw.quantity.filter(|q| !q.trim().is_empty()),
        category: raw.category.or_else(|| is_book.then(|| "Books".to_string())),
        image_url: raw.image_url,
        image: None,
        sold_by: raw.sold_by.unwrap_or_default(),
        food,
        book,
    };
    Ok((product, image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_food_and_book_records() {
        let food = r#"{"gtin":"5449000039231","gtin14":"05449000039231","gtin_valid":true,"name":"Nordic must original","brand":null,"quantity":null,"image_url":"https://x/y.jpg","source":"off-2018-lifyzer","ingredients_text":"eau","allergen_hints_from_ingredients":["orge"],"nutriments":{"sugars_100g":10.5}}"#;
        let p = parse_record(food).unwrap();
        assert_eq!(p.gtin.as_gtin14(), "05449000039231");
        let f = p.food.unwrap();
        assert_eq!(f.allergens, vec!["orge".to_string()]);
        assert_eq!(f.nutriments.sugars_100g, Some(10.5));
        let book = r#"{"gtin":"9780439023481","gtin14":"09780439023481","name":"The Hunger Games","brand":null,"authors":["Suzanne Collins"],"category":"Books","original_publication_year":2008,"source":"goodbooks-10k"}"#;
        let b = parse_record(book).unwrap();
        assert_eq!(b.book.unwrap().authors, vec!["Suzanne Collins".to_string()]);
        assert!(b.food.is_none());
        let (_, image) =
            parse_record_with_image(r#"{"gtin14":"05449000039231","name":"x","image":"pics/a.jpg"}"#).unwrap();
        assert_eq!(image, Some(ImageSource::File("pics/a.jpg".into())));
        let (p, image) = parse_record_with_image(food).unwrap();
        assert_eq!((p.image, image), (None, None), "image_url is not a picture to import");
    }

    #[test]
    fn bad_records() {
        assert!(parse_record("{").unwrap_err().is_fatal());
        let e = parse_record(r#"{"gtin14":"00000000002220","name":"x"}"#).unwrap_err();
        assert!(!e.is_fatal());
        assert!(e.to_string().contains("check digit"), "{e}");
        assert_eq!(
            parse_record(r#"{"gtin14":"05449000039231","name":"  "}"#),
            Err(RecordError::NoName)
        );
    }
}
