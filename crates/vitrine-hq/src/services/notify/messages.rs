//! The messages HQ sends shoppers, written from the message catalogue
//! (`hq-mail.ftl`) in the language the order, the basket's page or the
//! survey carries. A message is only queued for a channel HQ can send on
//! (an SMTP relay, an SMS webhook configured).

use vitrine_core::Lang;
use vitrine_core::wire::{CancelReason, Contact, OrderReceipt, OrderRequest, OrderStatus};
use vitrine_i18n::{MoneyText, domain, tr};

use crate::Hq;
use crate::dates::date;
use crate::services::catalog::demo_prices;
use crate::services::coupons::CouponRefusal;
use crate::services::pricing::{PricedLine, PricedLines};
use crate::storage::customers::CouponRecord;
use crate::storage::{HandoffRecord, NewNotification, OrderRecord};

/// The basket of an email, one line each, with its promotions, its total
/// and, for demo prices, the warning. Ends with a line break.
fn lines_text(hq: &Hq, priced: &PricedLines, lang: Lang) -> String {
    let mut out = String::new();
    for PricedLine { line, product, price } in &priced.products {
        let name = product.as_ref().map(|p| p.name.as_str()).unwrap_or("?");
        let price = price.map(|m| m.format(lang)).unwrap_or_else(|| "-".into());
        let text = tr!(
            lang,
            "hq-mail-line",
            quantity = line.quantity,
            name = name,
            price = price
        );
        out.push_str(&format!("  {text}\n"));
    }
    if let Some(b) = &priced.priced {
        for a in &b.applied {
            out.push_str(&format!("  {}\n", domain::applied_promotion(a).render(lang)));
        }
        out.push_str(&tr!(lang, "hq-mail-total", total = b.total));
        out.push('\n');
    }
    if demo_prices(hq) {
        out.push_str(&tr!(lang, "hq-demo-prices"));
        out.push('\n');
    }
    out
}

/// One sentence per coupon HQ refused for an order (already used
/// elsewhere, expired, unknown), after a blank line: the shopper learns
/// why the total is higher than the kiosk showed. Empty when none was.
fn refused_coupons_text(refused: &[(String, CouponRefusal)], lang: Lang) -> String {
    let mut out = String::new();
    for (code, why) in refused {
        out.push_str(&tr!(lang, "hq-mail-coupon-refused", code = code, reason = why.clause()));
        out.push('\n');
    }
    if !out.is_empty() {
        out.insert(0, '\n');
    }
    out
}

/// An email to `to`, if HQ has an SMTP relay. A body from the catalogue
/// ends without a line break; an email's ends with one.
fn email(hq: &Hq, to: Option<&str>, subject: String, body: String) -> Option<NewNotification> {
    match (to, &hq.config.smtp) {
        (Some(to), Some(_)) => Some(NewNotification {
            channel: "email".into(),
            to: to.trim().to_string(),
            subject,
            body: format!("{body}\n"),
        }),
        (Some(_), None) => {
            tracing::info!("no SMTP relay configured: email skipped");
            None
        }
        _ => None,
    }
}

/// A text message to `to`, if HQ has an SMS webhook.
fn sms(hq: &Hq, to: Option<&str>, text: String) -> Option<NewNotification> {
    match (to, &hq.config.sms_webhook) {
        (Some(to), Some(_)) => Some(NewNotification {
            channel: "sms".into(),
            to: to.trim().to_string(),
            subject: String::new(),
            body: text,
        }),
        (Some(_), None) => {
            tracing::info!("no SMS webhook configured: SMS confirmation skipped");
            None
        }
        _ => None,
    }
}

fn link(hq: &Hq, path: &str) -> String {
    format!("{}{path}", hq.config.public_base_url.trim_end_matches('/'))
}

/// The confirmation of a new click&collect order, in the order's language,
/// with the reason of each coupon HQ refused.
pub fn order_messages(
    hq: &Hq,
    req: &OrderRequest,
    receipt: &OrderReceipt,
    priced: &PricedLines,
    refused: &[(String, CouponRefusal)],
) -> Vec<NewNotification> {
    let lang = req.lang;
    let subject = tr!(lang, "hq-mail-order-received-subject", number = receipt.number.as_str());
    let body = tr!(
        lang,
        "hq-mail-order-received-body",
        name = req.customer.name.as_str(),
        number = receipt.number.as_str(),
        store = receipt.store.as_str(),
        lines = lines_text(hq, priced, lang),
        refused = refused_coupons_text(refused, lang),
    );
    let text = tr!(
        lang,
        "hq-sms-order-received",
        number = receipt.number.as_str(),
        total = receipt.total
    );
    [
        email(hq, req.customer.email.as_deref(), subject, body),
        sms(hq, req.customer.phone.as_deref(), text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The words for why a store cancelled an order, as the shopper reads
/// them (`hq-desk.ftl`).
pub fn cancel_reason(reason: CancelReason) -> vitrine_i18n::Text {
    match reason {
        CancelReason::OutOfStock => vitrine_i18n::text!("hq-desk-reason-out-of-stock"),
        CancelReason::NotCollected => vitrine_i18n::text!("hq-desk-reason-not-collected"),
        CancelReason::CustomerRequest => vitrine_i18n::text!("hq-desk-reason-customer-request"),
        CancelReason::StoreUnavailable => vitrine_i18n::text!("hq-desk-reason-store-unavailable"),
    }
}

/// The message when an order changes status, in the order's language:
/// when it is ready, and when it is cancelled (with the reason).
pub fn status_messages(
    hq: &Hq,
    o: &OrderRecord,
    status: OrderStatus,
    reason: Option<CancelReason>,
) -> Vec<NewNotification> {
    if status != OrderStatus::Ready && status != OrderStatus::Cancelled {
        return Vec::new();
    }
    let Ok(req) = serde_json::from_str::<OrderRequest>(&o.request_json) else {
        return Vec::new();
    };
    let lang = req.lang;
    let (subject, body, text) = if let (OrderStatus::Cancelled, Some(reason)) = (status, reason) {
        let why = cancel_reason(reason).render(lang);
        (
            tr!(lang, "hq-mail-order-cancelled-subject", number = o.number.as_str()),
            tr!(
                lang,
                "hq-mail-order-cancelled-body",
                name = req.customer.name.as_str(),
                number = o.number.as_str(),
                store = o.store.as_str(),
                reason = why.as_str(),
            ),
            tr!(
                lang,
                "hq-sms-order-cancelled",
                number = o.number.as_str(),
                reason = why.as_str()
            ),
        )
    } else if status == OrderStatus::Ready {
        (
            tr!(lang, "hq-mail-order-ready-subject", number = o.number.as_str()),
            tr!(
                lang,
                "hq-mail-order-ready-body",
                name = req.customer.name.as_str(),
                number = o.number.as_str(),
                store = o.store.as_str(),
            ),
            tr!(
                lang,
                "hq-sms-order-ready",
                number = o.number.as_str(),
                store = o.store.as_str()
            ),
        )
    } else {
        return Vec::new();
    };
    [
        email(hq, req.customer.email.as_deref(), subject, body),
        sms(hq, req.customer.phone.as_deref(), text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The basket a shopper claims on their phone, sent to them in the page's
/// language.
pub fn claim_messages(
    hq: &Hq,
    h: &HandoffRecord,
    contact: &Contact,
    priced: &PricedLines,
    lang: Lang,
) -> Vec<NewNotification> {
    let link = link(hq, &format!("/h/{}", h.id));
    let subject = tr!(lang, "hq-mail-basket-subject");
    let body = tr!(
        lang,
        "hq-mail-basket-body",
        store = h.store.as_str(),
        lines = lines_text(hq, priced, lang),
        link = link.as_str(),
    );
    let text = tr!(lang, "hq-sms-basket", link = link.as_str());
    [
        email(hq, contact.email.as_deref(), subject, body),
        sms(hq, contact.phone.as_deref(), text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The confirmation of an order made on the phone, in the order's
/// language: `how` says where and when it is collected or delivered and
/// how it is paid; `link` is its page.
pub fn phone_order_messages(
    hq: &Hq,
    req: &OrderRequest,
    number: &str,
    priced: &PricedLines,
    total: vitrine_core::Money,
    how: &vitrine_i18n::Text,
    path: &str,
) -> Vec<NewNotification> {
    let lang = req.lang;
    let link = link(hq, path);
    let how = how.render(lang);
    let subject = tr!(lang, "phone-mail-order-subject", number = number);
    let body = tr!(
        lang,
        "phone-mail-order-body",
        name = req.customer.name.as_str(),
        number = number,
        how = how.as_str(),
        lines = lines_text(hq, priced, lang),
        total = total,
        link = link.as_str(),
        retailer = hq.config.shop.retailer_name.as_str(),
    );
    let text = tr!(
        lang,
        "phone-sms-order",
        number = number,
        how = how.as_str(),
        link = link.as_str()
    );
    [
        email(hq, req.customer.email.as_deref(), subject, body),
        sms(hq, req.customer.phone.as_deref(), text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The one-time code that proves the shopper holds `to` (channel `email`
/// or `sms`), valid `minutes`.
pub fn code_message(hq: &Hq, channel: &str, to: &str, code: &str, minutes: i64, lang: Lang) -> Option<NewNotification> {
    if channel == "email" {
        email(
            hq,
            Some(to),
            tr!(lang, "hq-code-subject", code = code),
            tr!(lang, "hq-code-body", code = code, minutes = minutes),
        )
    } else {
        sms(hq, Some(to), tr!(lang, "hq-code-sms", code = code, minutes = minutes))
    }
}

/// The thank-you email after a purchase.
pub fn thanks_message(hq: &Hq, to: &str, lang: Lang) -> Option<NewNotification> {
    email(
        hq,
        Some(to),
        tr!(lang, "hq-mail-thanks-subject"),
        tr!(lang, "hq-mail-thanks-body"),
    )
}

/// The survey invitation, with its link (`/s/{id}`) and the coupon it
/// earns.
pub fn survey_message(hq: &Hq, to: &str, lang: Lang, survey_id: &str) -> Option<NewNotification> {
    let url = link(hq, &format!("/s/{survey_id}?lang={}", lang.code()));
    let percent = hq.config.survey.coupon_basis_points / 100;
    email(
        hq,
        Some(to),
        tr!(lang, "hq-mail-survey-subject"),
        tr!(lang, "hq-mail-survey-body", percent = percent, link = url),
    )
}

/// The coupon a survey earned, with its QR text `qr` to scan at a kiosk.
pub fn coupon_message(hq: &Hq, to: &str, lang: Lang, coupon: &CouponRecord, qr: &str) -> Option<NewNotification> {
    let percent = coupon.basis_points / 100;
    email(
        hq,
        Some(to),
        tr!(
            lang,
            "hq-mail-coupon-subject",
            percent = percent,
            code = coupon.code.as_str()
        ),
        tr!(
            lang,
            "hq-mail-coupon-body",
            percent = percent,
            until = date(coupon.valid_until),
            code = coupon.code.as_str(),
            qr = qr,
        ),
    )
}

/// The reminder that an unused coupon expires soon.
pub fn reminder_message(hq: &Hq, to: &str, lang: Lang, coupon: &CouponRecord) -> Option<NewNotification> {
    email(
        hq,
        Some(to),
        tr!(lang, "hq-mail-reminder-subject", code = coupon.code.as_str()),
        tr!(
            lang,
            "hq-mail-reminder-body",
            percent = coupon.basis_points / 100,
            code = coupon.code.as_str(),
            until = date(coupon.valid_until),
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use uuid::Uuid;
    use vitrine_core::catalog::Change;
    use vitrine_core::product::{PriceEntry, Product};
    use vitrine_core::wire::{HandoffLine, OrderCustomer, order_number};
    use vitrine_core::{Gtin, Money};

    use super::*;
    use crate::services::pricing::price_lines;
    use crate::{HqConfig, SmtpConfig};

    const NUMBER: &str = "{number}";

    fn hq(dir: &std::path::Path) -> Arc<Hq> {
        let mut cfg = HqConfig::new(dir);
        cfg.public_base_url = "https://hq.example".into();
        cfg.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port: 25,
            from: "Vitrine <no-reply@vitrine.invalid>".into(),
        });
        cfg.sms_webhook = Some("https://sms.example/send".into());
        let hq = Hq::open(cfg).unwrap();
        let gtin = Gtin::from_digits("5449000039231").unwrap();
        hq.commit(
            &[
                Change::UpsertProduct(Product::new(gtin, "Nordic must original")),
                Change::SetPrice(PriceEntry {
                    gtin,
                    store: None,
                    price: Money::eur(149),
                }),
            ],
            None,
        )
        .unwrap();
        hq
    }

    fn order(lang: Lang) -> OrderRequest {
        OrderRequest {
            id: Uuid::now_v7(),
            store: "paris-01".into(),
            created_at: 1_790_000_000,
            lines: vec![HandoffLine {
                gtin: Gtin::from_digits("5449000039231").unwrap(),
                quantity: 2,
                measure: None,
            }],
            customer: OrderCustomer {
                name: "Ana".into(),
                email: Some("ana@example.fr".into()),
                phone: Some("+33 6 12 34 56 78".into()),
                customer_id: None,
            },
            lang,
            coupons: vec![],
            identification: None,
        }
    }

    /// The order's email and SMS with the order number replaced by [`NUMBER`].
    fn order_notes(hq: &Hq, lang: Lang, refused: &[(String, CouponRefusal)]) -> Vec<(String, String)> {
        let req = order(lang);
        let priced = price_lines(hq, &req.store, &req.lines).unwrap();
        let receipt = OrderReceipt {
            id: req.id,
            number: order_number(&req.id),
            store: req.store.clone(),
            status: OrderStatus::Received,
            total: priced.priced.as_ref().unwrap().total,
            created_at: req.created_at,
            coupons: vec![],
        };
        order_messages(hq, &req, &receipt, &priced, refused)
            .into_iter()
            .map(|n| {
                (
                    n.subject.replace(&receipt.number, NUMBER),
                    n.body.replace(&receipt.number, NUMBER),
                )
            })
            .collect()
    }

    #[test]
    fn the_order_confirmation_reads_as_before_in_french_and_english_and_exists_in_german() {
        let dir = tempfile::tempdir().unwrap();
        let hq = hq(dir.path());
        let refused = [("MERCI-X".to_string(), CouponRefusal::Unknown)];
        let fr = order_notes(&hq, Lang::FR, &refused);
        assert_eq!(fr[0].0, "Votre commande {number} est reçue");
        assert_eq!(
            fr[0].1,
            "Bonjour Ana,\n\nNous avons bien reçu votre commande click&collect {number} pour le magasin paris-01.\n\n  \
             2 x Nordic must original  1,49 €\nTotal : 2,98 €\n\nLe bon MERCI-X n'a pas pu être appliqué (code de \
             réduction inconnu) : le total ci-dessus est calculé sans ce bon.\n\nNous vous prévenons dès qu'elle est \
             prête à retirer.\n\nVitrine\n"
        );
        assert_eq!(
            fr[1].1,
            "Vitrine : commande {number} reçue (2,98 €). Nous vous prévenons quand elle est prête."
        );
        let en = order_notes(&hq, Lang::EN, &[]);
        assert_eq!(
            en[0].1,
            "Hello Ana,\n\nWe have received your click&collect order {number} for store paris-01.\n\n  \
             2 x Nordic must original  €1.49\nTotal: €2.98\n\nWe will let you know as soon as it is ready for \
             collection.\n\nVitrine\n"
        );
        let de = order_notes(&hq, Lang::DE, &refused);
        assert_eq!(de[0].0, "Ihre Bestellung {number} ist eingegangen");
        assert_eq!(
            de[0].1,
            "Guten Tag Ana,\n\nwir haben Ihre Click-&-Collect-Bestellung {number} für die Filiale paris-01 erhalten.\n\n  \
             2 x Nordic must original  1,49 €\nGesamt: 2,98 €\n\nDer Gutschein MERCI-X konnte nicht angewendet werden \
             (unbekannter Gutscheincode): Die Summe oben ist ohne ihn berechnet.\n\nWir benachrichtigen Sie, sobald sie \
             zur Abholung bereitliegt.\n\nVitrine\n"
        );
        assert_eq!(
            de[1].1,
            "Vitrine: Bestellung {number} eingegangen (2,98 €). Wir benachrichtigen Sie, wenn sie bereitliegt."
        );
    }

    #[test]
    fn the_coupon_email_keeps_its_layout_in_every_language() {
        let dir = tempfile::tempdir().unwrap();
        let hq = hq(dir.path());
        let coupon = CouponRecord {
            code: "MERCI-1234".into(),
            customer_id: None,
            basis_points: 1000,
            min_spend_minor: 0,
            valid_from: None,
            valid_until: 1_798_675_200,
            source: "survey".into(),
            created_at: 0,
            redemption: None,
        };
        let n = coupon_message(&hq, "ana@example.fr", Lang::EN, &coupon, "QR").unwrap();
        assert_eq!(n.subject, "Your 10 % coupon: MERCI-1234");
        assert_eq!(
            n.body,
            "Hello,\n\nThank you for your feedback. Here is your 10 % coupon on your basket, valid in store (kiosk) and \
             online until 2026-12-31:\n\n  MERCI-1234\n\nCode to scan at the kiosk:\nQR\n\nVitrine\n"
        );
        let n = coupon_message(&hq, "ana@example.fr", Lang::DE, &coupon, "QR").unwrap();
        assert_eq!(n.subject, "Ihr Gutschein über 10 %: MERCI-1234");
        assert!(
            n.body.contains("online bis 31.12.2026:\n\n  MERCI-1234\n\n"),
            "{}",
            n.body
        );
        let n = reminder_message(&hq, "ana@example.fr", Lang::FR, &coupon).unwrap();
        assert_eq!(
            n.body,
            "Bonjour,\n\nVotre bon de 10 % (MERCI-1234) expire le 2026-12-31. Profitez-en en magasin ou en ligne.\n\nVitrine\n"
        );
        let n = survey_message(&hq, "ana@example.fr", Lang::DE, "S1").unwrap();
        assert!(n.body.contains("\n\nhttps://hq.example/s/S1?lang=de\n\n"), "{}", n.body);
    }

    #[test]
    fn no_relay_no_email() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = HqConfig::new(dir.path());
        cfg.smtp = None;
        let hq = Hq::open(cfg).unwrap();
        assert!(thanks_message(&hq, "ana@example.fr", Lang::FR).is_none());
    }
}
