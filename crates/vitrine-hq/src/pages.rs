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
use vitrine_core::loyalty::{normalise_email, normalise_phone};
use vitrine_core::wire::{Contact, HandoffSubmit, OrderStatus, codes};
use vitrine_i18n::MoneyText;

use crate::api::{ApiJson, Failure, Source, accept_handoff, blocking, handoff_receipt};
use crate::storage::Claim;
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

/// Whether the client asks for JSON rather than a page.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// What a page shows for an error code of HQ's answers
/// ([`vitrine_core::wire::codes`]), in `lang`: the phone page's script and
/// the pages themselves show these, never the API's English message.
pub fn error_text(code: &str, lang: Lang) -> &'static str {
    match code {
        codes::BAD_SIGNATURE => lang.pick(
            "Ce lien a été abîmé ou modifié : la signature du panier ne correspond pas à la borne qui l'a créé. Scannez à nouveau le QR code de la borne.",
            "This link was damaged or altered: the basket's signature does not match the kiosk that made it. Scan the kiosk's QR code again.",
        ),
        codes::BAD_REQUEST => lang.pick(
            "Ce lien est incomplet ou illisible : scannez à nouveau le QR code de la borne.",
            "This link is incomplete or unreadable: scan the kiosk's QR code again.",
        ),
        codes::FORBIDDEN | codes::UNAUTHORIZED | codes::REVOKED => lang.pick(
            "Ce panier vient d'une borne que le magasin ne reconnaît plus. Demandez de l'aide à un vendeur.",
            "This basket comes from a kiosk the store no longer recognises. Ask a member of staff for help.",
        ),
        codes::NOT_FOUND => lang.pick(
            "Panier introuvable : scannez à nouveau le QR code de la borne.",
            "Basket not found: scan the kiosk's QR code again.",
        ),
        codes::CONFLICT => lang.pick(
            "Ce lien correspond à un autre panier : scannez à nouveau le QR code de la borne.",
            "This link belongs to another basket: scan the kiosk's QR code again.",
        ),
        codes::TOO_LARGE => lang.pick(
            "Ce panier est trop grand pour être ouvert ici. Demandez de l'aide à un vendeur.",
            "This basket is too large to open here. Ask a member of staff for help.",
        ),
        codes::RATE_LIMITED => lang.pick(
            "Trop de demandes d'un coup : réessayez dans une minute.",
            "Too many requests at once: try again in a minute.",
        ),
        _ => lang.pick(
            "Le service est momentanément indisponible : réessayez dans un instant.",
            "The service is unavailable for a moment: try again shortly.",
        ),
    }
}

/// Every error code with its text in `lang`, as a JSON object for a page's
/// script (`""`: any other code).
fn error_texts_json(lang: Lang) -> String {
    let mut m = serde_json::Map::new();
    for code in [
        codes::BAD_SIGNATURE,
        codes::BAD_REQUEST,
        codes::FORBIDDEN,
        codes::UNAUTHORIZED,
        codes::REVOKED,
        codes::NOT_FOUND,
        codes::CONFLICT,
        codes::TOO_LARGE,
        codes::RATE_LIMITED,
        codes::INTERNAL,
        codes::UNAVAILABLE,
        "",
    ] {
        m.insert(code.to_string(), error_text(code, lang).into());
    }
    // Inside a <script>: no "</" can close it early.
    serde_json::Value::Object(m).to_string().replace("</", "<\\/")
}

fn form_rejection(rej: &FormRejection, headers: &HeaderMap) -> Response {
    let too_large = rej.status() == StatusCode::PAYLOAD_TOO_LARGE;
    if wants_json(headers) {
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
                esc(&vitrine_i18n::domain::applied_promotion(a).render(lang))
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
                Err(f) => format!("<p role=\"alert\">{}</p>", esc(error_text(&f.body.error, lang))),
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
        Err(f) => format!("<p role=\"alert\">{}</p>", esc(error_text(&f.body.error, lang))),
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
  var texts = {texts};
  var frag = decodeURIComponent(location.hash.slice(1));
  if (!frag) {{ box.textContent = {nf}; return; }}
  try {{
    var r = await fetch('{path}/submit', {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify({{compact: frag}})}});
    if (!r.ok) {{
      var code = '';
      try {{ code = (await r.json()).error || ''; }} catch (_) {{}}
      box.textContent = texts[code] || texts[''];
      box.setAttribute('data-error', code);
      return;
    }}
    var s = await fetch('{path}?partial=1&lang={l}');
    box.innerHTML = await s.text();
  }} catch (e) {{ box.textContent = {nf}; }}
}})();
</script>"#,
        nf = serde_json::to_string(not_found).unwrap_or_default(),
        texts = error_texts_json(lang),
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
    if contact.validate().is_err() {
        let msg = if contact
            .email
            .as_deref()
            .is_some_and(|e| !vitrine_core::wire::valid_email(e))
        {
            lang.pick("L'adresse e-mail n'est pas valide.", "The email address is not valid.")
        } else {
            lang.pick(
                "Le numéro de téléphone n'est pas valide (des chiffres, éventuellement précédés de +).",
                "The phone number is not valid (digits, optionally starting with +).",
            )
        };
        return back(msg, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hq2 = hq.clone();
    let given = contact.clone();
    let res = blocking(move || {
        let Some(h) = hq2.storage.handoff(&uuid)? else {
            return Ok(Claim::NotFound);
        };
        if h.claimed_at.is_some() {
            return Ok(Claim::AlreadyClaimed(h.contact));
        }
        let priced = crate::customers::price_handoff(&hq2, &h)?;
        let notes = notify::claim_messages(&hq2, &h, &contact, &priced, lang);
        // Claimed once, in one statement: of two claims at the same time one
        // wins, the other is answered as a repeat.
        let outcome = hq2.storage.claim_handoff(&uuid, &contact, hq2.now(), &notes)?;
        if outcome == Claim::Claimed
            && let Err(e) = crate::customers::after_claim(&hq2, &h, &contact, lang)
        {
            tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
        }
        Ok(outcome)
    })
    .await;
    let to_basket = || Redirect::to(&format!("/h/{uuid}?lang={}", lang.code())).into_response();
    match res {
        Ok(Claim::Claimed) => {
            hq.wake_notifier();
            to_basket()
        }
        // The same shopper sending the form again (a double tap, a reload):
        // the same confirmation page, no second message.
        Ok(Claim::AlreadyClaimed(Some(before))) if same_contact(&before, &given) => to_basket(),
        Ok(Claim::AlreadyClaimed(_)) => {
            tracing::info!(handoff = %uuid, "claim refused: the basket was claimed with another contact");
            let fr = "Ce panier a déjà été enregistré avec une autre adresse e-mail ou un autre numéro. \
Pour votre sécurité, il ne peut pas être envoyé ailleurs. Pour recevoir un panier, scannez à nouveau le QR code de la borne.";
            let en = "This basket was already saved with another email address or phone number. \
For your safety it cannot be sent anywhere else. To receive a basket, scan the kiosk's QR code again.";
            let (first, second, other) = match lang {
                Lang::Fr => (fr, en, Lang::En),
                _ => (en, fr, Lang::Fr),
            };
            (
                StatusCode::CONFLICT,
                Html(page(
                    lang,
                    "Vitrine",
                    &format!(
                        "<h1>{}</h1><p role=\"alert\" id=\"claim-refused\">{}</p><p lang=\"{}\">{}</p><p><a href=\"/h/{uuid}?lang={}\">{}</a></p>",
                        lang.pick("Panier déjà enregistré", "Basket already saved"),
                        esc(first),
                        other.code(),
                        esc(second),
                        lang.code(),
                        lang.pick("Retour au panier", "Back to the basket")
                    ),
                )),
            )
                .into_response()
        }
        Ok(Claim::NotFound) => back(error_text(codes::NOT_FOUND, lang), StatusCode::NOT_FOUND),
        Err(f) => back(error_text(&f.body.error, lang), f.status),
    }
}

/// Whether two contacts name the same email and phone (as looked up:
/// case and spacing aside).
fn same_contact(a: &Contact, b: &Contact) -> bool {
    let email = |c: &Contact| {
        c.email
            .as_deref()
            .map(|e| normalise_email(e).unwrap_or_else(|| e.trim().to_lowercase()))
    };
    let phone = |c: &Contact| {
        c.phone
            .as_deref()
            .map(|p| normalise_phone(p).unwrap_or_else(|| p.trim().to_string()))
    };
    email(a) == email(b) && phone(a) == phone(b)
}

/// HTTP Basic with the configured staff password (any user name).
fn staff_ok(hq: &Hq, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let Some(pw) = hq.config.staff_password.as_deref() else {
        return Err(Box::new(
            (
                StatusCode::FORBIDDEN,
                "staff pages are off: start vitrine-hq with --staff-password (or VITRINE_HQ_STAFF_PASSWORD) / \
les pages du personnel sont désactivées : démarrez vitrine-hq avec --staff-password (ou VITRINE_HQ_STAFF_PASSWORD)",
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
                esc(&vitrine_i18n::domain::order_status(st).render(lang))
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
            esc(&vitrine_i18n::domain::order_status(o.status).render(lang)),
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
    let lang = lang_of(f.lang.as_deref(), &headers);
    // An error is a page in the staff page's language (JSON for a client
    // that asks for JSON only).
    let refuse = |failure: Failure, fr: &str, en: &str| -> Response {
        if wants_json(&headers) {
            return failure.into_response();
        }
        let back = if store_ok(&store) {
            format!(
                "<p><a href=\"/staff/{}/orders?lang={}\">{}</a></p>",
                esc(&store),
                lang.code(),
                lang.pick("Retour aux commandes", "Back to the orders")
            )
        } else {
            String::new()
        };
        (
            failure.status,
            Html(page(
                lang,
                lang.pick("Commandes", "Orders"),
                &format!("<p role=\"alert\">{}</p>{back}", esc(lang.pick(fr, en))),
            )),
        )
            .into_response()
    };
    if !store_ok(&store) {
        return refuse(
            Failure::not_found("no such store"),
            "Ce magasin n'existe pas.",
            "There is no such store.",
        );
    }
    let Some(status) = OrderStatus::parse(&f.status) else {
        return refuse(
            Failure::unprocessable("status must be received, preparing, ready or collected"),
            "Statut inconnu : choisissez reçue, en préparation, prête ou retirée.",
            "Unknown status: choose received, preparing, ready or collected.",
        );
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return refuse(
            Failure::not_found("no such order"),
            "Cette commande n'existe pas.",
            "There is no such order.",
        );
    };
    let hq2 = hq.clone();
    let store2 = store.clone();
    let res = blocking(move || {
        let Some(o) = hq2.storage.order(&uuid)?.filter(|o| o.store == store2) else {
            return Ok(None);
        };
        let notes = notify::status_messages(&hq2, &o, status);
        let updated = hq2.storage.set_order_status(&uuid, status, hq2.now(), &notes)?;
        if status == OrderStatus::Collected
            && let Some(o) = &updated
            && let Err(e) = crate::customers::after_collected(&hq2, o)
        {
            tracing::warn!(error = %e, "cannot schedule the thank-you and survey emails");
        }
        Ok(Some(updated))
    })
    .await;
    match res {
        Ok(Some(_)) => {
            hq.wake_notifier();
            Redirect::to(&format!("/staff/{store}/orders?lang={}", lang.code())).into_response()
        }
        Ok(None) => refuse(
            Failure::not_found("no such order in this store"),
            "Cette commande n'existe pas dans ce magasin.",
            "There is no such order in this store.",
        ),
        Err(e) => {
            let retry = e.body.retryable;
            refuse(
                e,
                if retry {
                    "Le siège est occupé : réessayez dans un instant."
                } else {
                    "Le siège a rencontré un problème : réessayez dans un instant ; s'il persiste, prévenez le support."
                },
                if retry {
                    "HQ is busy: try again in a moment."
                } else {
                    "HQ had a problem: try again in a moment; if it persists, tell support."
                },
            )
        }
    }
}

/// A store id as HQ makes them (letters, digits, `-`, `_`).
fn store_ok(store: &str) -> bool {
    !store.is_empty() && store.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
