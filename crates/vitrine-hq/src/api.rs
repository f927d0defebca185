//! The `/v1` kiosk API and the router of the whole server. Every error is a
//! JSON [`ApiError`] with a message a person can act on and whether a retry
//! may help.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use vitrine_core::pricing::{BasketLine, CustomerContext, PricedBasket, PricingContext, Promotion, price_basket};
use vitrine_core::product::{ONLINE, Product};
use vitrine_core::sign::{PublicKey, handoff_message, sha256_hex};
use vitrine_core::wire::{
    ApiError, Availability, ChangesAnswer, EVENT_VERSION, EnrollRequest, EnrollResponse, HandoffBasket, HandoffLine,
    HandoffReceipt, HandoffSubmit, OrderReceipt, OrderRequest, OrderStatus, SignedUpdate, UpdateKind, VersionEvent,
    codes, order_number,
};
use vitrine_core::{Gtin, Money};

use crate::storage::{ChangesSince, Device, HandoffRecord, OrderRecord, Put, StorageError};
use crate::{Hq, keys, notify, now, pages};

/// An error answer.
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub body: ApiError,
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            body: ApiError {
                error: code.to_string(),
                message: message.into(),
                retryable: status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT,
            },
            retry_after: None,
        }
    }

    pub fn bad_request(m: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, m)
    }

    pub fn unprocessable(m: impl Into<String>) -> Failure {
        Failure::new(StatusCode::UNPROCESSABLE_ENTITY, codes::BAD_REQUEST, m)
    }

    pub fn not_found(m: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, m)
    }

    pub fn forbidden(m: impl Into<String>) -> Failure {
        Failure::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, m)
    }

    pub fn internal(e: impl std::fmt::Display) -> Failure {
        tracing::error!(error = %e, "internal error");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "HQ had an internal problem; try again in a moment (the details are in HQ's log)",
        )
    }
}

impl From<StorageError> for Failure {
    fn from(e: StorageError) -> Self {
        if e.is_retryable() {
            Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "HQ's database is busy; try again in a moment",
            )
        } else {
            Failure::internal(e)
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body)).into_response();
        if let Some(d) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&d.as_secs().max(1).to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// A JSON body whose rejections (syntax, missing fields, too large) are
/// JSON errors too.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> Failure {
    let status = rej.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return Failure::new(
            status,
            codes::TOO_LARGE,
            "the request body is larger than HQ accepts; send a smaller basket (at most 60 lines)",
        );
    }
    // Everything else is a body HQ cannot read (not JSON, wrong shape or
    // types, wrong content type): 400. A body that reads but whose values are
    // out of range (a zero quantity, a bad check digit) is refused later with
    // 422.
    Failure::new(
        StatusCode::BAD_REQUEST,
        codes::BAD_REQUEST,
        format!("the request body is not valid: {}", rej.body_text()),
    )
}

/// The device making the request, from its bearer token, rate-limited.
pub struct AuthDevice(pub Device);

impl FromRequestParts<Arc<Hq>> for AuthDevice {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, hq: &Arc<Hq>) -> Result<Self, Failure> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                Failure::new(
                    StatusCode::UNAUTHORIZED,
                    codes::UNAUTHORIZED,
                    "this request needs the kiosk's device token (Authorization: Bearer …); enroll the kiosk with `vitrine enroll`",
                )
            })?;
        // On the blocking pool: an async worker thread never waits on SQLite.
        let hash = keys::token_hash(token);
        let st = hq.storage.clone();
        let found = blocking(move || Ok(st.device_by_token(&hash)?)).await?;
        let device = found.ok_or_else(|| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHORIZED,
                "HQ does not know this device token; enroll the kiosk again with a code from `vitrine-hq device add`",
            )
        })?;
        if device.revoked_at.is_some() {
            return Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                codes::REVOKED,
                format!(
                    "this kiosk ({}) was revoked at HQ; enroll it again with a new code from `vitrine-hq device add`",
                    device.id
                ),
            ));
        }
        if let Err(wait) = hq.limiter.check(&device.id) {
            let mut f = Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                format!(
                    "too many requests from this kiosk; try again in {} s",
                    wait.as_secs().max(1)
                ),
            );
            f.retry_after = Some(wait);
            return Err(f);
        }
        Ok(AuthDevice(device))
    }
}

/// Runs storage work on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.map_err(Failure::internal)?
}

/// The whole server's routes.
pub fn router(hq: Arc<Hq>) -> Router {
    let limit = hq.config.max_body_bytes;
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enroll", post(enroll))
        .route("/v1/catalog/snapshot", get(snapshot))
        .route("/v1/catalog/changes", get(changes))
        .route("/v1/events", get(events))
        .route("/v1/handoffs", post(post_handoff))
        .route("/v1/orders", post(post_order))
        .route("/v1/orders/{id}", get(get_order))
        .route("/v1/availability/{gtin}", get(availability))
        .route("/openapi.json", get(openapi))
        .merge(pages::routes())
        .merge(crate::customers::routes())
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(hq)
}

/// The OpenAPI description of `/v1`.
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

async fn fallback() -> Failure {
    Failure::not_found("no such address at HQ; the kiosk API is under /v1 (see /openapi.json)")
}

async fn health(State(hq): State<Arc<Hq>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "catalog_version": *hq.versions().borrow() }))
}

async fn enroll(
    State(hq): State<Arc<Hq>>,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, Failure> {
    PublicKey::from_text(&req.device_public_key)
        .map_err(|e| Failure::unprocessable(format!("device_public_key: {e}")))?;
    let token = keys::new_token().map_err(Failure::internal)?;
    let name = req
        .device_name
        .as_deref()
        .map(|n| n.chars().take(100).collect::<String>());
    let st = hq.storage.clone();
    let token_hash = keys::token_hash(&token);
    let (device, catalog_version) = blocking(move || {
        let device = st.enroll_device(
            &keys::code_hash(&req.code),
            &req.device_public_key,
            name.as_deref(),
            &token_hash,
            now(),
        )?;
        Ok((device, st.current_version()?))
    })
    .await?;
    let device = device.ok_or_else(|| {
        Failure::forbidden(
            "this enrollment code is unknown, already used, expired or revoked; get a new one with `vitrine-hq device add --store STORE`",
        )
    })?;
    tracing::info!(device = %device.id, store = %device.store, "kiosk enrolled");
    Ok(Json(EnrollResponse {
        device_id: device.id,
        store: device.store,
        token,
        hq_public_key: hq.key.public().to_text(),
        public_base_url: hq.config.public_base_url.clone(),
        catalog_version,
    }))
}

fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], Body::from(body)).into_response()
}

/// Bodies above this size are sent gzipped to a client that accepts it.
const GZIP_ABOVE: usize = 16 * 1024;

/// Whether the request accepts a gzipped answer (`Accept-Encoding: gzip`,
/// not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            coding.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// gzip at the fastest level: catalog JSON shrinks several times even so, and
/// HQ spends a fraction of the time level 6 would take.
pub fn gzip(body: &[u8]) -> Result<Bytes, Failure> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 6), flate2::Compression::fast());
    enc.write_all(body).map_err(Failure::internal)?;
    Ok(Bytes::from(enc.finish().map_err(Failure::internal)?))
}

fn gzip_json(body: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_ENCODING, "gzip"),
            (header::VARY, "accept-encoding"),
        ],
        Body::from(body),
    )
        .into_response()
}

/// A signed snapshot as cut for a store: its JSON and the same gzipped.
#[derive(Clone)]
pub struct CutSnapshot {
    pub version: u64,
    pub signed_at: vitrine_core::product::UnixTime,
    pub json: Bytes,
    pub gzip: Bytes,
}

async fn snapshot(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let cut = cut_snapshot(&hq, &dev.store).await?;
    Ok(if accepts_gzip(&headers) {
        gzip_json(cut.gzip)
    } else {
        json_bytes(cut.json)
    })
}

/// The signed snapshot of `store` as JSON.
pub async fn snapshot_body(hq: &Arc<Hq>, store: &str) -> Result<Bytes, Failure> {
    Ok(cut_snapshot(hq, store).await?.json)
}

/// The signed snapshot of `store`, cut (and gzipped) once per version and
/// store, re-signed after an hour.
pub async fn cut_snapshot(hq: &Arc<Hq>, store: &str) -> Result<CutSnapshot, Failure> {
    let current = *hq.versions().borrow();
    let now = hq.now();
    if let Some(cut) = hq.snapshots.lock().unwrap_or_else(|p| p.into_inner()).get(store)
        && cut.version >= current
        && now - cut.signed_at < 3600
    {
        return Ok(cut.clone());
    }
    let hq2 = hq.clone();
    let store2 = store.to_string();
    let cut = blocking(move || {
        let (version, json) = hq2.storage.snapshot_json(&store2)?;
        let expires_at = now + hq2.config.update_valid_hours * 3600;
        let update = SignedUpdate::sign_raw(UpdateKind::Snapshot, &store2, 0, version, expires_at, json, &hq2.key)
            .map_err(Failure::internal)?;
        let update = demo_marked(&hq2, update)?;
        let body = serde_json::to_vec(&update).map_err(Failure::internal)?;
        let gz = gzip(&body)?;
        Ok(CutSnapshot {
            version,
            signed_at: now,
            json: Bytes::from(body),
            gzip: gz,
        })
    })
    .await?;
    hq.snapshots
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(store.to_string(), cut.clone());
    Ok(cut)
}

/// HQ's meta key set when its prices are generated demo values.
pub const DEMO_PRICES_META: &str = "demo_prices";

/// Marks an update as carrying demo prices when HQ's are (signed again).
fn demo_marked(hq: &Hq, update: SignedUpdate) -> Result<SignedUpdate, Failure> {
    Ok(if hq.storage.meta(DEMO_PRICES_META)?.as_deref() == Some("1") {
        update.with_demo_prices(&hq.key)
    } else {
        update
    })
}

#[derive(Deserialize)]
struct Since {
    since: Option<u64>,
}

async fn changes(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    Query(q): Query<Since>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let since = q
        .since
        .ok_or_else(|| Failure::bad_request("missing ?since=VERSION (the kiosk's catalog version)"))?;
    let hq2 = hq.clone();
    let gz = accepts_gzip(&headers);
    blocking(move || {
        let answer = match hq2.storage.changes_since(since, &dev.store)? {
            ChangesSince::UpToDate { version } => ChangesAnswer::UpToDate { version },
            ChangesSince::TooOld { version, reason } => ChangesAnswer::SnapshotRequired { version, reason },
            ChangesSince::Changes { to, changes_json } => ChangesAnswer::Delta {
                update: demo_marked(
                    &hq2,
                    SignedUpdate::sign_raw(
                        UpdateKind::Delta,
                        &dev.store,
                        since,
                        to,
                        hq2.now() + hq2.config.update_valid_hours * 3600,
                        changes_json,
                        &hq2.key,
                    )
                    .map_err(Failure::internal)?,
                )?,
            },
        };
        // A large delta (thousands of price changes) goes gzipped.
        let body = serde_json::to_vec(&answer).map_err(Failure::internal)?;
        Ok(if gz && body.len() > GZIP_ABOVE {
            gzip_json(gzip(&body)?)
        } else {
            json_bytes(Bytes::from(body))
        })
    })
    .await
}

fn version_event(v: u64) -> Event {
    Event::default()
        .event(EVENT_VERSION)
        .id(v.to_string())
        .data(serde_json::to_string(&VersionEvent { version: v }).unwrap_or_default())
}

/// The push stream: a `version` event at once (unless the kiosk's
/// `Last-Event-ID` is current), then one per new version. It ends when HQ
/// shuts down or when its device is revoked (by `vitrine-hq device revoke`,
/// seen by the version watcher); the kiosk's reconnection then gets 401.
async fn events(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let last: Option<u64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut rx = hq.versions();
    let current = *rx.borrow_and_update();
    // A kiosk that missed versions while away hears about the current one at once.
    let initial = if last.is_none_or(|l| l != current) {
        Some(current)
    } else {
        None
    };
    let shut = hq.shutdown_signal();
    let revoked = hq.revoked();
    let id = Arc::new(dev.id);
    let state = (rx, shut, revoked, id, initial);
    let s = stream::unfold(state, |(mut rx, mut shut, mut revoked, id, pending)| async move {
        loop {
            if *shut.borrow() || revoked.borrow_and_update().contains(id.as_str()) {
                return None;
            }
            if let Some(v) = pending {
                return Some((Ok(version_event(v)), (rx, shut, revoked, id, None)));
            }
            tokio::select! {
                r = rx.changed() => {
                    r.ok()?;
                    break;
                }
                _ = shut.changed() => return None,
                r = revoked.changed() => {
                    // Another device revoked: this stream goes on.
                    r.ok()?;
                }
            }
        }
        if revoked.borrow().contains(id.as_str()) {
            return None;
        }
        let v = *rx.borrow_and_update();
        Some((Ok(version_event(v)), (rx, shut, revoked, id, None)))
    });
    Sse::new(s).keep_alive(KeepAlive::new().interval(hq.config.sse_keepalive).text("keep-alive"))
}

/// Who delivered a handoff first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Kiosk,
    Phone,
}

/// Checks a submitted handoff (the device's signature over the basket) and
/// stores it once. Used by the kiosk's POST and the phone page.
pub fn accept_handoff(
    hq: &Hq,
    sub: &HandoffSubmit,
    source: Source,
    path_id: Option<Uuid>,
) -> Result<HandoffRecord, Failure> {
    let (basket, payload, sig) =
        HandoffBasket::parse_compact(&sub.compact).map_err(|e| Failure::unprocessable(e.to_string()))?;
    if path_id.is_some_and(|id| id != basket.id) {
        return Err(Failure::unprocessable(
            "the basket in the link belongs to another handoff; scan the QR code again",
        ));
    }
    let device = hq
        .storage
        .device(&basket.device_id)?
        .filter(|d| d.revoked_at.is_none())
        .ok_or_else(|| Failure::forbidden("the basket was made by a kiosk HQ does not know (or has revoked)"))?;
    let key = device
        .public_key
        .as_deref()
        .and_then(|k| PublicKey::from_text(k).ok())
        .ok_or_else(|| Failure::forbidden("the kiosk that made this basket is not enrolled"))?;
    key.verify(&handoff_message(&payload), &sig).map_err(|_| {
        Failure::new(
            StatusCode::FORBIDDEN,
            codes::BAD_SIGNATURE,
            "the basket's signature does not match the kiosk that made it (damaged or altered link)",
        )
    })?;
    if basket.store != device.store {
        return Err(Failure::forbidden("the basket names another store than its kiosk's"));
    }
    if let Some(c) = &sub.contact {
        c.validate().map_err(Failure::unprocessable)?;
    }
    let record = HandoffRecord {
        id: basket.id,
        store: basket.store.clone(),
        device_id: basket.device_id.clone(),
        created_at: basket.created_at,
        lines: basket.lines.clone(),
        payload,
        compact: sub.compact.trim().to_string(),
        contact: sub.contact.clone().filter(|c| !c.is_empty()),
        customer_id: sub.customer_id.clone(),
        received_at: hq.now(),
        source: match source {
            Source::Kiosk => "kiosk".into(),
            Source::Phone => "phone".into(),
        },
        claimed_at: None,
    };
    match hq.storage.put_handoff(&record)? {
        Put::Created(h) => {
            tracing::info!(handoff = %h.id, source = %h.source, "handoff received");
            Ok(h)
        }
        Put::Existing(h) => Ok(h),
        Put::Conflict => Err(Failure::new(
            StatusCode::CONFLICT,
            codes::CONFLICT,
            format!(
                "handoff {} already exists with another basket; a new basket needs a new id",
                basket.id
            ),
        )),
    }
}

pub fn handoff_receipt(hq: &Hq, h: &HandoffRecord) -> HandoffReceipt {
    HandoffReceipt {
        id: h.id,
        url: format!("{}/h/{}", hq.config.public_base_url.trim_end_matches('/'), h.id),
        store: h.store.clone(),
        items: h.lines.iter().map(|l| l.quantity).sum(),
        received_at: h.received_at,
    }
}

async fn post_handoff(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, Json<HandoffReceipt>), Failure> {
    let hq2 = hq.clone();
    let h = blocking(move || accept_handoff(&hq2, &sub, Source::Kiosk, None)).await?;
    if h.store != dev.store {
        return Err(Failure::forbidden(format!(
            "this kiosk is enrolled for store {}, the basket is from store {}",
            dev.store, h.store
        )));
    }
    Ok((StatusCode::CREATED, Json(handoff_receipt(&hq, &h))))
}

/// A basket priced with HQ's prices and promotions.
pub struct PricedLines {
    pub products: Vec<(HandoffLine, Option<Product>, Option<Money>)>,
    pub priced: Option<PricedBasket>,
}

/// Prices `lines` at `store` with HQ's catalog and `vitrine_core::pricing`.
/// Products HQ does not know, or without a price, are listed but not priced.
pub fn price_lines(hq: &Hq, store: &str, lines: &[HandoffLine]) -> Result<PricedLines, Failure> {
    price_lines_with(hq, store, lines, None, &[], &[], hq.now())
}

/// [`price_lines`] for an identified customer (member prices) with extra
/// promotions (accepted personal coupons) and coupon codes, at `now`: the
/// same engine and inputs as the kiosk's, so both find the same total.
pub fn price_lines_with(
    hq: &Hq,
    store: &str,
    lines: &[HandoffLine],
    customer: Option<&CustomerContext>,
    extra: &[Promotion],
    coupons: &[String],
    now: vitrine_core::product::UnixTime,
) -> Result<PricedLines, Failure> {
    let mut products = Vec::with_capacity(lines.len());
    let mut basket = Vec::with_capacity(lines.len());
    for l in lines {
        match hq.storage.product_price(l.gtin, store)? {
            Some((p, Some(price))) => {
                let mut b = BasketLine::new(l.gtin, l.quantity, price);
                b.category = p.category.clone();
                b.brand = p.brand.clone();
                basket.push(b);
                products.push((*l, Some(p), Some(price)));
            }
            Some((p, None)) => products.push((*l, Some(p), None)),
            None => products.push((*l, None, None)),
        }
    }
    let mut promotions = hq.storage.promotions()?;
    promotions.extend(extra.iter().cloned());
    let priced = price_basket(
        &basket,
        &PricingContext {
            promotions: &promotions,
            customer,
            scanned_coupons: coupons,
            now,
            store: Some(store),
        },
        hq.config.currency,
    )
    .map_err(|e| Failure::unprocessable(e.to_string()))?;
    Ok(PricedLines {
        products,
        priced: Some(priced),
    })
}

async fn post_order(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), Failure> {
    let hq2 = hq.clone();
    let (created, receipt) = blocking(move || accept_order(&hq2, &dev, &req)).await?;
    if created {
        hq.wake_notifier();
    }
    Ok((StatusCode::CREATED, Json(receipt)))
}

fn same_or_conflict(old: &OrderRecord, fingerprint: &str) -> Result<OrderReceipt, Failure> {
    if old.fingerprint != fingerprint {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            codes::CONFLICT,
            format!(
                "order {} already exists with other content; a new order needs a new id",
                old.id
            ),
        ));
    }
    serde_json::from_str(&old.receipt_json).map_err(Failure::internal)
}

/// Stores an order once; returns whether it is new and the receipt (the
/// first one, for a repeat).
pub fn accept_order(hq: &Hq, dev: &Device, req: &OrderRequest) -> Result<(bool, OrderReceipt), Failure> {
    req.validate().map_err(Failure::unprocessable)?;
    if req.store != dev.store {
        return Err(Failure::forbidden(format!(
            "this kiosk is enrolled for store {}, the order names store {}",
            dev.store, req.store
        )));
    }
    let fingerprint = sha256_hex(serde_json::to_string(req).map_err(Failure::internal)?.as_bytes());
    // A repeat is answered before anything else (prices may have changed).
    if let Some(old) = hq.storage.order(&req.id)? {
        return Ok((false, same_or_conflict(&old, &fingerprint)?));
    }
    // Every product must be sold here, checked before any coupon is used.
    for l in &req.lines {
        match hq.storage.product_price(l.gtin, &req.store)? {
            Some((_, Some(_))) => {}
            None => {
                return Err(Failure::unprocessable(format!(
                    "product {} is not in HQ's catalog; remove it from the order",
                    l.gtin
                )));
            }
            Some((_, None)) => {
                return Err(Failure::unprocessable(format!(
                    "product {} has no price at store {}; remove it from the order",
                    l.gtin, req.store
                )));
            }
        }
    }
    // The identified customer's member prices (with their consent) and
    // the coupons the kiosk applied, each used once across channels.
    let customer = match req.customer.customer_id.as_deref() {
        Some(id) => hq.storage.customer(id)?.map(|c| crate::customers::pricing_context(&c)),
        None => None,
    };
    let crate::customers::AppliedCoupons {
        outcomes: coupons,
        promotions: promos,
        codes: accepted,
    } = crate::customers::apply_coupons(
        hq,
        &req.coupons,
        "kiosk",
        &format!("order:{}", req.id),
        Some(&req.store),
        req.created_at,
    )?;
    let priced = price_lines_with(
        hq,
        &req.store,
        &req.lines,
        customer.as_ref(),
        &promos,
        &accepted,
        req.created_at,
    )?;
    let total = priced
        .priced
        .as_ref()
        .map(|p| p.total)
        .unwrap_or(Money::zero(hq.config.currency));
    let receipt = OrderReceipt {
        id: req.id,
        number: order_number(&req.id),
        store: req.store.clone(),
        status: OrderStatus::Received,
        total,
        created_at: req.created_at,
        coupons,
    };
    let record = OrderRecord {
        id: req.id,
        number: receipt.number.clone(),
        store: req.store.clone(),
        device_id: dev.id.clone(),
        created_at: req.created_at,
        received_at: hq.now(),
        status: OrderStatus::Received,
        request_json: serde_json::to_string(req).map_err(Failure::internal)?,
        fingerprint: fingerprint.clone(),
        receipt_json: serde_json::to_string(&receipt).map_err(Failure::internal)?,
        total,
    };
    let notes = notify::order_messages(hq, req, &receipt, &priced);
    match hq.storage.put_order(&record, &notes)? {
        Put::Created(_) => {
            tracing::info!(order = %req.id, number = %receipt.number, store = %req.store, "order received");
            Ok((true, receipt))
        }
        Put::Existing(old) => Ok((false, same_or_conflict(&old, &fingerprint)?)),
        Put::Conflict => Err(Failure::new(StatusCode::CONFLICT, codes::CONFLICT, "order id reused")),
    }
}

async fn get_order(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    Path(id): Path<String>,
) -> Result<Json<OrderReceipt>, Failure> {
    let id = Uuid::parse_str(&id).map_err(|_| Failure::bad_request("the order id is not a UUID"))?;
    let st = hq.storage.clone();
    let o = blocking(move || Ok(st.order(&id)?))
        .await?
        .filter(|o| o.store == dev.store)
        .ok_or_else(|| Failure::not_found(format!("no order {id} at store {}", dev.store)))?;
    let mut receipt: OrderReceipt = serde_json::from_str(&o.receipt_json).map_err(Failure::internal)?;
    receipt.status = o.status;
    Ok(Json(receipt))
}

async fn availability(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    Path(code): Path<String>,
) -> Result<Json<Availability>, Failure> {
    let gtin =
        Gtin::from_digits(&code).map_err(|e| Failure::bad_request(format!("\"{code}\" is not a valid GTIN: {e}")))?;
    let hq2 = hq.clone();
    blocking(move || {
        if hq2.storage.product_price(gtin, "")?.is_none() {
            return Err(Failure::not_found(format!("product {gtin} is not in HQ's catalog")));
        }
        let all = hq2.storage.stock_of(gtin)?;
        let (online, stores): (Vec<_>, Vec<_>) = all.into_iter().partition(|s| s.store == ONLINE);
        Ok(Json(Availability {
            gtin,
            stores,
            online: online.into_iter().next(),
            as_of: now(),
        }))
    })
    .await
}
