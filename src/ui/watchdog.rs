//! The systemd watchdog (vitrine-kiosk.service, `Type=notify`,
//! `WatchdogSec=`): READY=1 once the window is on screen, then WATCHDOG=1
//! from a Slint timer, so from the UI thread's own event loop. If that loop
//! stops turning (a callback that never returns, a deadlock), the pings
//! stop and systemd kills and restarts the kiosk instead of leaving a
//! frozen screen in front of shoppers. Outside systemd (no NOTIFY_SOCKET)
//! nothing is sent.

use std::time::Duration;

/// The readiness notice and the watchdog's timer; dropping it stops the
/// pings.
pub struct Watchdog {
    _ping: Option<slint::Timer>,
}

/// Call from the event loop, once the window is shown: sends READY=1 and,
/// when systemd asks for a watchdog (WATCHDOG_USEC), pings at half its
/// period.
pub fn start() -> Watchdog {
    notify(sd_notify::NotifyState::Ready);
    let Some(period) = sd_notify::watchdog_enabled() else {
        return Watchdog { _ping: None };
    };
    let every = (period / 2).max(Duration::from_millis(1));
    tracing::info!(every_ms = every.as_millis() as u64, "systemd watchdog on");
    notify(sd_notify::NotifyState::Watchdog);
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, every, || {
        notify(sd_notify::NotifyState::Watchdog)
    });
    Watchdog { _ping: Some(timer) }
}

/// Sends one notice; a failure is logged (systemd then restarts the kiosk
/// for a missing ping, which is the safe side).
fn notify(state: sd_notify::NotifyState<'_>) {
    if let Err(e) = sd_notify::notify(&[state]) {
        tracing::warn!(error = %e, "cannot notify systemd");
    }
}
