//! `POST /v1/orders` and `GET /v1/orders/{id}`: a kiosk's click&collect
//! orders.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uuid::Uuid;
use vitrine_core::wire::{OrderReceipt, OrderRequest};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::orders;

pub(super) async fn post(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(req): ApiJson<OrderRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), Failure> {
    let hq2 = hq.clone();
    let (created, receipt) = blocking(move || Ok(orders::accept_order(&hq2, &dev, &req)?)).await?;
    if created {
        hq.wake_notifier();
    }
    Ok((StatusCode::CREATED, Json(receipt)))
}

pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    Path(id): Path<String>,
) -> Result<Json<OrderReceipt>, Failure> {
    let id = Uuid::parse_str(&id).map_err(|_| Failure::bad_request("the order id is not a UUID"))?;
    blocking(move || Ok(Json(orders::receipt(&hq, &id, &dev.store)?))).await
}
