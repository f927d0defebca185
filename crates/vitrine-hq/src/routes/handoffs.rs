//! `POST /v1/handoffs`: a kiosk delivers a basket it handed off to a phone;
//! `POST /v1/handoffs/{id}/send`: it sends that basket's link to the
//! contact the shopper typed on it.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;
use vitrine_core::wire::{HandoffReceipt, HandoffSend, HandoffSendReply, HandoffSubmit, codes};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::handoffs::{SendOutcome, accept_kiosk_handoff, handoff_receipt, send_link};

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(sub): ApiJson<HandoffSubmit>,
) -> Result<(StatusCode, Json<HandoffReceipt>), Failure> {
    let hq2 = hq.clone();
    // The store is checked before the basket is stored: a kiosk of one
    // store cannot create another store's handoffs.
    let h = blocking(move || Ok(accept_kiosk_handoff(&hq2, &sub, &dev.id, &dev.store)?)).await?;
    Ok((StatusCode::CREATED, Json(handoff_receipt(&hq, &h))))
}

/// Only the kiosk that made the basket may have its link sent; another
/// kiosk's basket answers 404, as one that does not exist (yet: the
/// kiosk's outbox delivers the basket first and retries).
pub(super) async fn send(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<HandoffSend>,
) -> Result<Json<HandoffSendReply>, Failure> {
    let id = Uuid::parse_str(&id).map_err(|_| Failure::bad_request("the handoff id is not a UUID"))?;
    let outcome = blocking(move || Ok(send_link(&hq, &dev.id, &id, &req)?)).await?;
    match outcome {
        SendOutcome::Sent(status) => Ok(Json(HandoffSendReply { status })),
        SendOutcome::Taken => Err(Failure::new(
            StatusCode::CONFLICT,
            codes::ALREADY_CLAIMED,
            "this basket was already sent to another contact; it is not sent again",
        )),
        SendOutcome::NotFound => Err(Failure::not_found("no such basket from this kiosk")),
    }
}
