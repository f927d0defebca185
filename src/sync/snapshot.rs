//! Taking a streamed HQ snapshot (`vitrine_core::stream`) in bounded memory:
//! downloaded to a file in the data folder (resumed when cut), checked
//! whole (hash and HQ's signature) before any of it is used, then applied
//! record by record in one transaction that checks the same hash again
//! before it commits. The old catalog serves lookups until that commit; a
//! refused file is deleted, so it is downloaded again rather than resumed.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use vitrine_core::catalog::Change;
use vitrine_core::product::UnixTime;
use vitrine_core::stream::{MAX_LINE_BYTES, StreamCheck, StreamHeader, StreamLine};
use vitrine_core::wire::{Expect, UpdateRejected};

use super::SyncError;
use super::store::DeviceIdentity;
use super::worker::{HQ_ORIGIN, synced_with};
use crate::catalog::{Catalog, CatalogError, meta};

/// The download's file name in the data folder (its `.etag` beside it).
pub const SNAPSHOT_PART: &str = "snapshot.part";

/// Where the snapshot download of the kiosk in `data_dir` goes.
pub fn part_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SNAPSHOT_PART)
}

/// The lines of a gzipped snapshot file, one reused buffer, none longer than
/// [`MAX_LINE_BYTES`].
struct Lines {
    reader: BufReader<flate2::read::GzDecoder<File>>,
    buf: Vec<u8>,
}

impl Lines {
    fn open(path: &Path) -> Result<Lines, SyncError> {
        let f =
            File::open(path).map_err(|e| SyncError::Storage(format!("snapshot download {}: {e}", path.display())))?;
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 16, flate2::read::GzDecoder::new(f)),
            buf: Vec::with_capacity(4096),
        })
    }

    /// The next line without its `\n`; None at the end.
    fn next_line(&mut self) -> Result<Option<&str>, UpdateRejected> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| {
                UpdateRejected::Malformed(format!("the snapshot does not decompress ({e}): cut short or damaged"))
            })?;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if n > MAX_LINE_BYTES {
            return Err(UpdateRejected::Malformed(
                "a snapshot line is longer than the kiosk reads".into(),
            ));
        }
        std::str::from_utf8(&self.buf)
            .map(Some)
            .map_err(|_| UpdateRejected::Malformed("a snapshot line is not UTF-8".into()))
    }
}

/// Checks the downloaded snapshot at `path` whole: every line, the hash, HQ's
/// signature, then the store, expiry and version against `expect`.
pub fn verify_file(
    path: &Path,
    hq: &vitrine_core::sign::PublicKey,
    expect: &Expect<'_>,
) -> Result<StreamHeader, SyncError> {
    let mut lines = Lines::open(path)?;
    let mut check = StreamCheck::new();
    while let Some(line) = lines.next_line()? {
        if let StreamLine::Header(h) = check.feed(line)? {
            // Not worth reading a million lines of a snapshot that would
            // be refused anyway (its header is checked again once signed).
            h.check(expect)?;
        }
    }
    Ok(check.finish(hq, expect)?)
}

/// Verifies the snapshot downloaded at `path` and, when it holds, replaces
/// the catalog with it. Returns the new version. The file is deleted when
/// it is applied or refused (not on a storage error, which a retry may get
/// past).
pub fn apply_snapshot_file(
    cat: &mut Catalog,
    ident: &DeviceIdentity,
    path: &Path,
    now: UnixTime,
) -> Result<u64, SyncError> {
    let result = apply_checked(cat, ident, path, now);
    if matches!(result, Ok(_) | Err(SyncError::Rejected(_))) {
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(super::client::etag_path(path));
    }
    result
}

fn apply_checked(cat: &mut Catalog, ident: &DeviceIdentity, path: &Path, now: UnixTime) -> Result<u64, SyncError> {
    let current = cat.version()?;
    let first_sync = !synced_with(cat, &ident.store)?;
    let expect = Expect {
        store: &ident.store,
        current_version: current,
        first_sync,
        now,
    };
    let header = verify_file(path, &ident.hq_public_key, &expect)?;
    let bookkeeping = [
        (meta::ORIGIN, HQ_ORIGIN.to_string()),
        (meta::STORE, ident.store.clone()),
        (meta::LAST_SYNC, now.to_string()),
        (
            meta::HQ_DEMO_PRICES,
            if header.demo_prices { "1" } else { "0" }.to_string(),
        ),
    ];
    // The second pass reads the file again, hashing as it applies: the
    // bytes applied are the bytes verified, or nothing is committed. The
    // record reader and the check before the commit share the hash state.
    let mut lines = Lines::open(path)?;
    let check = RefCell::new(StreamCheck::parse_records());
    let rejected: RefCell<Option<UpdateRejected>> = RefCell::new(None);
    let reject = |e: UpdateRejected| {
        *rejected.borrow_mut() = Some(e);
        CatalogError::Refused("the snapshot changed while it was applied".into())
    };
    let mut next = || -> Result<Option<Change>, CatalogError> {
        loop {
            let line = match lines.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => return Ok(None),
                Err(e) => return Err(reject(e)),
            };
            match check.borrow_mut().feed(line) {
                Ok(StreamLine::Record(Some(change))) => return Ok(Some(change)),
                Ok(StreamLine::Record(None) | StreamLine::Header(_)) => continue,
                Ok(StreamLine::End) => return Ok(None),
                Err(e) => return Err(reject(e)),
            }
        }
    };
    let mut verified = || -> Result<(), CatalogError> {
        let done = check.replace(StreamCheck::parse_records());
        match done.finish(&ident.hq_public_key, &expect) {
            Ok(h) if h == header => Ok(()),
            Ok(_) => Err(reject(UpdateRejected::HashMismatch)),
            Err(e) => Err(reject(e)),
        }
    };
    let applied = cat.replace_all_streamed(&mut next, &mut verified, header.version, now, &bookkeeping);
    if let Some(e) = rejected.take() {
        return Err(SyncError::Rejected(e));
    }
    let v = applied?;
    tracing::info!(
        kind = "snapshot",
        to = v,
        "catalog replaced from HQ's streamed snapshot"
    );
    Ok(v)
}
