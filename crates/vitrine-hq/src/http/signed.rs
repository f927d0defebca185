//! HQ signs its API answers (issue 14): a kiosk trusts what HQ says about
//! customers, coupons, the offline card table and, at enrollment, the
//! `public_base_url` that goes into its QR codes; a proxy or anyone on the
//! path could change them. Every `/v1` answer (but the push stream, and the
//! catalog, whose updates carry their own signature) gets a
//! `Vitrine-Signature` header: HQ's ed25519 signature over
//! [`answer_message`] (the kiosk's `Vitrine-Nonce`, the method and path
//! asked, the status, the body's SHA-256). The kiosk checks it with HQ's
//! key, which it already holds.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use vitrine_core::sign::{ANSWER_NONCE_HEADER, ANSWER_SIGNATURE_HEADER, answer_message};

use super::Failure;
use crate::Hq;

/// The largest answer HQ buffers to sign (the card table of a big
/// retailer); the catalog is not signed here.
const MAX_SIGNED_BYTES: usize = 256 << 20;

/// Whether the answer to `path` is signed here.
fn signs(path: &str) -> bool {
    path.starts_with("/v1/") && path != "/v1/events" && !path.starts_with("/v1/catalog/")
}

/// Signs the answer (see the module's documentation).
pub async fn sign_answers(State(hq): State<Arc<Hq>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !signs(&path) {
        return next.run(req).await;
    }
    let asked = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or(path);
    let method = req.method().as_str().to_string();
    let nonce = req
        .headers()
        .get(ANSWER_NONCE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let resp = next.run(req).await;
    let (mut parts, body) = resp.into_parts();
    if parts.headers.contains_key(header::CONTENT_ENCODING) {
        // Nothing HQ gzips outside the catalog; left as it is.
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_SIGNED_BYTES).await {
        Ok(b) => b,
        Err(e) => return axum::response::IntoResponse::into_response(Failure::internal(e)),
    };
    let sig = hq
        .key
        .sign(&answer_message(&nonce, &method, &asked, parts.status.as_u16(), &bytes));
    if let Ok(v) = HeaderValue::from_str(&sig) {
        parts.headers.insert(ANSWER_SIGNATURE_HEADER, v);
    }
    Response::from_parts(parts, Body::from(bytes))
}
