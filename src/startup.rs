//! Process start-up: the configuration, tracing, then either one command
//! of the command line or the kiosk itself (its catalog, the tokio runtime,
//! the link with HQ, the window). `src/main.rs` only calls [`main`].
//!
//! Errors end the process with their exit code and a line on stderr in the
//! configured language. A configuration that does not load is reported in
//! English: the language it would have set is not known yet, and the
//! message names the file's keys, values and types, which are English.

use std::process::ExitCode;

use clap::Parser;
use vitrine_i18n::text;

use crate::cli::{self, Cli, EXIT_CONFIG, EXIT_FAILURE, Exit};
use crate::config::{self, LoadedConfig};

/// Parses the command line, loads the configuration (exit 78 before any
/// data is touched when it is wrong), sets up tracing and runs.
pub fn main() -> ExitCode {
    // Read while the process has one thread (the `time` crate refuses later).
    let utc_offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let cli = Cli::parse();
    let cfg = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vitrine: {e}");
            return ExitCode::from(EXIT_CONFIG as u8);
        }
    };
    vitrine_infra::logging::init("VITRINE_LOG", &cfg.config.log.level);
    let lang = cfg.lang();
    let result = match &cli.command {
        Some(command) => cli::run(&cfg, command, &mut std::io::stdout().lock()),
        None => run_kiosk(&cli, cfg, utc_offset),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine: {}", e.render(lang));
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}

/// The configuration for this run: defaults, the file (`--config`, else
/// `$VITRINE_CONFIG`, else `config/kiosk.toml` if present), the
/// environment, then `--data-dir`.
pub fn load_config(cli: &Cli) -> Result<LoadedConfig, config::ConfigError> {
    let file = cli.config.clone().or_else(config::default_config_path);
    let mut loaded = config::load(file.as_deref(), std::env::vars())?;
    if let Some(dir) = &cli.data_dir {
        loaded.config.kiosk.data_dir = dir.clone();
    }
    Ok(loaded)
}

/// Starts the kiosk screen (no subcommand): seeds the catalog if needed,
/// builds the tokio runtime (the UI's event loop keeps the main thread) and
/// runs the window until it closes.
pub fn run_kiosk(cli: &Cli, mut cfg: LoadedConfig, utc_offset: time::UtcOffset) -> Result<(), Exit> {
    if let Some(dir) = &cli.replay {
        cfg.config.camera.source = crate::config::CameraSource::Replay;
        cfg.config.camera.replay_dir = dir.display().to_string();
        if let Some(fps) = cli.replay_fps {
            cfg.config.camera.replay_fps = fps;
        }
    }
    // Creates and migrates the catalog (and seeds the demo data on first
    // start); the screen then reads it through its own read-only handle.
    drop(cli::open_catalog(&cfg)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("vitrine-rt")
        .enable_all()
        .build()
        .map_err(|e| Exit::new(EXIT_FAILURE, text!("cli-error-workers", detail = e.to_string())))?;
    // The link with HQ: catalog updates and the outbox of handoffs and
    // orders. Without enrollment it waits, and the screen says what cannot
    // be done.
    let sync = crate::sync::start(
        runtime.handle(),
        &cfg.config.kiosk.data_dir,
        crate::sync::SyncSettings::from_config(&cfg.config),
    )
    .map_err(|e| Exit::new(EXIT_FAILURE, text!("cli-error-hq-link", detail = e.to_string())))?;
    // Product pictures, after each catalog version, in the background.
    let pictures = crate::sync::pictures::start(
        runtime.handle(),
        &cfg.config.kiosk.data_dir,
        crate::sync::SyncSettings::from_config(&cfg.config),
        cfg.config.catalog.images_max_bytes(),
        sync.status(),
    );
    let opts = crate::ui::RunOptions {
        utc_offset,
        runtime: runtime.handle().clone(),
        orders: Some(std::sync::Arc::new(crate::ui::orders::OutboxDesk(
            sync.outbox().clone(),
        ))),
        sync_status: Some(sync.status()),
        availability: Some(sync.availability().clone()),
        health: Some(sync.health().clone()),
    };
    let result = crate::ui::run(cfg, opts).map_err(|e| Exit::verbatim(EXIT_FAILURE, e.to_string()));
    pictures.abort();
    drop(sync);
    result
}
