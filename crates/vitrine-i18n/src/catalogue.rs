//! The embedded Fluent bundles, built once, shared by every thread.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use vitrine_core::Lang;

use crate::{Arg, Text, format};

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
        Catalogue::from_files(FILES.iter().map(|(code, files)| (*code, files.to_vec())))
    }

    /// A catalogue from each language's `.ftl` files (name, text): the
    /// embedded ones, or others in a test.
    pub(crate) fn from_files<'a>(languages: impl IntoIterator<Item = (&'a str, Vec<(&'a str, &'a str)>)>) -> Catalogue {
        let mut langs = Vec::new();
        let mut bundles = Vec::new();
        for (code, files) in languages {
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
            for (name, text) in files {
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

    /// `text` in `lang`.
    pub(crate) fn render(&self, text: &Text, lang: Lang) -> String {
        match text.parts() {
            None => String::new(),
            Some(Ok(words)) => words.to_string(),
            Some(Err((id, args))) => self.format(lang, id, args),
        }
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
                Arg::Money(m) => FluentValue::from(format::money_in(self, *m, lang)),
                Arg::Percent(bp) => FluentValue::from(format::percent_in(self, *bp, lang)),
                Arg::Decimal(v, scale) => FluentValue::from(format::decimal_in(self, *v, *scale, lang)),
                Arg::Text(t) => FluentValue::from(self.render(t, lang)),
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

#[cfg(test)]
mod tests {
    use vitrine_core::Money;
    use vitrine_core::pricing::{Audience, PromoKind, Promotion, Target};

    use super::*;

    /// A fourth language is files, not code: a catalogue made of today's
    /// files plus an Italian folder (its own `locale.ftl`, the other files
    /// still in English words, as a translator would start) speaks Italian
    /// numbers and money, and every message renders, through the very code
    /// the three languages use.
    #[test]
    fn a_fourth_language_is_catalogue_files_only() {
        const IT_LOCALE: &str = "language-name = Italiano\nnumber-decimal = ,\nnumber-group = .\n\
            money = { $sign }{ $amount } { $symbol }\nmoney-code = { $sign }{ $amount } { $symbol }\n\
            percent = { $value }%\n";
        let english = FILES.iter().find(|(c, _)| *c == "en").map(|(_, f)| f.to_vec()).unwrap();
        // Days, months and durations keep their English words.
        let en_locale = english.iter().find(|(n, _)| *n == "locale.ftl").unwrap().1;
        let rest = en_locale.split_once("\n# Days").map(|(_, r)| r).unwrap_or_default();
        let it_locale = format!("{IT_LOCALE}\n# Days{rest}");
        let italian: Vec<(&str, &str)> = english
            .iter()
            .map(|(name, text)| {
                if *name == "locale.ftl" {
                    (*name, it_locale.as_str())
                } else {
                    (*name, *text)
                }
            })
            .collect();
        let mut all: Vec<(&str, Vec<(&str, &str)>)> = FILES.iter().map(|(c, f)| (*c, f.to_vec())).collect();
        all.push(("it", italian));
        let cat = Catalogue::from_files(all);
        let it = Lang::parse("it").unwrap();
        assert!(cat.langs().contains(&it));
        assert_eq!(cat.format(it, "language-name", &[]), "Italiano");
        assert_eq!(format::money_in(&cat, Money::eur(123456), it), "1.234,56 €");
        assert_eq!(format::percent_in(&cat, 1250, it), "12,5%");
        let p = Promotion {
            id: "p".into(),
            kind: PromoKind::PercentOff { basis_points: 1250 },
            target: Target::All,
            audience: Audience::Everyone,
            valid_from: None,
            valid_until: None,
            stores: vec![],
            coupon_code: None,
        };
        let sentence = cat.render(&crate::domain::promo_sentence(&p, Money::eur(1000)), it);
        assert_eq!(sentence, "12,5% off: 8,75 € instead of 10,00 €");
        // The three real languages are untouched by the fourth.
        assert_eq!(format::money_in(&cat, Money::eur(123456), Lang::FR), "1 234,56 €");
    }
}
