//! `GET /v1/catalog/snapshot` and `/v1/catalog/changes`: the signed catalog
//! of the kiosk's store, whole (streamed, resumable) or since its version
//! (gzipped for a client that accepts it).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::Hq;
use crate::http::{ApiQuery, AuthDevice, Failure, GZIP_ABOVE, accepts_gzip, blocking, gzip_json, json_bytes};
use crate::services::catalog::{self, cut_snapshot};

/// The streamed snapshot (`application/x-vitrine-snapshot`, gzipped as a
/// file, not as a transfer coding, so byte offsets are the stored bytes'):
/// `Range: bytes=N-` with `If-Range` naming the same cut gets the rest
/// (206), anything else the whole (200). A kiosk whose download was cut at
/// 90 % fetches the last 10 %.
pub(super) async fn snapshot(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let cut = cut_snapshot(&hq, &dev.store).await?;
    let total = cut.gzip.len();
    let same_cut = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == cut.etag);
    let start = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(range_start)
        .filter(|_| same_cut);
    let common = [
        (header::CONTENT_TYPE, HeaderValue::from_static(SNAPSHOT_TYPE)),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
        (
            header::ETAG,
            HeaderValue::from_str(&cut.etag).map_err(Failure::internal)?,
        ),
    ];
    Ok(match start {
        Some(start) if start < total => {
            let range = format!("bytes {start}-{}/{total}", total - 1);
            (
                StatusCode::PARTIAL_CONTENT,
                common,
                [(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&range).map_err(Failure::internal)?,
                )],
                Body::from(cut.gzip.slice(start..)),
            )
                .into_response()
        }
        Some(_) => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{total}")).map_err(Failure::internal)?,
            )],
        )
            .into_response(),
        None => (StatusCode::OK, common, Body::from(cut.gzip)).into_response(),
    })
}

/// The media type of a streamed snapshot (gzipped newline-delimited JSON,
/// `vitrine_core::stream`).
pub const SNAPSHOT_TYPE: &str = "application/x-vitrine-snapshot";

/// `N` of `bytes=N-` (the one range form a resuming kiosk sends).
fn range_start(v: &str) -> Option<usize> {
    v.trim().strip_prefix("bytes=")?.strip_suffix('-')?.trim().parse().ok()
}

#[derive(Deserialize)]
pub(super) struct Since {
    since: Option<u64>,
}

pub(super) async fn changes(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiQuery(q): ApiQuery<Since>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let since = q
        .since
        .ok_or_else(|| Failure::bad_request("missing ?since=VERSION (the kiosk's catalog version)"))?;
    let gz = accepts_gzip(&headers);
    blocking(move || {
        let answer = catalog::changes_since(&hq, since, &dev.store)?;
        // A large delta (thousands of price changes) goes gzipped.
        let body = serde_json::to_vec(&answer).map_err(Failure::internal)?;
        Ok(if gz && body.len() > GZIP_ABOVE {
            gzip_json(catalog::gzip(&body)?)
        } else {
            json_bytes(Bytes::from(body))
        })
    })
    .await
}
