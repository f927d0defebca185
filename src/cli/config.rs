//! `vitrine config check`: the configuration as loaded (file, then
//! environment), validated.

use std::io::Write;

use vitrine_i18n::tr;

use super::output::{self, EXIT_FAILURE, Exit};
use crate::config::LoadedConfig;

#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration (file and environment) and print it.
    Check,
}

pub fn run(cfg: &LoadedConfig, command: &ConfigCommand, out: &mut dyn Write) -> Result<(), Exit> {
    match command {
        ConfigCommand::Check => check(cfg, out),
    }
}

/// Loading already validated it (a bad configuration exits 78 before any
/// command runs): this prints where it came from and what it holds.
fn check(cfg: &LoadedConfig, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let file = match &cfg.file {
        Some(p) => p.display().to_string(),
        None => tr!(lang, "cli-config-no-file"),
    };
    writeln!(out, "{}", tr!(lang, "cli-config-ok", file = file)).map_err(output::write_failed)?;
    let text = toml::to_string(&cfg.config).map_err(|e| Exit::verbatim(EXIT_FAILURE, e.to_string()))?;
    write!(out, "{text}").map_err(output::write_failed)
}
