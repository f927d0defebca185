//! `vitrine-hq device add|revoke|list`: the kiosks of the fleet.

use vitrine_hq::{Hq, admin};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Register a kiosk for a store; prints its one-time enrollment code alone on the last line.
    Add {
        #[arg(long)]
        store: String,
    },
    /// Cut a kiosk off (its token stops working at once).
    Revoke { id: String },
    /// List the kiosks.
    List,
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    match a.command {
        Command::Add { store } => {
            let (id, code) = admin::device_add(hq, &store)?;
            println!(
                "device {id} for store {store}; enroll it within {} hours with:",
                hq.config.code_valid_hours
            );
            println!("  vitrine enroll --hq URL --code {code}");
            println!("{code}");
        }
        Command::Revoke { id } => {
            admin::device_revoke(hq.storage.as_ref(), &id)?;
            println!("device {id} revoked");
        }
        Command::List => {
            for d in hq.storage.devices()? {
                let state = if d.revoked_at.is_some() {
                    "revoked"
                } else if d.enrolled_at.is_some() {
                    "enrolled"
                } else {
                    "waiting for enrollment"
                };
                // Names stored before they were cleaned at enrollment are
                // escaped here: nothing from a kiosk is written raw to the
                // operator's terminal.
                let name: String = d
                    .name
                    .unwrap_or_default()
                    .chars()
                    .flat_map(char::escape_default)
                    .collect();
                println!("{}  {}  {}  {}", d.id, d.store, state, name);
            }
        }
    }
    Ok(())
}
