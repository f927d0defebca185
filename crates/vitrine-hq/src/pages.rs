//! HTML pages, phone-sized, in French and English (`?lang=fr|en`, else the
//! browser's `Accept-Language`):
//! - `/h/{id}`: the handed-off basket with HQ's prices, a claim form (email
//!   or phone for the confirmation) and "open in the app". When HQ has not
//!   received the handoff yet (the kiosk is offline), the page's script
//!   submits the basket carried in the URL fragment (`/h/{id}/submit`); HQ
//!   checks the kiosk's signature, and the kiosk's own copy is deduplicated
//!   when it arrives.
//! - `/staff/{store}/orders`: click&collect orders of a store and their
//!   status (HTTP Basic, the configured staff password).

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::wire::{Contact, HandoffSubmit, OrderStatus, codes};

use crate::api::{ApiJson, Failure, Source, accept_handoff, blocking, handoff_receipt};
use crate::{Hq, notify};

pub fn routes() -> Router<Arc<Hq>> {
    Router::new()
        .route("/h/{id}", get(handoff_page))
        .route("/h/{id}/submit", post(submit_from_phone))
        .route("/h/{id}/claim", post(claim))
        .route("/staff/{store}/orders", get(staff_orders))
        .route("/staff/{store}/orders/{id}/status", post(staff_set_status))
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A form posted by a page (phone basket, survey, staff orders). A body HQ
/// cannot read gets 400 (413 when too large) with the reason in the page's
/// two languages, as HTML for a browser or as a JSON [`Failure`] when the
/// client asks for JSON (`Accept: application/json`).
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let headers = req.headers().clone();
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(PageForm(v)),
            Err(rej) => Err(form_rejection(&rej, &headers)),
        }
    }
}

fn form_rejection(rej: &FormRejection, headers: &HeaderMap) -> Response {
    let too_large = rej.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    if wants_json {
        return if too_large {
            Failure::new(rej.status(), codes::TOO_LARGE, "the form is larger than HQ accepts")
        } else {
            Failure::new(
                StatusCode::BAD_REQUEST,
                codes::BAD_REQUEST,
                format!("the form is not valid: {}", rej.body_text()),
            )
        }
        .into_response();
    }
    let lang = lang_of(None, headers);
    let (status, msg) = if too_large {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            lang.pick(
                "Le formulaire envoyé est trop long. Revenez en arrière et réessayez.",
                "The form sent is too long. Go back and try again.",
            ),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            lang.pick(
                "Le formulaire envoyé est incomplet ou illisible. Revenez en arrière et réessayez.",
                "The form sent is incomplete or unreadable. Go back and try again.",
            ),
        )
    };
    (
        status,
        Html(page(lang, "Vitrine", &format!("<p role=\"alert\">{}</p>", esc(msg)))),
    )
        .into_response()
}

fn lang_of(q: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(l) = q.and_then(Lang::parse) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match accept.split(',').next().map(|s| s.trim().get(..2).unwrap_or("")) {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:16px;max-width:560px;margin:auto;font-size:18px;line-height:1.4;color:#111;background:#fff}\
h1{font-size:1.5em}table{width:100%;border-collapse:collapse}td{padding:8px 4px;border-bottom:1px solid #ccc;vertical-align:top}\
td.n{text-align:right;white-space:nowrap}.total td{font-weight:bold;border-bottom:none}\
input,button,a.button{font-size:1em;min-height:48px;padding:8px 12px;box-sizing:border-box}\
input{width:100%;margin:4px 0 12px;border:2px solid #555;border-radius:6px}\
button,a.button{display:inline-block;background:#0b3d91;color:#fff;border:none;border-radius:6px;text-decoration:none;margin:4px 0}\
.note{color:#444;font-size:.9em}.promo{color:#0a5e2a}nav a{margin-right:12px}";

fn page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        lang.code(),
        esc(title)
    )
}

#[derive(Deserialize)]
struct PageQuery {
    lang: Option<String>,
    partial: Option<String>,
}

fn lang_links(path: &str, lang: Lang) -> String {
    format!(
        "<nav><a href=\"{path}?lang=fr\"{}>Français</a><a href=\"{path}?lang=en\"{}>English</a></nav>",
        if lang == Lang::Fr { " aria-current=\"true\"" } else { "" },
        if lang == Lang::En { " aria-current=\"true\"" } else { "" }
    )
}

/// The basket section (also sent alone to the page's script).
/// Priced for the customer the kiosk identified, with the coupons used on
/// the phone ([`crate::customers::price_handoff`]).
fn basket_section(hq: &Hq, h: &crate::storage::HandoffRecord, lang: Lang) -> Result<String, Failure> {
    let priced = crate::customers::price_handoff(hq, h)?;
    let mut rows = String::new();
    for (l, p, price) in &priced.products {
        let name = p
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("{} ({})", lang.pick("Produit inconnu", "Unknown product"), l.gtin));
        let line_total = price
            .and_then(|m| m.times(i64::from(l.quantity)))
            .map(|m| m.format(lang))
            .unwrap_or_else(|| lang.pick("prix indisponible", "no price").to_string());
        rows.push_str(&format!(
            "<tr class=\"line\"><td>{} × {}</td><td class=\"n\">{}</td></tr>",
            l.quantity,
            esc(&name),
            esc(&line_total)
        ));
    }
    let mut footer = String::new();
    if let Some(b) = &priced.priced {
        for a in &b.applied {
            footer.push_str(&format!(
                "<tr class=\"promo\"><td colspan=\"2\">{}</td></tr>",
                esc(&a.explain(lang))
            ));
        }
        footer.push_str(&format!(
            "<tr class=\"total\"><td>{}</td><td class=\"n\" id=\"total\">{}</td></tr>",
            lang.pick("Total", "Total"),
            esc(&b.total.format(lang))
        ));
    }
    let claim = if let Some(at) = h.claimed_at {
        let _ = at;
        format!(
            "<p role=\"status\">{}</p>",
            lang.pick(
                "Panier enregistré : la confirmation est envoyée.",
                "Basket saved: the confirmation is on its way."
            )
        )
    } else {
        format!(
            "<form method=\"post\" action=\"/h/{id}/claim\"><input type=\"hidden\" name=\"lang\" value=\"{l}\">\
<h2>{t}</h2><label for=\"email\">{e}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\">\
<label for=\"phone\">{p}</label><input id=\"phone\" name=\"phone\" type=\"tel\" autocomplete=\"tel\">\
<button type=\"submit\">{b}</button></form>",
            id = h.id,
            l = lang.code(),
            t = lang.pick("Recevoir ce panier", "Keep this basket"),
            e = lang.pick("E-mail", "Email"),
            p = lang.pick("ou téléphone (SMS)", "or phone (text message)"),
            b = lang.pick("Envoyer", "Send")
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
                lang.pick("Ouvrir dans l'application", "Open in the app")
            )
        })
        .unwrap_or_default();
    let demo = notify::demo_note(hq, lang)
        .map(|n| format!("<p class=\"note\"><strong>{}</strong></p>", esc(n)))
        .unwrap_or_default();
    Ok(format!(
        "<table aria-label=\"{}\"><tbody>{rows}{footer}</tbody></table>\
<p class=\"note\">{} {}.</p>{demo}{app}{claim}",
        lang.pick("Votre panier", "Your basket"),
        lang.pick("Prix du magasin", "Prices of store"),
        esc(&h.store),
    ))
}

async fn handoff_page(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(q.lang.as_deref(), &headers);
    let Ok(id) = Uuid::parse_str(&id) else {
        return (
            StatusCode::NOT_FOUND,
            Html(page(
                lang,
                "Vitrine",
                &format!(
                    "<h1>{}</h1>",
                    lang.pick("Ce lien n'est pas valide.", "This link is not valid.")
                ),
            )),
        )
            .into_response();
    };
    let hq2 = hq.clone();
    let found = blocking(move || Ok(hq2.storage.handoff(&id)?)).await;
    let section = match found {
        Ok(Some(h)) => {
            let hq3 = hq.clone();
            let hid = h.id;
            match blocking(move || basket_section(&hq3, &h, lang)).await {
                Ok(s) => format!("{s}{}", crate::customers::coupon_form(&hid, lang)),
                Err(f) => f.body.message,
            }
        }
        Ok(None) => format!(
            "<p id=\"loading\" role=\"status\">{}</p><noscript>{}</noscript>",
            lang.pick("Chargement du panier…", "Loading the basket…"),
            lang.pick(
                "Activez JavaScript pour récupérer ce panier.",
                "Turn on JavaScript to get this basket."
            )
        ),
        Err(f) => esc(&f.body.message),
    };
    if q.partial.is_some() {
        return Html(section).into_response();
    }
    let path = format!("/h/{id}");
    let not_found = lang.pick(
        "Panier introuvable : scannez à nouveau le QR code de la borne.",
        "Basket not found: scan the kiosk's QR code again.",
    );
    let script = format!(
        r#"<script>
(async function() {{
  var box = document.getElementById('basket');
  if (!document.getElementById('loading')) return;
  var frag = decodeURIComponent(location.hash.slice(1));
  if (!frag) {{ box.textContent = {nf}; return; }}
  try {{
    var r = await fetch('{path}/submit', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{compact: frag}})}});
    if (!r.ok) {{ var e = await r.json(); box.textContent = e.message; return; }}
    var s = await fetch('{path}?partial=1&lang={l}');
    box.innerHTML = await s.text();
  }} catch (e) {{ box.textContent = {nf}; }}
}})();
</script>"#,
        nf = serde_json::to_string(not_found).unwrap_or_default(),
        l = lang.code(),
    );
    let body = format!(
        "{}<h1>{}</h1><div id=\"basket\">{section}</div>{script}",
        lang_links(&path, lang),
        lang.pick("Votre panier Vitrine", "Your Vitrine basket"),
    );
    Html(page(lang, lang.pick("Votre panier", "Your basket"), &body)).into_response()
}

async fn submit_from_phone(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, axum::Json<vitrine_core::wire::HandoffReceipt>), Failure> {
    let id = Uuid::parse_str(&id).map_err(|_| Failure::not_found("this handoff link is not valid"))?;
    let hq2 = hq.clone();
    let h = blocking(move || accept_handoff(&hq2, &sub, Source::Phone, Some(id))).await?;
    Ok((StatusCode::CREATED, axum::Json(handoff_receipt(&hq, &h))))
}

#[derive(Deserialize)]
struct ClaimForm {
    email: Option<String>,
    phone: Option<String>,
    lang: Option<String>,
}

async fn claim(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<ClaimForm>,
) -> Response {
    let lang = lang_of(form.lang.as_deref(), &headers);
    let back = |msg: &str, status: StatusCode| {
        (
            status,
            Html(page(
                lang,
                "Vitrine",
                &format!(
                    "<p role=\"alert\">{}</p><p><a href=\"/h/{}?lang={}\">{}</a></p>",
                    esc(msg),
                    esc(&id),
                    lang.code(),
                    lang.pick("Retour au panier", "Back to the basket")
                ),
            )),
        )
            .into_response()
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return back(lang.pick("Lien non valide.", "Invalid link."), StatusCode::NOT_FOUND);
    };
    let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let contact = Contact {
        email: clean(form.email),
        phone: clean(form.phone),
    };
    if contact.is_empty() {
        return back(
            lang.pick(
                "Indiquez un e-mail ou un numéro de téléphone.",
                "Enter an email or a phone number.",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if let Err(m) = contact.validate() {
        return back(&m, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hq2 = hq.clone();
    let res = blocking(move || {
        let h = hq2
            .storage
            .handoff(&uuid)?
            .ok_or_else(|| Failure::not_found("basket not found"))?;
        let priced = crate::customers::price_handoff(&hq2, &h)?;
        let notes = notify::claim_messages(&hq2, &h, &contact, &priced, lang);
        let claimed = hq2.storage.claim_handoff(&uuid, &contact, hq2.now(), &notes)?;
        if claimed && let Err(e) = crate::customers::after_claim(&hq2, &h, &contact, lang) {
            tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
        }
        Ok(claimed)
    })
    .await;
    match res {
        Ok(_) => {
            hq.wake_notifier();
            Redirect::to(&format!("/h/{uuid}?lang={}", lang.code())).into_response()
        }
        Err(f) => back(&f.body.message, f.status),
    }
}

/// HTTP Basic with the configured staff password (any user name).
fn staff_ok(hq: &Hq, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let Some(pw) = hq.config.staff_password.as_deref() else {
        return Err(Box::new(
            (
                StatusCode::FORBIDDEN,
                "staff pages are off: start vitrine-hq with --staff-password (or VITRINE_HQ_STAFF_PASSWORD)",
            )
                .into_response(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(_, p)| p.to_string()));
    if given.as_deref() == Some(pw) {
        Ok(())
    } else {
        Err(Box::new(
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Basic realm=\"Vitrine staff\"")],
                "staff password required / mot de passe du personnel requis",
            )
                .into_response(),
        ))
    }
}

async fn staff_orders(
    State(hq): State<Arc<Hq>>,
    Path(store): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = staff_ok(&hq, &headers) {
        return *r;
    }
    let lang = lang_of(q.lang.as_deref(), &headers);
    let hq2 = hq.clone();
    let store2 = store.clone();
    let orders = match blocking(move || Ok(hq2.storage.orders(&store2)?)).await {
        Ok(o) => o,
        Err(f) => return f.into_response(),
    };
    let mut rows = String::new();
    for o in &orders {
        let req: Option<vitrine_core::wire::OrderRequest> = serde_json::from_str(&o.request_json).ok();
        let name = req.as_ref().map(|r| r.customer.name.clone()).unwrap_or_default();
        let items: u32 = req
            .as_ref()
            .map(|r| r.lines.iter().map(|l| l.quantity).sum())
            .unwrap_or(0);
        let mut buttons = String::new();
        for st in OrderStatus::ALL {
            if st == o.status {
                continue;
            }
            buttons.push_str(&format!(
                "<form method=\"post\" action=\"/staff/{}/orders/{}/status\" style=\"display:inline\"><input type=\"hidden\" name=\"status\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form> ",
                esc(&store),
                o.id,
                st.as_str(),
                lang.code(),
                esc(st.label(lang))
            ));
        }
        rows.push_str(&format!(
            "<tr data-order=\"{}\"><td><strong>{}</strong><br>{}</td><td>{}<br>{} {}</td><td class=\"n\">{}</td><td><span class=\"status\">{}</span><br>{}</td></tr>",
            o.id,
            esc(&o.number),
            esc(&crate::admin::format_time(o.created_at)),
            esc(&name),
            items,
            lang.pick("article(s)", "item(s)"),
            esc(&o.total.format(lang)),
            esc(o.status.label(lang)),
            buttons
        ));
    }
    let path = format!("/staff/{}/orders", esc(&store));
    let body = format!(
        "{}<h1>{} — {}</h1><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>{}",
        lang_links(&path, lang),
        esc(lang.pick("Commandes click&collect", "Click&collect orders")),
        esc(&store),
        lang.pick("Commande", "Order"),
        lang.pick("Client", "Customer"),
        lang.pick("Total", "Total"),
        lang.pick("Statut", "Status"),
        if orders.is_empty() {
            format!("<p>{}</p>", lang.pick("Aucune commande.", "No orders."))
        } else {
            String::new()
        }
    );
    Html(page(lang, lang.pick("Commandes", "Orders"), &body)).into_response()
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    lang: Option<String>,
}

async fn staff_set_status(
    State(hq): State<Arc<Hq>>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    PageForm(f): PageForm<StatusForm>,
) -> Response {
    if let Err(r) = staff_ok(&hq, &headers) {
        return *r;
    }
    if store.is_empty() || !store.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Failure::not_found("no such store").into_response();
    }
    let Some(status) = OrderStatus::parse(&f.status) else {
        return Failure::unprocessable("status must be received, preparing, ready or collected").into_response();
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return Failure::not_found("no such order").into_response();
    };
    let hq2 = hq.clone();
    let store2 = store.clone();
    let res = blocking(move || {
        let o = hq2
            .storage
            .order(&uuid)?
            .filter(|o| o.store == store2)
            .ok_or_else(|| Failure::not_found("no such order in this store"))?;
        let notes = notify::status_messages(&hq2, &o, status);
        let updated = hq2.storage.set_order_status(&uuid, status, hq2.now(), &notes)?;
        if status == OrderStatus::Collected
            && let Some(o) = &updated
            && let Err(e) = crate::customers::after_collected(&hq2, o)
        {
            tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
        }
        Ok(updated)
    })
    .await;
    match res {
        Ok(_) => {
            hq.wake_notifier();
            let lang = Hq::lang_or_default(f.lang.as_deref());
            Redirect::to(&format!("/staff/{store}/orders?lang={}", lang.code())).into_response()
        }
        Err(e) => e.into_response(),
    }
}
