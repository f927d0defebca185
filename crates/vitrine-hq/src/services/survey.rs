//! The loop after a purchase. When an order is collected or a handoff
//! claimed with an email ([`after_collected`], [`after_claim`]) HQ queues a
//! thank-you email at once and a survey link `survey_delay_s` later.
//! Answering the survey ([`answer_survey`]) issues a coupon valid
//! `coupon_valid_days` on every channel, emails it at once and queues a
//! reminder `reminder_days_before` its expiry, dropped once the coupon is
//! used. The notifier sends each message when it is due by HQ's clock, in
//! the language of the order or of the page the basket was claimed on.

use vitrine_core::Lang;
use vitrine_core::wire::{Contact, OrderRequest};

use super::coupons::signed_coupon;
use super::customers::CustomerError;
use super::notify::messages::{coupon_message, reminder_message, survey_message, thanks_message};
use crate::storage::customers::{CouponRecord, SurveyRecord};
use crate::storage::{HandoffRecord, OrderRecord, Scheduled};
use crate::{Hq, keys};

fn schedule(
    hq: &Hq,
    email: Option<&str>,
    customer_id: Option<&str>,
    lang: Lang,
    reference: String,
) -> Result<bool, CustomerError> {
    let Some(email) = email.filter(|e| vitrine_core::wire::valid_email(e)) else {
        return Ok(false);
    };
    if hq.config.smtp.is_none() {
        tracing::info!("no SMTP relay configured: no thank-you or survey email");
        return Ok(false);
    }
    let now = hq.now();
    let id = keys::random_code(16)?;
    let notes: Vec<Scheduled> = [
        thanks_message(hq, email, lang).map(|note| Scheduled {
            note,
            at: now,
            until_redeemed: None,
        }),
        survey_message(hq, email, lang, &id).map(|note| Scheduled {
            note,
            at: now + hq.config.survey.survey_delay_s.max(0),
            until_redeemed: None,
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let s = SurveyRecord {
        id,
        customer_id: customer_id.map(String::from),
        email: Some(email.trim().to_string()),
        lang: lang.code().to_string(),
        reference,
        created_at: now,
        answered_at: None,
        score: None,
        coupon_code: None,
    };
    let created = hq.storage.schedule_survey(&s, &notes)?;
    if created {
        tracing::info!(survey = %s.id, reference = %s.reference, "thank-you and survey scheduled");
        hq.wake_notifier();
    }
    Ok(created)
}

/// An order was collected: thank-you now, survey later (once per order).
pub fn after_collected(hq: &Hq, o: &OrderRecord) -> Result<bool, CustomerError> {
    let Ok(req) = serde_json::from_str::<OrderRequest>(&o.request_json) else {
        return Ok(false);
    };
    schedule(
        hq,
        req.customer.email.as_deref(),
        req.customer.customer_id.as_deref(),
        req.lang,
        format!("order:{}", o.id),
    )
}

/// A handoff was claimed with an email: thank-you now, survey later.
pub fn after_claim(hq: &Hq, h: &HandoffRecord, contact: &Contact, lang: Lang) -> Result<bool, CustomerError> {
    schedule(
        hq,
        contact.email.as_deref(),
        h.customer_id.as_deref(),
        lang,
        format!("handoff:{}", h.id),
    )
}

/// The language of a survey's page and messages.
pub fn survey_lang(s: &SurveyRecord) -> Lang {
    Lang::parse(&s.lang).unwrap_or_default()
}

/// Records a survey's answer and issues its coupon (once): the coupon email
/// now, the reminder before it expires. Returns the coupon.
pub fn answer_survey(hq: &Hq, id: &str, score: u8) -> Result<CouponRecord, CustomerError> {
    if !(1..=5).contains(&score) {
        return Err(CustomerError::Invalid("the score is 1 to 5".into()));
    }
    let s = hq
        .storage
        .survey(id)?
        .ok_or_else(|| CustomerError::NotFound(format!("survey {id}")))?;
    if let Some(code) = &s.coupon_code
        && let Some(c) = hq.storage.coupon(code)?
    {
        return Ok(c);
    }
    let now = hq.now();
    let cfg = &hq.config.survey;
    let coupon = CouponRecord {
        code: format!("MERCI-{}", keys::random_code(8)?),
        customer_id: s.customer_id.clone(),
        basis_points: cfg.coupon_basis_points,
        min_spend_minor: 0,
        valid_from: None,
        valid_until: now + cfg.coupon_valid_days.max(1) * 86_400,
        source: "survey".into(),
        created_at: now,
        redemption: None,
    };
    let lang = survey_lang(&s);
    let qr = signed_coupon(hq, &coupon);
    let notes: Vec<Scheduled> = match s.email.as_deref() {
        Some(e) => [
            coupon_message(hq, e, lang, &coupon, &qr).map(|note| Scheduled {
                note,
                at: now,
                until_redeemed: None,
            }),
            // Not sent once the coupon is used (on any channel).
            reminder_message(hq, e, lang, &coupon).map(|note| Scheduled {
                note,
                at: (coupon.valid_until - cfg.reminder_days_before.max(0) * 86_400).max(now),
                until_redeemed: Some(coupon.code.clone()),
            }),
        ]
        .into_iter()
        .flatten()
        .collect(),
        None => Vec::new(),
    };
    if hq.storage.answer_survey(id, score, &coupon, &notes, now)? {
        tracing::info!(survey = %id, "survey answered, coupon issued");
        hq.wake_notifier();
        Ok(coupon)
    } else {
        // Answered meanwhile by another request: that one's coupon.
        let s = hq.storage.survey(id)?;
        match s.and_then(|s| s.coupon_code) {
            Some(code) => hq.storage.coupon(&code)?.ok_or_else(|| CustomerError::NotFound(code)),
            None => Err(CustomerError::NotFound(format!("survey {id}"))),
        }
    }
}
