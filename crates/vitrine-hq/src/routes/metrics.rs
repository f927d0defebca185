//! `GET /metrics`: HQ's Prometheus metrics ([`crate::metrics`]).
//!
//! # Who may scrape
//! With a token (`vitrine-hq serve --metrics-token-file FILE`), a client
//! that sends it as `Authorization: Bearer TOKEN`, from anywhere; any other
//! gets 401. Without one, clients on HQ's own machine only (loopback: a
//! Prometheus or a node agent beside HQ); any other address gets 403. The
//! metrics hold no personal data, but store names, fleet size and traffic
//! are the retailer's business.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::Hq;
use crate::http::auth::may_scrape;
use crate::http::{ClientAddr, Failure, blocking};
use crate::services::fleet;

/// OpenMetrics text, which Prometheus reads.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub(super) async fn get(State(hq): State<Arc<Hq>>, ClientAddr(ip): ClientAddr, headers: HeaderMap) -> Response {
    if let Err(f) = may_scrape(&hq, ip, &headers) {
        tracing::info!(client = %ip, "metrics scrape refused");
        let mut r = f.into_response();
        if r.status() == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return r;
    }
    let hq2 = hq.clone();
    let read = blocking(move || {
        let kiosks = fleet::fleet(&hq2)?;
        Ok((hq2.storage.current_version()?, kiosks))
    })
    .await;
    let (version, kiosks) = match read {
        Ok(r) => r,
        Err(f) => return f.into_response(),
    };
    hq.metrics.set_fleet(
        hq.push_connections(),
        version,
        &fleet::counts(&kiosks),
        &fleet::outbox_per_store(&kiosks),
    );
    hq.metrics.set_connections(
        hq.connections.open(),
        hq.connections.refused(),
        hq.connections.header_timeouts(),
    );
    match hq.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(e) => Failure::internal(e).into_response(),
    }
}
