//! Contact details typed on the kiosk (email or phone), their validation,
//! and the masked form shown on screen.
//!
//! The shared screen never shows a full phone number or email once it has
//! been entered: summaries and confirmations show [`Contact::masked`]; logs
//! never see either.

/// A validated contact.
#[derive(Clone, PartialEq, Eq)]
pub enum Contact {
    /// Lower-cased domain, local part as typed.
    Email(String),
    /// E.164: `+` then 8 to 15 digits.
    Phone(String),
}

impl std::fmt::Debug for Contact {
    /// Masked: a contact must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Contact({})", self.masked())
    }
}

/// Why a contact was refused, in words the shopper can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactError {
    Empty,
    Email,
    Phone,
    TooLong,
}

impl ContactError {
    /// What the shopper is told (messages `contact-*`).
    pub fn text(&self) -> vitrine_i18n::Text {
        use vitrine_i18n::text;
        match self {
            ContactError::Empty => text!("contact-empty"),
            ContactError::Email => text!("contact-email"),
            ContactError::Phone => text!("contact-phone"),
            ContactError::TooLong => text!("contact-too-long"),
        }
    }
}

/// Reads an email address or a phone number. French national numbers
/// (`06 12 34 56 78`) become `+33612345678`; `00` becomes `+`.
pub fn parse_contact(text: &str) -> Result<Contact, ContactError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ContactError::Empty);
    }
    if t.len() > 254 {
        return Err(ContactError::TooLong);
    }
    if t.contains('@') {
        return parse_email(t).ok_or(ContactError::Email);
    }
    parse_phone(t).ok_or(ContactError::Phone)
}

fn parse_email(t: &str) -> Option<Contact> {
    let (local, domain) = t.rsplit_once('@')?;
    let ok_local = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let ok_domain = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    (ok_local && ok_domain).then(|| Contact::Email(format!("{local}@{}", domain.to_lowercase())))
}

fn parse_phone(t: &str) -> Option<Contact> {
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in t.chars().enumerate() {
        match c {
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    let e164 = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if digits.len() == 10 && digits.starts_with('0') && !digits.starts_with("00") {
        format!("33{}", &digits[1..])
    } else {
        return None;
    };
    ((8..=15).contains(&e164.len()) && !e164.starts_with('0')).then(|| Contact::Phone(format!("+{e164}")))
}

impl Contact {
    /// What the screen may show: the last two digits of a phone number; the
    /// first letter of the email's name and domain, and its ending.
    pub fn masked(&self) -> String {
        match self {
            Contact::Phone(p) => {
                let last: String = p.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
                format!("•• •• •• •• {last}")
            }
            Contact::Email(e) => {
                let (local, domain) = e.rsplit_once('@').unwrap_or((e, ""));
                let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
                let tld = domain.rsplit_once('.').map(|(_, t)| t).unwrap_or("");
                format!("{}•••@{}•••.{tld}", first(local), first(domain))
            }
        }
    }

    /// The value to send (email or E.164 number). Never log it.
    pub fn value(&self) -> &str {
        match self {
            Contact::Email(v) | Contact::Phone(v) => v,
        }
    }

    pub fn is_email(&self) -> bool {
        matches!(self, Contact::Email(_))
    }
}

#[cfg(test)]
mod tests {
    use vitrine_core::Lang;

    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            parse_contact(" Camille.Dupont@Example.FR "),
            Ok(Contact::Email("Camille.Dupont@example.fr".into()))
        );
        for bad in [
            "camille@",
            "@example.fr",
            "camille@example",
            "cam ille@example.fr",
            "a..b@x.fr",
            "a@x.f",
        ] {
            assert_eq!(parse_contact(bad), Err(ContactError::Email), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            parse_contact("06 12 34 56 78"),
            Ok(Contact::Phone("+33612345678".into()))
        );
        assert_eq!(
            parse_contact("+44 20 7946 0958"),
            Ok(Contact::Phone("+442079460958".into()))
        );
        assert_eq!(
            parse_contact("0033 6.12.34.56.78"),
            Ok(Contact::Phone("+33612345678".into()))
        );
        for bad in [
            "0612",
            "06 12 34 56 78 90",
            "612345678",
            "+0612345678",
            "06-12-34-56-7x",
            "+1234567",
        ] {
            assert_eq!(parse_contact(bad), Err(ContactError::Phone), "{bad}");
        }
        assert_eq!(parse_contact("  "), Err(ContactError::Empty));
    }

    #[test]
    fn masked_forms_hide_the_identifier() {
        let p = parse_contact("06 12 34 56 78").unwrap();
        assert_eq!(p.masked(), "•• •• •• •• 78");
        assert!(!format!("{p:?}").contains("612345"));
        let e = parse_contact("camille.dupont@example.fr").unwrap();
        assert_eq!(e.masked(), "c•••@e•••.fr");
        assert!(!format!("{e:?}").contains("dupont"));
        assert_eq!(ContactError::Phone.text().render(Lang::EN).split(':').count(), 2);
    }
}
