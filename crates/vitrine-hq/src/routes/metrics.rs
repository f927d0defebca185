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
use vitrine_core::wire::codes;

use crate::Hq;
use crate::http::auth::tokens_match;
use crate::http::{ClientAddr, Failure, blocking};
use crate::services::fleet;

/// OpenMetrics text, which Prometheus reads.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Whether this client may scrape (see the module's documentation).
fn may_scrape(hq: &Hq, ip: std::net::IpAddr, headers: &HeaderMap) -> Result<(), Failure> {
    match &hq.config.metrics_token {
        Some(token) => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if tokens_match(sent, &token.0) {
                Ok(())
            } else {
                Err(Failure::new(
                    StatusCode::UNAUTHORIZED,
                    codes::UNAUTHORIZED,
                    "/metrics needs HQ's metrics token (Authorization: Bearer …, the --metrics-token-file of `vitrine-hq serve`)",
                ))
            }
        }
        None if ip.is_loopback() => Ok(()),
        None => Err(Failure::forbidden(
            "/metrics answers HQ's own machine only; give HQ a --metrics-token-file to scrape it from elsewhere",
        )),
    }
}

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
    match hq.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(e) => Failure::internal(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HqConfig;

    #[test]
    fn without_a_token_only_loopback_may_scrape_and_with_one_only_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = HqConfig::new(dir.path());
        let hq = Hq::open(cfg.clone()).unwrap();
        let none = HeaderMap::new();
        assert!(may_scrape(&hq, "127.0.0.1".parse().unwrap(), &none).is_ok());
        assert!(may_scrape(&hq, "::1".parse().unwrap(), &none).is_ok());
        let far = may_scrape(&hq, "192.0.2.7".parse().unwrap(), &none).unwrap_err();
        assert_eq!(far.status, StatusCode::FORBIDDEN);
        drop(hq);
        cfg.metrics_token = Some(crate::metrics::MetricsToken("s3cret-token".into()));
        let hq = Hq::open(cfg).unwrap();
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret-token"));
        assert!(may_scrape(&hq, "192.0.2.7".parse().unwrap(), &h).is_ok());
        // With a token, loopback needs it too.
        let e = may_scrape(&hq, "127.0.0.1".parse().unwrap(), &none).unwrap_err();
        assert_eq!(e.status, StatusCode::UNAUTHORIZED);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret-tokeN"));
        assert!(may_scrape(&hq, "127.0.0.1".parse().unwrap(), &h).is_err());
    }
}
