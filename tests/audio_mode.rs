//! Audio mode on the real kiosk (issue 15's "done when"): `vitrine` on its
//! demo data in a window on a private Xvfb display, a speech log, and keys
//! sent as a person presses them (xdotool): F1, Enter on "Start", the
//! digits of a code and Enter. The log holds the announcement, then the
//! product's name and price. Also `vitrine speak` into a WAV file.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vitrine::speech::engine::wav_samples;
use vitrine::speech::log::read;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool (apt-get install xdotool)");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn f1_enter_and_a_typed_code_are_spoken_by_the_running_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let dispfile = dir.path().join("display");
    let xvfb = Killed(
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>{}",
                dispfile.display()
            ))
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (apt-get install xvfb)"),
    );
    wait_for("Xvfb", || {
        std::fs::read_to_string(&dispfile).is_ok_and(|s| s.trim().parse::<u32>().is_ok())
    });
    let display = format!(":{}", std::fs::read_to_string(&dispfile).unwrap().trim());
    let log = dir.path().join("speech.jsonl");
    let kiosk = Killed(
        Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .env_remove("VITRINE_CONFIG")
            .current_dir(dir.path())
            .env("DISPLAY", &display)
            .env("SLINT_BACKEND", "winit-software")
            .env("VITRINE__UI__FULLSCREEN", "false")
            .env("VITRINE__CAMERA__SOURCE", "none")
            .env("VITRINE__ACCESSIBILITY__SPEECH_LOG", &log)
            .env("VITRINE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut wid = String::new();
    wait_for("the kiosk's window", || {
        wid = xdotool(&display, &["search", "--name", "^Vitrine$"]);
        !wid.is_empty()
    });
    let wid = wid.lines().next().unwrap().to_string();
    // The window draws and takes the keyboard before the first key.
    std::thread::sleep(Duration::from_secs(1));
    xdotool(&display, &["windowfocus", "--sync", &wid]);
    let heard = |pred: &dyn Fn(&str) -> bool, from: usize, what: &str| -> usize {
        let mut at = 0;
        wait_for(what, || {
            let lines = read(&log).unwrap();
            match lines.iter().skip(from).position(|l| pred(&l.text)) {
                Some(i) => {
                    at = from + i;
                    true
                }
                None => false,
            }
        });
        at
    };
    xdotool(&display, &["key", "F1"]);
    let on = heard(&|t| t.starts_with("Mode audio activé."), 0, "the announcement");
    heard(
        &|t| t.starts_with("Commencer : scanner un produit"),
        on,
        "Start focused",
    );
    xdotool(&display, &["key", "Return"]);
    let scan = heard(&|t| t.starts_with("Scanner un produit."), on, "the scan page");
    // Typed by a person, one digit every 120 ms (said back one by one).
    xdotool(&display, &["type", "--delay", "120", "5449000039231"]);
    xdotool(&display, &["key", "Return"]);
    let name = heard(&|t| t == "Nordic must original.", scan, "the product's name");
    let price = heard(&|t| t.starts_with("Prix : ") && t.contains(" €"), name, "its price");
    let lines = read(&log).unwrap();
    assert!(on < name && name < price, "{lines:#?}");
    assert!(lines.iter().all(|l| l.lang == "fr" && !l.time.is_empty()));
    drop(kiosk);
    drop(xvfb);
}

fn samples(path: &Path) -> (u32, Vec<i16>) {
    wav_samples(&std::fs::read(path).unwrap()).expect("a 16-bit PCM WAV")
}

#[test]
fn vitrine_speak_writes_a_wav_that_is_speech_not_silence() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, text) in [
        ("fr", "Bonjour"),
        ("en", "Hello, your basket is ready"),
        ("de", "Guten Tag"),
    ] {
        let out = dir.path().join(format!("{lang}.wav"));
        let run = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args(["speak", text, "--lang", lang, "--out"])
            .arg(&out)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("VITRINE_CONFIG")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let (rate, s) = samples(&out);
        let seconds = s.len() as f64 / f64::from(rate);
        assert!((0.3..10.0).contains(&seconds), "{lang}: {seconds} s");
        let rms = (s.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / s.len() as f64).sqrt();
        assert!(rms > 500.0, "{lang}: speech, not silence (RMS {rms})");
        let said = String::from_utf8_lossy(&run.stdout);
        assert!(said.contains(" ms"), "{said}");
    }
    // A faster rate says the same in less time.
    let slow = dir.path().join("slow.wav");
    let fast = dir.path().join("fast.wav");
    for (file, rate) in [(&slow, "120"), (&fast, "350")] {
        let run = Command::new(env!("CARGO_BIN_EXE_vitrine"))
            .args([
                "speak",
                "Nordic must original, trois euros neuf",
                "--lang",
                "fr",
                "--out",
            ])
            .arg(file)
            .env_remove("VITRINE_CONFIG")
            .env("VITRINE__ACCESSIBILITY__RATE_WPM", rate)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(run.status.success());
    }
    assert!(samples(&fast).1.len() * 2 < samples(&slow).1.len());
    // A language the catalogue does not have is refused (exit 2).
    let run = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["speak", "x", "--lang", "xx", "--out"])
        .arg(dir.path().join("x.wav"))
        .env_remove("VITRINE_CONFIG")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}
