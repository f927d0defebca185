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
use vitrine_core::wire::customers::LookupKind;
use vitrine_core::wire::{Contact, HandoffReceipt, HandoffSubmit, OrderRequest, codes, valid_email};
use vitrine_i18n::{MoneyText, domain, tr};

use crate::Hq;
use crate::http::page::{
    BASKET_SCRIPT, BRAND, OFFLINE_NOTE, alert, error_text, error_texts, html, lang_links, link_paragraph,
    page as shell, page_lang, retailer_header, script_json, wants_json,
};
use crate::http::{ApiJson, Failure, PageForm, blocking, esc, product_picture};
use crate::services::ServiceError;
use crate::services::catalog::demo_prices;
use crate::services::handoffs::{
    ClaimOutcome, PhoneCoupon, Source, accept_handoff, claim as claim_basket, handoff_receipt, use_coupon,
};
use crate::services::identify::Refusal;
use crate::services::phone::{self, Edit, PhoneBasket, Way};
use crate::services::pricing::PricedLine;

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

/// The basket named in a form's path, or the page saying its link is not
/// valid (404).
fn basket_id(id: &str, lang: Lang) -> Result<Uuid, Box<Response>> {
    Uuid::parse_str(id).map_err(|_| {
        Box::new(problem(
            StatusCode::NOT_FOUND,
            lang,
            id,
            &tr!(lang, "hq-page-link-invalid-short"),
        ))
    })
}

/// A form posting to the basket `path` with the page's language.
fn form_open(action: &str, lang: Lang) -> String {
    format!(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">",
        esc(action),
        lang.code()
    )
}

/// One basket line: its picture's place, name, brand, unit and line price,
/// and the forms that change its quantity (they post: no script needed).
fn line_html(b: &PhoneBasket, pl: &PricedLine, editable: bool, lang: Lang) -> String {
    let PricedLine { line, product, price } = pl;
    let gtin = line.gtin.to_string();
    let name = match product {
        Some(p) => p.name.clone(),
        None => tr!(lang, "hq-page-unknown-product", gtin = gtin.as_str()),
    };
    let brand = product
        .as_ref()
        .and_then(|p| p.brand.as_deref())
        .map(|b| format!("<span class=\"brand\">{}</span>", esc(b)))
        .unwrap_or_default();
    let (unit, total) = match price {
        Some(unit) => (
            tr!(lang, "phone-unit-price", price = *unit),
            unit.times(i64::from(line.quantity))
                .map(|m| m.format(lang))
                .unwrap_or_else(|| tr!(lang, "hq-page-no-price")),
        ),
        None => (
            tr!(lang, "phone-line-no-price", name = name.as_str()),
            tr!(lang, "hq-page-no-price"),
        ),
    };
    let qty = if editable {
        let action = format!("/h/{}/lines", b.record.id);
        let button = |quantity: u32, label: &str, sign: &str, class: &str| {
            format!(
                "{}<input type=\"hidden\" name=\"v\" value=\"{}\"><input type=\"hidden\" name=\"gtin\" value=\"{gtin}\">\
<input type=\"hidden\" name=\"quantity\" value=\"{quantity}\"><button type=\"submit\" class=\"{class}\" aria-label=\"{}\">{sign}</button></form>",
                form_open(&action, lang),
                b.version,
                esc(label)
            )
        };
        let minus = if line.quantity > 1 {
            button(
                line.quantity - 1,
                &tr!(lang, "phone-less", name = name.as_str()),
                "\u{2212}",
                "q",
            )
        } else {
            String::new()
        };
        let plus = if line.measure.is_none() && line.quantity < vitrine_core::wire::MAX_QUANTITY {
            button(
                line.quantity + 1,
                &tr!(lang, "phone-more", name = name.as_str()),
                "+",
                "q",
            )
        } else {
            String::new()
        };
        let remove = button(
            0,
            &tr!(lang, "phone-remove-label", name = name.as_str()),
            &tr!(lang, "phone-remove"),
            "rm",
        );
        format!(
            "<div class=\"qty\">{minus}<span class=\"count\" aria-label=\"{}\">{}</span>{plus}{remove}</div>",
            esc(&tr!(lang, "phone-quantity", quantity = line.quantity)),
            line.quantity
        )
    } else {
        format!(
            "<div class=\"qty\"><span class=\"count\">{}</span></div>",
            esc(&tr!(lang, "phone-quantity", quantity = line.quantity))
        )
    };
    let picture = product
        .as_ref()
        .and_then(|p| p.image.as_ref().map(|id| product_picture(id, &p.name)))
        .unwrap_or_default();
    format!(
        "<li class=\"line\" id=\"l-{gtin}\"><div class=\"pic\" data-gtin=\"{gtin}\">{picture}</div><div class=\"what\"><strong>{}</strong>{brand}\
<span class=\"unit\">{}</span></div>{qty}<div class=\"n\">{}</div></li>",
        esc(&name),
        esc(&unit),
        esc(&total)
    )
}

/// The basket section (also sent alone to the page's script): the store,
/// the lines, the promotions with their saving, the total (saying which
/// lines it leaves out), then the ways to finish.
fn basket_section(hq: &Hq, id: &Uuid, lang: Lang) -> Result<String, Failure> {
    let Some(b) = phone::basket(hq, id)? else {
        return Err(Failure::not_found("basket not found"));
    };
    let h = &b.record;
    let editable = b.orders.is_empty();
    let store = phone::store(hq, &h.store)?;
    let store_line = match &store {
        Some(s) => {
            let place = phone::place_of(s);
            if place.is_empty() {
                tr!(lang, "phone-store", store = s.name.as_str())
            } else {
                tr!(lang, "phone-store-at", store = s.name.as_str(), place = place.as_str())
            }
        }
        None => tr!(lang, "hq-page-store-prices", store = h.store.as_str()),
    };
    let mut out = format!("<p class=\"store\">{}</p>", esc(&store_line));
    if h.lines.is_empty() {
        out.push_str(&format!("<p role=\"status\">{}</p>", esc(&tr!(lang, "phone-empty"))));
    } else {
        out.push_str(&format!(
            "<ul class=\"lines\" aria-label=\"{}\">",
            esc(&tr!(lang, "hq-page-basket-title"))
        ));
        for pl in &b.priced.products {
            out.push_str(&line_html(&b, pl, editable, lang));
        }
        out.push_str("</ul>");
    }
    let unpriced = b.unpriced();
    for g in &unpriced {
        out.push_str(&format!(
            "<p class=\"warn\" id=\"unpriced-{g}\">{}</p>",
            esc(&tr!(lang, "phone-unpriced-line", gtin = g.to_string()))
        ));
    }
    if let Some(p) = &b.priced.priced {
        if !p.applied.is_empty() {
            out.push_str("<ul class=\"promos\">");
            for a in &p.applied {
                out.push_str(&format!(
                    "<li class=\"promo\">{}</li>",
                    esc(&domain::applied_promotion(a).render(lang))
                ));
            }
            out.push_str("</ul>");
        }
        let label = if unpriced.is_empty() {
            tr!(lang, "hq-page-total")
        } else {
            tr!(lang, "phone-total-without", count = unpriced.len())
        };
        out.push_str(&format!(
            "<p class=\"total\"><span>{}</span> <strong id=\"total\">{}</strong></p>",
            esc(&label),
            esc(&p.total.format(lang))
        ));
    }
    if demo_prices(hq) {
        out.push_str(&format!(
            "<p class=\"note\"><strong>{}</strong></p>",
            esc(&tr!(lang, "hq-demo-prices"))
        ));
    }
    // Orders already made from this basket.
    for o in &b.orders {
        if let Some(rec) = hq.storage.order(o)? {
            out.push_str(&format!(
                "<p role=\"status\"><a href=\"/o/{}?lang={}\">{}</a></p>",
                o,
                lang.code(),
                esc(&tr!(lang, "phone-see-order", number = rec.number.as_str()))
            ));
        }
    }
    // Identification: member prices and personal coupons.
    out.push_str(&identity_section(hq, &b, lang)?);
    if editable && !h.lines.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2><p class=\"ways\"><a class=\"button\" href=\"/h/{id}/collect?lang={l}\">{}</a> \
<a class=\"button\" href=\"/h/{id}/delivery?lang={l}\">{}</a></p>",
            esc(&tr!(lang, "phone-finish")),
            esc(&tr!(lang, "phone-way-collect")),
            esc(&tr!(lang, "phone-way-delivery")),
            id = h.id,
            l = lang.code(),
        ));
    }
    if let Some(t) = &hq.config.app_deep_link {
        // The app opens the basket if installed; otherwise the browser
        // stays on (or comes back to) this page.
        out.push_str(&format!(
            "<p><a class=\"button alt\" href=\"{}\">{}</a></p><p class=\"note\">{}</p>",
            esc(&t.replace("{id}", &h.id.to_string())),
            esc(&tr!(lang, "hq-page-open-app")),
            esc(&tr!(lang, "phone-app-fallback"))
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
    out.push_str(&claim);
    Ok(out)
}

/// Who the shopper is (after a one-time code) with their coupons, or the
/// form to get a code.
fn identity_section(hq: &Hq, b: &PhoneBasket, lang: Lang) -> Result<String, Failure> {
    let id = b.record.id;
    if let Some(v) = phone::identified(hq, b)? {
        let mut out = format!(
            "<h2>{}</h2><p role=\"status\" id=\"member\">{}</p>",
            esc(&tr!(lang, "phone-member-heading")),
            esc(&tr!(lang, "phone-member", name = v.first_name.as_str()))
        );
        let codes = v.coupon_codes();
        if !codes.is_empty() {
            out.push_str("<ul class=\"coupons\">");
            for c in codes {
                out.push_str(&format!(
                    "<li>{}<input type=\"hidden\" name=\"code\" value=\"{c}\"><button type=\"submit\">{}</button></form></li>",
                    form_open(&format!("/h/{id}/coupon"), lang),
                    esc(&tr!(lang, "phone-use-coupon", code = c.as_str())),
                    c = esc(&c),
                ));
            }
            out.push_str("</ul>");
        }
        return Ok(out);
    }
    Ok(format!(
        "<h2>{}</h2>{}<label for=\"who\">{}</label><input id=\"who\" name=\"value\" autocomplete=\"email\" required>\
<button type=\"submit\">{}</button></form>",
        esc(&tr!(lang, "phone-identify-heading")),
        form_open(&format!("/h/{id}/identify"), lang),
        esc(&tr!(lang, "phone-identify-label")),
        esc(&tr!(lang, "phone-identify-send")),
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

/// The note a page carries hidden, for the service worker to show when it
/// serves the copy it kept because the network failed
/// (its words in the page's language).
fn offline_note(text: &str) -> String {
    format!("{OFFLINE_NOTE}{}</p>", esc(text))
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
            match blocking(move || basket_section(&hq3, &hid, lang)).await {
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
        "{}{}{}<h1>{}</h1><div id=\"basket\">{section}</div>{script}",
        retailer_header(&hq),
        lang_links(&path, lang),
        offline_note(&tr!(lang, "phone-offline-basket")),
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
    let uuid = match basket_id(&id, lang) {
        Ok(uuid) => uuid,
        Err(page) => return *page,
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

#[derive(Deserialize)]
pub(super) struct LineForm {
    gtin: String,
    quantity: u32,
    v: u32,
    lang: Option<String>,
}

/// `POST /h/{id}/lines`: sets a line's quantity (0 removes it) on the
/// version the page showed; back to the basket, priced again by HQ.
pub(super) async fn lines(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<LineForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let (Ok(uuid), Ok(gtin)) = (Uuid::parse_str(&id), vitrine_core::Gtin::from_digits(f.gtin.trim())) else {
        return problem(
            StatusCode::NOT_FOUND,
            lang,
            &id,
            &tr!(lang, "hq-page-link-invalid-short"),
        );
    };
    let hq2 = hq.clone();
    let res = blocking(move || Ok(phone::set_quantity(&hq2, &uuid, f.v, gtin, f.quantity)?)).await;
    match res {
        // A stale page is shown again as the basket is now.
        Ok(Edit::Done | Edit::Stale) => Redirect::to(&basket_href(&id, lang)).into_response(),
        Ok(Edit::Ordered) => problem(StatusCode::CONFLICT, lang, &id, &tr!(lang, "phone-ordered-no-edit")),
        Ok(Edit::Refused) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "phone-edit-refused"),
        ),
        Ok(Edit::NotFound) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}

#[derive(Deserialize)]
pub(super) struct WayQuery {
    lang: Option<String>,
}

/// The contact and name fields of an order form.
fn contact_fields(lang: Lang) -> String {
    format!(
        "<label for=\"name\">{}</label><input id=\"name\" name=\"name\" autocomplete=\"name\" required>\
<label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\">\
<label for=\"phone\">{}</label><input id=\"phone\" name=\"phone\" type=\"tel\" autocomplete=\"tel\">",
        esc(&tr!(lang, "phone-name")),
        esc(&tr!(lang, "hq-page-claim-email")),
        esc(&tr!(lang, "hq-page-claim-phone")),
    )
}

/// The slots of `way` as radio buttons, the first checked.
fn slot_fields(hq: &Hq, way: Way, lang: Lang) -> String {
    let mut out = format!("<fieldset><legend>{}</legend>", esc(&tr!(lang, "phone-slot")));
    let offset = phone::local_offset(hq);
    for (i, s) in phone::offered_slots(hq, way).iter().enumerate() {
        out.push_str(&format!(
            "<label><input type=\"radio\" name=\"slot\" value=\"{}\"{}> {}</label>",
            s.start,
            if i == 0 { " checked" } else { "" },
            esc(&s.label(hq.now(), offset).render(lang))
        ));
    }
    out.push_str("</fieldset>");
    out
}

/// Kilometres to say for `metres`: to the 100 m under 10 km ("2.3"),
/// whole beyond (nobody walks 392.4 km).
fn km(metres: u32) -> vitrine_i18n::Arg {
    let m = i64::from(metres);
    if m < 9_950 {
        vitrine_i18n::Arg::Decimal((m + 50) / 100, 1)
    } else {
        vitrine_i18n::Arg::Decimal((m + 500) / 1000, 0)
    }
}

/// The order form of `way` for basket `id` (a page of its own, so it
/// works without a script).
fn way_form(hq: &Hq, id: &Uuid, way: Way, lang: Lang) -> Result<(String, String), Failure> {
    let Some(b) = phone::basket(hq, id)? else {
        return Err(Failure::not_found("basket not found"));
    };
    let total = b.total().unwrap_or(vitrine_core::Money::zero(hq.config.currency));
    // The order's id, made now: the form sent twice is one order.
    let token = Uuid::now_v7();
    let mut body = String::new();
    let title;
    let mut blocked = false;
    for g in b.unpriced() {
        body.push_str(&alert(&phone::OrderRefusal::NoPrice(g).text().render(lang)));
        blocked = true;
    }
    match way {
        Way::Collect => {
            title = tr!(lang, "phone-way-collect");
            body.push_str(&format!(
                "<fieldset><legend>{}</legend>",
                esc(&tr!(lang, "phone-choose-store"))
            ));
            for (i, c) in phone::collect_stores(hq, &b)?.iter().enumerate() {
                let place = phone::place_of(&c.store);
                let stock = if c.lines_in_stock == c.lines {
                    tr!(lang, "phone-store-all-in-stock")
                } else {
                    tr!(lang, "phone-store-missing", missing = c.lines - c.lines_in_stock)
                };
                let label = if place.is_empty() {
                    c.store.name.clone()
                } else {
                    format!("{} — {place}", c.store.name)
                };
                let distance = c
                    .distance_m
                    .map(|m| {
                        format!(
                            " <span class=\"note dist\">{}</span>",
                            esc(&tr!(lang, "phone-store-distance", distance = km(m)))
                        )
                    })
                    .unwrap_or_default();
                body.push_str(&format!(
                    "<label><input type=\"radio\" name=\"store\" value=\"{}\"{}{}> {}{distance} <span class=\"note\">{}</span></label>",
                    esc(&c.store.id),
                    if i == 0 && c.lines_in_stock == c.lines { " checked" } else { "" },
                    if c.lines_in_stock == c.lines { "" } else { " disabled" },
                    esc(&label),
                    esc(&stock)
                ));
            }
            body.push_str("</fieldset>");
            body.push_str(&format!(
                "<p class=\"note\">{}</p>",
                esc(&tr!(lang, "phone-pay-at-pickup"))
            ));
        }
        Way::Delivery => {
            title = tr!(lang, "phone-way-delivery");
            let missing = phone::not_deliverable(hq, &b)?;
            for g in &missing {
                body.push_str(&alert(&phone::OrderRefusal::OutOfStock(*g).text().render(lang)));
            }
            blocked |= !missing.is_empty();
            let fee = phone::delivery_fee(hq, total);
            let fee_text = if fee.amount_minor == 0 {
                tr!(lang, "phone-delivery-free")
            } else {
                tr!(lang, "phone-delivery-fee", fee = fee)
            };
            body.push_str(&format!("<p id=\"fee\">{}</p>", esc(&fee_text)));
            if let Some(free) = hq.config.shop.free_delivery_from_minor {
                body.push_str(&format!(
                    "<p class=\"note\">{}</p>",
                    esc(&tr!(
                        lang,
                        "phone-delivery-free-from",
                        amount = vitrine_core::Money::new(free, hq.config.currency)
                    ))
                ));
            }
            body.push_str(&format!(
                "<label for=\"street\">{}</label><input id=\"street\" name=\"street\" autocomplete=\"street-address\" required>\
<label for=\"postcode\">{}</label><input id=\"postcode\" name=\"postcode\" autocomplete=\"postal-code\" required>\
<label for=\"city\">{}</label><input id=\"city\" name=\"city\" autocomplete=\"address-level2\" required>",
                esc(&tr!(lang, "phone-street")),
                esc(&tr!(lang, "phone-postcode")),
                esc(&tr!(lang, "phone-city")),
            ));
            body.push_str(&format!(
                "<p class=\"note\">{}</p>",
                esc(&tr!(lang, "phone-pay-on-delivery"))
            ));
        }
    }
    body.push_str(&slot_fields(hq, way, lang));
    body.push_str(&contact_fields(lang));
    let way_code = match way {
        Way::Collect => "collect",
        Way::Delivery => "delivery",
    };
    let submit = if blocked {
        String::new()
    } else {
        format!(
            "<button type=\"submit\">{}</button>",
            esc(&tr!(lang, "phone-order-button"))
        )
    };
    let form = format!(
        "<h1>{t}</h1><p>{total}</p>{open}<input type=\"hidden\" name=\"way\" value=\"{way_code}\">\
<input type=\"hidden\" name=\"token\" value=\"{token}\">{body}{submit}</form>",
        t = esc(&title),
        total = esc(&tr!(lang, "phone-basket-total", total = total)),
        open = form_open(&format!("/h/{id}/order"), lang),
    );
    let back = link_paragraph(
        &basket_href(&id.to_string(), lang),
        &tr!(lang, "hq-page-back-to-basket"),
    );
    Ok((title, format!("{form}{back}")))
}

async fn way_page(hq: Arc<Hq>, id: String, way: Way, q: WayQuery, headers: HeaderMap) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let uuid = match basket_id(&id, lang) {
        Ok(uuid) => uuid,
        Err(page) => return *page,
    };
    let hq2 = hq.clone();
    match blocking(move || way_form(&hq2, &uuid, way, lang)).await {
        Ok((title, body)) => html(StatusCode::OK, lang, &title, &format!("{}{body}", retailer_header(&hq))),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}

/// `GET /h/{id}/collect`: the click&collect form.
pub(super) async fn collect(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<WayQuery>,
    headers: HeaderMap,
) -> Response {
    way_page(hq, id, Way::Collect, q, headers).await
}

/// `GET /h/{id}/delivery`: the home delivery form.
pub(super) async fn delivery(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<WayQuery>,
    headers: HeaderMap,
) -> Response {
    way_page(hq, id, Way::Delivery, q, headers).await
}

#[derive(Deserialize)]
pub(super) struct OrderForm {
    way: Way,
    token: String,
    store: Option<String>,
    slot: Option<i64>,
    street: Option<String>,
    postcode: Option<String>,
    city: Option<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    lang: Option<String>,
}

/// `POST /h/{id}/order`: the order, then its page (303); a refusal says
/// why (announced) with the way back.
pub(super) async fn order(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<OrderForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let (Ok(uuid), Ok(token)) = (Uuid::parse_str(&id), Uuid::parse_str(f.token.trim())) else {
        return problem(
            StatusCode::NOT_FOUND,
            lang,
            &id,
            &tr!(lang, "hq-page-link-invalid-short"),
        );
    };
    let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let address = match f.way {
        Way::Delivery => Some(phone::Address {
            street: f.street.unwrap_or_default(),
            postcode: f.postcode.unwrap_or_default(),
            city: f.city.unwrap_or_default(),
        }),
        Way::Collect => None,
    };
    let o = phone::PhoneOrder {
        id: token,
        way: f.way,
        store: clean(f.store),
        slot_start: f.slot.unwrap_or(0),
        address,
        name: f.name.unwrap_or_default(),
        contact: Contact {
            email: clean(f.email),
            phone: clean(f.phone),
        },
        lang,
    };
    let hq2 = hq.clone();
    match blocking(move || Ok(phone::place_order(&hq2, &uuid, &o)?)).await {
        Ok(Some(Ok(receipt))) => Redirect::to(&format!("/o/{}?lang={}", receipt.id, lang.code())).into_response(),
        Ok(Some(Err(why))) => {
            let way = match f.way {
                Way::Collect => "collect",
                Way::Delivery => "delivery",
            };
            let back = link_paragraph(
                &format!("/h/{id}/{way}?lang={}", lang.code()),
                &tr!(lang, "phone-back-to-form"),
            );
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                &tr!(lang, "phone-order-refused"),
                &format!(
                    "<h1>{}</h1><p role=\"alert\" id=\"refused\">{}</p>{back}",
                    esc(&tr!(lang, "phone-order-refused")),
                    esc(&why.text().render(lang))
                ),
            )
        }
        Ok(None) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}

/// The order page's content.
fn order_section(hq: &Hq, id: &Uuid, lang: Lang) -> Result<(String, String), Failure> {
    let o = hq
        .storage
        .order(id)?
        .ok_or_else(|| Failure::not_found("order not found"))?;
    let req: OrderRequest =
        serde_json::from_str(&o.request_json).map_err(|e| Failure::from(ServiceError::internal(e)))?;
    let title = tr!(lang, "phone-order-title", number = o.number.as_str());
    let mut out = format!(
        "<h1>{}</h1><p role=\"status\" id=\"status\">{}</p>",
        esc(&title),
        esc(&tr!(
            lang,
            "phone-order-status",
            status = domain::order_status(o.status)
        ))
    );
    let details = phone::order_details(hq, id)?;
    let how = match &details {
        Some((d, _)) => phone::how_text(hq, d, &o.store)?.render(lang),
        None => {
            let name = phone::store(hq, &o.store)?
                .map(|s| s.name)
                .unwrap_or_else(|| o.store.clone());
            tr!(lang, "phone-order-kiosk", store = name.as_str())
        }
    };
    out.push_str(&format!("<p id=\"how\">{}</p><ul class=\"lines\">", esc(&how)));
    for l in &req.lines {
        let name = hq
            .storage
            .product_price(l.gtin, &o.store)?
            .map(|p| p.product.name)
            .unwrap_or_else(|| l.gtin.to_string());
        out.push_str(&format!(
            "<li class=\"line\"><div class=\"pic\" data-gtin=\"{}\"></div><div class=\"what\">{}</div></li>",
            l.gtin,
            esc(&tr!(lang, "hq-page-line", quantity = l.quantity, name = name.as_str()))
        ));
    }
    out.push_str("</ul>");
    out.push_str(&format!(
        "<p class=\"total\"><span>{}</span> <strong id=\"total\">{}</strong></p>",
        esc(&tr!(lang, "hq-page-total")),
        esc(&o.total.format(lang))
    ));
    if let Some((d, checkout)) = &details {
        let pay = match (checkout, d.payment) {
            (Some(url), _) => format!(
                "<p><a class=\"button\" id=\"checkout\" href=\"{}\">{}</a></p>",
                esc(url),
                esc(&tr!(lang, "phone-checkout"))
            ),
            (None, phone::Payment::AtPickup) => format!("<p>{}</p>", esc(&tr!(lang, "phone-pay-at-pickup"))),
            (None, phone::Payment::OnDelivery) => format!("<p>{}</p>", esc(&tr!(lang, "phone-pay-on-delivery"))),
        };
        out.push_str(&pay);
        out.push_str(&link_paragraph(
            &basket_href(&d.handoff.to_string(), lang),
            &tr!(lang, "hq-page-back-to-basket"),
        ));
    }
    Ok((title, out))
}

/// `GET /o/{id}`: an order's page, to reload later (its status now).
pub(super) async fn order_page(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<WayQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            lang,
            BRAND,
            &format!("<h1>{}</h1>", esc(&tr!(lang, "phone-order-not-found"))),
        )
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return not_found();
    };
    let hq2 = hq.clone();
    match blocking(move || order_section(&hq2, &uuid, lang)).await {
        Ok((title, body)) => {
            let path = format!("/o/{id}");
            html(
                StatusCode::OK,
                lang,
                &title,
                &format!(
                    "{}{}{}{body}",
                    retailer_header(&hq),
                    lang_links(&path, lang),
                    offline_note(&tr!(lang, "phone-offline-order"))
                ),
            )
        }
        Err(f) if f.status == StatusCode::NOT_FOUND => not_found(),
        Err(f) => html(f.status, lang, BRAND, &alert(&error_text(&f.body.error, lang))),
    }
}

#[derive(Deserialize)]
pub(super) struct IdentifyForm {
    value: String,
    lang: Option<String>,
}

/// `POST /h/{id}/identify`: a one-time code to the email or phone typed
/// (sent only to a customer's; the page answers the same either way),
/// then the form for the code.
pub(super) async fn identify(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<IdentifyForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let uuid = match basket_id(&id, lang) {
        Ok(uuid) => uuid,
        Err(page) => return *page,
    };
    let value = f.value.trim().to_string();
    let kind = if value.contains('@') {
        LookupKind::Email
    } else {
        LookupKind::Phone
    };
    let hq2 = hq.clone();
    let res = blocking(move || Ok(phone::ask_code(&hq2, &uuid, kind, &value, lang)?)).await;
    match res {
        Ok(Some(Ok(ch))) => html(
            StatusCode::OK,
            lang,
            &tr!(lang, "phone-code-title"),
            &format!(
                "<h1>{}</h1><p role=\"status\">{}</p>{}<input type=\"hidden\" name=\"challenge\" value=\"{}\">\
<label for=\"code\">{}</label><input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>\
<button type=\"submit\">{}</button></form>{}",
                esc(&tr!(lang, "phone-code-title")),
                esc(&tr!(lang, "phone-code-sent")),
                form_open(&format!("/h/{id}/verify"), lang),
                esc(&ch.id),
                esc(&tr!(lang, "phone-code-label")),
                esc(&tr!(lang, "phone-code-check")),
                link_paragraph(&basket_href(&id, lang), &tr!(lang, "hq-page-back-to-basket")),
            ),
        ),
        Ok(Some(Err(Refusal::RateLimited { .. }))) => problem(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            &id,
            &error_text(codes::RATE_LIMITED, lang),
        ),
        Ok(Some(Err(_))) | Err(_) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "phone-identify-bad"),
        ),
        Ok(None) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
    }
}

#[derive(Deserialize)]
pub(super) struct AppIdentifyForm {
    loyalty: String,
    lang: Option<String>,
}

/// `POST /h/{id}/app-identify`: the retailer's app opens the basket and posts
/// the shopper's loyalty token (in the body, never in the link, so it is not
/// kept in logs or history); a token HQ signed identifies the shopper on this
/// basket (member prices, personal coupons), then back to it.
pub(super) async fn app_identify(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<AppIdentifyForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let uuid = match basket_id(&id, lang) {
        Ok(uuid) => uuid,
        Err(page) => return *page,
    };
    let hq2 = hq.clone();
    let res = blocking(move || Ok(phone::identify_by_token(&hq2, &uuid, &f.loyalty)?)).await;
    match res {
        Ok(Some(Some(_))) => Redirect::to(&basket_href(&id, lang)).into_response(),
        Ok(Some(None)) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "phone-app-token-bad"),
        ),
        Ok(None) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}

#[derive(Deserialize)]
pub(super) struct VerifyForm {
    challenge: String,
    code: String,
    lang: Option<String>,
}

/// `POST /h/{id}/verify`: the right code identifies the shopper on this
/// basket (member prices, personal coupons), then back to it.
pub(super) async fn verify(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<VerifyForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let uuid = match basket_id(&id, lang) {
        Ok(uuid) => uuid,
        Err(page) => return *page,
    };
    let hq2 = hq.clone();
    let res = blocking(move || Ok(phone::check_code(&hq2, &uuid, &f.challenge, &f.code)?)).await;
    match res {
        Ok(Some(Ok(_))) => Redirect::to(&basket_href(&id, lang)).into_response(),
        Ok(Some(Err(Refusal::WrongCode { left }))) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "phone-code-wrong", left = left),
        ),
        Ok(Some(Err(_))) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            &id,
            &tr!(lang, "phone-code-closed"),
        ),
        Ok(None) => problem(StatusCode::NOT_FOUND, lang, &id, &error_text(codes::NOT_FOUND, lang)),
        Err(f) => problem(f.status, lang, &id, &error_text(&f.body.error, lang)),
    }
}
