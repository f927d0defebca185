//! The `vitrine` binary: parses the command line and calls the library.

use std::process::ExitCode;

use clap::Parser;
use vitrine::cli::{self, Cli, EXIT_CONFIG};

fn main() -> ExitCode {
    // Read while the process has one thread (the `time` crate refuses later).
    let utc_offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let cli = Cli::parse();
    let cfg = match cli::load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vitrine: {}", e.message);
            return ExitCode::from(EXIT_CONFIG as u8);
        }
    };
    vitrine_infra::logging::init("VITRINE_LOG", &cfg.config.log.level);
    let result = match &cli.command {
        Some(command) => cli::run(&cli, &cfg, command, &mut std::io::stdout().lock()),
        None => cli::run_kiosk(&cli, cfg, utc_offset),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine: {}", e.message);
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}
