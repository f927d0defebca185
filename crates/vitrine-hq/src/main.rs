//! The `vitrine-hq` binary: HQ's server and its administration commands
//! (one module per command in `cli/`). This file parses and dispatches.
//!
//! Exit codes: 0 success, 1 failure (database, network), 2 bad input.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    vitrine_infra::logging::init("VITRINE_HQ_LOG", "info");
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine-hq: {e:#}");
            ExitCode::from(if cli::bad_input(&e) { 2 } else { 1 })
        }
    }
}
