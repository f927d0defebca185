//! Kiosk configuration: defaults, then the TOML file, then `VITRINE__SECTION__KEY`
//! environment variables, validated as a whole before anything touches data.
//!
//! Every error names where the bad value came from (the file or the variable),
//! the key, and what was expected. Unknown keys are errors too: a typo in a
//! kiosk's config must not silently fall back to a default.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::Value;
use vitrine_core::code::VariableMeasureRules;
use vitrine_core::{Currency, Lang};

/// The whole kiosk configuration. See `config/kiosk.toml` for every key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    pub kiosk: KioskSection,
    pub ui: UiSection,
    pub hq: HqSection,
    pub catalog: CatalogSection,
    pub camera: CameraSection,
    pub scan: ScanSection,
    pub staff: StaffSection,
    pub collect: CollectSection,
    pub demo: DemoSection,
    pub log: LogSection,
    pub accessibility: AccessibilitySection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSection {
    /// Store this kiosk stands in (prices, stock "here").
    pub store: String,
    /// Where the SQLite files live; relative paths are from the working directory.
    pub data_dir: PathBuf,
    /// ISO 4217 currency of the store.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSection {
    /// Language at the start of each session: one of `languages`.
    pub language: String,
    /// The languages a shopper can switch to on the kiosk, in the order the
    /// language button goes through them. Each must be in the message
    /// catalogue (`vitrine_i18n::available()`: fr, en, de today).
    pub languages: Vec<String>,
    /// Seconds without a touch before the reset warning.
    pub idle_timeout_s: u32,
    /// Seconds the reset warning counts down.
    pub idle_warning_s: u32,
    /// "auto" (from the screen's aspect), "landscape", "portrait" or "low-reach".
    pub layout: Layout,
    /// Larger text for the whole UI.
    pub large_text: bool,
    /// Open the window full screen.
    pub fullscreen: bool,
    /// Seconds the "send to my phone" QR code stays on screen.
    pub handoff_countdown_s: u32,
    /// Slint backend: "auto", "winit" (X11/Wayland desktop) or "linuxkms"
    /// (bare hardware, no desktop).
    pub backend: Backend,
    /// Renderer: "auto", "software" or "femtovg" (OpenGL).
    pub renderer: Renderer,
    /// Seconds each promotion stays on the attract screen.
    pub attract_slide_s: u32,
    /// Milliseconds to hold the hidden staff corner before the PIN pad opens.
    pub staff_hold_ms: u32,
}

/// A setting that is one of a few words: an enum whose TOML spelling is
/// the word, and whose error for any other word lists the accepted ones
/// (`expected "a", "b" or "c", found "x"`), named with its key and origin
/// like every configuration error.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &[$name] = &[$($name::$variant,)+];

            /// The word written in the configuration.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| {
                        let words: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("expected {}, found \"{s}\"", one_of(&words))
                    })
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// `"a", "b" or "c"`.
fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

choice! {
    /// `ui.layout`: how the screens are arranged on the panel.
    Layout {
        /// Landscape or portrait from the screen's aspect.
        Auto = "auto",
        Landscape = "landscape",
        Portrait = "portrait",
        /// Controls within reach of a seated shopper (portrait panel).
        LowReach = "low-reach",
    }
}

choice! {
    /// `ui.backend`: the Slint backend.
    Backend {
        /// Slint's own choice.
        Auto = "auto",
        /// X11 or Wayland (a desktop session).
        Winit = "winit",
        /// The bare screen, no desktop (store hardware).
        LinuxKms = "linuxkms",
    }
}

choice! {
    /// `ui.renderer`: how Slint draws.
    Renderer {
        /// Slint's own choice.
        Auto = "auto",
        Software = "software",
        /// OpenGL.
        Femtovg = "femtovg",
    }
}

choice! {
    /// `hq.transport`: how the kiosk may reach HQ.
    HqTransport {
        /// HTTPS only (what a store uses).
        Https = "https",
        /// HTTPS, or plain HTTP to a loopback address (127.0.0.0/8, ::1,
        /// localhost): HQ on the same machine, for tests and the demo.
        /// Never across a network.
        LoopbackHttp = "loopback-http",
    }
}

choice! {
    /// `camera.source`: where frames come from.
    CameraSource {
        /// The camera named by `camera.device`.
        Camera = "camera",
        /// A folder of images played as a camera (`camera.replay_dir`).
        Replay = "replay",
        /// No camera: USB scanner and keypad only.
        None = "none",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HqSection {
    /// HQ base URL, e.g. `https://hq.example.com`; empty: standalone kiosk.
    pub url: String,
    /// Seconds between catalog polls when the push stream is down.
    pub poll_interval_s: u32,
    /// Seconds before an HTTP request to HQ gives up.
    pub request_timeout_s: u32,
    /// First retry delay of the outbox and of the push stream, in ms; each
    /// failure doubles it (with full jitter) up to `retry_max_s`.
    pub retry_base_ms: u32,
    /// Longest delay between two retries, in seconds.
    pub retry_max_s: u32,
    /// Seconds an answer about stock in other stores is shown without asking HQ again.
    pub availability_cache_s: u32,
    /// Seconds between two heartbeats to HQ (the kiosk's health for the
    /// fleet page); a change of state is sent at once.
    pub heartbeat_s: u32,
    /// `https` (the default), or `loopback-http` to allow plain HTTP to an
    /// HQ on this machine (tests, the demo).
    pub transport: HqTransport,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraSection {
    /// "camera", "replay" or "none".
    pub source: CameraSource,
    /// Camera index ("0") or a part of its name ("Logitech").
    pub device: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Folder of images played as a camera when source = "replay".
    pub replay_dir: String,
    /// Frames per second of the replay.
    pub replay_fps: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Milliseconds before the same code, kept in view, counts as a new scan.
    pub cooldown_ms: u32,
    /// Milliseconds a code must be out of view before it counts again at once.
    pub leave_ms: u32,
    /// A USB scanner types faster than this many milliseconds between keys.
    pub hid_max_key_interval_ms: u32,
    /// Shortest code a USB scanner sends.
    pub hid_min_length: u32,
    /// The character a USB scanner is set to send in place of GS1's FNC1
    /// separator (GS, which a keyboard cannot type): "" for none, else a
    /// character GS1 data never contains (see
    /// `vitrine_core::code::valid_gs1_separator`), such as "^" or "~".
    pub gs1_separator: String,
    /// In-store variable-measure label layouts (EAN-13 prefixes 02, 20-29).
    pub variable_measure: VariableMeasureRules,
}

impl ScanSection {
    /// `gs1_separator` as a character (validated at load).
    pub fn separator(&self) -> Option<char> {
        self.gs1_separator.chars().next()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSection {
    /// Argon2 hash of the staff PIN; empty: the default PIN "2468" until changed.
    pub pin_hash: String,
    /// Failed PIN attempts before lockout.
    pub max_attempts: u32,
    /// Seconds of the first lockout; each further one doubles it.
    pub lockout_base_s: u32,
    /// Longest lockout in seconds.
    pub lockout_max_s: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectSection {
    /// Hour the store opens for collection (local time, 0-23).
    pub open_hour: u32,
    /// Hour the store closes (local time, 1-24, after open_hour).
    pub close_hour: u32,
    /// Length of a collection slot in minutes.
    pub slot_minutes: u32,
    /// Minutes the store needs to prepare an order.
    pub lead_minutes: u32,
    /// Days ahead offered (today included).
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSection {
    /// Seed the empty cache from the embedded demo data on first start.
    pub seed_on_empty: bool,
    /// Seed of the demo price/stock generator.
    pub seed: u64,
}

/// Audio mode (EN 301 549 closed functionality, EZ Access keys): the
/// kiosk's own speech and the keys that drive it. See `crate::speech`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilitySection {
    /// Audio mode can be started (F1, a headset); false: never speaks.
    pub speech: bool,
    /// "espeak-ng" (a separate process per utterance, the default) or
    /// "speech-dispatcher" (the system's speech daemon, over SSIP).
    pub engine: SpeechEngine,
    /// Speech rate in words per minute at the start of each session (80-450).
    pub rate_wpm: u32,
    /// Volume at the start of each session, 0-100.
    pub volume: u32,
    /// The command that plays the engine's sound (WAV on its standard input).
    pub player: Vec<String>,
    /// Listen for a headset plugged into the kiosk's jack (ALSA jack
    /// controls, read with `amixer`): plugging one in starts audio mode.
    pub headset_detection: bool,
    /// One JSON line per utterance (time, language, text); "" for none.
    pub speech_log: String,
    /// Keys (remappable for vendors' nav-pads): names such as "Up", "Down",
    /// "Tab", "Shift+Tab", "Return", "Escape", "F1".."F12", "Space",
    /// "PageUp", "PageDown", "Home", "End", or one character ("+").
    pub key_next: Vec<String>,
    pub key_previous: Vec<String>,
    pub key_activate: Vec<String>,
    pub key_back: Vec<String>,
    /// Starts audio mode; in audio mode, says where you are and what you can do.
    pub key_help: Vec<String>,
    pub key_volume_up: Vec<String>,
    pub key_volume_down: Vec<String>,
    /// Goes through the speech rates.
    pub key_rate: Vec<String>,
}

impl AccessibilitySection {
    /// The keys of audio mode (checked when the configuration loads).
    pub fn keymap(&self) -> Result<crate::speech::keys::KeyMap, (&str, crate::speech::keys::BadKey)> {
        use crate::speech::keys::{Action, KeyMap};
        KeyMap::new([
            ("accessibility.key_next", &self.key_next[..], Action::Next),
            ("accessibility.key_previous", &self.key_previous[..], Action::Previous),
            ("accessibility.key_activate", &self.key_activate[..], Action::Activate),
            ("accessibility.key_back", &self.key_back[..], Action::Back),
            ("accessibility.key_help", &self.key_help[..], Action::Help),
            ("accessibility.key_volume_up", &self.key_volume_up[..], Action::VolumeUp),
            (
                "accessibility.key_volume_down",
                &self.key_volume_down[..],
                Action::VolumeDown,
            ),
            ("accessibility.key_rate", &self.key_rate[..], Action::Rate),
        ])
    }
}

choice! {
    /// `accessibility.engine`: what speaks.
    SpeechEngine {
        /// espeak-ng run as its own process for each utterance (GPL, never
        /// linked into the kiosk).
        EspeakNg = "espeak-ng",
        /// The speech-dispatcher daemon, over its SSIP socket.
        SpeechDispatcher = "speech-dispatcher",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSection {
    /// Disk space for the product pictures fetched from HQ, in MB; the
    /// least recently shown are removed first to stay under it.
    pub images_max_mb: u32,
}

impl CatalogSection {
    pub fn images_max_bytes(&self) -> u64 {
        u64::from(self.images_max_mb) << 20
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    /// tracing filter, e.g. "info" or "vitrine=debug".
    pub level: String,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            kiosk: KioskSection {
                store: "paris-01".into(),
                data_dir: PathBuf::from("data"),
                currency: "EUR".into(),
            },
            ui: UiSection {
                language: "fr".into(),
                languages: vec!["fr".into(), "en".into(), "de".into()],
                idle_timeout_s: 60,
                idle_warning_s: 10,
                layout: Layout::Auto,
                large_text: false,
                fullscreen: true,
                handoff_countdown_s: 45,
                backend: Backend::Auto,
                renderer: Renderer::Auto,
                attract_slide_s: 6,
                staff_hold_ms: 2000,
            },
            hq: HqSection {
                url: String::new(),
                poll_interval_s: 60,
                request_timeout_s: 10,
                retry_base_ms: 500,
                retry_max_s: 300,
                availability_cache_s: 60,
                heartbeat_s: 60,
                transport: HqTransport::Https,
            },
            catalog: CatalogSection { images_max_mb: 256 },
            camera: CameraSection {
                source: CameraSource::Camera,
                device: "0".into(),
                width: 1280,
                height: 720,
                fps: 30,
                replay_dir: String::new(),
                replay_fps: 10,
            },
            scan: ScanSection {
                cooldown_ms: 2000,
                leave_ms: 300,
                hid_max_key_interval_ms: 35,
                hid_min_length: 8,
                gs1_separator: String::new(),
                variable_measure: VariableMeasureRules::default(),
            },
            staff: StaffSection {
                pin_hash: String::new(),
                max_attempts: 5,
                lockout_base_s: 30,
                lockout_max_s: 3600,
            },
            collect: CollectSection {
                open_hour: 9,
                close_hour: 20,
                slot_minutes: 60,
                lead_minutes: 120,
                days: 3,
            },
            demo: DemoSection {
                seed_on_empty: true,
                seed: vitrine_core::demo::DEMO_SEED,
            },
            log: LogSection { level: "info".into() },
            accessibility: AccessibilitySection {
                speech: true,
                engine: SpeechEngine::EspeakNg,
                rate_wpm: 175,
                volume: 80,
                player: vec!["aplay".into(), "-q".into()],
                headset_detection: true,
                speech_log: String::new(),
                key_next: vec!["Down".into(), "Tab".into()],
                key_previous: vec!["Up".into(), "Shift+Tab".into()],
                key_activate: vec!["Return".into()],
                key_back: vec!["Escape".into()],
                key_help: vec!["F1".into()],
                key_volume_up: vec!["+".into()],
                key_volume_down: vec!["-".into()],
                key_rate: vec!["F2".into()],
            },
        }
    }
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    Env(String),
    /// A remote setting from HQ ([`LoadedConfig::with_remote`]).
    Hq {
        scope: vitrine_core::wire::settings::SettingScope,
        version: u64,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("built-in defaults"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Env(v) => write!(f, "environment variable {v}"),
            Origin::Hq { scope, version } => write!(f, "HQ ({} setting, version {version})", scope.as_str()),
        }
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{origin}: cannot read the file: {reason}")]
    Read { origin: Origin, reason: String },
    #[error("{origin}: not valid TOML: {reason}")]
    Syntax { origin: Origin, reason: String },
    #[error("{origin}: unknown key `{key}`: check its spelling against config/kiosk.toml")]
    UnknownKey { origin: Origin, key: String },
    #[error("{origin}: key `{key}`: expected {expected}, found {found}")]
    Type {
        origin: Origin,
        key: String,
        expected: String,
        found: String,
    },
    #[error("{origin}: key `{key}`: {reason}")]
    Invalid {
        origin: Origin,
        key: String,
        reason: String,
    },
}

/// A loaded configuration with the origin of every key that was set.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: KioskConfig,
    /// The file it was read from, if any (staff settings are written back there).
    pub file: Option<PathBuf>,
    origins: Vec<(String, Origin)>,
}

impl LoadedConfig {
    pub fn origin_of(&self, key: &str) -> Origin {
        self.origins
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, o)| o.clone())
            .unwrap_or(Origin::Default)
    }

    pub fn lang(&self) -> Lang {
        Lang::parse(&self.config.ui.language).unwrap_or_default()
    }

    /// This configuration with HQ's remote settings laid over it. Who wins,
    /// key by key: HQ's value, unless staff changed that key on this kiosk
    /// after HQ set it (`staff_changes`: key and time of the last staff
    /// change); staff's value then stays until HQ sets the key again. A
    /// value that would make the configuration invalid (a language the
    /// catalogue lacks, say) is left out and logged; the rest applies.
    pub fn with_remote(
        &self,
        remote: &[vitrine_core::wire::settings::RemoteSetting],
        staff_changes: &[(String, vitrine_core::product::UnixTime)],
    ) -> LoadedConfig {
        let mut out = self.clone();
        for r in remote {
            let Some(value) = r.value.as_deref() else { continue };
            let staff_newer = staff_changes.iter().any(|(k, at)| *k == r.key && *at > r.updated_at);
            if staff_newer {
                continue;
            }
            let mut next = out.clone();
            if let Err(e) = set_remote(&mut next.config, &r.key, value) {
                tracing::warn!(key = %r.key, error = %e, "remote setting from HQ not applied");
                continue;
            }
            if let Err(e) = validate(&next) {
                tracing::warn!(key = %r.key, error = %e, "remote setting from HQ not applied");
                continue;
            }
            next.origins.push((
                r.key.clone(),
                Origin::Hq {
                    scope: r.scope,
                    version: r.version,
                },
            ));
            out = next;
        }
        out
    }

    /// The languages offered to shoppers (`ui.languages`), in order.
    pub fn langs(&self) -> Vec<Lang> {
        self.config.ui.languages.iter().filter_map(|l| Lang::parse(l)).collect()
    }

    pub fn currency(&self) -> Currency {
        Currency::from_code(&self.config.kiosk.currency).unwrap_or(Currency::EUR)
    }
}

/// Sets the configuration's `key` (one of
/// [`vitrine_core::wire::settings::REMOTE_KEYS`]) from a remote setting's
/// text.
fn set_remote(c: &mut KioskConfig, key: &str, value: &str) -> Result<(), String> {
    let number = || value.trim().parse::<u32>().map_err(|e| format!("{key}: {e}"));
    match key {
        "ui.idle_timeout_s" => c.ui.idle_timeout_s = number()?,
        "ui.languages" => {
            c.ui.languages = value.split(',').map(|l| l.trim().to_string()).collect();
            // The default language must be one of those offered.
            if !c.ui.languages.contains(&c.ui.language)
                && let Some(first) = c.ui.languages.first()
            {
                c.ui.language = first.clone();
            }
        }
        "ui.layout" => c.ui.layout = value.parse()?,
        "accessibility.volume" => c.accessibility.volume = number()?,
        "accessibility.rate_wpm" => c.accessibility.rate_wpm = number()?,
        "staff.pin_hash" => c.staff.pin_hash = value.to_string(),
        _ => return Err(format!("{key}: not a remote setting")),
    }
    Ok(())
}

/// The file used when none is given: `VITRINE_CONFIG`, else `config/kiosk.toml`
/// in the working directory if it exists, else none (defaults and environment).
pub fn default_config_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("VITRINE_CONFIG")
        && !p.is_empty()
    {
        return Some(PathBuf::from(p));
    }
    let p = PathBuf::from("config/kiosk.toml");
    p.exists().then_some(p)
}

/// Loads and validates: defaults, then `file`, then `VITRINE__SECTION__KEY`
/// variables from `env`.
pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<LoadedConfig, ConfigError> {
    let text = match file {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            origin: Origin::File(path.to_path_buf()),
            reason: e.to_string(),
        })?),
        None => None,
    };
    load_text(file.zip(text.as_deref()), env)
}

/// [`load`] on a file's text already read: `(its path, its text)`. No I/O
/// (the configuration fuzz target calls it directly).
pub fn load_text(
    file: Option<(&Path, &str)>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<LoadedConfig, ConfigError> {
    let defaults = Value::try_from(KioskConfig::default()).map_err(|e| ConfigError::Syntax {
        origin: Origin::Default,
        reason: e.to_string(),
    })?;
    let mut merged = defaults.clone();
    let mut origins = Vec::new();
    let file_path = file.map(|(p, _)| p);
    if let Some((path, text)) = file {
        let origin = Origin::File(path.to_path_buf());
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::Syntax {
            origin: origin.clone(),
            reason: e.to_string().trim().replace('\n', " "),
        })?;
        merge(&mut merged, &defaults, &Value::Table(table), "", &origin, &mut origins)?;
    }
    let mut env: Vec<(String, String)> = env.into_iter().filter(|(k, _)| k.starts_with("VITRINE__")).collect();
    env.sort();
    for (var, raw) in env {
        let origin = Origin::Env(var.clone());
        let path: Vec<String> = var["VITRINE__".len()..]
            .split("__")
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let key = path.join(".");
        let Some(default_value) = lookup(&defaults, &path) else {
            return Err(ConfigError::UnknownKey { origin, key });
        };
        let value = env_value(&raw, default_value);
        let patch = path.iter().rev().fold(value, |acc, k| {
            let mut t = toml::Table::new();
            t.insert(k.clone(), acc);
            Value::Table(t)
        });
        merge(&mut merged, &defaults, &patch, "", &origin, &mut origins)?;
    }
    // The file is valid TOML and every key exists with the right type by now;
    // what can still fail is a value serde refuses (an unknown variant, a
    // missing field of a list entry). Name its key and where it came from.
    let config: KioskConfig = serde_path_to_error::deserialize(merged.clone()).map_err(|e| {
        let key = e.path().to_string();
        let origin = origin_of_path(&origins, &key).unwrap_or_else(|| {
            file_path
                .map(|p| Origin::File(p.to_path_buf()))
                .unwrap_or(Origin::Default)
        });
        let mut reason = e.into_inner().to_string().trim().replace('\n', " ");
        // toml adds "in `a.b.c`" (without list indexes): the key says it already.
        if let Some(i) = reason.rfind(" in `")
            && reason.ends_with('`')
        {
            reason.truncate(i);
        }
        ConfigError::Invalid { origin, key, reason }
    })?;
    let loaded = LoadedConfig {
        config,
        file: file_path.map(Path::to_path_buf),
        origins,
    };
    validate(&loaded)?;
    Ok(loaded)
}

/// Where the value at `path` (`scan.variable_measure.rules[0].value`) came
/// from: the origin of the longest key set that holds it.
fn origin_of_path(origins: &[(String, Origin)], path: &str) -> Option<Origin> {
    let plain: String = {
        // Drop list indexes: origins are recorded per key, lists whole.
        let mut out = String::with_capacity(path.len());
        let mut depth = 0;
        for c in path.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    origins
        .iter()
        .rev()
        .filter(|(k, _)| plain == *k || plain.starts_with(&format!("{k}.")))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, o)| o.clone())
}

/// An environment value is read as TOML when the default is not a string
/// (so `VITRINE__UI__IDLE_TIMEOUT_S=90` is an integer), as text otherwise.
fn env_value(raw: &str, default: &Value) -> Value {
    match default {
        Value::String(_) => Value::String(raw.to_string()),
        // A list of words may be written plainly: `VITRINE__UI__LANGUAGES=fr,de`.
        Value::Array(_) if !raw.trim_start().starts_with('[') => Value::Array(
            raw.split(',')
                .map(|w| Value::String(w.trim().to_string()))
                .filter(|w| w.as_str().is_some_and(|w| !w.is_empty()))
                .collect(),
        ),
        _ => format!("v = {raw}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| Value::String(raw.to_string())),
    }
}

fn lookup<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.as_table()?.get(k))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Table(_) => "a table".into(),
        Value::Array(_) => "a list".into(),
        other => format!("{} {}", type_name(other), other),
    }
}

/// Merges `patch` into `target`, checking every key exists in `defaults` with
/// the same type.
fn merge(
    target: &mut Value,
    defaults: &Value,
    patch: &Value,
    prefix: &str,
    origin: &Origin,
    origins: &mut Vec<(String, Origin)>,
) -> Result<(), ConfigError> {
    let (Some(t), Some(d), Some(p)) = (target.as_table_mut(), defaults.as_table(), patch.as_table()) else {
        return Ok(());
    };
    for (k, pv) in p {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        let Some(dv) = d.get(k) else {
            return Err(ConfigError::UnknownKey {
                origin: origin.clone(),
                key,
            });
        };
        let same_kind = std::mem::discriminant(dv) == std::mem::discriminant(pv);
        if !same_kind {
            return Err(ConfigError::Type {
                origin: origin.clone(),
                key,
                expected: type_name(dv).into(),
                found: show(pv),
            });
        }
        if dv.is_table() && pv.is_table() {
            if let Some(tv) = t.get_mut(k) {
                merge(tv, dv, pv, &key, origin, origins)?;
            }
        } else {
            if let Value::Integer(i) = pv
                && *i < 0
            {
                return Err(ConfigError::Type {
                    origin: origin.clone(),
                    key,
                    expected: "a positive integer".into(),
                    found: show(pv),
                });
            }
            t.insert(k.clone(), pv.clone());
            origins.push((key, origin.clone()));
        }
    }
    Ok(())
}

fn validate(l: &LoadedConfig) -> Result<(), ConfigError> {
    let c = &l.config;
    let bad = |key: &str, reason: String| ConfigError::Invalid {
        origin: l.origin_of(key),
        key: key.to_string(),
        reason,
    };
    if c.kiosk.store.trim().is_empty()
        || !c
            .kiosk
            .store
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(bad(
            "kiosk.store",
            format!(
                "expected a store id of letters, digits, - or _, found \"{}\"",
                c.kiosk.store
            ),
        ));
    }
    if c.kiosk.data_dir.as_os_str().is_empty() {
        return Err(bad(
            "kiosk.data_dir",
            "expected a folder path, found an empty string".into(),
        ));
    }
    if let Err(e) = Currency::from_code(&c.kiosk.currency) {
        return Err(bad("kiosk.currency", e.to_string()));
    }
    let known = || {
        vitrine_i18n::available()
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let supported = |l: &str| Lang::parse(l).filter(|l| vitrine_i18n::supported(*l));
    let Some(lang) = supported(&c.ui.language) else {
        return Err(bad(
            "ui.language",
            format!("expected one of {}, found \"{}\"", known(), c.ui.language),
        ));
    };
    let mut offered = Vec::new();
    for l in &c.ui.languages {
        match supported(l) {
            Some(x) if !offered.contains(&x) => offered.push(x),
            Some(_) => return Err(bad("ui.languages", format!("\"{l}\" is listed twice"))),
            None => {
                return Err(bad(
                    "ui.languages",
                    format!("expected languages among {}, found \"{l}\"", known()),
                ));
            }
        }
    }
    if !offered.contains(&lang) {
        return Err(bad(
            "ui.languages",
            format!(
                "the list must include ui.language (\"{}\"), found [{}]",
                c.ui.language,
                c.ui.languages.join(", ")
            ),
        ));
    }
    if !(10..=3600).contains(&c.ui.idle_timeout_s) {
        return Err(bad(
            "ui.idle_timeout_s",
            format!("expected 10 to 3600 seconds, found {}", c.ui.idle_timeout_s),
        ));
    }
    if !(3..=60).contains(&c.ui.idle_warning_s) {
        return Err(bad(
            "ui.idle_warning_s",
            format!("expected 3 to 60 seconds, found {}", c.ui.idle_warning_s),
        ));
    }
    if !(10..=600).contains(&c.ui.handoff_countdown_s) {
        return Err(bad(
            "ui.handoff_countdown_s",
            format!("expected 10 to 600 seconds, found {}", c.ui.handoff_countdown_s),
        ));
    }
    if !(2..=120).contains(&c.ui.attract_slide_s) {
        return Err(bad(
            "ui.attract_slide_s",
            format!("expected 2 to 120 seconds, found {}", c.ui.attract_slide_s),
        ));
    }
    if !(500..=10_000).contains(&c.ui.staff_hold_ms) {
        return Err(bad(
            "ui.staff_hold_ms",
            format!("expected 500 to 10000 ms, found {}", c.ui.staff_hold_ms),
        ));
    }
    if !(c.hq.url.is_empty() || c.hq.url.starts_with("http://") || c.hq.url.starts_with("https://")) {
        return Err(bad(
            "hq.url",
            format!(
                "expected an http:// or https:// address (or \"\" for no HQ), found \"{}\"",
                c.hq.url
            ),
        ));
    }
    if !(1..=86_400).contains(&c.hq.poll_interval_s) {
        return Err(bad(
            "hq.poll_interval_s",
            format!("expected 1 to 86400 seconds, found {}", c.hq.poll_interval_s),
        ));
    }
    if !(1..=300).contains(&c.hq.request_timeout_s) {
        return Err(bad(
            "hq.request_timeout_s",
            format!("expected 1 to 300 seconds, found {}", c.hq.request_timeout_s),
        ));
    }
    if !(10..=60_000).contains(&c.hq.retry_base_ms) {
        return Err(bad(
            "hq.retry_base_ms",
            format!("expected 10 to 60000 ms, found {}", c.hq.retry_base_ms),
        ));
    }
    if !(1..=86_400).contains(&c.hq.retry_max_s) || u64::from(c.hq.retry_max_s) * 1000 < u64::from(c.hq.retry_base_ms) {
        return Err(bad(
            "hq.retry_max_s",
            format!(
                "expected 1 to 86400 seconds, and not below hq.retry_base_ms, found {}",
                c.hq.retry_max_s
            ),
        ));
    }
    if c.catalog.images_max_mb > 1_048_576 {
        return Err(bad(
            "catalog.images_max_mb",
            format!("expected 0 to 1048576 MB, found {}", c.catalog.images_max_mb),
        ));
    }
    if !(5..=3600).contains(&c.hq.heartbeat_s) {
        return Err(bad(
            "hq.heartbeat_s",
            format!("expected 5 to 3600 seconds, found {}", c.hq.heartbeat_s),
        ));
    }
    if c.hq.availability_cache_s > 86_400 {
        return Err(bad(
            "hq.availability_cache_s",
            format!("expected 0 to 86400 seconds, found {}", c.hq.availability_cache_s),
        ));
    }
    if !(160..=4096).contains(&c.camera.width) {
        return Err(bad(
            "camera.width",
            format!("expected 160 to 4096 pixels, found {}", c.camera.width),
        ));
    }
    if !(120..=4096).contains(&c.camera.height) {
        return Err(bad(
            "camera.height",
            format!("expected 120 to 4096 pixels, found {}", c.camera.height),
        ));
    }
    if !(1..=120).contains(&c.camera.fps) {
        return Err(bad("camera.fps", format!("expected 1 to 120, found {}", c.camera.fps)));
    }
    if !(1..=120).contains(&c.camera.replay_fps) {
        return Err(bad(
            "camera.replay_fps",
            format!("expected 1 to 120, found {}", c.camera.replay_fps),
        ));
    }
    if c.camera.source == CameraSource::Replay && c.camera.replay_dir.is_empty() {
        return Err(bad(
            "camera.replay_dir",
            "expected a folder of images when camera.source = \"replay\", found nothing".into(),
        ));
    }
    if c.scan.cooldown_ms > 60_000 {
        return Err(bad(
            "scan.cooldown_ms",
            format!("expected at most 60000 ms, found {}", c.scan.cooldown_ms),
        ));
    }
    if c.scan.leave_ms > 10_000 {
        return Err(bad(
            "scan.leave_ms",
            format!("expected at most 10000 ms, found {}", c.scan.leave_ms),
        ));
    }
    if !(5..=500).contains(&c.scan.hid_max_key_interval_ms) {
        return Err(bad(
            "scan.hid_max_key_interval_ms",
            format!("expected 5 to 500 ms, found {}", c.scan.hid_max_key_interval_ms),
        ));
    }
    if !(1..=64).contains(&c.scan.hid_min_length) {
        return Err(bad(
            "scan.hid_min_length",
            format!("expected 1 to 64, found {}", c.scan.hid_min_length),
        ));
    }
    let mut sep = c.scan.gs1_separator.chars();
    if let (Some(ch), None) = (sep.next(), sep.next()) {
        if !vitrine_core::code::valid_gs1_separator(ch) {
            return Err(bad(
                "scan.gs1_separator",
                format!(
                    "'{ch}' can be part of GS1 data: use one of # $ @ [ \\ ^ ` {{ | }} ~, or \"\" for none (found \"{}\")",
                    c.scan.gs1_separator
                ),
            ));
        }
    } else if !c.scan.gs1_separator.is_empty() {
        return Err(bad(
            "scan.gs1_separator",
            format!(
                "expected one character (such as ^ or ~) or \"\" for none, found \"{}\"",
                c.scan.gs1_separator
            ),
        ));
    }
    if let Err(reason) = c.scan.variable_measure.validate() {
        return Err(bad("scan.variable_measure", reason));
    }
    if !(1..=20).contains(&c.staff.max_attempts) {
        return Err(bad(
            "staff.max_attempts",
            format!("expected 1 to 20, found {}", c.staff.max_attempts),
        ));
    }
    if !(1..=3600).contains(&c.staff.lockout_base_s) {
        return Err(bad(
            "staff.lockout_base_s",
            format!("expected 1 to 3600 seconds, found {}", c.staff.lockout_base_s),
        ));
    }
    if c.staff.lockout_max_s < c.staff.lockout_base_s || c.staff.lockout_max_s > 86_400 {
        return Err(bad(
            "staff.lockout_max_s",
            format!(
                "expected staff.lockout_base_s ({}) to 86400 seconds, found {}",
                c.staff.lockout_base_s, c.staff.lockout_max_s
            ),
        ));
    }
    if c.collect.open_hour > 23 {
        return Err(bad(
            "collect.open_hour",
            format!("expected an hour from 0 to 23, found {}", c.collect.open_hour),
        ));
    }
    if c.collect.close_hour > 24 || c.collect.close_hour <= c.collect.open_hour {
        return Err(bad(
            "collect.close_hour",
            format!(
                "expected an hour after collect.open_hour ({}) and at most 24, found {}",
                c.collect.open_hour, c.collect.close_hour
            ),
        ));
    }
    if !(15..=480).contains(&c.collect.slot_minutes) {
        return Err(bad(
            "collect.slot_minutes",
            format!("expected 15 to 480 minutes, found {}", c.collect.slot_minutes),
        ));
    }
    if c.collect.lead_minutes > 10_080 {
        return Err(bad(
            "collect.lead_minutes",
            format!(
                "expected at most 10080 minutes (a week), found {}",
                c.collect.lead_minutes
            ),
        ));
    }
    if !(1..=14).contains(&c.collect.days) {
        return Err(bad(
            "collect.days",
            format!("expected 1 to 14 days, found {}", c.collect.days),
        ));
    }
    if !c.staff.pin_hash.is_empty() && !c.staff.pin_hash.starts_with("$argon2") {
        return Err(bad(
            "staff.pin_hash",
            "expected an Argon2 hash (set the PIN from the staff screen or `vitrine staff set-pin`)".into(),
        ));
    }
    let a = &c.accessibility;
    if !(80..=450).contains(&a.rate_wpm) {
        return Err(bad(
            "accessibility.rate_wpm",
            format!("expected 80 to 450 words per minute, found {}", a.rate_wpm),
        ));
    }
    if a.volume > 100 {
        return Err(bad(
            "accessibility.volume",
            format!("expected 0 to 100, found {}", a.volume),
        ));
    }
    if a.player.first().is_none_or(|p| p.trim().is_empty()) {
        return Err(bad(
            "accessibility.player",
            "expected a command and its arguments, such as [\"aplay\", \"-q\"]".into(),
        ));
    }
    match a.keymap() {
        Err((key, e)) => return Err(bad(key, e.to_string())),
        Ok(map) => {
            if let Some((key, first, second)) = map.clash() {
                return Err(bad(
                    "accessibility",
                    format!("the key {key:?} is given to two actions ({first:?} and {second:?})"),
                ));
            }
        }
    }
    if tracing_subscriber::EnvFilter::try_new(&c.log.level).is_err() {
        return Err(bad(
            "log.level",
            format!("expected a tracing filter such as \"info\", found \"{}\"", c.log.level),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use vitrine_core::wire::settings::{RemoteSetting, SettingScope};

    fn remote(key: &str, value: &str, updated_at: i64) -> RemoteSetting {
        RemoteSetting {
            key: key.into(),
            value: Some(value.into()),
            scope: SettingScope::Store,
            updated_at,
            version: updated_at as u64,
        }
    }

    #[test]
    fn hqs_settings_apply_unless_staff_changed_the_key_since() {
        let base = load(None, Vec::new()).unwrap();
        let r = [
            remote("ui.idle_timeout_s", "90", 100),
            remote("ui.layout", "portrait", 100),
            remote("ui.languages", "de,en", 100),
            // Out of range: left out, the rest applies.
            remote("accessibility.volume", "250", 100),
        ];
        let c = base.with_remote(&r, &[]);
        assert_eq!(c.config.ui.idle_timeout_s, 90);
        assert_eq!(c.config.ui.layout, Layout::Portrait);
        assert_eq!(c.config.ui.languages, vec!["de", "en"]);
        assert_eq!(c.config.ui.language, "de", "the default language is one offered");
        assert_eq!(c.config.accessibility.volume, base.config.accessibility.volume);
        assert!(matches!(
            c.origin_of("ui.idle_timeout_s"),
            Origin::Hq {
                scope: SettingScope::Store,
                ..
            }
        ));
        // Staff changed the idle time after HQ set it: staff's value stays.
        let staff = [("ui.idle_timeout_s".to_string(), 150)];
        let c = base.with_remote(&r, &staff);
        assert_eq!(c.config.ui.idle_timeout_s, base.config.ui.idle_timeout_s);
        assert_eq!(c.origin_of("ui.idle_timeout_s"), Origin::Default);
        assert_eq!(c.config.ui.layout, Layout::Portrait);
        // HQ sets it again, later: HQ's wins.
        let newer = [remote("ui.idle_timeout_s", "120", 200)];
        assert_eq!(base.with_remote(&newer, &staff).config.ui.idle_timeout_s, 120);
    }

    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn shipped_file_matches_defaults_and_documents_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        let loaded = load(Some(&path), Vec::new()).unwrap();
        assert_eq!(loaded.config, KioskConfig::default());
        // Every key appears in the file with a comment line right above it or
        // above its section (checked by parsing the text).
        let text = std::fs::read_to_string(&path).unwrap();
        let defaults = Value::try_from(KioskConfig::default()).unwrap();
        for (section, v) in defaults.as_table().unwrap() {
            assert!(text.contains(&format!("[{section}]")), "section {section} missing");
            for key in v.as_table().unwrap().keys() {
                let line = text
                    .lines()
                    .position(|l| {
                        l.starts_with(&format!("{key} ="))
                            || l.trim_start_matches('[').starts_with(&format!("{section}.{key}"))
                    })
                    .unwrap_or_else(|| panic!("{section}.{key} missing from config/kiosk.toml"));
                let above = text.lines().nth(line - 1).unwrap();
                assert!(above.starts_with('#'), "{section}.{key} has no comment above it");
            }
        }
    }

    #[test]
    fn layering_file_then_env() {
        let f = file("[ui]\nidle_timeout_s = 90\nlanguage = \"en\"\n");
        let env = vec![
            ("VITRINE__UI__IDLE_TIMEOUT_S".to_string(), "120".to_string()),
            ("VITRINE__KIOSK__STORE".to_string(), "lyon-02".to_string()),
            ("OTHER".to_string(), "x".to_string()),
        ];
        let l = load(Some(f.path()), env).unwrap();
        assert_eq!(l.config.ui.idle_timeout_s, 120);
        assert_eq!(l.config.ui.language, "en");
        assert_eq!(l.config.kiosk.store, "lyon-02");
        assert_eq!(l.config.camera.fps, 30);
        assert_eq!(
            l.origin_of("ui.idle_timeout_s"),
            Origin::Env("VITRINE__UI__IDLE_TIMEOUT_S".into())
        );
        assert_eq!(l.origin_of("ui.language"), Origin::File(f.path().to_path_buf()));
    }

    #[test]
    fn languages_come_from_the_catalogue() {
        let l = load(None, vec![("VITRINE__UI__LANGUAGE".into(), "de".into())]).unwrap();
        assert_eq!(l.lang(), Lang::DE);
        assert_eq!(l.langs(), vec![Lang::FR, Lang::EN, Lang::DE]);
        let l = load(
            None,
            vec![
                ("VITRINE__UI__LANGUAGES".into(), "de, en".into()),
                ("VITRINE__UI__LANGUAGE".into(), "en".into()),
            ],
        )
        .unwrap();
        assert_eq!(l.langs(), vec![Lang::DE, Lang::EN]);
        let e = load(None, vec![("VITRINE__UI__LANGUAGES".into(), "de,en".into())])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ui.languages") && e.contains("must include ui.language"),
            "{e}"
        );
        let e = load(None, vec![("VITRINE__UI__LANGUAGES".into(), "[\"fr\", \"xx\"]".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("ui.languages") && e.contains("\"xx\""), "{e}");
        let e = load(None, vec![("VITRINE__UI__LANGUAGES".into(), "fr,fr".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn errors_name_file_key_and_expectation() {
        let f = file("[camera]\nfps = \"fast\"\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(e.contains(&f.path().display().to_string()), "{e}");
        assert!(e.contains("camera.fps") && e.contains("expected an integer"), "{e}");

        let f = file("[ui]\nidle_timout_s = 5\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(e.contains("unknown key `ui.idle_timout_s`"), "{e}");

        let f = file("[ui]\nidle_timeout_s = 5\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(e.contains("ui.idle_timeout_s") && e.contains("10 to 3600"), "{e}");

        let f = file("[ui\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(e.contains("not valid TOML"), "{e}");

        let e = load(None, vec![("VITRINE__UI__LANGUAGE".into(), "it".into())])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("environment variable VITRINE__UI__LANGUAGE") && e.contains("ui.language"),
            "{e}"
        );

        let e = load(None, vec![("VITRINE__NOPE__X".into(), "1".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown key `nope.x`"), "{e}");

        let e = load(None, vec![("VITRINE__UI__IDLE_TIMEOUT_S".into(), "-5".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("positive integer"), "{e}");
        let e = load(Some(Path::new("/nonexistent/kiosk.toml")), Vec::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read"), "{e}");
    }

    #[test]
    fn a_value_serde_refuses_names_its_key_not_toml() {
        let f = file(
            "[[scan.variable_measure.rules]]\nprefix = \"21\"\nitem_digits = 4\nvalue_digits = 6\nvalue = \"weigth\"\n",
        );
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(!e.contains("not valid TOML"), "{e}");
        assert!(e.contains(&f.path().display().to_string()), "{e}");
        assert!(
            e.contains("key `scan.variable_measure.rules[0].value`") && e.contains("unknown variant `weigth`"),
            "{e}"
        );
        assert!(e.contains("`price`") && e.contains("`weight`"), "{e}");
        assert!(e.ends_with("expected `price` or `weight`"), "{e}");
        // A list entry missing a field.
        let f = file("[[scan.variable_measure.rules]]\nprefix = \"21\"\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(
            e.contains("key `scan.variable_measure.rules[0]`") && e.contains("item_digits"),
            "{e}"
        );
    }

    #[test]
    fn choices_read_their_words_and_name_the_accepted_ones() {
        let f = file(
            "[ui]\nlayout = \"low-reach\"\nbackend = \"linuxkms\"\nrenderer = \"femtovg\"\n[camera]\nsource = \"none\"\n",
        );
        let c = load(Some(f.path()), Vec::new()).unwrap().config;
        assert_eq!(
            (c.ui.layout, c.ui.backend, c.ui.renderer, c.camera.source),
            (
                Layout::LowReach,
                Backend::LinuxKms,
                Renderer::Femtovg,
                CameraSource::None
            )
        );
        // Written back with the same words (the staff screen saves them).
        let text = toml::to_string(&c).unwrap();
        assert!(
            text.contains("layout = \"low-reach\"") && text.contains("backend = \"linuxkms\""),
            "{text}"
        );

        let f = file("[ui]\nlayout = \"sideways\"\n");
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: key `ui.layout`: expected \"auto\", \"landscape\", \"portrait\" or \"low-reach\", found \"sideways\"",
                f.path().display()
            )
        );
        for (var, value, message) in [
            (
                "VITRINE__UI__BACKEND",
                "wayland",
                "environment variable VITRINE__UI__BACKEND: key `ui.backend`: expected \"auto\", \"winit\" or \"linuxkms\", found \"wayland\"",
            ),
            (
                "VITRINE__UI__RENDERER",
                "skia",
                "environment variable VITRINE__UI__RENDERER: key `ui.renderer`: expected \"auto\", \"software\" or \"femtovg\", found \"skia\"",
            ),
            (
                "VITRINE__CAMERA__SOURCE",
                "webcam",
                "environment variable VITRINE__CAMERA__SOURCE: key `camera.source`: expected \"camera\", \"replay\" or \"none\", found \"webcam\"",
            ),
        ] {
            let e = load(None, vec![(var.to_string(), value.to_string())]).unwrap_err();
            assert_eq!(e.to_string(), message);
        }
        // A word that is not a string is a type error, as for any key.
        let e = load(None, vec![("VITRINE__UI__LAYOUT".into(), "3".into())])
            .unwrap_err()
            .to_string();
        assert!(e.contains("ui.layout") && e.contains("found \"3\""), "{e}");
    }

    #[test]
    fn variable_measure_rules_are_configurable() {
        let f = file(
            "[[scan.variable_measure.rules]]\nprefix = \"21\"\nitem_digits = 4\nvalue_digits = 6\nvalue = \"price\"\n",
        );
        let l = load(Some(f.path()), Vec::new()).unwrap();
        assert_eq!(l.config.scan.variable_measure.rules.len(), 1);
        let f = file(
            "[[scan.variable_measure.rules]]\nprefix = \"31\"\nitem_digits = 5\nvalue_digits = 5\nvalue = \"price\"\n",
        );
        let e = load(Some(f.path()), Vec::new()).unwrap_err().to_string();
        assert!(
            e.contains("scan.variable_measure") && e.contains("02 or 20 to 29"),
            "{e}"
        );
    }
}
