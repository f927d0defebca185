//! What HQ does, whoever asks (a route, a command, a test): the logic the
//! routes call, over [`crate::storage`]. Nothing here knows HTTP or imports
//! a route: a service returns records and typed outcomes, and says why it
//! refused with a [`ServiceError`] kind that the HTTP layer maps to a
//! status and an error code.
//!
//! Dependencies between services run one way, from the ones that compose
//! to the ones they use:
//! `orders` → `webhooks` → `pricing`; `orders`, `handoffs` → `survey` → `notify` → `pricing`, `coupons`,
//! `catalog`; `orders`, `handoffs`, `survey` → `customers` → `coupons`;
//! `orders`, `handoffs`, routes → `identify` → `customers`, `notify`;
//! `admin` → `catalog`, `pictures`; every one → [`crate::storage`].
//!
//! # Layout
//! - [`catalog`]: the signed snapshots (cut once per version and store,
//!   cached) and deltas kiosks download; whether prices are demo values.
//! - [`devices`]: enrollment and the device behind a token.
//! - [`fleet`]: the kiosks' heartbeats, their health and flags (stale,
//!   behind, queuing, blind).
//! - [`settings`]: remote kiosk settings per store or device.
//! - [`pricing`]: a basket priced with HQ's catalog and the core's engine.
//! - [`handoffs`]: accepting a signed basket, pricing it for the phone
//!   page, claiming it, a coupon used on it from the phone.
//! - [`orders`]: accepting a click&collect order (coupons used once,
//!   confirmation queued), the one function that stores any order and the
//!   one that changes a status.
//! - [`webhooks`]: the order webhook (outbox events, signed delivery with
//!   retries and dead letters, the checkout URL a receiver answers).
//! - [`customers`]: the customer referential (keyed-hash lookup, loyalty
//!   tokens, card table, forget-me).
//! - [`coupons`]: single-use coupons across channels, why one is refused.
//! - [`identify`]: one-time codes that prove a shopper holds an email or a
//!   phone, HQ's signed identifications, and the customer HQ vouches for
//!   on a basket; HQ's pricing time.
//! - [`survey`]: the loop after a purchase (thank-you, survey, coupon,
//!   reminder).
//! - [`notify`]: the messages to shoppers (built from the message
//!   catalogue) and the sender (SMTP relay, SMS webhook) with retries.
//! - [`staff`]: staff accounts (Argon2 passwords, lockout), their
//!   sessions.
//! - [`pictures`]: product pictures (checked, stored by content hash,
//!   resized) and their sizes for the picture route.
//! - [`admin`]: what the `vitrine-hq` commands do to the referential and
//!   the fleet.

pub mod admin;
pub mod catalog;
pub mod coupons;
pub mod customers;
pub mod devices;
pub mod fleet;
pub mod handoffs;
pub mod identify;
pub mod notify;
pub mod orders;
pub mod phone;
pub mod pictures;
pub mod pricing;
pub mod settings;
pub mod staff;
pub mod survey;
pub mod webhooks;

use thiserror::Error;

use crate::storage::StorageError;
use customers::CustomerError;

/// Why a service refused a request or failed. The messages are for the
/// developer or operator reading an API answer or a log (English); what a
/// shopper reads comes from the message catalogue, by the kind.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// A value the caller sent is out of range or does not fit.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The caller may not do this (an unknown or revoked kiosk, another
    /// store's record).
    #[error("{0}")]
    Forbidden(String),
    /// A handed-off basket's signature does not match the kiosk that made it.
    #[error("the basket's signature does not match the kiosk that made it (damaged or altered link)")]
    BadSignature,
    /// The id is already taken by other content.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// HQ itself failed (signing, encoding, its random source).
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    pub(crate) fn internal(e: impl std::fmt::Display) -> ServiceError {
        ServiceError::Internal(e.to_string())
    }
}

impl From<CustomerError> for ServiceError {
    fn from(e: CustomerError) -> Self {
        match e {
            CustomerError::Invalid(m) => ServiceError::Invalid(m),
            CustomerError::NotFound(m) => ServiceError::NotFound(format!("no {m}")),
            e @ CustomerError::ProofRequired => ServiceError::Forbidden(e.to_string()),
            CustomerError::Storage(s) => ServiceError::Storage(s),
            CustomerError::Io(e) => ServiceError::internal(e),
        }
    }
}
