//! What every command shares: the exit codes, [`Exit`] (an error with its
//! exit code and the sentence for the person at the terminal), JSON and
//! aligned-row output, amounts in JSON, and the words for the typed errors
//! of the modules the commands call (codes, sync, catalog).

use std::io::Write;

use serde::Serialize;
use serde_json::{Value, json};
use vitrine_core::code::CodeError;
use vitrine_core::{Lang, Money};
use vitrine_i18n::{MoneyText, Text, text};

use crate::catalog::{Catalog, CatalogError};
use crate::clock;
use crate::config::LoadedConfig;
use crate::sync::{Problem, SyncError};

pub const EXIT_FAILURE: i32 = 1;
pub const EXIT_INVALID: i32 = 2;
pub const EXIT_NOT_FOUND: i32 = 3;
pub const EXIT_CONFIG: i32 = 78;

/// An error with the exit code it should give. The message is a [`Text`],
/// written in the configured language when the process ends.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    pub message: Text,
}

impl Exit {
    pub fn new(code: i32, message: Text) -> Exit {
        Exit { code, message }
    }

    /// Words that are the same in every language: another module's
    /// technical detail (a database error, the operating system's).
    pub fn verbatim(code: i32, message: impl Into<String>) -> Exit {
        Exit::new(code, Text::verbatim(message))
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.message.render(lang)
    }
}

/// Writing to stdout failed (a closed pipe, a full disk).
pub fn write_failed(e: std::io::Error) -> Exit {
    Exit::new(EXIT_FAILURE, text!("cli-error-write", detail = e.to_string()))
}

impl From<SyncError> for Exit {
    fn from(e: SyncError) -> Self {
        let code = match &e {
            SyncError::NotEnrolled | SyncError::Invalid(_) => EXIT_INVALID,
            _ => EXIT_FAILURE,
        };
        let message = match &e {
            SyncError::NotEnrolled => text!("cli-error-not-enrolled"),
            // Refusals the outbox words itself (an empty basket, a bad
            // quantity), and the catalog's own errors.
            SyncError::Invalid(m) => Text::verbatim(m),
            SyncError::Catalog(c) => return Exit::from_catalog(c),
            other => text!(
                "cli-error-sync",
                problem = Problem::of(other).text(),
                detail = other.to_string()
            ),
        };
        Exit::new(code, message)
    }
}

impl From<CatalogError> for Exit {
    fn from(e: CatalogError) -> Self {
        Exit::from_catalog(&e)
    }
}

impl Exit {
    /// The catalog's errors are technical (a database, a folder) and for
    /// IT: passed on in their own words.
    fn from_catalog(e: &CatalogError) -> Exit {
        Exit::verbatim(EXIT_FAILURE, e.to_string())
    }
}

/// Why a code was refused, for the person who typed it: which digit is
/// wrong, how many there should be. (The kiosk's screen words the same
/// errors more briefly, for shoppers.) GS1 refusals are worded by
/// `vitrine_i18n::gs1`, the same words as on the kiosk's screen.
pub fn code_error(e: &CodeError) -> Text {
    match e {
        CodeError::Empty => text!("cli-code-empty"),
        CodeError::InvalidCharacter { ch, pos } => {
            text!("cli-code-invalid-character", ch = ch.to_string(), pos = pos + 1)
        }
        CodeError::BadLength { len } => text!("cli-code-bad-length", len = *len),
        CodeError::CheckDigit { code, expected, found } => text!(
            "cli-code-check-digit",
            code = code,
            expected = u32::from(*expected),
            found = u32::from(*found)
        ),
        CodeError::CheckDigit8 {
            code,
            ean8,
            upce,
            found,
        } => text!(
            "cli-code-check-digit-8",
            code = code,
            ean8 = u32::from(*ean8),
            upce = u32::from(*upce),
            found = u32::from(*found)
        ),
        CodeError::Isbn10CheckDigit { code, expected, found } => text!(
            "cli-code-isbn10-check",
            code = code,
            expected = expected.to_string(),
            found = found.to_string()
        ),
        CodeError::NotUpcE { code } => text!("cli-code-not-upce", code = code),
        CodeError::Gs1(e) => vitrine_i18n::gs1::error(e),
        CodeError::MissingGtin => text!("cli-code-missing-gtin"),
        CodeError::NotAProductCode { what } => text!("cli-code-not-a-product", what = what),
    }
}

/// Exit 2 for a code that cannot be read, naming it and why.
pub fn invalid_code(code: &str, e: &CodeError) -> Exit {
    Exit::new(
        EXIT_INVALID,
        text!("cli-error-invalid-code", code = code.trim(), reason = code_error(e)),
    )
}

/// A file that cannot be opened or read, with the system's reason.
pub fn cannot_read(file: &std::path::Path, detail: impl ToString) -> Exit {
    Exit::new(
        EXIT_INVALID,
        text!(
            "cli-error-cannot-read",
            file = file.display().to_string(),
            detail = detail.to_string()
        ),
    )
}

/// Prints `value` as pretty JSON.
pub fn print_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Exit> {
    writeln!(out, "{}", serde_json::to_string_pretty(value).unwrap_or_default()).map_err(write_failed)
}

/// One `label      value` line: the label padded to `width` characters
/// whatever the language, so that the values line up (a label too long
/// for the column still gets one space after it).
pub fn row(out: &mut dyn Write, width: usize, label: &str, value: &str) -> Result<(), Exit> {
    let width = width.max(label.chars().count() + 1);
    writeln!(out, "{label:<width$}{value}").map_err(write_failed)
}

/// An amount in JSON: minor units, currency, and as the language writes it.
pub fn price_json(m: Money, lang: Lang) -> Value {
    json!({
        "amount_minor": m.amount_minor,
        "currency": m.currency.code(),
        "formatted": m.format(lang),
    })
}

/// Opens the catalog, seeding it from the demo data on first start if the
/// configuration says so.
pub fn open_catalog(cfg: &LoadedConfig) -> Result<Catalog, Exit> {
    let mut cat = Catalog::open(&cfg.config.kiosk.data_dir)?;
    if cfg.config.demo.seed_on_empty {
        cat.seed_demo_if_empty(cfg.config.demo.seed, clock::now())?;
    }
    Ok(cat)
}

/// The tokio runtime for commands that talk to HQ (built here, not with
/// `#[tokio::main]`: the kiosk's main thread belongs to the UI).
pub fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Exit::new(EXIT_FAILURE, text!("cli-error-runtime", detail = e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(width: usize, label: &str) -> String {
        let mut out = Vec::new();
        row(&mut out, width, label, "value").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rows_line_up_and_a_long_label_keeps_a_space() {
        assert_eq!(rows(8, "prix"), "prix    value\n");
        // Characters, not bytes: "é" is one column.
        assert_eq!(rows(8, "quantité"), "quantité value\n");
        assert_eq!(rows(8, "Sendewarteschlange"), "Sendewarteschlange value\n");
    }

    #[test]
    fn code_errors_are_worded_in_each_language() {
        let e = CodeError::CheckDigit {
            code: "5449000039232".into(),
            expected: 1,
            found: 2,
        };
        let exit = invalid_code(" 5449000039232 ", &e);
        assert_eq!(exit.code, EXIT_INVALID);
        assert_eq!(
            exit.render(Lang::EN),
            "invalid code \"5449000039232\": check digit should be 1, not 2 (5449000039232)"
        );
        assert_eq!(
            exit.render(Lang::DE),
            "Ungültiger Code „5449000039232“: Die Prüfziffer müsste 1 sein, nicht 2 (5449000039232)"
        );
        // Positions are counted from 1 for people.
        let e = CodeError::InvalidCharacter { ch: 'A', pos: 0 };
        assert!(code_error(&e).render(Lang::FR).contains("« A » en position 1"));
    }
}
