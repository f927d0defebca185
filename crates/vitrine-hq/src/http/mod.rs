//! What every route shares, below the route table: the JSON error answer
//! ([`Failure`]) and the JSON body extractor, who is calling ([`auth`]),
//! running storage work off the async threads ([`blocking`]), compressed
//! JSON answers, the pages' shell, language and forms ([`page`]), the
//! staff desk's style and script ([`desk`]), and
//! HQ's signature on its API answers ([`signed`]).
//! Routes use this module and [`crate::services`]; nothing here is a route.

pub mod auth;
pub mod desk;
pub mod error;
pub mod layers;
pub mod page;
pub mod signed;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

pub use auth::{AuthDevice, ClientAddr, Staff, limit_client};
pub use error::{ApiJson, ApiQuery, Failure};
pub use layers::request_timed_out;
pub use page::{PageForm, esc, product_picture};

/// Runs storage work on the blocking pool: an async worker thread never
/// waits on SQLite.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.map_err(Failure::internal)?
}

/// Bodies above this size are sent gzipped to a client that accepts it.
pub const GZIP_ABOVE: usize = 16 * 1024;

/// Whether the request accepts a gzipped answer (`Accept-Encoding: gzip`,
/// not with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            coding.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// A JSON answer already serialised.
pub fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], Body::from(body)).into_response()
}

/// A JSON answer already serialised and gzipped.
pub fn gzip_json(body: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CONTENT_ENCODING, "gzip"),
            (header::VARY, "accept-encoding"),
        ],
        Body::from(body),
    )
        .into_response()
}
