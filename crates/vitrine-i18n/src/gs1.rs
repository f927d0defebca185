//! The words for GS1 refusals: why GS1 data or a Digital Link breaks GS1's
//! rules ([`Gs1Error`]), and why a label's price or weight is not trusted
//! ([`LabelRefusal`]). The kiosk's screen and the command line both say
//! them. Messages: `locales/<lang>/gs1.ftl`.

use vitrine_core::gs1::{AiProblem, Charset, DlProblem, Gs1Error};
use vitrine_core::label::LabelRefusal;

use crate::{Text, text};

/// Why GS1 data was refused, as a clause that follows a colon ("AI (17):
/// the month is not 01 to 12").
pub fn error(e: &Gs1Error) -> Text {
    match e {
        Gs1Error::Empty => text!("gs1-empty"),
        Gs1Error::Brackets { at } => text!("gs1-brackets", at = at.as_str()),
        Gs1Error::UnknownAi { ai } => text!("gs1-unknown-ai", ai = ai.as_str()),
        Gs1Error::NoAiAt { at } => text!("gs1-no-ai-at", at = at.as_str()),
        Gs1Error::Value { ai, problem } => text!("gs1-value", ai = ai.as_str(), problem = ai_problem(problem)),
        Gs1Error::Repeated { ai } => text!("gs1-repeated", ai = ai.as_str()),
        // A label price without a measure beside it: said in words, it is
        // the forged-price case of issue 19.
        Gs1Error::Requires { ai, .. } if ai.starts_with("392") || ai.starts_with("393") => {
            text!("gs1-requires-measure", ai = ai.as_str())
        }
        Gs1Error::Requires { ai, required } => {
            let groups: Vec<String> = required
                .iter()
                .map(|g| g.split('+').map(|a| format!("({a})")).collect::<Vec<_>>().join("+"))
                .collect();
            text!("gs1-requires", ai = ai.as_str(), required = groups.join(", "))
        }
        Gs1Error::Excludes { ai, other } => text!("gs1-excludes", ai = ai.as_str(), other = other.as_str()),
        Gs1Error::Unserialised { ai } => text!("gs1-unserialised", ai = ai.as_str()),
        Gs1Error::DigitalLink(p) => digital_link(p),
    }
}

/// What is wrong with one AI's value.
pub fn ai_problem(p: &AiProblem) -> Text {
    match p {
        AiProblem::Empty => text!("gs1-problem-empty"),
        AiProblem::TooShort { min } => text!("gs1-problem-too-short", min = *min),
        AiProblem::TooLong { max } => text!("gs1-problem-too-long", max = *max),
        AiProblem::Character { ch, pos, set } => {
            let set = match set {
                Charset::Digits => text!("gs1-set-digits"),
                Charset::Cset82 => text!("gs1-set-82"),
                Charset::Cset39 => text!("gs1-set-39"),
                Charset::Cset64 => text!("gs1-set-64"),
            };
            let shown = if ch.is_control() || ch.is_whitespace() {
                format!("U+{:04X}", u32::from(*ch))
            } else {
                ch.to_string()
            };
            text!("gs1-problem-character", ch = shown, pos = *pos, set = set)
        }
        AiProblem::Base64Padding => text!("gs1-problem-base64-padding"),
        AiProblem::CheckDigit => text!("gs1-problem-check-digit"),
        AiProblem::CheckPair => text!("gs1-problem-check-pair"),
        AiProblem::CompanyPrefix => text!("gs1-problem-company-prefix"),
        AiProblem::Month => text!("gs1-problem-month"),
        AiProblem::Day => text!("gs1-problem-day"),
        AiProblem::Hour => text!("gs1-problem-hour"),
        AiProblem::Minute => text!("gs1-problem-minute"),
        AiProblem::Second => text!("gs1-problem-second"),
        AiProblem::Currency => text!("gs1-problem-currency"),
        AiProblem::Country => text!("gs1-problem-country"),
        AiProblem::Zero => text!("gs1-problem-zero"),
        AiProblem::ZeroPrefix => text!("gs1-problem-zero-prefix"),
        AiProblem::Rule { rule } => text!("gs1-problem-rule", rule = *rule),
    }
}

/// Why a web address is not (or not a valid) GS1 Digital Link.
pub fn digital_link(p: &DlProblem) -> Text {
    match p {
        DlProblem::Character { ch } => {
            let shown = if ch.is_control() || ch.is_whitespace() {
                format!("U+{:04X}", u32::from(*ch))
            } else {
                ch.to_string()
            };
            text!("gs1-dl-character", ch = shown)
        }
        DlProblem::Scheme => text!("gs1-dl-scheme"),
        DlProblem::Host => text!("gs1-dl-host"),
        DlProblem::NoKey => text!("gs1-dl-no-key"),
        DlProblem::EmptyValue { ai } => text!("gs1-dl-empty-value", ai = ai.as_str()),
        DlProblem::Null { ai } => text!("gs1-dl-null", ai = ai.as_str()),
        DlProblem::Qualifiers => text!("gs1-dl-qualifiers"),
        DlProblem::NotAttribute { ai } => text!("gs1-dl-not-attribute", ai = ai.as_str()),
        DlProblem::InPath { ai } => text!("gs1-dl-in-path", ai = ai.as_str()),
        DlProblem::UnknownAi { ai } => text!("gs1-dl-unknown-ai", ai = ai.as_str()),
        DlProblem::Duplicate { ai } => text!("gs1-dl-duplicate", ai = ai.as_str()),
    }
}

/// Why a label's price or weight is not used to price its item, as a whole
/// sentence.
pub fn label_refusal(r: LabelRefusal) -> Text {
    match r {
        LabelRefusal::PriceOnFixedPriceItem => text!("gs1-label-fixed-price"),
        LabelRefusal::NotAStoreNumber => text!("gs1-label-not-store-number"),
    }
}

/// The kiosk's line for a refused GS1 code: the reason in a sentence.
pub fn kiosk_refused(e: &Gs1Error) -> Text {
    text!("gs1-kiosk-refused", reason = error(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use vitrine_core::gs1::{Gs1Date, parse_element_string};

    const TODAY: Gs1Date = Gs1Date {
        year: 2026,
        month: 12,
        day: 3,
    };

    fn says(s: &str, lang: Lang) -> String {
        error(&parse_element_string(s, TODAY).unwrap_err()).render(lang)
    }

    #[test]
    fn every_refusal_reads_in_every_language() {
        let forged = "(01)05449000039231(3922)0001";
        assert!(says(forged, Lang::EN).contains("(3922)"), "{}", says(forged, Lang::EN));
        assert!(says(forged, Lang::EN).contains("measure"), "{}", says(forged, Lang::EN));
        assert!(says(forged, Lang::FR).contains("mesure"), "{}", says(forged, Lang::FR));
        assert!(says(forged, Lang::DE).contains("Maß"), "{}", says(forged, Lang::DE));
        assert_eq!(
            says("(01)05449000039231(10)AB C", Lang::EN),
            "AI (10): character 3 (U+0020) is not allowed: only letters, digits and the signs !\"%&'()*+,-./:;<=>?_ may be used (GS1 character set 82)"
        );
        assert_eq!(
            says("(10)A", Lang::EN),
            "AI (10) is not valid alone: GS1 requires one of these AI groups beside it: (01), (02), (03), (8006), (8026)"
        );
        assert_eq!(
            says("(01)05449000039231(17)261331", Lang::DE),
            "AI (17): Der Monat liegt nicht zwischen 01 und 12"
        );
        assert_eq!(
            label_refusal(LabelRefusal::PriceOnFixedPriceItem).render(Lang::FR),
            "Le prix imprimé sur cette étiquette n'est pas accepté : ce produit a un prix fixe (un prix d'étiquette ne vaut que pour un article pesé ou mesuré)."
        );
    }
}
