//! Who is calling, as extractors: a handler that takes one can only run for
//! that caller, so the route table's "who may call" is in the handlers'
//! signatures.
//! - [`AuthDevice`]: an enrolled, unrevoked kiosk, by its bearer token,
//!   rate-limited per kiosk.
//! - [`Staff`]: the store's staff, by HTTP Basic with the configured staff
//!   password.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use vitrine_core::wire::codes;
use vitrine_i18n::tr;

use super::page::{BRAND, alert, html, page_lang};
use super::{Failure, blocking};
use crate::Hq;
use crate::ratelimit::RateLimiter;
use crate::services::devices;
use crate::storage::Device;

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
            })?
            .to_string();
        let hq2 = hq.clone();
        let found = blocking(move || Ok(devices::by_token(&hq2, &token)?)).await?;
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

/// The client's address (from the connection; `0.0.0.0` when a request
/// reaches the router without one, as in a test that calls it directly).
/// Behind a reverse proxy it is the proxy's: HQ does not trust
/// `X-Forwarded-For`, which any client can send.
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip()),
        ))
    }
}

/// Takes a token from `limiter` for the client `ip`, then from the shared
/// `global` bucket: a 429 with `Retry-After` when either is empty. A client
/// over its own limit takes nothing from the shared bucket, so one host
/// cannot use up everyone's attempts.
pub fn limit_client(limiter: &RateLimiter, global: &RateLimiter, ip: IpAddr, what: &str) -> Result<(), Failure> {
    let Err(wait) = limiter.check(&ip.to_string()).and_then(|()| global.check("*")) else {
        return Ok(());
    };
    tracing::warn!(client = %ip, what, "rate limit reached");
    let mut f = Failure::new(
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        format!("too many {what} attempts; try again in {} s", wait.as_secs().max(1)),
    );
    f.retry_after = Some(wait);
    Err(f)
}

/// A member of the store's staff: HTTP Basic with the configured staff
/// password (any user name). Refused with a page in the page's language:
/// 403 when HQ has no staff password (the staff pages are off), 401 with
/// a Basic challenge otherwise.
pub struct Staff;

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl FromRequestParts<Arc<Hq>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, hq: &Arc<Hq>) -> Result<Self, Response> {
        let asked = Query::<LangQuery>::try_from_uri(&parts.uri).ok().and_then(|q| q.0.lang);
        let lang = page_lang(asked.as_deref(), &parts.headers);
        let Some(pw) = hq.config.staff_password.as_deref() else {
            return Err(html(
                StatusCode::FORBIDDEN,
                lang,
                BRAND,
                &alert(&tr!(lang, "hq-staff-off")),
            ));
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.split_once(':').map(|(_, p)| p.to_string()));
        if given.as_deref() == Some(pw) {
            Ok(Staff)
        } else {
            let mut r = html(
                StatusCode::UNAUTHORIZED,
                lang,
                BRAND,
                &alert(&tr!(lang, "hq-staff-password-required")),
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"Vitrine staff\""),
            );
            Err(r.into_response())
        }
    }
}
