//! # vitrine-core
//!
//! Vitrine's domain, shared by the kiosk and HQ. No I/O: no files, no
//! network, no clock (callers pass the time).
//!
//! # Layout
//! - [`gtin`]: GTIN-14, check digits, UPC-E expansion.
//! - [`gs1`]: GS1 application identifiers and element strings.
//! - [`code`]: every code a shopper can present (retail barcodes, ISBN, GS1
//!   element strings, GS1 Digital Link, variable-measure labels) to a
//!   [`code::ProductCode`].
//! - [`loyalty`]: loyalty tokens and coupon QR codes signed by HQ, card
//!   numbers, keyed hashes of identifiers, masking.
//! - [`cardtable`]: the offline loyalty card table (a slow hash per card
//!   number, sealed entries).
//! - [`lang`]: a language tag (the words are the message catalogue's, crate
//!   `vitrine-i18n`).
//! - [`money`]: integer minor units with an ISO currency, rounding.
//! - [`label`]: the price of one scanned pack from the catalog's price and
//!   what its label says (variable-measure, GS1 price and net weight).
//! - [`product`]: products, prices, marketplace offers, stock.
//! - [`picture`]: product pictures' ids (content hashes), sizes and sources.
//! - [`pricing`]: the promotion engine, the one place a price is computed.
//! - [`catalog`]: catalog changes, the unit in which the referential moves.
//! - [`demo`]: the seeded generator of demo prices, stock, offers and promotions.
//! - [`sign`]: ed25519 signatures of catalog updates and handoff baskets.
//! - [`stream`]: the streamed catalog snapshot (one record a line, one
//!   signature at the end), read and written in bounded memory.
//! - [`wire`]: the kiosk ↔ HQ protocol types (`/v1`), shared by both sides.
//! - [`webhook`]: the order webhook's events and their HMAC signature.

pub mod cardtable;
pub mod catalog;
pub mod code;
pub mod demo;
pub mod geo;
pub mod gs1;
pub mod gtin;
pub mod label;
pub mod lang;
pub mod loyalty;
pub mod money;
pub mod picture;
pub mod pricing;
pub mod product;
pub mod sign;
pub mod stream;
pub mod webhook;
pub mod wire;

pub use code::{CodeError, ProductCode, Scanned, Symbology, parse_product_code};
pub use gtin::Gtin;
pub use lang::Lang;
pub use money::{Currency, Money};
