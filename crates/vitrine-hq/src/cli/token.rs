//! `vitrine-hq token issue CUSTOMER_ID`: a loyalty token, as the retailer's
//! app shows it.

use vitrine_hq::{Hq, customers};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Issue a short-lived loyalty token; prints it alone on the last line.
    Issue { customer_id: String },
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let Command::Issue { customer_id } = a.command;
    let t = customers::issue_token(hq, &customer_id)?;
    println!(
        "loyalty token for {customer_id}, valid {} minutes:",
        vitrine_core::loyalty::TOKEN_LIFETIME_S / 60
    );
    println!("{t}");
    Ok(())
}
