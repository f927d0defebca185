//! `vitrine staff set-pin`: the staff PIN, read from the terminal (never
//! from the command line), stored as an Argon2 hash in the configuration
//! file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use vitrine_core::Lang;
use vitrine_i18n::{text, tr};

use super::output::{self, EXIT_CONFIG, EXIT_FAILURE, EXIT_INVALID, Exit};
use crate::clock;
use crate::config::LoadedConfig;
use crate::staff::{self, SettingsError};

#[derive(Debug, clap::Subcommand)]
pub enum StaffCommand {
    /// Set the staff PIN (4 to 8 digits, not trivial, not the factory PIN).
    ///
    /// On a terminal it is asked twice without echo; otherwise it is the
    /// first line of standard input (a second line, if given, must match).
    /// Never on the command line, where shell history and `ps` would show
    /// it. Stored as an Argon2 hash in `staff.pin_hash` of the configuration
    /// file (written atomically, comments kept); a running kiosk uses it
    /// from its next start.
    SetPin,
}

pub fn run(cfg: &LoadedConfig, command: &StaffCommand, out: &mut dyn Write) -> Result<(), Exit> {
    match command {
        StaffCommand::SetPin => set_pin(cfg, out),
    }
}

/// Reads the new PIN, checks it, hashes it with Argon2 and writes the hash
/// into the configuration file.
fn set_pin(cfg: &LoadedConfig, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let var = "VITRINE__STAFF__PIN_HASH";
    if std::env::var_os(var).is_some() {
        return Err(Exit::new(EXIT_CONFIG, text!("cli-staff-env-pin", var = var)));
    }
    let (pin, again) = read_new_pin(lang)?;
    staff::validate_new_pin(&pin, &again).map_err(|rule| Exit::new(EXIT_INVALID, rule.text()))?;
    let hash = staff::hash_pin(&pin).map_err(|e| Exit::verbatim(EXIT_FAILURE, e.to_string()))?;
    drop(pin);
    drop(again);
    // The file the staff screen writes to as well.
    let file = cfg.file.clone().unwrap_or_else(|| PathBuf::from("config/kiosk.toml"));
    let env: Vec<(String, String)> = std::env::vars().collect();
    staff::save_pin_hash(&file, cfg, &hash, env).map_err(|e| match e {
        SettingsError::Invalid(_) | SettingsError::Syntax { .. } => Exit::verbatim(EXIT_CONFIG, e.to_string()),
        other => Exit::verbatim(EXIT_FAILURE, other.to_string()),
    })?;
    let data_dir = &cfg.config.kiosk.data_dir;
    if std::fs::create_dir_all(data_dir).is_ok() {
        staff::audit(data_dir, clock::now(), "pin_set_cli", &["staff.pin_hash"]);
    }
    let saved = tr!(lang, "cli-staff-pin-saved", file = file.display().to_string());
    writeln!(out, "{saved}").map_err(output::write_failed)
}

/// The new PIN and its confirmation: asked twice without echo on a
/// terminal, else the first line of standard input and the second if any
/// (the first again when there is none).
fn read_new_pin(lang: Lang) -> Result<(String, String), Exit> {
    let read_err = |e: std::io::Error| Exit::new(EXIT_FAILURE, text!("cli-staff-read-pin", detail = e.to_string()));
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let term = console::Term::stderr();
        // The catalogue trims a message's spaces: the one before the
        // answer is added here.
        term.write_str(&format!("{} ", tr!(lang, "cli-staff-pin-prompt")))
            .map_err(read_err)?;
        let pin = term.read_secure_line().map_err(read_err)?;
        term.write_str(&format!("{} ", tr!(lang, "cli-staff-pin-prompt-again")))
            .map_err(read_err)?;
        let again = term.read_secure_line().map_err(read_err)?;
        return Ok((pin.trim().to_string(), again.trim().to_string()));
    }
    let mut lines = std::io::stdin().lock().lines();
    let pin = match lines.next() {
        Some(line) => line.map_err(read_err)?.trim().to_string(),
        None => return Err(Exit::new(EXIT_INVALID, text!("cli-staff-no-pin"))),
    };
    let again = match lines.next() {
        Some(line) => {
            let line = line.map_err(read_err)?.trim().to_string();
            if line.is_empty() { pin.clone() } else { line }
        }
        None => pin.clone(),
    };
    Ok((pin, again))
}
