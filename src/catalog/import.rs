//! Import of the referential's JSONL format into the cache.
//!
//! The whole file is imported in one transaction: a malformed line (a damaged
//! file) stops the import with its line number and leaves the catalog exactly
//! as it was. Records with an invalid GTIN or no name are skipped, counted and
//! reported (real data has a few), which does not stop the import.

use std::io::BufRead;

use serde::Serialize;
use vitrine_core::catalog::{Change, parse_record};
use vitrine_core::product::{Product, UnixTime};

use super::{Catalog, CatalogError, VersionMove, next_version, record_version, write_changes};

/// How many changes are written per batch inside the import transaction
/// (bounds memory on million-product files).
const BATCH: usize = 10_000;

/// SQLite page cache during an import, in KiB (negative: KiB, SQLite's convention).
const IMPORT_CACHE_KIB: i64 = -262_144;

/// Called once with every imported product; returns changes written in the
/// same transaction (demo prices and stock).
pub type ExtraChanges<'a> = &'a mut dyn FnMut(&[Product]) -> Vec<Change>;

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: u64,
    /// The first few skipped records, as "line N: reason".
    pub skipped_examples: Vec<String>,
    pub catalog_version: u64,
    /// Extra changes written with the products (demo prices, stock, ...).
    pub extra_changes: u64,
}

/// Reads a JSONL stream into products (for callers that need the records,
/// like the demo seeding). Same rules as [`Catalog::import_jsonl`].
pub fn read_jsonl(reader: impl BufRead) -> Result<(Vec<Product>, ImportReport), CatalogError> {
    let mut out = Vec::new();
    let mut report = ImportReport::default();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CatalogError::Import(format!("line {}: cannot read: {e}", i + 1)))?;
        match parse_line(&line, i + 1, &mut report)? {
            Some(p) => out.push(p),
            None => continue,
        }
    }
    Ok((out, report))
}

fn parse_line(line: &str, n: usize, report: &mut ImportReport) -> Result<Option<Product>, CatalogError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    match parse_record(line) {
        Ok(p) => {
            report.imported += 1;
            Ok(Some(p))
        }
        Err(e) if e.is_fatal() => Err(CatalogError::Import(format!(
            "line {n}: {e}; nothing was imported, the catalog is unchanged"
        ))),
        Err(e) => {
            report.skipped += 1;
            if report.skipped_examples.len() < 10 {
                report.skipped_examples.push(format!("line {n}: {e}"));
            }
            Ok(None)
        }
    }
}

impl Catalog {
    /// Imports a JSONL stream in one transaction. `extra`, when given, is
    /// called once with every imported product to add changes in the same
    /// transaction (demo prices and stock); without it the products are not
    /// kept in memory. `progress` gets the number of lines read.
    pub fn import_jsonl(
        &mut self,
        reader: impl BufRead,
        now: UnixTime,
        mut extra: Option<ExtraChanges<'_>>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport, CatalogError> {
        let mut report = ImportReport::default();
        // A large page cache for the import only: random-order GTIN inserts
        // touch pages all over the table and index.
        self.conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let result = self.import_in_transaction(reader, now, extra.as_mut(), progress, &mut report);
        self.conn.pragma_update(None, "cache_size", super::WRITER_CACHE_KIB)?;
        result.map(|()| report)
    }

    fn import_in_transaction(
        &mut self,
        reader: impl BufRead,
        now: UnixTime,
        mut extra: Option<&mut ExtraChanges<'_>>,
        progress: &mut dyn FnMut(u64),
        report: &mut ImportReport,
    ) -> Result<(), CatalogError> {
        let tx = self.conn.transaction()?;
        let version = next_version(&tx, VersionMove::Increment)?;
        // Into an empty catalog, the search index is built once at the end.
        let bulk = !tx.query_row("SELECT EXISTS(SELECT 1 FROM products)", [], |r| r.get::<_, bool>(0))?;
        if bulk {
            tx.execute_batch("DROP TRIGGER products_ai; DROP TRIGGER products_au;")?;
        }
        let mut batch: Vec<Product> = Vec::with_capacity(BATCH);
        let mut all_products: Vec<Product> = Vec::new();
        let mut written = 0usize;
        let mut lines = 0u64;
        let flush = |batch: &mut Vec<Product>, written: &mut usize| -> Result<(), CatalogError> {
            let changes: Vec<Change> = batch.drain(..).map(Change::UpsertProduct).collect();
            write_changes(&tx, &changes, *written, &mut |_| {})?;
            *written += changes.len();
            Ok(())
        };
        let wants_products = extra.is_some();
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| CatalogError::Import(format!("line {}: cannot read: {e}", i + 1)))?;
            lines += 1;
            if let Some(p) = parse_line(&line, i + 1, report)? {
                if wants_products {
                    all_products.push(p.clone());
                }
                batch.push(p);
            }
            if batch.len() >= BATCH {
                flush(&mut batch, &mut written)?;
            }
            if lines.is_multiple_of(1000) {
                progress(lines);
            }
        }
        flush(&mut batch, &mut written)?;
        progress(lines);
        if bulk {
            tx.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')", [])?;
            tx.execute_batch(super::schema::FTS_TRIGGERS)?;
        }
        let extra_changes = match extra.as_mut() {
            Some(f) => f(&all_products),
            None => Vec::new(),
        };
        write_changes(&tx, &extra_changes, written, &mut |_| {})?;
        report.extra_changes = extra_changes.len() as u64;
        record_version(&tx, version, now, written + extra_changes.len())?;
        tx.commit()?;
        report.catalog_version = version;
        Ok(())
    }
}
