//! Messages to shoppers: email through the configured SMTP relay
//! (`lettre`) and SMS through the configured HTTP webhook. Messages are
//! built from the message catalogue ([`messages`]), written in the same
//! transaction as the order or claim they confirm (the `notifications`
//! queue) and sent by [`run`] when due by HQ's clock, retried with backoff;
//! the log never shows an address or a number.

pub mod messages;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::Hq;
use crate::storage::Notification;

/// Tries before a message is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// Why a message was not sent, in words that carry no secret: never the
/// recipient, the SMTP relay's reply text (it quotes the recipient) or the
/// webhook's address (it may carry its key). These words go to HQ's log
/// and the queue's `last_error`.
fn smtp_failure(e: &lettre::transport::smtp::Error) -> String {
    let code = e.status().map(|c| format!(" ({c})")).unwrap_or_default();
    let kind = if e.is_permanent() {
        "the SMTP relay refused the message permanently"
    } else if e.is_transient() {
        "the SMTP relay refused the message for now"
    } else if e.is_timeout() {
        "the SMTP relay did not answer in time"
    } else if e.is_client() {
        "the message could not be given to the SMTP relay"
    } else {
        "the SMTP relay could not be reached"
    };
    format!("{kind}{code}")
}

/// [`smtp_failure`] for the SMS webhook: reqwest's words without the URL.
fn webhook_failure(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "failed"
    };
    format!("the SMS webhook {kind}")
}

async fn send(hq: &Hq, http: &reqwest::Client, n: &Notification) -> Result<(), String> {
    match n.channel.as_str() {
        "email" => {
            let smtp = hq.config.smtp.as_ref().ok_or("no SMTP relay configured")?;
            let msg = Message::builder()
                .from(
                    smtp.from
                        .parse()
                        .map_err(|_| "the sender address (--smtp-from) is not valid")?,
                )
                .to(n.to.parse().map_err(|_| "the recipient address is not valid")?)
                .subject(n.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(n.body.clone())
                .map_err(|_| "the message could not be built")?;
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(20)))
                .build();
            transport.send(msg).await.map(|_| ()).map_err(|e| smtp_failure(&e))
        }
        "sms" => {
            let url = hq.config.sms_webhook.as_ref().ok_or("no SMS webhook configured")?;
            let resp = http
                .post(url)
                .json(&serde_json::json!({ "to": n.to, "text": n.body }))
                .send()
                .await
                .map_err(webhook_failure)?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(format!("the SMS webhook answered {}", resp.status().as_u16()))
            }
        }
        _ => Err("unknown channel".into()),
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
            hq.metrics.observe_notification(&channel, result.is_ok());
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
