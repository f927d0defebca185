//! The catalog's tables and change log.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use vitrine_core::catalog::Change;
use vitrine_core::pricing::Promotion;
use vitrine_core::product::{ONLINE, PriceEntry, Product, StockEntry, StockLevel, Store, UnixTime};
use vitrine_core::wire::StoreStock;
use vitrine_core::{Currency, Gtin, Money};
use vitrine_infra::catalog::{ApplyError, TableLayout, apply_change};

use super::{SqliteStorage, corrupt, gtin_of, json};
use crate::storage::catalog::{CatalogStore, ChangesSince, ProductPrice, Snapshot, SnapshotPart};
use crate::storage::{Result, StorageError};

fn write_change(tx: &Transaction<'_>, c: &Change) -> Result<()> {
    apply_change(tx, c, TableLayout::Documents).map_err(|e| match e {
        ApplyError::Sql(e) => StorageError::Sql(e),
        ApplyError::Encode(e) => corrupt(e),
    })
}

/// Writes `{"op":OP,"data":DATA}` into `buf` (cleared first).
fn record_into(buf: &mut String, op: &str, data: &str) {
    buf.clear();
    buf.push_str("{\"op\":\"");
    buf.push_str(op);
    buf.push_str("\",\"data\":");
    buf.push_str(data);
    buf.push('}');
}

pub(super) fn current_version_on(conn: &Connection) -> Result<u64> {
    let v: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
        r.get(0)
    })?;
    Ok(v as u64)
}

/// The catalog of `store` read on `tx` (a connection in a read transaction),
/// as a JSON array.
pub(super) fn snapshot_on(tx: &Connection, store: &str) -> Result<Snapshot> {
    let mut out = String::with_capacity(1 << 20);
    out.push('[');
    let mut version = 0;
    snapshot_each_on(tx, store, &mut |part| {
        match part {
            SnapshotPart::Version(v) => version = v,
            SnapshotPart::Record(r) => {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(r);
            }
        }
        Ok(())
    })?;
    out.push(']');
    Ok(Snapshot {
        version,
        changes_json: out,
    })
}

/// The catalog of `store` read on `tx` (a connection in a read
/// transaction), handed to `each` one record at a time: a snapshot cut never
/// holds the catalog whole.
pub(super) fn snapshot_each_on(
    tx: &Connection,
    store: &str,
    each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>,
) -> Result<()> {
    each(SnapshotPart::Version(current_version_on(tx)?))?;
    let mut buf = String::with_capacity(4096);
    let mut emit = |op: &str, data: &str| {
        record_into(&mut buf, op, data);
        each(SnapshotPart::Record(&buf))
    };
    let mut s = tx.prepare("SELECT data FROM stores ORDER BY id")?;
    let mut rows = s.query([])?;
    while let Some(r) = rows.next()? {
        emit("upsert_store", r.get_ref(0)?.as_str().map_err(corrupt)?)?;
    }
    let mut s = tx.prepare("SELECT data FROM products ORDER BY gtin")?;
    let mut rows = s.query([])?;
    while let Some(r) = rows.next()? {
        emit("upsert_product", r.get_ref(0)?.as_str().map_err(corrupt)?)?;
    }
    let mut s = tx.prepare(
        "SELECT gtin, store, amount_minor, currency FROM prices WHERE store IN ('', ?1) ORDER BY gtin, store",
    )?;
    let mut rows = s.query([store])?;
    while let Some(r) = rows.next()? {
        let st: String = r.get(1)?;
        let cur = Currency::from_code(&r.get::<_, String>(3)?).map_err(corrupt)?;
        let e = PriceEntry {
            gtin: gtin_of(r.get(0)?)?,
            store: (!st.is_empty()).then_some(st),
            price: Money::new(r.get(2)?, cur),
        };
        emit("set_price", &json(&e)?)?;
    }
    let mut s = tx.prepare("SELECT data FROM promotions ORDER BY id")?;
    let mut rows = s.query([])?;
    while let Some(r) = rows.next()? {
        emit("upsert_promotion", r.get_ref(0)?.as_str().map_err(corrupt)?)?;
    }
    let mut s = tx.prepare("SELECT gtin, store, quantity, updated_at FROM stock ORDER BY gtin, store")?;
    let mut rows = s.query([])?;
    while let Some(r) = rows.next()? {
        let e = StockEntry {
            gtin: gtin_of(r.get(0)?)?,
            store: r.get(1)?,
            quantity: r.get(2)?,
            updated_at: r.get(3)?,
        };
        emit("set_stock", &json(&e)?)?;
    }
    let mut s = tx.prepare("SELECT data FROM offers ORDER BY gtin, seller_id")?;
    let mut rows = s.query([])?;
    while let Some(r) = rows.next()? {
        emit("upsert_offer", r.get_ref(0)?.as_str().map_err(corrupt)?)?;
    }
    Ok(())
}

impl CatalogStore for SqliteStorage {
    fn commit_changes(&self, changes: &[Change], scope: Option<&str>, now: UnixTime) -> Result<u64> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let current: i64 = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
            r.get(0)
        })?;
        for c in changes {
            write_change(&tx, c)?;
        }
        let logged = if changes.len() > self.max_delta_changes {
            None
        } else {
            Some(json(&changes)?)
        };
        let v = current + 1;
        tx.execute(
            "INSERT INTO catalog_versions(version, created_at, scope, count, changes) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![v, now, scope, changes.len() as i64, logged],
        )?;
        tx.commit()?;
        Ok(v as u64)
    }

    fn current_version(&self) -> Result<u64> {
        current_version_on(&*self.reader()?)
    }

    fn changes_since(&self, since: u64, store: &str) -> Result<ChangesSince> {
        let conn = self.reader()?;
        let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM catalog_versions", [], |r| {
            r.get(0)
        })?;
        let current = current as u64;
        if since == current {
            return Ok(ChangesSince::UpToDate { version: current });
        }
        if since > current {
            return Ok(ChangesSince::TooOld {
                version: current,
                reason: format!("version {since} is unknown at HQ (HQ is at {current})"),
            });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT version, scope, changes FROM catalog_versions WHERE version > ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map([since as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = String::from("[");
        let mut expected = since as i64 + 1;
        for row in rows {
            let (v, scope, changes) = row?;
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
            if scope.as_deref().is_some_and(|s| s != store) {
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
    }

    fn snapshot_json(&self, store: &str) -> Result<Snapshot> {
        // One read transaction on a reader of its own: the snapshot is
        // consistent with its version, and the writer is free meanwhile.
        self.read_view()?.snapshot_json(store)
    }

    fn snapshot_each(&self, store: &str, each: &mut dyn FnMut(SnapshotPart<'_>) -> Result<()>) -> Result<()> {
        self.read_view()?.snapshot_each(store, each)
    }

    fn product_price(&self, gtin: Gtin, store: &str) -> Result<Option<ProductPrice>> {
        let conn = self.reader()?;
        let data: Option<String> = conn
            .query_row(
                "SELECT data FROM products WHERE gtin = ?1",
                [gtin.value() as i64],
                |r| r.get(0),
            )
            .optional()?;
        let Some(data) = data else { return Ok(None) };
        let product: Product = serde_json::from_str(&data).map_err(corrupt)?;
        let price = conn
            .query_row(
                "SELECT amount_minor, currency FROM prices WHERE gtin = ?1 AND store IN (?2, '') ORDER BY store = '' LIMIT 1",
                params![gtin.value() as i64, store],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(a, c)| Currency::from_code(&c).map(|c| Money::new(a, c)).map_err(corrupt))
            .transpose()?;
        Ok(Some(ProductPrice { product, price }))
    }

    fn promotions(&self) -> Result<Vec<Promotion>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached("SELECT data FROM promotions ORDER BY id")?;
        let rows = s.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?).map_err(corrupt)?);
        }
        Ok(out)
    }

    fn stock_of(&self, gtin: Gtin) -> Result<Vec<StoreStock>> {
        let conn = self.reader()?;
        let mut s = conn.prepare_cached(
            "SELECT s.store, s.quantity, s.updated_at, st.data FROM stock s LEFT JOIN stores st ON st.id = s.store
             WHERE s.gtin = ?1 ORDER BY s.quantity DESC, s.store",
        )?;
        let rows = s.query_map([gtin.value() as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for r in rows {
            let (store, quantity, updated_at, data) = r?;
            let info: Option<vitrine_core::product::Store> =
                data.map(|d| serde_json::from_str(&d)).transpose().map_err(corrupt)?;
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
                updated_at,
            });
        }
        Ok(out)
    }

    fn store_ids(&self) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut s = conn.prepare("SELECT id FROM stores ORDER BY id")?;
        let rows = s.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn store(&self, id: &str) -> Result<Option<Store>> {
        let data: Option<String> = self
            .reader()?
            .query_row("SELECT data FROM stores WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        data.map(|d| serde_json::from_str(&d).map_err(corrupt)).transpose()
    }

    fn prune_history(&self, keep: u64) -> Result<()> {
        self.lock().execute(
            "UPDATE catalog_versions SET changes = NULL
             WHERE version <= (SELECT COALESCE(MAX(version), 0) FROM catalog_versions) - ?1 AND changes IS NOT NULL",
            [keep as i64],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::sqlite::tests::price;

    fn g(s: &str) -> Gtin {
        Gtin::from_digits(s).unwrap()
    }

    #[test]
    fn versions_deltas_scopes_and_too_old() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path(), 3).unwrap();
        let p = Product::new(g("5449000039231"), "Nordic must");
        assert_eq!(s.commit_changes(&[Change::UpsertProduct(p)], None, 1).unwrap(), 1);
        assert_eq!(s.commit_changes(&[price(100, None)], None, 2).unwrap(), 2);
        assert_eq!(
            s.commit_changes(&[price(90, Some("lyon-02"))], Some("lyon-02"), 3)
                .unwrap(),
            3
        );
        assert_eq!(
            s.changes_since(3, "paris-01").unwrap(),
            ChangesSince::UpToDate { version: 3 }
        );
        let ChangesSince::Changes { to, changes_json } = s.changes_since(1, "paris-01").unwrap() else {
            panic!()
        };
        assert_eq!(to, 3);
        let parsed: Vec<Change> = serde_json::from_str(&changes_json).unwrap();
        assert_eq!(parsed, vec![price(100, None)]);
        let ChangesSince::Changes { changes_json, .. } = s.changes_since(1, "lyon-02").unwrap() else {
            panic!()
        };
        let parsed: Vec<Change> = serde_json::from_str(&changes_json).unwrap();
        assert_eq!(parsed.len(), 2);
        assert!(matches!(
            s.changes_since(9, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));
        // A bulk version (more than max_delta_changes) is not logged.
        let bulk: Vec<Change> = (0..4).map(|i| price(100 + i, None)).collect();
        s.commit_changes(&bulk, None, 4).unwrap();
        assert!(matches!(
            s.changes_since(3, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));
        s.commit_changes(&[price(5, None)], None, 5).unwrap();
        assert!(matches!(
            s.changes_since(4, "paris-01").unwrap(),
            ChangesSince::Changes { .. }
        ));
        s.prune_history(0).unwrap();
        assert!(matches!(
            s.changes_since(4, "paris-01").unwrap(),
            ChangesSince::TooOld { .. }
        ));

        let snap = s.snapshot_json("paris-01").unwrap();
        assert_eq!(snap.version, 5);
        let parsed: Vec<Change> = serde_json::from_str(&snap.changes_json).unwrap();
        assert!(parsed.contains(&price(5, None)));
        assert!(
            !parsed
                .iter()
                .any(|c| matches!(c, Change::SetPrice(p) if p.store.is_some()))
        );
        let snap = s.snapshot_json("lyon-02").unwrap();
        let parsed: Vec<Change> = serde_json::from_str(&snap.changes_json).unwrap();
        assert!(parsed.contains(&price(90, Some("lyon-02"))));
    }
}
