//! Staff mode (`ui/pages/staff.slint`): the hidden entry (a long press on
//! the logo), the PIN pad (checked off the UI thread, with its lockout),
//! settings saved atomically to the config file, enrollment with HQ, the
//! kiosk's status and the camera test.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex};

use slint::{ComponentHandle, SharedString};
use vitrine_core::Lang;
use vitrine_i18n::{Text, text};

use crate::catalog::CatalogStatus;
use crate::clock;
use crate::scan::ScanEvent;
use crate::staff::{self, PinCheck, Saved, Settings, SettingsError, StaffError, StaffGate};
use crate::sync::SyncError;
use crate::sync::store::DeviceIdentity;
use crate::ui::generated::{App, ChoiceRow, Page, StaffAdapter, StaffField, StaffTab, SummaryRow, Tone};
use crate::ui::present::{self, model};
use crate::ui::shell::speech_text;
use crate::ui::shell::{Change, For, Note, Screen, Shared, Shell, note_in, reply};

const RESOLUTIONS: [(u32, u32); 3] = [(640, 480), (1280, 720), (1920, 1080)];

#[derive(Default)]
struct State {
    pin_message: Note,
    locked_until: Option<i64>,
    checking: bool,
    default_pin: bool,
    draft: Option<Settings>,
    editing: Option<StaffField>,
    new_pin: String,
    new_pin_again: String,
    /// Sentences for staff (what was saved, what needs a restart...).
    message: Option<(Vec<Text>, Tone)>,
    saving: bool,
    status: Option<CatalogStatus>,
    last_code: String,
    /// The one-time enrollment code being typed, and whether the exchange
    /// with HQ is under way.
    enroll_code: String,
    enrolling: bool,
}

pub(in crate::ui) struct Staff {
    shell: Rc<Shell>,
    /// The PIN's hash, attempts and lockout (used off the UI thread).
    gate: Arc<Mutex<StaffGate>>,
    st: RefCell<State>,
    me: Weak<Staff>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>) -> Rc<Staff> {
    let gate = {
        let c = &shell.st().cfg.config;
        Arc::new(Mutex::new(StaffGate::open(&c.kiosk.data_dir, &c.staff)))
    };
    let me = Rc::new_cyclic(|me| Staff {
        shell: shell.clone(),
        gate,
        st: RefCell::new(State::default()),
        me: me.clone(),
    });
    let w = &me.me;
    // The way in: the logo held down (the window's own control).
    shell.ui.global::<App>().on_staff_corner(on!(w, |k| k.open_pin()));
    let s = shell.ui.global::<StaffAdapter>();
    s.on_pin_key(on!(w, |k, key: SharedString| k.pin_key(&key)));
    s.on_cancel(on!(w, |k| k.shell.reset_session("staff PIN cancelled")));
    s.on_pick_store(on!(w, |k, i: i32| {
        let id = k
            .shell
            .st()
            .stores
            .iter()
            .filter(|s| s.id != vitrine_core::product::ONLINE)
            .nth(i as usize)
            .map(|s| s.id.clone());
        if let Some(id) = id {
            k.edit_draft(|d| d.store = id);
        }
    }));
    s.on_pick_resolution(on!(w, |k, i: i32| {
        if let Some(&(w, h)) = RESOLUTIONS.get(i as usize) {
            k.edit_draft(|d| {
                d.camera_width = w;
                d.camera_height = h;
            });
        }
    }));
    s.on_pick_language(on!(w, |k, i: i32| {
        let lang = k.shell.st().cfg.langs().get(i as usize).copied();
        if let Some(lang) = lang {
            k.edit_draft(|d| d.language = lang.code().to_string());
        }
    }));
    s.on_idle_step(on!(w, |k, delta: i32| {
        k.edit_draft(|d| {
            d.idle_timeout_s = (i64::from(d.idle_timeout_s) + i64::from(delta)).clamp(10, 3600) as u32;
        });
    }));
    s.on_set_layout(on!(w, |k, layout: SharedString| {
        // The page only offers the configuration's words.
        if let Ok(layout) = layout.parse() {
            k.edit_draft(|d| d.layout = layout);
        }
    }));
    s.on_edit(on!(w, |k, f: StaffField| {
        if k.factory_pin() && !matches!(f, StaffField::PinNew | StaffField::PinAgain) {
            return;
        }
        {
            let mut st = k.st.borrow_mut();
            st.editing = if st.editing == Some(f) { None } else { Some(f) };
        }
        k.render();
    }));
    s.on_key(on!(w, |k, key: SharedString| k.key(&key)));
    s.on_save(on!(w, |k| k.save()));
    s.on_enroll(on!(w, |k| k.enroll()));
    s.on_exit(on!(w, |k| {
        let dir = k.shell.st().cfg.config.kiosk.data_dir.clone();
        staff::audit(&dir, clock::now(), "staff_left", &[]);
        k.shell.reset_session("staff mode left");
    }));
    shell.add(me.clone());
    me
}

impl Staff {
    /// A code read while a staff page is shown: the camera test shows it;
    /// it is never looked up as a product.
    pub fn code_read(&self, ev: &ScanEvent) {
        if self.shell.page() == Page::Staff {
            self.st.borrow_mut().last_code = ev.text.clone();
            self.render();
        }
    }

    fn open_pin(&self) {
        self.shell.st_mut().session.typed.pin.clear();
        {
            let mut st = self.st.borrow_mut();
            let now = clock::now();
            // The lockout may come from before a restart: ask the gate.
            if let Ok(g) = self.gate.try_lock() {
                st.locked_until = g.locked_until(now);
            }
            st.pin_message = st
                .locked_until
                .filter(|&u| u > now)
                .map(|until| (PinCheck::Locked { until }.text(now), Tone::Bad));
        }
        self.shell.navigate(Page::StaffPin);
        self.render();
    }

    fn pin_key(&self, key: &str) {
        if self.st.borrow().checking {
            return;
        }
        let submit = {
            let mut shared = self.shell.st_mut();
            let t = &mut shared.session.typed.pin;
            match key {
                "BACK" => {
                    t.pop();
                    None
                }
                "OK" => Some(std::mem::take(t)),
                d if d.len() == 1 && d.chars().all(|c| c.is_ascii_digit()) => {
                    if t.len() < 8 {
                        t.push_str(d);
                    }
                    None
                }
                _ => None,
            }
        };
        if let Some(pin) = submit.filter(|p| !p.is_empty()) {
            self.st.borrow_mut().checking = true;
            let gate = self.gate.clone();
            self.shell.blocking(
                For::Kiosk,
                move || match gate.lock() {
                    Ok(mut g) => g.check(&pin, clock::now()),
                    Err(_) => Err(StaffError::Hash("the staff gate is poisoned".into())),
                },
                reply(&self.me, Staff::on_pin),
            );
        }
        self.render();
    }

    fn on_pin(&self, r: Result<PinCheck, StaffError>) {
        let now = clock::now();
        let granted = {
            let mut st = self.st.borrow_mut();
            st.checking = false;
            match r {
                Ok(PinCheck::Granted { default_pin }) => {
                    st.default_pin = default_pin;
                    st.locked_until = None;
                    st.pin_message = None;
                    st.draft = Some(Settings::from_config(&self.shell.st().cfg));
                    st.message = None;
                    true
                }
                Ok(check) => {
                    let tone = if let PinCheck::Locked { until } = check {
                        st.locked_until = Some(until);
                        Tone::Bad
                    } else {
                        Tone::Warn
                    };
                    st.pin_message = Some((check.text(now), tone));
                    false
                }
                Err(e) => {
                    tracing::error!(error = %e, "staff PIN check failed");
                    st.pin_message = Some((text!("kiosk-staff-pin-failed", error = e.to_string()), Tone::Bad));
                    false
                }
            }
        };
        if granted {
            self.shell.query(|c| c.status(), reply(&self.me, Staff::on_status));
            self.shell.refresh_stores();
            self.shell.navigate(Page::Staff);
        }
        self.render();
    }

    fn on_status(&self, s: Result<CatalogStatus, String>) {
        match s {
            Ok(s) => self.st.borrow_mut().status = Some(s),
            Err(e) => tracing::error!(error = %e, "cannot read the catalog status"),
        }
        self.render();
    }

    /// Under the factory PIN, staff may only set a new PIN: anyone who
    /// read the manual knows that PIN, so it opens nothing else (settings,
    /// enrollment, status and camera test wait for the new PIN).
    fn factory_pin(&self) -> bool {
        self.st.borrow().default_pin
    }

    fn edit_draft(&self, f: impl FnOnce(&mut Settings)) {
        if self.factory_pin() {
            tracing::warn!("staff setting refused: the factory PIN only allows setting a new PIN");
            return;
        }
        {
            let mut st = self.st.borrow_mut();
            if let Some(d) = st.draft.as_mut() {
                f(d);
            }
            st.message = None;
        }
        self.render();
    }

    fn key(&self, key: &str) {
        {
            let mut st = self.st.borrow_mut();
            let editing = st.editing;
            let target: Option<&mut String> = match editing {
                Some(StaffField::Hq) => st.draft.as_mut().map(|d| &mut d.hq_url),
                Some(StaffField::Camera) => st.draft.as_mut().map(|d| &mut d.camera_device),
                Some(StaffField::PinNew) => Some(&mut st.new_pin),
                Some(StaffField::PinAgain) => Some(&mut st.new_pin_again),
                Some(StaffField::EnrollCode) => Some(&mut st.enroll_code),
                _ => None,
            };
            let pin_field = matches!(editing, Some(StaffField::PinNew | StaffField::PinAgain));
            let mut close = false;
            if let Some(t) = target {
                match key {
                    "BACK" => {
                        t.pop();
                    }
                    "SPACE" if !pin_field => t.push(' '),
                    "SPACE" => {}
                    "OK" => close = true,
                    k if k.chars().count() == 1 => {
                        let ok = !pin_field || k.chars().all(|c| c.is_ascii_digit());
                        let max = if pin_field { 8 } else { 200 };
                        if ok && t.chars().count() < max {
                            t.push_str(k);
                        }
                    }
                    _ => {}
                }
            }
            if close {
                st.editing = None;
            }
        }
        self.render();
    }

    /// Enrolls the kiosk with HQ (the address being edited, the one-time
    /// code typed), off the UI thread; the sync worker picks the identity
    /// up from kiosk.sqlite.
    fn enroll(&self) {
        if self.factory_pin() {
            tracing::warn!("enrollment refused: the factory PIN only allows setting a new PIN");
            return;
        }
        let (url, code, dir, timeout, transport) = {
            let shared = self.shell.st();
            let mut st = self.st.borrow_mut();
            let url = st
                .draft
                .as_ref()
                .map_or_else(|| shared.cfg.config.hq.url.clone(), |d| d.hq_url.clone());
            let code = st.enroll_code.trim().to_string();
            if url.trim().is_empty() || code.is_empty() {
                return;
            }
            st.enrolling = true;
            st.editing = None;
            st.message = None;
            (
                url.trim().to_string(),
                code,
                shared.cfg.config.kiosk.data_dir.clone(),
                std::time::Duration::from_secs(u64::from(shared.cfg.config.hq.request_timeout_s)),
                shared.cfg.config.hq.transport,
            )
        };
        self.render();
        let rt = self.shell.rt.clone();
        self.shell.blocking(
            For::Kiosk,
            move || rt.block_on(crate::sync::enroll(&dir, &url, &code, transport, timeout, clock::now())),
            reply(&self.me, Staff::on_enrolled),
        );
    }

    fn on_enrolled(&self, r: Result<DeviceIdentity, SyncError>) {
        let (dir, configured_store) = {
            let shared = self.shell.st();
            (
                shared.cfg.config.kiosk.data_dir.clone(),
                shared.cfg.config.kiosk.store.clone(),
            )
        };
        let message = match r {
            Ok(ident) => {
                staff::audit(&dir, clock::now(), "kiosk_enrolled", &[ident.store.as_str()]);
                tracing::info!(store = %ident.store, device = %ident.device_id, "kiosk enrolled from the staff screen");
                let mut said = vec![text!(
                    "kiosk-staff-enrolled",
                    url = ident.hq_url.as_str(),
                    store = ident.store.as_str()
                )];
                if ident.store != configured_store {
                    said.push(text!("kiosk-staff-enrolled-other-store"));
                }
                (said, Tone::Ok)
            }
            Err(e) => {
                tracing::warn!(error = %e, "enrollment from the staff screen failed");
                let problem = crate::sync::Problem::of(&e).text();
                (
                    vec![text!(
                        "kiosk-staff-enroll-failed",
                        problem = problem,
                        detail = e.to_string()
                    )],
                    Tone::Bad,
                )
            }
        };
        {
            let mut st = self.st.borrow_mut();
            st.enrolling = false;
            st.enroll_code.clear();
            st.message = Some(message);
        }
        self.render();
    }

    fn save(&self) {
        let (draft, pin, current, file) = {
            let shared = self.shell.st();
            let st = self.st.borrow();
            let Some(mut draft) = st.draft.clone() else {
                return;
            };
            if st.default_pin {
                // Only the PIN: whatever else the draft holds stays as configured.
                draft = Settings::from_config(&shared.cfg);
            }
            let pin = (!st.new_pin.is_empty() || !st.new_pin_again.is_empty())
                .then(|| (st.new_pin.clone(), st.new_pin_again.clone()));
            let file = shared
                .cfg
                .file
                .clone()
                .unwrap_or_else(|| std::path::PathBuf::from("config/kiosk.toml"));
            (draft, pin, shared.cfg.clone(), file)
        };
        if pin.is_none() && self.factory_pin() {
            self.st.borrow_mut().message = Some((vec![text!("kiosk-staff-factory-pin-first")], Tone::Warn));
            self.render();
            return;
        }
        if let Some((a, b)) = &pin
            && let Err(rule) = staff::validate_new_pin(a, b)
        {
            self.st.borrow_mut().message = Some((vec![rule.text()], Tone::Bad));
            self.render();
            return;
        }
        self.st.borrow_mut().saving = true;
        self.render();
        self.shell.blocking(
            For::Kiosk,
            move || {
                let mut draft = draft;
                if let Some((p, _)) = pin {
                    match staff::hash_pin(&p) {
                        Ok(h) => draft.new_pin_hash = Some(h),
                        Err(e) => return Err(e.into()),
                    }
                }
                let env: Vec<(String, String)> = std::env::vars().collect();
                let saved = staff::save_settings(&file, &current, &draft, env)?;
                // A staff change beats HQ's remote value set before it.
                if let Err(e) = staff::note_staff_changes(&current.config.kiosk.data_dir, &saved.changed, clock::now())
                {
                    tracing::warn!(error = %e, "cannot record the time of the staff change");
                }
                Ok(saved)
            },
            reply(&self.me, Staff::on_saved),
        );
    }

    fn on_saved(&self, r: Result<Saved, SettingsError>) {
        let now = clock::now();
        self.st.borrow_mut().saving = false;
        match r {
            Ok(saved) => {
                let keys: Vec<&str> = saved.changed.iter().map(String::as_str).collect();
                staff::audit(&self.shell.st().cfg.config.kiosk.data_dir, now, "settings_saved", &keys);
                let later: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| k.starts_with("hq.") || k.starts_with("camera."))
                    .collect();
                let mut said = vec![if keys.is_empty() {
                    text!("kiosk-staff-saved-nothing")
                } else {
                    text!("kiosk-staff-saved", keys = keys.join(", "))
                }];
                if !later.is_empty() {
                    said.push(text!("kiosk-staff-saved-later", keys = later.join(", ")));
                }
                if !saved.overridden.is_empty() {
                    said.push(text!(
                        "kiosk-staff-saved-overridden",
                        keys = saved.overridden.join(", ")
                    ));
                }
                self.shell.note_staff_changes(&saved.changed, now);
                {
                    let mut st = self.st.borrow_mut();
                    st.message = Some((said, Tone::Ok));
                    st.new_pin.clear();
                    st.new_pin_again.clear();
                    st.editing = None;
                    if keys.contains(&"staff.pin_hash") {
                        st.default_pin = false;
                    }
                    st.draft = Some(Settings::from_config(&saved.config));
                }
                self.shell.apply_config(saved.config);
                // HQ's remote PIN hash may still be the one in force.
                if let Ok(mut g) = self.gate.lock() {
                    g.configure(&self.shell.st().cfg.config.staff);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "staff settings refused");
                self.st.borrow_mut().message =
                    Some((vec![text!("kiosk-staff-not-saved", error = e.to_string())], Tone::Bad));
            }
        }
        self.render();
    }
}

impl Screen for Staff {
    fn pages(&self) -> &'static [Page] {
        &[Page::StaffPin, Page::Staff]
    }

    fn render(&self) {
        let shared = self.shell.st();
        let st = self.st.borrow();
        let lang = shared.lang();
        let s = self.shell.ui.global::<StaffAdapter>();
        s.set_pin_length(shared.session.typed.pin.len() as i32);
        let now = clock::now();
        s.set_locked(st.locked_until.is_some_and(|u| u > now));
        s.set_checking(st.checking);
        let (pin_message, pin_tone) = note_in(&st.pin_message, lang);
        s.set_pin_message(pin_message);
        s.set_pin_tone(pin_tone);
        s.set_default_pin(st.default_pin);
        if st.default_pin {
            s.set_tab(StaffTab::Settings);
        }
        let draft = st.draft.clone().unwrap_or_else(|| Settings::from_config(&shared.cfg));
        let stores: Vec<ChoiceRow> = shared
            .stores
            .iter()
            .filter(|s| s.id != vitrine_core::product::ONLINE)
            .map(|s| ChoiceRow {
                label: s.city.clone().unwrap_or_else(|| s.name.clone()).into(),
                note: s.name.as_str().into(),
                selected: s.id == draft.store,
            })
            .collect();
        s.set_stores(model(stores));
        s.set_hq_url(draft.hq_url.as_str().into());
        s.set_enroll_code(st.enroll_code.as_str().into());
        s.set_enrolling(st.enrolling);
        s.set_camera_device(draft.camera_device.as_str().into());
        s.set_resolutions(model(
            RESOLUTIONS
                .iter()
                .map(|&(w, h)| ChoiceRow {
                    label: format!("{w}×{h}").into(),
                    note: SharedString::new(),
                    selected: draft.camera_width == w && draft.camera_height == h,
                })
                .collect(),
        ));
        // The kiosk's default language: one of those offered to shoppers,
        // each named in itself.
        s.set_languages(model(
            shared
                .cfg
                .langs()
                .into_iter()
                .map(|l| ChoiceRow {
                    label: vitrine_i18n::language_name(l).into(),
                    note: l.code().into(),
                    selected: Lang::parse(&draft.language) == Some(l),
                })
                .collect(),
        ));
        s.set_idle_timeout(draft.idle_timeout_s as i32);
        s.set_layout(draft.layout.as_str().into());
        s.set_editing(st.editing.unwrap_or(StaffField::None));
        s.set_new_pin_length(st.new_pin.len() as i32);
        s.set_new_pin_again_length(st.new_pin_again.len() as i32);
        match &st.message {
            Some((said, tone)) => {
                let text: Vec<String> = said.iter().map(|t| t.render(lang)).collect();
                s.set_message(text.join(" ").into());
                s.set_message_tone(*tone);
            }
            None => s.set_message(SharedString::new()),
        }
        s.set_saving(st.saving);
        let mut rows = status_rows(&shared, st.status.as_ref(), lang);
        // Audio mode's voice: whether the kiosk can speak here.
        if let Some(speech) = self.shell.speech_status() {
            let said: Vec<String> = speech_text(&speech).iter().map(|t| t.render(lang)).collect();
            rows.push(SummaryRow {
                label: text!("speech-status-label").render(lang).into(),
                value: said.join(" ").into(),
            });
        }
        rows.extend(remote_rows(&shared, lang));
        s.set_status(model(rows));
        s.set_camera_figures(shared.camera.render(lang).into());
        s.set_last_code(st.last_code.as_str().into());
    }

    fn reset(&self) {
        // A staff member who walks away is logged out; the lockout stays.
        let mut st = self.st.borrow_mut();
        *st = State {
            locked_until: st.locked_until,
            ..State::default()
        };
        self.shell.ui.global::<StaffAdapter>().set_tab(StaffTab::Settings);
    }

    fn changed(&self, what: Change) {
        match what {
            Change::Stores => self.render(),
            Change::Sync => {
                // HQ may have sent a staff PIN hash.
                if let Ok(mut g) = self.gate.lock() {
                    g.configure(&self.shell.st().cfg.config.staff);
                }
                self.render();
            }
            Change::Camera { redraw: true, .. } if self.shell.page() == Page::Staff => self.render(),
            _ => {}
        }
    }
}

/// The settings HQ may set remotely, each with its value and where it comes
/// from: HQ (store or kiosk), staff here (until HQ sets it again), the
/// configuration file, the environment or the default.
fn remote_rows(shared: &Shared, lang: Lang) -> Vec<SummaryRow> {
    use crate::config::Origin;
    use vitrine_core::wire::settings::{REMOTE_KEYS, SettingScope};
    let c = &shared.cfg.config;
    REMOTE_KEYS
        .iter()
        .map(|key| {
            let value = match *key {
                "ui.idle_timeout_s" => c.ui.idle_timeout_s.to_string(),
                "ui.languages" => c.ui.languages.join(","),
                "ui.layout" => c.ui.layout.as_str().to_string(),
                "accessibility.volume" => c.accessibility.volume.to_string(),
                "accessibility.rate_wpm" => c.accessibility.rate_wpm.to_string(),
                // Never the hash itself on screen.
                _ => "•••".to_string(),
            };
            let hq_later = shared
                .sync
                .remote_settings
                .iter()
                .any(|r| r.key == *key && r.value.is_some());
            let value = value.as_str();
            let said = match shared.cfg.origin_of(key) {
                Origin::Hq {
                    scope: SettingScope::Store,
                    version,
                } => text!("kiosk-remote-from-hq-store", value = value, version = version),
                Origin::Hq {
                    scope: SettingScope::Device,
                    version,
                } => text!("kiosk-remote-from-hq-device", value = value, version = version),
                _ if hq_later => text!("kiosk-remote-from-staff", value = value),
                Origin::File(_) => text!("kiosk-remote-from-file", value = value),
                Origin::Env(_) => text!("kiosk-remote-from-env", value = value),
                Origin::Default => text!("kiosk-remote-from-default", value = value),
            };
            SummaryRow {
                label: (*key).into(),
                value: said.render(lang).into(),
            }
        })
        .collect()
}

/// The status tab: the sentence in the kiosk's language, the technical
/// words (addresses, errors for HQ's support) as they are.
fn status_rows(st: &Shared, catalog: Option<&CatalogStatus>, lang: Lang) -> Vec<SummaryRow> {
    let now = clock::now();
    let row = |label: Text, value: String| SummaryRow {
        label: label.render(lang).into(),
        value: value.into(),
    };
    let when = |t: Option<i64>| match t {
        Some(t) => present::when(t, now, st.offset),
        None => text!("kiosk-staff-never"),
    };
    let c = &st.cfg.config;
    let hq = match (&st.sync.hq_url, c.hq.url.is_empty()) {
        (Some(url), _) => Text::verbatim(url.clone()),
        (None, true) => text!("kiosk-staff-hq-none"),
        (None, false) => text!("kiosk-staff-hq-not-enrolled", url = c.hq.url.as_str()),
    };
    let link = match (st.sync.configured, st.sync.online) {
        (false, _) => text!("kiosk-staff-link-not-configured"),
        (true, true) => text!("kiosk-staff-link-online"),
        (true, false) => text!("kiosk-staff-link-offline"),
    };
    let mut rows = vec![
        row(
            text!("kiosk-staff-store"),
            if st.enrolled_store.is_some() {
                text!("kiosk-staff-store-enrolled", name = st.store_name(), id = st.store_id())
            } else {
                text!(
                    "kiosk-staff-store-configured",
                    name = st.store_name(),
                    id = st.store_id()
                )
            }
            .render(lang),
        ),
        row(text!("kiosk-staff-hq"), hq.render(lang)),
        row(text!("kiosk-staff-link"), link.render(lang)),
        row(text!("kiosk-staff-last-sync"), when(st.sync.last_sync).render(lang)),
        row(
            text!("kiosk-staff-outbox"),
            text!(
                "kiosk-staff-outbox-value",
                pending = st.sync.outbox_pending,
                dead = st.sync.outbox_dead
            )
            .render(lang),
        ),
    ];
    if let Some(e) = &st.sync.last_error {
        let text = match st.sync.problem {
            Some(p) => text!("kiosk-staff-error-detail", problem = p.text(), detail = e.as_str()).render(lang),
            None => e.clone(),
        };
        rows.push(row(text!("kiosk-staff-last-error"), text));
    }
    match catalog {
        Some(s) => {
            rows.insert(
                1,
                row(
                    text!("kiosk-staff-catalog-version"),
                    format!("{} ({})", s.catalog_version, when(s.catalog_updated_at).render(lang)),
                ),
            );
            rows.push(row(
                text!("kiosk-staff-products"),
                text!(
                    "kiosk-staff-products-value",
                    products = s.products,
                    promotions = s.promotions
                )
                .render(lang),
            ));
            if let Some(o) = &s.prices_origin {
                let origin = if o == "hq" {
                    text!("kiosk-staff-prices-hq").render(lang)
                } else if o.starts_with("demo") {
                    text!("kiosk-staff-prices-demo").render(lang)
                } else {
                    o.clone()
                };
                rows.push(row(text!("kiosk-staff-prices-from"), origin));
            }
        }
        None => rows.push(row(text!("kiosk-staff-catalog"), "…".into())),
    }
    rows.push(row(text!("kiosk-staff-camera"), st.camera.render(lang)));
    rows.push(row(text!("kiosk-staff-version"), env!("CARGO_PKG_VERSION").into()));
    rows
}
