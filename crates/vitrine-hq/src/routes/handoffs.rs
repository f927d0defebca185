//! `POST /v1/handoffs`: a kiosk delivers a basket it handed off to a phone.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vitrine_core::wire::{HandoffReceipt, HandoffSubmit};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::handoffs::{Source, accept_handoff, handoff_receipt};

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, Json<HandoffReceipt>), Failure> {
    let hq2 = hq.clone();
    let dev_id = dev.id.clone();
    let h = blocking(move || Ok(accept_handoff(&hq2, &sub, Source::Kiosk(&dev_id), None)?)).await?;
    if h.store != dev.store {
        return Err(Failure::forbidden(format!(
            "this kiosk is enrolled for store {}, the basket is from store {}",
            dev.store, h.store
        )));
    }
    Ok((StatusCode::CREATED, Json(handoff_receipt(&hq, &h))))
}
