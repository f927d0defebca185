//! Is there something to play sound on, and is a headset plugged in?
//!
//! The kiosk keeps working without sound (the staff status screen says so);
//! a headset plugged into the kiosk's jack starts audio mode where the
//! sound card reports its jack (ALSA "jack" controls such as
//! `'Headphone Jack'`, which PipeWire and PulseAudio read too). `amixer`
//! (alsa-utils) reads them; a card without jack detection, or a USB
//! headset's card that appears when plugged, is left to the hardware
//! (see the README's accessibility section).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the kiosk's sound goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioOutput {
    /// A sound server (PipeWire or PulseAudio) socket.
    SoundServer(PathBuf),
    /// ALSA sound cards (their names from `/proc/asound/cards`).
    Cards(Vec<String>),
    /// Nothing to play sound on.
    None,
}

impl AudioOutput {
    pub fn present(&self) -> bool {
        !matches!(self, AudioOutput::None)
    }
}

/// Looks for a sound server socket, then for ALSA cards.
pub fn detect() -> AudioOutput {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    if std::env::var_os("PULSE_SERVER").is_some_and(|s| !s.is_empty()) {
        return AudioOutput::SoundServer(PathBuf::from("$PULSE_SERVER"));
    }
    if let Some(dir) = runtime {
        for socket in ["pipewire-0", "pulse/native"] {
            let p = dir.join(socket);
            if p.exists() {
                return AudioOutput::SoundServer(p);
            }
        }
    }
    let cards = std::fs::read_to_string("/proc/asound/cards")
        .map(|t| card_names(&t))
        .unwrap_or_default();
    if cards.is_empty() {
        AudioOutput::None
    } else {
        AudioOutput::Cards(cards)
    }
}

/// The card names in `/proc/asound/cards` (lines such as
/// `" 0 [PCH ]: HDA-Intel - HDA Intel PCH"`).
pub fn card_names(proc_cards: &str) -> Vec<String> {
    proc_cards
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let (num, rest) = l.split_once(' ')?;
            num.parse::<u32>().ok()?;
            let name = rest.split_once("]:").map_or(rest, |(_, n)| n).trim();
            Some(name.to_string())
        })
        .collect()
}

/// The ALSA card numbers (for `amixer -c N`).
fn card_numbers() -> Vec<u32> {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|t| {
            t.lines()
                .filter_map(|l| l.trim_start().split(' ').next()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A jack control: its name and whether something is plugged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jack {
    pub name: String,
    pub plugged: bool,
}

/// The jack controls in `amixer -c N contents` output:
///
/// ```text
/// numid=18,iface=CARD,name='Headphone Jack'
///   ; type=BOOLEAN,access=r-------,values=1
///   : values=on
/// ```
pub fn parse_jacks(amixer_contents: &str) -> Vec<Jack> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in amixer_contents.lines() {
        let t = line.trim();
        if t.starts_with("numid=") {
            current = t
                .split_once("name='")
                .and_then(|(_, rest)| rest.rsplit_once('\''))
                .map(|(name, _)| name.to_string())
                .filter(|name| name.ends_with(" Jack"));
        } else if let (Some(name), Some(values)) = (&current, t.strip_prefix(": values=")) {
            out.push(Jack {
                name: name.clone(),
                plugged: values.split(',').next() == Some("on"),
            });
            current = None;
        }
    }
    out
}

/// Whether a headset is plugged in, from the jacks: `None` when no jack
/// says (the card does not report one).
pub fn headset_plugged(jacks: &[Jack]) -> Option<bool> {
    let head: Vec<&Jack> = jacks
        .iter()
        .filter(|j| {
            let n = j.name.to_ascii_lowercase();
            n.contains("headphone") || n.contains("headset")
        })
        .collect();
    if head.is_empty() {
        None
    } else {
        Some(head.iter().any(|j| j.plugged))
    }
}

/// Reads every card's jacks with `amixer` (`None`: no card reports a
/// headphone jack, or amixer is missing).
pub fn read_headset() -> Option<bool> {
    let mut jacks = Vec::new();
    for card in card_numbers() {
        let out = Command::new("amixer")
            .args(["-c", &card.to_string(), "contents"])
            .output()
            .ok()?;
        jacks.extend(parse_jacks(&String::from_utf8_lossy(&out.stdout)));
    }
    headset_plugged(&jacks)
}

/// Whether `program` can be run (found on `PATH` or a path that exists).
pub fn program_exists(program: &str) -> bool {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return p.exists();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `amixer -c 0 contents` prints on an Intel HDA laptop with a
    /// headset plugged in (trimmed).
    const HDA: &str = "numid=17,iface=CARD,name='Mic Jack'
  ; type=BOOLEAN,access=r-------,values=1
  : values=off
numid=18,iface=CARD,name='Headphone Jack'
  ; type=BOOLEAN,access=r-------,values=1
  : values=on
numid=19,iface=CARD,name='Speaker Phantom Jack'
  ; type=BOOLEAN,access=r-------,values=1
  : values=on
numid=2,iface=MIXER,name='Master Playback Switch'
  ; type=BOOLEAN,access=rw------,values=1
  : values=on
";

    #[test]
    fn the_headphone_jack_says_whether_a_headset_is_plugged_in() {
        let jacks = parse_jacks(HDA);
        assert_eq!(jacks.len(), 3, "{jacks:?}");
        assert_eq!(headset_plugged(&jacks), Some(true));
        let unplugged = HDA.replacen("values=on\nnumid=19", "values=off\nnumid=19", 1);
        assert_eq!(headset_plugged(&parse_jacks(&unplugged)), Some(false));
        // A card without a headphone jack control cannot tell.
        let speaker_only = "numid=19,iface=CARD,name='Speaker Phantom Jack'\n  : values=on\n";
        assert_eq!(headset_plugged(&parse_jacks(speaker_only)), None);
    }

    #[test]
    fn sound_cards_are_read_from_proc() {
        let cards = " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xf7f10000 irq 33\n 1 [Headset        ]: USB-Audio - USB Headset\n";
        assert_eq!(
            card_names(cards),
            ["HDA-Intel - HDA Intel PCH", "USB-Audio - USB Headset"]
        );
        assert!(card_names("--- no soundcards ---\n").is_empty());
    }
}
