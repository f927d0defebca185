//! Pages rendered by a real browser: Debian's Chromium, headless.

use std::time::Duration;

/// Runs headless Chromium on `url` and returns the DOM after its scripts ran
/// (up to 15 s of the page's virtual time), in a throw-away profile.
pub async fn chromium_dom(url: &str) -> String {
    let profile = tempfile::tempdir().expect("a profile folder");
    let url = url.to_string();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("chromium")
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-dev-shm-usage",
                    "--virtual-time-budget=15000",
                    &profile_arg,
                    "--dump-dom",
                    &url,
                ])
                .output()
        }),
    )
    .await
    .expect("chromium took more than 2 minutes")
    .expect("the chromium task")
    .expect("chromium is not installed: run scripts/setup-debian.sh (apt-get install chromium)");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("chromium's DOM as UTF-8")
}
