//! Issue 14, "nothing trusted that a client can forge": each attack of the
//! security review run against the real HQ on loopback (two kiosks of two
//! stores, a gold customer with a personal coupon, the real SMTP sink and
//! an HTTP stand-in for the SMS provider), refused, with HQ still
//! answering.

use serde_json::{Value, json};
use tokio::sync::mpsc;
use uuid::Uuid;
use vitrine_core::Gtin;
use vitrine_core::catalog::Change;
use vitrine_core::loyalty::{Identification, ProofKind, card_number};
use vitrine_core::pricing::{Audience, PromoKind, Promotion, Target, Tier};
use vitrine_core::sign::SecretKey;
use vitrine_core::wire::{HandoffBasket, HandoffLine};
use vitrine_hq::customers::{self, NewCustomer};
use vitrine_hq::storage::customers::CouponRecord;
use vitrine_hq::{Clock, HqConfig, SmtpConfig};
use vitrine_testkit::{
    EnrolledKiosk, HqServer, code_in, commit_products, enroll_kiosk, next_mail_text, next_sms, sms_server, smtp_server,
    start_hq_in_temp_dir,
};

const COKE: &str = "05449000039231";
const BOOK: &str = "09780439023481";
const T0: i64 = 1_795_000_000;
const DAY: i64 = 86_400;
const PHONE: &str = "06 12 34 56 78";
const EMAIL: &str = "camille@example.com";

struct World {
    s: HqServer,
    clock: Clock,
    paris: EnrolledKiosk,
    lyon: EnrolledKiosk,
    camille: String,
    card: String,
    coupon: String,
    sms: mpsc::UnboundedReceiver<Value>,
    mails: mpsc::UnboundedReceiver<String>,
    http: reqwest::Client,
}

/// 40 % off the drink for gold members.
fn member_promotion() -> Promotion {
    Promotion {
        id: "gold-coke".into(),
        kind: PromoKind::PercentOff { basis_points: 4000 },
        target: Target::Gtins(vec![Gtin::from_digits(COKE).unwrap()]),
        audience: Audience::Members { min_tier: Tier::Gold },
        valid_from: None,
        valid_until: None,
        stores: Vec::new(),
        coupon_code: None,
    }
}

/// 90 % off the drink for everyone, from ten days on.
fn future_promotion() -> Promotion {
    Promotion {
        id: "future-90".into(),
        kind: PromoKind::PercentOff { basis_points: 9000 },
        target: Target::Gtins(vec![Gtin::from_digits(COKE).unwrap()]),
        audience: Audience::Everyone,
        valid_from: Some(T0 + 10 * DAY),
        valid_until: Some(T0 + 20 * DAY),
        stores: Vec::new(),
        coupon_code: None,
    }
}

async fn world() -> World {
    let (sms_url, sms) = sms_server().await;
    let (smtp_port, mails) = smtp_server().await;
    let clock = Clock::manual(T0);
    let c2 = clock.clone();
    let s = start_hq_in_temp_dir(move |cfg: &mut HqConfig| {
        cfg.clock = c2;
        cfg.sms_webhook = Some(sms_url);
        cfg.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: smtp_port,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        cfg.rate_per_minute = 100_000;
    })
    .await;
    commit_products(
        &s.hq,
        &[(COKE, "Nordic must original"), (BOOK, "The Hunger Games")],
        vec![
            Change::UpsertPromotion(member_promotion()),
            Change::UpsertPromotion(future_promotion()),
        ],
    );
    let paris = enroll_kiosk(&s, "paris-01", 11).await;
    let lyon = enroll_kiosk(&s, "lyon-01", 12).await;
    let card = card_number("0450", 42);
    let camille = customers::add(
        &s.hq,
        &NewCustomer {
            first_name: "Camille".into(),
            email: Some(EMAIL.into()),
            phone: Some(PHONE.into()),
            card: Some(card.clone()),
            tier: Some(Tier::Gold),
            consent: true,
        },
    )
    .unwrap();
    let coupon = "MERCI-CAMILLE1".to_string();
    s.hq.storage
        .put_coupon(&CouponRecord {
            code: coupon.clone(),
            customer_id: Some(camille.clone()),
            basis_points: 2000,
            min_spend_minor: 0,
            valid_from: None,
            valid_until: T0 + 30 * DAY,
            source: "admin".into(),
            created_at: T0,
            redemption: None,
        })
        .unwrap();
    World {
        s,
        clock,
        paris,
        lyon,
        camille,
        card,
        coupon,
        sms,
        mails,
        http: reqwest::Client::new(),
    }
}

impl World {
    async fn post(&self, k: &EnrolledKiosk, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.s.at(path))
            .bearer_auth(&k.token)
            .json(body)
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        (st, r.json().await.unwrap_or(Value::Null))
    }

    async fn health(&self) {
        let r = self.http.get(self.s.at("/v1/health")).send().await.unwrap();
        assert_eq!(r.status(), 200, "HQ still answers");
    }

    /// A basket signed by kiosk `k`, made at `at`.
    fn basket(&self, k: &EnrolledKiosk, at: i64) -> (Uuid, String) {
        let b = HandoffBasket {
            id: Uuid::now_v7(),
            device_id: k.id.clone(),
            store: k.store.clone(),
            created_at: at,
            lines: vec![line(COKE, 3), line(BOOK, 1)],
        };
        (b.id, b.to_compact(&k.key))
    }

    fn order(&self, k: &EnrolledKiosk, created_at: i64, coupons: &[&str], ident: Option<&str>) -> Value {
        json!({
            "id": Uuid::now_v7(),
            "store": k.store,
            "created_at": created_at,
            "lines": [{"gtin": COKE, "quantity": 3}, {"gtin": BOOK, "quantity": 1}],
            "customer": {"name": "Sam", "email": "sam@example.org", "customer_id": self.camille},
            "lang": "en",
            "coupons": coupons,
            "identification": ident,
        })
    }

    /// The phone page's total of basket `id`.
    async fn phone_total(&self, id: &Uuid) -> String {
        let page = self
            .http
            .get(self.s.at(&format!("/h/{id}?lang=en&partial=1")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        page.split("id=\"total\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_else(|| panic!("no total: {page}"))
            .to_string()
    }

    /// Identifies Camille at kiosk `k` by the code sent to her phone:
    /// HQ's view with its identification.
    async fn identify_by_phone(&mut self, k: &EnrolledKiosk) -> Value {
        let (st, ch) = self
            .post(k, "/v1/customers/challenge", &json!({"kind": "phone", "value": PHONE}))
            .await;
        assert_eq!(st, 202, "{ch}");
        let sms = next_sms(&mut self.sms).await;
        let code = code_in(sms["text"].as_str().unwrap());
        let (st, v) = self
            .post(k, "/v1/customers/verify", &json!({"id": ch["id"], "code": code}))
            .await;
        assert_eq!(st, 200, "{v}");
        v
    }
}

fn line(g: &str, q: u32) -> HandoffLine {
    HandoffLine {
        gtin: Gtin::from_digits(g).unwrap(),
        quantity: q,
        measure: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_victims_phone_number_or_email_shows_nothing_without_the_code_sent_there() {
    let mut w = world().await;
    let paris = w.paris.clone();
    // The old attack: a lookup by phone or email answers nothing personal.
    for (kind, value) in [("phone", PHONE), ("email", EMAIL)] {
        let (st, v) = w
            .post(&paris, "/v1/customers/lookup", &json!({"kind": kind, "value": value}))
            .await;
        assert_eq!((st, v["error"].as_str()), (403, Some("proof_required")), "{v}");
        let text = v.to_string();
        assert!(
            !text.contains("Camille") && !text.contains(&w.coupon) && !text.contains("gold"),
            "{text}"
        );
    }
    // Asking for a code answers the same for the victim and for nobody;
    // only the victim's phone receives one.
    let (st, nobody) = w
        .post(
            &paris,
            "/v1/customers/challenge",
            &json!({"kind": "phone", "value": "06 99 99 99 99"}),
        )
        .await;
    assert_eq!(st, 202);
    let (st, ch) = w
        .post(
            &paris,
            "/v1/customers/challenge",
            &json!({"kind": "phone", "value": PHONE, "lang": "fr"}),
        )
        .await;
    assert_eq!(st, 202);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&nobody), keys(&ch));
    assert_eq!(ch["attempts"], 5);
    assert_eq!(ch["expires_at"], T0 + 600);
    let sms = next_sms(&mut w.sms).await;
    assert_eq!(sms["to"], "+33612345678");
    let text = sms["text"].as_str().unwrap();
    assert!(text.contains("votre code"), "in the language asked: {text}");
    let code = code_in(text);
    // HQ's database holds no code in clear.
    let stored = vitrine_testkit::db_column(
        &w.s.data_dir,
        "SELECT code_hash || contact_hash FROM identify_challenges",
    );
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|s| !s.contains(&code) && !s.contains("612345678")));
    // Another kiosk cannot answer this kiosk's challenge.
    let lyon = w.lyon.clone();
    let (st, v) = w
        .post(&lyon, "/v1/customers/verify", &json!({"id": ch["id"], "code": code}))
        .await;
    assert_eq!((st, v["error"].as_str()), (410, Some("code_closed")));
    // Guessing: five wrong codes close the challenge, the right one then
    // too.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let (st, v) = w
            .post(&paris, "/v1/customers/verify", &json!({"id": ch["id"], "code": wrong}))
            .await;
        assert_eq!((st, v["error"].as_str()), (422, Some("wrong_code")), "{v}");
        assert!(
            v["message"].as_str().unwrap().contains(&format!("{left} tries left")),
            "{v}"
        );
    }
    let (st, v) = w
        .post(&paris, "/v1/customers/verify", &json!({"id": ch["id"], "code": code}))
        .await;
    assert_eq!((st, v["error"].as_str()), (410, Some("code_closed")));
    w.health().await;
    // A code expires after ten minutes.
    let (_, ch) = w
        .post(
            &paris,
            "/v1/customers/challenge",
            &json!({"kind": "email", "value": EMAIL}),
        )
        .await;
    let mail = next_mail_text(&mut w.mails).await;
    assert!(mail.contains("camille@example.com"), "{mail}");
    let late = code_in(mail.split("\n\n").nth(1).unwrap_or(&mail));
    w.clock.advance(601);
    let (st, _) = w
        .post(&paris, "/v1/customers/verify", &json!({"id": ch["id"], "code": late}))
        .await;
    assert_eq!(st, 410);
    // The right code in time: the customer, with HQ's identification for
    // this kiosk; once only.
    let (_, ch) = w
        .post(
            &paris,
            "/v1/customers/challenge",
            &json!({"kind": "email", "value": EMAIL}),
        )
        .await;
    let mail = next_mail_text(&mut w.mails).await;
    let code = code_in(mail.split("\n\n").nth(1).unwrap_or(&mail));
    let (st, v) = w
        .post(&paris, "/v1/customers/verify", &json!({"id": ch["id"], "code": code}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        (v["first_name"].as_str(), v["tier"].as_str()),
        (Some("Camille"), Some("gold"))
    );
    assert!(v.to_string().contains(&w.coupon));
    let ident = Identification::verify_signature(v["identification"].as_str().unwrap(), &w.s.hq.key.public()).unwrap();
    assert_eq!(
        (ident.sub.as_str(), ident.dev.as_str(), ident.how),
        (w.camille.as_str(), paris.id.as_str(), ProofKind::EmailCode)
    );
    let (st, _) = w
        .post(&paris, "/v1/customers/verify", &json!({"id": ch["id"], "code": code}))
        .await;
    assert_eq!(st, 410, "a code is used once");
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_rate_limited_per_contact_and_per_kiosk() {
    let w = world().await;
    let paris = w.paris.clone();
    let lyon = w.lyon.clone();
    let ask = |k: &EnrolledKiosk, phone: String| {
        let body = json!({"kind": "phone", "value": phone});
        let http = w.http.clone();
        let url = w.s.at("/v1/customers/challenge");
        let token = k.token.clone();
        async move {
            let r = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.headers().get("retry-after").is_some())
        }
    };
    // Per contact: three codes in fifteen minutes, from any kiosk.
    for k in [&paris, &lyon, &paris] {
        assert_eq!(ask(k, PHONE.into()).await, (202, false));
    }
    assert_eq!(ask(&lyon, PHONE.into()).await, (429, true));
    w.health().await;
    // Per kiosk: twenty codes in fifteen minutes (18 more here).
    for i in 0..18 {
        assert_eq!(ask(&paris, format!("06 11 22 33 {i:02}")).await.0, 202);
    }
    assert_eq!(ask(&paris, "06 11 22 44 55".into()).await, (429, true));
    // The other kiosk is not held up, and the window moves on.
    assert_eq!(ask(&lyon, "06 11 22 44 55".into()).await.0, 202);
    w.clock.advance(15 * 60 + 1);
    assert_eq!(ask(&paris, "06 11 22 44 56".into()).await.0, 202);
    assert_eq!(ask(&paris, PHONE.into()).await.0, 202);
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_kb_customer_id_is_refused_and_nothing_is_stored() {
    let w = world().await;
    let paris = w.paris.clone();
    let huge = "c".repeat(50_000);
    let (id, compact) = w.basket(&paris, T0);
    let (st, v) = w
        .post(
            &paris,
            "/v1/handoffs",
            &json!({"compact": compact, "customer_id": huge}),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    let r = w
        .http
        .post(w.s.at(&format!("/h/{id}/submit")))
        .json(&json!({"compact": compact, "customer_id": huge}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(w.s.hq.storage.handoff(&id).unwrap().is_none());
    let mut order = w.order(&paris, T0, &[], None);
    order["customer"]["customer_id"] = json!(huge);
    let (st, _) = w.post(&paris, "/v1/orders", &order).await;
    assert_eq!(st, 422);
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copied_customer_id_gives_no_member_price_and_cannot_be_added_by_a_resubmission() {
    let mut w = world().await;
    let paris = w.paris.clone();
    // The reference: an anonymous basket, and Camille's basket vouched for
    // by HQ's identification.
    let (anon, compact) = w.basket(&paris, T0);
    let (st, _) = w.post(&paris, "/v1/handoffs", &json!({"compact": compact})).await;
    assert_eq!(st, 201);
    let anonymous_total = w.phone_total(&anon).await;
    let view = w.identify_by_phone(&paris).await;
    let (member, compact_m) = w.basket(&paris, T0);
    let (st, _) = w
        .post(
            &paris,
            "/v1/handoffs",
            &json!({"compact": compact_m, "identification": view["identification"]}),
        )
        .await;
    assert_eq!(st, 201);
    let member_total = w.phone_total(&member).await;
    assert_ne!(member_total, anonymous_total, "the member price makes a difference");
    assert_eq!(
        w.s.hq.storage.handoff(&member).unwrap().unwrap().customer_id.as_deref(),
        Some(w.camille.as_str())
    );

    // The attack: the phone page's submission with the victim's id, first
    // and again onto the stored basket, and the kiosk route with the id
    // alone or with a forged identification.
    let (victim, compact_v) = w.basket(&paris, T0);
    for _ in 0..2 {
        let r = w
            .http
            .post(w.s.at(&format!("/h/{victim}/submit")))
            .json(&json!({"compact": compact_v, "customer_id": w.camille, "identification": view["identification"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let forged = Identification::new(&w.s.hq.key.public(), &w.camille, &paris.id, ProofKind::PhoneCode, T0)
        .sign(&SecretKey::from_seed([99; 32]));
    for ident in [Value::Null, json!(forged), json!(w.card.clone() + "0")] {
        let (st, _) = w
            .post(
                &paris,
                "/v1/handoffs",
                &json!({"compact": compact_v, "customer_id": w.camille, "identification": ident}),
            )
            .await;
        assert_eq!(st, 201);
    }
    assert_eq!(w.s.hq.storage.handoff(&victim).unwrap().unwrap().customer_id, None);
    assert_eq!(w.phone_total(&victim).await, anonymous_total);
    // An identification HQ issued to another kiosk does not vouch here.
    let lyon = w.lyon.clone();
    let lyon_view = w.identify_by_phone(&lyon).await;
    let (other, compact_o) = w.basket(&paris, T0);
    let (st, _) = w
        .post(
            &paris,
            "/v1/handoffs",
            &json!({"compact": compact_o, "identification": lyon_view["identification"]}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(w.s.hq.storage.handoff(&other).unwrap().unwrap().customer_id, None);
    // Nor one older than the basket's session.
    w.clock.advance(31 * 60 + 61);
    let (late, compact_l) = w.basket(&paris, w.s.hq.now());
    let (st, _) = w
        .post(
            &paris,
            "/v1/handoffs",
            &json!({"compact": compact_l, "identification": view["identification"]}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(w.s.hq.storage.handoff(&late).unwrap().unwrap().customer_id, None);
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_victims_coupon_is_refused_from_another_stores_kiosk_and_on_the_phone() {
    let w = world().await;
    let lyon = w.lyon.clone();
    let paris = w.paris.clone();
    // The attack: Lyon's kiosk names Camille and her coupon, with no
    // identification HQ vouches for.
    let (st, r) = w
        .post(&lyon, "/v1/orders", &w.order(&lyon, T0, &[&w.coupon], None))
        .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["coupons"][0]["accepted"], false, "{r}");
    assert!(
        r["coupons"][0]["reason"].as_str().unwrap().contains("another customer"),
        "{r}"
    );
    // A card number that is not Camille's does not vouch either.
    let other_card = card_number("0450", 43);
    let (_, r) = w
        .post(
            &lyon,
            "/v1/orders",
            &w.order(&lyon, T0, &[&w.coupon], Some(&other_card)),
        )
        .await;
    assert_eq!(r["coupons"][0]["accepted"], false, "{r}");
    // On an anonymous basket from the phone page.
    let (hid, compact) = w.basket(&paris, T0);
    let (st, _) = w.post(&paris, "/v1/handoffs", &json!({"compact": compact})).await;
    assert_eq!(st, 201);
    let r = w
        .http
        .post(w.s.at(&format!("/h/{hid}/coupon")))
        .header("accept", "application/json")
        .form(&[("code", w.coupon.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("another customer"), "{body}");
    // The coupon is still unused, and HQ still answers.
    let (st, v) = {
        let r = w
            .http
            .get(w.s.at(&format!("/v1/coupons/{}", w.coupon)))
            .bearer_auth(&lyon.token)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!((st, v["status"].as_str()), (200, Some("valid")));
    // Its holder, who presents her card at the same kiosk, uses it.
    let (_, r) = w
        .post(&lyon, "/v1/orders", &w.order(&lyon, T0, &[&w.coupon], Some(&w.card)))
        .await;
    assert_eq!(r["coupons"][0]["accepted"], true, "{r}");
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_dated_eleven_days_ahead_is_priced_at_hqs_time() {
    let w = world().await;
    let paris = w.paris.clone();
    let total = |r: &Value| r["total"]["amount_minor"].as_i64().unwrap();
    let (st, now) = w.post(&paris, "/v1/orders", &w.order(&paris, T0, &[], None)).await;
    assert_eq!(st, 201, "{now}");
    // The attack: the order says it was made eleven days from now, when
    // the 90 % promotion runs.
    let (st, ahead) = w
        .post(&paris, "/v1/orders", &w.order(&paris, T0 + 11 * DAY, &[], None))
        .await;
    assert_eq!(st, 201, "{ahead}");
    assert_eq!(total(&ahead), total(&now), "no future promotion: {ahead}");
    assert_eq!(ahead["created_at"], T0, "dated by HQ's clock");
    // An order made offline two hours ago keeps its time; thirteen hours
    // ago is beyond the tolerance and is re-dated too.
    let (_, offline) = w
        .post(&paris, "/v1/orders", &w.order(&paris, T0 - 2 * 3600, &[], None))
        .await;
    assert_eq!(offline["created_at"], T0 - 2 * 3600);
    let (_, stale) = w
        .post(&paris, "/v1/orders", &w.order(&paris, T0 - 13 * 3600, &[], None))
        .await;
    assert_eq!(stale["created_at"], T0);
    // The promotion is real: once HQ's clock reaches it, it applies.
    w.clock.advance(11 * DAY);
    let (_, later) = w
        .post(&paris, "/v1/orders", &w.order(&paris, T0 + 11 * DAY, &[], None))
        .await;
    assert!(total(&later) < total(&now), "{later}");
    w.health().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coupon_use_is_dated_by_hq_not_by_the_order() {
    let mut w = world().await;
    let paris = w.paris.clone();
    let view = w.identify_by_phone(&paris).await;
    let ident = view["identification"].as_str().unwrap().to_string();
    // Dated a year ahead: the coupon's use is recorded at HQ's time.
    let (_, r) = w
        .post(
            &paris,
            "/v1/orders",
            &w.order(&paris, T0 + 365 * DAY, &[&w.coupon], Some(&ident)),
        )
        .await;
    assert_eq!(r["coupons"][0]["accepted"], true, "{r}");
    let c = w.s.hq.storage.coupon(&w.coupon).unwrap().unwrap();
    assert_eq!(c.redemption.unwrap().used_at, T0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_baskets_own_kiosk_vouches_for_its_customer_even_after_the_phone_delivered_it() {
    let mut w = world().await;
    let paris = w.paris.clone();
    let view = w.identify_by_phone(&paris).await;
    // The kiosk was offline: the phone page delivered the basket first,
    // anonymous.
    let (hid, compact) = w.basket(&paris, T0);
    let r = w
        .http
        .post(w.s.at(&format!("/h/{hid}/submit")))
        .json(&json!({"compact": compact}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(w.s.hq.storage.handoff(&hid).unwrap().unwrap().customer_id, None);
    // Another kiosk of the same store delivering it with its own
    // identification of Camille does not vouch for this basket.
    let paris2 = enroll_kiosk(&w.s, "paris-01", 13).await;
    let view2 = w.identify_by_phone(&paris2).await;
    let (st, _) = w
        .post(
            &paris2,
            "/v1/handoffs",
            &json!({"compact": compact, "identification": view2["identification"]}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(w.s.hq.storage.handoff(&hid).unwrap().unwrap().customer_id, None);
    // Its own kiosk, back online, does: the basket becomes Camille's.
    let (st, _) = w
        .post(
            &paris,
            "/v1/handoffs",
            &json!({"compact": compact, "identification": view["identification"]}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(
        w.s.hq.storage.handoff(&hid).unwrap().unwrap().customer_id.as_deref(),
        Some(w.camille.as_str())
    );
    w.health().await;
}
