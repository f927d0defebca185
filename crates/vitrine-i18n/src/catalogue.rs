//! The embedded Fluent bundles, built once, shared by every thread.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use vitrine_core::Lang;

use crate::{Arg, format};

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The language a message falls back to when a language lacks it (the
/// tests make sure none does) or is not in the catalogue at all.
const FALLBACK: Lang = Lang::EN;

pub(crate) struct Catalogue {
    langs: Vec<Lang>,
    bundles: Vec<FluentBundle<FluentResource>>,
    numbers: Vec<format::NumberFormat>,
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

pub(crate) fn get() -> &'static Catalogue {
    CATALOGUE.get_or_init(Catalogue::load)
}

impl Catalogue {
    fn load() -> Catalogue {
        let mut langs = Vec::new();
        let mut bundles = Vec::new();
        for (code, files) in FILES {
            let Some(lang) = Lang::parse(code) else { continue };
            let id = code.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain text out: no Unicode isolation marks around arguments
            // (the same string goes to a screen, a terminal, an email and
            // a test).
            bundle.set_use_isolating(false);
            if let Err(e) = bundle.add_builtins() {
                tracing::error!(lang = code, error = ?e, "cannot add Fluent's built-in functions");
            }
            for (name, text) in *files {
                // build.rs parsed every file: an error here cannot happen
                // with the embedded text, but is logged rather than trusted.
                let res = match FluentResource::try_new(text.to_string()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        tracing::error!(lang = code, file = name, ?errors, "message catalogue file has errors");
                        r
                    }
                };
                if let Err(errors) = bundle.add_resource(res) {
                    tracing::error!(
                        lang = code,
                        file = name,
                        ?errors,
                        "message defined twice in the catalogue"
                    );
                }
            }
            langs.push(lang);
            bundles.push(bundle);
        }
        let mut cat = Catalogue {
            langs,
            bundles,
            numbers: Vec::new(),
        };
        cat.numbers = cat.langs.iter().map(|l| format::NumberFormat::of(&cat, *l)).collect();
        cat
    }

    pub(crate) fn langs(&self) -> &[Lang] {
        &self.langs
    }

    fn index(&self, lang: Lang) -> Option<usize> {
        self.langs.iter().position(|l| *l == lang)
    }

    pub(crate) fn numbers(&self, lang: Lang) -> format::NumberFormat {
        self.index(lang)
            .or_else(|| self.index(FALLBACK))
            .and_then(|i| self.numbers.get(i).cloned())
            .unwrap_or_default()
    }

    /// The message in `lang`, else in English, else its id. `id.attr` is
    /// the message's attribute `attr`.
    pub(crate) fn format(&self, lang: Lang, id: &str, args: &[(&'static str, Arg)]) -> String {
        let candidates = [self.index(lang), self.index(FALLBACK)];
        for i in candidates.into_iter().flatten() {
            if let Some(s) = self.format_in(i, id, args) {
                if self.langs[i] != lang && self.index(lang).is_some() {
                    tracing::warn!(lang = %lang, id, "message missing in this language; English used");
                }
                return s;
            }
        }
        tracing::warn!(lang = %lang, id, "message missing from the catalogue");
        id.to_string()
    }

    fn format_in(&self, i: usize, id: &str, args: &[(&'static str, Arg)]) -> Option<String> {
        let bundle = &self.bundles[i];
        let lang = self.langs[i];
        let (msg_id, attr) = match id.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (id, None),
        };
        let msg = bundle.get_message(msg_id)?;
        let pattern = match attr {
            Some(a) => msg.get_attribute(a)?.value(),
            None => msg.value()?,
        };
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue<'_> = match value {
                Arg::Str(s) => FluentValue::from(s.as_str()),
                Arg::Int(n) => FluentValue::from(*n),
                Arg::Money(m) => FluentValue::from(format::money(*m, lang)),
                Arg::Percent(bp) => FluentValue::from(format::percent(*bp, lang)),
                Arg::Decimal(v, scale) => FluentValue::from(format::decimal(*v, *scale, lang)),
                Arg::Text(t) => FluentValue::from(t.render(lang)),
            };
            fargs.set(*name, v);
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(lang = %lang, id, ?errors, "message formatted with errors");
        }
        Some(out.into_owned())
    }
}
