//! The phone basket page, phone-sized, in the shopper's language:
//! - `GET /h/{id}`: the handed-off basket with HQ's prices (the customer
//!   the kiosk identified, the coupons used on it), a claim form (email or
//!   phone for the confirmation), a coupon form and "open in the app".
//!   When HQ has not received the handoff yet (the kiosk is offline), the
//!   page's script submits the basket carried in the URL fragment
//!   (`POST /h/{id}/submit`); HQ checks the kiosk's signature, and the
//!   kiosk's own copy is deduplicated when it arrives.
//! - `POST /h/{id}/claim`: the shopper's email or phone; the basket is
//!   sent there once.
//! - `POST /h/{id}/coupon`: a coupon used on the basket.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::wire::{Contact, HandoffReceipt, HandoffSubmit, codes, valid_email};
use vitrine_i18n::{MoneyText, Text, domain, text, tr};

use crate::Hq;
use crate::http::page::{
    BASKET_SCRIPT, BRAND, alert, error_text, error_texts, html, lang_links, link_paragraph, page as shell, page_lang,
    script_json, wants_json,
};
use crate::http::{ApiJson, Failure, PageForm, blocking, esc, product_picture};
use crate::services::catalog::demo_prices;
use crate::services::handoffs::{
    ClaimOutcome, PhoneCoupon, Source, accept_handoff, claim as claim_basket, handoff_receipt, price_handoff,
    use_coupon,
};
use crate::services::pricing::PricedLine;
use crate::storage::HandoffRecord;

#[derive(Deserialize)]
pub(super) struct PageQuery {
    lang: Option<String>,
    partial: Option<String>,
}

/// `/h/{id}?lang=…`: where a form sends the shopper back.
fn basket_href(id: &str, lang: Lang) -> String {
    format!("/h/{id}?lang={}", lang.code())
}

/// An error page of the basket: `msg` and a link back to the basket.
fn problem(status: StatusCode, lang: Lang, id: &str, msg: &str) -> Response {
    let back = link_paragraph(&basket_href(id, lang), &tr!(lang, "hq-page-back-to-basket"));
    html(status, lang, BRAND, &format!("{}{back}", alert(msg)))
}

/// The basket section (also sent alone to the page's script), priced for
/// the customer the kiosk identified, with the coupons used on the phone.
fn basket_section(hq: &Hq, h: &HandoffRecord, lang: Lang) -> Result<String, Failure> {
    let priced = price_handoff(hq, h)?;
    let mut rows = String::new();
    for PricedLine { line, product, price } in &priced.products {
        let name = match product {
            Some(p) => Text::verbatim(p.name.as_str()),
            None => text!("hq-page-unknown-product", gtin = line.gtin.to_string()),
        };
        let line_total = price
            .and_then(|m| m.times(i64::from(line.quantity)))
            .map(|m| m.format(lang))
            .unwrap_or_else(|| tr!(lang, "hq-page-no-price"));
        let picture = product
            .as_ref()
            .and_then(|p| p.image.as_ref().map(|id| product_picture(id, &p.name)))
            .unwrap_or_default();
        rows.push_str(&format!(
            "<tr class=\"line\"><td>{picture}{}</td><td class=\"n\">{}</td></tr>",
            esc(&tr!(lang, "hq-page-line", quantity = line.quantity, name = name)),
            esc(&line_total)
        ));
    }
    let mut footer = String::new();
    if let Some(b) = &priced.priced {
        for a in &b.applied {
            footer.push_str(&format!(
                "<tr class=\"promo\"><td colspan=\"2\">{}</td></tr>",
                esc(&domain::applied_promotion(a).render(lang))
            ));
        }
        footer.push_str(&format!(
            "<tr class=\"total\"><td>{}</td><td class=\"n\" id=\"total\">{}</td></tr>",
            esc(&tr!(lang, "hq-page-total")),
            esc(&b.total.format(lang))
        ));
    }
    let claim = if h.claimed_at.is_some() {
        format!("<p role=\"status\">{}</p>", esc(&tr!(lang, "hq-page-claimed")))
    } else {
        format!(
            "<form method=\"post\" action=\"/h/{id}/claim\"><input type=\"hidden\" name=\"lang\" value=\"{l}\">\
<h2>{t}</h2><label for=\"email\">{e}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\">\
<label for=\"phone\">{p}</label><input id=\"phone\" name=\"phone\" type=\"tel\" autocomplete=\"tel\">\
<button type=\"submit\">{b}</button></form>",
            id = h.id,
            l = lang.code(),
            t = esc(&tr!(lang, "hq-page-claim-heading")),
            e = esc(&tr!(lang, "hq-page-claim-email")),
            p = esc(&tr!(lang, "hq-page-claim-phone")),
            b = esc(&tr!(lang, "hq-page-send")),
        )
    };
    let app = hq
        .config
        .app_deep_link
        .as_ref()
        .map(|t| {
            format!(
                "<p><a class=\"button\" href=\"{}\">{}</a></p>",
                esc(&t.replace("{id}", &h.id.to_string())),
                esc(&tr!(lang, "hq-page-open-app"))
            )
        })
        .unwrap_or_default();
    let demo = if demo_prices(hq) {
        format!(
            "<p class=\"note\"><strong>{}</strong></p>",
            esc(&tr!(lang, "hq-demo-prices"))
        )
    } else {
        String::new()
    };
    Ok(format!(
        "<table aria-label=\"{}\"><tbody>{rows}{footer}</tbody></table>\
<p class=\"note\">{}</p>{demo}{app}{claim}",
        esc(&tr!(lang, "hq-page-basket-title")),
        esc(&tr!(lang, "hq-page-store-prices", store = h.store.as_str())),
    ))
}

/// The coupon form of the basket page.
fn coupon_form(id: &Uuid, lang: Lang) -> String {
    format!(
        "<form method=\"post\" action=\"/h/{id}/coupon\"><input type=\"hidden\" name=\"lang\" value=\"{l}\">\
<label for=\"coupon\">{t}</label><input id=\"coupon\" name=\"code\" autocomplete=\"off\"><button type=\"submit\">{b}</button></form>",
        l = lang.code(),
        t = esc(&tr!(lang, "hq-page-coupon")),
        b = esc(&tr!(lang, "hq-page-coupon-use")),
    )
}

/// `GET /h/{id}`.
pub(super) async fn page(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let Ok(id) = Uuid::parse_str(&id) else {
        return html(
            StatusCode::NOT_FOUND,
            lang,
            BRAND,
            &format!("<h1>{}</h1>", esc(&tr!(lang, "hq-page-link-invalid"))),
        );
    };
    let hq2 = hq.clone();
    let found = blocking(move || Ok(hq2.storage.handoff(&id)?)).await;
    let section = match found {
        Ok(Some(h)) => {
            let hq3 = hq.clone();
            let hid = h.id;
            match blocking(move || basket_section(&hq3, &h, lang)).await {
                Ok(s) => format!("{s}{}", coupon_form(&hid, lang)),
                Err(f) => alert(&error_text(&f.body.error, lang)),
            }
        }
        Ok(None) => format!(
            "<p id=\"loading\" role=\"status\">{}</p><noscript>{}</noscript>",
            esc(&tr!(lang, "hq-page-loading")),
            esc(&tr!(lang, "hq-page-need-js")),
        ),
        Err(f) => alert(&error_text(&f.body.error, lang)),
    };
    if q.partial.is_some() {
        return Html(section).into_response();
    }
    let path = format!("/h/{id}");
    // The script (constant, allowed by hash) reads what it needs from a
    // data block: the catalogue's words for HQ's error codes in the page's
    // language (never the API's message), where to submit, the language.
    let data = serde_json::json!({
        "path": path,
        "lang": lang.code(),
        "texts": error_texts(lang),
    });
    let script = format!(
        "<script type=\"application/json\" id=\"page-data\">{}</script><script>{BASKET_SCRIPT}</script>",
        script_json(&data)
    );
    let body = format!(
        "{}<h1>{}</h1><div id=\"basket\">{section}</div>{script}",
        lang_links(&path, lang),
        esc(&tr!(lang, "hq-page-basket-heading")),
    );
    Html(shell(lang, &tr!(lang, "hq-page-basket-title"), &body)).into_response()
}

/// `POST /h/{id}/submit`: the page's script delivers the basket its link
/// carries (JSON in, JSON out, like the kiosk API).
pub(super) async fn submit(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, Json<HandoffReceipt>), Failure> {
    let id = Uuid::parse_str(&id).map_err(|_| Failure::not_found("this handoff link is not valid"))?;
    let hq2 = hq.clone();
    let h = blocking(move || Ok(accept_handoff(&hq2, &sub, Source::Phone, Some(id))?)).await?;
    Ok((StatusCode::CREATED, Json(handoff_receipt(&hq, &h))))
}

#[derive(Deserialize)]
pub(super) struct ClaimForm {
    email: Option<String>,
    phone: Option<String>,
    lang: Option<String>,
}

/// The answer to a claim of a basket already claimed (with this contact or
/// another: the page says neither): in the page's language
/// first, then in the catalogue's other languages (the first shopper, who
/// may read another one, could be the one looking).
fn claim_taken(lang: Lang, id: &Uuid) -> Response {
    let mut body = format!(
        "<h1>{}</h1><p role=\"alert\" id=\"claim-refused\">{}</p>",
        esc(&tr!(lang, "hq-page-claim-taken-title")),
        esc(&tr!(lang, "hq-page-claim-taken")),
    );
    for other in vitrine_i18n::available().iter().filter(|l| **l != lang) {
        body.push_str(&format!(
            "<p lang=\"{}\">{}</p>",
            other.code(),
            esc(&tr!(*other, "hq-page-claim-taken"))
        ));
    }
    body.push_str(&link_paragraph(
        &basket_href(&id.to_string(), lang),
        &tr!(lang, "hq-page-back-to-basket"),
    ));
    html(StatusCode::CONFLICT, lang, BRAND, &body)
}

/// `POST /h/{id}/claim`.
pub(super) async fn claim(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<ClaimForm>,
) -> Response {
    let lang = page_lang(form.lang.as_deref(), &headers);
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return problem(
            StatusCode::NOT_FOUND,
            lang,
            &id,
            &tr!(lang, "hq-page-link-invalid-short"),
        );
    };
    let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let contact = Contact {
        email: clean(form.email),
        phone: clean(form.phone),
    };
    if contact.is_empty() {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "hq-page-claim-need-contact"),
        );
    }
    if contact.validate().is_err() {
        let msg = if contact.email.as_deref().is_some_and(|e| !valid_email(e)) {
            tr!(lang, "hq-page-claim-bad-email")
        } else {
            tr!(lang, "hq-page-claim-bad-phone")
        };
        return problem(StatusCode::UNPROCESSABLE_ENTITY, lang, &id, &msg);
    }
    let hq2 = hq.clone();
    let res = blocking(move || Ok(claim_basket(&hq2, &uuid, &contact, lang)?)).await;
    match res {
        Ok(ClaimOutcome::Claimed) => Redirect::to(&basket_href(&uuid.to_string(), lang)).into_response(),
        // Once claimed, every claim gets the same answer, whether or not its
        // contact is the one used: the answer must not tell someone with the
        // link whether a given email or phone number was it. The first
        // shopper's double tap sees it too, and nothing more is sent.
        Ok(ClaimOutcome::Repeat | ClaimOutcome::Taken) => claim_taken(lang, &uuid),
        Ok(ClaimOutcome::NotFound) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}

#[derive(Deserialize)]
pub(super) struct CouponForm {
    code: String,
    lang: Option<String>,
}

/// `POST /h/{id}/coupon`: the coupon is used once (channel `phone`),
/// refused if it was used before anywhere or does not apply to this basket.
pub(super) async fn coupon(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<CouponForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let failed = |failure: Failure| {
        if wants_json(&headers) {
            return failure.into_response();
        }
        problem(failure.status, lang, &id, &error_text(&failure.body.error, lang))
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return failed(Failure::not_found("this basket link is not valid"));
    };
    let hq2 = hq.clone();
    let res = blocking(move || Ok(use_coupon(&hq2, &uuid, &f.code)?)).await;
    let back = link_paragraph(&basket_href(&id, lang), &tr!(lang, "hq-page-back-to-basket"));
    match res {
        Ok(Some(PhoneCoupon::Applied(total))) => {
            let title = tr!(lang, "hq-page-coupon-applied");
            html(
                StatusCode::OK,
                lang,
                &title,
                &format!(
                    "<h1>{}</h1><p role=\"status\">{} <strong id=\"total\">{}</strong></p>{back}",
                    esc(&title),
                    esc(&tr!(lang, "hq-page-coupon-new-total")),
                    esc(&total.format(lang))
                ),
            )
        }
        Ok(Some(PhoneCoupon::Refused(why))) => {
            let title = tr!(lang, "hq-page-coupon-refused");
            html(
                StatusCode::CONFLICT,
                lang,
                &title,
                &format!(
                    "<h1>{}</h1><p role=\"alert\" id=\"refused\">{}</p>{back}",
                    esc(&title),
                    esc(&why.text().render(lang))
                ),
            )
        }
        Ok(None) => failed(Failure::not_found("basket not found")),
        Err(e) => failed(e),
    }
}
