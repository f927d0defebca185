//! `POST /v1/heartbeat`: a kiosk reports its health (issue 17).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use vitrine_core::wire::fleet::{Heartbeat, HeartbeatAck};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::fleet;

/// The largest heartbeat body HQ reads (a real one is under 500 bytes).
pub(super) const MAX_BYTES: usize = 4096;

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(beat): ApiJson<Heartbeat>,
) -> Result<Json<HeartbeatAck>, Failure> {
    let hq2 = hq.clone();
    let ack = blocking(move || Ok(fleet::record(&hq2, &dev, &beat)?)).await?;
    hq.metrics.observe_heartbeat();
    Ok(Json(ack))
}
