//! The customer referential's tables: customers, their identifier hashes,
//! coupons, redemptions and surveys. The connection runs with
//! `secure_delete` and "forget" checkpoints the WAL afterwards, so erased
//! bytes are overwritten in the files, not only unlinked.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};
use vitrine_core::pricing::Tier;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderRequest;

use super::notifications::insert_notes;
use super::notifications::insert_scheduled;
use super::{SqliteStorage, corrupt};
use crate::storage::NewNotification;
use crate::storage::customers::{
    CardHolder, ChallengeLimits, ChallengeRecord, CodeCheck, CouponRecord, CustomerRecord, CustomerStore,
    IdentifierHash, Opened, Redeem, Redemption, SurveyRecord,
};
use crate::storage::notifications::Scheduled;
use crate::storage::{Result, StorageError};

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
    // The card's slow-hash secret is not an identifier (`card_secret`).
    let mut s = tx.prepare_cached(
        "SELECT kind FROM customer_ids WHERE customer_id = ?1 AND kind != 'card_secret' ORDER BY kind",
    )?;
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

impl CustomerStore for SqliteStorage {
    fn open_challenge(
        &self,
        c: &ChallengeRecord,
        limits: ChallengeLimits,
        note: Option<&NewNotification>,
    ) -> Result<Opened> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let since = c.created_at - limits.window_s;
        // The oldest challenge in the window frees a slot when it leaves it.
        let count = |col: &str, v: &str| -> Result<(u32, Option<UnixTime>)> {
            Ok(tx.query_row(
                &format!(
                    "SELECT COUNT(*), MIN(created_at) FROM identify_challenges WHERE {col} = ?1 AND created_at > ?2"
                ),
                params![v, since],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        };
        for (n, oldest, max) in [
            {
                let (n, o) = count("contact_hash", &c.contact_hash)?;
                (n, o, limits.per_contact)
            },
            {
                let (n, o) = count("device_id", &c.device_id)?;
                (n, o, limits.per_device)
            },
        ] {
            if n >= max {
                let retry_at = oldest.unwrap_or(c.created_at) + limits.window_s;
                return Ok(Opened::RateLimited { retry_at });
            }
        }
        tx.execute(
            "INSERT INTO identify_challenges(id, kind, contact_hash, device_id, customer_id, code_hash, created_at, expires_at, attempts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
            params![c.id, c.kind, c.contact_hash, c.device_id, c.customer_id, c.code_hash, c.created_at, c.expires_at],
        )?;
        if let Some(n) = note {
            insert_notes(&tx, std::slice::from_ref(n), c.created_at)?;
        }
        tx.commit()?;
        Ok(Opened::Opened)
    }

    fn try_challenge(
        &self,
        id: &str,
        device_id: &str,
        now: UnixTime,
        max_attempts: u32,
        matches: &dyn Fn(&str) -> bool,
    ) -> Result<CodeCheck> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let row = tx
            .query_row(
                "SELECT customer_id, code_hash, expires_at, attempts, passed_at, kind FROM identify_challenges
                 WHERE id = ?1 AND device_id = ?2",
                params![id, device_id],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, UnixTime>(2)?,
                        r.get::<_, u32>(3)?,
                        r.get::<_, Option<UnixTime>>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((customer, code_hash, expires_at, attempts, passed_at, kind)) = row else {
            return Ok(CodeCheck::Closed);
        };
        if passed_at.is_some() || now >= expires_at || attempts >= max_attempts {
            return Ok(CodeCheck::Closed);
        }
        let outcome = match customer {
            Some(c) if matches(&code_hash) => {
                tx.execute(
                    "UPDATE identify_challenges SET attempts = attempts + 1, passed_at = ?2 WHERE id = ?1",
                    params![id, now],
                )?;
                CodeCheck::Passed { customer_id: c, kind }
            }
            _ => {
                tx.execute(
                    "UPDATE identify_challenges SET attempts = attempts + 1 WHERE id = ?1",
                    [id],
                )?;
                CodeCheck::Wrong {
                    left: max_attempts - attempts - 1,
                }
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn add_customer(&self, c: &CustomerRecord, hashes: &[IdentifierHash]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for IdentifierHash { kind, hash } in hashes {
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
        for IdentifierHash { kind, hash } in hashes {
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

    fn card_holders(&self) -> Result<Vec<CardHolder>> {
        let conn = self.lock();
        let mut s = conn.prepare(
            "SELECT i.hash, c.id, c.first_name, c.tier, c.consent, c.created_at, c.forgotten_at
             FROM customer_ids i JOIN customers c ON c.id = i.customer_id
             WHERE i.kind = 'card_secret' AND c.forgotten_at IS NULL ORDER BY i.hash",
        )?;
        let rows = s.query_map([], |r| {
            Ok(CardHolder {
                hash: r.get(0)?,
                customer: CustomerRecord {
                    id: r.get(1)?,
                    first_name: r.get(2)?,
                    tier: r.get::<_, Option<String>>(3)?.as_deref().and_then(Tier::parse),
                    consent: r.get::<_, i64>(4)? != 0,
                    created_at: r.get(5)?,
                    forgotten_at: r.get(6)?,
                    identifiers: vec!["card".into()],
                },
            })
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
        tx.execute("DELETE FROM identify_challenges WHERE customer_id = ?1", [id])?;
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
