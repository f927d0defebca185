//! `vitrine import FILE`: the referential's JSONL into the catalog, with a
//! progress bar on a terminal.

use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;

use vitrine_core::Lang;
use vitrine_i18n::{text, tr};

use super::output::{self, EXIT_INVALID, Exit};
use crate::catalog::{Catalog, CatalogError};
use crate::clock;
use crate::config::LoadedConfig;

#[derive(Debug, clap::Args)]
pub struct Args {
    file: PathBuf,
    /// Also generate demo prices, stock and promotions for the imported products.
    #[arg(long)]
    demo_prices: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = cfg.lang();
    let file = &args.file;
    let f = std::fs::File::open(file).map_err(|e| output::cannot_read(file, e))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut cat = Catalog::open(&cfg.config.kiosk.data_dir)?;
    let bar = progress_bar(size, lang);
    let counting = CountingReader {
        inner: f,
        bar: bar.clone(),
    };
    let seed = cfg.config.demo.seed;
    let now = clock::now();
    let mut extra = |ps: &[vitrine_core::product::Product]| vitrine_core::demo::demo_changes(ps, seed, now);
    let extra_ref: Option<crate::catalog::ExtraChanges<'_>> = if args.demo_prices { Some(&mut extra) } else { None };
    let report = cat.import_jsonl(BufReader::with_capacity(1 << 20, counting), now, extra_ref, &mut |_| {});
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        // A damaged file: which line, and why (the parser's words).
        CatalogError::Import(m) => Exit::new(
            EXIT_INVALID,
            text!("cli-error-import", file = file.display().to_string(), detail = m),
        ),
        other => Exit::from(other),
    })?;
    if args.demo_prices {
        cat.set_meta(crate::catalog::meta::ORIGIN, vitrine_core::demo::DEMO_ORIGIN)?;
    }
    if args.json {
        return output::print_json(out, &report);
    }
    let done = tr!(
        lang,
        "cli-import-done",
        imported = report.imported,
        skipped = report.skipped,
        version = report.catalog_version
    );
    writeln!(out, "{done}").map_err(output::write_failed)?;
    for ex in &report.skipped_examples {
        writeln!(out, "  {}", tr!(lang, "cli-import-skipped", example = ex)).map_err(output::write_failed)?;
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal, hidden otherwise. Its
/// words come from the catalogue; indicatif's placeholders are passed to
/// the message as arguments, so a translation places them where its
/// grammar wants.
fn progress_bar(len: u64, lang: Lang) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let template = tr!(
        lang,
        "cli-import-progress",
        bar = "{bar:40}",
        bytes = "{bytes}",
        total = "{total_bytes}",
        eta = "{eta}"
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
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
