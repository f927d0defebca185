//! The catalog's tables and change log, and the catalog-change writer of
//! HQ's document layout in PostgreSQL's dialect (the SQLite one, shared with
//! the kiosk, is `vitrine_infra::catalog::apply_change`: same tables, same
//! statements, other placeholders and driver).

use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{GenericClient, Row, Statement, Transaction};
use vitrine_core::catalog::Change;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{ONLINE, PriceEntry, Product, StockEntry, StockLevel, Store, UnixTime};
use vitrine_core::wire::StoreStock;
use vitrine_core::{Currency, Gtin, Money};

use super::{PgStorage, corrupt, gtin_of, json};
use crate::storage::catalog::{CatalogStore, ChangesSince, ProductPrice, Snapshot, SnapshotPart};
use crate::storage::{Result, StorageError};

/// The channel a new catalog version is announced on (payload: the version).
pub(super) const CATALOG_CHANNEL: &str = "vitrine_catalog";

/// The statements of a whole update, prepared once per commit (an import
/// of a million changes parses each once).
struct Writer<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    prepared: HashMap<&'static str, Statement>,
}

impl Writer<'_, '_> {
    fn run(&mut self, sql: &'static str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<u64> {
        let st = match self.prepared.get(sql) {
            Some(st) => st.clone(),
            None => {
                let st = self.tx.prepare(sql)?;
                self.prepared.insert(sql, st.clone());
                st
            }
        };
        Ok(self.tx.execute(&st, params)?)
    }

    fn apply(&mut self, change: &Change) -> Result<()> {
        let enc = |e: serde_json::Error| StorageError::Corrupt(format!("cannot encode a record: {e}"));
        match change {
            Change::UpsertProduct(p) => {
                let data = serde_json::to_string(p).map_err(enc)?;
                self.run(
                    "INSERT INTO products(gtin, data) VALUES ($1, $2) ON CONFLICT(gtin) DO UPDATE SET data = excluded.data",
                    &[&(p.gtin.value() as i64), &data],
                )?;
            }
            Change::DeleteProduct(g) => {
                let g = g.value() as i64;
                self.run("DELETE FROM prices WHERE gtin = $1", &[&g])?;
                self.run("DELETE FROM stock WHERE gtin = $1", &[&g])?;
                self.run("DELETE FROM offers WHERE gtin = $1", &[&g])?;
                self.run("DELETE FROM products WHERE gtin = $1", &[&g])?;
            }
            Change::SetPrice(PriceEntry { gtin, store, price }) => {
                self.run(
                    "INSERT INTO prices(gtin, store, amount_minor, currency) VALUES ($1, $2, $3, $4)
                     ON CONFLICT(gtin, store) DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency",
                    &[
                        &(gtin.value() as i64),
                        // '' is the national price (a primary key cannot hold NULL).
                        &store.as_deref().unwrap_or(""),
                        &price.amount_minor,
                        &price.currency.code(),
                    ],
                )?;
            }
            Change::DeletePrice { gtin, store } => {
                self.run(
                    "DELETE FROM prices WHERE gtin = $1 AND store = $2",
                    &[&(gtin.value() as i64), &store.as_deref().unwrap_or("")],
                )?;
            }
            Change::UpsertPromotion(p) => {
                let data = serde_json::to_string(p).map_err(enc)?;
                self.run(
                    "INSERT INTO promotions(id, data) VALUES ($1, $2) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                    &[&p.id, &data],
                )?;
            }
            Change::DeletePromotion(id) => {
                self.run("DELETE FROM promotions WHERE id = $1", &[id])?;
            }
            Change::SetStock(StockEntry {
                gtin,
                store,
                quantity,
                updated_at,
            }) => {
                self.run(
                    "INSERT INTO stock(gtin, store, quantity, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT(gtin, store) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
                    &[&(gtin.value() as i64), store, quantity, updated_at],
                )?;
            }
            Change::UpsertOffer(o) => {
                let data = serde_json::to_string(o).map_err(enc)?;
                self.run(
                    "INSERT INTO offers(gtin, seller_id, data) VALUES ($1, $2, $3)
                     ON CONFLICT(gtin, seller_id) DO UPDATE SET data = excluded.data",
                    &[&(o.gtin.value() as i64), &o.seller_id, &data],
                )?;
            }
            Change::DeleteOffer { gtin, seller_id } => {
                self.run(
                    "DELETE FROM offers WHERE gtin = $1 AND seller_id = $2",
                    &[&(gtin.value() as i64), seller_id],
                )?;
            }
            Change::UpsertStore(s) => {
                let data = serde_json::to_string(s).map_err(enc)?;
                self.run(
                    "INSERT INTO stores(id, data) VALUES ($1, $2) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                    &[&s.id, &data],
                )?;
            }
        }
        Ok(())
    }
}

/// Appends `{"op":OP,"data":DATA}` to a JSON array being built.
fn push_raw(out: &mut String, first: &mut bool, op: &str, data: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push_str("{\"op\":\"");
    out.push_str(op);
    out.push_str("\",\"data\":");
    out.push_str(data);
    out.push('}');
}

fn current_version_on(c: &mut impl GenericClient) -> Result<u64> {
    let v: i64 = c
        .query_one("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", &[])?
        .get(0);
    Ok(v as u64)
}

/// The catalog of `store` read in `tx` (a repeatable-read transaction).
fn snapshot_on(tx: &mut Transaction<'_>, store: &str) -> Result<Snapshot> {
    let version = current_version_on(tx)?;
    let mut out = String::with_capacity(1 << 20);
    out.push('[');
    let mut first = true;
    for r in tx.query("SELECT data FROM stores ORDER BY id", &[])? {
        push_raw(&mut out, &mut first, "upsert_store", r.get(0));
    }
    for r in tx.query("SELECT data FROM products ORDER BY gtin", &[])? {
        push_raw(&mut out, &mut first, "upsert_product", r.get(0));
    }
    for r in tx.query(
        "SELECT gtin, store, amount_minor, currency FROM prices WHERE store IN ('', $1) ORDER BY gtin, store",
        &[&store],
    )? {
        let st: String = r.get(1);
        let cur = Currency::from_code(r.get(3)).map_err(corrupt)?;
        let e = PriceEntry {
            gtin: gtin_of(r.get(0))?,
            store: (!st.is_empty()).then_some(st),
            price: Money::new(r.get(2), cur),
        };
        push_raw(&mut out, &mut first, "set_price", &json(&e)?);
    }
    for r in tx.query("SELECT data FROM promotions ORDER BY id", &[])? {
        push_raw(&mut out, &mut first, "upsert_promotion", r.get(0));
    }
    for r in tx.query(
        "SELECT gtin, store, quantity, updated_at FROM stock ORDER BY gtin, store",
        &[],
    )? {
        let e = StockEntry {
            gtin: gtin_of(r.get(0))?,
            store: r.get(1),
            quantity: r.get(2),
            updated_at: r.get(3),
        };
        push_raw(&mut out, &mut first, "set_stock", &json(&e)?);
    }
    for r in tx.query("SELECT data FROM offers ORDER BY gtin, seller_id", &[])? {
        push_raw(&mut out, &mut first, "upsert_offer", r.get(0));
    }
    out.push(']');
    Ok(Snapshot {
        version,
        changes_json: out,
    })
}

/// Runs `sql` in `tx` and hands each row to `f` as it arrives (the rows
/// are streamed, not collected).
fn each_row(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    mut f: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut rows = tx.query_raw(sql, params.iter().copied())?;
    while let Some(r) = rows.next()? {
        f(&r)?;
    }
    Ok(())
}

/// The catalog of `store`, record by record, read in `tx` (repeatable read).
fn snapshot_each_on(
    tx: &mut Transaction<'_>,
    store: &str,
    each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>,
) -> Result<()> {
    each(SnapshotPart::Version(current_version_on(tx)?))?;
    let mut buf = String::with_capacity(4096);
    let mut emit = |op: &str, data: &str| {
        buf.clear();
        let mut first = true;
        push_raw(&mut buf, &mut first, op, data);
        each(SnapshotPart::Record(&buf))
    };
    each_row(tx, "SELECT data FROM stores ORDER BY id", &[], |r| {
        emit("upsert_store", r.get(0))
    })?;
    each_row(tx, "SELECT data FROM products ORDER BY gtin", &[], |r| {
        emit("upsert_product", r.get(0))
    })?;
    each_row(
        tx,
        "SELECT gtin, store, amount_minor, currency FROM prices WHERE store IN ('', $1) ORDER BY gtin, store",
        &[&store],
        |r| {
            let st: String = r.get(1);
            let cur = Currency::from_code(r.get(3)).map_err(corrupt)?;
            let e = PriceEntry {
                gtin: gtin_of(r.get(0))?,
                store: (!st.is_empty()).then_some(st),
                price: Money::new(r.get(2), cur),
            };
            emit("set_price", &json(&e)?)
        },
    )?;
    each_row(tx, "SELECT data FROM promotions ORDER BY id", &[], |r| {
        emit("upsert_promotion", r.get(0))
    })?;
    each_row(
        tx,
        "SELECT gtin, store, quantity, updated_at FROM stock ORDER BY gtin, store",
        &[],
        |r| {
            let e = StockEntry {
                gtin: gtin_of(r.get(0))?,
                store: r.get(1),
                quantity: r.get(2),
                updated_at: r.get(3),
            };
            emit("set_stock", &json(&e)?)
        },
    )?;
    each_row(tx, "SELECT data FROM offers ORDER BY gtin, seller_id", &[], |r| {
        emit("upsert_offer", r.get(0))
    })?;
    Ok(())
}

impl CatalogStore for PgStorage {
    fn commit_changes(&self, changes: &[Change], scope: Option<&str>, now: UnixTime) -> Result<u64> {
        super::off_runtime(|| {
            let max_delta = self.max_delta_changes;
            self.write(|tx| {
                let current = current_version_on(tx)? as i64;
                let mut w = Writer {
                    tx,
                    prepared: HashMap::new(),
                };
                for c in changes {
                    w.apply(c)?;
                }
                let logged = if changes.len() > max_delta {
                    None
                } else {
                    Some(json(&changes)?)
                };
                let v = current + 1;
                tx.execute(
                "INSERT INTO catalog_versions(version, created_at, scope, count, changes) VALUES ($1, $2, $3, $4, $5)",
                &[&v, &now, &scope, &(changes.len() as i64), &logged],
            )?;
                // Delivered to every listening replica when this commits.
                tx.execute("SELECT pg_notify($1, $2)", &[&CATALOG_CHANNEL, &v.to_string()])?;
                Ok(v as u64)
            })
        })
    }

    fn current_version(&self) -> Result<u64> {
        super::off_runtime(|| current_version_on(&mut *self.conn()?))
    }

    fn changes_since(&self, since: u64, store: &str) -> Result<ChangesSince> {
        super::off_runtime(|| {
            let mut c = self.conn()?;
            // One read: the rows after `since` and the newest version, as of
            // the same moment.
            let mut tx = c.build_transaction().read_only(true).start()?;
            let current = current_version_on(&mut tx)?;
            if since == current {
                return Ok(ChangesSince::UpToDate { version: current });
            }
            if since > current {
                return Ok(ChangesSince::TooOld {
                    version: current,
                    reason: format!("version {since} is unknown at HQ (HQ is at {current})"),
                });
            }
            let rows = tx.query(
                "SELECT version, scope, changes FROM catalog_versions WHERE version > $1 ORDER BY version",
                &[&(since as i64)],
            )?;
            tx.commit()?;
            let mut out = String::from("[");
            let mut expected = since as i64 + 1;
            for row in rows {
                let v: i64 = row.get(0);
                let scope: Option<&str> = row.get(1);
                let changes: Option<&str> = row.get(2);
                if v != expected {
                    break;
                }
                expected += 1;
                let Some(changes) = changes else {
                    return Ok(ChangesSince::TooOld {
                        version: current,
                        reason: format!("the changes of version {v} are no longer kept (pruned or a bulk import)"),
                    });
                };
                if scope.is_some_and(|s| s != store) {
                    continue;
                }
                let inner = changes
                    .trim()
                    .strip_prefix('[')
                    .and_then(|c| c.strip_suffix(']'))
                    .ok_or_else(|| corrupt(format!("the change log of version {v} is not a JSON array")))?;
                if !inner.trim().is_empty() {
                    if out.len() > 1 {
                        out.push(',');
                    }
                    out.push_str(inner);
                }
            }
            if (expected - 1) as u64 != current {
                return Ok(ChangesSince::TooOld {
                    version: current,
                    reason: format!("the changes since version {since} are no longer kept"),
                });
            }
            out.push(']');
            Ok(ChangesSince::Changes {
                to: current,
                changes_json: out,
            })
        })
    }

    fn snapshot_json(&self, store: &str) -> Result<Snapshot> {
        super::off_runtime(|| {
            let mut c = self.conn()?;
            let mut tx = c
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let snap = snapshot_on(&mut tx, store)?;
            tx.commit()?;
            Ok(snap)
        })
    }

    fn snapshot_each(&self, store: &str, each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>) -> Result<()> {
        super::off_runtime_local(|| {
            let mut c = self.conn()?;
            let mut tx = c
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            snapshot_each_on(&mut tx, store, each)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn product_price(&self, gtin: Gtin, store: &str) -> Result<Option<ProductPrice>> {
        super::off_runtime(|| {
            let mut c = self.conn()?;
            let g = gtin.value() as i64;
            let Some(row) = c.query_opt("SELECT data FROM products WHERE gtin = $1", &[&g])? else {
                return Ok(None);
            };
            let product: Product = serde_json::from_str(row.get(0)).map_err(corrupt)?;
            let price = c
            .query_opt(
                "SELECT amount_minor, currency FROM prices WHERE gtin = $1 AND store IN ($2, '') ORDER BY store = '' LIMIT 1",
                &[&g, &store],
            )?
            .map(|r| {
                Currency::from_code(r.get(1))
                    .map(|cur| Money::new(r.get(0), cur))
                    .map_err(corrupt)
            })
            .transpose()?;
            Ok(Some(ProductPrice { product, price }))
        })
    }

    fn store(&self, id: &str) -> Result<Option<Store>> {
        super::off_runtime(|| {
            self.conn()?
                .query_opt("SELECT data FROM stores WHERE id = $1", &[&id])?
                .map(|r| serde_json::from_str(r.get(0)).map_err(corrupt))
                .transpose()
        })
    }

    fn promotions(&self) -> Result<Vec<Promotion>> {
        super::off_runtime(|| {
            self.conn()?
                .query("SELECT data FROM promotions ORDER BY id", &[])?
                .iter()
                .map(|r| serde_json::from_str(r.get(0)).map_err(corrupt))
                .collect()
        })
    }

    fn stock_of(&self, gtin: Gtin) -> Result<Vec<StoreStock>> {
        super::off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT s.store, s.quantity, s.updated_at, st.data FROM stock s LEFT JOIN stores st ON st.id = s.store
             WHERE s.gtin = $1 ORDER BY s.quantity DESC, s.store",
                &[&(gtin.value() as i64)],
            )?;
            let mut out = Vec::new();
            for r in rows {
                let store: String = r.get(0);
                let quantity: i64 = r.get(1);
                let data: Option<&str> = r.get(3);
                let info: Option<vitrine_core::product::Store> =
                    data.map(serde_json::from_str).transpose().map_err(corrupt)?;
                out.push(StoreStock {
                    name: info.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| {
                        if store == ONLINE {
                            "online".into()
                        } else {
                            store.clone()
                        }
                    }),
                    city: info.and_then(|s| s.city),
                    store,
                    quantity,
                    level: StockLevel::from_quantity(quantity),
                    updated_at: r.get(2),
                });
            }
            Ok(out)
        })
    }

    fn store_ids(&self) -> Result<Vec<String>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query("SELECT id FROM stores ORDER BY id", &[])?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn prune_history(&self, keep: u64) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
            tx.execute(
                "UPDATE catalog_versions SET changes = NULL
                 WHERE version <= (SELECT COALESCE(MAX(version), 0) FROM catalog_versions) - $1 AND changes IS NOT NULL",
                &[&(keep as i64)],
            )?;
            Ok(())
        })
        })
    }
}
