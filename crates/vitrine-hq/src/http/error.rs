//! HQ's error answer: a JSON [`ApiError`] with a status, a stable code
//! ([`codes`]), a message a developer or operator can act on (English) and
//! whether a retry may help. Pages show a shopper the catalogue's words for
//! the code instead ([`super::page::error_text`]).

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use vitrine_core::wire::{ApiError, codes};

use crate::services::ServiceError;
use crate::services::customers::CustomerError;
use crate::storage::StorageError;

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

    /// A failure of HQ itself: the details go to HQ's log, not to the caller.
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

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(m) => Failure::unprocessable(m),
            ServiceError::NotFound(m) => Failure::not_found(m),
            ServiceError::Forbidden(m) => Failure::forbidden(m),
            e @ ServiceError::BadSignature => Failure::new(StatusCode::FORBIDDEN, codes::BAD_SIGNATURE, e.to_string()),
            ServiceError::Conflict(m) => Failure::new(StatusCode::CONFLICT, codes::CONFLICT, m),
            ServiceError::Storage(s) => s.into(),
            ServiceError::Internal(m) => Failure::internal(m),
        }
    }
}

impl From<CustomerError> for Failure {
    fn from(e: CustomerError) -> Self {
        match e {
            e @ CustomerError::ProofRequired => {
                Failure::new(StatusCode::FORBIDDEN, codes::PROOF_REQUIRED, e.to_string())
            }
            e => ServiceError::from(e).into(),
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
/// JSON errors too. A number is read as JSON defines it, whatever its
/// spelling: `78.0` is the integer 78 (JSON has one number type, and
/// openapi.json's `integer` includes it), while `78.5` stays a fraction an
/// integer field refuses.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let mut v = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(rej) => return Err(json_rejection(rej)),
        };
        integral_numbers(&mut v);
        serde_json::from_value(v)
            .map(ApiJson)
            .map_err(|e| Failure::bad_request(format!("the request body is not valid: {e}")))
    }
}

/// Rewrites every integral floating-point number (`78.0`, `1e3`) that fits
/// an `i64` or `u64` as that integer.
fn integral_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
            {
                if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
                    *v = serde_json::Value::from(f as i64);
                } else if (0.0..1.844_674_407_370_955_2e19).contains(&f) {
                    *v = serde_json::Value::from(f as u64);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(o) => o.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// A query string whose rejections are JSON errors too (400), like a body's.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Failure> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|e| Failure::bad_request(format!("the query string is not valid: {}", e.body_text())))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_numbers_are_integers_and_fractions_stay() {
        let mut v = serde_json::json!({"a": 78.0, "b": [1e3, 2.5, -4.0], "c": 7, "d": 1e300});
        integral_numbers(&mut v);
        assert_eq!(v["a"], serde_json::json!(78));
        assert!(v["a"].is_i64());
        assert_eq!(v["b"], serde_json::json!([1000, 2.5, -4]));
        assert_eq!(v["c"], serde_json::json!(7));
        assert!(v["d"].is_f64(), "too large for an integer: left as it is");
    }
}
