//! `POST /v1/handoffs`: a kiosk delivers a basket it handed off to a phone.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vitrine_core::wire::{HandoffReceipt, HandoffSubmit};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::handoffs::{accept_kiosk_handoff, handoff_receipt};

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, Json<HandoffReceipt>), Failure> {
    let hq2 = hq.clone();
    // The store is checked before the basket is stored: a kiosk of one
    // store cannot create another store's handoffs.
    let h = blocking(move || Ok(accept_kiosk_handoff(&hq2, &sub, &dev.store)?)).await?;
    Ok((StatusCode::CREATED, Json(handoff_receipt(&hq, &h))))
}
