//! The kiosk as `vitrine-kiosk.service` runs it, for real: the `vitrine`
//! binary on a real X server with no window manager (Xvfb, a portrait
//! 1080×1920 panel), with systemd's notification socket played by a unix
//! datagram socket this test binds.
//!
//! - It fills the portrait screen (no window manager honours "full
//!   screen": the kiosk sizes its window to the monitor itself), nothing
//!   cut on the right, nothing left black at the bottom.
//! - It sends READY=1 once its window is up, then WATCHDOG=1 at half of
//!   WATCHDOG_USEC.
//! - The pings come from the UI thread's event loop: with that thread alone
//!   frozen (ptrace stops the main thread; the runtime, camera and catalog
//!   threads keep running), no ping arrives, so systemd's watchdog would
//!   kill the frozen kiosk; thawed, the pings come back.

mod common;

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::kiosk_command;

struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The next notice on the socket (the timeout only bounds a failure).
fn next(sock: &UnixDatagram, kiosk: &mut Reaped) -> String {
    let mut buf = [0u8; 4096];
    sock.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    match sock.recv(&mut buf) {
        Ok(n) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        Err(e) => panic!("no notice from the kiosk ({e}); exited: {:?}", kiosk.0.try_wait()),
    }
}

/// The scheduler state of each thread of `pid` ('t': stopped by a tracer).
fn thread_states(pid: u32) -> Vec<(u32, char)> {
    let mut out = Vec::new();
    for t in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().flatten() {
        let tid: u32 = t.file_name().to_string_lossy().parse().unwrap();
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        // "tid (comm) S ...": the state follows the last ')'.
        if let Some(state) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next())
        {
            out.push((tid, state));
        }
    }
    out
}

fn start_xvfb(display: u32, screen: &str) -> Reaped {
    let xvfb = Command::new("Xvfb")
        .arg(format!(":{display}"))
        .args(["-screen", "0", screen, "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (package xvfb, installed by scripts/setup-debian.sh)");
    let socket = std::path::PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
    for _ in 0..200 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(socket.exists(), "Xvfb did not start");
    Reaped(xvfb)
}

/// The kiosk window's geometry "X Y W H" as the X server has it.
fn window_geometry(display: u32) -> Option<(i32, i32, u32, u32)> {
    let out = Command::new("xdotool")
        .env("DISPLAY", format!(":{display}"))
        .args([
            "search",
            "--onlyvisible",
            "--name",
            "^Vitrine$",
            "getwindowgeometry",
            "--shell",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    Some((
        get("X")? as i32,
        get("Y")? as i32,
        get("WIDTH")? as u32,
        get("HEIGHT")? as u32,
    ))
}

/// The whole X screen as the shopper sees it (ImageMagick's `import`).
fn screenshot(display: u32, to: &Path) -> image::RgbImage {
    let ok = Command::new("import")
        .env("DISPLAY", format!(":{display}"))
        .args(["-window", "root"])
        .arg(to)
        .status()
        .expect("import (package imagemagick)")
        .success();
    assert!(ok, "import failed");
    image::open(to).expect("the screenshot").to_rgb8()
}

#[test]
fn on_a_bare_portrait_x_screen_the_kiosk_fills_it_and_its_ui_thread_feeds_the_watchdog() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sock_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    let display = 500 + (std::process::id() % 400);
    let _xvfb = start_xvfb(display, "1080x1920x24");
    let child = kiosk_command(&data)
        .env("DISPLAY", format!(":{display}"))
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SLINT_BACKEND")
        .env("VITRINE__UI__RENDERER", "software")
        .env("VITRINE__CAMERA__SOURCE", "none")
        .env("NOTIFY_SOCKET", &sock_path)
        // A ping every 250 ms.
        .env("WATCHDOG_USEC", "500000")
        .env_remove("WATCHDOG_PID")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut kiosk = Reaped(child);
    let pid = kiosk.0.id();

    // Up: READY=1 first, then the pings.
    let first = next(&sock, &mut kiosk);
    assert!(first.lines().any(|l| l == "READY=1"), "first notice: {first:?}");
    for _ in 0..3 {
        let n = next(&sock, &mut kiosk);
        assert_eq!(n.trim(), "WATCHDOG=1");
    }

    // The window covers the portrait screen (no window manager here).
    let mut geometry = None;
    for _ in 0..200 {
        geometry = window_geometry(display);
        if geometry == Some((0, 0, 1080, 1920)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        geometry,
        Some((0, 0, 1080, 1920)),
        "the kiosk window on a 1080x1920 screen"
    );
    // And it draws all of it: the corners are the kiosk's, not the bare
    // server's black (the header is near-black #1b1a18, the pages light).
    let mut shot = screenshot(display, &dir.path().join("screen.png"));
    for _ in 0..100 {
        if shot.get_pixel(1075, 1915).0 != [0, 0, 0] {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        shot = screenshot(display, &dir.path().join("screen.png"));
    }
    for (x, y) in [(4, 4), (1075, 4), (4, 1915), (1075, 1915), (1075, 960)] {
        assert_ne!(shot.get_pixel(x, y).0, [0, 0, 0], "undrawn screen at {x},{y}");
    }

    // Freeze the UI thread alone: the main thread (tid == pid) stopped by
    // ptrace, every other thread of the kiosk left running.
    // SAFETY: plain system calls on our own child; no memory is shared.
    unsafe {
        assert_eq!(
            libc::ptrace(libc::PTRACE_SEIZE, pid as libc::pid_t, 0, 0),
            0,
            "PTRACE_SEIZE"
        );
        assert_eq!(
            libc::ptrace(libc::PTRACE_INTERRUPT, pid as libc::pid_t, 0, 0),
            0,
            "PTRACE_INTERRUPT"
        );
        let mut status = 0;
        assert_eq!(
            libc::waitpid(pid as libc::pid_t, &mut status, libc::__WALL),
            pid as libc::pid_t
        );
    }
    let states = thread_states(pid);
    assert!(states.contains(&(pid, 't')), "{states:?}");
    assert!(
        states.iter().any(|&(tid, s)| tid != pid && s != 't'),
        "the other threads run on: {states:?}"
    );
    // What was sent before the freeze is in the socket already: drop it.
    sock.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 4096];
    while sock.recv(&mut buf).is_ok() {}
    sock.set_nonblocking(false).unwrap();
    // Eight ping periods of silence: systemd would have killed it.
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    match sock.recv(&mut buf) {
        Ok(n) => panic!(
            "a notice while the UI thread was frozen: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) => assert!(
            matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            "{e}"
        ),
    }
    assert!(
        thread_states(pid).iter().any(|&(tid, s)| tid != pid && s != 't'),
        "still only the UI thread frozen"
    );

    // Thawed: the pings come back.
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            libc::ptrace(libc::PTRACE_DETACH, pid as libc::pid_t, 0, 0),
            0,
            "PTRACE_DETACH"
        );
    }
    let n = next(&sock, &mut kiosk);
    assert_eq!(n.trim(), "WATCHDOG=1");
}
