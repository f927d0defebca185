//! The files a shopper's page loads besides itself: the icon, the web app
//! manifest, the service worker (the last basket stays readable offline,
//! poor signal in stores) and its one-line registration, the retailer's
//! colours and logo. Small, constant or from HQ's settings.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Hq;
use crate::http::page::OFFLINE_NOTE;

/// The icon: the retailer's colour, a basket's outline (SVG, a few
/// hundred bytes).
const ICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#0b3d91"/><path d="M14 26h36l-4 24H18z" fill="none" stroke="#fff" stroke-width="5" stroke-linejoin="round"/><path d="M24 26l8-12 8 12" fill="none" stroke="#fff" stroke-width="5"/></svg>"##;

/// Network first for the basket and order pages; the last one that loaded
/// is kept and shown when the network fails, its hidden "offline" note
/// shown (`HIDDEN` and `SHOWN` are filled in from [`OFFLINE_NOTE`]). The
/// page that registers the worker loaded before it could pass through it,
/// so the worker keeps that page when it takes control: otherwise a
/// shopper who opened the link once would have nothing offline.
const SERVICE_WORKER: &str = r#"var CACHE = 'vitrine-last-basket';
var HIDDEN = '%HIDDEN%';
var SHOWN = '%SHOWN%';
function page(url) { return /^\/(h|o)\/[0-9a-fA-F-]+$/.test(new URL(url).pathname); }
function keep(url, resp) {
  return caches.open(CACHE).then(function (c) {
    return c.keys().then(function (ks) {
      return Promise.all(ks.map(function (k) { return c.delete(k); }));
    }).then(function () { return c.put(url, resp); });
  });
}
function kept(r) {
  return caches.open(CACHE).then(function (c) {
    return c.match(r, {ignoreSearch: true}).then(function (m) {
      return m || c.keys().then(function (ks) { return ks.length ? c.match(ks[0]) : undefined; });
    });
  }).then(function (m) {
    if (!m) return Response.error();
    return m.text().then(function (t) {
      var h = new Headers(m.headers);
      h.delete('content-length');
      h.delete('content-encoding');
      return new Response(t.replace(HIDDEN, SHOWN), {status: 200, headers: h});
    });
  });
}
self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) {
  e.waitUntil(self.clients.claim().then(function () {
    return self.clients.matchAll({type: 'window'});
  }).then(function (cs) {
    var u = cs.map(function (c) { return c.url; }).filter(page);
    if (!u.length) return;
    return fetch(u[0]).then(function (resp) { if (resp.ok) return keep(u[0], resp); });
  }).catch(function () {}));
});
self.addEventListener('fetch', function (e) {
  var r = e.request;
  if (r.method !== 'GET' || r.mode !== 'navigate' || !page(r.url)) return;
  e.respondWith(fetch(r).then(function (resp) {
    if (resp.ok) e.waitUntil(keep(r.url, resp.clone()));
    return resp;
  }).catch(function () { return kept(r); }));
});
"#;

/// The service worker with the offline note's markup filled in.
fn service_worker_script() -> &'static str {
    static SCRIPT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let shown = OFFLINE_NOTE.replace(" hidden>", " role=\"status\">");
        SERVICE_WORKER
            .replace("%HIDDEN%", OFFLINE_NOTE)
            .replace("%SHOWN%", &shown)
    });
    &SCRIPT
}

const REGISTER: &str =
    "if('serviceWorker' in navigator){navigator.serviceWorker.register('/sw.js').catch(function(){});}";

fn file(content_type: &'static str, cache: &'static str, body: impl Into<axum::body::Body>) -> Response {
    (
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, cache)],
        body.into(),
    )
        .into_response()
}

/// `GET /favicon.ico` (an SVG: every current browser reads it).
pub(super) async fn favicon() -> Response {
    file("image/svg+xml", "public, max-age=86400", ICON)
}

/// `GET /manifest.webmanifest`.
pub(super) async fn manifest(State(hq): State<Arc<Hq>>) -> Response {
    let shop = &hq.config.shop;
    let m = serde_json::json!({
        "name": shop.retailer_name,
        "short_name": shop.retailer_name,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": shop.colour,
        "icons": [{"src": "/favicon.ico", "sizes": "any", "type": "image/svg+xml"}],
    });
    file("application/manifest+json", "public, max-age=3600", m.to_string())
}

/// `GET /sw.js`.
pub(super) async fn service_worker() -> Response {
    file("application/javascript", "no-cache", service_worker_script())
}

/// `GET /sw-register.js`.
pub(super) async fn register() -> Response {
    file("application/javascript", "public, max-age=86400", REGISTER)
}

/// `GET /brand.css`: the retailer's colour for buttons and links.
pub(super) async fn brand_css(State(hq): State<Arc<Hq>>) -> Response {
    let c = &hq.config.shop.colour;
    file("text/css", "public, max-age=3600", format!(":root{{--brand:{c}}}"))
}

/// `GET /brand/logo`: the retailer's logo (404 when HQ has none).
pub(super) async fn logo(State(hq): State<Arc<Hq>>) -> Response {
    match &hq.config.shop.logo {
        Some((bytes, content_type)) => (
            [
                (header::CONTENT_TYPE, content_type.clone()),
                (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
