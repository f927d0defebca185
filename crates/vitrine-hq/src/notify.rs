//! Confirmations to shoppers: email through the configured SMTP relay
//! (`lettre`) and SMS through the configured HTTP webhook. Messages are
//! written in the same transaction as the order or claim they confirm
//! (`notifications` table) and sent by [`run`], retried with backoff; the
//! log never shows an address or a number.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vitrine_core::Lang;
use vitrine_core::wire::{OrderReceipt, OrderRequest, OrderStatus};
use vitrine_i18n::MoneyText;

use crate::Hq;
use crate::api::PricedLines;
use crate::storage::{HandoffRecord, NewNotification, Notification, OrderRecord};

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// The warning shown wherever prices are the seeded demo values.
pub fn demo_note(hq: &Hq, lang: Lang) -> Option<&'static str> {
    let demo = hq
        .storage
        .meta("prices_origin")
        .ok()
        .flatten()
        .is_some_and(|o| o.starts_with("demo"));
    demo.then(|| {
        lang.pick(
            "Prix de démonstration, pas des prix réels.",
            "Demo prices, not real prices.",
        )
    })
}

fn lines_text(hq: &Hq, priced: &PricedLines, lang: Lang) -> String {
    let mut out = String::new();
    for (l, p, price) in &priced.products {
        let name = p.as_ref().map(|p| p.name.as_str()).unwrap_or("?");
        let price = price.map(|m| m.format(lang)).unwrap_or_else(|| "-".into());
        out.push_str(&format!("  {} x {}  {}\n", l.quantity, name, price));
    }
    if let Some(b) = &priced.priced {
        for a in &b.applied {
            out.push_str(&format!(
                "  {}\n",
                vitrine_i18n::domain::applied_promotion(a).render(lang)
            ));
        }
        out.push_str(&format!(
            "{} {}\n",
            lang.pick("Total :", "Total:"),
            b.total.format(lang)
        ));
    }
    if let Some(note) = demo_note(hq, lang) {
        out.push_str(note);
        out.push('\n');
    }
    out
}

fn email(hq: &Hq, to: &Option<String>, subject: String, body: String) -> Option<NewNotification> {
    match (to, &hq.config.smtp) {
        (Some(to), Some(_)) => Some(NewNotification {
            channel: "email".into(),
            to: to.trim().to_string(),
            subject,
            body,
        }),
        (Some(_), None) => {
            tracing::info!("no SMTP relay configured: email confirmation skipped");
            None
        }
        _ => None,
    }
}

fn sms(hq: &Hq, to: &Option<String>, text: String) -> Option<NewNotification> {
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

/// One sentence per coupon HQ refused for an order (already used
/// elsewhere, expired, unknown): the shopper learns why the total is higher
/// than the kiosk showed. The outcome's reason is "English / French".
fn refused_coupons_text(receipt: &OrderReceipt, lang: Lang) -> String {
    let mut out = String::new();
    for c in receipt.coupons.iter().filter(|c| !c.accepted) {
        let reason = c.reason.as_deref().unwrap_or("");
        let reason = match (lang, reason.split_once(" / ")) {
            (Lang::Fr, Some((_, fr))) => fr,
            (Lang::En, Some((en, _))) => en,
            _ => reason,
        };
        let reason = reason.trim().trim_end_matches('.');
        // Inside a sentence: "(this coupon was already used …)".
        let mut chars = reason.chars();
        let reason: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        out.push_str(&match lang {
            Lang::Fr => format!(
                "Le bon {} n'a pas pu être appliqué ({reason}) : le total ci-dessus est calculé sans ce bon.\n",
                c.code
            ),
            _ => format!(
                "Coupon {} could not be applied ({reason}): the total above is without it.\n",
                c.code
            ),
        });
    }
    if !out.is_empty() {
        out.insert(0, '\n');
    }
    out
}

/// The confirmation of a new click&collect order, with the reason of each
/// coupon HQ refused (the receipt's coupon outcomes).
pub fn order_messages(
    hq: &Hq,
    req: &OrderRequest,
    receipt: &OrderReceipt,
    priced: &PricedLines,
) -> Vec<NewNotification> {
    let lang = req.lang;
    let subject = match lang {
        Lang::Fr => format!("Votre commande {} est reçue", receipt.number),
        _ => format!("Your order {} is received", receipt.number),
    };
    let body = match lang {
        Lang::Fr => format!(
            "Bonjour {},\n\nNous avons bien reçu votre commande click&collect {} pour le magasin {}.\n\n{}{}\nNous vous prévenons dès qu'elle est prête à retirer.\n\nVitrine\n",
            req.customer.name,
            receipt.number,
            receipt.store,
            lines_text(hq, priced, lang),
            refused_coupons_text(receipt, lang)
        ),
        _ => format!(
            "Hello {},\n\nWe have received your click&collect order {} for store {}.\n\n{}{}\nWe will let you know as soon as it is ready for collection.\n\nVitrine\n",
            req.customer.name,
            receipt.number,
            receipt.store,
            lines_text(hq, priced, lang),
            refused_coupons_text(receipt, lang)
        ),
    };
    let text = match lang {
        Lang::Fr => format!(
            "Vitrine : commande {} reçue ({}). Nous vous prévenons quand elle est prête.",
            receipt.number,
            receipt.total.format(lang)
        ),
        _ => format!(
            "Vitrine: order {} received ({}). We will tell you when it is ready.",
            receipt.number,
            receipt.total.format(lang)
        ),
    };
    [
        email(hq, &req.customer.email, subject, body),
        sms(hq, &req.customer.phone, text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The message when an order changes status (ready is the one that matters).
pub fn status_messages(hq: &Hq, o: &OrderRecord, status: OrderStatus) -> Vec<NewNotification> {
    if status != OrderStatus::Ready {
        return Vec::new();
    }
    let Ok(req) = serde_json::from_str::<OrderRequest>(&o.request_json) else {
        return Vec::new();
    };
    let lang = req.lang;
    let subject = match lang {
        Lang::Fr => format!("Votre commande {} est prête", o.number),
        _ => format!("Your order {} is ready", o.number),
    };
    let body = match lang {
        Lang::Fr => format!(
            "Bonjour {},\n\nVotre commande {} est prête à retirer au magasin {}. Donnez ce numéro à l'accueil.\n\nVitrine\n",
            req.customer.name, o.number, o.store
        ),
        _ => format!(
            "Hello {},\n\nYour order {} is ready for collection at store {}. Give this number at the desk.\n\nVitrine\n",
            req.customer.name, o.number, o.store
        ),
    };
    let text = match lang {
        Lang::Fr => format!(
            "Vitrine : votre commande {} est prête à retirer ({}).",
            o.number, o.store
        ),
        _ => format!(
            "Vitrine: your order {} is ready for collection ({}).",
            o.number, o.store
        ),
    };
    [
        email(hq, &req.customer.email, subject, body),
        sms(hq, &req.customer.phone, text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The confirmation sent when a shopper claims a handoff on their phone.
pub fn claim_messages(
    hq: &Hq,
    h: &HandoffRecord,
    contact: &vitrine_core::wire::Contact,
    priced: &PricedLines,
    lang: Lang,
) -> Vec<NewNotification> {
    let link = format!("{}/h/{}", hq.config.public_base_url.trim_end_matches('/'), h.id);
    let subject = lang.pick("Votre panier Vitrine", "Your Vitrine basket").to_string();
    let body = match lang {
        Lang::Fr => format!(
            "Bonjour,\n\nVoici le panier préparé à la borne du magasin {} :\n\n{}\nRetrouvez-le à tout moment : {}\n\nVitrine\n",
            h.store,
            lines_text(hq, priced, lang),
            link
        ),
        _ => format!(
            "Hello,\n\nHere is the basket you made at the kiosk in store {}:\n\n{}\nFind it any time: {}\n\nVitrine\n",
            h.store,
            lines_text(hq, priced, lang),
            link
        ),
    };
    let text = format!("{} {link}", lang.pick("Vitrine : votre panier", "Vitrine: your basket"));
    [email(hq, &contact.email, subject, body), sms(hq, &contact.phone, text)]
        .into_iter()
        .flatten()
        .collect()
}

async fn send(hq: &Hq, http: &reqwest::Client, n: &Notification) -> Result<(), String> {
    match n.channel.as_str() {
        "email" => {
            let smtp = hq.config.smtp.as_ref().ok_or("no SMTP relay configured")?;
            let msg = Message::builder()
                .from(smtp.from.parse().map_err(|e| format!("sender address: {e}"))?)
                .to(n.to.parse().map_err(|e| format!("recipient address: {e}"))?)
                .subject(n.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(n.body.clone())
                .map_err(|e| e.to_string())?;
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(20)))
                .build();
            transport.send(msg).await.map(|_| ()).map_err(|e| e.to_string())
        }
        "sms" => {
            let url = hq.config.sms_webhook.as_ref().ok_or("no SMS webhook configured")?;
            let resp = http
                .post(url)
                .json(&serde_json::json!({ "to": n.to, "text": n.body }))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(format!("SMS webhook answered {}", resp.status()))
            }
        }
        other => Err(format!("unknown channel {other}")),
    }
}

/// Sends due notifications until HQ stops.
pub async fn run(hq: Arc<Hq>) {
    let http = match reqwest::Client::builder().timeout(Duration::from_secs(20)).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the SMS client; notifications are off");
            return;
        }
    };
    let mut shut = hq.shutdown_signal();
    loop {
        let st = hq.storage.clone();
        let now = hq.now();
        let due = tokio::task::spawn_blocking(move || st.due_notifications(now, 20)).await;
        let due = match due {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot read the notifications");
                Vec::new()
            }
            Err(_) => Vec::new(),
        };
        for n in &due {
            let result = send(&hq, &http, n).await;
            let st = hq.storage.clone();
            let (id, channel, attempts) = (n.id, n.channel.clone(), n.attempts);
            let now = hq.now();
            let _ = tokio::task::spawn_blocking(move || match result {
                Ok(()) => {
                    tracing::info!(notification = id, channel = %channel, "confirmation sent");
                    st.notification_sent(id, now)
                }
                Err(e) => {
                    let next = (attempts + 1 < MAX_ATTEMPTS).then(|| now + (5i64 << attempts.min(10)));
                    tracing::warn!(notification = id, channel = %channel, error = %e, gave_up = next.is_none(), "confirmation not sent");
                    st.notification_failed(id, &e, next)
                }
            })
            .await;
        }
        if !due.is_empty() {
            continue;
        }
        let st = hq.storage.clone();
        let next = tokio::task::spawn_blocking(move || st.next_notification_at())
            .await
            .ok()
            .and_then(Result::ok)
            .flatten();
        let wait = next
            .map(|t| Duration::from_secs((t - hq.now()).clamp(1, 60) as u64))
            .unwrap_or(Duration::from_secs(60));
        tokio::select! {
            _ = hq.notifier_wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = shut.changed() => return,
        }
    }
}
