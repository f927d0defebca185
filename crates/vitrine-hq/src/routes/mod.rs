//! HQ's one route table: every address HQ answers is declared in
//! [`router`], and nowhere else. One module per resource holds its
//! handlers; they call [`crate::services`] and share [`crate::http`], and
//! no route module imports another.
//!
//! # Who may call what
//! A handler's extractors say it in the code: [`AuthDevice`] (an enrolled,
//! unrevoked kiosk, by its bearer token, rate-limited per kiosk) or
//! [`Staff`] (a staff account's session cookie from `/staff/login`). The other routes are
//! open: what protects them is said in the table.
//!
//! | route | method | who may call | module |
//! |---|---|---|---|
//! | `/v1/health` | GET | anyone | `health` |
//! | `/openapi.json` | GET | anyone | `openapi` |
//! | `/v1/images/{id}/{size}` | GET | anyone (product pictures are public), rate-limited per client address; immutable, cached a year | `images` |
//! | `/v1/enroll` | POST | a kiosk with a one-time enrollment code (`vitrine-hq device add`), in the body | `enroll` |
//! | `/v1/catalog/snapshot` | GET | an enrolled kiosk ([`AuthDevice`]): its store's catalog | `catalog` |
//! | `/v1/catalog/changes` | GET | an enrolled kiosk ([`AuthDevice`]): its store's changes | `catalog` |
//! | `/v1/events` | GET | an enrolled kiosk ([`AuthDevice`]), at most `max_streams_per_device` streams at once; the stream ends when it is revoked | `events` |
//! | `/v1/handoffs` | POST | an enrolled kiosk ([`AuthDevice`]), a basket signed by a kiosk of its store (checked before it is stored), dated within HQ's window | `handoffs` |
//! | `/v1/handoffs/{id}/send` | POST | the enrolled kiosk ([`AuthDevice`]) that made the basket: its link to the contact the shopper typed, once | `handoffs` |
//! | `/v1/orders` | POST | an enrolled kiosk ([`AuthDevice`]), an order for its store | `orders` |
//! | `/v1/orders/{id}` | GET | an enrolled kiosk ([`AuthDevice`]), an order of its store | `orders` |
//! | `/v1/availability/{gtin}` | GET | an enrolled kiosk ([`AuthDevice`]) | `availability` |
//! | `/v1/customers/lookup` | POST | an enrolled kiosk ([`AuthDevice`]): a card or a loyalty token (an email or phone is refused: `proof_required`) | `customers` |
//! | `/v1/customers/challenge` | POST | an enrolled kiosk ([`AuthDevice`]); rate-limited per contact and per kiosk | `customers` |
//! | `/v1/customers/verify` | POST | the enrolled kiosk that asked for the code ([`AuthDevice`]), a few tries | `customers` |
//! | `/v1/customers/cards` | GET | an enrolled kiosk ([`AuthDevice`]) | `customers` |
//! | `/v1/coupons/{code}` | GET | an enrolled kiosk ([`AuthDevice`]) | `customers` |
//! | `/v1/heartbeat` | POST | an enrolled kiosk ([`AuthDevice`]): its own health; body at most 4 KiB | `heartbeat` |
//! | `/v1/settings` | GET | an enrolled kiosk ([`AuthDevice`]): its store's and its own remote settings | `settings` |
//! | `/metrics` | GET | with `--metrics-token-file`, its bearer token; without, HQ's own machine (loopback) only | `metrics` |
//! | `/staff/fleet` | GET | a logged-in member of staff ([`Staff`]): HQ's role every store, a store's account its own | `fleet` |
//! | `/h/{id}` | GET | anyone with the basket's link (its id, a UUIDv7) | `phone` |
//! | `/h/{id}/submit` | POST | anyone holding a basket signed by an enrolled kiosk (the link's fragment), dated within HQ's window; the signature is checked; the basket is anonymous (a customer comes only from its kiosk) | `phone` |
//! | `/h/{id}/claim` | POST | anyone with the basket's link, once: any later claim gets one answer, whichever contact it names | `phone` |
//! | `/h/{id}/coupon` | POST | anyone with the basket's link; each coupon is used once, a personal one only on its holder's basket | `phone` |
//! | `/h/{id}/lines` | POST | anyone with the basket's link: a line's quantity (a new version of the basket, priced by HQ) until an order is made from it | `phone` |
//! | `/h/{id}/collect`, `/h/{id}/delivery` | GET | anyone with the basket's link: the order forms | `phone` |
//! | `/h/{id}/order` | POST | anyone with the basket's link: an order (click&collect or delivery), once per form | `phone` |
//! | `/h/{id}/identify`, `/h/{id}/verify` | POST | anyone with the basket's link: a one-time code (sent only to a customer's contact, rate-limited per contact and per basket), tried a few times | `phone` |
//! | `/h/{id}/app-identify` | POST | anyone with the basket's link and a loyalty token this HQ signed (the retailer's app holds it, valid minutes); forged, expired or another retailer's tokens refused, tokens over 8 KiB refused unread | `phone` |
//! | `/o/{id}` | GET | anyone with the order's link (its id, a UUIDv7) | `phone` |
//! | `/favicon.ico`, `/manifest.webmanifest`, `/sw.js`, `/sw-register.js`, `/brand.css`, `/brand/logo` | GET | anyone | `assets` |
//! | `/s/{id}` | GET, POST | anyone with the survey's link (a random 80-bit id), answered once | `survey` |
//! | `/staff/login` | GET, POST | anyone (the login form); POST rate-limited per client address, refused from another origin, accounts locked after 10 wrong passwords | `staff` |
//! | `/staff/logout` | POST | a logged-in member of staff ([`Staff`]), its CSRF token | `staff` |
//! | `/staff` | GET | a logged-in member of staff ([`Staff`]) | `staff` |
//! | `/staff/{store}/orders` | GET | the store's staff or HQ's role ([`Staff`]): the click&collect desk (`?partial=1`: its list, for its script) | `staff` |
//! | `/staff/{store}/orders/{id}/status` | POST | the store's staff or HQ's role ([`Staff`]), HQ's origin and its CSRF token; only the moves the core's rule allows, collected after a confirmation, cancelled with a reason | `staff` |
//! | anything else | any | anyone: a JSON 404 pointing to `/openapi.json` | `openapi` |
//!
//! HQ also calls out: the order webhook (`--order-webhook`, see
//! [`crate::services::webhooks`], described under `webhooks` in
//! `openapi.json`).
//!
//! Every body is limited to `max_body_bytes` (413 above). Every `/v1`
//! answer but the push stream and the (separately signed) catalog carries
//! HQ's signature ([`crate::http::signed`]).

mod assets;
mod availability;
mod catalog;
mod customers;
mod enroll;
mod events;
mod fleet;
mod handoffs;
mod health;
mod heartbeat;
mod images;
mod metrics;
pub mod openapi;
mod orders;
mod phone;
mod settings;
mod staff;
mod survey;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use crate::Hq;
#[cfg(doc)]
use crate::http::{AuthDevice, Staff};
use crate::http::{layers, signed};

/// The whole server's routes.
pub fn router(hq: Arc<Hq>) -> Router {
    let limit = hq.config.max_body_bytes;
    Router::new()
        // Anyone.
        .route("/v1/health", get(health::get))
        .route("/openapi.json", get(openapi::get))
        .route("/v1/images/{id}/{size}", get(images::get))
        // A kiosk with a one-time code.
        .route("/v1/enroll", post(enroll::post))
        // An enrolled kiosk.
        .route("/v1/catalog/snapshot", get(catalog::snapshot))
        .route("/v1/catalog/changes", get(catalog::changes))
        .route("/v1/events", get(events::get))
        .route("/v1/handoffs", post(handoffs::post))
        .route("/v1/handoffs/{id}/send", post(handoffs::send))
        .route("/v1/orders", post(orders::post))
        .route("/v1/orders/{id}", get(orders::get))
        .route("/v1/availability/{gtin}", get(availability::get))
        .route("/v1/customers/lookup", post(customers::lookup))
        .route("/v1/customers/challenge", post(customers::challenge))
        .route("/v1/customers/verify", post(customers::verify))
        .route("/v1/customers/cards", get(customers::cards))
        .route("/v1/coupons/{code}", get(customers::coupon))
        .route(
            "/v1/heartbeat",
            post(heartbeat::post).layer(DefaultBodyLimit::max(heartbeat::MAX_BYTES)),
        )
        .route("/v1/settings", get(settings::get))
        // A scraper with the metrics token, or HQ's own machine.
        .route("/metrics", get(metrics::get))
        // Anyone with the link.
        .route("/h/{id}", get(phone::page))
        .route("/h/{id}/submit", post(phone::submit))
        .route("/h/{id}/claim", post(phone::claim))
        .route("/h/{id}/coupon", post(phone::coupon))
        .route("/h/{id}/lines", post(phone::lines))
        .route("/h/{id}/collect", get(phone::collect))
        .route("/h/{id}/delivery", get(phone::delivery))
        .route("/h/{id}/order", post(phone::order))
        .route("/h/{id}/identify", post(phone::identify))
        .route("/h/{id}/verify", post(phone::verify))
        .route("/h/{id}/app-identify", post(phone::app_identify))
        .route("/o/{id}", get(phone::order_page))
        .route("/favicon.ico", get(assets::favicon))
        .route("/manifest.webmanifest", get(assets::manifest))
        .route("/sw.js", get(assets::service_worker))
        .route("/sw-register.js", get(assets::register))
        .route("/brand.css", get(assets::brand_css))
        .route("/brand/logo", get(assets::logo))
        .route("/s/{id}", get(survey::page).post(survey::answer))
        // The store's staff.
        .route("/staff/login", get(staff::login_form).post(staff::login))
        .route("/staff/logout", post(staff::logout))
        .route("/staff", get(staff::home))
        .route("/staff/fleet", get(fleet::page))
        .route("/staff/{store}/orders", get(staff::orders))
        .route("/staff/{store}/orders/{id}/status", post(staff::set_status))
        .fallback(openapi::fallback)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(layers::json_errors))
        // Signs what json_errors made JSON too (it runs inside this layer).
        .layer(middleware::from_fn_with_state(hq.clone(), signed::sign_answers))
        .layer(middleware::from_fn(layers::security_headers))
        .layer(middleware::from_fn(layers::compress_pages))
        .layer(middleware::from_fn_with_state(hq.clone(), layers::count_requests))
        .with_state(hq)
}
