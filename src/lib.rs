//! # Vitrine kiosk
//!
//! The in-store kiosk: scan a product, see it from the retailer's referential,
//! build a basket, hand it to a phone or order it for click&collect. The
//! binary (`src/main.rs`) is thin: it parses the command line and calls into
//! this library.
//!
//! # Layout
//! - [`customer`]: recognising the shopper (loyalty QR checked offline,
//!   card online or from the synced card table, phone/email online) and
//!   their coupons (checked offline, redeemed once through the outbox).
//! - [`config`]: layered configuration (defaults, `config/kiosk.toml`,
//!   `VITRINE__SECTION__KEY`), validated before anything touches data.
//! - [`camera`]: frame sources (V4L2 camera through nokhwa, image replay)
//!   behind one trait, and camera buffers to luma.
//! - [`catalog`]: the SQLite catalog cache (WAL, append-only migrations),
//!   lookup by any code form, FTS5 search, JSONL import, demo seeding.
//! - [`cli`]: the `vitrine` subcommands, one module each.
//! - [`clock`]: the kiosk's one source of wall-clock time.
//! - [`scan`]: scan events from the camera, replay, USB scanner and keypad:
//!   the live pipeline (capture and decoder threads, debounce), the barcode
//!   decoder (zxing-cpp) and the USB scanner classifier.
//! - [`sync`]: the link with HQ (catalog pull, outbox) and its status.
//! - [`session`]: the shopper's session (basket, customer, typed text, idle
//!   reset, click & collect draft), wiped between shoppers.
//! - [`startup`]: process start-up: configuration, tracing, then a command
//!   or the kiosk (its runtime, the link with HQ, the window).
//! - [`speech`]: audio mode's voice (espeak-ng or speech-dispatcher, off
//!   the UI thread), its keys, the speech log, headset and aiming guidance.
//! - [`staff`]: staff PIN (Argon2), lockout, audit log, settings written
//!   atomically to the config file.
//! - [`ui`]: the Slint touchscreen (`ui/*.slint`) and the adapters between
//!   it and the rest of the kiosk.
//!
//! The domain (codes, money, pricing) lives in the `vitrine-core` crate.

pub mod camera;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod customer;
pub mod scan;
pub mod session;
pub mod speech;
pub mod staff;
pub mod startup;
pub mod sync;
pub mod ui;
