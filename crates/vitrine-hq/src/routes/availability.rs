//! `GET /v1/availability/{gtin}`: a product's stock in every store and
//! online.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use vitrine_core::Gtin;
use vitrine_core::product::ONLINE;
use vitrine_core::wire::Availability;

use crate::http::{AuthDevice, Failure, blocking};
use crate::{Hq, now};

pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    Path(code): Path<String>,
) -> Result<Json<Availability>, Failure> {
    let gtin =
        Gtin::from_digits(&code).map_err(|e| Failure::bad_request(format!("\"{code}\" is not a valid GTIN: {e}")))?;
    blocking(move || {
        if hq.storage.product_price(gtin, "")?.is_none() {
            return Err(Failure::not_found(format!("product {gtin} is not in HQ's catalog")));
        }
        let all = hq.storage.stock_of(gtin)?;
        let (online, stores): (Vec<_>, Vec<_>) = all.into_iter().partition(|s| s.store == ONLINE);
        Ok(Json(Availability {
            gtin,
            stores,
            online: online.into_iter().next(),
            as_of: now(),
        }))
    })
    .await
}
