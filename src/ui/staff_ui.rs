//! Staff mode on screen: the hidden entry, the PIN pad (checked off the UI
//! thread), settings, status and the camera test.

use slint::{ComponentHandle, SharedString};
use vitrine_core::Lang;

use super::generated::*;
use super::kiosk::Kiosk;
use super::present::{Text2, model};
use super::worker::{Msg, Request};
use crate::clock;
use crate::config::Layout;
use crate::staff::{self, PinCheck, Settings, StaffError};

const RESOLUTIONS: [(u32, u32); 3] = [(640, 480), (1280, 720), (1920, 1080)];

impl Kiosk {
    pub(super) fn connect_staff(&self) {
        let me = self.me.clone();
        macro_rules! on {
            (|$k:ident $(, $a:ident : $t:ty)*| $body:expr) => {{
                let me = me.clone();
                move |$($a: $t),*| {
                    if let Some($k) = me.upgrade() {
                        $body
                    }
                }
            }};
        }
        let s = self.ui.global::<StaffAdapter>();
        s.on_pin_key(on!(|k, key: SharedString| k.pin_key(&key)));
        s.on_cancel(on!(|k| k.reset_session("staff PIN cancelled")));
        s.on_pick_store(on!(|k, i: i32| {
            let id =
                k.st.borrow()
                    .stores
                    .iter()
                    .filter(|s| s.id != vitrine_core::product::ONLINE)
                    .nth(i as usize)
                    .map(|s| s.id.clone());
            if let Some(id) = id {
                k.edit_draft(|d| d.store = id);
            }
        }));
        s.on_pick_resolution(on!(|k, i: i32| {
            if let Some(&(w, h)) = RESOLUTIONS.get(i as usize) {
                k.edit_draft(|d| {
                    d.camera_width = w;
                    d.camera_height = h;
                });
            }
        }));
        s.on_set_language(on!(|k, code: SharedString| {
            let code = code.to_string();
            k.edit_draft(|d| d.language = code);
        }));
        s.on_idle_step(on!(|k, delta: i32| {
            k.edit_draft(|d| {
                d.idle_timeout_s = (i64::from(d.idle_timeout_s) + i64::from(delta)).clamp(10, 3600) as u32;
            });
        }));
        s.on_set_layout(on!(|k, layout: SharedString| {
            // The page only offers the configuration's words.
            if let Ok(layout) = layout.parse() {
                k.edit_draft(|d| d.layout = layout);
            }
        }));
        s.on_edit(on!(|k, f: StaffField| {
            {
                let mut st = k.st.borrow_mut();
                st.staff.editing = if st.staff.editing == Some(f) { None } else { Some(f) };
            }
            k.render_staff();
        }));
        s.on_key(on!(|k, key: SharedString| k.staff_key(&key)));
        s.on_save(on!(|k| k.save_settings()));
        s.on_enroll(on!(|k| k.enroll()));
        s.on_exit(on!(|k| {
            let dir = k.st.borrow().cfg.config.kiosk.data_dir.clone();
            staff::audit(&dir, clock::now(), "staff_left", &[]);
            k.reset_session("staff mode left");
        }));
    }

    pub(super) fn open_staff_pin(&self) {
        {
            let mut st = self.st.borrow_mut();
            st.session.typed.pin.clear();
            let now = clock::now();
            // The lockout may come from before a restart: ask the gate.
            if let Ok(g) = self.gate.try_lock() {
                st.staff.locked_until = g.locked_until(now);
            }
            st.staff.pin_message = st.staff.locked_until.filter(|&u| u > now).map(|until| {
                (
                    Text2::with(|l| PinCheck::Locked { until }.text(now).render(l)),
                    Tone::Bad,
                )
            });
        }
        self.navigate(Page::StaffPin);
        self.render_staff();
    }

    fn pin_key(&self, key: &str) {
        let submit = {
            let mut st = self.st.borrow_mut();
            if st.staff.checking {
                return;
            }
            let t = &mut st.session.typed.pin;
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
            self.st.borrow_mut().staff.checking = true;
            let gate = self.gate.clone();
            self.spawn_blocking(move || {
                let r = match gate.lock() {
                    Ok(mut g) => g.check(&pin, clock::now()),
                    Err(_) => Err(StaffError::Hash("the staff gate is poisoned".into())),
                };
                Msg::Pin(r)
            });
        }
        self.render_staff();
    }

    pub(super) fn on_pin_result(&self, r: Result<PinCheck, StaffError>) {
        let now = clock::now();
        let granted = {
            let mut st = self.st.borrow_mut();
            st.staff.checking = false;
            match r {
                Ok(PinCheck::Granted { default_pin }) => {
                    st.staff.default_pin = default_pin;
                    st.staff.locked_until = None;
                    st.staff.pin_message = None;
                    st.staff.draft = Some(Settings::from_config(&st.cfg));
                    st.staff.message = None;
                    true
                }
                Ok(check) => {
                    if let PinCheck::Locked { until } = check {
                        st.staff.locked_until = Some(until);
                    }
                    let tone = if matches!(check, PinCheck::Locked { .. }) {
                        Tone::Bad
                    } else {
                        Tone::Warn
                    };
                    st.staff.pin_message = Some((Text2::with(|l| check.text(now).render(l)), tone));
                    false
                }
                Err(e) => {
                    tracing::error!(error = %e, "staff PIN check failed");
                    st.staff.pin_message = Some((
                        Text2::new(
                            format!("Vérification impossible : {e}"),
                            format!("Cannot check the PIN: {e}"),
                        ),
                        Tone::Bad,
                    ));
                    false
                }
            }
        };
        if granted {
            self.request(Request::Status);
            self.request(Request::Stores);
            self.navigate(Page::Staff);
        }
        self.render_staff();
    }

    fn edit_draft(&self, f: impl FnOnce(&mut Settings)) {
        {
            let mut st = self.st.borrow_mut();
            if let Some(d) = st.staff.draft.as_mut() {
                f(d);
            }
            st.staff.message = None;
        }
        self.render_staff();
    }

    fn staff_key(&self, key: &str) {
        {
            let mut st = self.st.borrow_mut();
            let editing = st.staff.editing;
            let staff = &mut st.staff;
            let target: Option<&mut String> = match editing {
                Some(StaffField::Hq) => staff.draft.as_mut().map(|d| &mut d.hq_url),
                Some(StaffField::Camera) => staff.draft.as_mut().map(|d| &mut d.camera_device),
                Some(StaffField::PinNew) => Some(&mut staff.new_pin),
                Some(StaffField::PinAgain) => Some(&mut staff.new_pin_again),
                Some(StaffField::EnrollCode) => Some(&mut staff.enroll_code),
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
                st.staff.editing = None;
            }
        }
        self.render_staff();
    }

    /// Enrolls the kiosk with HQ (the address being edited, the one-time
    /// code typed), off the UI thread; the sync worker picks the identity
    /// up from kiosk.sqlite.
    fn enroll(&self) {
        let (url, code, dir, timeout) = {
            let mut st = self.st.borrow_mut();
            let url = st
                .staff
                .draft
                .as_ref()
                .map_or_else(|| st.cfg.config.hq.url.clone(), |d| d.hq_url.clone());
            let code = st.staff.enroll_code.trim().to_string();
            if url.trim().is_empty() || code.is_empty() {
                return;
            }
            st.staff.enrolling = true;
            st.staff.editing = None;
            st.staff.message = None;
            (
                url.trim().to_string(),
                code,
                st.cfg.config.kiosk.data_dir.clone(),
                std::time::Duration::from_secs(u64::from(st.cfg.config.hq.request_timeout_s)),
            )
        };
        self.render_staff();
        let rt = self.rt.clone();
        self.spawn_blocking(move || {
            Msg::Enrolled(Box::new(rt.block_on(crate::sync::enroll(
                &dir,
                &url,
                &code,
                timeout,
                clock::now(),
            ))))
        });
    }

    pub(super) fn on_enrolled(&self, r: Result<crate::sync::store::DeviceIdentity, crate::sync::SyncError>) {
        {
            let mut st = self.st.borrow_mut();
            st.staff.enrolling = false;
            st.staff.enroll_code.clear();
            let dir = st.cfg.config.kiosk.data_dir.clone();
            st.staff.message = Some(match r {
                Ok(ident) => {
                    staff::audit(&dir, clock::now(), "kiosk_enrolled", &[ident.store.as_str()]);
                    tracing::info!(store = %ident.store, device = %ident.device_id, "kiosk enrolled from the staff screen");
                    let mut fr = format!("Borne reliée au siège ({}), magasin {}.", ident.hq_url, ident.store);
                    let mut en = format!("Kiosk enrolled with HQ ({}), store {}.", ident.hq_url, ident.store);
                    if ident.store != st.cfg.config.kiosk.store {
                        fr.push_str(" Ce n'est pas le magasin réglé ici : choisissez-le et enregistrez.");
                        en.push_str(" It is not the store set here: pick it and save.");
                    }
                    (Text2::new(fr, en), Tone::Ok)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "enrollment from the staff screen failed");
                    let p = crate::sync::Problem::of(&e);
                    let detail = e.to_string();
                    (
                        Text2::with(|l| {
                            format!(
                                "{} {} ({detail})",
                                l.pick("Enrôlement refusé ou impossible :", "Enrollment refused or impossible:"),
                                p.text().render(l)
                            )
                        }),
                        Tone::Bad,
                    )
                }
            });
        }
        self.render_staff();
    }

    fn save_settings(&self) {
        let (draft, pin, current, file) = {
            let st = self.st.borrow();
            let Some(draft) = st.staff.draft.clone() else {
                return;
            };
            let pin = (!st.staff.new_pin.is_empty() || !st.staff.new_pin_again.is_empty())
                .then(|| (st.staff.new_pin.clone(), st.staff.new_pin_again.clone()));
            let file = st
                .cfg
                .file
                .clone()
                .unwrap_or_else(|| std::path::PathBuf::from("config/kiosk.toml"));
            (draft, pin, st.cfg.clone(), file)
        };
        if let Some((a, b)) = &pin
            && let Err(rule) = staff::validate_new_pin(a, b)
        {
            self.st.borrow_mut().staff.message = Some((Text2::with(|l| rule.text().render(l)), Tone::Bad));
            self.render_staff();
            return;
        }
        self.st.borrow_mut().staff.saving = true;
        self.render_staff();
        self.spawn_blocking(move || {
            let mut draft = draft;
            if let Some((p, _)) = pin {
                match staff::hash_pin(&p) {
                    Ok(h) => draft.new_pin_hash = Some(h),
                    Err(e) => return Msg::Saved(Box::new(Err(e.into()))),
                }
            }
            let env: Vec<(String, String)> = std::env::vars().collect();
            Msg::Saved(Box::new(staff::save_settings(&file, &current, &draft, env)))
        });
    }

    pub(super) fn on_saved(&self, r: Result<staff::Saved, staff::SettingsError>) {
        let now = clock::now();
        let applied = {
            let mut st = self.st.borrow_mut();
            st.staff.saving = false;
            match r {
                Ok(saved) => {
                    let keys: Vec<&str> = saved.changed.iter().map(String::as_str).collect();
                    staff::audit(&st.cfg.config.kiosk.data_dir, now, "settings_saved", &keys);
                    let later: Vec<&str> = keys
                        .iter()
                        .copied()
                        .filter(|k| k.starts_with("hq.") || k.starts_with("camera."))
                        .collect();
                    let mut fr = if keys.is_empty() {
                        "Rien n'a changé.".to_string()
                    } else {
                        format!("Enregistré : {}.", keys.join(", "))
                    };
                    let mut en = if keys.is_empty() {
                        "Nothing changed.".to_string()
                    } else {
                        format!("Saved: {}.", keys.join(", "))
                    };
                    if !later.is_empty() {
                        fr.push_str(&format!(
                            " Prise en compte au prochain démarrage : {}.",
                            later.join(", ")
                        ));
                        en.push_str(&format!(" Takes effect at the next start: {}.", later.join(", ")));
                    }
                    if !saved.overridden.is_empty() {
                        fr.push_str(&format!(
                            " Attention, une variable d'environnement impose : {}.",
                            saved.overridden.join(", ")
                        ));
                        en.push_str(&format!(
                            " Note: an environment variable overrides {}.",
                            saved.overridden.join(", ")
                        ));
                    }
                    st.staff.message = Some((Text2::new(fr, en), Tone::Ok));
                    st.staff.new_pin.clear();
                    st.staff.new_pin_again.clear();
                    st.staff.editing = None;
                    if keys.contains(&"staff.pin_hash") {
                        st.staff.default_pin = false;
                    }
                    let new = saved.config;
                    let c = &new.config;
                    if let Ok(mut g) = self.gate.lock() {
                        g.configure(&c.staff);
                    }
                    st.idle.configure(c.ui.idle_timeout_s, c.ui.idle_warning_s);
                    st.session.default_lang = new.lang();
                    st.session.default_low_reach = c.ui.layout == Layout::LowReach;
                    st.session.low_reach = st.session.default_low_reach;
                    st.staff.draft = Some(Settings::from_config(&new));
                    let store_changed = c.kiosk.store != st.cfg.config.kiosk.store;
                    let store = c.kiosk.store.clone();
                    st.cfg = new;
                    Some((store_changed, store))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "staff settings refused");
                    st.staff.message = Some((
                        Text2::new(
                            format!("Réglages non enregistrés (le fichier n'a pas changé) : {e}"),
                            format!("Settings not saved (the file is unchanged): {e}"),
                        ),
                        Tone::Bad,
                    ));
                    None
                }
            }
        };
        if let Some((store_changed, store)) = applied {
            if store_changed {
                self.catalog.send(Request::SetStore(store));
                self.request(Request::Promotions);
            }
            self.apply_session_look();
            self.render_app();
        }
        self.render_staff();
    }

    pub(super) fn render_staff(&self) {
        let st = self.st.borrow();
        let lang = st.lang();
        let s = self.ui.global::<StaffAdapter>();
        s.set_pin_length(st.session.typed.pin.len() as i32);
        let now = clock::now();
        s.set_locked(st.staff.locked_until.is_some_and(|u| u > now));
        s.set_checking(st.staff.checking);
        match &st.staff.pin_message {
            Some((t, tone)) => {
                s.set_pin_message(t.get(lang));
                s.set_pin_tone(*tone);
            }
            None => s.set_pin_message(SharedString::new()),
        }
        s.set_default_pin(st.staff.default_pin);
        let draft = st.staff.draft.clone().unwrap_or_else(|| Settings::from_config(&st.cfg));
        let stores: Vec<ChoiceRow> = st
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
        s.set_enroll_code(st.staff.enroll_code.as_str().into());
        s.set_enrolling(st.staff.enrolling);
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
        s.set_language(draft.language.as_str().into());
        s.set_idle_timeout(draft.idle_timeout_s as i32);
        s.set_layout(draft.layout.as_str().into());
        s.set_editing(st.staff.editing.unwrap_or(StaffField::None));
        s.set_new_pin_length(st.staff.new_pin.len() as i32);
        s.set_new_pin_again_length(st.staff.new_pin_again.len() as i32);
        match &st.staff.message {
            Some((t, tone)) => {
                s.set_message(t.get(lang));
                s.set_message_tone(*tone);
            }
            None => s.set_message(SharedString::new()),
        }
        s.set_saving(st.staff.saving);
        s.set_status(model(status_rows(&st, lang)));
        s.set_camera_figures(st.camera_status.get(lang));
        s.set_last_code(st.staff.last_code.as_str().into());
    }
}

fn status_rows(st: &super::kiosk::State, lang: Lang) -> Vec<SummaryRow> {
    let now = clock::now();
    let row = |l: &str, v: String| SummaryRow {
        label: l.into(),
        value: v.into(),
    };
    let when = |t: Option<i64>| {
        t.map(|t| super::present::when(t, now, st.offset, lang))
            .unwrap_or_else(|| lang.pick("jamais", "never").into())
    };
    let c = &st.cfg.config;
    let mut rows = vec![
        row(
            lang.pick("Magasin", "Store"),
            format!("{} ({})", st.store_name(), c.kiosk.store),
        ),
        row(
            lang.pick("Siège (HQ)", "HQ"),
            match (&st.sync.hq_url, c.hq.url.is_empty()) {
                (Some(url), _) => url.clone(),
                (None, true) => lang.pick("aucun : borne autonome", "none: standalone kiosk").into(),
                (None, false) => format!(
                    "{} {}",
                    lang.pick(
                        "non reliée ; adresse pour l'enrôlement :",
                        "not enrolled; address to enroll with:"
                    ),
                    c.hq.url
                ),
            },
        ),
        row(
            lang.pick("Liaison avec le siège", "Link with HQ"),
            match (st.sync.configured, st.sync.online) {
                (false, _) => lang.pick("non configurée", "not configured").into(),
                (true, true) => lang.pick("✓ en ligne", "✓ online").into(),
                (true, false) => lang.pick("✗ hors ligne", "✗ offline").into(),
            },
        ),
        row(
            lang.pick("Dernière synchronisation", "Last sync"),
            when(st.sync.last_sync),
        ),
        row(
            lang.pick("Envois en attente (file)", "Waiting to be sent (outbox)"),
            format!(
                "{} ({} {})",
                st.sync.outbox_pending,
                st.sync.outbox_dead,
                lang.pick("refusés", "refused")
            ),
        ),
    ];
    if let Some(e) = &st.sync.last_error {
        // The sentence in the kiosk's language, the technical words after
        // it (for HQ's support).
        let text = match st.sync.problem {
            Some(p) => format!("{} ({e})", p.text().render(lang)),
            None => e.clone(),
        };
        rows.push(row(lang.pick("Dernière erreur", "Last error"), text));
    }
    match &st.staff.status {
        Some(s) => {
            rows.insert(
                1,
                row(
                    lang.pick("Version du catalogue", "Catalog version"),
                    format!("{} ({})", s.catalog_version, when(s.catalog_updated_at)),
                ),
            );
            rows.push(row(
                lang.pick("Produits", "Products"),
                format!(
                    "{} ({} {})",
                    s.products,
                    s.promotions,
                    lang.pick("promotions", "promotions")
                ),
            ));
            if let Some(o) = &s.prices_origin {
                let origin = if o == "hq" {
                    lang.pick("le siège (HQ)", "HQ").to_string()
                } else if o.starts_with("demo") {
                    lang.pick(
                        "données de démonstration (pas de vrais prix)",
                        "demo data (not real prices)",
                    )
                    .to_string()
                } else {
                    o.clone()
                };
                rows.push(row(lang.pick("Origine des prix", "Prices from"), origin));
            }
        }
        None => rows.push(row(lang.pick("Catalogue", "Catalog"), "…".into())),
    }
    rows.push(row(
        lang.pick("Caméra", "Camera"),
        st.camera_status.get(lang).to_string(),
    ));
    rows.push(row(
        lang.pick("Version de Vitrine", "Vitrine version"),
        env!("CARGO_PKG_VERSION").into(),
    ));
    rows
}
