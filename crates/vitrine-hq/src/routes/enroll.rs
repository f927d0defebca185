//! `POST /v1/enroll`: a kiosk trades its one-time code for a device token.
//! Rate-limited per client address and overall; refused codes are logged.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use vitrine_core::wire::{EnrollRequest, EnrollResponse};

use crate::Hq;
use crate::http::{ApiJson, ClientAddr, Failure, blocking, limit_client};
use crate::services::devices;

/// Rate-limited per client address (and overall) before the code is even
/// looked at: with 80-bit codes, guessing at that rate is hopeless.
pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    ClientAddr(ip): ClientAddr,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, Failure> {
    blocking(move || {
        limit_client(&hq.enroll_limiter, &hq.enroll_global, ip, "enrollment")?;
        Ok(Json(devices::enroll(&hq, &req, ip)?))
    })
    .await
}
