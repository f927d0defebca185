//! `GET /v1/images/{id}/{size}`: a size of a product picture. Public
//! (product pictures are shown to anyone: the phone page, the desk, the
//! kiosks) and immutable: an id is the hash of the picture's content, so an
//! answer never changes and is cached for a year.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use vitrine_core::picture::{ImageId, ImageSize};
use vitrine_core::wire::codes;

use crate::Hq;
use crate::http::{ClientAddr, Failure, blocking};
use crate::services::pictures;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    ClientAddr(ip): ClientAddr,
    Path((id, size)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let not_found = || Failure::not_found("no such picture (an id is 64 hex digits, a size thumb or large)");
    let id = ImageId::parse(&id).ok_or_else(not_found)?;
    let size = ImageSize::parse(&size).ok_or_else(not_found)?;
    // Per client address, from the same per-minute budget as a kiosk's API
    // calls: a page shows a few pictures, a kiosk fetches its catalog's in
    // the background and waits when told to.
    if let Err(wait) = hq.limiter.check(&format!("images {ip}")) {
        let mut f = Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::RATE_LIMITED,
            format!("too many pictures asked; try again in {} s", wait.as_secs().max(1)),
        );
        f.retry_after = Some(wait);
        return Err(f);
    }
    let etag = format!("\"{}-{}\"", id.as_str(), size.as_str());
    let cached = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*");
    let builder = Response::builder()
        .header(header::CACHE_CONTROL, IMMUTABLE)
        .header(header::ETAG, HeaderValue::from_str(&etag).map_err(Failure::internal)?);
    if cached {
        let known = {
            let hq = hq.clone();
            let id = id.clone();
            blocking(move || Ok(hq.storage.has_image(&id)?)).await?
        };
        if known {
            return builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .map_err(Failure::internal);
        }
    }
    let bytes = blocking(move || Ok(pictures::size(&*hq.storage, &id, size)?))
        .await?
        .ok_or_else(not_found)?;
    builder
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(Body::from(bytes))
        .map_err(Failure::internal)
}
