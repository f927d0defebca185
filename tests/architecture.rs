//! The dependencies run one way (issue 13), checked on the sources:
//! - no kiosk UI module uses the command line (`crate::cli`);
//! - no HQ route module uses another route module, services use neither
//!   routes nor the HTTP plumbing, and storage uses neither services nor
//!   routes: routes -> services -> storage;
//! - the domain core names no I/O crate and no message catalogue.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// Lines of `dir`'s code (before any `#[cfg(test)]`) that contain one of
/// `forbidden`.
fn uses(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = rust_files(&root.join(dir));
    assert!(!files.is_empty(), "no sources under {dir}");
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            if forbidden.iter().any(|x| l.contains(x)) {
                out.push(format!("{}:{}: {}", f.strip_prefix(root).unwrap().display(), n + 1, l));
            }
        }
    }
    out
}

#[test]
fn the_kiosk_ui_does_not_use_the_command_line() {
    let found = uses("src/ui", &["crate::cli", "super::cli", "cli::"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn hq_routes_services_storage_depend_one_way() {
    // A route names another only through `super::` or `crate::routes::`;
    // routes/mod.rs is the route table that lists them all.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/vitrine-hq/src/routes");
    let mut found = Vec::new();
    for f in rust_files(&root) {
        if f.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("crate::routes") || line.contains("super::") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "a route uses another route:\n{}", found.join("\n"));
    let found = uses("crates/vitrine-hq/src/services", &["crate::routes", "crate::http"]);
    assert!(found.is_empty(), "a service uses routes or HTTP:\n{}", found.join("\n"));
    let found = uses(
        "crates/vitrine-hq/src/storage",
        &["crate::routes", "crate::http", "crate::services"],
    );
    assert!(
        found.is_empty(),
        "storage uses what sits above it:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_core_has_no_io_and_no_words() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/vitrine-core/Cargo.toml")).unwrap();
    for dep in [
        "vitrine-i18n",
        "vitrine-infra",
        "rusqlite",
        "tokio",
        "reqwest",
        "fluent",
    ] {
        assert!(!manifest.contains(dep), "vitrine-core depends on {dep}");
    }
    let found = uses(
        "crates/vitrine-core/src",
        &["vitrine_i18n", "std::fs", "std::net", "SystemTime::now"],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn orders_are_created_and_moved_in_one_place_each() {
    // Every order reaches the webhook's outbox because only
    // services/orders.rs stores one (`create`) or changes its status
    // (`set_status`): no other module calls the storage behind them.
    let found: Vec<String> = uses("crates/vitrine-hq/src", &[".put_order(", ".change_order_status("])
        .into_iter()
        .filter(|l| !l.starts_with("crates/vitrine-hq/src/services/orders.rs:"))
        .collect();
    assert!(
        found.is_empty(),
        "an order stored or moved outside services::orders:\n{}",
        found.join("\n")
    );
}
