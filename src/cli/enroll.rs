//! `vitrine enroll --hq URL --code CODE`: this kiosk's identity from HQ.

use std::io::Write;

use vitrine_i18n::{text, tr};

use super::output::{self, EXIT_INVALID, Exit};
use crate::clock;
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// HQ's address (default: hq.url).
    #[arg(long, value_name = "URL")]
    hq: Option<String>,
    /// The one-time code.
    #[arg(long)]
    code: String,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let url = args.hq.clone().unwrap_or_else(|| cfg.config.hq.url.clone());
    if url.is_empty() {
        return Err(Exit::new(EXIT_INVALID, text!("cli-enroll-no-hq")));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Exit::new(EXIT_INVALID, text!("cli-enroll-bad-url", url = url.as_str())));
    }
    let settings = crate::sync::SyncSettings::from_config(&cfg.config);
    let rt = output::runtime()?;
    let ident = rt.block_on(crate::sync::enroll(
        &cfg.config.kiosk.data_dir,
        &url,
        &args.code,
        cfg.config.hq.transport,
        settings.request_timeout,
        clock::now(),
    ))?;
    let done = tr!(
        lang,
        "cli-enroll-done",
        device = ident.device_id.as_str(),
        store = ident.store.as_str(),
        hq = ident.hq_url.as_str()
    );
    writeln!(out, "{done}").map_err(output::write_failed)?;
    if ident.store != cfg.config.kiosk.store {
        let note = tr!(
            lang,
            "cli-enroll-store-note",
            store = ident.store.as_str(),
            configured = cfg.config.kiosk.store.as_str()
        );
        writeln!(out, "{note}").map_err(output::write_failed)?;
    }
    Ok(())
}
