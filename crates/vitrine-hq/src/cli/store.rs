//! `vitrine-hq store set|list`: the chain's stores (name, city, street
//! address, position), which kiosks and the phone page show.

use vitrine_hq::Hq;
use vitrine_hq::admin::{self, StoreSpec};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add a store or change it (what is not given stays as it is).
    Set {
        /// The store's id, as kiosks are enrolled with (e.g. paris-01).
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        city: Option<String>,
        /// The street address shoppers are shown.
        #[arg(long)]
        address: Option<String>,
        /// Where the store is, LAT,LON in decimal degrees (e.g.
        /// 48.8606,2.3376): the phone lists the stores to collect from
        /// nearest first.
        #[arg(
            long,
            value_name = "LAT,LON",
            allow_hyphen_values = true,
            conflicts_with = "no_position"
        )]
        position: Option<String>,
        /// Forget the store's position.
        #[arg(long)]
        no_position: bool,
    },
    /// One line per store: id, name, city, address, position.
    List,
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    match a.command {
        Command::Set {
            id,
            name,
            city,
            address,
            position,
            no_position,
        } => {
            let location = match (position, no_position) {
                (Some(p), _) => Some(Some(admin::parse_position(&p)?)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let spec = StoreSpec {
                id,
                name,
                city,
                address,
                location,
            };
            let (store, v) = admin::store_set(hq, &spec)?;
            println!("store {} set; catalog version {v}", store.id);
            Ok(())
        }
        Command::List => {
            for s in admin::stores(hq)? {
                let position = s
                    .location
                    .map(|p| format!("{:.6},{:.6}", p.lat(), p.lon()))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{}  {}  {}  {}  {position}",
                    s.id,
                    s.name,
                    s.city.as_deref().unwrap_or("-"),
                    s.address.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
    }
}
