//! The customer referential's storage: customers (first name, tier,
//! consent), the keyed hashes of their identifiers (never the identifiers),
//! coupons, one redemption per coupon, and the satisfaction surveys.
//!
//! "Forget" ([`CustomerStore::forget_customer`]) erases what identifies a
//! person in one transaction: the customer's first name and identifier
//! hashes, the contact details and names in their orders, handoffs and
//! surveys, and the messages addressed to those contacts. The connection
//! runs with `secure_delete` and the WAL is checkpointed afterwards, so the
//! erased bytes are overwritten in the file, not only unlinked.
//!
//! Records are the customer's either by their customer id or by a contact
//! detail (an anonymous click&collect order, a basket claimed by email, the
//! survey and messages that followed): the caller passes how a contact
//! hashes ([`CustomerStore::forget_customer`]'s `hashes_of`, HQ's keyed
//! hash of the normalised email or phone) and every contact stored in clear
//! is compared with the customer's identifier hashes before those are
//! deleted.
//!
//! A scheduled message can be tied to a coupon ([`Scheduled::until_redeemed`],
//! the "expires soon" reminder): recording the coupon's use cancels it.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use vitrine_core::pricing::Tier;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderRequest;

use super::{NewNotification, Result, SqliteStorage, StorageError, corrupt, insert_notes_at};

/// A customer as HQ keeps it (no contact detail in clear).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRecord {
    pub id: String,
    /// None once forgotten.
    pub first_name: Option<String>,
    pub tier: Option<Tier>,
    pub consent: bool,
    pub created_at: UnixTime,
    pub forgotten_at: Option<UnixTime>,
    /// The kinds of identifiers on file (`email`, `phone`, `card`).
    pub identifiers: Vec<String>,
}

/// A coupon issued by HQ (single use, any channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CouponRecord {
    pub code: String,
    pub customer_id: Option<String>,
    pub basis_points: u32,
    pub min_spend_minor: i64,
    pub valid_from: Option<UnixTime>,
    pub valid_until: UnixTime,
    /// `survey`, `admin`…
    pub source: String,
    pub created_at: UnixTime,
    pub redemption: Option<Redemption>,
}

/// The one use of a coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redemption {
    pub code: String,
    /// `kiosk`, `phone`, `online`.
    pub channel: String,
    /// The order or handoff id.
    pub reference: String,
    pub store: Option<String>,
    /// When the shopper used it (a kiosk's time for an offline order).
    pub used_at: UnixTime,
    /// When HQ recorded it.
    pub recorded_at: UnixTime,
}

/// The outcome of recording a redemption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    Recorded,
    /// The same order/handoff already recorded it (a repeat).
    AlreadyThis,
    /// Used before, elsewhere.
    UsedElsewhere(Redemption),
    Unknown,
    Expired(UnixTime),
}

/// A satisfaction survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyRecord {
    pub id: String,
    pub customer_id: Option<String>,
    pub email: Option<String>,
    pub lang: String,
    pub reference: String,
    pub created_at: UnixTime,
    pub answered_at: Option<UnixTime>,
    pub score: Option<u8>,
    pub coupon_code: Option<String>,
}

/// A message and when it is due (the survey loop's schedule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub note: NewNotification,
    pub at: UnixTime,
    /// A coupon code: the message is cancelled (never sent) once this
    /// coupon's use is recorded (the reminder of an unused coupon).
    pub until_redeemed: Option<String>,
}

/// Storage of the customer referential.
pub trait CustomerStore {
    /// Adds a customer with the keyed hashes of their identifiers
    /// (`(kind, hash)`). Fails with [`StorageError::Duplicate`] when one is
    /// already someone's.
    fn add_customer(&self, c: &CustomerRecord, hashes: &[(String, String)]) -> Result<()>;
    fn customer(&self, id: &str) -> Result<Option<CustomerRecord>>;
    fn customer_by_hash(&self, hash: &str) -> Result<Option<CustomerRecord>>;
    /// Every live customer with a card: `(card hash, customer)`.
    fn card_holders(&self) -> Result<Vec<(String, CustomerRecord)>>;
    /// Erases the customer's personal data; false if unknown. Records not
    /// linked by id are theirs when a contact stored in them hashes (by
    /// `hashes_of`, which normalises and hashes a raw email or phone as
    /// lookup does) to one of the customer's identifier hashes: their
    /// contacts (and an order's name) are erased, the order itself is kept
    /// for the store.
    fn forget_customer(&self, id: &str, now: UnixTime, hashes_of: &dyn Fn(&str) -> Vec<String>) -> Result<bool>;

    fn put_coupon(&self, c: &CouponRecord) -> Result<()>;
    fn coupon(&self, code: &str) -> Result<Option<CouponRecord>>;
    /// Coupons of a customer that are neither used nor expired at `now`.
    fn live_coupons(&self, customer_id: &str, now: UnixTime) -> Result<Vec<CouponRecord>>;
    /// Records the one use of `code` (checked and written in one
    /// transaction) and cancels the messages scheduled until its use.
    fn redeem(&self, r: &Redemption) -> Result<Redeem>;
    /// The HQ coupons whose use is recorded for `reference` (an order or a
    /// handoff, `handoff:{id}`), in the order they were used.
    fn coupons_redeemed_for(&self, reference: &str) -> Result<Vec<CouponRecord>>;

    /// Creates a survey and schedules its messages, once per `reference`;
    /// false if that reference already has one.
    fn schedule_survey(&self, s: &SurveyRecord, notes: &[Scheduled]) -> Result<bool>;
    fn survey(&self, id: &str) -> Result<Option<SurveyRecord>>;
    /// Records the answer, the coupon it earns and its messages, once.
    fn answer_survey(
        &self,
        id: &str,
        score: u8,
        coupon: &CouponRecord,
        notes: &[Scheduled],
        now: UnixTime,
    ) -> Result<bool>;
}

const CUSTOMER_COLS: &str = "id, first_name, tier, consent, created_at, forgotten_at";
const COUPON_COLS: &str = "c.code, c.customer_id, c.basis_points, c.min_spend_minor, c.valid_from, c.valid_until, c.source, c.created_at, r.channel, r.reference, r.store, r.used_at, r.recorded_at";
const SURVEY_COLS: &str = "id, customer_id, email, lang, reference, created_at, answered_at, score, coupon_code";

fn tier_str(t: Option<Tier>) -> Option<&'static str> {
    t.map(|t| match t {
        Tier::Member => "member",
        Tier::Silver => "silver",
        Tier::Gold => "gold",
    })
}

fn customer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerRecord> {
    Ok(CustomerRecord {
        id: r.get(0)?,
        first_name: r.get(1)?,
        tier: r.get::<_, Option<String>>(2)?.as_deref().and_then(Tier::parse),
        consent: r.get::<_, i64>(3)? != 0,
        created_at: r.get(4)?,
        forgotten_at: r.get(5)?,
        identifiers: Vec::new(),
    })
}

fn with_identifiers(tx: &rusqlite::Connection, mut c: CustomerRecord) -> Result<CustomerRecord> {
    let mut s = tx.prepare_cached("SELECT kind FROM customer_ids WHERE customer_id = ?1 ORDER BY kind")?;
    c.identifiers = s.query_map([&c.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(c)
}

fn coupon_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CouponRecord> {
    let code: String = r.get(0)?;
    let redemption = match r.get::<_, Option<String>>(8)? {
        Some(channel) => Some(Redemption {
            code: code.clone(),
            channel,
            reference: r.get(9)?,
            store: r.get(10)?,
            used_at: r.get(11)?,
            recorded_at: r.get(12)?,
        }),
        None => None,
    };
    Ok(CouponRecord {
        code,
        customer_id: r.get(1)?,
        basis_points: r.get::<_, i64>(2)?.clamp(0, 10_000) as u32,
        min_spend_minor: r.get(3)?,
        valid_from: r.get(4)?,
        valid_until: r.get(5)?,
        source: r.get(6)?,
        created_at: r.get(7)?,
        redemption,
    })
}

fn survey_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SurveyRecord> {
    Ok(SurveyRecord {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        email: r.get(2)?,
        lang: r.get(3)?,
        reference: r.get(4)?,
        created_at: r.get(5)?,
        answered_at: r.get(6)?,
        score: r.get::<_, Option<i64>>(7)?.map(|s| s.clamp(0, 255) as u8),
        coupon_code: r.get(8)?,
    })
}

fn insert_coupon(tx: &Transaction<'_>, c: &CouponRecord) -> Result<()> {
    tx.execute(
        "INSERT INTO coupons(code, customer_id, basis_points, min_spend_minor, valid_from, valid_until, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            c.code,
            c.customer_id,
            c.basis_points,
            c.min_spend_minor,
            c.valid_from,
            c.valid_until,
            c.source,
            c.created_at
        ],
    )?;
    Ok(())
}

fn insert_scheduled(tx: &Transaction<'_>, notes: &[Scheduled], now: UnixTime) -> Result<()> {
    for s in notes {
        insert_notes_at(tx, std::slice::from_ref(&s.note), now, s.at)?;
        if let Some(code) = &s.until_redeemed {
            tx.execute(
                "UPDATE notifications SET until_redeemed = ?1 WHERE id = last_insert_rowid()",
                [code],
            )?;
        }
    }
    Ok(())
}

impl CustomerStore for SqliteStorage {
    fn add_customer(&self, c: &CustomerRecord, hashes: &[(String, String)]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for (kind, hash) in hashes {
            let taken: Option<String> = tx
                .query_row("SELECT customer_id FROM customer_ids WHERE hash = ?1", [hash], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(other) = taken {
                return Err(StorageError::Duplicate(format!(
                    "this {kind} is already on file for customer {other}"
                )));
            }
        }
        tx.execute(
            &format!("INSERT INTO customers({CUSTOMER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, NULL)"),
            params![c.id, c.first_name, tier_str(c.tier), c.consent as i64, c.created_at],
        )?;
        for (kind, hash) in hashes {
            tx.execute(
                "INSERT INTO customer_ids(hash, customer_id, kind) VALUES (?1, ?2, ?3)",
                params![hash, c.id, kind],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn customer(&self, id: &str) -> Result<Option<CustomerRecord>> {
        let conn = self.lock();
        let c = conn
            .query_row(
                &format!("SELECT {CUSTOMER_COLS} FROM customers WHERE id = ?1"),
                [id],
                customer_row,
            )
            .optional()?;
        c.map(|c| with_identifiers(&conn, c)).transpose()
    }

    fn customer_by_hash(&self, hash: &str) -> Result<Option<CustomerRecord>> {
        let conn = self.lock();
        let c = conn
            .query_row(
                "SELECT c.id, c.first_name, c.tier, c.consent, c.created_at, c.forgotten_at
                 FROM customer_ids i JOIN customers c ON c.id = i.customer_id
                 WHERE i.hash = ?1 AND c.forgotten_at IS NULL",
                [hash],
                customer_row,
            )
            .optional()?;
        c.map(|c| with_identifiers(&conn, c)).transpose()
    }

    fn card_holders(&self) -> Result<Vec<(String, CustomerRecord)>> {
        let conn = self.lock();
        let mut s = conn.prepare(
            "SELECT i.hash, c.id, c.first_name, c.tier, c.consent, c.created_at, c.forgotten_at
             FROM customer_ids i JOIN customers c ON c.id = i.customer_id
             WHERE i.kind = 'card' AND c.forgotten_at IS NULL ORDER BY i.hash",
        )?;
        let rows = s.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                CustomerRecord {
                    id: r.get(1)?,
                    first_name: r.get(2)?,
                    tier: r.get::<_, Option<String>>(3)?.as_deref().and_then(Tier::parse),
                    consent: r.get::<_, i64>(4)? != 0,
                    created_at: r.get(5)?,
                    forgotten_at: r.get(6)?,
                    identifiers: vec!["card".into()],
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn forget_customer(&self, id: &str, now: UnixTime, hashes_of: &dyn Fn(&str) -> Vec<String>) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE customers SET first_name = NULL, tier = NULL, consent = 0, forgotten_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        if n == 0 {
            return Ok(false);
        }
        // The hashes of the customer's email and phone, read before they
        // are deleted: a contact stored in clear is theirs when it hashes
        // to one of them.
        let theirs: HashSet<String> = {
            let mut s =
                tx.prepare("SELECT hash FROM customer_ids WHERE customer_id = ?1 AND kind IN ('email', 'phone')")?;
            s.query_map([id], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let is_theirs = |v: &str| !theirs.is_empty() && hashes_of(v).iter().any(|h| theirs.contains(h));
        let contact_is_theirs =
            |email: Option<&str>, phone: Option<&str>| email.is_some_and(&is_theirs) || phone.is_some_and(&is_theirs);
        tx.execute("DELETE FROM customer_ids WHERE customer_id = ?1", [id])?;
        // The contacts in the erased records, to erase the messages sent to them.
        let mut recipients: HashSet<String> = HashSet::new();
        {
            let mut scrub = Vec::new();
            let mut s = tx.prepare("SELECT id, customer_id, contact FROM handoffs WHERE contact IS NOT NULL")?;
            let rows = s.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (hid, cid, c) = row?;
                let c: vitrine_core::wire::Contact = serde_json::from_str(&c).map_err(corrupt)?;
                if cid.as_deref() == Some(id) || contact_is_theirs(c.email.as_deref(), c.phone.as_deref()) {
                    recipients.extend(c.email.iter().chain(&c.phone).map(|v| v.trim().to_string()));
                    scrub.push(hid);
                }
            }
            for hid in scrub {
                tx.execute("UPDATE handoffs SET contact = NULL WHERE id = ?1", [hid])?;
            }

            let mut s = tx.prepare("SELECT id, request FROM orders")?;
            let mut scrub = Vec::new();
            for row in s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (oid, req) = row?;
                let mut req: OrderRequest = serde_json::from_str(&req).map_err(corrupt)?;
                let c = &req.customer;
                if c.customer_id.as_deref() == Some(id) || contact_is_theirs(c.email.as_deref(), c.phone.as_deref()) {
                    recipients.extend(req.customer.email.take().map(|v| v.trim().to_string()));
                    recipients.extend(req.customer.phone.take().map(|v| v.trim().to_string()));
                    req.customer.name = "-".into();
                    scrub.push((oid, serde_json::to_string(&req).map_err(corrupt)?));
                }
            }
            for (oid, req) in scrub {
                tx.execute("UPDATE orders SET request = ?2 WHERE id = ?1", params![oid, req])?;
            }

            let mut s = tx.prepare("SELECT id, customer_id, email FROM surveys WHERE email IS NOT NULL")?;
            let mut scrub = Vec::new();
            let rows = s.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (sid, cid, email) = row?;
                if cid.as_deref() == Some(id) || is_theirs(&email) {
                    recipients.insert(email.trim().to_string());
                    scrub.push(sid);
                }
            }
            for sid in scrub {
                tx.execute("UPDATE surveys SET email = NULL WHERE id = ?1", [sid])?;
            }

            let mut s = tx.prepare("SELECT id, recipient FROM notifications")?;
            let mut erase = Vec::new();
            for row in s.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
                let (nid, to) = row?;
                if recipients.contains(to.trim()) || is_theirs(&to) {
                    erase.push(nid);
                }
            }
            for nid in erase {
                tx.execute("DELETE FROM notifications WHERE id = ?1", [nid])?;
            }
        }
        tx.commit()?;
        // The erased bytes must not linger in the write-ahead log either.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(true)
    }

    fn put_coupon(&self, c: &CouponRecord) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        insert_coupon(&tx, c)?;
        tx.commit()?;
        Ok(())
    }

    fn coupon(&self, code: &str) -> Result<Option<CouponRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!(
                    "SELECT {COUPON_COLS} FROM coupons c LEFT JOIN redemptions r ON r.code = c.code WHERE c.code = ?1"
                ),
                [code],
                coupon_row,
            )
            .optional()?)
    }

    fn live_coupons(&self, customer_id: &str, now: UnixTime) -> Result<Vec<CouponRecord>> {
        let conn = self.lock();
        let mut s = conn.prepare(&format!(
            "SELECT {COUPON_COLS} FROM coupons c LEFT JOIN redemptions r ON r.code = c.code
             WHERE c.customer_id = ?1 AND r.code IS NULL AND c.valid_until > ?2
               AND (c.valid_from IS NULL OR c.valid_from <= ?2) ORDER BY c.code"
        ))?;
        let rows = s.query_map(params![customer_id, now], coupon_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn redeem(&self, r: &Redemption) -> Result<Redeem> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let coupon = tx
            .query_row(
                &format!(
                    "SELECT {COUPON_COLS} FROM coupons c LEFT JOIN redemptions r ON r.code = c.code WHERE c.code = ?1"
                ),
                [&r.code],
                coupon_row,
            )
            .optional()?;
        let Some(c) = coupon else { return Ok(Redeem::Unknown) };
        if let Some(old) = c.redemption {
            return Ok(if old.reference == r.reference {
                Redeem::AlreadyThis
            } else {
                Redeem::UsedElsewhere(old)
            });
        }
        // An offline kiosk's use counts at the time the shopper used it.
        if r.used_at >= c.valid_until {
            return Ok(Redeem::Expired(c.valid_until));
        }
        tx.execute(
            "INSERT INTO redemptions(code, channel, reference, store, used_at, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.code, r.channel, r.reference, r.store, r.used_at, r.recorded_at],
        )?;
        // The reminder of an unused coupon is not sent once it is used.
        tx.execute(
            "UPDATE notifications SET next_at = NULL, last_error = 'cancelled: the coupon was used'
             WHERE until_redeemed = ?1 AND sent_at IS NULL",
            [&r.code],
        )?;
        tx.commit()?;
        Ok(Redeem::Recorded)
    }

    fn coupons_redeemed_for(&self, reference: &str) -> Result<Vec<CouponRecord>> {
        let conn = self.lock();
        let mut s = conn.prepare(&format!(
            "SELECT {COUPON_COLS} FROM redemptions r JOIN coupons c ON c.code = r.code
             WHERE r.reference = ?1 ORDER BY r.recorded_at, c.code"
        ))?;
        let rows = s.query_map([reference], coupon_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn schedule_survey(&self, s: &SurveyRecord, notes: &[Scheduled]) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let n = tx.execute(
            &format!("INSERT OR IGNORE INTO surveys({SURVEY_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL, NULL)"),
            params![s.id, s.customer_id, s.email, s.lang, s.reference, s.created_at],
        )?;
        if n == 1 {
            insert_scheduled(&tx, notes, s.created_at)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    fn survey(&self, id: &str) -> Result<Option<SurveyRecord>> {
        Ok(self
            .lock()
            .query_row(
                &format!("SELECT {SURVEY_COLS} FROM surveys WHERE id = ?1"),
                [id],
                survey_row,
            )
            .optional()?)
    }

    fn answer_survey(
        &self,
        id: &str,
        score: u8,
        coupon: &CouponRecord,
        notes: &[Scheduled],
        now: UnixTime,
    ) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE surveys SET answered_at = ?2, score = ?3, coupon_code = ?4 WHERE id = ?1 AND answered_at IS NULL",
            params![id, now, score, coupon.code],
        )?;
        if n == 1 {
            insert_coupon(&tx, coupon)?;
            insert_scheduled(&tx, notes, now)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }
}
