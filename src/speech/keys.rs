//! The keys of audio mode (`[accessibility] key_*`): names in the
//! configuration, matched against the text of Slint's key events (special
//! keys arrive as private-use characters, see `slint::platform::Key`).

use slint::platform::Key;

/// What a key does in audio mode (EZ Access: up/down, select, back, help).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Next,
    Previous,
    Activate,
    Back,
    /// Starts audio mode; in it, says where the shopper is and what they can do.
    Help,
    VolumeUp,
    VolumeDown,
    /// The next speech rate.
    Rate,
}

/// One key as written in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyName {
    /// The key event's text.
    pub text: String,
    /// Shift held ("Shift+Tab").
    pub shift: bool,
}

const NAMED: &[(&str, Key)] = &[
    ("Up", Key::UpArrow),
    ("Down", Key::DownArrow),
    ("Left", Key::LeftArrow),
    ("Right", Key::RightArrow),
    ("Tab", Key::Tab),
    ("Return", Key::Return),
    ("Enter", Key::Return),
    ("Escape", Key::Escape),
    ("Space", Key::Space),
    ("Backspace", Key::Backspace),
    ("Delete", Key::Delete),
    ("Insert", Key::Insert),
    ("Home", Key::Home),
    ("End", Key::End),
    ("PageUp", Key::PageUp),
    ("PageDown", Key::PageDown),
    ("Menu", Key::Menu),
    ("F1", Key::F1),
    ("F2", Key::F2),
    ("F3", Key::F3),
    ("F4", Key::F4),
    ("F5", Key::F5),
    ("F6", Key::F6),
    ("F7", Key::F7),
    ("F8", Key::F8),
    ("F9", Key::F9),
    ("F10", Key::F10),
    ("F11", Key::F11),
    ("F12", Key::F12),
];

impl KeyName {
    /// Reads "Down", "Shift+Tab", "F1", "+"; `None` for an unknown name.
    pub fn parse(name: &str) -> Option<KeyName> {
        let (shift, base) = match name.strip_prefix("Shift+") {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        if let Some((_, key)) = NAMED.iter().find(|(n, _)| *n == base) {
            return Some(KeyName {
                text: char::from(*key).to_string(),
                shift,
            });
        }
        let mut chars = base.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && !shift => Some(KeyName {
                text: c.to_string(),
                shift: false,
            }),
            _ => None,
        }
    }

    /// Whether a key event (`text`, with `shift` held) is this key. Slint
    /// sends Shift+Tab as Backtab on some platforms.
    fn matches(&self, text: &str, shift: bool) -> bool {
        let tab = char::from(Key::Tab).to_string();
        let backtab = char::from(Key::Backtab).to_string();
        if self.text == tab && self.shift && text == backtab {
            return true;
        }
        // A character key is itself whatever shift says ("+" needs shift on
        // many layouts).
        let is_char = self
            .text
            .chars()
            .all(|c| !('\u{E000}'..='\u{F8FF}').contains(&c) && !c.is_control());
        self.text == text && (is_char || self.shift == shift)
    }
}

/// The configured keys, each with its action.
#[derive(Debug, Clone, Default)]
pub struct KeyMap {
    keys: Vec<(KeyName, Action)>,
}

/// A key name in the configuration that names no key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{name}` is not a key name: use Up, Down, Left, Right, Tab, Shift+Tab, Return, Escape, Space, PageUp, PageDown, Home, End, F1..F12 or one character"
)]
pub struct BadKey {
    pub name: String,
}

impl KeyMap {
    /// The keys of each action, as named in the configuration: `(where
    /// the names come from, names, action)`. The first bad name is
    /// returned with where it came from.
    pub fn new<'a>(
        lists: impl IntoIterator<Item = (&'a str, &'a [String], Action)>,
    ) -> Result<KeyMap, (&'a str, BadKey)> {
        let mut keys = Vec::new();
        for (origin, names, action) in lists {
            for name in names {
                let key = KeyName::parse(name).ok_or_else(|| (origin, BadKey { name: name.clone() }))?;
                keys.push((key, action));
            }
        }
        Ok(KeyMap { keys })
    }

    /// The action of a key event, if it is one of the configured keys.
    pub fn action(&self, text: &str, shift: bool) -> Option<Action> {
        self.keys.iter().find(|(k, _)| k.matches(text, shift)).map(|(_, a)| *a)
    }

    /// Two actions on one key.
    pub fn clash(&self) -> Option<(String, Action, Action)> {
        for (i, (k, a)) in self.keys.iter().enumerate() {
            for (k2, a2) in &self.keys[i + 1..] {
                if k == k2 && a != a2 {
                    return Some((k.text.clone(), *a, *a2));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(k: Key) -> String {
        char::from(k).to_string()
    }

    #[test]
    fn the_default_keys_are_the_ez_access_ones() {
        let map = crate::config::KioskConfig::default().accessibility.keymap().unwrap();
        assert_eq!(map.action(&text(Key::DownArrow), false), Some(Action::Next));
        assert_eq!(map.action(&text(Key::Tab), false), Some(Action::Next));
        assert_eq!(map.action(&text(Key::Tab), true), Some(Action::Previous));
        assert_eq!(map.action(&text(Key::Backtab), true), Some(Action::Previous));
        assert_eq!(map.action(&text(Key::UpArrow), false), Some(Action::Previous));
        assert_eq!(map.action("\n", false), Some(Action::Activate));
        assert_eq!(map.action(&text(Key::Escape), false), Some(Action::Back));
        assert_eq!(map.action(&text(Key::F1), false), Some(Action::Help));
        assert_eq!(map.action(&text(Key::F2), false), Some(Action::Rate));
        assert_eq!(map.action("+", true), Some(Action::VolumeUp));
        assert_eq!(map.action("-", false), Some(Action::VolumeDown));
        assert_eq!(map.action("5", false), None, "digits are typed, not actions");
        assert!(map.clash().is_none());
    }

    #[test]
    fn a_nav_pad_remaps_the_keys_and_a_bad_name_is_refused() {
        let mut a = crate::config::KioskConfig::default().accessibility;
        a.key_next = vec!["PageDown".into()];
        a.key_help = vec!["F12".into(), "?".into()];
        let map = a.keymap().unwrap();
        assert_eq!(map.action(&text(Key::PageDown), false), Some(Action::Next));
        assert_eq!(map.action(&text(Key::DownArrow), false), None);
        assert_eq!(map.action("?", true), Some(Action::Help));
        a.key_back = vec!["Esc".into()];
        let (key, err) = a.keymap().unwrap_err();
        assert_eq!(key, "accessibility.key_back");
        assert_eq!(err.name, "Esc");
        assert!(KeyName::parse("Shift+x").is_none());
    }
}
