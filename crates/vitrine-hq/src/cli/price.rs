//! `vitrine-hq price set GTIN AMOUNT [--store STORE]`.

use vitrine_hq::{Hq, admin};
use vitrine_i18n::MoneyText;

use super::CLI_LANG;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Set a price: AMOUNT in major units (1.23); national unless --store.
    Set {
        gtin: String,
        amount: String,
        #[arg(long)]
        store: Option<String>,
    },
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let Command::Set { gtin, amount, store } = a.command;
    let (v, price) = admin::price_set(hq, &gtin, &amount, store.as_deref())?;
    println!(
        "price of {gtin} set to {} ({}); catalog version {v}",
        price.format(CLI_LANG),
        store.as_deref().unwrap_or("national")
    );
    Ok(())
}
