//! Compiles the kiosk's Slint UI (`ui/main.slint`) with its bundled
//! translations (`ui/translations/<lang>/LC_MESSAGES/vitrine.po`).
//!
//! Non-release builds carry the element debug info that the headless UI
//! tests need to find elements by accessible label.

fn main() {
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_bundled_translations("ui/translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(!release);
    if let Err(e) = slint_build::compile_with_config("ui/main.slint", config) {
        eprintln!("cannot compile the Slint UI: {e}");
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed=ui");
}
