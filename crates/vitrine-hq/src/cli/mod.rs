//! The `vitrine-hq` commands: one module per command, each with its
//! arguments and its `run`. The output is for HQ's operators and stays in
//! English; words a shopper also reads (a tier, a price) are the message
//! catalogue's English ones.

mod customer;
mod device;
mod import;
mod price;
mod promo;
mod serve;
mod settings;
mod staff;
mod status;
mod stock;
mod store;
mod token;
mod webhook;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use vitrine_core::Lang;
use vitrine_hq::admin::AdminError;
use vitrine_hq::{Hq, HqConfig};

/// The language of the command line's output (see the module's
/// documentation).
const CLI_LANG: Lang = Lang::EN;

#[derive(Debug, Parser)]
#[command(
    name = "vitrine-hq",
    version,
    about = "Vitrine HQ: referential, kiosk API, handoffs, click&collect"
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The options every command takes.
#[derive(Debug, clap::Args)]
struct Global {
    /// Folder of HQ's signing and lookup keys, and of its SQLite database
    /// unless `--database` is given.
    #[arg(
        long,
        global = true,
        env = "VITRINE_HQ_DATA_DIR",
        default_value = "hq-data",
        value_name = "DIR"
    )]
    data_dir: PathBuf,
    /// A PostgreSQL database instead of SQLite in the data directory
    /// (`postgres://user:password@host/db` or `host=/run/postgresql dbname=hq`):
    /// what several `vitrine-hq serve` replicas share. Every replica and
    /// command given the same one sees the same HQ; each needs the same key
    /// files in its data directory.
    #[arg(long, global = true, env = "VITRINE_HQ_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The loyalty card number range: the first digits of a card's EAN-13
    /// (GS1 restricted circulation, 040-049).
    #[arg(long, global = true, env = "VITRINE_HQ_CARD_PREFIX", default_value = vitrine_core::loyalty::DEFAULT_CARD_PREFIX)]
    card_prefix: String,
    /// Seconds without a heartbeat after which a kiosk is flagged stale
    /// (`device list`, the fleet page, `/metrics`).
    #[arg(long, global = true, env = "VITRINE_HQ_STALE_AFTER_S", default_value_t = 300)]
    stale_after_s: i64,
}

impl Global {
    /// HQ's settings from the global options, checked.
    fn config(&self) -> anyhow::Result<HqConfig> {
        let p = &self.card_prefix;
        if p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AdminError::Invalid(format!("--card-prefix: 1 to 8 digits expected, found \"{p}\"")).into());
        }
        let mut config = HqConfig::new(&self.data_dir);
        config.card_prefix = p.clone();
        config.database = self.database.clone();
        if self.stale_after_s < 1 {
            return Err(AdminError::Invalid("--stale-after-s: 1 second or more expected".into()).into());
        }
        config.stale_after_s = self.stale_after_s;
        Ok(config)
    }

    /// Opens HQ in the data directory with `config`.
    fn open(&self, config: HqConfig) -> anyhow::Result<Arc<Hq>> {
        let place = match &self.database {
            Some(url) => format!(
                "{} (keys in {})",
                vitrine_hq::storage::redacted(url),
                self.data_dir.display()
            ),
            None => self.data_dir.display().to_string(),
        };
        Hq::open(config).with_context(|| format!("opening HQ in {place}"))
    }

    /// Opens HQ with the global options only (every command but `serve`).
    fn hq(&self) -> anyhow::Result<Arc<Hq>> {
        self.open(self.config()?)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HQ server.
    Serve(serve::Args),
    /// Import the referential's JSONL file (one catalog version).
    Import(import::Args),
    /// Prices.
    Price(price::Args),
    /// Promotions.
    Promo(promo::Args),
    /// Stock.
    Stock(stock::Args),
    /// Stores: name, city, address and position.
    Store(store::Args),
    /// Kiosks and their health.
    Device(device::Args),
    /// Remote kiosk settings, per store or per kiosk.
    Settings(settings::Args),
    /// Staff accounts of the orders pages.
    Staff(staff::Args),
    /// Customers (the customer referential).
    Customer(customer::Args),
    /// Loyalty tokens (what the retailer's app shows as a QR code).
    Token(token::Args),
    /// The order webhook: test it, list and replay dead letters, or run a
    /// small verifying receiver.
    Webhook(webhook::Args),
    /// The catalog version and counts.
    Status,
}

/// Runs the command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Serve(a) => serve::run(a, g),
        Command::Import(a) => import::run(a, &*g.hq()?),
        Command::Price(a) => price::run(a, &*g.hq()?),
        Command::Promo(a) => promo::run(a, &*g.hq()?),
        Command::Stock(a) => stock::run(a, &*g.hq()?),
        Command::Store(a) => store::run(a, &*g.hq()?),
        Command::Device(a) => device::run(a, &*g.hq()?),
        Command::Settings(a) => settings::run(a, &*g.hq()?),
        Command::Staff(a) => staff::run(a, &*g.hq()?),
        Command::Customer(a) => customer::run(a, &*g.hq()?),
        Command::Token(a) => token::run(a, &*g.hq()?),
        Command::Webhook(a) => webhook::run(a, g),
        Command::Status => status::run(&*g.hq()?),
    }
}

/// Whether the error is the operator's input (exit code 2), not a failure
/// of HQ (1).
pub fn bad_input(e: &anyhow::Error) -> bool {
    use vitrine_hq::customers::CustomerError;
    e.downcast_ref::<AdminError>()
        .is_some_and(|a| matches!(a, AdminError::Invalid(_)))
        || e.downcast_ref::<CustomerError>()
            .is_some_and(|c| matches!(c, CustomerError::Invalid(_) | CustomerError::NotFound(_)))
}
