//! `vitrine-hq stock set GTIN QUANTITY --store STORE`.

use vitrine_hq::{Hq, admin};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Set the units of a product at a store (or "online").
    Set {
        gtin: String,
        quantity: i64,
        #[arg(long)]
        store: String,
    },
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let Command::Set { gtin, quantity, store } = a.command;
    let v = admin::stock_set(hq, &gtin, quantity, &store)?;
    println!("stock of {gtin} at {store} set to {quantity}; catalog version {v}");
    Ok(())
}
