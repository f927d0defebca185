//! `POST /v1/customers/lookup`, `POST /v1/customers/challenge`,
//! `POST /v1/customers/verify`, `GET /v1/customers/cards` and
//! `GET /v1/coupons/{code}`: a kiosk identifies a shopper (a card or token
//! at once, an email or phone with a one-time code) and checks a coupon.

use std::sync::Arc;

use axum::Json;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use vitrine_core::wire::codes;
use vitrine_core::wire::customers::{
    CardTable, Challenge, ChallengeAnswer, ChallengeRequest, CouponState, CustomerLookup, CustomerView,
};

use crate::Hq;
use crate::http::{ApiJson, AuthDevice, Failure, blocking};
use crate::services::identify::{self, Refusal};
use crate::services::{coupons, customers};

fn refused(hq: &Hq, r: Refusal) -> Failure {
    match r {
        Refusal::RateLimited { retry_at } => {
            let mut f = Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "too many codes asked for this contact or from this kiosk; try again later",
            );
            f.retry_after = Some(Duration::from_secs((retry_at - hq.now()).max(1) as u64));
            f
        }
        Refusal::WrongCode { left } => Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::WRONG_CODE,
            format!("wrong code; {left} tries left"),
        ),
        Refusal::Closed => Failure::new(
            StatusCode::GONE,
            codes::CODE_CLOSED,
            "this code expired, was used or had too many wrong tries; ask for a new one",
        ),
    }
}

/// `POST /v1/customers/challenge`: a one-time code to the email or phone
/// typed (sent only if it is a customer's; the answer is the same).
pub(super) async fn challenge(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(q): ApiJson<ChallengeRequest>,
) -> Result<(StatusCode, Json<Challenge>), Failure> {
    blocking(move || match identify::open_challenge(&hq, &dev.id, &q)? {
        Ok(c) => Ok((StatusCode::ACCEPTED, Json(c))),
        Err(r) => Err(refused(&hq, r)),
    })
    .await
}

/// `POST /v1/customers/verify`: the code typed; the customer with HQ's
/// identification for this kiosk.
pub(super) async fn verify(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(a): ApiJson<ChallengeAnswer>,
) -> Result<Json<CustomerView>, Failure> {
    blocking(move || match identify::answer_challenge(&hq, &dev.id, &a)? {
        Ok(v) => Ok(Json(v)),
        Err(r) => Err(refused(&hq, r)),
    })
    .await
}

pub(super) async fn lookup(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    ApiJson(q): ApiJson<CustomerLookup>,
) -> Result<Json<CustomerView>, Failure> {
    blocking(move || {
        customers::lookup(&hq, &q, &dev.id)?
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
