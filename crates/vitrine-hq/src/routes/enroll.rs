//! `POST /v1/enroll`: a kiosk trades its one-time code for a device token.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use vitrine_core::wire::{EnrollRequest, EnrollResponse};

use crate::Hq;
use crate::http::{ApiJson, Failure, blocking};
use crate::services::devices;

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, Failure> {
    blocking(move || Ok(Json(devices::enroll(&hq, &req)?))).await
}
