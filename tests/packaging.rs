//! The kiosk's Debian package ships `deploy/debian/vitrine/kiosk.toml` as
//! its settings: `config/kiosk.toml` (every key, documented, with its
//! default) with only the data folder moved to `/var/lib/vitrine`. These
//! checks keep the two from drifting apart, and the packaged file loading.
//! The package itself is built, installed and run by
//! `scripts/check-packages.sh` (CI).

use std::path::Path;

fn read(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn the_packaged_settings_are_the_documented_defaults_with_the_system_data_folder() {
    let repo = read("config/kiosk.toml");
    let packaged = read("deploy/debian/vitrine/kiosk.toml");
    let differ: Vec<(&str, &str)> = repo.lines().zip(packaged.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(differ, [("data_dir = \"data\"", "data_dir = \"/var/lib/vitrine\"")]);
    assert_eq!(repo.lines().count(), packaged.lines().count());

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/debian/vitrine/kiosk.toml");
    let loaded = vitrine::config::load(Some(&path), std::iter::empty()).expect("the packaged settings load");
    assert_eq!(loaded.config.kiosk.data_dir, Path::new("/var/lib/vitrine"));
    assert_eq!(loaded.config.ui.layout, vitrine::config::Layout::Auto);
}
