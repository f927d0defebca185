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
