//! The core's purity, checked on what it may depend on: every dependency in
//! its Cargo.toml is a pure computation crate (no file, network, clock or
//! randomness crate, and no feature of one that would read the clock or the
//! random source). The calls themselves are checked by clippy.toml. The
//! manifest is compiled in (`include_str!`): this test does no I/O either.

const MANIFEST: &str = include_str!("../Cargo.toml");
/// Where `x.workspace = true` takes its version and features from.
const WORKSPACE: &str = include_str!("../../../Cargo.toml");

/// Crates whose code only computes: parsing, encoding, hashing, signature
/// checks.
const ALLOWED: &[&str] = &[
    "serde",
    "serde_json",
    "thiserror",
    "uuid",
    "ed25519-dalek",
    "sha2",
    "base64",
    // The offline card table (issue 14): a hash and a cipher, both pure
    // computation (declared without their random-source features).
    "argon2",
    "chacha20poly1305",
];

/// The lines of the table `table` of `manifest`.
fn table(manifest: &'static str, table: &str) -> Vec<&'static str> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != table)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn dep_name(line: &str) -> &str {
    line.split(['=', '.']).next().unwrap_or_default().trim()
}

#[test]
fn the_core_depends_only_on_pure_crates() {
    let deps = table(MANIFEST, "[dependencies]");
    assert!(!deps.is_empty(), "no [dependencies] table found");
    let workspace = table(WORKSPACE, "[workspace.dependencies]");
    assert!(!workspace.is_empty(), "no [workspace.dependencies] table found");
    for line in &deps {
        let name = dep_name(line);
        assert!(
            ALLOWED.contains(&name),
            "vitrine-core depends on `{name}`: the core does no I/O (see clippy.toml); \
             if `{name}` only computes, add it to ALLOWED in this test"
        );
        // Its declaration here and, when inherited, in the workspace.
        let inherited = workspace
            .iter()
            .filter(|w| line.contains("workspace") && dep_name(w) == name);
        for declared in std::iter::once(line).chain(inherited) {
            // A UUID made here would read the clock and the random source.
            for feature in ["\"v1\"", "\"v4\"", "\"v6\"", "\"v7\"", "fast-rng", "getrandom", "rand"] {
                assert!(
                    !declared.contains(feature),
                    "{declared}: feature {feature} reads the clock or randomness"
                );
            }
        }
    }
}
