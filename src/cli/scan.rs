//! `vitrine scan`: barcodes in image files, or the live scan pipeline on a
//! replay or a camera.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};
use vitrine_core::code::Scanned;
use vitrine_i18n::{Arg, text, tr};

use super::output::{self, EXIT_FAILURE, EXIT_INVALID, Exit};
use crate::camera::device::CameraSource;
use crate::camera::replay::{self, ReplaySource};
use crate::camera::{FrameSource, SourceError};
use crate::config::LoadedConfig;
use crate::scan::decoder::{Symbol, ZxingDecoder};
use crate::scan::pipeline::PipelineSettings;
use crate::scan::{self, CameraStatus, ScanEvent, ScanPipeline};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("live").args(["replay", "camera"]).multiple(false))]
pub struct Args {
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
}

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    match (args.replay.is_empty(), &args.camera) {
        (false, _) => {
            let source = replay_source(cfg, &args.replay, args.fps, args.loops)?;
            scan_live(cfg, Box::new(source), None, args.json, out)
        }
        (true, Some(device)) => {
            let mut source = CameraSource::from_config(&cfg.config.camera);
            source.device = device.clone();
            if let Some(fps) = args.fps {
                source.fps = fps;
            }
            scan_live(cfg, Box::new(source), Some(device), args.json, out)
        }
        (true, None) => scan_files(cfg, &args.files, args.json, out),
    }
}

/// `vitrine scan FILE...`
fn scan_files(cfg: &LoadedConfig, files: &[PathBuf], json: bool, out: &mut dyn Write) -> Result<(), Exit> {
    let w = output::write_failed;
    let ctx = crate::scan::code_context(&cfg.config.scan);
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
                unreadable.push(output::cannot_read(std::path::Path::new(&e.path), &e.reason).render(cfg.lang()));
                continue;
            }
        };
        // One line per file: the symbol `scan::best_of` picks (the first
        // product code, else the first symbol).
        let results: Vec<_> = symbols.iter().map(|s| s.classify(&ctx)).collect();
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
        // One error line per file (the binary writes "vitrine: " before the first).
        Err(Exit::verbatim(EXIT_INVALID, unreadable.join("\nvitrine: ")))
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
            let files = replay::image_files(dir).map_err(|e| Exit::new(EXIT_INVALID, e.text()))?;
            if files.is_empty() {
                return Err(Exit::new(
                    EXIT_INVALID,
                    SourceError::NoImages {
                        what: dir.display().to_string(),
                    }
                    .text(),
                ));
            }
            ReplaySource::from_dir(dir, fps)
        }
        files => {
            for f in files {
                if f.is_dir() {
                    return Err(Exit::new(
                        EXIT_INVALID,
                        text!(
                            "cli-scan-replay-folder",
                            folder = f.display().to_string(),
                            count = files.len()
                        ),
                    ));
                }
                std::fs::metadata(f).map_err(|e| output::cannot_read(f, e))?;
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
    let w = output::write_failed;
    let lang = cfg.lang();
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
                        text!("cli-scan-camera-unavailable", device = device, reason = error.text()),
                    ));
                }
                CameraStatus::Unavailable { error, .. } if !error.is_retryable() => {
                    return Err(Exit::new(EXIT_INVALID, error.text()));
                }
                st @ CameraStatus::Unavailable { .. } => {
                    let attempt = match &st {
                        CameraStatus::Unavailable { attempt, .. } => Some(*attempt),
                        _ => None,
                    };
                    if reported != attempt {
                        eprintln!("vitrine: {}", st.text().render(lang));
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
        // Latencies to a tenth of a millisecond, with the language's decimal sign.
        let tenths = |ms: f64| Arg::Decimal((ms * 10.0).round() as i64, 1);
        let summary = tr!(
            lang,
            "cli-scan-summary",
            scans = latencies.len(),
            p50 = tenths(pct(0.5)),
            p95 = tenths(pct(0.95)),
            captured = m.frames_captured,
            decoded = m.frames_decoded,
            dropped = m.frames_dropped
        );
        writeln!(out, "{summary}").map_err(w)?;
    }
    Ok(())
}
