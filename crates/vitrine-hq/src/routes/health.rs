//! `GET /v1/health`: HQ is up, and at which catalog version.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;

use crate::Hq;

pub(super) async fn get(State(hq): State<Arc<Hq>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "catalog_version": *hq.versions().borrow() }))
}
