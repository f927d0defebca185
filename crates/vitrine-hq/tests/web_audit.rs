//! Lighthouse (mobile) and axe-core on the phone, order, staff and survey
//! pages of a real HQ on loopback, in Debian's Chromium
//! (`tools/web-audit/audit.mjs`, its npm packages pinned and installed by
//! `scripts/setup-debian.sh`). Asserted: accessibility 100, best practices
//! 100, no axe-core violation, the first load under 60 KB. Performance is
//! a measure of time on a shared machine: it is printed (and its figures
//! are in docs/BENCHMARKS.md), not asserted.

use std::path::PathBuf;

use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::product::StockEntry;
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit};
use vitrine_core::{Gtin, Lang};
use vitrine_hq::admin;
use vitrine_hq::services::handoffs::{Source, accept_handoff};
use vitrine_hq::services::phone::{self, PhoneOrder, Way};
use vitrine_hq::storage::customers::SurveyRecord;
use vitrine_hq::storage::devices::Enrollment;
use vitrine_testkit::{commit_products, staff_session, start_hq_in_temp_dir};

const COKE: &str = "05449000039231";
const STORE: &str = "paris-01";

fn audit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/web-audit")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_order_staff_and_survey_pages_pass_lighthouse_and_axe() {
    let dir = audit_dir();
    assert!(
        dir.join("node_modules/lighthouse").is_dir() && dir.join("node_modules/axe-core").is_dir(),
        "Lighthouse and axe-core are not installed: run scripts/setup-debian.sh (npm ci in tools/web-audit)"
    );
    let s = start_hq_in_temp_dir(|_| {}).await;
    let hq = s.hq.clone();
    let gtin = Gtin::from_digits(COKE).unwrap();
    commit_products(
        &hq,
        &[(COKE, "Nordic must original")],
        vec![Change::SetStock(StockEntry {
            gtin,
            store: STORE.into(),
            quantity: 50,
            updated_at: 1_700_000_000,
        })],
    );
    let (_, code) = admin::device_add(&hq, STORE).unwrap();
    let key = SecretKey::from_seed([5; 32]);
    let dev = hq
        .storage
        .enroll_device(
            &Enrollment {
                code_hash: &vitrine_hq::keys::code_hash(&code),
                public_key: &key.public().to_text(),
                name: None,
                token_hash: &vitrine_hq::keys::token_hash("audit-token"),
            },
            hq.now(),
        )
        .unwrap()
        .unwrap()
        .id;
    let basket = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: dev.clone(),
        store: STORE.into(),
        created_at: hq.now(),
        lines: vec![HandoffLine::new(gtin, 2)],
    };
    let sub = HandoffSubmit {
        compact: basket.to_compact(&key),
        contact: None,
        customer_id: None,
        identification: None,
    };
    let handoff = accept_handoff(&hq, &sub, Source::Kiosk(&dev), None).unwrap().id;
    // A second basket, ordered: its order page.
    let ordered = HandoffBasket {
        id: Uuid::now_v7(),
        ..basket.clone()
    };
    let sub = HandoffSubmit {
        compact: ordered.to_compact(&key),
        ..sub
    };
    let ordered = accept_handoff(&hq, &sub, Source::Kiosk(&dev), None).unwrap().id;
    let slot = phone::offered_slots(&hq, Way::Collect)[0].start;
    let order = phone::place_order(
        &hq,
        &ordered,
        &PhoneOrder {
            id: Uuid::now_v7(),
            way: Way::Collect,
            store: Some(STORE.into()),
            slot_start: slot,
            address: None,
            name: "Camille Martin".into(),
            contact: vitrine_core::wire::Contact {
                email: Some("camille@example.org".into()),
                phone: None,
            },
            lang: Lang::EN,
        },
    )
    .unwrap()
    .unwrap()
    .unwrap();
    let survey = "auditsurvey0000000001";
    hq.storage
        .schedule_survey(
            &SurveyRecord {
                id: survey.into(),
                customer_id: None,
                email: Some("camille@example.org".into()),
                lang: "en".into(),
                reference: format!("order:{}", order.id),
                created_at: hq.now(),
                answered_at: None,
                score: None,
                coupon_code: None,
            },
            &[],
        )
        .unwrap();
    let staff = staff_session(&s, "audit", Some(STORE)).await;

    let pages = serde_json::json!([
        {"name": "phone", "url": s.at(&format!("/h/{handoff}?lang=en"))},
        {"name": "order", "url": s.at(&format!("/o/{}?lang=en", order.id))},
        {"name": "staff", "url": s.at(&format!("/staff/{STORE}/orders")), "cookie": format!("vitrine_staff={}", staff.cookie)},
        {"name": "survey", "url": s.at(&format!("/s/{survey}"))},
    ]);
    let script = dir.join("audit.mjs");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(pages.to_string())
            .output()
            .expect("node is not installed: run scripts/setup-debian.sh")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "the audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the audit's JSON");
    println!("{}", serde_json::to_string_pretty(&results).unwrap());
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let name = r["name"].as_str().unwrap();
        assert_eq!(r["accessibility"], 100, "{name}: {r}");
        assert_eq!(r["best_practices"], 100, "{name}: {r}");
        assert_eq!(
            r["axe"].as_array().unwrap().len(),
            0,
            "{name}: axe-core violations: {r}"
        );
        assert!(r["transfer_bytes"].as_f64().unwrap() < 60.0 * 1024.0, "{name}: {r}");
    }
}
