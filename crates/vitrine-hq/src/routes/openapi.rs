//! `GET /openapi.json`, the description of `/v1`, and the answer for any
//! address HQ does not serve.

use axum::http::header;
use axum::response::IntoResponse;

use crate::http::Failure;

/// The OpenAPI description of `/v1` (tested against the server).
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub(super) async fn get() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

pub(super) async fn fallback() -> Failure {
    Failure::not_found("no such address at HQ; the kiosk API is under /v1 (see /openapi.json)")
}
