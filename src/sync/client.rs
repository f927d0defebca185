//! The kiosk's HTTP client for HQ's `/v1` API (types from
//! `vitrine_core::wire`, shared with HQ's router).

use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use thiserror::Error;
use vitrine_core::Gtin;
use vitrine_core::picture::{ImageId, ImageSize, image_path};
use vitrine_core::sign::{ANSWER_NONCE_HEADER, ANSWER_SIGNATURE_HEADER, PublicKey, answer_message};
use vitrine_core::wire::customers::{
    CardTable, Challenge, ChallengeAnswer, ChallengeRequest, CouponState, CustomerLookup, CustomerView,
};
use vitrine_core::wire::fleet::{Heartbeat, HeartbeatAck};
use vitrine_core::wire::settings::SettingsAnswer;
use vitrine_core::wire::{
    ApiError, Availability, ChangesAnswer, EnrollRequest, EnrollResponse, HandoffReceipt, HandoffSend,
    HandoffSendReply, OrderReceipt,
};

/// A failed call to HQ.
#[derive(Debug, Clone, Error)]
pub enum HqError {
    /// HQ could not be reached (down, network cut, timeout).
    #[error("HQ cannot be reached: {0}")]
    Unreachable(String),
    /// HQ answered with an error.
    #[error("HQ answered {status}: {message}")]
    Http {
        status: u16,
        code: String,
        message: String,
        retryable: bool,
        /// HQ's `Retry-After` (seconds), when it gave one.
        retry_after: Option<Duration>,
    },
    /// HQ's answer could not be read.
    #[error("HQ's answer is not readable: {0}")]
    Decode(String),
    /// HQ's answer (decoded) is larger than the kiosk reads.
    #[error("HQ's answer is larger than the {0} bytes this kiosk reads; the download was stopped")]
    TooLarge(usize),
    /// An answer the kiosk trusts (customers, coupons, the card table, the
    /// enrollment) does not carry HQ's signature for this request: changed
    /// on the way, replayed, or not from this HQ.
    #[error("HQ's answer is not signed by HQ's key ({0}); it was ignored")]
    Unsigned(String),
}

impl HqError {
    /// Whether the same request may succeed later (network, 5xx, 408, 429).
    pub fn is_retryable(&self) -> bool {
        match self {
            HqError::Unreachable(_) | HqError::Decode(_) | HqError::TooLarge(_) | HqError::Unsigned(_) => true,
            HqError::Http { retryable, .. } => *retryable,
        }
    }

    /// How long HQ asked the kiosk to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            HqError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            HqError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A client bound to one HQ and one device token.
#[derive(Clone)]
pub struct HqClient {
    http: reqwest::Client,
    stream_http: reqwest::Client,
    base: String,
    token: String,
    timeout: Duration,
    max_snapshot_bytes: usize,
    /// HQ's key, which answers the kiosk trusts must be signed with.
    hq_key: Option<PublicKey>,
}

impl std::fmt::Debug for HqClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HqClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// The largest answer the kiosk reads from HQ, decoded (a delta of
/// 200,000 changes, HQ's most, is about 22 MB).
pub const MAX_ANSWER_BYTES: usize = 64 << 20;
/// The largest snapshot download, gzipped (a 1,000,000-product snapshot is
/// about 60 MB; it is written to disk as it arrives, never held).
pub const MAX_SNAPSHOT_BYTES: usize = 1 << 30;

/// The sidecar file naming the cut a partial snapshot download belongs to.
pub fn etag_path(part: &std::path::Path) -> std::path::PathBuf {
    let mut p = part.as_os_str().to_owned();
    p.push(".etag");
    std::path::PathBuf::from(p)
}

/// Forgets a snapshot download (complete, refused or unusable).
pub async fn remove_part(part: &std::path::Path) {
    let _ = tokio::fs::remove_file(part).await;
    let _ = tokio::fs::remove_file(etag_path(part)).await;
}

/// The body, chunk by chunk, refused past `max` bytes.
async fn body_limited(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, HqError> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if out.len().saturating_add(chunk.len()) > max {
            return Err(HqError::TooLarge(max));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The largest picture the kiosk downloads (HQ's `large` size is a
/// 640-pixel JPEG, a few hundred KB at most).
pub const MAX_PICTURE_BYTES: usize = 4 << 20;

/// The longest `Retry-After` the kiosk honours: a wrong header never stalls
/// the queue for longer.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

/// `Retry-After` in seconds (what HQ sends), capped at [`MAX_RETRY_AFTER`].
/// An HTTP date is not read: HQ never sends one, and the kiosk's clock may
/// be wrong.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: u64 = v.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

fn unreachable(e: reqwest::Error) -> HqError {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    HqError::Unreachable(msg)
}

impl HqClient {
    /// `timeout` bounds every request except the push stream, which only
    /// bounds its connection.
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<HqClient, HqError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("vitrine-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(unreachable)?;
        let stream_http = reqwest::Client::builder()
            .connect_timeout(timeout)
            .user_agent(concat!("vitrine-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(unreachable)?;
        Ok(HqClient {
            http,
            stream_http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            timeout,
            max_snapshot_bytes: MAX_SNAPSHOT_BYTES,
            hq_key: None,
        })
    }

    /// The key HQ signs its answers with (enrollment gave it): the
    /// customer, coupon and card table answers are checked with it, and
    /// refused without it.
    pub fn with_hq_key(mut self, key: PublicKey) -> HqClient {
        self.hq_key = Some(key);
        self
    }

    /// Another ceiling for a snapshot's decoded size (tests).
    pub fn with_max_snapshot_bytes(mut self, max: usize) -> HqClient {
        self.max_snapshot_bytes = max;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Reads a JSON answer, or turns an error answer into [`HqError::Http`].
    async fn read<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, HqError> {
        Self::read_limited(resp, MAX_ANSWER_BYTES).await
    }

    /// [`HqClient::read`], stopping the download past `max` decoded bytes
    /// (a gzip answer inflates: a small body must not fill the kiosk's
    /// memory).
    async fn read_limited<T: DeserializeOwned>(resp: reqwest::Response, max: usize) -> Result<T, HqError> {
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let bytes = body_limited(resp, max).await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| HqError::Decode(e.to_string()));
        }
        Err(Self::error_of(status, retry_after, &bytes))
    }

    /// Sends `req` (to `path`, relative to HQ's base) with a fresh nonce and
    /// reads the answer only if HQ signed it for this request with `key`
    /// ([`answer_message`]).
    async fn send_verified<T: DeserializeOwned>(
        req: reqwest::RequestBuilder,
        method: &str,
        path: &str,
        key: Option<&PublicKey>,
    ) -> Result<T, HqError> {
        let (status, retry_after, bytes) = Self::verified_bytes(req, method, path, key, MAX_ANSWER_BYTES).await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| HqError::Decode(e.to_string()));
        }
        Err(Self::error_of(status, retry_after, &bytes))
    }

    /// The status, `Retry-After` and body (at most `max` bytes) of an
    /// answer HQ signed for this request (see [`HqClient::send_verified`]).
    async fn verified_bytes(
        req: reqwest::RequestBuilder,
        method: &str,
        path: &str,
        key: Option<&PublicKey>,
        max: usize,
    ) -> Result<(StatusCode, Option<Duration>, Vec<u8>), HqError> {
        let key = key.ok_or_else(|| HqError::Unsigned("the kiosk has no HQ key; enroll it again".into()))?;
        let nonce = answer_nonce()?;
        let resp = req
            .header(ANSWER_NONCE_HEADER, &nonce)
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let sig = resp
            .headers()
            .get(ANSWER_SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = body_limited(resp, max).await?;
        let sig = sig.ok_or_else(|| HqError::Unsigned("no signature".into()))?;
        key.verify(&answer_message(&nonce, method, path, status.as_u16(), &bytes), &sig)
            .map_err(|e| HqError::Unsigned(e.to_string()))?;
        Ok((status, retry_after, bytes))
    }

    /// `GET /v1/images/{id}/{size}`: a product picture, signed by HQ like
    /// every `/v1` answer (the id is the hash of the original, not of this
    /// size: the signature is what vouches for these bytes).
    pub async fn picture(&self, id: &ImageId, size: ImageSize) -> Result<Vec<u8>, HqError> {
        let path = image_path(id, size);
        let req = self.http.get(self.url(&path));
        let (status, retry_after, bytes) =
            Self::verified_bytes(req, "GET", &path, self.hq_key.as_ref(), MAX_PICTURE_BYTES).await?;
        if status.is_success() {
            return Ok(bytes);
        }
        Err(Self::error_of(status, retry_after, &bytes))
    }

    fn error_of(status: StatusCode, retry_after: Option<Duration>, bytes: &[u8]) -> HqError {
        let retryable_status = status.is_server_error()
            || status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT;
        match serde_json::from_slice::<ApiError>(bytes) {
            Ok(e) => HqError::Http {
                status: status.as_u16(),
                code: e.error,
                message: e.message,
                retryable: retryable_status,
                retry_after,
            },
            Err(_) => HqError::Http {
                status: status.as_u16(),
                code: String::new(),
                message: String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned(),
                retryable: retryable_status,
                retry_after,
            },
        }
    }

    /// Exchanges a one-time code for a device token (no token needed). The
    /// answer must be signed by the HQ key it names: the `public_base_url`
    /// the kiosk puts in its QR codes is bound to the key the kiosk trusts
    /// from then on (a key the enrollment code pins, where it carries one).
    pub async fn enroll(base: &str, req: &EnrollRequest, timeout: Duration) -> Result<EnrollResponse, HqError> {
        let c = HqClient::new(base, "", timeout)?;
        let nonce = answer_nonce()?;
        let resp = c
            .http
            .post(c.url("/v1/enroll"))
            .header(ANSWER_NONCE_HEADER, &nonce)
            .json(req)
            .send()
            .await
            .map_err(unreachable)?;
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let sig = resp
            .headers()
            .get(ANSWER_SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = body_limited(resp, MAX_ANSWER_BYTES).await?;
        if !status.is_success() {
            return Err(Self::error_of(status, retry_after, &bytes));
        }
        let answer: EnrollResponse = serde_json::from_slice(&bytes).map_err(|e| HqError::Decode(e.to_string()))?;
        let key = PublicKey::from_text(&answer.hq_public_key).map_err(|e| HqError::Unsigned(e.to_string()))?;
        let sig = sig.ok_or_else(|| HqError::Unsigned("no signature".into()))?;
        key.verify(
            &answer_message(&nonce, "POST", "/v1/enroll", status.as_u16(), &bytes),
            &sig,
        )
        .map_err(|e| HqError::Unsigned(e.to_string()))?;
        Ok(answer)
    }

    /// Changes since `version` (or an answer that asks for a snapshot).
    pub async fn changes_since(&self, version: u64) -> Result<ChangesAnswer, HqError> {
        let resp = self
            .http
            .get(self.url("/v1/catalog/changes"))
            .query(&[("since", version)])
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        Self::read(resp).await
    }

    /// Downloads the device's store's streamed snapshot into the file
    /// `part`, resuming a download that was cut: `part` holds the bytes
    /// already received and `<part>.etag` names the cut they belong to, so
    /// HQ sends only the rest when it still serves that cut (`Range` with
    /// `If-Range`), the whole otherwise. On an error the bytes received so
    /// far stay for the next try. Nothing is checked here: the caller
    /// verifies the complete file before using any of it.
    pub async fn snapshot_to(&self, part: &std::path::Path) -> Result<(), HqError> {
        use tokio::io::AsyncWriteExt;
        let etag_file = etag_path(part);
        let have = tokio::fs::metadata(part).await.map(|m| m.len()).unwrap_or(0);
        let etag = tokio::fs::read_to_string(&etag_file).await.ok();
        let mut req = self
            .http
            .get(self.url("/v1/catalog/snapshot"))
            .timeout(self.timeout * 10)
            .bearer_auth(&self.token);
        if let (Some(etag), 1..) = (etag.as_deref(), have) {
            req = req
                .header(reqwest::header::RANGE, format!("bytes={have}-"))
                .header(reqwest::header::IF_RANGE, etag.trim());
        }
        let mut resp = req.send().await.map_err(unreachable)?;
        let status = resp.status();
        if status == StatusCode::RANGE_NOT_SATISFIABLE {
            // What is here is no prefix of what HQ serves: start again.
            remove_part(part).await;
            return Err(HqError::Decode(
                "the partial snapshot does not match HQ's; it will be downloaded again".into(),
            ));
        }
        if !status.is_success() {
            let ra = retry_after(resp.headers());
            let bytes = body_limited(resp, MAX_ANSWER_BYTES).await.unwrap_or_default();
            return Err(Self::error_of(status, ra, &bytes));
        }
        let resumed = status == StatusCode::PARTIAL_CONTENT;
        if resumed {
            let start = resp
                .headers()
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes "))
                .and_then(|v| v.split('-').next())
                .and_then(|v| v.parse::<u64>().ok());
            if start != Some(have) {
                remove_part(part).await;
                return Err(HqError::Decode("HQ resumed the snapshot at another offset".into()));
            }
        } else {
            let etag = resp
                .headers()
                .get(reqwest::header::ETAG)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let io = |e: std::io::Error| HqError::Decode(format!("cannot write the snapshot download: {e}"));
            tokio::fs::write(&etag_file, etag).await.map_err(io)?;
        }
        let io = |e: std::io::Error| HqError::Decode(format!("cannot write the snapshot download: {e}"));
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(part)
            .await
            .map_err(io)?;
        let mut len = if resumed { have } else { 0 };
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    // Keep what arrived: the next try asks for the rest.
                    let _ = file.flush().await;
                    return Err(unreachable(e));
                }
            };
            len = len.saturating_add(chunk.len() as u64);
            if len > self.max_snapshot_bytes as u64 {
                drop(file);
                remove_part(part).await;
                return Err(HqError::TooLarge(self.max_snapshot_bytes));
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.sync_all().await.map_err(io)?;
        Ok(())
    }

    /// Sends an outbox body (the same bytes on every retry).
    async fn post_raw<T: DeserializeOwned>(&self, path: &str, body: &str) -> Result<T, HqError> {
        let resp = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(unreachable)?;
        Self::read(resp).await
    }

    pub async fn post_handoff(&self, body: &str) -> Result<HandoffReceipt, HqError> {
        self.post_raw("/v1/handoffs", body).await
    }

    /// `POST /v1/handoffs/{id}/send` with a queued [`HandoffSend`] body
    /// (the path's id read from it; the body is never logged: it holds the
    /// shopper's contact).
    pub async fn post_handoff_link(&self, body: &str) -> Result<HandoffSendReply, HqError> {
        let req: HandoffSend = serde_json::from_str(body).map_err(|e| HqError::Decode(e.to_string()))?;
        self.post_raw(&format!("/v1/handoffs/{}/send", req.handoff), body).await
    }

    pub async fn post_order(&self, body: &str) -> Result<OrderReceipt, HqError> {
        self.post_raw("/v1/orders", body).await
    }

    /// `POST /v1/customers/lookup` (the body is never logged); HQ's answer
    /// is checked with its key.
    pub async fn lookup_customer(&self, q: &CustomerLookup) -> Result<CustomerView, HqError> {
        let path = "/v1/customers/lookup";
        let req = self.http.post(self.url(path)).bearer_auth(&self.token).json(q);
        Self::send_verified(req, "POST", path, self.hq_key.as_ref()).await
    }

    /// `POST /v1/customers/challenge`: a one-time code to the email or
    /// phone typed (the body is never logged).
    pub async fn ask_code(&self, q: &ChallengeRequest) -> Result<Challenge, HqError> {
        let body = serde_json::to_string(q).map_err(|e| HqError::Decode(e.to_string()))?;
        self.post_raw("/v1/customers/challenge", &body).await
    }

    /// `POST /v1/customers/verify`: the code the shopper typed; HQ's
    /// answer (the customer) is checked with its key.
    pub async fn verify_code(&self, a: &ChallengeAnswer) -> Result<CustomerView, HqError> {
        let path = "/v1/customers/verify";
        let req = self.http.post(self.url(path)).bearer_auth(&self.token).json(a);
        Self::send_verified(req, "POST", path, self.hq_key.as_ref()).await
    }

    /// `GET /v1/customers/cards`: the offline card table, checked with
    /// HQ's key.
    pub async fn card_table(&self) -> Result<CardTable, HqError> {
        let path = "/v1/customers/cards";
        let req = self.http.get(self.url(path)).bearer_auth(&self.token);
        Self::send_verified(req, "GET", path, self.hq_key.as_ref()).await
    }

    /// `POST /v1/heartbeat`: this kiosk's health. HQ's answer (the
    /// settings version that applies) is checked with its key.
    pub async fn post_heartbeat(&self, beat: &Heartbeat) -> Result<HeartbeatAck, HqError> {
        let path = "/v1/heartbeat";
        let req = self.http.post(self.url(path)).bearer_auth(&self.token).json(beat);
        Self::send_verified(req, "POST", path, self.hq_key.as_ref()).await
    }

    /// `GET /v1/settings`: the remote settings HQ holds for this kiosk,
    /// read only if HQ signed them for this request with its key.
    pub async fn settings(&self) -> Result<SettingsAnswer, HqError> {
        let path = "/v1/settings";
        let req = self.http.get(self.url(path)).bearer_auth(&self.token);
        Self::send_verified(req, "GET", path, self.hq_key.as_ref()).await
    }

    /// `GET /v1/coupons/{code}`.
    pub async fn coupon_state(&self, code: &str) -> Result<CouponState, HqError> {
        let code: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let path = format!("/v1/coupons/{code}");
        let req = self.http.get(self.url(&path)).bearer_auth(&self.token);
        Self::send_verified(req, "GET", &path, self.hq_key.as_ref()).await
    }

    pub async fn availability(&self, gtin: Gtin) -> Result<Availability, HqError> {
        let resp = self
            .http
            .get(self.url(&format!("/v1/availability/{}", gtin.as_gtin14())))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(unreachable)?;
        Self::read(resp).await
    }

    /// Opens the push stream (`GET /v1/events`), resuming after
    /// `last_event_id`. The caller reads it with `Response::chunk`.
    pub async fn events(&self, last_event_id: Option<u64>) -> Result<reqwest::Response, HqError> {
        let mut req = self
            .stream_http
            .get(self.url("/v1/events"))
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id.to_string());
        }
        let resp = req.send().await.map_err(unreachable)?;
        if resp.status().is_success() {
            Ok(resp)
        } else {
            let status = resp.status();
            let retry_after = retry_after(resp.headers());
            let bytes = body_limited(resp, MAX_ANSWER_BYTES).await?;
            Err(Self::error_of(status, retry_after, &bytes))
        }
    }
}

/// A fresh nonce for HQ to sign its answer over (144 random bits): an old
/// signed answer replayed by a machine in the middle does not match it.
fn answer_nonce() -> Result<String, HqError> {
    let mut raw = [0u8; 18];
    getrandom::fill(&mut raw).map_err(|e| HqError::Unsigned(format!("no random source: {e}")))?;
    Ok(base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        raw,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        assert_eq!(retry_after(&with("30")), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&with(" 7 ")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&with("999999999")), Some(MAX_RETRY_AFTER));
        // A date, garbage or nothing: the kiosk's own backoff decides.
        assert_eq!(retry_after(&with("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(retry_after(&with("-5")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
