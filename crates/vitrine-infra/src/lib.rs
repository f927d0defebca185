//! # vitrine-infra
//!
//! What the kiosk (`vitrine`) and HQ (`vitrine-hq`) share *below* the
//! domain: the plumbing that touches files, SQLite, the clock and the log.
//! The domain itself (`vitrine-core`) does no I/O; this crate is where the
//! two programs' I/O helpers live once instead of twice.
//!
//! # Layout
//! - [`migrate`]: the append-only SQLite migration runner. Each side owns
//!   its list of migrations (data); the runner and its bookkeeping table are
//!   the same for both.
//! - [`catalog`]: applying a [`vitrine_core::catalog::Change`] to the
//!   catalog tables both sides hold, in the caller's transaction. The two
//!   schemas differ on purpose (see [`catalog::TableLayout`]).
//! - [`fs`]: atomic file replacement, created with the right permissions
//!   from the start (owner-only for secrets).
//! - [`clock`]: the wall clock, and the manual clock tests move.
//! - [`datetime`]: the dates and times both sides print (UTC, ISO 8601).
//! - [`logging`]: the `tracing` subscriber both binaries install.

pub mod catalog;
pub mod clock;
pub mod datetime;
pub mod fs;
pub mod logging;
pub mod migrate;
pub mod slots;
