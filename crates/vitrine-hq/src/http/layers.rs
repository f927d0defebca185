//! What every answer gets, whatever route made it (issue 14):
//! - [`security_headers`]: `X-Content-Type-Options: nosniff` and
//!   `Referrer-Policy: same-origin` on every answer (a basket's link must
//!   not leak to another site in a `Referer`); on HTML pages also a
//!   Content-Security-Policy (scripts and styles only the page's own, by
//!   hash; no framing, no form posted elsewhere), `X-Frame-Options: DENY`
//!   and `Cache-Control: no-store` (a page can show a shopper's basket or a
//!   store's orders).
//! - [`count_requests`]: every answer counted and timed per route of the
//!   route table, for `/metrics`.
//! - [`json_errors`]: an error made below the handlers (a path or query
//!   string that does not read, a method the route does not take, an
//!   unknown route's 405) is a JSON [`Failure`] like every other API error,
//!   never `text/plain`.

use axum::body::Body;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vitrine_core::wire::codes;

use super::Failure;
use super::page::content_security_policy;

/// Adds the security headers (see the module's documentation).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // same-origin, not no-referrer: under no-referrer a browser sends
    // `Origin: null` with a form's POST, and the staff forms' origin check
    // (which needs HQ's own origin) refused every login from a real
    // browser. Another site still never gets a referrer.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        if let Ok(csp) = HeaderValue::from_str(content_security_policy()) {
            h.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// The largest error text kept when a plain-text error is made JSON.
const MAX_TEXT: usize = 300;

/// Turns a non-JSON error answer (from axum's extractors or router) into a
/// JSON [`Failure`] with the same status (see the module's documentation).
/// HTML error pages are left as they are.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if ct.starts_with("application/json") || ct.starts_with("text/html") {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = match axum::body::to_bytes(body, 4096).await {
        Ok(b) => String::from_utf8_lossy(&b[..b.len().min(MAX_TEXT)]).into_owned(),
        Err(_) => String::new(),
    };
    let code = match status {
        StatusCode::NOT_FOUND => codes::NOT_FOUND,
        StatusCode::PAYLOAD_TOO_LARGE => codes::TOO_LARGE,
        StatusCode::TOO_MANY_REQUESTS => codes::RATE_LIMITED,
        StatusCode::UNAUTHORIZED => codes::UNAUTHORIZED,
        StatusCode::FORBIDDEN => codes::FORBIDDEN,
        s if s.is_server_error() => codes::INTERNAL,
        _ => codes::BAD_REQUEST,
    };
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this address (see /openapi.json)".to_string(),
        _ if text.trim().is_empty() => format!("the request was refused ({status})"),
        _ => format!("the request is not valid: {}", text.trim()),
    };
    let mut out = Failure::new(status, code, message).into_response();
    // Keeps what the router said (e.g. `Allow` on a 405).
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// The answer to a request HQ did not answer within its request timeout;
/// the connection is closed after it.
pub fn request_timed_out() -> Response<Body> {
    let mut r = Failure::new(
        StatusCode::REQUEST_TIMEOUT,
        codes::UNAVAILABLE,
        "the request took too long to arrive or to answer; send it again",
    )
    .into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// Pages and their files (HTML, CSS, scripts, the manifest) larger than
/// this are gzipped for a client that accepts it: a phone on a poor
/// signal in a store loads less.
pub const GZIP_PAGES_ABOVE: usize = 1024;

/// Gzips a page's answer (see [`GZIP_PAGES_ABOVE`]); JSON keeps its own
/// rule ([`super::GZIP_ABOVE`], the catalog's pre-gzipped bodies).
pub async fn compress_pages(req: Request, next: Next) -> Response {
    let gzip = super::accepts_gzip(req.headers());
    let resp = next.run(req).await;
    let textual = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        // Never the push stream (`text/event-stream`): it does not end.
        .is_some_and(|v| {
            [
                "text/html",
                "text/css",
                "application/javascript",
                "application/manifest+json",
            ]
            .iter()
            .any(|t| v.starts_with(t))
        });
    if !gzip || !textual || resp.headers().contains_key(header::CONTENT_ENCODING) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // Pages are small (HQ writes them whole): a larger one is left as is.
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if bytes.len() < GZIP_PAGES_ABOVE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let zipped = enc.write_all(&bytes).and_then(|_| enc.finish());
    match zipped {
        Ok(z) => {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts
                .headers
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(z))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// Counts and times every answer per route pattern (`/v1/orders/{id}`,
/// never the id itself: labels stay few) for `/metrics`.
pub async fn count_requests(State(hq): State<Arc<crate::Hq>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().as_str().to_string();
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    hq.metrics
        .observe_request(&route, &method, resp.status().as_u16(), started.elapsed().as_secs_f64());
    resp
}
