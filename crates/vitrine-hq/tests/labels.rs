//! A label price is trusted only where GS1 says it applies (issue 19): the
//! real HQ on 127.0.0.1 refuses a basket (handoff) or an order whose line
//! carries a label measure the core's rule refuses, with a 422 JSON error,
//! and stores nothing; the same measure on a weighed item is accepted and
//! priced from the label.

use serde_json::Value;
use uuid::Uuid;
use vitrine_core::catalog::Change;
use vitrine_core::label::LabelMeasure;
use vitrine_core::product::PriceEntry;
use vitrine_core::wire::{HandoffBasket, HandoffLine, HandoffSubmit, OrderCustomer, OrderRequest};
use vitrine_core::{Gtin, Lang, Money};
use vitrine_testkit::{EnrolledKiosk, HqServer, commit_products, enroll_kiosk, start_hq_in_temp_dir};

/// Sold by the unit: a fixed-price item.
const COKE: &str = "05449000039231";

/// HQ with the drink (by the unit) and the demo's cheese counter item (by
/// the kg, 13.99 a kg, a restricted-circulation GTIN).
async fn start() -> (HqServer, Gtin) {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let comte = vitrine_core::demo::demo_weighed_items().remove(0);
    let gtin = comte.gtin;
    commit_products(
        &s.hq,
        &[(COKE, "Nordic must original")],
        vec![
            Change::UpsertProduct(comte),
            Change::SetPrice(PriceEntry {
                gtin,
                store: None,
                price: Money::eur(1399),
            }),
        ],
    );
    (s, gtin)
}

fn line(gtin: Gtin, measure: Option<LabelMeasure>) -> HandoffLine {
    HandoffLine {
        gtin,
        quantity: 1,
        measure,
    }
}

fn coke() -> Gtin {
    Gtin::from_digits(COKE).unwrap()
}

/// What the kiosk sends for `(01)05449000039231(3103)000330(3922)0001`,
/// or for the issue's `(01)05449000039231(3922)0001` had a kiosk let it
/// through: a label price of 0.01.
fn forged() -> LabelMeasure {
    LabelMeasure::Gs1 {
        price: Some(Money::eur(1)),
        net_weight_g: Some(330),
    }
}

fn handoff(k: &EnrolledKiosk, lines: Vec<HandoffLine>) -> HandoffSubmit {
    let b = HandoffBasket {
        id: Uuid::now_v7(),
        device_id: k.id.clone(),
        store: k.store.clone(),
        created_at: vitrine_hq::now(),
        lines,
    };
    HandoffSubmit {
        compact: b.to_compact(&k.key),
        contact: None,
        customer_id: None,
        identification: None,
    }
}

fn order(k: &EnrolledKiosk, lines: Vec<HandoffLine>) -> OrderRequest {
    OrderRequest {
        id: Uuid::now_v7(),
        store: k.store.clone(),
        created_at: 1_790_000_000,
        lines,
        customer: OrderCustomer {
            name: "Ana".into(),
            email: Some("ana@example.fr".into()),
            phone: None,
            customer_id: None,
        },
        lang: Lang::FR,
        coupons: vec![],
        identification: None,
    }
}

async fn post<T: serde::Serialize>(s: &HqServer, k: &EnrolledKiosk, path: &str, body: &T) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(s.at(path))
        .bearer_auth(&k.token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_label_price_is_refused_in_baskets_and_orders_and_nothing_is_stored() {
    let (s, _) = start().await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;

    // A label price on the fixed-price drink, alone or beside a good line.
    for lines in [
        vec![line(coke(), Some(forged()))],
        vec![line(coke(), None), line(coke(), Some(forged()))],
    ] {
        let h = handoff(&k, lines.clone());
        let (status, body) = post(&s, &k, "/v1/handoffs", &h).await;
        assert_eq!(status, 422, "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(message.contains(COKE) && message.contains("fixed-price"), "{body}");
        let (b, _, _) = HandoffBasket::parse_compact(&h.compact).unwrap();
        assert!(
            s.hq.storage.handoff(&b.id).unwrap().is_none(),
            "a refused basket is not stored"
        );

        let (status, body) = post(&s, &k, "/v1/orders", &order(&k, lines)).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            body["message"].as_str().unwrap_or_default().contains("fixed-price"),
            "{body}"
        );
    }
    assert!(
        s.hq.storage.orders("paris-01").unwrap().is_empty(),
        "a refused order is not stored"
    );

    // An in-store label layout on a GTIN that is not a store number.
    let fake = LabelMeasure::PackPrice { price: Money::eur(1) };
    let (status, body) = post(&s, &k, "/v1/handoffs", &handoff(&k, vec![line(coke(), Some(fake))])).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap_or_default().contains("store number"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_label_price_on_a_weighed_item_is_accepted_and_charged() {
    let (s, comte) = start().await;
    let k = enroll_kiosk(&s, "paris-01", 1).await;
    // 750 g priced 12.34 on the label, as a GS1 DataMatrix on the pack says.
    let label = LabelMeasure::Gs1 {
        price: Some(Money::eur(1234)),
        net_weight_g: Some(750),
    };
    let (status, body) = post(&s, &k, "/v1/handoffs", &handoff(&k, vec![line(comte, Some(label))])).await;
    assert!(status == 200 || status == 201, "{status} {body}");
    let (status, body) = post(&s, &k, "/v1/orders", &order(&k, vec![line(comte, Some(label))])).await;
    assert!(status == 200 || status == 201, "{status} {body}");
    let orders = s.hq.storage.orders("paris-01").unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].total,
        Money::eur(1234),
        "the label's price, not 0.75 kg at 13.99"
    );
}
