//! The outbox: every handoff and click&collect order leaves the kiosk through
//! it. [`Outbox::queue_handoff`] and [`Outbox::queue_order`] write the record
//! and its outbox row in one SQLite transaction and return at once (no
//! network); the sync worker sends each message with its id until HQ takes
//! it, retrying with capped exponential backoff and full jitter, and moves a
//! message HQ refuses (4xx) to the dead-letter table so it never blocks the
//! queue.
//!
//! The methods are synchronous and short (one small transaction): call them
//! from a worker thread, never from the UI thread's event loop callbacks.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{Notify, watch};
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::{
    Contact, HandoffBasket, HandoffLine, HandoffSend, HandoffSubmit, OrderCustomer, OrderRequest, handoff_url,
    order_number,
};

use super::store::{self, DeviceIdentity};
use super::{SyncError, SyncStatus};

/// A message kind in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Handoff,
    Order,
    /// A handoff's link to send to the contact typed on the kiosk.
    HandoffLink,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Handoff => "handoff",
            MessageKind::Order => "order",
            MessageKind::HandoffLink => "handoff-link",
        }
    }

    fn parse(s: &str) -> MessageKind {
        match s {
            "order" => MessageKind::Order,
            "handoff-link" => MessageKind::HandoffLink,
            _ => MessageKind::Handoff,
        }
    }
}

/// A queued handoff: its id and the URL the QR code shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedHandoff {
    pub id: Uuid,
    pub url: String,
}

/// A queued order: its id and the number the shopper reads at the counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedOrder {
    pub id: Uuid,
    pub number: String,
}

/// What the UI knows of a click&collect order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub lines: Vec<HandoffLine>,
    pub customer: OrderCustomer,
    /// Language of the confirmation email/SMS.
    pub lang: Lang,
}

/// A message HQ refused for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: String,
    pub kind: String,
    pub http_status: Option<u16>,
    pub error: String,
    pub attempts: i64,
    pub dead_at: UnixTime,
}

/// A message waiting to be sent.
#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: i64,
    pub kind: MessageKind,
    pub id: Uuid,
    pub body: String,
    pub attempts: u32,
}

/// Handle on the outbox, cheap to clone, shared by the UI's worker thread,
/// the CLI and the sync worker.
#[derive(Clone)]
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
    wake: Arc<Notify>,
    status: Arc<watch::Sender<SyncStatus>>,
    clock: fn() -> UnixTime,
    /// SQLite's `data_version` when last looked at: it moves when another
    /// connection (another process: `vitrine handoff`, `vitrine enroll`)
    /// commits to kiosk.sqlite.
    seen_version: Arc<AtomicI64>,
}

impl Outbox {
    /// Opens `kiosk.sqlite` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Outbox, SyncError> {
        let conn = store::open(data_dir)?;
        let (tx, _rx) = watch::channel(SyncStatus::default());
        let ob = Outbox {
            conn: Arc::new(Mutex::new(conn)),
            wake: Arc::new(Notify::new()),
            status: Arc::new(tx),
            clock: crate::clock::now,
            seen_version: Arc::new(AtomicI64::new(0)),
        };
        ob.written_elsewhere();
        ob.refresh_status()?;
        Ok(ob)
    }

    /// Uses another clock (tests).
    pub fn with_clock(mut self, clock: fn() -> UnixTime) -> Outbox {
        self.clock = clock;
        self
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // std Mutex, not tokio's: nothing is awaited while it is held. A
        // poisoned lock only means another thread panicked mid-call; SQLite's
        // transaction already rolled back, so the connection is usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The status channel the worker publishes on.
    pub(crate) fn status_sender(&self) -> Arc<watch::Sender<SyncStatus>> {
        self.status.clone()
    }

    /// A receiver of the sync status (online, last sync, queue depth,
    /// catalog version, last error).
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Woken when something is queued.
    pub(crate) fn wake_signal(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Whether another connection has committed to kiosk.sqlite since the
    /// last call (a message queued by another process, an enrollment): the
    /// sync worker then sends at once and refreshes its status. Writes
    /// through this handle wake the worker directly.
    pub fn written_elsewhere(&self) -> bool {
        let v = match self.lock().query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0)) {
            Ok(v) => v,
            Err(e) => {
                tracing::debug!(error = %e, "cannot read kiosk.sqlite's data_version");
                return false;
            }
        };
        self.seen_version.swap(v, Ordering::SeqCst) != v
    }

    /// The enrolled identity, if the kiosk is enrolled.
    pub fn identity(&self) -> Result<Option<DeviceIdentity>, SyncError> {
        store::identity(&self.lock())
    }

    pub fn save_identity(&self, id: &DeviceIdentity) -> Result<(), SyncError> {
        store::save_identity(&self.lock(), id)?;
        self.status.send_modify(|s| s.configured = true);
        self.wake.notify_one();
        Ok(())
    }

    fn require_identity(&self, conn: &Connection) -> Result<DeviceIdentity, SyncError> {
        store::identity(conn)?.ok_or(SyncError::NotEnrolled)
    }

    /// Queues a basket for the shopper's phone; returns its id and the URL
    /// for the QR code (`{public_base_url}/h/{id}#{signed compact basket}`),
    /// which works even if HQ never hears from this kiosk.
    pub fn queue_handoff(
        &self,
        lines: &[HandoffLine],
        contact: Option<Contact>,
        customer_id: Option<String>,
    ) -> Result<QueuedHandoff, SyncError> {
        let mut conn = self.lock();
        let ident = self.require_identity(&conn)?;
        if let Some(c) = &contact {
            c.validate().map_err(SyncError::Invalid)?;
        }
        let basket = HandoffBasket {
            id: Uuid::now_v7(),
            device_id: ident.device_id.clone(),
            store: ident.store.clone(),
            created_at: (self.clock)(),
            lines: merge_lines(lines),
        };
        basket.validate().map_err(|e| SyncError::Invalid(e.to_string()))?;
        let compact = basket.to_compact(&ident.device_key);
        let url = handoff_url(&ident.public_base_url, &basket.id, &compact);
        let body = serde_json::to_string(&HandoffSubmit {
            compact,
            contact: contact.filter(|c| !c.is_empty()),
            customer_id,
        })
        .map_err(|e| SyncError::Invalid(e.to_string()))?;
        let lines_json = serde_json::to_string(&basket.lines).map_err(|e| SyncError::Invalid(e.to_string()))?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO handoffs(id, store, created_at, lines, url) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![basket.id.to_string(), basket.store, basket.created_at, lines_json, url],
        )?;
        tx.execute(
            "INSERT INTO outbox(kind, message_id, body, created_at) VALUES ('handoff', ?1, ?2, ?3)",
            params![basket.id.to_string(), body, basket.created_at],
        )?;
        tx.commit()?;
        drop(conn);
        self.after_queue();
        tracing::info!(handoff = %basket.id, lines = basket.lines.len(), "handoff queued");
        Ok(QueuedHandoff { id: basket.id, url })
    }

    /// Queues the link of handoff `handoff` (queued before on this kiosk)
    /// for HQ to send to `contact`, in `lang`. Behind the handoff in the
    /// outbox, so HQ has the basket when it is asked to send it. The
    /// contact stays on disk only until HQ has it (see
    /// [`Outbox::delivered`]).
    pub fn queue_handoff_link(&self, handoff: &Uuid, contact: Contact, lang: Lang) -> Result<Uuid, SyncError> {
        let conn = self.lock();
        self.require_identity(&conn)?;
        let known: i64 = conn.query_row(
            "SELECT COUNT(*) FROM handoffs WHERE id = ?1",
            [handoff.to_string()],
            |r| r.get(0),
        )?;
        if known == 0 {
            return Err(SyncError::Invalid(format!("no handoff {handoff} on this kiosk")));
        }
        let req = HandoffSend {
            handoff: *handoff,
            contact,
            lang,
        };
        req.validate().map_err(SyncError::Invalid)?;
        let id = Uuid::now_v7();
        let body = serde_json::to_string(&req).map_err(|e| SyncError::Invalid(e.to_string()))?;
        conn.execute(
            "INSERT INTO outbox(kind, message_id, body, created_at) VALUES ('handoff-link', ?1, ?2, ?3)",
            params![id.to_string(), body, (self.clock)()],
        )?;
        drop(conn);
        self.after_queue();
        tracing::info!(handoff = %handoff, message = %id, "handoff link queued");
        Ok(id)
    }

    /// Queues a click&collect order; returns its id and short number.
    pub fn queue_order(&self, order: NewOrder) -> Result<QueuedOrder, SyncError> {
        self.queue_order_with_coupons(order, Vec::new())
    }

    /// [`Outbox::queue_order`] with the coupons the basket used: listed in
    /// the order for HQ, and recorded here as provisional redemptions in the
    /// same transaction (HQ confirms or refuses each on delivery).
    pub fn queue_order_with_coupons(&self, order: NewOrder, coupons: Vec<String>) -> Result<QueuedOrder, SyncError> {
        let mut conn = self.lock();
        let ident = self.require_identity(&conn)?;
        let id = Uuid::now_v7();
        let req = OrderRequest {
            id,
            store: ident.store.clone(),
            created_at: (self.clock)(),
            lines: merge_lines(&order.lines),
            customer: order.customer,
            lang: order.lang,
            coupons,
        };
        req.validate().map_err(SyncError::Invalid)?;
        let number = order_number(&id);
        let body = serde_json::to_string(&req).map_err(|e| SyncError::Invalid(e.to_string()))?;
        let lines_json = serde_json::to_string(&req.lines).map_err(|e| SyncError::Invalid(e.to_string()))?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO orders(id, number, store, created_at, lines) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), number, req.store, req.created_at, lines_json],
        )?;
        tx.execute(
            "INSERT INTO outbox(kind, message_id, body, created_at) VALUES ('order', ?1, ?2, ?3)",
            params![id.to_string(), body, req.created_at],
        )?;
        for c in &req.coupons {
            tx.execute(
                "INSERT INTO redemptions(code, order_id, used_at, status) VALUES (?1, ?2, ?3, 'provisional')
                 ON CONFLICT(code) DO UPDATE SET order_id = excluded.order_id, used_at = excluded.used_at,
                   status = 'provisional', reason = NULL",
                params![c, id.to_string(), req.created_at],
            )?;
        }
        tx.commit()?;
        drop(conn);
        self.after_queue();
        tracing::info!(order = %id, number = %number, "order queued");
        Ok(QueuedOrder { id, number })
    }

    fn after_queue(&self) {
        if let Err(e) = self.refresh_status() {
            tracing::warn!(error = %e, "cannot count the outbox");
        }
        self.wake.notify_one();
    }

    /// Messages waiting, and messages HQ refused.
    pub fn counts(&self) -> Result<(u64, u64), SyncError> {
        store::counts(&self.lock())
    }

    /// Re-reads the counts into the published status.
    pub fn refresh_status(&self) -> Result<(), SyncError> {
        let (pending, dead) = self.counts()?;
        let ident = self.identity()?;
        let hq_url = ident.as_ref().map(|i| i.hq_url.clone());
        let store = ident.map(|i| i.store);
        let configured = hq_url.is_some();
        let card_prefix: Option<String> = self
            .lock()
            .query_row("SELECT prefix FROM card_meta WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        self.status.send_if_modified(|s| {
            let changed = s.outbox_pending != pending
                || s.outbox_dead != dead
                || s.configured != configured
                || s.hq_url != hq_url
                || s.store != store
                || s.card_prefix != card_prefix;
            s.outbox_pending = pending;
            s.outbox_dead = dead;
            s.configured = configured;
            s.hq_url = hq_url;
            s.store = store;
            s.card_prefix = card_prefix;
            changed
        });
        Ok(())
    }

    /// The oldest message waiting.
    pub fn next_pending(&self) -> Result<Option<Pending>, SyncError> {
        let conn = self.lock();
        let row = conn
            .query_row(
                "SELECT seq, kind, message_id, body, attempts FROM outbox ORDER BY seq LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.and_then(|(seq, kind, id, body, attempts)| {
            Uuid::parse_str(&id).ok().map(|id| Pending {
                seq,
                kind: MessageKind::parse(&kind),
                id,
                body,
                attempts: attempts.max(0) as u32,
            })
        }))
    }

    /// HQ took the message: remove it from the outbox and mark the record
    /// delivered (with the order's status), in one transaction.
    pub fn delivered(&self, p: &Pending, order_status: Option<&str>) -> Result<(), SyncError> {
        let now = (self.clock)();
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [p.seq])?;
            match p.kind {
                MessageKind::Handoff => {
                    tx.execute(
                        "UPDATE handoffs SET delivered_at = ?2 WHERE id = ?1",
                        params![p.id.to_string(), now],
                    )?;
                }
                MessageKind::Order => {
                    tx.execute(
                        "UPDATE orders SET delivered_at = ?2, status = ?3 WHERE id = ?1",
                        params![p.id.to_string(), now, order_status],
                    )?;
                }
                // Nothing kept here: the link is HQ's to send now.
                MessageKind::HandoffLink => {}
            }
            tx.commit()?;
        }
        self.refresh_status()?;
        self.purge_if_drained();
        Ok(())
    }

    /// Once nothing is left to send, no shopper's contact details may stay
    /// on disk: deleted rows are already zeroed (`secure_delete`), and the
    /// WAL, which still holds the pages as they were when the message was
    /// queued, is checkpointed and truncated. Best effort: a reader holding
    /// the WAL delays it to the next drained queue.
    fn purge_if_drained(&self) {
        let conn = self.lock();
        let pending = store::counts(&conn).map(|(p, _)| p).unwrap_or(1);
        if pending != 0 {
            return;
        }
        // The pragma answers (busy, WAL frames, frames checkpointed); busy
        // is an answer, not an error.
        match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        }) {
            Ok((0, _, _)) => {}
            Ok((_, log, done)) => tracing::warn!(
                wal_frames = log,
                checkpointed = done,
                "kiosk.sqlite's WAL could not be truncated after the outbox drained (a reader held it); retried at the next delivery"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot checkpoint kiosk.sqlite after the outbox drained"),
        }
    }

    /// A failed attempt that may work later.
    pub fn failed(&self, p: &Pending, error: &str) -> Result<(), SyncError> {
        self.lock().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1",
            params![p.seq, error],
        )?;
        Ok(())
    }

    /// HQ refused the message for good: move it to the dead-letter table.
    pub fn dead_letter(&self, p: &Pending, http_status: Option<u16>, error: &str) -> Result<(), SyncError> {
        let now = (self.clock)();
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO dead_letters(message_id, kind, body, http_status, error, attempts, created_at, dead_at)
                 SELECT message_id, kind, ?5, ?2, ?3, attempts + 1, created_at, ?4 FROM outbox WHERE seq = ?1",
                params![p.seq, http_status, error, now, redact(&p.body)],
            )?;
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [p.seq])?;
            tx.commit()?;
        }
        tracing::warn!(message = %p.id, kind = p.kind.as_str(), status = ?http_status, "HQ refused a message; moved to the dead-letter table");
        self.refresh_status()?;
        self.purge_if_drained();
        Ok(())
    }

    /// The dead letters, newest first.
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, SyncError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT message_id, kind, http_status, error, attempts, dead_at FROM dead_letters ORDER BY dead_at DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DeadLetter {
                id: r.get(0)?,
                kind: r.get(1)?,
                http_status: r.get(2)?,
                error: r.get(3)?,
                attempts: r.get(4)?,
                dead_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether a handoff or order with this id was delivered to HQ.
    pub fn is_delivered(&self, id: &Uuid) -> Result<bool, SyncError> {
        let conn = self.lock();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM handoffs WHERE id = ?1 AND delivered_at IS NOT NULL",
            [id.to_string()],
            |r| r.get(0),
        )?;
        let m: i64 = conn.query_row(
            "SELECT COUNT(*) FROM orders WHERE id = ?1 AND delivered_at IS NOT NULL",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(n + m > 0)
    }
}

/// A dead letter keeps its body for staff to see what was refused, but not
/// the shopper's contact details: it will never be delivered, so they have
/// no reason to stay (a handoff's `contact`, an order's customer name,
/// email and phone are replaced by `"[redacted]"`).
fn redact(body: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(body) else {
        return "[redacted: unreadable body]".into();
    };
    let hidden = serde_json::Value::String("[redacted]".into());
    if let Some(o) = v.as_object_mut()
        && o.contains_key("contact")
    {
        o.insert("contact".into(), hidden.clone());
    }
    if let Some(c) = v.get_mut("customer").and_then(|c| c.as_object_mut()) {
        for k in ["name", "email", "phone"] {
            if c.contains_key(k) {
                c.insert(k.into(), hidden.clone());
            }
        }
    }
    v.to_string()
}

/// Merges lines of the same product (the QR code stays small and HQ sees one
/// line per product). A weighed or label-priced pack stays a line of its
/// own: each pack has its own price.
fn merge_lines(lines: &[HandoffLine]) -> Vec<HandoffLine> {
    let mut out: Vec<HandoffLine> = Vec::with_capacity(lines.len());
    for l in lines {
        let same = |o: &&mut HandoffLine| o.gtin == l.gtin && o.measure.is_none() && l.measure.is_none();
        match out.iter_mut().find(same) {
            Some(o) => o.quantity = o.quantity.saturating_add(l.quantity),
            None => out.push(*l),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_core::Gtin;
    use vitrine_core::sign::SecretKey;

    fn enrolled(dir: &Path) -> Outbox {
        let ob = Outbox::open(dir).unwrap().with_clock(|| 1_790_000_000);
        ob.save_identity(&DeviceIdentity {
            device_id: "dev-TEST0001".into(),
            store: "paris-01".into(),
            hq_url: "http://127.0.0.1:9".into(),
            token: "secret-token".into(),
            hq_public_key: SecretKey::from_seed([1; 32]).public(),
            device_key: SecretKey::from_seed([2; 32]),
            public_base_url: "https://hq.example".into(),
            enrolled_at: 1_790_000_000,
        })
        .unwrap();
        ob
    }

    fn line(code: &str, q: u32) -> HandoffLine {
        HandoffLine {
            gtin: Gtin::from_digits(code).unwrap(),
            quantity: q,
            measure: None,
        }
    }

    #[test]
    fn handoff_is_queued_with_a_signed_url_in_one_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let ob = enrolled(dir.path());
        let rx = ob.subscribe();
        let q = ob
            .queue_handoff(
                &[
                    line("5449000039231", 1),
                    line("5449000039231", 2),
                    line("9780439023481", 1),
                ],
                None,
                None,
            )
            .unwrap();
        assert_eq!(q.id.get_version_num(), 7);
        let (path, fragment) = q.url.split_once('#').unwrap();
        assert_eq!(path, format!("https://hq.example/h/{}", q.id));
        let basket = HandoffBasket::verify_compact(fragment, &SecretKey::from_seed([2; 32]).public()).unwrap();
        assert_eq!(basket.lines, vec![line("5449000039231", 3), line("9780439023481", 1)]);
        assert_eq!(basket.store, "paris-01");
        assert_eq!(ob.counts().unwrap(), (1, 0));
        assert_eq!(rx.borrow().outbox_pending, 1);
        // Survives a reopen (another process, a restart).
        drop(ob);
        let again = Outbox::open(dir.path()).unwrap();
        let p = again.next_pending().unwrap().unwrap();
        assert_eq!(p.id, q.id);
        assert_eq!(p.kind, MessageKind::Handoff);
        let body: HandoffSubmit = serde_json::from_str(&p.body).unwrap();
        assert_eq!(body.compact, fragment);
        again.delivered(&p, None).unwrap();
        assert_eq!(again.counts().unwrap(), (0, 0));
        assert!(again.is_delivered(&q.id).unwrap());
    }

    #[test]
    fn order_gets_a_number_and_bad_orders_are_refused_before_queueing() {
        let dir = tempfile::tempdir().unwrap();
        let ob = enrolled(dir.path());
        let customer = OrderCustomer {
            name: "Ana".into(),
            email: Some("ana@example.fr".into()),
            phone: None,
            customer_id: None,
        };
        let q = ob
            .queue_order(NewOrder {
                lines: vec![line("5449000039231", 2)],
                customer: customer.clone(),
                lang: Lang::FR,
            })
            .unwrap();
        assert_eq!(q.number, order_number(&q.id));
        let bad = ob.queue_order(NewOrder {
            lines: vec![],
            customer,
            lang: Lang::FR,
        });
        assert!(matches!(bad, Err(SyncError::Invalid(_))));
        assert_eq!(ob.counts().unwrap(), (1, 0));
        let p = ob.next_pending().unwrap().unwrap();
        ob.dead_letter(&p, Some(422), "refused").unwrap();
        assert_eq!(ob.counts().unwrap(), (0, 1));
        assert_eq!(ob.dead_letters().unwrap()[0].http_status, Some(422));
        // The dead letter keeps what was refused, not who it was for.
        let body: String = ob
            .lock()
            .query_row("SELECT body FROM dead_letters", [], |r| r.get(0))
            .unwrap();
        assert!(body.contains("5449000039231") && body.contains("[redacted]"), "{body}");
        assert!(!body.contains("Ana") && !body.contains("ana@example.fr"), "{body}");
    }

    #[test]
    fn not_enrolled_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let ob = Outbox::open(dir.path()).unwrap();
        let e = ob.queue_handoff(&[line("5449000039231", 1)], None, None).unwrap_err();
        assert!(matches!(e, SyncError::NotEnrolled));
        assert!(e.to_string().contains("vitrine enroll"), "{e}");
    }
}
