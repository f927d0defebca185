//! Applying a catalog [`Change`] to the catalog tables that HQ and the kiosk
//! both keep (products, prices, promotions, stock, offers, stores).
//!
//! The two files lay some of those tables out differently, on purpose, and
//! existing files keep their schema; [`TableLayout`] names the difference
//! and [`apply_change`] is the one place either side writes a change. Prices
//! and stock are the same on both sides (and the same SQL).
//!
//! The caller owns the transaction: a whole update (a delta, a snapshot, an
//! import) is applied in one, together with the version it moves to, so a
//! reader never sees half of one.

use rusqlite::{Connection, params};
use thiserror::Error;
use vitrine_core::catalog::Change;
use vitrine_core::pricing::{Promotion, Target};
use vitrine_core::product::{PriceEntry, SoldBy, StockEntry};

/// How a side lays out its catalog tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableLayout {
    /// HQ (`hq.sqlite`): products, promotions, offers and stores are kept
    /// whole, as the JSON document kiosks receive (`data` column), because
    /// HQ only ever serves them back whole in snapshots and lookups.
    Documents,
    /// The kiosk (`catalog.sqlite`): products, promotions, offers and stores
    /// in typed columns (the search index follows the product's name and
    /// brand through triggers), plus `promotion_gtins`, the index of which
    /// promotions name which products, that a product page reads.
    Columns,
}

/// Why a change could not be written. A SQL error keeps its
/// [`rusqlite::Error`] so that callers can tell a busy database (retry) from
/// the rest.
#[derive(Debug, Error)]
pub enum ApplyError {
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A record could not be turned into its stored JSON.
    #[error("cannot encode a record: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Writes one change. Statements are prepared once per connection (cached),
/// so a million-change import pays for parsing the SQL once.
pub fn apply_change(conn: &Connection, change: &Change, layout: TableLayout) -> Result<(), ApplyError> {
    match change {
        Change::UpsertProduct(p) => match layout {
            TableLayout::Documents => {
                conn.prepare_cached(
                    "INSERT INTO products(gtin, data) VALUES (?1, ?2)
                     ON CONFLICT(gtin) DO UPDATE SET data = excluded.data",
                )?
                .execute(params![p.gtin.value() as i64, serde_json::to_string(p)?])?;
            }
            TableLayout::Columns => {
                let food = p.food.as_ref().map(serde_json::to_string).transpose()?;
                let book = p.book.as_ref().map(serde_json::to_string).transpose()?;
                conn.prepare_cached(
                    "INSERT INTO products(gtin, name, brand, quantity, category, image_url, sold_by, food, book, image)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT(gtin) DO UPDATE SET name = excluded.name, brand = excluded.brand,
                       quantity = excluded.quantity, category = excluded.category, image_url = excluded.image_url,
                       sold_by = excluded.sold_by, food = excluded.food, book = excluded.book,
                       image = excluded.image",
                )?
                .execute(params![
                    p.gtin.value() as i64,
                    p.name,
                    p.brand,
                    p.quantity,
                    p.category,
                    p.image_url,
                    if p.sold_by == SoldBy::Kilogram { "kg" } else { "unit" },
                    food,
                    book,
                    p.image.as_ref().map(|i| i.as_str())
                ])?;
            }
        },
        Change::DeleteProduct(g) => {
            let tables: &[&str] = match layout {
                TableLayout::Documents => &["prices", "stock", "offers", "products"],
                TableLayout::Columns => &["prices", "stock", "offers", "promotion_gtins", "products"],
            };
            for t in tables {
                conn.prepare_cached(&format!("DELETE FROM {t} WHERE gtin = ?1"))?
                    .execute([g.value() as i64])?;
            }
        }
        Change::SetPrice(PriceEntry { gtin, store, price }) => {
            conn.prepare_cached(
                "INSERT INTO prices(gtin, store, amount_minor, currency) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(gtin, store) DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency",
            )?
            .execute(params![
                gtin.value() as i64,
                // '' is the national price (a primary key cannot hold NULL).
                store.as_deref().unwrap_or(""),
                price.amount_minor,
                price.currency.code()
            ])?;
        }
        Change::DeletePrice { gtin, store } => {
            conn.prepare_cached("DELETE FROM prices WHERE gtin = ?1 AND store = ?2")?
                .execute(params![gtin.value() as i64, store.as_deref().unwrap_or("")])?;
        }
        Change::UpsertPromotion(p) => match layout {
            TableLayout::Documents => {
                conn.prepare_cached(
                    "INSERT INTO promotions(id, data) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                )?
                .execute(params![p.id, serde_json::to_string(p)?])?;
            }
            TableLayout::Columns => upsert_promotion_columns(conn, p)?,
        },
        Change::DeletePromotion(id) => {
            if layout == TableLayout::Columns {
                conn.prepare_cached("DELETE FROM promotion_gtins WHERE promo_id = ?1")?
                    .execute([id])?;
            }
            conn.prepare_cached("DELETE FROM promotions WHERE id = ?1")?
                .execute([id])?;
        }
        Change::SetStock(StockEntry {
            gtin,
            store,
            quantity,
            updated_at,
        }) => {
            conn.prepare_cached(
                "INSERT INTO stock(gtin, store, quantity, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(gtin, store) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
            )?
            .execute(params![gtin.value() as i64, store, quantity, updated_at])?;
        }
        Change::UpsertOffer(o) => match layout {
            TableLayout::Documents => {
                conn.prepare_cached(
                    "INSERT INTO offers(gtin, seller_id, data) VALUES (?1, ?2, ?3)
                     ON CONFLICT(gtin, seller_id) DO UPDATE SET data = excluded.data",
                )?
                .execute(params![o.gtin.value() as i64, o.seller_id, serde_json::to_string(o)?])?;
            }
            TableLayout::Columns => {
                conn.prepare_cached(
                    "INSERT INTO offers(gtin, seller_id, seller_name, amount_minor, currency, shipping_minor, delivery_days)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(gtin, seller_id) DO UPDATE SET seller_name = excluded.seller_name,
                       amount_minor = excluded.amount_minor, currency = excluded.currency,
                       shipping_minor = excluded.shipping_minor, delivery_days = excluded.delivery_days",
                )?
                .execute(params![
                    o.gtin.value() as i64,
                    o.seller_id,
                    o.seller_name,
                    o.price.amount_minor,
                    o.price.currency.code(),
                    o.shipping.amount_minor,
                    o.delivery_days
                ])?;
            }
        },
        Change::DeleteOffer { gtin, seller_id } => {
            conn.prepare_cached("DELETE FROM offers WHERE gtin = ?1 AND seller_id = ?2")?
                .execute(params![gtin.value() as i64, seller_id])?;
        }
        Change::UpsertStore(s) => match layout {
            TableLayout::Documents => {
                conn.prepare_cached(
                    "INSERT INTO stores(id, data) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                )?
                .execute(params![s.id, serde_json::to_string(s)?])?;
            }
            TableLayout::Columns => {
                conn.prepare_cached(
                    "INSERT INTO stores(id, name, city) VALUES (?1, ?2, ?3)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, city = excluded.city",
                )?
                .execute(params![s.id, s.name, s.city])?;
            }
        },
    }
    Ok(())
}

/// The kiosk's promotion row and its `promotion_gtins` index, rebuilt whole
/// (a promotion's list of products may shrink).
fn upsert_promotion_columns(conn: &Connection, p: &Promotion) -> Result<(), ApplyError> {
    let data = serde_json::to_string(p)?;
    let kind = match &p.target {
        Target::Gtins(_) => "gtins",
        Target::Category(_) => "category",
        Target::Brand(_) => "brand",
        Target::All => "all",
    };
    conn.prepare_cached(
        "INSERT INTO promotions(id, target_kind, data, valid_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET target_kind = excluded.target_kind, data = excluded.data,
           valid_until = excluded.valid_until",
    )?
    .execute(params![p.id, kind, data, p.valid_until])?;
    conn.prepare_cached("DELETE FROM promotion_gtins WHERE promo_id = ?1")?
        .execute([&p.id])?;
    if let Target::Gtins(gs) = &p.target {
        let mut ins = conn.prepare_cached("INSERT OR IGNORE INTO promotion_gtins(promo_id, gtin) VALUES (?1, ?2)")?;
        for g in gs {
            ins.execute(params![p.id, g.value() as i64])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The tables below are the parts of each side's real schema that
    //! [`apply_change`] writes (HQ's `HQ_MIGRATIONS`, the kiosk's
    //! `CATALOG_MIGRATIONS`, which own them); both sides' own tests run it on
    //! their full schemas.

    use super::*;
    use vitrine_core::pricing::{Audience, PromoKind};
    use vitrine_core::product::{Offer, Product, Store};
    use vitrine_core::{Gtin, Money};

    const DOCUMENTS: &str = "
        CREATE TABLE products (gtin INTEGER PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE prices (gtin INTEGER NOT NULL, store TEXT NOT NULL, amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL, PRIMARY KEY (gtin, store)) WITHOUT ROWID;
        CREATE TABLE promotions (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE stock (gtin INTEGER NOT NULL, store TEXT NOT NULL, quantity INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, PRIMARY KEY (gtin, store)) WITHOUT ROWID;
        CREATE TABLE offers (gtin INTEGER NOT NULL, seller_id TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (gtin, seller_id)) WITHOUT ROWID;
        CREATE TABLE stores (id TEXT PRIMARY KEY, data TEXT NOT NULL);";

    const COLUMNS: &str = "
        CREATE TABLE products (gtin INTEGER PRIMARY KEY, name TEXT NOT NULL, brand TEXT, quantity TEXT,
            category TEXT, image_url TEXT, sold_by TEXT NOT NULL DEFAULT 'unit' CHECK (sold_by IN ('unit', 'kg')),
            food TEXT, book TEXT, image TEXT);
        CREATE TABLE prices (gtin INTEGER NOT NULL, store TEXT NOT NULL, amount_minor INTEGER NOT NULL
            CHECK (amount_minor >= 0), currency TEXT NOT NULL, PRIMARY KEY (gtin, store)) WITHOUT ROWID;
        CREATE TABLE promotions (id TEXT PRIMARY KEY, target_kind TEXT NOT NULL, data TEXT NOT NULL,
            valid_until INTEGER);
        CREATE TABLE promotion_gtins (promo_id TEXT NOT NULL, gtin INTEGER NOT NULL,
            PRIMARY KEY (gtin, promo_id)) WITHOUT ROWID;
        CREATE TABLE stock (gtin INTEGER NOT NULL, store TEXT NOT NULL, quantity INTEGER NOT NULL,
            updated_at INTEGER NOT NULL, PRIMARY KEY (gtin, store)) WITHOUT ROWID;
        CREATE TABLE offers (gtin INTEGER NOT NULL, seller_id TEXT NOT NULL, seller_name TEXT NOT NULL,
            amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, shipping_minor INTEGER NOT NULL,
            delivery_days INTEGER NOT NULL, PRIMARY KEY (gtin, seller_id)) WITHOUT ROWID;
        CREATE TABLE stores (id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT);";

    fn db(ddl: &str) -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(ddl).unwrap();
        c
    }

    fn gtin() -> Gtin {
        Gtin::from_digits("05449000039231").unwrap()
    }

    fn product() -> Product {
        let mut p = Product::new(gtin(), "Nordic must original");
        p.brand = Some("Nordic".into());
        p.sold_by = SoldBy::Kilogram;
        p
    }

    fn promotion(id: &str) -> Promotion {
        Promotion {
            id: id.into(),
            kind: PromoKind::PercentOff { basis_points: 1000 },
            target: Target::Gtins(vec![gtin()]),
            audience: Audience::Everyone,
            valid_from: None,
            valid_until: Some(1_800_000_000),
            stores: Vec::new(),
            coupon_code: None,
        }
    }

    fn offer() -> Offer {
        Offer {
            gtin: gtin(),
            seller_id: "s1".into(),
            seller_name: "Seller".into(),
            price: Money::eur(199),
            shipping: Money::eur(300),
            delivery_days: 3,
        }
    }

    fn store() -> Store {
        Store {
            id: "paris-01".into(),
            name: "Paris".into(),
            city: Some("Paris".into()),
            address: None,
            location: None,
        }
    }

    /// Every change a catalog update can carry, applied in one transaction.
    fn upserts(c: &mut Connection, layout: TableLayout) {
        let tx = c.transaction().unwrap();
        let g = gtin();
        for change in [
            Change::UpsertProduct(product()),
            Change::SetPrice(PriceEntry {
                gtin: g,
                store: None,
                price: Money::eur(120),
            }),
            Change::SetPrice(PriceEntry {
                gtin: g,
                store: Some("paris-01".into()),
                price: Money::eur(99),
            }),
            // A second write of the same key replaces the first.
            Change::SetPrice(PriceEntry {
                gtin: g,
                store: Some("paris-01".into()),
                price: Money::eur(89),
            }),
            Change::SetStock(StockEntry {
                gtin: g,
                store: "paris-01".into(),
                quantity: 7,
                updated_at: 1_790_000_000,
            }),
            Change::UpsertPromotion(promotion("p1")),
            Change::UpsertOffer(offer()),
            Change::UpsertStore(store()),
        ] {
            apply_change(&tx, &change, layout).unwrap();
        }
        tx.commit().unwrap();
    }

    fn count(c: &Connection, table: &str) -> i64 {
        c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    fn deletes(c: &Connection, layout: TableLayout) {
        let g = gtin();
        apply_change(
            c,
            &Change::DeletePrice {
                gtin: g,
                store: Some("paris-01".into()),
            },
            layout,
        )
        .unwrap();
        let national: i64 = c
            .query_row("SELECT amount_minor FROM prices WHERE store = ''", [], |r| r.get(0))
            .unwrap();
        assert_eq!((count(c, "prices"), national), (1, 120));
        apply_change(c, &Change::DeletePromotion("p1".into()), layout).unwrap();
        apply_change(
            c,
            &Change::DeleteOffer {
                gtin: g,
                seller_id: "s1".into(),
            },
            layout,
        )
        .unwrap();
        assert_eq!((count(c, "promotions"), count(c, "offers")), (0, 0));
        apply_change(c, &Change::UpsertPromotion(promotion("p2")), layout).unwrap();
        apply_change(c, &Change::DeleteProduct(g), layout).unwrap();
        for t in ["products", "prices", "stock", "offers"] {
            assert_eq!(count(c, t), 0, "{t} after the product's deletion");
        }
        // A promotion outlives the products it names; the store stays.
        assert_eq!((count(c, "promotions"), count(c, "stores")), (1, 1));
    }

    #[test]
    fn hq_keeps_whole_documents() {
        let mut c = db(DOCUMENTS);
        upserts(&mut c, TableLayout::Documents);
        let doc = |sql: &str| c.query_row(sql, [], |r| r.get::<_, String>(0)).unwrap();
        let p: Product = serde_json::from_str(&doc("SELECT data FROM products")).unwrap();
        let promo: Promotion = serde_json::from_str(&doc("SELECT data FROM promotions")).unwrap();
        let o: Offer = serde_json::from_str(&doc("SELECT data FROM offers")).unwrap();
        let s: Store = serde_json::from_str(&doc("SELECT data FROM stores")).unwrap();
        assert_eq!((p, promo, o, s), (product(), promotion("p1"), offer(), store()));
        let store_price: i64 = c
            .query_row("SELECT amount_minor FROM prices WHERE store = 'paris-01'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(store_price, 89);
        assert_eq!(count(&c, "stock"), 1);
        deletes(&c, TableLayout::Documents);
    }

    #[test]
    fn the_kiosk_keeps_columns_and_the_promotion_index() {
        let mut c = db(COLUMNS);
        upserts(&mut c, TableLayout::Columns);
        let row: (String, Option<String>, String) = c
            .query_row("SELECT name, brand, sold_by FROM products", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(row, ("Nordic must original".into(), Some("Nordic".into()), "kg".into()));
        let promo: (String, Option<i64>, i64) = c
            .query_row(
                "SELECT target_kind, valid_until, (SELECT gtin FROM promotion_gtins WHERE promo_id = 'p1') FROM promotions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(promo, ("gtins".into(), Some(1_800_000_000), gtin().value() as i64));
        let offer: (i64, i64) = c
            .query_row("SELECT amount_minor, shipping_minor FROM offers", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(offer, (199, 300));
        // A promotion re-sent for other products moves its index entries.
        let mut moved = promotion("p1");
        moved.target = Target::Brand("Nordic".into());
        apply_change(&c, &Change::UpsertPromotion(moved), TableLayout::Columns).unwrap();
        assert_eq!(count(&c, "promotion_gtins"), 0);
        apply_change(&c, &Change::UpsertPromotion(promotion("p1")), TableLayout::Columns).unwrap();
        deletes(&c, TableLayout::Columns);
        // The product's deletion took its index entries with it.
        assert_eq!(count(&c, "promotion_gtins"), 0);
    }

    #[test]
    fn a_refused_row_is_a_sql_error_the_caller_can_roll_back() {
        let mut c = db(COLUMNS);
        let tx = c.transaction().unwrap();
        apply_change(&tx, &Change::UpsertProduct(product()), TableLayout::Columns).unwrap();
        let e = apply_change(
            &tx,
            &Change::SetPrice(PriceEntry {
                gtin: gtin(),
                store: None,
                price: Money::eur(-1),
            }),
            TableLayout::Columns,
        )
        .unwrap_err();
        assert!(matches!(e, ApplyError::Sql(_)), "{e:?}");
        drop(tx);
        assert_eq!(count(&c, "products"), 0);
    }
}
