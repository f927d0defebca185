//! The kiosk's heartbeat (issue 17): what this process knows of its own
//! health, sent to HQ every `hq.heartbeat_s` and at once when it changes.
//!
//! The sync worker knows the catalog, the outbox and the last sync; the UI
//! tells the rest through a [`HealthProbe`] (the screen shown, the camera's
//! state and decode rate, the last scan, the sound output). A headless
//! `vitrine sync --follow` has no UI: its probe keeps "none" for screen and
//! camera, and "unknown" for sound, rather than guessing.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;
use vitrine_core::product::UnixTime;
use vitrine_core::wire::fleet::{CameraState, Heartbeat, ScreenState};

use super::SyncStatus;

/// What the UI knows of the kiosk's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalHealth {
    pub screen: ScreenState,
    pub camera: CameraState,
    pub decode_fps: Option<u32>,
    pub last_scan: Option<UnixTime>,
    pub audio_device: Option<bool>,
}

impl Default for LocalHealth {
    fn default() -> Self {
        LocalHealth {
            screen: ScreenState::None,
            camera: CameraState::None,
            decode_fps: None,
            last_scan: None,
            audio_device: None,
        }
    }
}

/// Where the UI writes what it knows; the heartbeat task reads it. A change
/// of screen, camera or sound wakes the task at once (a new decode rate or
/// scan alone waits for the next beat: they change all the time).
#[derive(Clone)]
pub struct HealthProbe {
    // std Mutex: held for a copy, never across an await.
    state: Arc<Mutex<LocalHealth>>,
    changed: Arc<Notify>,
    started: Instant,
}

impl Default for HealthProbe {
    fn default() -> Self {
        HealthProbe::new()
    }
}

impl HealthProbe {
    pub fn new() -> HealthProbe {
        HealthProbe {
            state: Arc::new(Mutex::new(LocalHealth::default())),
            changed: Arc::new(Notify::new()),
            started: Instant::now(),
        }
    }

    /// What is known now.
    pub fn get(&self) -> LocalHealth {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update(&self, f: impl FnOnce(&mut LocalHealth)) {
        let (before, after) = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let before = *s;
            f(&mut s);
            (before, *s)
        };
        if (before.screen, before.camera, before.audio_device) != (after.screen, after.camera, after.audio_device) {
            self.changed.notify_one();
        }
    }

    pub fn set_screen(&self, screen: ScreenState) {
        self.update(|s| s.screen = screen);
    }

    /// The camera's state and the decoder's rate (None: no camera running).
    pub fn set_camera(&self, camera: CameraState, decode_fps: Option<u32>) {
        self.update(|s| {
            s.camera = camera;
            s.decode_fps = decode_fps;
        });
    }

    pub fn note_scan(&self, at: UnixTime) {
        self.update(|s| s.last_scan = Some(at));
    }

    pub fn set_audio_device(&self, present: Option<bool>) {
        self.update(|s| s.audio_device = present);
    }

    /// Waits until the screen, camera or sound changes.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Seconds since this probe (the process's sync worker) started.
    pub fn uptime_s(&self) -> u64 {
        self.started.elapsed().as_secs()
    }
}

/// Free bytes for an unprivileged user on the file system of `dir`.
#[cfg(unix)]
pub fn disk_free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs writes only into the struct passed, which is
    // zero-initialised plain data; `path` is a valid C string.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(path.as_ptr(), &mut st) != 0 {
            return None;
        }
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
}

#[cfg(not(unix))]
pub fn disk_free_bytes(_dir: &Path) -> Option<u64> {
    None
}

/// The heartbeat of this kiosk now.
pub fn heartbeat(status: &SyncStatus, probe: &HealthProbe, data_dir: &Path) -> Heartbeat {
    let local = probe.get();
    Heartbeat {
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        catalog_version: status.catalog_version,
        outbox_pending: status.outbox_pending,
        outbox_dead: status.outbox_dead,
        last_sync: status.last_sync,
        last_scan: local.last_scan,
        camera: local.camera,
        decode_fps: local.decode_fps,
        disk_free_bytes: disk_free_bytes(data_dir),
        uptime_s: probe.uptime_s(),
        screen: local.screen,
        audio_device: local.audio_device,
    }
}

/// The part of a heartbeat whose change is worth a beat at once (not the
/// times, rates and free space, which move all the time).
pub fn state_key(b: &Heartbeat) -> (u64, u64, u64, CameraState, ScreenState, Option<bool>) {
    (
        b.catalog_version,
        b.outbox_pending,
        b.outbox_dead,
        b.camera,
        b.screen,
        b.audio_device,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headless_heartbeat_says_none_and_a_change_of_screen_or_camera_wakes_the_sender() {
        let dir = tempfile::tempdir().unwrap();
        let probe = HealthProbe::new();
        let status = SyncStatus {
            catalog_version: 7,
            outbox_pending: 2,
            ..SyncStatus::default()
        };
        let b = heartbeat(&status, &probe, dir.path());
        assert_eq!(
            (b.screen, b.camera, b.audio_device),
            (ScreenState::None, CameraState::None, None)
        );
        assert_eq!((b.catalog_version, b.outbox_pending), (7, 2));
        assert!(b.disk_free_bytes.is_some_and(|f| f > 0));
        assert_eq!(b.validate(), Ok(()));

        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            probe.set_camera(CameraState::Down, None);
            // The change was noted before anyone waited: the wait ends at once.
            tokio::time::timeout(std::time::Duration::from_secs(5), probe.changed())
                .await
                .expect("a change of camera wakes the heartbeat");
        });
        probe.note_scan(1_700_000_000);
        let b2 = heartbeat(&status, &probe, dir.path());
        assert_eq!((b2.camera, b2.last_scan), (CameraState::Down, Some(1_700_000_000)));
        assert!(state_key(&b) != state_key(&b2));
    }
}
