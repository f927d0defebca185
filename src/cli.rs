//! The `vitrine` command line.
//!
//! Exit codes: 0 success; 1 an unexpected failure (database, I/O); 2 bad input
//! (an invalid code, an unreadable file); 3 not found (unknown product);
//! 78 a configuration error (sysexits' EX_CONFIG), always before any data is
//! touched.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use vitrine_core::code::{Embedded, ProductCode, Scanned, parse_product_code_with};
use vitrine_core::money::price_for_weight;
use vitrine_core::product::{SoldBy, StockLevel};
use vitrine_core::{Currency, Lang, Money};
use vitrine_i18n::MoneyText;

use crate::camera::device::CameraSource;
use crate::camera::replay::{self, ReplaySource};
use crate::camera::{FrameSource, SourceError};
use crate::catalog::{Catalog, Lookup, ProductView};
use crate::clock;
use crate::config::{self, LoadedConfig};
use crate::scan::decoder::{Symbol, ZxingDecoder};
use crate::scan::pipeline::PipelineSettings;
use crate::scan::{self, CameraStatus, ScanEvent, ScanPipeline};

pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_INVALID: i32 = 2;
pub const EXIT_NOT_FOUND: i32 = 3;
pub const EXIT_CONFIG: i32 = 78;

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
    Lookup {
        code: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Store to price for (default: kiosk.store).
        #[arg(long)]
        store: Option<String>,
    },
    /// Search products by name and brand.
    Search {
        #[arg(required = true)]
        text: Vec<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Import products from a JSONL file (the referential's format).
    Import {
        file: PathBuf,
        /// Also generate demo prices, stock and promotions for the imported products.
        #[arg(long)]
        demo_prices: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show the catalog's state.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Enroll this kiosk with HQ using a one-time code from `vitrine-hq device add`.
    Enroll {
        /// HQ's address (default: hq.url).
        #[arg(long, value_name = "URL")]
        hq: Option<String>,
        /// The one-time code.
        #[arg(long)]
        code: String,
    },
    /// Identify a shopper by loyalty QR token, card number, phone or email:
    /// prints the first name and tier, or why it was refused. Exit 0
    /// identified; 2 refused (expired, forged, another retailer's, not an
    /// identifier); 3 no such customer; 1 HQ unreachable for a phone/email.
    Identify {
        /// The token (`VTL1.…`), a card number, a phone number or an email.
        #[arg(value_name = "TOKEN_OR_CODE")]
        input: String,
        #[arg(long)]
        json: bool,
    },
    /// Sync with HQ: pull the catalog and send the outbox.
    Sync {
        /// Pull once and send what is queued, then print the status.
        #[arg(long, conflicts_with = "follow")]
        once: bool,
        /// Run the sync worker until interrupted, printing the status as JSON lines.
        #[arg(long)]
        follow: bool,
        #[arg(long)]
        json: bool,
    },
    /// Queue a basket for a phone and print the link its QR code encodes.
    Handoff {
        /// Products as CODE or CODExQTY (e.g. 5449000039231x2).
        #[arg(required = true, value_name = "GTIN[xQTY]")]
        items: Vec<String>,
        #[arg(long)]
        json: bool,
    },
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
    #[command(group = clap::ArgGroup::new("live").args(["replay", "camera"]).multiple(false))]
    Scan {
        /// Image files (PNG, JPEG, WebP).
        #[arg(required_unless_present = "live", conflicts_with = "live")]
        files: Vec<PathBuf>,
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
        /// Play the images of one folder, or these image files, as a camera
        /// through the live pipeline.
        #[arg(long, value_name = "DIR|FILE", num_args = 1..)]
        replay: Vec<PathBuf>,
        /// Run the live pipeline on a camera: its index ("0" is /dev/video0)
        /// or a part of its name, as camera.device; size and rate from the
        /// configuration. Runs until interrupted.
        #[arg(long, value_name = "DEVICE")]
        camera: Option<String>,
        /// Frames per second of the replay (default: camera.replay_fps), or
        /// asked of the camera (default: camera.fps).
        #[arg(long, requires = "live", value_parser = clap::value_parser!(u32).range(1..=120))]
        fps: Option<u32>,
        /// Stop after N passes over the images (default: until interrupted).
        #[arg(long, requires = "replay", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        loops: Option<u32>,
    },
    /// Configuration commands.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Staff commands.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
}

#[derive(Debug, Subcommand)]
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

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration (file and environment) and print it.
    Check,
}

/// `vitrine staff set-pin`: reads the new PIN (never from argv), checks it,
/// hashes it with Argon2 and writes the hash into the configuration file.
fn staff_set_pin(cfg: &LoadedConfig, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let w = |e: std::io::Error| Exit::new(EXIT_FAILURE, format!("cannot write the output: {e}"));
    let var = "VITRINE__STAFF__PIN_HASH";
    if std::env::var_os(var).is_some() {
        return Err(Exit::new(
            EXIT_CONFIG,
            format!(
                "{}: {var}",
                lang.pick(
                    "une variable d'environnement impose staff.pin_hash, un nouveau code n'aurait pas d'effet ; retirez-la d'abord",
                    "an environment variable sets staff.pin_hash, so a new PIN would not take effect; unset it first"
                )
            ),
        ));
    }
    let (pin, again) = read_new_pin(lang)?;
    crate::staff::validate_new_pin(&pin, &again).map_err(|rule| Exit::new(EXIT_INVALID, rule.text().render(lang)))?;
    let hash = crate::staff::hash_pin(&pin).map_err(|e| Exit::new(EXIT_FAILURE, e.to_string()))?;
    drop(pin);
    drop(again);
    // The file the staff screen writes to as well.
    let file = cfg.file.clone().unwrap_or_else(|| PathBuf::from("config/kiosk.toml"));
    let env: Vec<(String, String)> = std::env::vars().collect();
    let saved = crate::staff::save_pin_hash(&file, cfg, &hash, env).map_err(|e| match e {
        crate::staff::SettingsError::Invalid(_) | crate::staff::SettingsError::Syntax { .. } => {
            Exit::new(EXIT_CONFIG, e.to_string())
        }
        other => Exit::new(EXIT_FAILURE, other.to_string()),
    })?;
    let data_dir = &cfg.config.kiosk.data_dir;
    if std::fs::create_dir_all(data_dir).is_ok() {
        crate::staff::audit(data_dir, clock::now(), "pin_set_cli", &["staff.pin_hash"]);
    }
    let _ = saved;
    match lang {
        Lang::Fr => writeln!(
            out,
            "Code du personnel enregistré (haché avec Argon2) dans {} ; le kiosque l'utilise à son prochain démarrage.",
            file.display()
        ),
        _ => writeln!(
            out,
            "Staff PIN saved (as an Argon2 hash) in {}; the kiosk uses it from its next start.",
            file.display()
        ),
    }
    .map_err(w)
}

/// The new PIN and its confirmation: asked twice without echo on a
/// terminal, else the first line of standard input and the second if any
/// (the first again when there is none).
fn read_new_pin(lang: Lang) -> Result<(String, String), Exit> {
    let read_err = |e: std::io::Error| Exit::new(EXIT_FAILURE, format!("cannot read the PIN: {e}"));
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let term = console::Term::stderr();
        term.write_str(lang.pick("Nouveau code (4 à 8 chiffres) : ", "New PIN (4 to 8 digits): "))
            .map_err(read_err)?;
        let pin = term.read_secure_line().map_err(read_err)?;
        term.write_str(lang.pick("Encore une fois : ", "Once more: "))
            .map_err(read_err)?;
        let again = term.read_secure_line().map_err(read_err)?;
        return Ok((pin.trim().to_string(), again.trim().to_string()));
    }
    let mut lines = std::io::stdin().lock().lines();
    let pin = match lines.next() {
        Some(line) => line.map_err(read_err)?.trim().to_string(),
        None => {
            return Err(Exit::new(
                EXIT_INVALID,
                lang.pick(
                    "aucun code sur l'entrée standard : tapez-le quand il est demandé, ou passez-le par un tube (echo … | vitrine staff set-pin)",
                    "no PIN on standard input: type it when asked, or pipe it in (echo … | vitrine staff set-pin)",
                ),
            ));
        }
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

/// An error with the exit code it should give.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    pub message: String,
}

impl Exit {
    pub fn new(code: i32, message: impl Into<String>) -> Exit {
        Exit {
            code,
            message: message.into(),
        }
    }
}

impl From<crate::sync::SyncError> for Exit {
    fn from(e: crate::sync::SyncError) -> Self {
        use crate::sync::SyncError as E;
        let code = match &e {
            E::NotEnrolled | E::Invalid(_) => EXIT_INVALID,
            _ => EXIT_FAILURE,
        };
        Exit::new(code, e.to_string())
    }
}

impl From<crate::catalog::CatalogError> for Exit {
    fn from(e: crate::catalog::CatalogError) -> Self {
        Exit::new(EXIT_FAILURE, e.to_string())
    }
}

/// Loads the configuration for a command (exit 78 on any error).
pub fn load_config(cli: &Cli) -> Result<LoadedConfig, Exit> {
    let file = cli.config.clone().or_else(config::default_config_path);
    let mut loaded =
        config::load(file.as_deref(), std::env::vars()).map_err(|e| Exit::new(EXIT_CONFIG, e.to_string()))?;
    if let Some(dir) = &cli.data_dir {
        loaded.config.kiosk.data_dir = dir.clone();
    }
    Ok(loaded)
}

/// Opens the catalog, seeding it from the demo data on first start if the
/// configuration says so.
pub fn open_catalog(cfg: &LoadedConfig) -> Result<Catalog, Exit> {
    let mut cat = Catalog::open(&cfg.config.kiosk.data_dir)?;
    if cfg.config.demo.seed_on_empty {
        cat.seed_demo_if_empty(cfg.config.demo.seed, clock::now())?;
    }
    Ok(cat)
}

/// Starts the kiosk screen (no subcommand): seeds the catalog if needed,
/// builds the tokio runtime (the UI's event loop keeps the main thread) and
/// runs the window until it closes.
pub fn run_kiosk(cli: &Cli, mut cfg: LoadedConfig, utc_offset: time::UtcOffset) -> Result<(), Exit> {
    if let Some(dir) = &cli.replay {
        cfg.config.camera.source = config::CameraSource::Replay;
        cfg.config.camera.replay_dir = dir.display().to_string();
        if let Some(fps) = cli.replay_fps {
            cfg.config.camera.replay_fps = fps;
        }
    }
    // Creates and migrates the catalog (and seeds the demo data on first
    // start); the screen then reads it through its own read-only handle.
    drop(open_catalog(&cfg)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("vitrine-rt")
        .enable_all()
        .build()
        .map_err(|e| Exit::new(EXIT_FAILURE, format!("cannot start the background workers: {e}")))?;
    // The link with HQ: catalog updates and the outbox of handoffs and
    // orders. Without enrollment it waits, and the screen says what cannot
    // be done.
    let sync = crate::sync::start(
        runtime.handle(),
        &cfg.config.kiosk.data_dir,
        crate::sync::SyncSettings::from_config(&cfg.config),
    )
    .map_err(|e| Exit::new(EXIT_FAILURE, format!("cannot start the link with HQ: {e}")))?;
    let opts = crate::ui::RunOptions {
        utc_offset,
        runtime: runtime.handle().clone(),
        orders: Some(std::sync::Arc::new(crate::ui::orders::OutboxDesk(
            sync.outbox().clone(),
        ))),
        sync_status: Some(sync.status()),
        availability: Some(sync.availability().clone()),
    };
    let result = crate::ui::run(cfg, opts).map_err(|e| Exit::new(EXIT_FAILURE, e.to_string()));
    drop(sync);
    result
}

/// Runs a subcommand; `out` is stdout.
pub fn run(cli: &Cli, cfg: &LoadedConfig, command: &Command, out: &mut dyn Write) -> Result<(), Exit> {
    let w = |e: std::io::Error| Exit::new(EXIT_FAILURE, format!("cannot write the output: {e}"));
    match command {
        Command::Config {
            command: ConfigCommand::Check,
        } => {
            let file = cfg
                .file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(no file: defaults and environment)".into());
            writeln!(out, "configuration OK: {file}").map_err(w)?;
            let text = toml::to_string(&cfg.config).map_err(|e| Exit::new(EXIT_FAILURE, e.to_string()))?;
            write!(out, "{text}").map_err(w)?;
            let _ = cli;
            Ok(())
        }
        Command::Staff {
            command: StaffCommand::SetPin,
        } => staff_set_pin(cfg, out),
        Command::Lookup { code, json, store } => {
            let parsed = parse_product_code_with(code, None, &cfg.config.scan.variable_measure)
                .map_err(|e| Exit::new(EXIT_INVALID, format!("invalid code \"{}\": {e}", code.trim())))?;
            let cat = open_catalog(cfg)?;
            let store = store.as_deref().unwrap_or(&cfg.config.kiosk.store);
            match cat.lookup(&parsed, store, clock::now())? {
                Lookup::Found(view) => {
                    if *json {
                        let v = lookup_json(&view, &parsed, cfg.lang(), cfg.currency());
                        writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)?;
                    } else {
                        write_lookup_text(out, &view, &parsed, cfg.lang(), cfg.currency()).map_err(w)?;
                    }
                    Ok(())
                }
                Lookup::Unknown { gtin, catalog_version } => Err(Exit::new(
                    EXIT_NOT_FOUND,
                    format!("no product with GTIN {gtin} in the catalog (version {catalog_version})"),
                )),
            }
        }
        Command::Search { text, json, limit } => {
            let cat = open_catalog(cfg)?;
            let query = text.join(" ");
            let hits = cat.search(&query, &cfg.config.kiosk.store, *limit)?;
            if *json {
                let v: Vec<Value> = hits
                    .iter()
                    .map(|h| {
                        json!({
                            "gtin14": h.gtin.as_gtin14(),
                            "name": h.name,
                            "brand": h.brand,
                            "quantity": h.quantity,
                            "price": h.price.map(|p| price_json(p, cfg.lang())),
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)?;
            } else if hits.is_empty() {
                let none = cfg.lang().pick("aucun produit ne correspond à", "no product matches");
                writeln!(out, "{none} \"{query}\"").map_err(w)?;
            } else {
                for h in &hits {
                    let price = h.price.map(|p| p.format(cfg.lang())).unwrap_or_else(|| "-".into());
                    let brand = h.brand.as_deref().map(|b| format!(" — {b}")).unwrap_or_default();
                    writeln!(out, "{}  {:>10}  {}{}", h.gtin, price, h.name, brand).map_err(w)?;
                }
            }
            Ok(())
        }
        Command::Import {
            file,
            demo_prices,
            json,
        } => {
            let f = std::fs::File::open(file)
                .map_err(|e| Exit::new(EXIT_INVALID, format!("cannot read {}: {e}", file.display())))?;
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let mut cat = Catalog::open(&cfg.config.kiosk.data_dir)?;
            let bar = progress_bar(size);
            let counting = CountingReader {
                inner: f,
                bar: bar.clone(),
            };
            let seed = cfg.config.demo.seed;
            let now = clock::now();
            let mut extra = |ps: &[vitrine_core::product::Product]| vitrine_core::demo::demo_changes(ps, seed, now);
            let extra_ref: Option<crate::catalog::ExtraChanges<'_>> =
                if *demo_prices { Some(&mut extra) } else { None };
            let report = cat.import_jsonl(BufReader::with_capacity(1 << 20, counting), now, extra_ref, &mut |_| {});
            bar.finish_and_clear();
            let report = report.map_err(|e| match e {
                crate::catalog::CatalogError::Import(m) => Exit::new(EXIT_INVALID, format!("{}: {m}", file.display())),
                other => Exit::from(other),
            })?;
            if *demo_prices {
                cat.set_meta(crate::catalog::meta::ORIGIN, vitrine_core::demo::DEMO_ORIGIN)?;
            }
            if *json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report).unwrap_or_default()).map_err(w)?;
            } else {
                match cfg.lang() {
                    Lang::Fr => writeln!(
                        out,
                        "{} produits importés, {} ignorés ; version du catalogue {}",
                        report.imported, report.skipped, report.catalog_version
                    ),
                    _ => writeln!(
                        out,
                        "imported {} products, skipped {}; catalog version {}",
                        report.imported, report.skipped, report.catalog_version
                    ),
                }
                .map_err(w)?;
                let skipped = cfg.lang().pick("ignoré", "skipped");
                for ex in &report.skipped_examples {
                    writeln!(out, "  {skipped} {ex}").map_err(w)?;
                }
            }
            Ok(())
        }
        Command::Scan {
            files,
            json,
            replay,
            camera,
            fps,
            loops,
        } => match (replay.is_empty(), camera) {
            (false, _) => {
                let source = replay_source(cfg, replay, *fps, *loops)?;
                scan_live(cfg, Box::new(source), None, *json, out)
            }
            (true, Some(device)) => {
                let mut source = CameraSource::from_config(&cfg.config.camera);
                source.device = device.clone();
                if let Some(fps) = fps {
                    source.fps = *fps;
                }
                scan_live(cfg, Box::new(source), Some(device), *json, out)
            }
            (true, None) => scan_files(cfg, files, *json, out),
        },
        Command::Status { json } => {
            let cat = open_catalog(cfg)?;
            let st = cat.status()?;
            let ob = crate::sync::Outbox::open(&cfg.config.kiosk.data_dir)?;
            let outbox = ob.counts()?;
            let ident = ob.identity()?;
            if *json {
                let v = json!({
                    "store": cfg.config.kiosk.store,
                    "catalog_version": st.catalog_version,
                    "catalog_updated_at": st.catalog_updated_at,
                    "last_sync": st.last_sync,
                    "products": st.products,
                    "prices": st.prices,
                    "promotions": st.promotions,
                    "stock_rows": st.stock_rows,
                    "offers": st.offers,
                    "stores": st.stores,
                    "prices_origin": st.prices_origin,
                    "database": st.path,
                    "database_bytes": st.size_bytes,
                    "hq": if cfg.config.hq.url.is_empty() { Value::Null } else { json!(cfg.config.hq.url) },
                    "outbox_pending": outbox.0,
                    "outbox_dead": outbox.1,
                    "enrolled": ident.as_ref().map(|i| json!({
                        "device_id": i.device_id, "store": i.store, "hq": i.hq_url,
                    })),
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)?;
            } else {
                let lang = cfg.lang();
                let t = |fr, en| lang.pick(fr, en);
                let line = |out: &mut dyn Write, label: &str, value: std::fmt::Arguments<'_>| {
                    writeln!(out, "{label:<21}{value}").map_err(w)
                };
                line(out, t("magasin", "store"), format_args!("{}", cfg.config.kiosk.store))?;
                write_catalog_version(out, lang, st.catalog_version).map_err(w)?;
                if let Some(at) = st.catalog_updated_at {
                    line(
                        out,
                        t("catalogue mis à jour", "catalog updated"),
                        format_args!("{}", clock::format_utc(at)),
                    )?;
                }
                write_last_sync(out, lang, st.last_sync).map_err(w)?;
                match lang {
                    Lang::Fr => line(
                        out,
                        "produits",
                        format_args!(
                            "{} ({} prix, {} promotions, {} lignes de stock, {} offres, {} magasins)",
                            st.products, st.prices, st.promotions, st.stock_rows, st.offers, st.stores
                        ),
                    )?,
                    _ => line(
                        out,
                        "products",
                        format_args!(
                            "{} ({} prices, {} promotions, {} stock rows, {} offers, {} stores)",
                            st.products, st.prices, st.promotions, st.stock_rows, st.offers, st.stores
                        ),
                    )?,
                }
                if let Some(o) = &st.prices_origin {
                    line(out, t("origine des prix", "prices origin"), format_args!("{o}"))?;
                }
                line(
                    out,
                    t("base de données", "database"),
                    format_args!("{} ({} {})", st.path.display(), st.size_bytes, t("octets", "bytes")),
                )?;
                match (&ident, lang) {
                    (Some(i), Lang::Fr) => line(
                        out,
                        "siège",
                        format_args!("{} (appareil {}, magasin {})", i.hq_url, i.device_id, i.store),
                    )?,
                    (Some(i), _) => line(
                        out,
                        "HQ",
                        format_args!("{} (device {}, store {})", i.hq_url, i.device_id, i.store),
                    )?,
                    (None, _) => line(
                        out,
                        t("siège", "HQ"),
                        format_args!("{}", t("non enrôlé", "not enrolled")),
                    )?,
                }
                write_outbox(out, lang, outbox.0, outbox.1).map_err(w)?;
            }
            Ok(())
        }
        Command::Enroll { hq, code } => {
            let url = hq.clone().unwrap_or_else(|| cfg.config.hq.url.clone());
            if url.is_empty() {
                return Err(Exit::new(EXIT_INVALID, "no HQ address: pass --hq URL or set hq.url"));
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Exit::new(
                    EXIT_INVALID,
                    format!("--hq: expected an http:// or https:// address, found \"{url}\""),
                ));
            }
            let settings = crate::sync::SyncSettings::from_config(&cfg.config);
            let rt = runtime()?;
            let ident = rt.block_on(crate::sync::enroll(
                &cfg.config.kiosk.data_dir,
                &url,
                code,
                settings.request_timeout,
                clock::now(),
            ))?;
            writeln!(
                out,
                "enrolled: device {} for store {} at {}",
                ident.device_id, ident.store, ident.hq_url
            )
            .map_err(w)?;
            if ident.store != cfg.config.kiosk.store {
                writeln!(
                    out,
                    "note: HQ enrolled this kiosk for store {}, the configuration says kiosk.store = \"{}\"; set kiosk.store = \"{}\"",
                    ident.store, cfg.config.kiosk.store, ident.store
                )
                .map_err(w)?;
            }
            Ok(())
        }
        Command::Identify { input, json } => {
            let dir = cfg.config.kiosk.data_dir.clone();
            let ob = crate::sync::Outbox::open(&dir)?;
            let timeout = crate::sync::SyncSettings::from_config(&cfg.config).request_timeout;
            let lang = Lang::parse(&cfg.config.ui.language).unwrap_or_default();
            let rt = runtime()?;
            let result = rt.block_on(crate::customer::identify(&ob, input, clock::now(), timeout));
            let tier_label =
                |t: Option<vitrine_core::pricing::Tier>| t.map(|t| vitrine_i18n::domain::tier(t).render(lang));
            match result {
                Ok(id) => {
                    if *json {
                        let v = json!({
                            "identified": true,
                            "customer_id": id.customer.customer_id,
                            "first_name": id.customer.first_name,
                            "tier": id.tier,
                            "consent": id.consent,
                            "masked": id.customer.masked_identifier,
                            "offers": id.offers.iter().filter_map(|p| p.coupon_code.clone()).collect::<Vec<_>>(),
                            "via": format!("{:?}", id.via),
                        });
                        writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)?;
                    } else {
                        let t = |fr, en| lang.pick(fr, en);
                        let line = |out: &mut dyn Write, label: &str, value: &str| {
                            writeln!(out, "{label:<14}{value}").map_err(w)
                        };
                        line(out, t("prénom", "first name"), &id.customer.first_name)?;
                        line(
                            out,
                            t("niveau", "tier"),
                            &tier_label(id.tier).unwrap_or_else(|| "-".into()),
                        )?;
                        let consent = if id.consent {
                            t("oui", "yes")
                        } else {
                            t("non (pas de prix personnels)", "no (no personal prices)")
                        };
                        line(out, t("consentement", "consent"), consent)?;
                        line(out, t("offres", "offers"), &id.offers.len().to_string())?;
                    }
                    Ok(())
                }
                Err(e) => {
                    let code = match &e {
                        crate::customer::IdentifyError::Unknown => EXIT_NOT_FOUND,
                        e if e.is_retryable() => EXIT_FAILURE,
                        _ => EXIT_INVALID,
                    };
                    if *json {
                        let v = json!({
                            "identified": false,
                            "reason": e.to_string(),
                            "message": e.text().render(lang),
                        });
                        writeln!(out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)?;
                    }
                    Err(Exit::new(code, format!("{e} ({})", e.text().render(lang))))
                }
            }
        }
        Command::Sync { once, follow, json } => {
            let settings = crate::sync::SyncSettings::from_config(&cfg.config);
            let dir = cfg.config.kiosk.data_dir.clone();
            let rt = runtime()?;
            if *follow {
                let handle = crate::sync::start(rt.handle(), &dir, settings)?;
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
                rt.block_on(handle.stop());
                return Ok(());
            }
            let _ = once;
            let st = rt.block_on(crate::sync::sync_once(&dir, settings))?;
            if *json {
                writeln!(out, "{}", serde_json::to_string_pretty(&st).unwrap_or_default()).map_err(w)?;
            } else {
                let lang = cfg.lang();
                write_catalog_version(out, lang, st.catalog_version).map_err(w)?;
                write_last_sync(out, lang, st.last_sync).map_err(w)?;
                write_outbox(out, lang, st.outbox_pending, st.outbox_dead).map_err(w)?;
                if let Some(e) = &st.last_error {
                    let label = lang.pick("dernière erreur", "last error");
                    writeln!(out, "{label:<21}{e}").map_err(w)?;
                }
            }
            if st.last_error.is_some() && st.outbox_pending > 0 {
                return Err(Exit::new(
                    EXIT_FAILURE,
                    "HQ could not take every queued message; they stay queued",
                ));
            }
            Ok(())
        }
        Command::Handoff { items, json } => {
            let mut lines = Vec::new();
            for item in items {
                let (code, qty) = match item.rsplit_once(['x', 'X']) {
                    Some((c, q)) if !c.is_empty() && q.chars().all(|ch| ch.is_ascii_digit()) && !q.is_empty() => {
                        let q: u32 = q
                            .parse()
                            .map_err(|_| Exit::new(EXIT_INVALID, format!("bad quantity in \"{item}\"")))?;
                        (c, q)
                    }
                    _ => (item.as_str(), 1),
                };
                let parsed = parse_product_code_with(code, None, &cfg.config.scan.variable_measure)
                    .map_err(|e| Exit::new(EXIT_INVALID, format!("invalid code \"{code}\": {e}")))?;
                if !(1..=vitrine_core::wire::MAX_QUANTITY).contains(&qty) {
                    return Err(Exit::new(
                        EXIT_INVALID,
                        format!(
                            "\"{item}\": the quantity must be 1 to {}",
                            vitrine_core::wire::MAX_QUANTITY
                        ),
                    ));
                }
                lines.push(vitrine_core::wire::HandoffLine {
                    gtin: parsed.gtin,
                    quantity: qty,
                });
            }
            let ob = crate::sync::Outbox::open(&cfg.config.kiosk.data_dir)?;
            let q = ob.queue_handoff(&lines, None, None)?;
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&json!({"id": q.id, "url": q.url})).unwrap_or_default()
                )
                .map_err(w)?;
            } else {
                writeln!(out, "{}", q.url).map_err(w)?;
            }
            Ok(())
        }
    }
}

/// The tokio runtime for commands that talk to HQ (built here, not with
/// `#[tokio::main]`: the kiosk's main thread belongs to the UI).
fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Exit::new(EXIT_FAILURE, format!("cannot start the network runtime: {e}")))
}

/// `vitrine scan FILE...`
fn scan_files(cfg: &LoadedConfig, files: &[PathBuf], json: bool, out: &mut dyn Write) -> Result<(), Exit> {
    let w = |e: std::io::Error| Exit::new(EXIT_FAILURE, format!("cannot write the output: {e}"));
    let rules = &cfg.config.scan.variable_measure;
    let mut decoder = ZxingDecoder::new();
    let mut unreadable = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let symbols = match scan::decode_file(&mut decoder, file) {
            Ok(s) => s,
            Err(e) => {
                if json {
                    writeln!(out, "{}", json!({ "file": name, "error": e.reason })).map_err(w)?;
                }
                unreadable.push(e.to_string());
                continue;
            }
        };
        // One line per file: the symbol `scan::best_of` picks (the first
        // product code, else the first symbol).
        let results: Vec<_> = symbols.iter().map(|s| s.classify(rules)).collect();
        let best = scan::best_of(&results).map(|i| (&symbols[i], &results[i]));
        if json {
            let all: Vec<Value> = symbols.iter().zip(&results).map(|(s, r)| symbol_json(s, r)).collect();
            let mut v = match best {
                Some((s, r)) => symbol_json(s, r),
                None => json!({ "format": null, "text": null, "gtin14": null }),
            };
            v["file"] = json!(name);
            v["symbols"] = json!(all);
            writeln!(out, "{v}").map_err(w)?;
        } else {
            match best {
                Some((s, r)) => writeln!(
                    out,
                    "{name}\t{}\t{}\t{}",
                    s.format_name(),
                    tsv_text(&s.text),
                    gtin14_of(r).unwrap_or_else(|| "-".into())
                )
                .map_err(w)?,
                None => writeln!(out, "{name}\t-\t-\t-").map_err(w)?,
            }
        }
    }
    if unreadable.is_empty() {
        Ok(())
    } else {
        Err(Exit::new(EXIT_INVALID, unreadable.join("\nvitrine: ")))
    }
}

fn gtin14_of(r: &Result<Scanned, vitrine_core::code::CodeError>) -> Option<String> {
    match r {
        Ok(Scanned::Product(p)) => Some(p.gtin.as_gtin14()),
        _ => None,
    }
}

fn symbol_json(s: &Symbol, r: &Result<Scanned, vitrine_core::code::CodeError>) -> Value {
    let mut v = json!({
        "format": s.format_name(),
        "text": s.text,
        "gtin14": gtin14_of(r),
        "symbology_identifier": s.aim,
        "gs1": s.gs1,
        "position": s.position.iter().map(|(x, y)| json!([x, y])).collect::<Vec<_>>(),
    });
    match r {
        Ok(Scanned::Product(p)) => v["code"] = json!({ "form": p.form, "lot": p.gs1.lot, "serial": p.gs1.serial }),
        Ok(Scanned::Payload(_)) => v["payload"] = json!(true),
        Err(e) => v["error"] = json!(e.to_string()),
    }
    v
}

/// A decoded text on one TSV field: control characters (GS, tab, newline)
/// and backslashes escaped as `\xNN` / `\\`, "-" when empty.
pub fn tsv_text(text: &str) -> String {
    if text.is_empty() {
        return "-".into();
    }
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
            c => s.push(c),
        }
    }
    s
}

/// The format name of a pipeline event ("GS1-" in front of GS1 data).
fn event_format(ev: &ScanEvent) -> String {
    let name = ev.symbology.map(|s| s.name()).unwrap_or("-");
    let gs1 = ["]C1", "]d2", "]Q3", "]e0"].iter().any(|p| ev.text.starts_with(p));
    if gs1 { format!("GS1-{name}") } else { name.to_string() }
}

/// The replay `vitrine scan --replay` plays: one folder (its images in name
/// order), or image files in the order given. Exit 2 for a folder among
/// several paths, a missing file, or a folder without images.
fn replay_source(
    cfg: &LoadedConfig,
    paths: &[PathBuf],
    fps: Option<u32>,
    loops: Option<u32>,
) -> Result<ReplaySource, Exit> {
    let fps = fps.unwrap_or(cfg.config.camera.replay_fps);
    let mut source = match paths {
        [dir] if dir.is_dir() => {
            let files = replay::image_files(dir).map_err(|e| Exit::new(EXIT_INVALID, e.to_string()))?;
            if files.is_empty() {
                return Err(Exit::new(
                    EXIT_INVALID,
                    SourceError::NoImages {
                        what: dir.display().to_string(),
                    }
                    .to_string(),
                ));
            }
            ReplaySource::from_dir(dir, fps)
        }
        files => {
            for f in files {
                if f.is_dir() {
                    return Err(Exit::new(
                        EXIT_INVALID,
                        format!(
                            "--replay takes one folder or image files: {} is a folder among {} paths",
                            f.display(),
                            files.len()
                        ),
                    ));
                }
                std::fs::metadata(f)
                    .map_err(|e| Exit::new(EXIT_INVALID, format!("cannot read {}: {e}", f.display())))?;
            }
            ReplaySource::from_files(files.to_vec(), fps)
        }
    };
    if let Some(n) = loops {
        source = source.loops(n);
    }
    Ok(source)
}

/// `vitrine scan --replay DIR|FILE... [--fps N] [--loops N]` and `vitrine
/// scan --camera DEVICE [--fps N]`: the live pipeline on `source`, printing
/// its scan events. `camera`: the device asked for, when a camera.
fn scan_live(
    cfg: &LoadedConfig,
    source: Box<dyn FrameSource>,
    camera: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Exit> {
    let w = |e: std::io::Error| Exit::new(EXIT_FAILURE, format!("cannot write the output: {e}"));
    let settings = PipelineSettings {
        preview_fps: 0,
        ..PipelineSettings::from_config(&cfg.config)
    };
    let started = std::time::Instant::now();
    let pipeline = ScanPipeline::start(source, settings);
    let events = pipeline.events();
    let mut latencies = Vec::new();
    let mut print = |ev: ScanEvent, out: &mut dyn Write| -> Result<(), Exit> {
        let latency = ev.captured_at.elapsed().as_secs_f64() * 1000.0;
        latencies.push(latency);
        let at = ev.captured_at.saturating_duration_since(started).as_secs_f64();
        let gtin = gtin14_of(&ev.result);
        if json {
            let v = json!({
                "at_s": (at * 1000.0).round() / 1000.0,
                "format": event_format(&ev),
                "text": ev.text,
                "gtin14": gtin,
                "latency_ms": (latency * 10.0).round() / 10.0,
                "error": ev.result.as_ref().err().map(|e| e.to_string()),
            });
            writeln!(out, "{v}").map_err(w)
        } else {
            writeln!(
                out,
                "{at:.3}\t{}\t{}\t{}\t{latency:.1}",
                event_format(&ev),
                tsv_text(&ev.text),
                gtin.unwrap_or_else(|| "-".into())
            )
            .map_err(w)
        }
    };
    // A camera that ran once and fails is reported (once per failure) and
    // opened again; one that never ran ends the command.
    let mut ran = false;
    let mut reported: Option<u32> = None;
    loop {
        match events.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(ev) => print(ev, out)?,
            Err(flume::RecvTimeoutError::Timeout) => match pipeline.status() {
                CameraStatus::Ended { .. } if pipeline.wait_finished(std::time::Duration::from_secs(5)) => {
                    while let Ok(ev) = events.try_recv() {
                        print(ev, out)?;
                    }
                    break;
                }
                CameraStatus::Running { .. } => {
                    ran = true;
                    reported = None;
                }
                CameraStatus::Unavailable { error, .. } if camera.is_some() && !ran => {
                    let device = camera.unwrap_or_default();
                    return Err(Exit::new(
                        EXIT_FAILURE,
                        format!("camera \"{device}\" unavailable: {error}"),
                    ));
                }
                CameraStatus::Unavailable { error, .. } if !error.is_retryable() => {
                    return Err(Exit::new(EXIT_INVALID, error.to_string()));
                }
                st @ CameraStatus::Unavailable { .. } => {
                    let attempt = match &st {
                        CameraStatus::Unavailable { attempt, .. } => Some(*attempt),
                        _ => None,
                    };
                    if reported != attempt {
                        eprintln!("vitrine: {}", st.text().render(Lang::EN));
                        reported = attempt;
                    }
                }
                _ => {}
            },
            Err(flume::RecvTimeoutError::Disconnected) => break,
        }
    }
    let m = pipeline.metrics();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i.min(latencies.len() - 1)]
    };
    if json {
        let v = json!({ "summary": {
            "scans": latencies.len(),
            "latency_p50_ms": (pct(0.5) * 10.0).round() / 10.0,
            "latency_p95_ms": (pct(0.95) * 10.0).round() / 10.0,
            "frames_captured": m.frames_captured,
            "frames_decoded": m.frames_decoded,
            "frames_dropped": m.frames_dropped,
        }});
        writeln!(out, "{v}").map_err(w)?;
    } else {
        writeln!(
            out,
            "# {} scans; latency p50 {:.1} ms, p95 {:.1} ms; {} frames captured, {} decoded, {} dropped",
            latencies.len(),
            pct(0.5),
            pct(0.95),
            m.frames_captured,
            m.frames_decoded,
            m.frames_dropped
        )
        .map_err(w)?;
    }
    Ok(())
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("importing {bar:40} {bytes}/{total_bytes} ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// Counts bytes read for the progress bar.
struct CountingReader<R> {
    inner: R,
    bar: indicatif::ProgressBar,
}

impl<R: std::io::Read> std::io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn price_json(m: Money, lang: Lang) -> Value {
    json!({
        "amount_minor": m.amount_minor,
        "currency": m.currency.code(),
        "formatted": m.format(lang),
    })
}

/// The price printed on a GS1 label: AI 392n in the store's currency, or
/// AI 393n in the ISO 4217 currency it names (`None` for a currency Vitrine
/// does not know, or an amount too large).
pub fn gs1_label_price(code: &ProductCode, store_currency: Currency) -> Option<Money> {
    let p = code.gs1.price?;
    let currency = match p.iso_numeric {
        None => store_currency,
        Some(n) => Currency::from_iso_numeric(n)?,
    };
    Some(Money::new(p.to_minor(currency.exponent())?, currency))
}

/// The net weight a label states, in grams: the weight embedded in a
/// variable-measure label, else GS1 AI 310n (kg) or 320n (lb).
pub fn label_net_weight_g(code: &ProductCode) -> Option<u64> {
    match code.variable.as_ref().map(|v| v.embedded) {
        Some(Embedded::Weight { grams }) => Some(u64::from(grams)),
        _ => code.gs1.net_weight_grams(),
    }
}

/// The price a label states: the price embedded in a variable-measure
/// label, else GS1 AI 392n/393n.
pub fn label_price(code: &ProductCode, store_currency: Currency) -> Option<Money> {
    match code.variable.as_ref().map(|v| v.embedded) {
        Some(Embedded::Price { amount_minor }) => Some(Money::new(amount_minor, store_currency)),
        _ => gs1_label_price(code, store_currency),
    }
}

/// The price the shopper pays for what the code names, in this order:
///
/// 1. a variable-measure label: its embedded price, or the price per kg
///    times its embedded weight;
/// 2. a GS1 label with a price (AI 392n, or 393n in the store's currency):
///    that price;
/// 3. a GS1 label with a net weight (AI 310n/320n) of an item sold by the
///    kilogram: the price per kg times that weight (rounded as
///    [`price_for_weight`] says);
/// 4. otherwise the catalog's unit price.
///
/// A product without a catalog price has no price here, whatever its label
/// says (the store does not sell it). A net weight on a label of an item
/// sold by the unit is information only (a fixed-measure pack).
pub fn effective_price(view: &ProductView, code: &ProductCode) -> Option<Money> {
    let unit = view.price?;
    match code.variable.as_ref().map(|v| v.embedded) {
        Some(Embedded::Price { amount_minor }) => return Some(Money::new(amount_minor, unit.currency)),
        Some(Embedded::Weight { grams }) => {
            return Some(Money::new(price_for_weight(unit.amount_minor, grams), unit.currency));
        }
        None => {}
    }
    if let Some(label) = gs1_label_price(code, unit.currency).filter(|m| m.currency == unit.currency) {
        return Some(label);
    }
    if view.product.sold_by == SoldBy::Kilogram
        && let Some(grams) = code.gs1.net_weight_grams().and_then(|g| u32::try_from(g).ok())
    {
        return Some(Money::new(price_for_weight(unit.amount_minor, grams), unit.currency));
    }
    Some(unit)
}

fn lookup_json(view: &ProductView, code: &ProductCode, lang: Lang, store_currency: Currency) -> Value {
    let p = &view.product;
    let price = effective_price(view, code);
    let unit_price = view.price;
    let currency = unit_price.map(|u| u.currency).unwrap_or(store_currency);
    let promotions: Vec<Value> = view
        .promotions
        .iter()
        .map(|pr| {
            json!({
                "id": pr.id,
                "kind": pr.kind,
                "audience": pr.audience,
                "badge": unit_price.map(|u| vitrine_i18n::domain::promo_badge(&pr.kind, u.currency).render(lang)),
                "description": unit_price.map(|u| vitrine_i18n::domain::promo_sentence(pr, u).render(lang)),
            })
        })
        .collect();
    json!({
        "gtin14": p.gtin.as_gtin14(),
        "name": p.name,
        "brand": p.brand,
        "quantity": p.quantity,
        "category": p.category,
        "sold_by": if p.sold_by == SoldBy::Kilogram { "kg" } else { "unit" },
        "price": price.map(|m| price_json(m, lang)),
        "unit_price": if code.variable.is_some() || price != unit_price { unit_price.map(|m| price_json(m, lang)) } else { None },
        "demo_price": view.demo_values,
        "promotions": promotions,
        "stock_here": view.stock_here,
        "stock_level_here": view.stock_level_here(),
        "stock_online": view.stock_online,
        "stock_elsewhere": view.stock_elsewhere.iter().map(|(s, q)| json!({
            "store": s.id, "name": s.name, "quantity": q, "level": StockLevel::from_quantity(*q)
        })).collect::<Vec<_>>(),
        "offers": view.offers.iter().map(|o| json!({
            "seller": o.seller_name,
            "price": price_json(o.price, lang),
            "shipping": price_json(o.shipping, lang),
            "delivery_days": o.delivery_days,
        })).collect::<Vec<_>>(),
        "code": {
            "form": code.form,
            "lot": code.gs1.lot,
            "serial": code.gs1.serial,
            "expiry": code.gs1.expiry.map(|d| d.to_string()),
            "best_before": code.gs1.best_before.map(|d| d.to_string()),
            "variable_measure": code.variable,
            "net_weight_g": label_net_weight_g(code),
            "label_price": label_price(code, currency).map(|m| price_json(m, lang)),
        },
        "food": p.food,
        "book": p.book,
        "catalog_version": view.catalog_version,
    })
}

/// One `  label          value` line of the lookup text: labels padded to
/// one 15-character column whatever the language.
fn row(out: &mut dyn Write, label: &str, value: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    writeln!(out, "  {label:<15}{value}")
}

/// `status` and `sync` lines shared by both commands.
fn write_catalog_version(out: &mut dyn Write, lang: Lang, version: u64) -> std::io::Result<()> {
    let label = lang.pick("version du catalogue", "catalog version");
    writeln!(out, "{label:<21}{version}")
}

fn write_last_sync(
    out: &mut dyn Write,
    lang: Lang,
    at: Option<vitrine_core::product::UnixTime>,
) -> std::io::Result<()> {
    let label = lang.pick("dernière synchro", "last sync");
    let when = at
        .map(clock::format_utc)
        .unwrap_or_else(|| lang.pick("jamais", "never").into());
    writeln!(out, "{label:<21}{when}")
}

fn write_outbox(out: &mut dyn Write, lang: Lang, pending: u64, dead: u64) -> std::io::Result<()> {
    match lang {
        Lang::Fr => writeln!(
            out,
            "{:<21}{pending} en attente, {dead} refusés par le siège",
            "file d'envoi"
        ),
        _ => writeln!(out, "{:<21}{pending} waiting, {dead} refused by HQ", "outbox"),
    }
}

fn write_lookup_text(
    out: &mut dyn Write,
    view: &ProductView,
    code: &ProductCode,
    lang: Lang,
    store_currency: Currency,
) -> std::io::Result<()> {
    let t = |fr, en| lang.pick(fr, en);
    let p = &view.product;
    writeln!(out, "{}", p.name)?;
    if let Some(b) = &p.brand {
        row(out, t("marque", "brand"), format_args!("{b}"))?;
    }
    if let Some(q) = &p.quantity {
        row(out, t("quantité", "quantity"), format_args!("{q}"))?;
    }
    row(out, "GTIN-14", format_args!("{}", p.gtin))?;
    let demo = if view.demo_values {
        t(
            " (prix de démonstration, pas un vrai prix)",
            " (demo price, not a real price)",
        )
    } else {
        ""
    };
    let price = effective_price(view, code);
    match price {
        Some(m) => row(out, t("prix", "price"), format_args!("{}{demo}", m.format(lang)))?,
        None => row(
            out,
            t("prix", "price"),
            format_args!("{}", t("non disponible", "not available")),
        )?,
    }
    if let Some(u) = view.price.filter(|u| Some(*u) != price) {
        let per = if p.sold_by == SoldBy::Kilogram {
            t(" le kg", " per kg")
        } else {
            ""
        };
        row(
            out,
            t("prix unitaire", "unit price"),
            format_args!("{}{per}", u.format(lang)),
        )?;
    }
    let currency = view.price.map(|u| u.currency).unwrap_or(store_currency);
    if let Some(g) = label_net_weight_g(code) {
        row(out, t("poids net", "net weight"), format_args!("{g} g"))?;
    }
    if let Some(m) = label_price(code, currency) {
        row(
            out,
            t("prix étiquette", "label price"),
            format_args!("{}", m.format(lang)),
        )?;
    }
    for pr in &view.promotions {
        if let Some(u) = view.price {
            row(
                out,
                "promotion",
                format_args!("{}", vitrine_i18n::domain::promo_sentence(pr, u).render(lang)),
            )?;
        }
    }
    match view.stock_here {
        Some(q) => row(
            out,
            t("stock ici", "stock here"),
            format_args!(
                "{q} ({})",
                vitrine_i18n::domain::stock_level(StockLevel::from_quantity(q)).render(lang)
            ),
        )?,
        None => row(
            out,
            t("stock ici", "stock here"),
            format_args!("{}", t("inconnu", "unknown")),
        )?,
    }
    if let Some(q) = view.stock_online {
        row(out, t("en ligne", "online"), format_args!("{q}"))?;
    }
    for (s, q) in &view.stock_elsewhere {
        row(out, &s.id, format_args!("{q} ({})", s.name))?;
    }
    for o in &view.offers {
        match lang {
            Lang::Fr => row(
                out,
                "offre",
                format_args!(
                    "{} {} + {} de livraison, {} jours",
                    o.seller_name,
                    o.price.format(lang),
                    o.shipping.format(lang),
                    o.delivery_days
                ),
            )?,
            _ => row(
                out,
                "offer",
                format_args!(
                    "{} {} + {} shipping, {} days",
                    o.seller_name,
                    o.price.format(lang),
                    o.shipping.format(lang),
                    o.delivery_days
                ),
            )?,
        }
    }
    row(
        out,
        t("catalogue", "catalog"),
        format_args!("version {}", view.catalog_version),
    )?;
    Ok(())
}
