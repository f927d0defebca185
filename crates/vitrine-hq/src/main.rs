//! The `vitrine-hq` binary: HQ's server and its administration commands
//! (one module per command in `cli/`). This file parses and dispatches.
//!
//! Exit codes: 0 success, 1 failure (database, network), 2 bad input.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VITRINE_HQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine-hq: {e:#}");
            ExitCode::from(if cli::bad_input(&e) { 2 } else { 1 })
        }
    }
}
