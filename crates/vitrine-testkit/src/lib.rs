//! # vitrine-testkit
//!
//! Helpers the kiosk's and HQ's integration tests share, so that each is
//! written once. A dev-dependency only (`publish = false`). Everything runs
//! for real: the HQ server on `127.0.0.1:0` with its SQLite file, an SMTP
//! server, Chromium.
//!
//! # Layout
//! - [`hq`]: HQ on loopback ([`HqServer`], [`start_hq`], [`start_hq_at`],
//!   [`start_hq_in_temp_dir`], [`serve_hq`]), a catalog to start from
//!   ([`commit_products`]), a kiosk enrolled over HTTP ([`enroll_kiosk`]),
//!   the `vitrine-hq` binary ([`run_hq`]), waiting on HQ's notifier
//!   ([`next_due_becomes`]).
//! - [`smtp`]: a real SMTP server (aiosmtpd) and the mails it receives.
//! - [`sms`]: an HTTP stand-in for the SMS provider's webhook.
//! - [`chromium`]: a page rendered by headless Chromium, scripts run.
//! - [`pictures`]: product pictures made in the test (PNG, JPEG, a PNG
//!   whose header claims a huge size).
//! - [`webdriver`]: a page driven in headless Chromium over WebDriver
//!   (clicks, typing, scripts), as a person uses it.
//! - [`schema`]: a small JSON Schema checker for `openapi.json`'s schemas.
//! - [`proxy`]: a TCP proxy that cuts, delays, drops or rewrites traffic.
//! - [`wait`]: bounded waits on a watched value ([`wait_until`]) and checks
//!   on a command's output ([`stdout_ok`]).
//!
//! Kiosk-specific helpers (an enrolled kiosk's files, its sync worker) need
//! the kiosk library and live in the root package's `tests/common`.

pub mod chromium;
pub mod db;
pub mod hq;
pub mod pg;
pub mod pictures;
pub mod proxy;
pub mod schema;
pub mod sms;
pub mod smtp;
pub mod wait;
pub mod webdriver;

pub use chromium::chromium_dom;
pub use db::{db_column, db_dump, db_execute, db_i64, db_rows, sql_text};
pub use hq::{
    EnrolledKiosk, HqServer, STAFF_PASSWORD, StaffSession, commit_products, database_for, enroll_kiosk,
    enroll_with_code, hq_command, hq_config, next_due_becomes, run_hq, serve_hq, staff_login, staff_session, start_hq,
    start_hq_at, start_hq_in_temp_dir,
};
pub use pg::{TestBackend, backend, new_database, pg_server};
pub use proxy::{Faults, Floods, Mode, Proxy};
pub use sms::{code_in, next_sms, sms_server};
pub use smtp::{next_mail, next_mail_text, smtp_server, unqp};
pub use wait::{eventually, stdout_ok, wait_until};
pub use webdriver::Browser;
