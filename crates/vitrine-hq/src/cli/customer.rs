//! `vitrine-hq customer add|show|forget`: the customer referential.

use vitrine_core::pricing::Tier;
use vitrine_hq::Hq;
use vitrine_hq::customers::{self, CustomerError, NewCustomer};
use vitrine_i18n::domain;

use super::CLI_LANG;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add a customer; prints the customer id alone on the last line.
    Add {
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Loyalty tier: member, silver or gold.
        #[arg(long)]
        tier: Option<String>,
        /// Loyalty card number (13 digits in the retailer's card range).
        #[arg(long)]
        card: Option<String>,
        /// The customer consents to personalisation (member prices, personal offers).
        #[arg(long)]
        consent: bool,
    },
    /// Show what HQ holds about a customer (never a contact detail).
    Show { id: String },
    /// Erase a customer's personal data (right to erasure).
    Forget { id: String },
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    match a.command {
        Command::Add {
            first_name,
            email,
            phone,
            tier,
            card,
            consent,
        } => {
            let tier = tier
                .as_deref()
                .map(|t| {
                    Tier::parse(t)
                        .ok_or_else(|| CustomerError::Invalid(format!("--tier: \"{t}\" is not member, silver or gold")))
                })
                .transpose()?;
            let id = customers::add(
                hq,
                &NewCustomer {
                    first_name,
                    email,
                    phone,
                    card,
                    tier,
                    consent,
                },
            )?;
            println!("customer added (contact details stored only as keyed hashes)");
            println!("{id}");
        }
        Command::Show { id } => {
            let c = customers::get(hq, &id)?;
            println!("id           {}", c.id);
            println!("first name   {}", c.first_name.as_deref().unwrap_or("(forgotten)"));
            println!(
                "tier         {}",
                c.tier
                    .map(|t| domain::tier(t).render(CLI_LANG))
                    .unwrap_or_else(|| "-".into())
            );
            println!("consent      {}", if c.consent { "yes" } else { "no" });
            println!(
                "identifiers  {}",
                if c.identifiers.is_empty() {
                    "-".to_string()
                } else {
                    c.identifiers.join(", ")
                }
            );
            if let Some(at) = c.forgotten_at {
                println!("forgotten at {at}");
            }
            for coupon in hq.storage.live_coupons(&c.id, hq.now())? {
                println!(
                    "coupon       {} {} % until {}",
                    coupon.code,
                    coupon.basis_points / 100,
                    coupon.valid_until
                );
            }
        }
        Command::Forget { id } => {
            customers::forget(hq, &id)?;
            println!("customer {id} forgotten: first name, identifiers and contact details erased");
        }
    }
    Ok(())
}
