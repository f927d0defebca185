//! The `tracing` subscriber both binaries install: human-readable lines on
//! standard error (journald takes them from there under systemd), coloured
//! only on a terminal, filtered by an environment variable first.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber. The filter is `env_var` if it is set and valid,
/// else `fallback` (the configured level), else `info`. Call once, at the
/// start of `main`.
pub fn init(env_var: &str, fallback: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(filter(std::env::var(env_var).ok().as_deref(), fallback))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// The filter: `from_env` (the variable's value) if valid, else `fallback`,
/// else `info`. A bad variable must not leave a service without logs.
fn filter(from_env: Option<&str>, fallback: &str) -> EnvFilter {
    from_env
        .and_then(|v| EnvFilter::try_new(v).ok())
        .or_else(|| EnvFilter::try_new(fallback).ok())
        .unwrap_or_else(|| EnvFilter::new("info"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_then_the_fallback_then_info() {
        assert_eq!(filter(Some("vitrine=debug"), "warn").to_string(), "vitrine=debug");
        assert_eq!(filter(None, "warn").to_string(), "warn");
        assert_eq!(filter(Some("[bad"), "warn").to_string(), "warn");
        assert_eq!(filter(Some("[bad"), "[also bad").to_string(), "info");
    }
}
