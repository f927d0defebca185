//! `vitrine speak "TEXT" [--lang fr] --out FILE.wav`: one utterance rendered
//! by the kiosk's engine (espeak-ng) with the kiosk's rate and volume
//! (`[accessibility]`), into a WAV file. For staff to hear the voice on
//! another machine and for tests (the kiosk itself may have no sound
//! device). Prints the file's duration.

use std::io::Write;
use std::path::PathBuf;

use vitrine_core::Lang;
use vitrine_i18n::{text, tr};

use super::output::{self, EXIT_FAILURE, EXIT_INVALID, Exit};
use crate::config::LoadedConfig;
use crate::speech::{Voice, engine};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to say.
    text: String,
    /// The language (a language of the message catalogue: fr, en, de);
    /// default: ui.language.
    #[arg(long)]
    lang: Option<String>,
    /// The WAV file to write.
    #[arg(long, value_name = "FILE.wav")]
    out: PathBuf,
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let lang = match &args.lang {
        None => cfg.lang(),
        Some(code) => Lang::parse(code)
            .filter(|l| vitrine_i18n::supported(*l))
            .ok_or_else(|| {
                let known: Vec<String> = vitrine_i18n::available().iter().map(|l| l.to_string()).collect();
                Exit::new(
                    EXIT_INVALID,
                    text!("cli-speak-bad-lang", lang = code.as_str(), known = known.join(", ")),
                )
            })?,
    };
    let a = &cfg.config.accessibility;
    let voice = Voice {
        rate_wpm: a.rate_wpm,
        volume: a.volume,
    };
    engine::render_wav(&args.text, lang.code(), voice, &args.out)
        .map_err(|e| Exit::new(EXIT_FAILURE, text!("cli-speak-failed", reason = e.to_string())))?;
    let seconds = std::fs::read(&args.out)
        .ok()
        .and_then(|b| engine::wav_samples(&b))
        .map(|(rate, samples)| samples.len() as f64 / f64::from(rate.max(1)))
        .unwrap_or(0.0);
    let ms = (seconds * 1000.0).round() as i64;
    writeln!(
        out,
        "{}",
        tr!(
            cfg.lang(),
            "cli-speak-done",
            file = args.out.display().to_string(),
            ms = ms
        )
    )
    .map_err(output::write_failed)
}
