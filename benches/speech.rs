//! Speech benchmarks (figures in docs/BENCHMARKS.md, section "Speech").
//!
//! 1. Key press to speech start: the real kiosk (headless, Slint's testing
//!    platform, demo catalog) in audio mode; a Down key event is dispatched
//!    to the window and the clock stops when the speech worker hands the
//!    first sound of the focused control's name to the sound stack (here
//!    the "no device" sink: espeak-ng still renders it, nothing plays).
//! 2. Scan to product spoken: a code read sent to the kiosk in audio mode,
//!    to the first sound of the product's description.
//! 3. CPU while speaking: espeak-ng's CPU time (all its processes) per
//!    second of speech rendered, at the default rate and at 2x.
//! 4. Start latency of speech-dispatcher (SSIP, its espeak-ng module) when
//!    a daemon runs (`SPEECHD_ADDRESS=unix_socket:PATH`), for comparison.
//!
//! Run: `cargo bench --bench speech` (no display, no sound card needed).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, SharedString};
use vitrine::speech::{EngineKind, Settings, Speaker, SpeechEvent, Voice};
use vitrine_core::Symbology;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<46} n={:<4} p50={:>7.1} ms  p95={:>7.1} ms  max={:>7.1} ms",
        v.len(),
        ms(percentile(&v, 0.5)),
        ms(percentile(&v, 0.95)),
        ms(*v.last().unwrap_or(&Duration::ZERO))
    );
}

/// The first `Started` event after `t0`.
fn started(rx: &flume::Receiver<SpeechEvent>, t0: Instant) -> Option<Duration> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(ev) = rx.recv_deadline(deadline) {
        if let SpeechEvent::Started { at, .. } = ev
            && at >= t0
        {
            return Some(at - t0);
        }
    }
    None
}

fn key(k: &support::TestKiosk, key: Key) {
    let text = SharedString::from(char::from(key).to_string());
    k.ui()
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    k.ui().window().dispatch_event(WindowEvent::KeyReleased { text });
}

fn cpu_children() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn main() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    support::seed(dir.path());
    let k = support::TestKiosk::new(support::config(
        dir.path(),
        &[("VITRINE__ACCESSIBILITY__HEADSET_DETECTION", "false")],
    ));
    let rx = k.kiosk.speech_events().expect("speech is on");
    key(&k, Key::F1);
    k.settle();
    std::thread::sleep(Duration::from_millis(300));
    let mut keys = Vec::new();
    for _ in 0..200 {
        while rx.try_recv().is_ok() {}
        let t0 = Instant::now();
        key(&k, Key::DownArrow);
        k.settle();
        if let Some(d) = started(&rx, t0) {
            keys.push(d);
        }
    }
    report("key press -> speech start (espeak-ng)", keys);

    let mut scans = Vec::new();
    for _ in 0..50 {
        k.go(vitrine::ui::Page::Scan);
        std::thread::sleep(Duration::from_millis(50));
        while rx.try_recv().is_ok() {}
        let t0 = Instant::now();
        k.scan(support::NORDIC, Symbology::Ean13);
        // The first sound after the product page's description starts.
        if let Some(d) = started(&rx, t0) {
            scans.push(d);
        }
    }
    report("scan -> product spoken (espeak-ng)", scans);
    drop(k);

    // CPU per second of speech: sentences said to their end, nothing cut.
    let text = "Nordic must original. Prix : 3,09 euros. Promotion : 3 pour le prix de 2. Ici : en stock.";
    for rate in [175u32, 350] {
        let sp = Speaker::start(Settings {
            engine: EngineKind::EspeakNg,
            voice: Voice {
                rate_wpm: rate,
                volume: 80,
            },
            player: vec!["aplay".into()],
            log: None,
            sink: Some(vitrine::speech::Sink::WavDir(dir.path().to_path_buf())),
            headset_detection: false,
            on_headset: None,
        });
        let ev = sp.events();
        let before = cpu_children();
        let n = 20;
        for _ in 0..n {
            let no = sp.say_after("fr", text);
            while let Ok(e) = ev.recv_timeout(Duration::from_secs(10)) {
                if e == (SpeechEvent::Finished { no }) {
                    break;
                }
            }
        }
        let cpu = cpu_children() - before;
        let wav = std::fs::read(dir.path().join("0001.wav")).unwrap();
        let (sr, samples) = vitrine::speech::engine::wav_samples(&wav).unwrap();
        let audio = samples.len() as f64 / f64::from(sr) * f64::from(n);
        println!(
            "CPU while speaking at {rate} wpm: {:.1} ms of CPU per second of speech ({:.2} % of one core), {audio:.1} s of speech",
            cpu.as_secs_f64() * 1000.0 / audio,
            cpu.as_secs_f64() / audio * 100.0
        );
    }

    // speech-dispatcher, when a daemon is there.
    let path = vitrine::speech::ssip::socket_path();
    if path.exists() {
        let mut c = vitrine::speech::ssip::Client::connect(
            &path,
            Voice {
                rate_wpm: 175,
                volume: 80,
            },
        )
        .unwrap();
        let mut v = Vec::new();
        for _ in 0..50 {
            let t0 = Instant::now();
            c.cancel();
            c.speak("fr", "Ajouter au panier, bouton.").unwrap();
            v.push(t0.elapsed());
        }
        report("speech-dispatcher: cancel + SPEAK answered", v);
    } else {
        println!("speech-dispatcher: no daemon at {} (skipped)", path.display());
    }
}
