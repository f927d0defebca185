//! The customer referential's tables: customers, their identifier hashes,
//! coupons, redemptions and surveys. PostgreSQL keeps an erased row's old
//! version until autovacuum reclaims it (it does not overwrite it, as
//! SQLite's `secure_delete` does): the README's reference deployment says
//! what that means for "forget".

use std::collections::HashSet;

use postgres::{Row, Transaction};
use vitrine_core::pricing::Tier;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::OrderRequest;

use super::notifications::{insert_notes, insert_scheduled};
use super::{PgStorage, corrupt};
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

/// The customer of a row whose columns from `at` on are [`CUSTOMER_COLS`].
fn customer_at(r: &Row, at: usize) -> CustomerRecord {
    CustomerRecord {
        id: r.get(at),
        first_name: r.get(at + 1),
        tier: r.get::<_, Option<&str>>(at + 2).and_then(Tier::parse),
        consent: r.get::<_, i64>(at + 3) != 0,
        created_at: r.get(at + 4),
        forgotten_at: r.get(at + 5),
        identifiers: Vec::new(),
    }
}

fn with_identifiers(c: &mut impl postgres::GenericClient, mut rec: CustomerRecord) -> Result<CustomerRecord> {
    // The card's slow-hash secret is not an identifier (`card_secret`).
    rec.identifiers = c
        .query(
            "SELECT kind FROM customer_ids WHERE customer_id = $1 AND kind != 'card_secret' ORDER BY kind",
            &[&rec.id],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(rec)
}

fn coupon_row(r: &Row) -> CouponRecord {
    let code: String = r.get(0);
    let redemption = r.get::<_, Option<String>>(8).map(|channel| Redemption {
        code: code.clone(),
        channel,
        reference: r.get(9),
        store: r.get(10),
        used_at: r.get(11),
        recorded_at: r.get(12),
    });
    CouponRecord {
        code,
        customer_id: r.get(1),
        basis_points: r.get::<_, i64>(2).clamp(0, 10_000) as u32,
        min_spend_minor: r.get(3),
        valid_from: r.get(4),
        valid_until: r.get(5),
        source: r.get(6),
        created_at: r.get(7),
        redemption,
    }
}

fn survey_row(r: &Row) -> SurveyRecord {
    SurveyRecord {
        id: r.get(0),
        customer_id: r.get(1),
        email: r.get(2),
        lang: r.get(3),
        reference: r.get(4),
        created_at: r.get(5),
        answered_at: r.get(6),
        score: r.get::<_, Option<i64>>(7).map(|s| s.clamp(0, 255) as u8),
        coupon_code: r.get(8),
    }
}

fn insert_coupon(tx: &mut Transaction<'_>, c: &CouponRecord) -> Result<()> {
    tx.execute(
        "INSERT INTO coupons(code, customer_id, basis_points, min_spend_minor, valid_from, valid_until, source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &c.code,
            &c.customer_id,
            &i64::from(c.basis_points),
            &c.min_spend_minor,
            &c.valid_from,
            &c.valid_until,
            &c.source,
            &c.created_at,
        ],
    )?;
    Ok(())
}

fn coupon_by_code(c: &mut impl postgres::GenericClient, code: &str) -> Result<Option<CouponRecord>> {
    Ok(c.query_opt(
        &format!("SELECT {COUPON_COLS} FROM coupons c LEFT JOIN redemptions r ON r.code = c.code WHERE c.code = $1"),
        &[&code],
    )?
    .map(|r| coupon_row(&r)))
}

impl CustomerStore for PgStorage {
    fn open_challenge(
        &self,
        c: &ChallengeRecord,
        limits: ChallengeLimits,
        note: Option<&NewNotification>,
    ) -> Result<Opened> {
        super::off_runtime(|| {
            self.write(|tx| {
            let since = c.created_at - limits.window_s;
            for (col, v, max) in [
                ("contact_hash", &c.contact_hash, limits.per_contact),
                ("device_id", &c.device_id, limits.per_device),
            ] {
                let r = tx.query_one(
                    &format!(
                        "SELECT COUNT(*), MIN(created_at) FROM identify_challenges WHERE {col} = $1 AND created_at > $2"
                    ),
                    &[v, &since],
                )?;
                let n: i64 = r.get(0);
                let oldest: Option<i64> = r.get(1);
                // The oldest challenge in the window frees a slot when it leaves it.
                if n >= i64::from(max) {
                    let retry_at = oldest.unwrap_or(c.created_at) + limits.window_s;
                    return Ok(Opened::RateLimited { retry_at });
                }
            }
            tx.execute(
                "INSERT INTO identify_challenges(id, kind, contact_hash, device_id, customer_id, code_hash, created_at, expires_at, attempts)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0)",
                &[&c.id, &c.kind, &c.contact_hash, &c.device_id, &c.customer_id, &c.code_hash, &c.created_at, &c.expires_at],
            )?;
            if let Some(n) = note {
                insert_notes(tx, std::slice::from_ref(n), c.created_at)?;
            }
            Ok(Opened::Opened)
        })
        })
    }

    fn try_challenge(
        &self,
        id: &str,
        device_id: &str,
        now: UnixTime,
        max_attempts: u32,
        matches: &dyn Fn(&str) -> bool,
    ) -> Result<CodeCheck> {
        super::off_runtime_local(|| {
            self.write(|tx| {
                let Some(r) = tx.query_opt(
                    "SELECT customer_id, code_hash, expires_at, attempts, passed_at, kind FROM identify_challenges
                 WHERE id = $1 AND device_id = $2",
                    &[&id, &device_id],
                )?
                else {
                    return Ok(CodeCheck::Closed);
                };
                let customer: Option<String> = r.get(0);
                let code_hash: String = r.get(1);
                let expires_at: i64 = r.get(2);
                let attempts = r.get::<_, i64>(3).clamp(0, i64::from(u32::MAX)) as u32;
                let passed_at: Option<i64> = r.get(4);
                let kind: String = r.get(5);
                if passed_at.is_some() || now >= expires_at || attempts >= max_attempts {
                    return Ok(CodeCheck::Closed);
                }
                Ok(match customer {
                    Some(c) if matches(&code_hash) => {
                        tx.execute(
                            "UPDATE identify_challenges SET attempts = attempts + 1, passed_at = $2 WHERE id = $1",
                            &[&id, &now],
                        )?;
                        CodeCheck::Passed { customer_id: c, kind }
                    }
                    _ => {
                        tx.execute(
                            "UPDATE identify_challenges SET attempts = attempts + 1 WHERE id = $1",
                            &[&id],
                        )?;
                        CodeCheck::Wrong {
                            left: max_attempts - attempts - 1,
                        }
                    }
                })
            })
        })
    }

    fn add_customer(&self, c: &CustomerRecord, hashes: &[IdentifierHash]) -> Result<()> {
        super::off_runtime(|| {
            self.write(|tx| {
                for IdentifierHash { kind, hash } in hashes {
                    if let Some(r) = tx.query_opt("SELECT customer_id FROM customer_ids WHERE hash = $1", &[hash])? {
                        let other: String = r.get(0);
                        return Err(StorageError::Duplicate(format!(
                            "this {kind} is already on file for customer {other}"
                        )));
                    }
                }
                tx.execute(
                    &format!("INSERT INTO customers({CUSTOMER_COLS}) VALUES ($1, $2, $3, $4, $5, NULL)"),
                    &[
                        &c.id,
                        &c.first_name,
                        &tier_str(c.tier),
                        &i64::from(c.consent),
                        &c.created_at,
                    ],
                )?;
                for IdentifierHash { kind, hash } in hashes {
                    tx.execute(
                        "INSERT INTO customer_ids(hash, customer_id, kind) VALUES ($1, $2, $3)",
                        &[hash, &c.id, kind],
                    )?;
                }
                Ok(())
            })
        })
    }

    fn customer(&self, id: &str) -> Result<Option<CustomerRecord>> {
        super::off_runtime(|| {
            let mut conn = self.conn()?;
            let c = conn
                .query_opt(&format!("SELECT {CUSTOMER_COLS} FROM customers WHERE id = $1"), &[&id])?
                .map(|r| customer_at(&r, 0));
            c.map(|c| with_identifiers(&mut *conn, c)).transpose()
        })
    }

    fn customer_by_hash(&self, hash: &str) -> Result<Option<CustomerRecord>> {
        super::off_runtime(|| {
            let mut conn = self.conn()?;
            let c = conn
                .query_opt(
                    "SELECT c.id, c.first_name, c.tier, c.consent, c.created_at, c.forgotten_at
                 FROM customer_ids i JOIN customers c ON c.id = i.customer_id
                 WHERE i.hash = $1 AND c.forgotten_at IS NULL",
                    &[&hash],
                )?
                .map(|r| customer_at(&r, 0));
            c.map(|c| with_identifiers(&mut *conn, c)).transpose()
        })
    }

    fn card_holders(&self) -> Result<Vec<CardHolder>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query(
                    "SELECT i.hash, c.id, c.first_name, c.tier, c.consent, c.created_at, c.forgotten_at
                 FROM customer_ids i JOIN customers c ON c.id = i.customer_id
                 WHERE i.kind = 'card_secret' AND c.forgotten_at IS NULL ORDER BY i.hash",
                    &[],
                )?
                .iter()
                .map(|r| {
                    let mut customer = customer_at(r, 1);
                    customer.identifiers = vec!["card".into()];
                    CardHolder {
                        hash: r.get(0),
                        customer,
                    }
                })
                .collect())
        })
    }

    fn forget_customer(&self, id: &str, now: UnixTime, hashes_of: &dyn Fn(&str) -> Vec<String>) -> Result<bool> {
        super::off_runtime_local(|| {
            self.write(|tx| {
                let n = tx.execute(
                    "UPDATE customers SET first_name = NULL, tier = NULL, consent = 0, forgotten_at = $2 WHERE id = $1",
                    &[&id, &now],
                )?;
                if n == 0 {
                    return Ok(false);
                }
                // The hashes of the customer's email and phone, read before they
                // are deleted: a contact stored in clear is theirs when it hashes
                // to one of them.
                let theirs: HashSet<String> = tx
                    .query(
                        "SELECT hash FROM customer_ids WHERE customer_id = $1 AND kind IN ('email', 'phone')",
                        &[&id],
                    )?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let is_theirs = |v: &str| !theirs.is_empty() && hashes_of(v).iter().any(|h| theirs.contains(h));
                let contact_is_theirs = |email: Option<&str>, phone: Option<&str>| {
                    email.is_some_and(&is_theirs) || phone.is_some_and(&is_theirs)
                };
                tx.execute("DELETE FROM customer_ids WHERE customer_id = $1", &[&id])?;
                tx.execute("DELETE FROM identify_challenges WHERE customer_id = $1", &[&id])?;
                // The contacts in the erased records, to erase the messages sent to them.
                let mut recipients: HashSet<String> = HashSet::new();

                let mut scrub = Vec::new();
                for r in tx.query(
                    "SELECT id, customer_id, contact FROM handoffs WHERE contact IS NOT NULL",
                    &[],
                )? {
                    let hid: String = r.get(0);
                    let cid: Option<&str> = r.get(1);
                    let c: vitrine_core::wire::Contact = serde_json::from_str(r.get(2)).map_err(corrupt)?;
                    if cid == Some(id) || contact_is_theirs(c.email.as_deref(), c.phone.as_deref()) {
                        recipients.extend(c.email.iter().chain(&c.phone).map(|v| v.trim().to_string()));
                        scrub.push(hid);
                    }
                }
                for hid in scrub {
                    tx.execute("UPDATE handoffs SET contact = NULL WHERE id = $1", &[&hid])?;
                }

                let mut scrub = Vec::new();
                for r in tx.query("SELECT id, request FROM orders", &[])? {
                    let oid: String = r.get(0);
                    let mut req: OrderRequest = serde_json::from_str(r.get(1)).map_err(corrupt)?;
                    let c = &req.customer;
                    if c.customer_id.as_deref() == Some(id) || contact_is_theirs(c.email.as_deref(), c.phone.as_deref())
                    {
                        recipients.extend(req.customer.email.take().map(|v| v.trim().to_string()));
                        recipients.extend(req.customer.phone.take().map(|v| v.trim().to_string()));
                        req.customer.name = "-".into();
                        scrub.push((oid, serde_json::to_string(&req).map_err(corrupt)?));
                    }
                }
                for (oid, req) in scrub {
                    tx.execute("UPDATE orders SET request = $2 WHERE id = $1", &[&oid, &req])?;
                }

                let mut scrub = Vec::new();
                for r in tx.query(
                    "SELECT id, customer_id, email FROM surveys WHERE email IS NOT NULL",
                    &[],
                )? {
                    let sid: String = r.get(0);
                    let cid: Option<&str> = r.get(1);
                    let email: String = r.get(2);
                    if cid == Some(id) || is_theirs(&email) {
                        recipients.insert(email.trim().to_string());
                        scrub.push(sid);
                    }
                }
                for sid in scrub {
                    tx.execute("UPDATE surveys SET email = NULL WHERE id = $1", &[&sid])?;
                }

                let mut erase = Vec::new();
                for r in tx.query("SELECT id, recipient FROM notifications", &[])? {
                    let nid: i64 = r.get(0);
                    let to: &str = r.get(1);
                    if recipients.contains(to.trim()) || is_theirs(to) {
                        erase.push(nid);
                    }
                }
                for nid in erase {
                    tx.execute("DELETE FROM notifications WHERE id = $1", &[&nid])?;
                }
                Ok(true)
            })
        })
    }

    fn put_coupon(&self, c: &CouponRecord) -> Result<()> {
        super::off_runtime(|| self.write(|tx| insert_coupon(tx, c)))
    }

    fn coupon(&self, code: &str) -> Result<Option<CouponRecord>> {
        super::off_runtime(|| coupon_by_code(&mut *self.conn()?, code))
    }

    fn live_coupons(&self, customer_id: &str, now: UnixTime) -> Result<Vec<CouponRecord>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query(
                    &format!(
                        "SELECT {COUPON_COLS} FROM coupons c LEFT JOIN redemptions r ON r.code = c.code
                     WHERE c.customer_id = $1 AND r.code IS NULL AND c.valid_until > $2
                       AND (c.valid_from IS NULL OR c.valid_from <= $2) ORDER BY c.code"
                    ),
                    &[&customer_id, &now],
                )?
                .iter()
                .map(coupon_row)
                .collect())
        })
    }

    fn redeem(&self, r: &Redemption) -> Result<Redeem> {
        super::off_runtime(|| {
            self.write(|tx| {
            let Some(c) = coupon_by_code(tx, &r.code)? else {
                return Ok(Redeem::Unknown);
            };
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
                "INSERT INTO redemptions(code, channel, reference, store, used_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&r.code, &r.channel, &r.reference, &r.store, &r.used_at, &r.recorded_at],
            )?;
            // The reminder of an unused coupon is not sent once it is used.
            tx.execute(
                "UPDATE notifications SET next_at = NULL, last_error = 'cancelled: the coupon was used'
                 WHERE until_redeemed = $1 AND sent_at IS NULL",
                &[&r.code],
            )?;
            Ok(Redeem::Recorded)
        })
        })
    }

    fn coupons_redeemed_for(&self, reference: &str) -> Result<Vec<CouponRecord>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query(
                    &format!(
                        "SELECT {COUPON_COLS} FROM redemptions r JOIN coupons c ON c.code = r.code
                     WHERE r.reference = $1 ORDER BY r.recorded_at, c.code"
                    ),
                    &[&reference],
                )?
                .iter()
                .map(coupon_row)
                .collect())
        })
    }

    fn schedule_survey(&self, s: &SurveyRecord, notes: &[Scheduled]) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
                let n = tx.execute(
                    &format!(
                        "INSERT INTO surveys({SURVEY_COLS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL)
                     ON CONFLICT DO NOTHING"
                    ),
                    &[&s.id, &s.customer_id, &s.email, &s.lang, &s.reference, &s.created_at],
                )?;
                if n == 1 {
                    insert_scheduled(tx, notes, s.created_at)?;
                }
                Ok(n == 1)
            })
        })
    }

    fn survey(&self, id: &str) -> Result<Option<SurveyRecord>> {
        super::off_runtime(|| {
            Ok(self
                .conn()?
                .query_opt(&format!("SELECT {SURVEY_COLS} FROM surveys WHERE id = $1"), &[&id])?
                .map(|r| survey_row(&r)))
        })
    }

    fn answer_survey(
        &self,
        id: &str,
        score: u8,
        coupon: &CouponRecord,
        notes: &[Scheduled],
        now: UnixTime,
    ) -> Result<bool> {
        super::off_runtime(|| {
            self.write(|tx| {
            let n = tx.execute(
                "UPDATE surveys SET answered_at = $2, score = $3, coupon_code = $4 WHERE id = $1 AND answered_at IS NULL",
                &[&id, &now, &i64::from(score), &coupon.code],
            )?;
            if n == 1 {
                insert_coupon(tx, coupon)?;
                insert_scheduled(tx, notes, now)?;
            }
            Ok(n == 1)
        })
        })
    }
}
