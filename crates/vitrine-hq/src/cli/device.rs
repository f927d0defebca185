//! `vitrine-hq device add|revoke|list`: the kiosks of the fleet, and
//! (`list`) their health from their heartbeats.

use vitrine_hq::services::fleet::{self, KioskHealth};
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
    /// List the kiosks: registered ones waiting for enrollment, revoked
    /// ones, and the enrolled ones with their health (last seen, version,
    /// catalog lag, queue, camera, flags: stale, behind, queuing, blind).
    List {
        /// One JSON array of the enrolled kiosks and their health.
        #[arg(long)]
        json: bool,
    },
}

/// Text from a kiosk, escaped: nothing a kiosk sent is written raw to the
/// operator's terminal.
fn safe(s: &str) -> String {
    s.chars().flat_map(char::escape_default).collect()
}

fn health_line(k: &KioskHealth) -> String {
    let seen = k
        .last_seen_age_s
        .map_or_else(|| "never seen".to_string(), |a| format!("seen {a}s ago"));
    let detail = match &k.heartbeat {
        Some(h) => format!(
            "v{}  catalog {} (lag {})  queue {} pending, {} dead  camera {}{}",
            safe(&h.software_version),
            h.catalog_version,
            k.catalog_lag.unwrap_or(0),
            h.outbox_pending,
            h.outbox_dead,
            h.camera.as_str(),
            h.decode_fps.map(|f| format!(" {f} fps")).unwrap_or_default()
        ),
        None => "-".to_string(),
    };
    format!(
        "{}  {}  {}  {}  {}  [{}]",
        k.id,
        k.store,
        seen,
        detail,
        safe(k.name.as_deref().unwrap_or("")),
        k.state()
    )
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
        Command::List { json } => {
            let kiosks = fleet::fleet(hq)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&kiosks)?);
                return Ok(());
            }
            for k in &kiosks {
                println!("{}", health_line(k));
            }
            for d in hq.storage.devices()? {
                let state = if d.revoked_at.is_some() {
                    "revoked"
                } else if d.enrolled_at.is_none() {
                    "waiting for enrollment"
                } else {
                    continue;
                };
                println!(
                    "{}  {}  {}  {}",
                    d.id,
                    d.store,
                    state,
                    safe(&d.name.unwrap_or_default())
                );
            }
        }
    }
    Ok(())
}
