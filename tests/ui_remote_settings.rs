//! Remote settings on a running kiosk (issue 17), headless: HQ's settings,
//! as the sync worker keeps them, apply without a restart; a kiosk's own
//! beat its store's; a staff change made here after HQ's value wins until
//! HQ sets that key again.

mod support;

use support::{TestKiosk, config, seed};
use vitrine::config::{Layout, Origin};
use vitrine::sync::Outbox;
use vitrine_core::wire::settings::{RemoteSetting, SettingScope, SettingsAnswer};

fn setting(key: &str, value: &str, scope: SettingScope, version: u64, updated_at: i64) -> RemoteSetting {
    RemoteSetting {
        key: key.into(),
        value: Some(value.into()),
        scope,
        updated_at,
        version,
    }
}

fn answer(version: u64, settings: Vec<RemoteSetting>) -> SettingsAnswer {
    SettingsAnswer {
        device_id: "dev-1".into(),
        store: "paris-01".into(),
        version,
        settings,
    }
}

/// Handles what the workers sent until `done` holds of the kiosk's
/// configuration: HQ's settings reach the UI through the sync status, a
/// message that may come after `settle` found nothing pending.
fn settle_until(k: &TestKiosk, done: impl Fn(&vitrine::config::KioskConfig) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        k.settle();
        if done(&k.kiosk.config().config) || std::time::Instant::now() > deadline {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn hqs_settings_apply_at_once_and_a_later_staff_change_wins_until_hq_sets_it_again() {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    // Staff changed the layout here at t=500 (to landscape).
    vitrine::staff::note_staff_changes(dir.path(), &["ui.layout".into()], 500).unwrap();
    let ob = Outbox::open(dir.path()).unwrap();
    let k = TestKiosk::with_outbox(
        config(dir.path(), &[("VITRINE__UI__LAYOUT", "landscape")]),
        Some(ob.clone()),
    );
    assert_eq!(k.kiosk.config().config.ui.idle_timeout_s, 60);

    // A store setting applies without a restart.
    let store_idle = setting("ui.idle_timeout_s", "90", SettingScope::Store, 1, 100);
    ob.save_remote_settings("dev-1", &answer(1, vec![store_idle.clone()]))
        .unwrap();
    settle_until(&k, |c| c.ui.idle_timeout_s == 90);
    let c = k.kiosk.config();
    assert_eq!(c.config.ui.idle_timeout_s, 90);
    assert_eq!(
        c.origin_of("ui.idle_timeout_s"),
        Origin::Hq {
            scope: SettingScope::Store,
            version: 1
        }
    );

    // The kiosk's own setting beats its store's; HQ's layout, set before
    // staff changed it here, does not apply.
    ob.save_remote_settings(
        "dev-1",
        &answer(
            3,
            vec![
                store_idle.clone(),
                setting("ui.idle_timeout_s", "150", SettingScope::Device, 2, 200),
                setting("ui.layout", "portrait", SettingScope::Store, 3, 300),
            ],
        ),
    )
    .unwrap();
    settle_until(&k, |c| c.ui.idle_timeout_s == 150);
    let c = k.kiosk.config();
    assert_eq!(c.config.ui.idle_timeout_s, 150);
    assert_eq!(c.config.ui.layout, Layout::Landscape, "staff's later change wins");

    // HQ sets the layout again after staff's change: HQ's wins.
    ob.save_remote_settings(
        "dev-1",
        &answer(
            4,
            vec![
                store_idle,
                setting("ui.layout", "portrait", SettingScope::Store, 4, 900),
            ],
        ),
    )
    .unwrap();
    settle_until(&k, |c| c.ui.layout == Layout::Portrait);
    let c = k.kiosk.config();
    assert_eq!(c.config.ui.layout, Layout::Portrait);
    assert_eq!(
        c.config.ui.idle_timeout_s, 90,
        "the device's value removed: the store's again"
    );
}
