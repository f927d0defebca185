//! `vitrine sync`: pull the catalog from HQ (and its product pictures) and
//! send the outbox, once or until interrupted.

use std::io::Write;

use vitrine_i18n::{text, tr};

use super::output::{self, EXIT_FAILURE, Exit};
use super::status::{LABEL_WIDTH, write_catalog_version, write_last_sync, write_outbox};
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Pull once and send what is queued, then print the status.
    #[arg(long, conflicts_with = "follow")]
    once: bool,
    /// Run the sync worker until interrupted, printing the status as JSON lines.
    #[arg(long)]
    follow: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let settings = crate::sync::SyncSettings::from_config(&cfg.config);
    let dir = cfg.config.kiosk.data_dir.clone();
    let rt = output::runtime()?;
    if args.follow {
        let handle = crate::sync::start(rt.handle(), &dir, settings)?;
        let pictures = crate::sync::pictures::start(
            rt.handle(),
            &dir,
            settings,
            cfg.config.catalog.images_max_bytes(),
            handle.status(),
        );
        let mut rx = handle.status();
        rt.block_on(async {
            loop {
                let st = rx.borrow_and_update().clone();
                let line = serde_json::to_string(&st).unwrap_or_default();
                if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                    break;
                }
                tokio::select! {
                    r = rx.changed() => if r.is_err() { break },
                    _ = tokio::signal::ctrl_c() => break,
                }
            }
        });
        pictures.abort();
        rt.block_on(handle.stop());
        return Ok(());
    }
    // `--once` is what runs without `--follow`.
    let st = rt.block_on(crate::sync::sync_once(&dir, settings))?;
    // Then the catalog's pictures (a failure is logged: the catalog is what
    // this command reports on).
    let cache = crate::catalog::pictures::PictureCache::new(&dir, cfg.config.catalog.images_max_bytes());
    if st.last_error.is_none()
        && let Err(e) = rt.block_on(crate::sync::pictures::fetch_pass(&dir, settings, &cache))
    {
        tracing::warn!(error = %e, "product pictures not fetched");
    }
    if args.json {
        output::print_json(out, &st)?;
    } else {
        let lang = cfg.lang();
        write_catalog_version(out, lang, st.catalog_version)?;
        write_last_sync(out, lang, st.last_sync)?;
        write_outbox(out, lang, st.outbox_pending, st.outbox_dead)?;
        if let Some(e) = &st.last_error {
            // The error in technical words, as the log has it.
            output::row(out, LABEL_WIDTH, &tr!(lang, "cli-sync-last-error"), e)?;
        }
    }
    if st.last_error.is_some() && st.outbox_pending > 0 {
        return Err(Exit::new(EXIT_FAILURE, text!("cli-sync-not-all-sent")));
    }
    Ok(())
}
