//! Who is calling, as extractors: a handler that takes one can only run for
//! that caller, so the route table's "who may call" is in the handlers'
//! signatures.
//! - [`AuthDevice`]: an enrolled, unrevoked kiosk, by its bearer token,
//!   rate-limited per kiosk.
//! - [`Staff`]: a member of staff logged in with their own account (a
//!   session cookie from `/staff/login`); their forms also pass
//!   [`Staff::check_form`] (HQ's origin, the session's CSRF token).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vitrine_core::Lang;
use vitrine_core::wire::codes;
use vitrine_i18n::tr;

use super::page::{BRAND, alert, html, page_lang};
use super::{Failure, blocking};
use crate::Hq;
use crate::ratelimit::RateLimiter;
use crate::services::{devices, staff};
use crate::storage::{Device, StaffAccount};

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
        // The rate limit is taken on the blocking pool too (it is the
        // database's with several replicas), for a known device only.
        let (found, limited) = blocking(move || {
            let found = devices::by_token(&hq2, &token)?;
            let limited = match &found {
                Some(d) if d.revoked_at.is_none() => hq2.limiter.check(&d.id).err(),
                _ => None,
            };
            Ok((found, limited))
        })
        .await?;
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
        if let Some(wait) = limited {
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
/// cannot use up everyone's attempts. Blocks on the database when the
/// limiters are shared: call it on the blocking pool.
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

/// Whether this client may read `/metrics`: with a metrics token, whoever
/// sends it (401 otherwise); without, HQ's own machine only (403 from
/// elsewhere).
pub fn may_scrape(hq: &Hq, ip: IpAddr, headers: &header::HeaderMap) -> Result<(), Failure> {
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

/// The cookie that carries a staff session's token.
pub const STAFF_COOKIE: &str = "vitrine_staff";

/// The staff session's token from the request's cookies.
pub fn staff_cookie(headers: &header::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == STAFF_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The `Set-Cookie` value of a session (`token`; an empty one ends it):
/// HttpOnly (no script reads it), SameSite=Strict (no other site's page
/// sends it), Secure when HQ's public address is HTTPS, for `/staff` only.
pub fn staff_set_cookie(hq: &Hq, token: &str, max_age_s: i64) -> header::HeaderValue {
    let secure = if hq.config.public_base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    header::HeaderValue::from_str(&format!(
        "{STAFF_COOKIE}={token}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}"
    ))
    .unwrap_or_else(|_| header::HeaderValue::from_static("vitrine_staff=; Path=/staff; Max-Age=0"))
}

/// `scheme://host[:port]` of a URL, lower case.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Whether a form comes from HQ's own pages, by its `Origin` (else its
/// `Referer`): HQ's public address, or the host the request was sent to.
/// A request with neither (not a browser) passes: its CSRF token still
/// has to match.
pub fn same_origin(hq: &Hq, headers: &header::HeaderMap) -> bool {
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().ok().and_then(origin_of));
    let Some(from) = from else { return true };
    let Some(from) = from else { return false };
    if origin_of(&hq.config.public_base_url).as_deref() == Some(from.as_str()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|h| from.split_once("://").is_some_and(|(_, fh)| fh.eq_ignore_ascii_case(h)))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A logged-in member of staff (session cookie from `/staff/login`). A
/// request without a live session is sent to the login page (303; a JSON
/// client gets 401). Forms must also pass [`Staff::check_form`].
pub struct Staff {
    pub account: StaffAccount,
    /// The CSRF token this session's forms carry.
    pub csrf: String,
    /// The session's token (to end it at logout).
    pub token: String,
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl Staff {
    /// The refusal (403, a page) of a form that another site could have
    /// sent: its origin is not HQ's, or its CSRF token is not this
    /// session's. None: the form may go on.
    pub fn check_form(&self, hq: &Hq, headers: &header::HeaderMap, csrf: &str, lang: Lang) -> Option<Response> {
        let origin_ok = same_origin(hq, headers);
        if origin_ok && tokens_match(csrf, &self.csrf) {
            return None;
        }
        tracing::warn!(staff = %self.account.name, origin_ok, "staff form refused: cross-site or without its token");
        Some(html(
            StatusCode::FORBIDDEN,
            lang,
            BRAND,
            &alert(&tr!(lang, "hq-staff-form-expired")),
        ))
    }
}

impl FromRequestParts<Arc<Hq>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, hq: &Arc<Hq>) -> Result<Self, Response> {
        let asked = Query::<LangQuery>::try_from_uri(&parts.uri).ok().and_then(|q| q.0.lang);
        let lang = page_lang(asked.as_deref(), &parts.headers);
        let session = match staff_cookie(&parts.headers) {
            Some(token) => {
                let hq2 = hq.clone();
                let t = token.clone();
                match blocking(move || Ok(staff::session(&hq2, &t)?)).await {
                    Ok(s) => s.map(|s| (s, token)),
                    Err(f) => return Err(f.into_response()),
                }
            }
            None => None,
        };
        if let Some((s, token)) = session {
            return Ok(Staff {
                account: s.account,
                csrf: s.csrf,
                token,
            });
        }
        if super::page::wants_json(&parts.headers) {
            return Err(
                Failure::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, "log in at /staff/login").into_response(),
            );
        }
        // Back to the store's page after the login.
        let store = parts
            .uri
            .path()
            .strip_prefix("/staff/")
            .and_then(|p| p.split('/').next())
            .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or("");
        Err(Redirect::to(&format!("/staff/login?lang={}&store={store}", lang.code())).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HqConfig;
    use axum::http::{HeaderMap, HeaderValue};

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
