//! The customer referential driven as an operator would (`vitrine-hq
//! customer …`, `vitrine-hq token issue`) on a real data dir, and the right
//! to erasure checked on the bytes of HQ's SQLite files.

use std::path::Path;
use std::process::Output;

use uuid::Uuid;
use vitrine_core::loyalty::{LoyaltyToken, TokenError};
use vitrine_core::pricing::Tier;
use vitrine_core::sign::PublicKey;
use vitrine_core::wire::{Contact, HandoffLine, OrderCustomer, OrderRequest, OrderStatus};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::services::ServiceError;
use vitrine_hq::services::notify::messages::claim_messages;
use vitrine_hq::services::orders::{accept_order, set_status};
use vitrine_hq::services::pricing::{price_lines, price_lines_with};
use vitrine_hq::services::survey::{after_claim, after_collected, answer_survey};
use vitrine_hq::storage::HandoffRecord;
use vitrine_hq::{Hq, SmtpConfig, admin, customers};
use vitrine_testkit::{run_hq, stdout_ok};

fn hq(dir: &Path, args: &[&str]) -> Output {
    run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), dir, args)
}

fn last_line(s: &str) -> String {
    s.lines().last().unwrap_or("").trim().to_string()
}

const NAME: &str = "Séraphine";
const EMAIL: &str = "seraphine.dupont@example.org";
const PHONE: &str = "06 71 42 93 58";
const PHONE_DIGITS: &str = "0671429358";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every byte of HQ's database files (main file, WAL, shared memory).
fn db_bytes(dir: &Path) -> Vec<u8> {
    // On PostgreSQL what its tables hold (an erased row's old version stays
    // in the server's files until autovacuum: the README says so).
    if vitrine_testkit::database_for(dir).is_some() {
        return vitrine_testkit::db_dump(dir).join("\n").into_bytes();
    }
    let mut all = Vec::new();
    for f in ["hq.sqlite", "hq.sqlite-wal", "hq.sqlite-shm"] {
        if let Ok(b) = std::fs::read(dir.join(f)) {
            all.extend(b);
        }
    }
    all
}

#[test]
fn customer_add_show_token_and_refusals_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let card = vitrine_core::loyalty::card_number("0450", 1234);
    let out = stdout_ok(&hq(
        dir.path(),
        &[
            "customer",
            "add",
            "--first-name",
            "Camille",
            "--email",
            "camille@example.com",
            "--phone",
            "+33 6 12 34 56 78",
            "--tier",
            "gold",
            "--card",
            &card,
            "--consent",
        ],
    ));
    let id = last_line(&out);
    assert!(id.starts_with("cus-"), "{out}");
    let show = stdout_ok(&hq(dir.path(), &["customer", "show", &id]));
    assert!(
        show.contains("Camille") && show.contains("Gold") && show.contains("consent      yes"),
        "{show}"
    );
    assert!(show.contains("card, email, phone"), "{show}");
    assert!(
        !show.contains("camille@example.com") && !show.contains("12 34"),
        "{show}"
    );

    // The same email twice is refused (exit 2) with a message.
    let dup = hq(
        dir.path(),
        &[
            "customer",
            "add",
            "--first-name",
            "Eve",
            "--email",
            "CAMILLE@example.com",
        ],
    );
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already on file"));
    let bad = hq(
        dir.path(),
        &["customer", "add", "--first-name", "Eve", "--card", "5449000039231"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        hq(dir.path(), &["customer", "show", "cus-nobody"]).status.code(),
        Some(2)
    );

    // A token verifies with HQ's public key, for a few minutes.
    let token = last_line(&stdout_ok(&hq(dir.path(), &["token", "issue", &id])));
    let status = stdout_ok(&hq(dir.path(), &["status"]));
    let key = status
        .lines()
        .find_map(|l| l.strip_prefix("public key"))
        .map(str::trim)
        .unwrap();
    let key = PublicKey::from_text(key).unwrap();
    let now = vitrine_hq::now();
    let t = LoyaltyToken::verify(&token, &key, now).unwrap();
    assert_eq!(
        (t.sub.as_str(), t.name.as_str(), t.tier, t.consent),
        (id.as_str(), "Camille", Some(Tier::Gold), true)
    );
    assert!(matches!(
        LoyaltyToken::verify(&token, &key, now + 3600),
        Err(TokenError::Expired(_))
    ));
    assert_eq!(hq(dir.path(), &["token", "issue", "cus-nobody"]).status.code(), Some(2));
}

#[test]
fn forget_me_leaves_no_personal_data_in_hqs_database() {
    let dir = tempfile::tempdir().unwrap();
    let card = vitrine_core::loyalty::card_number("0450", 77);
    let out = stdout_ok(&hq(
        dir.path(),
        &[
            "customer",
            "add",
            "--first-name",
            NAME,
            "--email",
            EMAIL,
            "--phone",
            PHONE,
            "--card",
            &card,
            "--tier",
            "silver",
            "--consent",
        ],
    ));
    let id = last_line(&out);
    let (anon_order_id, other_order_id): (Uuid, Uuid);

    // The customer shops: a click&collect order collected (thank-you and
    // survey queued), a survey answered (coupon, reminder queued) and a
    // handoff claimed with their contact.
    {
        let mut cfg = vitrine_testkit::hq_config(dir.path());
        cfg.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: 9,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        let h = Hq::open(cfg).unwrap();
        let products = r#"{"gtin14":"05449000039231","name":"Nordic must original"}"#;
        admin::import(&h, products.as_bytes(), Some(vitrine_core::demo::DEMO_SEED)).unwrap();
        let (dev_id, _) = admin::device_add(&h, "paris-01").unwrap();
        let dev = h.storage.device(&dev_id).unwrap().unwrap();
        let gtin = Gtin::from_digits("05449000039231").unwrap();
        let req = OrderRequest {
            id: Uuid::now_v7(),
            store: "paris-01".into(),
            created_at: vitrine_hq::now(),
            lines: vec![HandoffLine::new(gtin, 2)],
            customer: OrderCustomer {
                name: format!("{NAME} Dupont"),
                email: Some(EMAIL.into()),
                phone: Some(PHONE.into()),
                customer_id: Some(id.clone()),
            },
            lang: Lang::FR,
            coupons: vec![],
            // The loyalty token HQ signed vouches for the customer.
            identification: Some(vitrine_hq::customers::issue_token(&h, &id).unwrap()),
        };
        accept_order(&h, &dev, &req).unwrap();
        let mut o = None;
        for st in [OrderStatus::Preparing, OrderStatus::Ready, OrderStatus::Collected] {
            o = set_status(&h, "paris-01", &req.id, st, "test", None).unwrap();
        }
        // Collected scheduled the survey loop once, for good.
        assert!(!after_collected(&h, &o.unwrap()).unwrap());
        let survey_id: String = vitrine_testkit::db_column(dir.path(), "SELECT id FROM surveys").remove(0);
        let coupon = answer_survey(&h, &survey_id, 5).unwrap();
        assert_eq!(coupon.customer_id.as_deref(), Some(id.as_str()));
        let hid = Uuid::now_v7();
        let rec = HandoffRecord {
            id: hid,
            store: "paris-01".into(),
            device_id: dev_id.clone(),
            created_at: 1,
            lines: vec![HandoffLine::new(gtin, 1)],
            payload: "p".into(),
            compact: "c".into(),
            contact: None,
            customer_id: Some(id.clone()),
            received_at: 1,
            source: "kiosk".into(),
            claimed_at: None,
        };
        h.storage.put_handoff(&rec).unwrap();
        let contact = Contact {
            email: Some(EMAIL.into()),
            phone: Some(PHONE.into()),
        };
        h.storage.claim_handoff(&hid, &contact, 2, &[]).unwrap();

        // Without signing in: a basket claimed with the same email (its
        // confirmation, thank-you and survey go to it) and a click&collect
        // order with the same phone, written another way, and email.
        let anon_hid = Uuid::now_v7();
        let anon = HandoffRecord {
            id: anon_hid,
            customer_id: None,
            ..rec.clone()
        };
        h.storage.put_handoff(&anon).unwrap();
        let anon_contact = Contact {
            email: Some(EMAIL.to_uppercase()),
            phone: None,
        };
        let priced = price_lines(&h, &anon.store, &anon.lines).unwrap();
        let notes = claim_messages(&h, &anon, &anon_contact, &priced, Lang::EN);
        assert!(!notes.is_empty());
        h.storage.claim_handoff(&anon_hid, &anon_contact, 3, &notes).unwrap();
        assert!(after_claim(&h, &anon, &anon_contact, Lang::EN).unwrap());
        let anon_order = OrderRequest {
            id: Uuid::now_v7(),
            customer: OrderCustomer {
                name: format!("{NAME} Dupont"),
                email: Some(EMAIL.into()),
                phone: Some("+33 6 71 42 93 58".into()),
                customer_id: None,
            },
            identification: None,
            ..req.clone()
        };
        accept_order(&h, &dev, &anon_order).unwrap();
        anon_order_id = anon_order.id;
        // Someone else's order is left alone.
        let other = OrderRequest {
            id: Uuid::now_v7(),
            customer: OrderCustomer {
                name: "Ana Martin".into(),
                email: Some("ana.martin@example.org".into()),
                phone: None,
                customer_id: None,
            },
            identification: None,
            ..req.clone()
        };
        accept_order(&h, &dev, &other).unwrap();
        other_order_id = other.id;
        let n = vitrine_testkit::db_i64(
            dir.path(),
            &format!(
                "SELECT COUNT(*) FROM notifications WHERE lower(recipient) = lower({})",
                vitrine_testkit::sql_text(EMAIL)
            ),
        );
        assert!(n >= 5, "messages to the customer's email before: {n}");
    }
    let before = db_bytes(dir.path());
    assert!(contains(&before, NAME.as_bytes()), "the name is in the database before");
    assert!(
        contains(&before, EMAIL.as_bytes()),
        "the email is in the database before"
    );

    let out = stdout_ok(&hq(dir.path(), &["customer", "forget", &id]));
    assert!(out.contains("forgotten"), "{out}");
    let after = db_bytes(dir.path());
    let upper = EMAIL.to_uppercase();
    for needle in [
        NAME,
        EMAIL,
        upper.as_str(),
        "+33 6 71 42 93 58",
        PHONE,
        PHONE_DIGITS,
        "+33671429358",
        card.as_str(),
        "Dupont",
    ] {
        assert!(
            !contains(&after, needle.as_bytes()),
            "\"{needle}\" is still in HQ's database files after forget"
        );
    }
    let show = stdout_ok(&hq(dir.path(), &["customer", "show", &id]));
    assert!(
        show.contains("(forgotten)") && show.contains("identifiers  -"),
        "{show}"
    );
    // The anonymous order stays for the store, without its contact; the
    // other shopper's order and messages are untouched.
    {
        let h = Hq::open(vitrine_testkit::hq_config(dir.path())).unwrap();
        let o = h.storage.order(&anon_order_id).unwrap().unwrap();
        let req: OrderRequest = serde_json::from_str(&o.request_json).unwrap();
        assert_eq!(
            (req.customer.email, req.customer.phone, req.customer.name.as_str()),
            (None, None, "-")
        );
        let o = h.storage.order(&other_order_id).unwrap().unwrap();
        let req: OrderRequest = serde_json::from_str(&o.request_json).unwrap();
        assert_eq!(req.customer.email.as_deref(), Some("ana.martin@example.org"));
    }
    assert!(contains(&after, b"ana.martin@example.org"));
    // No token for a forgotten customer; forgetting twice is fine.
    assert_eq!(hq(dir.path(), &["token", "issue", &id]).status.code(), Some(2));
    stdout_ok(&hq(dir.path(), &["customer", "forget", &id]));
}

#[test]
fn an_order_uses_a_coupon_once_and_a_refused_order_does_not_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let h = Hq::open(vitrine_testkit::hq_config(dir.path())).unwrap();
    let products = r#"{"gtin14":"05449000039231","name":"Nordic must original"}"#;
    admin::import(&h, products.as_bytes(), Some(vitrine_core::demo::DEMO_SEED)).unwrap();
    let (dev_id, _) = admin::device_add(&h, "paris-01").unwrap();
    let dev = h.storage.device(&dev_id).unwrap().unwrap();
    let now = vitrine_hq::now();
    h.storage
        .put_coupon(&vitrine_hq::storage::customers::CouponRecord {
            code: "MERCI-ONCE".into(),
            customer_id: None,
            basis_points: 1000,
            min_spend_minor: 0,
            valid_from: None,
            valid_until: now + 86_400,
            source: "admin".into(),
            created_at: now,
            redemption: None,
        })
        .unwrap();
    let order = |gtin: &str| OrderRequest {
        id: Uuid::now_v7(),
        store: "paris-01".into(),
        created_at: now,
        lines: vec![HandoffLine {
            gtin: Gtin::from_digits(gtin).unwrap(),
            quantity: 4,
            measure: None,
        }],
        customer: OrderCustomer {
            name: "Ana".into(),
            email: Some("ana@example.fr".into()),
            phone: None,
            customer_id: None,
        },
        lang: Lang::EN,
        coupons: vec!["MERCI-ONCE".into(), "NOT-A-CODE".into()],
        identification: None,
    };
    // Unknown product: refused, and the coupon stays unused.
    let bad = accept_order(&h, &dev, &order("4006381333931"));
    assert!(matches!(bad, Err(ServiceError::Invalid(_))), "{bad:?}");
    assert!(h.storage.coupon("MERCI-ONCE").unwrap().unwrap().redemption.is_none());

    let first = order("05449000039231");
    let (_, r1) = accept_order(&h, &dev, &first).unwrap();
    assert!(r1.coupons[0].accepted, "{:?}", r1.coupons);
    assert!(!r1.coupons[1].accepted && r1.coupons[1].reason.as_deref().unwrap().contains("unknown"));
    // The same order again (a retry): the same answer, still one use.
    let (created, again) = accept_order(&h, &dev, &first).unwrap();
    assert!(!created);
    assert_eq!(again, r1);
    // Another order with it: taken, without the discount, with the reason.
    let (_, r2) = accept_order(&h, &dev, &order("05449000039231")).unwrap();
    assert!(!r2.coupons[0].accepted);
    let reason = r2.coupons[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("already used") && reason.contains("déjà été utilisé"),
        "{reason}"
    );
    assert!(r2.total.amount_minor > r1.total.amount_minor);
}

#[test]
fn an_operator_adds_a_member_price_that_applies_to_members_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("products.jsonl");
    std::fs::write(
        &file,
        "{\"gtin14\":\"05449000039231\",\"name\":\"Nordic must original\"}\n",
    )
    .unwrap();
    stdout_ok(&hq(dir.path(), &["import", file.to_str().unwrap()]));
    stdout_ok(&hq(dir.path(), &["price", "set", "5449000039231", "2.00"]));
    let gold = last_line(&stdout_ok(&hq(
        dir.path(),
        &["customer", "add", "--first-name", "Or", "--tier", "gold", "--consent"],
    )));
    let member = last_line(&stdout_ok(&hq(
        dir.path(),
        &[
            "customer",
            "add",
            "--first-name",
            "Mia",
            "--tier",
            "member",
            "--consent",
        ],
    )));
    let no_consent = last_line(&stdout_ok(&hq(
        dir.path(),
        &["customer", "add", "--first-name", "Noé", "--tier", "gold"],
    )));
    let out = stdout_ok(&hq(
        dir.path(),
        &[
            "promo",
            "add",
            "silver-coke",
            "--percent",
            "25",
            "--gtin",
            "5449000039231",
            "--min-tier",
            "silver",
        ],
    ));
    assert!(out.contains("silver-coke saved"), "{out}");
    stdout_ok(&hq(
        dir.path(),
        &["promo", "add", "members-all", "--amount-off", "0.10", "--members"],
    ));
    let bad = hq(
        dir.path(),
        &["promo", "add", "x", "--percent", "5", "--min-tier", "platinum"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--min-tier"));

    let h = Hq::open(vitrine_testkit::hq_config(dir.path())).unwrap();
    let lines = [HandoffLine {
        gtin: Gtin::from_digits("05449000039231").unwrap(),
        quantity: 1,
        measure: None,
    }];
    let applied = |customer: Option<&str>| {
        let ctx = customer.map(|id| customers::pricing_context(&customers::get(&h, id).unwrap()));
        let p = price_lines_with(&h, "paris-01", &lines, ctx.as_ref(), &[], &[], h.now()).unwrap();
        let b = p.priced.unwrap();
        let mut ids: Vec<String> = b.applied.iter().map(|a| a.promotion.id.clone()).collect();
        ids.sort();
        (ids, b.total.amount_minor)
    };
    let (anon_ids, anon_total) = applied(None);
    let (gold_ids, gold_total) = applied(Some(&gold));
    assert!(
        !anon_ids.iter().any(|i| i == "silver-coke" || i == "members-all"),
        "{anon_ids:?}"
    );
    assert!(gold_ids.iter().any(|i| i == "silver-coke"), "{gold_ids:?}");
    assert!(gold_total < anon_total);
    let (member_ids, _) = applied(Some(&member));
    assert!(
        !member_ids.iter().any(|i| i == "silver-coke") && member_ids.iter().any(|i| i == "members-all"),
        "{member_ids:?}"
    );
    // Without consent to personalisation, no member price.
    assert_eq!(applied(Some(&no_consent)), (anon_ids, anon_total));
}

#[test]
fn an_expired_token_is_refused_with_the_date_it_expired() {
    let dir = tempfile::tempdir().unwrap();
    let clock = vitrine_hq::Clock::manual(1_790_000_000);
    let mut cfg = vitrine_testkit::hq_config(dir.path());
    cfg.clock = clock.clone();
    let h = Hq::open(cfg).unwrap();
    let id = customers::add(
        &h,
        &customers::NewCustomer {
            first_name: "Camille".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let token = customers::issue_token(&h, &id).unwrap();
    let exp = LoyaltyToken::verify(&token, &h.key.public(), h.now()).unwrap().exp;
    let q = vitrine_core::wire::customers::CustomerLookup {
        kind: vitrine_core::wire::customers::LookupKind::Token,
        value: token,
    };
    assert!(customers::lookup(&h, &q, "dev-test").unwrap().is_some());
    clock.advance(3600);
    let err = customers::lookup(&h, &q, "dev-test").unwrap_err().to_string();
    assert!(
        err.contains(&vitrine_hq::dates::format_time(exp)) && err.contains("expired"),
        "{err}"
    );
    assert!(!err.contains(&exp.to_string()), "{err}");
}
