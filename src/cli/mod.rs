//! The `vitrine` command line: one module per command, each with its clap
//! arguments and a `run`; [`run`] only dispatches.
//!
//! Text for people (output and errors) comes from the message catalogue
//! (`cli.ftl`) in the configured language (`ui.language`); JSON keys are
//! the same in every language.
//!
//! Exit codes: 0 success; 1 an unexpected failure (database, I/O); 2 bad input
//! (an invalid code, an unreadable file); 3 not found (unknown product);
//! 78 a configuration error (sysexits' EX_CONFIG), always before any data is
//! touched.
//!
//! # Layout
//! - [`output`]: exit codes, [`Exit`], JSON and aligned rows, the words for
//!   other modules' typed errors.
//! - one module per command: [`lookup`], [`search`], [`import`],
//!   [`status`], [`enroll`], [`sync`], [`handoff`], [`identify`],
//!   [`scan`], [`speak`], [`config`], [`staff`].
//!
//! Starting the process (configuration, tracing, the kiosk's window) is
//! [`crate::startup`]'s.

pub mod config;
pub mod enroll;
pub mod handoff;
pub mod identify;
pub mod import;
pub mod lookup;
pub mod output;
pub mod scan;
pub mod search;
pub mod speak;
pub mod staff;
pub mod status;
pub mod sync;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::LoadedConfig;
pub use output::{EXIT_CONFIG, EXIT_FAILURE, EXIT_INVALID, EXIT_NOT_FOUND, Exit, open_catalog};

#[derive(Debug, Parser)]
#[command(name = "vitrine", version, about = "Vitrine in-store kiosk", long_about = None)]
pub struct Cli {
    /// Configuration file (default: $VITRINE_CONFIG, else config/kiosk.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder of the SQLite files; overrides kiosk.data_dir.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Start the kiosk with a replay of the images in DIR instead of the camera.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,
    /// Frames per second of that replay (default: camera.replay_fps).
    #[arg(long, value_name = "N", requires = "replay", value_parser = clap::value_parser!(u32).range(1..=120))]
    pub replay_fps: Option<u32>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look a product up by any code: EAN-8/13, UPC-A/E, ISBN, GTIN-14, GS1, Digital Link.
    Lookup(lookup::Args),
    /// Search products by name and brand.
    Search(search::Args),
    /// Import products from a JSONL file (the referential's format).
    Import(import::Args),
    /// Show the catalog's state.
    Status(status::Args),
    /// Enroll this kiosk with HQ using a one-time code from `vitrine-hq device add`.
    Enroll(enroll::Args),
    /// Identify a shopper by loyalty QR token, card number, phone or email:
    /// prints the first name and tier, or why it was refused. Exit 0
    /// identified; 2 refused (expired, forged, another retailer's, not an
    /// identifier); 3 no such customer; 1 HQ unreachable for a phone/email.
    Identify(identify::Args),
    /// Sync with HQ: pull the catalog and send the outbox.
    Sync(sync::Args),
    /// Queue a basket for a phone and print the link its QR code encodes.
    Handoff(handoff::Args),
    /// Read barcodes in image files, or run the live scan pipeline on a
    /// replay or a camera.
    ///
    /// With files: one line per file with four tab-separated fields, FILE,
    /// FORMAT, TEXT and GTIN14 ("-" for an empty field; FILE then three "-"
    /// when no code was found). Control characters in TEXT (the GS of GS1
    /// data) are written as \xNN. Exit 0 even when some files hold no
    /// readable code; 2 when a file cannot be read (missing, not an image,
    /// damaged).
    ///
    /// With --replay DIR (or --replay FILE...): the images of DIR, in name
    /// order (or the files, in the order given) are played as a camera
    /// through the live pipeline; with --camera DEVICE the camera is. Each
    /// scan event is printed as five tab-separated fields: SECONDS, FORMAT,
    /// TEXT, GTIN14, LATENCY_MS. A camera that cannot be opened at the start
    /// exits 1 with the reason; one that fails later is reported on stderr
    /// and opened again.
    Scan(scan::Args),
    /// Render one utterance with the kiosk's voice (audio mode's engine,
    /// rate and volume) into a WAV file.
    Speak(speak::Args),
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: config::ConfigCommand,
    },
    /// Staff commands.
    Staff {
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
}

/// Runs a subcommand; `out` is stdout.
pub fn run(cfg: &LoadedConfig, command: &Command, out: &mut dyn Write) -> Result<(), Exit> {
    match command {
        Command::Lookup(args) => lookup::run(cfg, args, out),
        Command::Search(args) => search::run(cfg, args, out),
        Command::Import(args) => import::run(cfg, args, out),
        Command::Status(args) => status::run(cfg, args, out),
        Command::Enroll(args) => enroll::run(cfg, args, out),
        Command::Identify(args) => identify::run(cfg, args, out),
        Command::Sync(args) => sync::run(cfg, args, out),
        Command::Handoff(args) => handoff::run(cfg, args, out),
        Command::Scan(args) => scan::run(cfg, args, out),
        Command::Speak(args) => speak::run(cfg, args, out),
        Command::Config { command } => config::run(cfg, command, out),
        Command::Staff { command } => staff::run(cfg, command, out),
    }
}
