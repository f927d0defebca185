//! Staff mode: the PIN (kept as an Argon2 hash), the lockout after repeated
//! failures, the audit log of staff entries, and the settings staff change
//! on the spot (validated, then written atomically to the config file).
//!
//! # Lockout
//! After `staff.max_attempts` wrong PINs in a row the PIN pad locks for
//! `staff.lockout_base_s` seconds. Once it reopens, every further wrong PIN
//! locks it again for twice as long as the previous lockout, up to
//! `staff.lockout_max_s`; a right PIN resets everything. The state is kept
//! in `<data_dir>/staff-lockout.json` (written atomically), so switching the
//! kiosk off and on again does not reset the count.
//!
//! # Audit
//! Every entry, failure, lockout and change is a line of
//! `<data_dir>/staff-audit.jsonl` and a `tracing` event: the time, what
//! happened and which setting keys changed. No PIN, no value that could
//! identify a person.
//!
//! Argon2 takes tens of milliseconds on purpose: callers run [`StaffGate::check`]
//! off the UI thread.

use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use vitrine_core::product::UnixTime;
use vitrine_i18n::{Text, text};
use vitrine_infra::fs::{Access, write_atomic};

use crate::config::{self, ConfigError, Layout, LoadedConfig, StaffSection};

/// The PIN in force while `staff.pin_hash` is empty (the staff screen asks
/// to change it). Even then it is never compared in plain text: on first use
/// the gate stores its Argon2 hash in `<data_dir>/staff-default-pin.phc` and
/// checks PINs against that hash.
pub const DEFAULT_PIN: &str = "2468";

const LOCKOUT_FILE: &str = "staff-lockout.json";
/// The Argon2 hash (PHC string) of [`DEFAULT_PIN`], made on first use.
pub const DEFAULT_PIN_HASH_FILE: &str = "staff-default-pin.phc";
const AUDIT_FILE: &str = "staff-audit.jsonl";

#[derive(Debug, Error)]
pub enum StaffError {
    #[error("{path}: cannot write the staff state: {reason} (check the data folder's permissions and free space)")]
    Write { path: PathBuf, reason: String },
    #[error("the stored staff PIN hash is damaged ({0}): set a new PIN with the configuration file")]
    BadHash(String),
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// The result of a PIN attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// Right PIN. `default_pin`: it is still the factory PIN, to be changed.
    Granted { default_pin: bool },
    /// Wrong PIN; this many attempts before a lockout.
    Wrong { attempts_left: u32 },
    /// Locked until this time (a wrong PIN may just have caused it).
    Locked { until: UnixTime },
}

impl PinCheck {
    /// What the PIN pad says (messages `staff-pin-*`).
    pub fn text(&self, now: UnixTime) -> Text {
        match self {
            PinCheck::Granted { .. } => text!("staff-pin-granted"),
            PinCheck::Wrong { attempts_left } => text!("staff-pin-wrong", left = *attempts_left),
            PinCheck::Locked { until } => text!("staff-pin-locked", wait = vitrine_i18n::duration(until - now)),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct LockoutState {
    /// Wrong PINs since the last right one.
    failures: u32,
    /// Lockouts since the last right PIN (the next one lasts 2^n times longer).
    lockouts: u32,
    locked_until: Option<UnixTime>,
}

/// The staff PIN pad's state.
#[derive(Debug)]
pub struct StaffGate {
    data_dir: PathBuf,
    pin_hash: String,
    max_attempts: u32,
    base_s: u32,
    max_s: u32,
    state: LockoutState,
    /// The default PIN's hash, once read or made.
    default_hash: Option<String>,
}

impl StaffGate {
    /// Reads the lockout state left by the previous run (a missing or
    /// unreadable file is a fresh state, logged).
    pub fn open(data_dir: &Path, cfg: &StaffSection) -> StaffGate {
        let path = data_dir.join(LOCKOUT_FILE);
        let state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "staff lockout state unreadable; starting afresh");
                LockoutState::default()
            }),
            Err(_) => LockoutState::default(),
        };
        StaffGate {
            data_dir: data_dir.to_path_buf(),
            pin_hash: cfg.pin_hash.clone(),
            max_attempts: cfg.max_attempts,
            base_s: cfg.lockout_base_s,
            max_s: cfg.lockout_max_s,
            state,
            default_hash: None,
        }
    }

    /// New staff settings (a PIN change, new limits).
    pub fn configure(&mut self, cfg: &StaffSection) {
        self.pin_hash = cfg.pin_hash.clone();
        self.max_attempts = cfg.max_attempts;
        self.base_s = cfg.lockout_base_s;
        self.max_s = cfg.lockout_max_s;
    }

    /// When the pad is locked, until when.
    pub fn locked_until(&self, now: UnixTime) -> Option<UnixTime> {
        self.state.locked_until.filter(|&u| u > now)
    }

    /// Checks a PIN at `now`. The new state is on disk before this returns,
    /// so cutting the power after a wrong PIN does not forget it.
    pub fn check(&mut self, pin: &str, now: UnixTime) -> Result<PinCheck, StaffError> {
        if let Some(until) = self.locked_until(now) {
            audit(&self.data_dir, now, "pin_refused_locked", &[]);
            return Ok(PinCheck::Locked { until });
        }
        let right = if self.pin_hash.is_empty() {
            let hash = self.default_pin_hash()?;
            verify_pin(pin, &hash)?
        } else {
            verify_pin(pin, &self.pin_hash)?
        };
        if right {
            self.state = LockoutState::default();
            self.save()?;
            audit(&self.data_dir, now, "staff_entered", &[]);
            return Ok(PinCheck::Granted {
                default_pin: self.pin_hash.is_empty(),
            });
        }
        self.state.failures += 1;
        let result = if self.state.failures >= self.max_attempts {
            let factor = 1u64 << self.state.lockouts.min(20);
            let secs = (u64::from(self.base_s) * factor).min(u64::from(self.max_s));
            self.state.lockouts += 1;
            let until = now + secs as i64;
            self.state.locked_until = Some(until);
            audit(&self.data_dir, now, "staff_locked", &[]);
            tracing::warn!(lockout_s = secs, lockouts = self.state.lockouts, "staff PIN pad locked");
            PinCheck::Locked { until }
        } else {
            audit(&self.data_dir, now, "pin_wrong", &[]);
            PinCheck::Wrong {
                attempts_left: self.max_attempts - self.state.failures,
            }
        };
        self.save()?;
        Ok(result)
    }

    /// The Argon2 hash of [`DEFAULT_PIN`]: read from
    /// `<data_dir>/staff-default-pin.phc`, or made and stored there
    /// (atomically) on first use, or again if that file is damaged.
    fn default_pin_hash(&mut self) -> Result<String, StaffError> {
        if let Some(h) = &self.default_hash {
            return Ok(h.clone());
        }
        let path = self.data_dir.join(DEFAULT_PIN_HASH_FILE);
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let text = text.trim().to_string();
                if text.starts_with("$argon2") && PasswordHash::new(&text).is_ok() {
                    Some(text)
                } else {
                    tracing::warn!(path = %path.display(), "default PIN hash unreadable; making it again");
                    None
                }
            }
            Err(_) => None,
        };
        let hash = match stored {
            Some(h) => h,
            None => {
                let h = hash_pin(DEFAULT_PIN)?;
                write_atomically(&path, h.as_bytes())?;
                h
            }
        };
        self.default_hash = Some(hash.clone());
        Ok(hash)
    }

    fn save(&self) -> Result<(), StaffError> {
        let bytes = serde_json::to_vec(&self.state).map_err(|e| StaffError::Hash(e.to_string()))?;
        write_atomically(&self.data_dir.join(LOCKOUT_FILE), &bytes)
    }
}

/// Whether `pin` matches an Argon2 PHC string.
fn verify_pin(pin: &str, phc: &str) -> Result<bool, StaffError> {
    let hash = PasswordHash::new(phc).map_err(|e| StaffError::BadHash(e.to_string()))?;
    Ok(Argon2::default().verify_password(pin.as_bytes(), &hash).is_ok())
}

/// Hashes a new PIN (Argon2id, random salt) for `staff.pin_hash`.
pub fn hash_pin(pin: &str) -> Result<String, StaffError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Hash(e.to_string()))
}

/// Why a new PIN is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRule {
    Length,
    Trivial,
    Default,
    Mismatch,
}

impl PinRule {
    /// Why the new PIN is refused (messages `staff-pin-rule-*`).
    pub fn text(self) -> Text {
        match self {
            PinRule::Length => text!("staff-pin-rule-length"),
            PinRule::Trivial => text!("staff-pin-rule-trivial"),
            PinRule::Default => text!("staff-pin-rule-default"),
            PinRule::Mismatch => text!("staff-pin-rule-mismatch"),
        }
    }
}

/// Checks a new PIN typed twice.
pub fn validate_new_pin(pin: &str, again: &str) -> Result<(), PinRule> {
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinRule::Length);
    }
    let b = pin.as_bytes();
    let same = b.iter().all(|&c| c == b[0]);
    let up = b.windows(2).all(|w| w[1] == w[0] + 1);
    let down = b.windows(2).all(|w| w[0] == w[1] + 1);
    if same || up || down {
        return Err(PinRule::Trivial);
    }
    if pin == DEFAULT_PIN {
        return Err(PinRule::Default);
    }
    if pin != again {
        return Err(PinRule::Mismatch);
    }
    Ok(())
}

/// Appends a line to the staff audit log (and logs it). Never fails the
/// caller: an audit line that cannot be written is itself logged as an error.
pub fn audit(data_dir: &Path, now: UnixTime, event: &str, keys: &[&str]) {
    tracing::info!(target: "vitrine::staff", event, keys = ?keys, "staff audit");
    let line = serde_json::json!({ "at": now, "event": event, "keys": keys });
    let path = data_dir.join(AUDIT_FILE);
    let result = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = result {
        tracing::error!(path = %path.display(), error = %e, "cannot write the staff audit log");
    }
}

/// Writes `bytes` to `path` so that a reader (or a power cut) sees the old
/// content or the new, never half ([`vitrine_infra::fs::write_atomic`]).
/// Owner-only: every staff file (PIN hashes, lockout state, the
/// configuration holding `staff.pin_hash`) is for the kiosk's account alone.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StaffError> {
    write_atomic(path, bytes, Access::OwnerOnly).map_err(|e| StaffError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// When staff last changed each setting on this kiosk (key and time): a
/// staff change beats HQ's remote value set before it
/// ([`crate::config::LoadedConfig::with_remote`]).
const STAFF_CHANGES_FILE: &str = "staff-changes.json";

/// The time of staff's last change of each setting (none: empty). A
/// damaged file counts as no change (HQ's values apply).
pub fn staff_changes(data_dir: &Path) -> Vec<(String, UnixTime)> {
    std::fs::read_to_string(data_dir.join(STAFF_CHANGES_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Records that staff changed `keys` at `at`; returns every key's last
/// change.
pub fn note_staff_changes(
    data_dir: &Path,
    keys: &[String],
    at: UnixTime,
) -> Result<Vec<(String, UnixTime)>, StaffError> {
    let mut all = staff_changes(data_dir);
    for k in keys {
        match all.iter_mut().find(|(key, _)| key == k) {
            Some(e) => e.1 = at,
            None => all.push((k.clone(), at)),
        }
    }
    let json = serde_json::to_vec(&all).map_err(|e| StaffError::Write {
        path: data_dir.join(STAFF_CHANGES_FILE),
        reason: e.to_string(),
    })?;
    write_atomically(&data_dir.join(STAFF_CHANGES_FILE), &json)?;
    Ok(all)
}

/// The settings staff can change from the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub store: String,
    pub hq_url: String,
    pub camera_device: String,
    pub camera_width: u32,
    pub camera_height: u32,
    pub language: String,
    pub idle_timeout_s: u32,
    pub layout: Layout,
    /// A new PIN's hash (from [`hash_pin`]), when staff changed it.
    pub new_pin_hash: Option<String>,
}

impl Settings {
    pub fn from_config(c: &LoadedConfig) -> Settings {
        let k = &c.config;
        Settings {
            store: k.kiosk.store.clone(),
            hq_url: k.hq.url.clone(),
            camera_device: k.camera.device.clone(),
            camera_width: k.camera.width,
            camera_height: k.camera.height,
            language: k.ui.language.clone(),
            idle_timeout_s: k.ui.idle_timeout_s,
            layout: k.ui.layout,
            new_pin_hash: None,
        }
    }

    /// `(section, key, value)` for every setting, in file order.
    fn entries(&self) -> Vec<Entry> {
        let mut v: Vec<Entry> = vec![
            ("kiosk", "store", self.store.as_str().into()),
            ("ui", "language", self.language.as_str().into()),
            ("ui", "idle_timeout_s", i64::from(self.idle_timeout_s).into()),
            ("ui", "layout", self.layout.as_str().into()),
            ("hq", "url", self.hq_url.as_str().into()),
            ("camera", "device", self.camera_device.as_str().into()),
            ("camera", "width", i64::from(self.camera_width).into()),
            ("camera", "height", i64::from(self.camera_height).into()),
        ];
        if let Some(h) = &self.new_pin_hash {
            v.push(("staff", "pin_hash", h.as_str().into()));
        }
        v
    }
}

/// Why settings could not be saved.
#[derive(Debug, Error)]
pub enum SettingsError {
    /// A value is out of range or malformed: nothing was written.
    #[error("{0}")]
    Invalid(ConfigError),
    #[error("{path}: cannot read the configuration file: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path}: the configuration file is not valid TOML ({reason}); fix it by hand first")]
    Syntax { path: PathBuf, reason: String },
    #[error(transparent)]
    Write(#[from] StaffError),
}

/// What a save changed.
#[derive(Debug)]
pub struct Saved {
    pub config: LoadedConfig,
    /// `section.key` of every setting whose value changed (no values: the
    /// list goes to the audit log).
    pub changed: Vec<String>,
    /// Changed keys that an environment variable overrides, so the new value
    /// in the file does not take effect.
    pub overridden: Vec<String>,
}

/// Writes `settings` into the configuration `file` (keeping its comments and
/// every other key), after checking that the result is a valid
/// configuration with the same environment. All or nothing: on any error the
/// file is unchanged.
pub fn save_settings(
    file: &Path,
    current: &LoadedConfig,
    settings: &Settings,
    env: Vec<(String, String)>,
) -> Result<Saved, SettingsError> {
    let before = Settings::from_config(current).entries();
    save_entries(file, current, &before, settings.entries(), env)
}

/// Writes a new PIN hash (from [`hash_pin`]) into `staff.pin_hash` of the
/// configuration `file`, and nothing else: comments and every other key are
/// kept as they are. Validated and written atomically like
/// [`save_settings`].
pub fn save_pin_hash(
    file: &Path,
    current: &LoadedConfig,
    pin_hash: &str,
    env: Vec<(String, String)>,
) -> Result<Saved, SettingsError> {
    let before = vec![("staff", "pin_hash", current.config.staff.pin_hash.as_str().into())];
    save_entries(
        file,
        current,
        &before,
        vec![("staff", "pin_hash", pin_hash.into())],
        env,
    )
}

type Entry = (&'static str, &'static str, toml_edit::Value);

fn save_entries(
    file: &Path,
    current: &LoadedConfig,
    before_entries: &[Entry],
    entries: Vec<Entry>,
    env: Vec<(String, String)>,
) -> Result<Saved, SettingsError> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(SettingsError::Read {
                path: file.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| SettingsError::Syntax {
        path: file.to_path_buf(),
        reason: e.to_string().trim().replace('\n', " "),
    })?;
    let mut changed = Vec::new();
    for (section, key, value) in entries {
        let old = before_entries
            .iter()
            .find(|(s, k, _)| *s == section && *k == key)
            .map(|(_, _, v)| v.to_string());
        let is_change = old.as_deref().map(str::trim) != Some(value.to_string().trim());
        if !is_change && doc.get(section).and_then(|t| t.get(key)).is_none() {
            continue;
        }
        // An unchanged value that an environment variable set is not the
        // file's to keep: leave the file's own value alone.
        if !is_change && matches!(current.origin_of(&format!("{section}.{key}")), config::Origin::Env(_)) {
            continue;
        }
        if is_change {
            changed.push(format!("{section}.{key}"));
        }
        if !doc.contains_key(section) {
            doc.insert(section, toml_edit::Item::Table(toml_edit::Table::new()));
        }
        if let Some(table) = doc.get_mut(section).and_then(|t| t.as_table_like_mut()) {
            match table.get_mut(key).and_then(|i| i.as_value_mut()) {
                Some(existing) => {
                    // Keep the comment and spacing around the old value.
                    let decor = existing.decor().clone();
                    *existing = value;
                    *existing.decor_mut() = decor;
                }
                None => {
                    table.insert(key, toml_edit::Item::Value(value));
                }
            }
        }
    }
    let new_text = doc.to_string();
    // Validate exactly what will be written, with the same environment (in
    // memory: no copy of the file, which holds the PIN hash, on disk).
    let mut loaded = config::load_text(Some((file, &new_text)), env.clone()).map_err(SettingsError::Invalid)?;
    write_atomically(file, new_text.as_bytes())?;
    loaded.file = Some(file.to_path_buf());
    loaded.config.kiosk.data_dir = current.config.kiosk.data_dir.clone();
    let overridden = changed
        .iter()
        .filter(|k| {
            let var = format!("VITRINE__{}", k.replace('.', "__").to_uppercase());
            env.iter().any(|(n, _)| *n == var)
        })
        .cloned()
        .collect();
    Ok(Saved {
        config: loaded,
        changed,
        overridden,
    })
}

#[cfg(test)]
mod tests {
    use vitrine_core::Lang;

    use super::*;

    fn staff_cfg(hash: &str) -> StaffSection {
        StaffSection {
            pin_hash: hash.into(),
            max_attempts: 3,
            lockout_base_s: 30,
            lockout_max_s: 100,
        }
    }

    #[test]
    fn staff_changes_are_kept_with_their_time() {
        let dir = tempfile::tempdir().unwrap();
        assert!(staff_changes(dir.path()).is_empty());
        note_staff_changes(dir.path(), &["ui.idle_timeout_s".into()], 100).unwrap();
        let all = note_staff_changes(dir.path(), &["ui.idle_timeout_s".into(), "ui.layout".into()], 200).unwrap();
        assert_eq!(
            all,
            vec![("ui.idle_timeout_s".to_string(), 200), ("ui.layout".to_string(), 200)]
        );
        assert_eq!(staff_changes(dir.path()), all);
    }

    #[test]
    fn lockout_grows_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let hash = hash_pin("9731").unwrap();
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(&hash));
        let t0 = 1_000_000;
        assert_eq!(gate.check("5555", t0).unwrap(), PinCheck::Wrong { attempts_left: 2 });
        assert_eq!(gate.check("0001", t0).unwrap(), PinCheck::Wrong { attempts_left: 1 });
        assert_eq!(gate.check("0002", t0).unwrap(), PinCheck::Locked { until: t0 + 30 });
        // Even the right PIN is refused while locked.
        assert_eq!(
            gate.check("9731", t0 + 10).unwrap(),
            PinCheck::Locked { until: t0 + 30 }
        );
        // A restart (a new gate on the same folder) keeps the lockout.
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(&hash));
        assert_eq!(gate.locked_until(t0 + 29), Some(t0 + 30));
        // After it, one more failure locks again for twice as long, then capped.
        assert_eq!(
            gate.check("1111", t0 + 30).unwrap(),
            PinCheck::Locked { until: t0 + 90 }
        );
        assert_eq!(
            gate.check("1111", t0 + 90).unwrap(),
            PinCheck::Locked { until: t0 + 190 }
        );
        // The right PIN after the lockout resets everything.
        assert_eq!(
            gate.check("9731", t0 + 190).unwrap(),
            PinCheck::Granted { default_pin: false }
        );
        assert_eq!(
            gate.check("5555", t0 + 191).unwrap(),
            PinCheck::Wrong { attempts_left: 2 }
        );
        let audit = std::fs::read_to_string(dir.path().join(AUDIT_FILE)).unwrap();
        assert!(audit.contains("\"staff_entered\"") && audit.contains("\"staff_locked\""));
        assert!(
            !audit.contains("9731") && !audit.contains("5555"),
            "no PIN in the audit log"
        );
        let msg = PinCheck::Locked { until: t0 + 90 }.text(t0).render(Lang::EN);
        assert_eq!(msg, "Too many attempts: try again in 2 min");
    }

    #[test]
    fn default_pin_until_one_is_set() {
        let dir = tempfile::tempdir().unwrap();
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(""));
        assert_eq!(
            gate.check(DEFAULT_PIN, 0).unwrap(),
            PinCheck::Granted { default_pin: true }
        );
        let mut gate = StaffGate::open(dir.path(), &staff_cfg("not-a-hash"));
        assert!(matches!(gate.check("1234", 0), Err(StaffError::BadHash(_))));
    }

    #[test]
    fn default_pin_is_only_compared_through_its_argon2_hash() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(DEFAULT_PIN_HASH_FILE);
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(""));
        assert_eq!(gate.check("1357", 0).unwrap(), PinCheck::Wrong { attempts_left: 2 });
        // Made on first use, as an Argon2 PHC string, without the PIN in it.
        let stored = std::fs::read_to_string(&file).unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains(DEFAULT_PIN));
        assert_eq!(
            gate.check(DEFAULT_PIN, 1).unwrap(),
            PinCheck::Granted { default_pin: true }
        );
        // The comparison goes through the stored hash: with another PIN's
        // hash in its place, the default PIN no longer opens (a plain-text
        // comparison would still accept it).
        std::fs::write(&file, hash_pin("9731").unwrap()).unwrap();
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(""));
        assert_eq!(
            gate.check(DEFAULT_PIN, 2).unwrap(),
            PinCheck::Wrong { attempts_left: 2 }
        );
        assert_eq!(gate.check("9731", 3).unwrap(), PinCheck::Granted { default_pin: true });
        // A damaged file is made again from the default PIN.
        std::fs::write(&file, "garbage").unwrap();
        let mut gate = StaffGate::open(dir.path(), &staff_cfg(""));
        assert_eq!(
            gate.check(DEFAULT_PIN, 4).unwrap(),
            PinCheck::Granted { default_pin: true }
        );
        assert!(std::fs::read_to_string(&file).unwrap().starts_with("$argon2id$"));
    }

    #[test]
    fn pin_hash_alone_is_saved_keeping_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kiosk.toml");
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        std::fs::copy(&shipped, &file).unwrap();
        let env = vec![("VITRINE__KIOSK__STORE".to_string(), "lyon-02".to_string())];
        let current = config::load(Some(&file), env.clone()).unwrap();
        let before = std::fs::read_to_string(&file).unwrap();
        let hash = hash_pin("9731").unwrap();
        let saved = save_pin_hash(&file, &current, &hash, env).unwrap();
        assert_eq!(saved.changed, vec!["staff.pin_hash"]);
        let after = std::fs::read_to_string(&file).unwrap();
        // Only that line changed; the store from the environment did not
        // land in the file.
        let diff: Vec<_> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert_eq!(diff[0].1, format!("pin_hash = \"{hash}\""));
        assert_eq!(before.lines().count(), after.lines().count());
    }

    #[test]
    fn new_pin_rules() {
        assert_eq!(validate_new_pin("12", "12"), Err(PinRule::Length));
        assert_eq!(validate_new_pin("12a4", "12a4"), Err(PinRule::Length));
        assert_eq!(validate_new_pin("1111", "1111"), Err(PinRule::Trivial));
        assert_eq!(validate_new_pin("4321", "4321"), Err(PinRule::Trivial));
        assert_eq!(validate_new_pin(DEFAULT_PIN, DEFAULT_PIN), Err(PinRule::Default));
        assert_eq!(validate_new_pin("9731", "9713"), Err(PinRule::Mismatch));
        assert_eq!(validate_new_pin("9731", "9731"), Ok(()));
    }

    #[test]
    fn settings_are_validated_and_written_atomically_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kiosk.toml");
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/kiosk.toml");
        std::fs::copy(&shipped, &file).unwrap();
        let current = config::load(Some(&file), Vec::new()).unwrap();
        let mut s = Settings::from_config(&current);
        s.store = "lyon-02".into();
        s.idle_timeout_s = 90;
        s.new_pin_hash = Some(hash_pin("9731").unwrap());
        let saved = save_settings(
            &file,
            &current,
            &s,
            vec![("VITRINE__UI__IDLE_TIMEOUT_S".into(), "120".into())],
        )
        .unwrap();
        assert_eq!(
            saved.changed,
            vec!["kiosk.store", "ui.idle_timeout_s", "staff.pin_hash"]
        );
        assert_eq!(saved.overridden, vec!["ui.idle_timeout_s"]);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("store = \"lyon-02\""), "{text}");
        assert!(text.contains("# Store this kiosk stands in"), "comments kept");
        let reread = config::load(Some(&file), Vec::new()).unwrap();
        assert_eq!(reread.config.kiosk.store, "lyon-02");
        assert_eq!(reread.config.ui.idle_timeout_s, 90);
        assert!(reread.config.staff.pin_hash.starts_with("$argon2"));

        // An invalid value is refused and the file is left as it was.
        let before = std::fs::read(&file).unwrap();
        let mut bad = Settings::from_config(&reread);
        bad.idle_timeout_s = 3;
        let e = save_settings(&file, &reread, &bad, Vec::new()).unwrap_err().to_string();
        assert!(
            e.contains("ui.idle_timeout_s") && e.contains(&file.display().to_string()),
            "{e}"
        );
        let mut bad = Settings::from_config(&reread);
        bad.hq_url = "ftp://hq".into();
        assert!(save_settings(&file, &reread, &bad, Vec::new()).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), before);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn settings_into_a_missing_file_create_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("conf/kiosk.toml");
        let current = config::load(None, Vec::new()).unwrap();
        let mut s = Settings::from_config(&current);
        s.layout = Layout::LowReach;
        let saved = save_settings(&file, &current, &s, Vec::new()).unwrap();
        assert_eq!(saved.changed, vec!["ui.layout"]);
        assert_eq!(saved.config.config.ui.layout, Layout::LowReach);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("layout = \"low-reach\""), "{text}");
    }
}
