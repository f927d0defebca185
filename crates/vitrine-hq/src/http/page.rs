//! What HQ's HTML pages share: the phone-sized shell, the language a page
//! is written in, the language links, HTML escaping, posted forms and the
//! words for HQ's error codes. Every word comes from the message catalogue
//! (`hq-pages.ftl`).
//!
//! A page's language is `?lang=` (or the form's `lang` field) when the
//! catalogue has it, else the best of the browser's `Accept-Language`
//! among the catalogue's languages, else French.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;
use vitrine_core::Lang;
use vitrine_core::wire::codes;
use vitrine_i18n::{Text, language_name, text, tr};

use super::Failure;

/// The title of a page that has no title of its own (an error).
pub const BRAND: &str = "Vitrine";

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

/// The language to write a page in: `asked` (`?lang=`, a form's `lang`)
/// if the catalogue has it, else the browser's `Accept-Language`, else
/// French.
pub fn page_lang(asked: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(l) = asked.and_then(Lang::parse).filter(|l| vitrine_i18n::supported(*l)) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| vitrine_i18n::negotiate(accept, vitrine_i18n::available()))
        .unwrap_or_default()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:16px;max-width:560px;margin:auto;font-size:18px;line-height:1.4;color:#111;background:#fff}\
h1{font-size:1.5em}table{width:100%;border-collapse:collapse}td{padding:8px 4px;border-bottom:1px solid #ccc;vertical-align:top}\
td.n{text-align:right;white-space:nowrap}.total td{font-weight:bold;border-bottom:none}\
input,button,a.button{font-size:1em;min-height:48px;padding:8px 12px;box-sizing:border-box}\
input{width:100%;margin:4px 0 12px;border:2px solid #555;border-radius:6px}\
input[type=radio]{width:auto;min-height:auto;margin:0 8px 0 0}fieldset label{display:block;padding:8px 0}\
button,a.button{display:inline-block;background:var(--brand,#0b3d91);color:#fff;border:none;border-radius:6px;text-decoration:none;margin:4px 0}\
.note{color:#444;font-size:.9em}.promo{color:#0a5e2a}nav a{margin-right:12px;display:inline-block;min-height:24px;padding:4px 0}\
header{display:flex;align-items:center;gap:12px;font-weight:bold}header img{height:40px;width:auto}\
ul.lines,ul.promos,ul.coupons{list-style:none;padding:0}li.line{display:grid;grid-template-columns:56px 1fr auto;gap:4px 8px;padding:8px 0;border-bottom:1px solid #ccc}\
.pic{grid-row:span 2;width:56px;height:56px}.what .brand,.what .unit{display:block;color:#444;font-size:.9em}\
li.line .n{text-align:right;white-space:nowrap}.qty{grid-column:2/4;display:flex;align-items:center;gap:8px}.qty form{margin:0}\
button.q{min-width:48px}button.rm{background:#fff;color:#8a1c1c;border:2px solid #8a1c1c}.count{min-width:2em;text-align:center}\
p.total{display:flex;justify-content:space-between;font-weight:bold;font-size:1.1em}.warn{color:#8a1c1c;font-weight:bold}\
a.button.alt{background:#fff;color:var(--brand,#0b3d91);border:2px solid var(--brand,#0b3d91)}:focus-visible{outline:3px solid #c60;outline-offset:2px}form.inline{display:inline}\
img.thumb{object-fit:contain;width:56px;height:56px;vertical-align:middle;background:#f3f3f3;border-radius:4px}";

/// A product's picture in a page's line: HQ's `thumb` size (160 px, sharp
/// on a 2x screen) shown at 56 CSS pixels, its box fixed (no layout shift),
/// loaded lazily (a long basket's pictures below the fold wait), the
/// product's name as its text.
pub fn product_picture(id: &vitrine_core::picture::ImageId, name: &str) -> String {
    format!(
        "<img class=\"thumb\" src=\"{}\" width=\"56\" height=\"56\" alt=\"{}\" loading=\"lazy\" decoding=\"async\">",
        vitrine_core::picture::image_path(id, vitrine_core::picture::ImageSize::Thumb),
        esc(name)
    )
}

/// The opening of the hidden note a shopper's page carries for when it is
/// shown from the service worker's copy (no network): the worker
/// (`/sw.js`) finds exactly this text and shows the note.
pub const OFFLINE_NOTE: &str = "<p id=\"offline\" class=\"warn\" hidden>";

/// The phone basket page's script (constant, so the Content-Security-Policy
/// names it by hash; what changes per page is in the page's
/// `<script type="application/json" id="page-data">` block, which is data,
/// never run). When HQ has not received the basket yet, it submits the one
/// the link's fragment carries; whatever happens (an unreadable fragment,
/// HQ refusing it, the network), the page ends on a message, never on
/// "Loading".
pub const BASKET_SCRIPT: &str = r#"
(async function() {
  var box = document.getElementById('basket');
  if (!box || !document.getElementById('loading')) return;
  var data = {texts: {}};
  try { data = JSON.parse(document.getElementById('page-data').textContent); } catch (_) {}
  var texts = data.texts || {};
  function show(code) {
    box.textContent = texts[code] || texts[''] || '';
    box.setAttribute('data-error', code);
  }
  try {
    var frag;
    try { frag = decodeURIComponent(location.hash.slice(1)); } catch (_) { show('bad_request'); return; }
    if (!frag) { show('not_found'); return; }
    var r = await fetch(data.path + '/submit', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({compact: frag})});
    if (!r.ok) {
      var code = '';
      try { code = (await r.json()).error || ''; } catch (_) {}
      show(code);
      return;
    }
    var s = await fetch(data.path + '?partial=1&lang=' + encodeURIComponent(data.lang));
    if (!s.ok) { show('not_found'); return; }
    box.innerHTML = await s.text();
  } catch (e) { show(''); }
})();
"#;

/// The scripts HQ's pages run, each allowed by its hash.
const SCRIPTS: [&str; 2] = [BASKET_SCRIPT, super::desk::DESK_SCRIPT];

/// The styles HQ's pages use, each allowed by its hash (a page's own after
/// the shell's, [`page_with`]).
const STYLES: [&str; 2] = [STYLE, super::desk::DESK_STYLE];

/// `'sha256-…'` of a script's or a style's text, as a CSP source.
fn csp_hash(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The Content-Security-Policy of every HQ page: nothing loads or runs but
/// the pages' own style and scripts (by hash), requests go only to HQ,
/// forms post only to HQ, and no other site may frame a page.
pub fn content_security_policy() -> &'static str {
    static CSP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let scripts: Vec<String> = SCRIPTS.iter().map(|s| csp_hash(s)).collect();
        let styles: Vec<String> = STYLES.iter().map(|s| csp_hash(s)).collect();
        format!(
            "default-src 'none'; style-src 'self' {}; script-src 'self' {}; connect-src 'self'; img-src 'self' data:; \
manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            styles.join(" "),
            scripts.join(" ")
        )
    });
    &CSP
}

/// A whole page: `body` (HTML) in the shell's `<main>` landmark, titled
/// `title` (text), with the retailer's colours (`/brand.css`), the web
/// app manifest and the service worker that keeps the last basket
/// readable offline.
pub fn page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
<meta name=\"description\" content=\"{}\"><link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\"><link rel=\"manifest\" href=\"/manifest.webmanifest\">\
<style>{STYLE}</style><link rel=\"stylesheet\" href=\"/brand.css\"></head><body><main>{body}</main><script src=\"/sw-register.js\" defer></script></body></html>",
        lang.code(),
        esc(title),
        esc(title)
    )
}

/// The retailer's name (and logo, when HQ has one) at the top of a
/// shopper's page.
pub fn retailer_header(hq: &crate::Hq) -> String {
    let shop = &hq.config.shop;
    match shop.logo {
        Some(_) => format!(
            "<header><img src=\"/brand/logo\" alt=\"\" width=\"40\" height=\"40\"><span>{}</span></header>",
            esc(&shop.retailer_name)
        ),
        None => format!("<header><span>{}</span></header>", esc(&shop.retailer_name)),
    }
}

/// [`page`] with a style of its own after the shell's and a script (if
/// not empty) at the end of the body (each must be in this module's `STYLES` and
/// `SCRIPTS`, which the Content-Security-Policy names, or the browser
/// refuses it). `body` brings its own landmarks (`<header>`, `<main>`).
pub fn page_with(lang: Lang, title: &str, style: &str, body: &str, script: &str) -> String {
    let script = if script.is_empty() {
        String::new()
    } else {
        format!("<script>{script}</script>")
    };
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
<meta name=\"description\" content=\"{}\"><link rel=\"icon\" href=\"/favicon.ico\" type=\"image/svg+xml\">\
<style>{STYLE}</style><style>{style}</style><link rel=\"stylesheet\" href=\"/brand.css\"></head><body>{body}{script}</body></html>",
        lang.code(),
        esc(title),
        esc(title)
    )
}

/// A page answer with `status`.
pub fn html(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    (status, Html(page(lang, title, body))).into_response()
}

/// `text` as an alert paragraph.
pub fn alert(text: &str) -> String {
    format!("<p role=\"alert\">{}</p>", esc(text))
}

/// A paragraph with one link.
pub fn link_paragraph(href: &str, label: &str) -> String {
    format!("<p><a href=\"{}\">{}</a></p>", esc(href), esc(label))
}

/// Links to the page `path` in each of the catalogue's languages, French
/// first; the page's own is marked current.
pub fn lang_links(path: &str, lang: Lang) -> String {
    let first = Lang::default();
    let langs = std::iter::once(first).chain(vitrine_i18n::available().iter().copied().filter(|l| *l != first));
    let mut out = String::from("<nav>");
    for l in langs {
        out.push_str(&format!(
            "<a href=\"{path}?lang={code}\" lang=\"{code}\"{current}>{name}</a>",
            code = l.code(),
            current = if l == lang { " aria-current=\"true\"" } else { "" },
            name = esc(&language_name(l)),
        ));
    }
    out.push_str("</nav>");
    out
}

/// What a page says for an error code of HQ's answers
/// ([`vitrine_core::wire::codes`]): the phone page's script and the pages
/// themselves show these, never the API's English message.
pub fn error_message(code: &str) -> Text {
    match code {
        codes::BAD_SIGNATURE => text!("hq-error-bad-signature"),
        codes::BAD_REQUEST => text!("hq-error-bad-request"),
        codes::FORBIDDEN | codes::UNAUTHORIZED | codes::REVOKED => text!("hq-error-forbidden"),
        codes::NOT_FOUND => text!("hq-error-not-found"),
        codes::CONFLICT => text!("hq-error-conflict"),
        codes::TOO_LARGE => text!("hq-error-too-large"),
        codes::RATE_LIMITED => text!("hq-error-rate-limited"),
        _ => text!("hq-error-unavailable"),
    }
}

/// [`error_message`] in `lang`.
pub fn error_text(code: &str, lang: Lang) -> String {
    error_message(code).render(lang)
}

/// Every error code with its text in `lang`, as a JSON object for a page's
/// script (`""`: any other code), safe inside a `<script>`.
pub fn error_texts_json(lang: Lang) -> String {
    script_json(&error_texts(lang))
}

/// Every error code with its text in `lang`, as a JSON object.
pub fn error_texts(lang: Lang) -> serde_json::Value {
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
    serde_json::Value::Object(m)
}

/// JSON to put inside a `<script>`: no `</` can close it early.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace("</", "<\\/")
}

/// Whether the client asks for JSON rather than a page.
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"))
}

/// A form posted by a page (phone basket, survey, staff orders). A body HQ
/// cannot read gets 400 (413 when too large) with the reason in the page's
/// language, as HTML for a browser or as a JSON [`Failure`] when the
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
    let lang = page_lang(None, headers);
    let (status, msg) = if too_large {
        (StatusCode::PAYLOAD_TOO_LARGE, tr!(lang, "hq-page-form-too-large"))
    } else {
        (StatusCode::BAD_REQUEST, tr!(lang, "hq-page-form-unreadable"))
    };
    html(status, lang, BRAND, &alert(&msg))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn a_page_is_in_the_asked_language_else_the_browsers_else_french() {
        assert_eq!(page_lang(Some("de"), &accept("en")), Lang::DE);
        assert_eq!(page_lang(Some("it"), &accept("de-CH,de;q=0.9")), Lang::DE);
        assert_eq!(page_lang(None, &accept("it,en;q=0.5")), Lang::EN);
        assert_eq!(page_lang(None, &accept("it")), Lang::FR);
        assert_eq!(page_lang(None, &HeaderMap::new()), Lang::FR);
    }

    #[test]
    fn language_links_name_every_language_in_itself() {
        let nav = lang_links("/h/x", Lang::DE);
        assert!(
            nav.starts_with("<nav><a href=\"/h/x?lang=fr\" lang=\"fr\">Français</a>"),
            "{nav}"
        );
        assert!(
            nav.contains("<a href=\"/h/x?lang=de\" lang=\"de\" aria-current=\"true\">Deutsch</a>"),
            "{nav}"
        );
        assert!(nav.contains(">English</a>"), "{nav}");
    }

    #[test]
    fn the_policy_names_the_pages_style_and_script_by_hash() {
        let csp = content_security_policy();
        assert!(
            csp.contains(&csp_hash(STYLE)) && csp.contains(&csp_hash(BASKET_SCRIPT)),
            "{csp}"
        );
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"),
            "{csp}"
        );
        // The page puts the style in verbatim: the hash is of what is sent.
        assert!(page(Lang::FR, "t", "").contains(&format!("<style>{STYLE}</style>")));
        // The desk's own style and script too.
        use super::super::desk::{DESK_SCRIPT, DESK_STYLE};
        assert!(csp.contains(&csp_hash(DESK_STYLE)) && csp.contains(&csp_hash(DESK_SCRIPT)));
        let desk = page_with(Lang::FR, "t", DESK_STYLE, "", DESK_SCRIPT);
        assert!(desk.contains(&format!("<style>{DESK_STYLE}</style>")));
        assert!(desk.contains(&format!("<script>{DESK_SCRIPT}</script>")));
    }

    #[test]
    fn the_scripts_error_texts_cannot_close_the_script() {
        let json = error_texts_json(Lang::DE);
        assert!(!json.contains("</"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["bad_signature"], error_text("bad_signature", Lang::DE));
        assert!(v[""].as_str().unwrap().contains("vorübergehend"));
    }
}
