//! `GET /v1/catalog/snapshot` and `/v1/catalog/changes`: the signed catalog
//! of the kiosk's store, whole or since its version, gzipped for a client
//! that accepts it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::Hq;
use crate::http::{ApiQuery, AuthDevice, Failure, GZIP_ABOVE, accepts_gzip, blocking, gzip_json, json_bytes};
use crate::services::catalog::{self, cut_snapshot};

pub(super) async fn snapshot(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let cut = cut_snapshot(&hq, &dev.store).await?;
    Ok(if accepts_gzip(&headers) {
        gzip_json(cut.gzip)
    } else {
        json_bytes(cut.json)
    })
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
