//! The streamed catalog snapshot: newline-delimited JSON, one record a line,
//! hashed as it goes and signed once at the end, so that neither HQ nor the
//! kiosk ever holds a whole million-product catalog in memory (a snapshot
//! read whole into memory peaked at 1.51 GB on the kiosk; its budget is
//! 150 MB).
//!
//! # Format (`vitrine-snapshot-v3`, gzipped on the wire)
//! ```text
//! {"format":"vitrine-snapshot-v3","store":"paris-01","version":42,"expires_at":…,"demo_prices":false}
//! {"op":"upsert_store","data":{…}}
//! {"op":"upsert_product","data":{…}}
//! …
//! {"end":{"sha256":"…","signature":"…"}}
//! ```
//! `sha256` is the SHA-256 of every byte before the last line (header and
//! records, each with its `\n`); the signature is HQ's over
//! [`update_message`] with the kind [`STREAM_KIND`], from version 0, and a
//! `demo-prices` line when the header says so. The header's store, version
//! and expiry are inside the hash, and the signature repeats them: a header
//! cannot be swapped onto another snapshot's records. The kind differs from
//! a [`SignedUpdate`](crate::wire::SignedUpdate)'s, so neither signature can
//! be passed off as the other.
//!
//! A kiosk checks a whole snapshot ([`StreamCheck`]) before it applies any
//! of it, and applies it from the same bytes, checked again as they are
//! read: nothing it has not verified goes in.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::Change;
use crate::product::UnixTime;
use crate::sign::{PublicKey, SecretKey, update_message};
use crate::wire::{Expect, UpdateRejected};

/// The format named by a snapshot's header line.
pub const STREAM_FORMAT: &str = "vitrine-snapshot-v3";
/// The kind in the message HQ signs for a streamed snapshot.
pub const STREAM_KIND: &str = "snapshot-stream";
/// The longest line a kiosk reads (a product record is a few kilobytes): a
/// hostile line cannot make it buffer without end.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The first line of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamHeader {
    pub format: String,
    pub store: String,
    pub version: u64,
    /// Unix seconds after which a kiosk refuses the snapshot.
    pub expires_at: UnixTime,
    #[serde(default)]
    pub demo_prices: bool,
}

impl StreamHeader {
    pub fn new(store: &str, version: u64, expires_at: UnixTime, demo_prices: bool) -> StreamHeader {
        StreamHeader {
            format: STREAM_FORMAT.to_string(),
            store: store.to_string(),
            version,
            expires_at,
            demo_prices,
        }
    }

    fn message(&self, sha256: &str) -> Vec<u8> {
        let mut m = update_message(STREAM_KIND, &self.store, 0, self.version, sha256, self.expires_at);
        if self.demo_prices {
            m.extend_from_slice(b"\ndemo-prices");
        }
        m
    }

    /// The checks a kiosk makes of an update's store, expiry and version
    /// (as for a signed snapshot): made on the header before downloading
    /// further is worth it, and again once the signature is known good.
    pub fn check(&self, expect: &Expect<'_>) -> Result<(), UpdateRejected> {
        if self.format != STREAM_FORMAT {
            return Err(UpdateRejected::Malformed(format!(
                "unknown snapshot format {:?}",
                self.format
            )));
        }
        if self.store != expect.store {
            return Err(UpdateRejected::OtherStore {
                expected: expect.store.to_string(),
                found: self.store.clone(),
            });
        }
        if expect.now > self.expires_at {
            return Err(UpdateRejected::Expired {
                expires_at: self.expires_at,
                now: expect.now,
            });
        }
        let version_ok = self.version > expect.current_version || (expect.first_sync && self.version > 0);
        if !version_ok {
            return Err(UpdateRejected::NotNewer {
                version: self.version,
                current: expect.current_version,
            });
        }
        Ok(())
    }
}

/// The last line's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamEnd {
    sha256: String,
    signature: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndLine {
    end: StreamEnd,
}

fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// HQ's side: hashes the lines as they are written and signs at the end.
/// The caller writes the lines it is given (each ends with `\n`).
pub struct StreamSigner {
    header: StreamHeader,
    hasher: Sha256,
}

impl StreamSigner {
    /// Starts a snapshot; returns the signer and the header line.
    pub fn begin(header: StreamHeader) -> Result<(StreamSigner, String), serde_json::Error> {
        let mut line = serde_json::to_string(&header)?;
        line.push('\n');
        let mut hasher = Sha256::new();
        hasher.update(line.as_bytes());
        Ok((StreamSigner { header, hasher }, line))
    }

    /// Hashes one record's line: `record` is one change's JSON without a
    /// newline (JSON text escapes every newline inside strings). Returns
    /// nothing: the caller writes `record` then `\n`.
    pub fn record(&mut self, record: &str) {
        self.hasher.update(record.as_bytes());
        self.hasher.update(b"\n");
    }

    /// The signed end line.
    pub fn finish(self, key: &SecretKey) -> Result<String, serde_json::Error> {
        let sha256 = hex(&self.hasher.finalize());
        let signature = key.sign(&self.header.message(&sha256));
        let mut line = serde_json::to_string(&EndLine {
            end: StreamEnd { sha256, signature },
        })?;
        line.push('\n');
        Ok(line)
    }
}

/// What one line of a snapshot was. (One at a time, moved out at once: a
/// record's size is no cost worth a box per line.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum StreamLine {
    Header(StreamHeader),
    /// A record, not parsed (see [`StreamCheck::parse_records`]).
    Record(Option<Change>),
    /// The signed end: the snapshot is complete (not yet checked: see
    /// [`StreamCheck::finish`]).
    End,
}

/// The kiosk's side: fed the lines in order (each without its `\n`), it
/// hashes them and, at the end, checks the hash and HQ's signature.
pub struct StreamCheck {
    hasher: Sha256,
    header: Option<StreamHeader>,
    end: Option<StreamEnd>,
    records: u64,
    parse: bool,
}

impl StreamCheck {
    /// A check that hashes records without parsing them (the pass that
    /// verifies a download before anything is applied).
    pub fn new() -> StreamCheck {
        StreamCheck {
            hasher: Sha256::new(),
            header: None,
            end: None,
            records: 0,
            parse: false,
        }
    }

    /// A check that also parses every record into a [`Change`] (the pass
    /// that applies them).
    pub fn parse_records() -> StreamCheck {
        StreamCheck {
            parse: true,
            ..StreamCheck::new()
        }
    }

    pub fn header(&self) -> Option<&StreamHeader> {
        self.header.as_ref()
    }

    /// Records seen so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Takes the next line (without its `\n`).
    pub fn feed(&mut self, line: &str) -> Result<StreamLine, UpdateRejected> {
        let bad = |what: &str| UpdateRejected::Malformed(what.to_string());
        if self.end.is_some() {
            return Err(bad("data after the snapshot's signed end"));
        }
        if self.header.is_none() {
            let header: StreamHeader =
                serde_json::from_str(line).map_err(|e| UpdateRejected::Malformed(format!("snapshot header: {e}")))?;
            self.hash(line);
            self.header = Some(header.clone());
            return Ok(StreamLine::Header(header));
        }
        if line.starts_with("{\"end\"") {
            let end: EndLine =
                serde_json::from_str(line).map_err(|e| UpdateRejected::Malformed(format!("snapshot end: {e}")))?;
            self.end = Some(end.end);
            return Ok(StreamLine::End);
        }
        if !line.starts_with("{\"op\"") {
            return Err(bad("a snapshot line is neither a record nor its end"));
        }
        self.hash(line);
        self.records += 1;
        if self.parse {
            let change: Change = serde_json::from_str(line)
                .map_err(|e| UpdateRejected::Malformed(format!("snapshot record {}: {e}", self.records)))?;
            Ok(StreamLine::Record(Some(change)))
        } else {
            Ok(StreamLine::Record(None))
        }
    }

    fn hash(&mut self, line: &str) {
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
    }

    /// After the last line: the snapshot is complete, its bytes are the
    /// ones HQ hashed, HQ signed them, and they are for this kiosk.
    /// Returns the header.
    pub fn finish(self, hq: &PublicKey, expect: &Expect<'_>) -> Result<StreamHeader, UpdateRejected> {
        let header = self
            .header
            .ok_or_else(|| UpdateRejected::Malformed("empty snapshot".to_string()))?;
        let end = self.end.ok_or_else(|| {
            UpdateRejected::Malformed("the snapshot ends before its signed end (cut short)".to_string())
        })?;
        hq.verify(&header.message(&end.sha256), &end.signature)
            .map_err(UpdateRejected::Signature)?;
        if hex(&self.hasher.finalize()) != end.sha256 {
            return Err(UpdateRejected::HashMismatch);
        }
        header.check(expect)?;
        Ok(header)
    }
}

impl Default for StreamCheck {
    fn default() -> Self {
        StreamCheck::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::Store;

    fn key() -> SecretKey {
        SecretKey::from_seed([7; 32])
    }

    fn expect(now: UnixTime) -> Expect<'static> {
        Expect {
            store: "paris-01",
            current_version: 3,
            first_sync: false,
            now,
        }
    }

    /// A snapshot of `n` stores as lines (without their `\n`).
    fn snapshot(n: usize, version: u64) -> Vec<String> {
        let (mut signer, header) = StreamSigner::begin(StreamHeader::new("paris-01", version, 1000, false)).unwrap();
        let mut lines = vec![header.trim_end().to_string()];
        for i in 0..n {
            let c = Change::UpsertStore(Store {
                id: format!("s-{i}"),
                name: format!("Store\n{i}"),
                city: Some("Paris".into()),
                address: None,
                location: None,
            });
            let rec = serde_json::to_string(&c).unwrap();
            signer.record(&rec);
            lines.push(rec);
        }
        lines.push(signer.finish(&key()).unwrap().trim_end().to_string());
        lines
    }

    fn check(lines: &[String], parse: bool) -> Result<(StreamHeader, Vec<Change>), UpdateRejected> {
        let mut c = if parse {
            StreamCheck::parse_records()
        } else {
            StreamCheck::new()
        };
        let mut out = Vec::new();
        for l in lines {
            if let StreamLine::Record(Some(ch)) = c.feed(l)? {
                out.push(ch);
            }
        }
        Ok((c.finish(&key().public(), &expect(10))?, out))
    }

    #[test]
    fn a_signed_snapshot_reads_back_record_by_record() {
        let lines = snapshot(3, 5);
        let (h, changes) = check(&lines, true).unwrap();
        assert_eq!(h.version, 5);
        assert_eq!(changes.len(), 3);
        assert!(matches!(&changes[2], Change::UpsertStore(s) if s.name == "Store\n2"));
        assert_eq!(
            check(&lines, false).unwrap().1.len(),
            0,
            "the verifying pass parses nothing"
        );
    }

    #[test]
    fn a_changed_dropped_or_added_record_is_refused() {
        let mut l = snapshot(3, 5);
        l[2] = l[2].replace("Paris", "Lyon!");
        assert_eq!(check(&l, false).unwrap_err(), UpdateRejected::HashMismatch);
        let mut l = snapshot(3, 5);
        l.remove(2);
        assert_eq!(check(&l, false).unwrap_err(), UpdateRejected::HashMismatch);
        let mut l = snapshot(3, 5);
        let extra = l[1].clone();
        l.insert(1, extra);
        assert_eq!(check(&l, false).unwrap_err(), UpdateRejected::HashMismatch);
    }

    #[test]
    fn a_cut_snapshot_or_one_for_another_store_or_version_is_refused() {
        let mut l = snapshot(3, 5);
        l.pop();
        assert!(matches!(check(&l, false), Err(UpdateRejected::Malformed(m)) if m.contains("cut short")));
        // A header changed to another store: the signature no longer holds.
        let mut l = snapshot(3, 5);
        l[0] = l[0].replace("paris-01", "lyon-001");
        assert!(matches!(check(&l, false), Err(UpdateRejected::Signature(_))));
        // An older version, genuinely signed: not newer than the kiosk's.
        let l = snapshot(3, 2);
        assert!(matches!(check(&l, false), Err(UpdateRejected::NotNewer { .. })));
        // Signed by another key.
        let (mut s, h) = StreamSigner::begin(StreamHeader::new("paris-01", 5, 1000, false)).unwrap();
        s.record("{\"op\":\"delete_product\",\"data\":\"00000000000000\"}");
        let other = SecretKey::from_seed([8; 32]);
        let l = vec![
            h.trim_end().to_string(),
            "{\"op\":\"delete_product\",\"data\":\"00000000000000\"}".to_string(),
            s.finish(&other).unwrap().trim_end().to_string(),
        ];
        assert!(matches!(check(&l, false), Err(UpdateRejected::Signature(_))));
    }

    #[test]
    fn lines_after_the_end_or_of_no_known_shape_are_refused() {
        let mut l = snapshot(1, 5);
        l.push(l[1].clone());
        assert!(matches!(check(&l, false), Err(UpdateRejected::Malformed(_))));
        let mut l = snapshot(1, 5);
        l.insert(1, "[1,2]".to_string());
        assert!(matches!(check(&l, false), Err(UpdateRejected::Malformed(_))));
    }
}
