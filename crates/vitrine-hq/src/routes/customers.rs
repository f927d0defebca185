//! `POST /v1/customers/lookup`, `GET /v1/customers/cards` and
//! `GET /v1/coupons/{code}`: a kiosk identifies a shopper and checks a
//! coupon.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use vitrine_core::wire::customers::{CardTable, CouponState, CustomerLookup, CustomerView};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::{coupons, customers};

pub(super) async fn lookup(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    ApiJson(q): ApiJson<CustomerLookup>,
) -> Result<Json<CustomerView>, Failure> {
    blocking(move || {
        customers::lookup(&hq, &q)?
            .map(Json)
            .ok_or_else(|| Failure::not_found("no customer with this card, email or phone"))
    })
    .await
}

pub(super) async fn cards(State(hq): State<Arc<Hq>>, AuthDevice(_dev): AuthDevice) -> Result<Json<CardTable>, Failure> {
    blocking(move || Ok(Json(customers::card_table(&hq)?))).await
}

pub(super) async fn coupon(
    State(hq): State<Arc<Hq>>,
    AuthDevice(_dev): AuthDevice,
    Path(code): Path<String>,
) -> Result<Json<CouponState>, Failure> {
    // What can be a coupon code (HQ's and the catalog's): nothing else is
    // looked up, and openapi.json says the same pattern.
    if code.is_empty() || code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(Failure::bad_request(
            "a coupon code is 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    blocking(move || {
        let now = hq.now();
        Ok(Json(coupons::coupon_state(&hq, &code, now)?))
    })
    .await
}
