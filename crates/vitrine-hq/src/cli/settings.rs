//! `vitrine-hq settings set|unset|list`: remote kiosk settings for a store
//! or one kiosk (idle time, languages, layout, audio defaults, the staff
//! PIN's hash). Kiosks hear of a change on their push stream and apply it
//! without a restart.

use vitrine_core::wire::settings::{REMOTE_KEYS, SettingScope};
use vitrine_hq::Hq;
use vitrine_hq::admin::AdminError;
use vitrine_hq::services::settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

/// A store (`--store`) or a kiosk (`--device`).
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct Target {
    /// For every kiosk of this store.
    #[arg(long)]
    store: Option<String>,
    /// For this kiosk (its id, from `vitrine-hq device list`); beats its store's.
    #[arg(long)]
    device: Option<String>,
}

impl Target {
    fn split(&self) -> (SettingScope, &str) {
        match (&self.store, &self.device) {
            (_, Some(d)) => (SettingScope::Device, d),
            (Some(s), None) => (SettingScope::Store, s),
            (None, None) => (SettingScope::Store, ""),
        }
    }
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Set KEY to VALUE (ui.idle_timeout_s, ui.languages, ui.layout,
    /// accessibility.volume, accessibility.rate_wpm, staff.pin_hash).
    Set {
        #[command(flatten)]
        target: Target,
        key: String,
        value: String,
    },
    /// Remove KEY (kiosks go back to their store's value, or their own).
    Unset {
        #[command(flatten)]
        target: Target,
        key: String,
    },
    /// List the settings HQ holds.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn wrap(e: vitrine_hq::services::ServiceError) -> anyhow::Error {
    use vitrine_hq::services::ServiceError;
    match e {
        ServiceError::Invalid(m) | ServiceError::NotFound(m) => AdminError::Invalid(m).into(),
        e => e.into(),
    }
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    match a.command {
        Command::Set { target, key, value } => {
            let (scope, id) = target.split();
            let v = settings::set(hq, scope, id, &key, &value).map_err(wrap)?;
            println!("{key} set for {} {id} (settings version {v})", scope.as_str());
        }
        Command::Unset { target, key } => {
            let (scope, id) = target.split();
            let v = settings::unset(hq, scope, id, &key).map_err(wrap)?;
            println!("{key} removed for {} {id} (settings version {v})", scope.as_str());
        }
        Command::List { json } => {
            let all = settings::list(hq)?;
            if json {
                let rows: Vec<serde_json::Value> = all
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "scope": r.setting.scope,
                            "target": r.target,
                            "key": r.setting.key,
                            "value": r.setting.value,
                            "updated_at": r.setting.updated_at,
                            "version": r.setting.version,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(());
            }
            if all.iter().all(|r| r.setting.value.is_none()) {
                println!("no remote setting; keys: {}", REMOTE_KEYS.join(", "));
            }
            for r in all.iter().filter(|r| r.setting.value.is_some()) {
                // A PIN hash is not printed: the list is read over shoulders.
                let value = match (r.setting.key.as_str(), &r.setting.value) {
                    ("staff.pin_hash", Some(_)) => "(a PIN hash)".to_string(),
                    (_, Some(v)) => v.clone(),
                    (_, None) => String::new(),
                };
                println!(
                    "{} {}  {} = {}  (version {})",
                    r.setting.scope.as_str(),
                    r.target,
                    r.setting.key,
                    value,
                    r.setting.version
                );
            }
        }
    }
    Ok(())
}
