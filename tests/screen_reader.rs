//! What a screen reader sees of the kiosk: the real `vitrine` with its Slint
//! window on a private Xvfb display, its accessibility tree read over AT-SPI
//! (the interface Orca uses) by `tests/support/screen_reader.sh` inside its
//! own D-Bus session. Slint's `accessibility` feature (AccessKit) exposes
//! every control's accessible label there.

use std::process::Command;

#[test]
fn a_screen_reader_reads_the_kiosks_texts_and_buttons_over_at_spi() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/screen_reader.sh"))
        .arg(env!("CARGO_BIN_EXE_vitrine"))
        .arg(data.path())
        .env_remove("VITRINE_CONFIG")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("dbus-run-session (apt-get install dbus at-spi2-core python3-pyatspi xvfb)");
    let text = String::from_utf8_lossy(&out.stdout);
    let why = String::from_utf8_lossy(&out.stderr);
    for line in [
        "frame | Vitrine",
        "label | Scannez un produit",
        "push button | Commencer : scanner un produit",
        "push button | Chercher par nom",
        "push button | English: switch to English",
        "push button | Accessibilité : taille du texte et disposition",
        "push button | Accès personnel (appui long)",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "a screen reader does not see {line:?}; it saw:\n{text}\n{why}"
        );
    }
}
