//! Audio mode (EZ Access): the kiosk speaks what is on screen and is driven
//! by a few keys, for a shopper who cannot see it (EN 301 549 §5.1, closed
//! functionality).
//!
//! Every key reaches [`Shell::on_key`] before any control (the window's
//! `capture-key-pressed`). F1 (`accessibility.key_help`) starts audio mode
//! from any screen; then Up/Down (and Tab/Shift+Tab) move the keyboard
//! focus among the page's controls in their order on screen, Enter presses
//! the focused one (unless the shopper has just typed digits: Enter then
//! submits them), Escape goes back, F1 says again where the shopper is,
//! +/− change the volume and F2 the rate. The focus moves by Slint's own
//! Tab navigation (the kiosk dispatches a Tab key event to the window), so
//! the order is the screen's and a sighted keyboard user sees the same
//! focus ring. Each control says its label when it gets the focus
//! (`App.control-focused`); each page is described in sentences from the
//! message catalogue (`speech.ftl`) and the page's adapter, in the
//! session's language.
//!
//! Nothing here blocks: speech goes to the speech worker thread.

use std::time::{Duration, Instant};

use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model, SharedString};
use vitrine_i18n::{Text, text};

use super::Shell;
use crate::speech::guide::{Guidance, Hint};
use crate::speech::keys::Action;
use crate::speech::{SpeechStatus, Voice};
use crate::ui::generated::*;

/// The rates F2 goes through, as a share of the configured rate.
const RATE_STEPS: [u32; 4] = [100, 130, 170, 80];

/// Least time between two spoken aiming hints (tones go on meanwhile).
const HINT_EVERY: Duration = Duration::from_millis(1500);
/// Least time between two aiming tones.
const TONE_EVERY: Duration = Duration::from_millis(300);

#[derive(Default)]
pub(in crate::ui) struct AudioState {
    pub on: bool,
    volume: u32,
    rate_step: usize,
    /// The label of the control with the keyboard focus.
    focused: Option<String>,
    /// Characters were typed since the focus last moved: Enter submits them.
    typed_since_focus: bool,
    /// A key event the kiosk dispatches itself is on its way: let it through.
    synthetic: bool,
    headset: Option<bool>,
    last_hint: Option<(Hint, Instant)>,
    last_tone: Option<Instant>,
}

impl Shell {
    /// The voice's rate and volume now.
    fn voice(&self) -> Voice {
        let a = self.audio.borrow();
        let base = self.st().cfg.config.accessibility.rate_wpm;
        Voice {
            rate_wpm: (base * RATE_STEPS[a.rate_step % RATE_STEPS.len()] / 100).clamp(80, 450),
            volume: a.volume,
        }
    }

    /// Says `text` in the session's language now, cutting what was said.
    pub fn say(&self, text: &Text) {
        self.speak(text, false);
    }

    /// Says `text` after what is being said.
    pub fn say_after(&self, text: &Text) {
        self.speak(text, true);
    }

    fn speak(&self, text: &Text, queue: bool) {
        if !self.audio.borrow().on {
            return;
        }
        let Some(sp) = &self.speaker else { return };
        let lang = self.st().lang();
        let words = text.render(lang).trim().to_string();
        if words.trim().is_empty() {
            return;
        }
        if queue {
            sp.say_after(lang.code(), &words);
        } else {
            sp.say(lang.code(), &words);
        }
    }

    pub fn speech_events(&self) -> Option<flume::Receiver<crate::speech::SpeechEvent>> {
        self.speaker.as_ref().map(|s| s.events())
    }

    pub fn audio_mode(&self) -> bool {
        self.audio.borrow().on
    }

    /// The speech engine's and sound device's state (staff status).
    pub fn speech_status(&self) -> Option<SpeechStatus> {
        self.speaker.as_ref().map(|s| s.status())
    }

    /// Starts audio mode: it says so and how to use the keys, then where
    /// the shopper is; the page's main action takes the focus.
    pub fn start_audio_mode(&self) {
        if self.speaker.is_none() || self.audio.borrow().on {
            return;
        }
        {
            let mut a = self.audio.borrow_mut();
            a.on = true;
            a.volume = self.st().cfg.config.accessibility.volume;
            a.rate_step = 0;
        }
        tracing::info!("audio mode on");
        if let Some(sp) = &self.speaker {
            sp.set_voice(self.voice());
        }
        self.apply_time_limits();
        let app = self.ui.global::<App>();
        app.set_audio_mode(true);
        self.say(&text!("speech-audio-on"));
        self.describe_page(true);
        app.set_focus_main_request(app.get_focus_main_request() + 1);
    }

    /// Audio mode ends with the session (the next shopper starts it
    /// again), unless a headset is still plugged in.
    pub(super) fn end_audio_mode(&self) {
        let keep = self.audio.borrow().headset == Some(true);
        if keep {
            return;
        }
        let was = std::mem::take(&mut *self.audio.borrow_mut());
        self.audio.borrow_mut().headset = was.headset;
        if was.on {
            if let Some(sp) = &self.speaker {
                sp.stop();
            }
            self.ui.global::<App>().set_audio_mode(false);
            self.apply_time_limits();
        }
    }

    /// Audio mode doubles the time limits (idle warning and countdowns).
    pub(super) fn apply_time_limits(&self) {
        let on = self.audio.borrow().on;
        let mut st = self.st_mut();
        let factor = if on { 2 } else { 1 };
        let (timeout, warning) = (st.cfg.config.ui.idle_timeout_s, st.cfg.config.ui.idle_warning_s);
        st.idle.configure(timeout * factor, warning * factor);
    }

    /// A headset was plugged in or out (the sound stack's jack).
    pub(super) fn headset(&self, plugged: bool) {
        self.audio.borrow_mut().headset = Some(plugged);
        if plugged {
            self.start_audio_mode();
        }
    }

    /// Whether what is private (a name) may be spoken: only into a headset.
    fn private_ok(&self) -> bool {
        self.audio.borrow().headset == Some(true)
    }

    /// Every key, before any control. `true`: taken; `false`: the focused
    /// control (or Slint's Tab handling) gets it.
    pub(super) fn on_key(&self, key: &str, shift: bool) -> bool {
        if self.audio.borrow().synthetic {
            return false;
        }
        // Any key: the shopper is there (the idle warning says so).
        self.activity();
        let action = self.keymap.action(key, shift);
        let on = self.audio.borrow().on;
        if on && let Some(sp) = &self.speaker {
            // A new key cuts the sentence.
            sp.stop();
        }
        match action {
            Some(Action::Help) if self.speaker.is_some() => {
                if on {
                    self.where_am_i();
                } else {
                    self.start_audio_mode();
                }
                true
            }
            Some(Action::Next) => {
                self.move_focus(Key::Tab);
                true
            }
            Some(Action::Previous) => {
                self.move_focus(Key::Backtab);
                true
            }
            Some(Action::Activate) if self.activates() => false,
            Some(Action::Back) if on => {
                self.back();
                true
            }
            Some(a @ (Action::VolumeUp | Action::VolumeDown)) if on && !self.takes_text() => {
                let volume = {
                    let mut st = self.audio.borrow_mut();
                    st.volume = if a == Action::VolumeUp {
                        (st.volume + 10).min(100)
                    } else {
                        st.volume.saturating_sub(10)
                    };
                    st.volume
                };
                if let Some(sp) = &self.speaker {
                    sp.set_voice(self.voice());
                }
                self.say(&text!("speech-volume", percent = volume));
                true
            }
            Some(Action::Rate) if on => {
                let step = {
                    let mut st = self.audio.borrow_mut();
                    st.rate_step = (st.rate_step + 1) % RATE_STEPS.len();
                    st.rate_step
                };
                if let Some(sp) = &self.speaker {
                    sp.set_voice(self.voice());
                }
                self.say(&text!("speech-rate", step = step));
                true
            }
            _ => {
                self.on_key_text(key);
                true
            }
        }
    }

    /// Enter presses the focused control, unless keys were just typed (or
    /// a USB scanner's code is coming in): then it submits them.
    fn activates(&self) -> bool {
        let a = self.audio.borrow();
        a.focused.is_some() && !a.typed_since_focus && self.hid.borrow().deadline().is_none()
    }

    /// Moves the focus the way Slint's Tab does.
    fn move_focus(&self, key: Key) {
        self.audio.borrow_mut().synthetic = true;
        let text = SharedString::from(char::from(key).to_string());
        let window = self.ui.window();
        window.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        window.dispatch_event(WindowEvent::KeyReleased { text });
        self.audio.borrow_mut().synthetic = false;
    }

    /// A control took the focus: say it (cutting what was said when the
    /// shopper moved there; after the page's description when the page
    /// gave it).
    pub(super) fn control_focused(&self, label: &str, checkable: bool, checked: bool, moved: bool) {
        {
            let mut a = self.audio.borrow_mut();
            a.focused = Some(label.to_string());
            a.typed_since_focus = false;
        }
        let said = match (checkable, checked) {
            (true, true) => text!("speech-option-chosen", label = label),
            (true, false) => text!("speech-option", label = label),
            _ => text!("speech-button", label = label),
        };
        self.speak(&said, !moved);
    }

    pub(super) fn control_blurred(&self) {
        self.audio.borrow_mut().focused = None;
    }

    /// Characters a person typed reached the page: Enter now submits them;
    /// in audio mode they are said back one by one.
    pub(super) fn typed_keys(&self, keys: &str) {
        self.audio.borrow_mut().typed_since_focus = true;
        let spoken: Vec<String> = keys.chars().filter(|c| *c != '\n').map(|c| c.to_string()).collect();
        if !spoken.is_empty() {
            self.say(&Text::verbatim(spoken.join(" ")));
        }
    }

    /// The page just shown (audio mode): what it is and what is on it.
    pub(super) fn page_shown(&self) {
        self.audio.borrow_mut().focused = None;
        self.describe_page(false);
    }

    /// The page on screen now shows something else (the next step of a
    /// form): said as a page just opened is (audio mode).
    pub(in crate::ui) fn page_updated(&self) {
        self.page_shown();
    }

    /// F1 in audio mode: the page, the focused control, the keys.
    fn where_am_i(&self) {
        self.describe_page(true);
        let focused = self.audio.borrow().focused.clone();
        if let Some(label) = focused {
            self.say_after(&text!("speech-focus-on", label = label));
        }
        self.say_after(&text!("speech-keys"));
    }

    /// Escape: one step back.
    fn back(&self) {
        match self.page() {
            Page::Product | Page::Identify => self.navigate(Page::Scan),
            Page::Scan => self.navigate(Page::Attract),
            Page::Basket => self.navigate(Page::Scan),
            Page::Handoff => self.ui.global::<HandoffAdapter>().invoke_back(),
            Page::Collect => self.ui.global::<CollectAdapter>().invoke_back(),
            Page::Attract | Page::StaffPin | Page::Staff => self.say(&text!("speech-nothing-back")),
        }
    }

    /// Says the page (`now`: cutting what was said).
    fn describe_page(&self, now: bool) {
        let sentences = self.describe(self.page());
        for (i, t) in sentences.iter().enumerate() {
            self.speak(t, !(now && i == 0));
        }
    }

    /// The sentences that say what the page shows, from its adapter (in
    /// the session's language already) and `speech.ftl`.
    fn describe(&self, page: Page) -> Vec<Text> {
        let v = |s: SharedString| Text::verbatim(s.to_string());
        let ui = &self.ui;
        match page {
            Page::Attract => vec![text!("speech-page-attract")],
            Page::Scan => {
                let s = ui.global::<ScanAdapter>();
                let mut out = vec![text!("speech-page-scan")];
                if !s.get_feedback().is_empty() {
                    out.push(v(s.get_feedback()));
                }
                out
            }
            Page::Product => {
                let p = ui.global::<ProductAdapter>();
                let mut out = vec![text!("speech-product", name = p.get_name().as_str())];
                if !p.get_subtitle().is_empty() {
                    out.push(v(p.get_subtitle()));
                }
                if !p.get_price().is_empty() {
                    out.push(text!(
                        "speech-product-price",
                        price = p.get_price().as_str(),
                        note = p.get_price_note().as_str()
                    ));
                }
                if p.get_demo() {
                    out.push(text!("speech-demo-price"));
                }
                for promo in p.get_promotions().iter() {
                    out.push(text!("speech-product-promotion", text = promo.text.as_str()));
                }
                if !p.get_member_price().is_empty() {
                    out.push(v(p.get_member_price()));
                }
                let allergens: Vec<String> = p.get_allergens().iter().map(|a| a.to_string()).collect();
                if !allergens.is_empty() {
                    out.push(text!("speech-product-allergens", list = allergens.join(", ")));
                }
                let stock = |r: StockRow| text!("speech-stock", place = r.place.as_str(), text = r.text.as_str());
                let here = p.get_stock_here();
                if !here.text.is_empty() {
                    out.push(stock(here));
                }
                for r in p.get_stock_elsewhere().iter() {
                    out.push(stock(r));
                }
                let online = p.get_online();
                if !online.text.is_empty() {
                    out.push(stock(online));
                }
                out
            }
            Page::Basket => {
                let b = ui.global::<BasketAdapter>();
                let lines = b.get_lines();
                if lines.row_count() == 0 {
                    return vec![text!("speech-basket-empty")];
                }
                let mut out = vec![text!("speech-basket", count = lines.row_count())];
                for l in lines.iter() {
                    out.push(text!(
                        "speech-basket-line",
                        name = l.name.as_str(),
                        quantity = l.quantity,
                        total = l.total.as_str()
                    ));
                }
                for s in b.get_savings().iter() {
                    out.push(v(s));
                }
                out.push(text!("speech-basket-total", total = b.get_total().as_str()));
                for h in b.get_hints().iter() {
                    out.push(v(h));
                }
                if !b.get_customer_line().is_empty() && self.private_ok() {
                    out.push(v(b.get_customer_line()));
                }
                out
            }
            Page::Identify => {
                let i = ui.global::<IdentifyAdapter>();
                if i.get_identified() {
                    if self.private_ok() {
                        vec![text!("speech-identified-name", name = i.get_first_name().as_str())]
                    } else {
                        vec![text!("speech-identified")]
                    }
                } else {
                    let mut out = vec![text!("speech-page-identify")];
                    if !i.get_message().is_empty() {
                        out.push(v(i.get_message()));
                    }
                    out
                }
            }
            Page::Handoff => {
                let h = ui.global::<HandoffAdapter>();
                if h.get_sending() {
                    let mut out = vec![text!("kiosk-handoff-send-prompt")];
                    if !h.get_send_message().is_empty() {
                        out.push(v(h.get_send_message()));
                    }
                    return out;
                }
                let mut out = vec![text!("speech-page-handoff")];
                if !h.get_summary().is_empty() {
                    out.push(v(h.get_summary()));
                }
                if !h.get_status().is_empty() {
                    out.push(v(h.get_status()));
                }
                if !h.get_send_message().is_empty() {
                    out.push(v(h.get_send_message()));
                }
                out
            }
            Page::Collect => {
                let c = ui.global::<CollectAdapter>();
                let step = match c.get_step() {
                    CollectStep::Store => 1,
                    CollectStep::Slot => 2,
                    CollectStep::Contact => 3,
                    CollectStep::Summary => 4,
                    CollectStep::Done => 5,
                };
                let mut out = vec![text!("speech-collect-step", step = step)];
                if step == 4 {
                    for r in c.get_summary().iter() {
                        out.push(Text::verbatim(format!("{} {}", r.label, r.value)));
                    }
                }
                if step == 5 && !c.get_order_number().is_empty() {
                    out.push(text!("speech-collect-number", number = spell(&c.get_order_number())));
                }
                if !c.get_message().is_empty() {
                    out.push(v(c.get_message()));
                }
                out
            }
            Page::StaffPin | Page::Staff => vec![text!("speech-page-staff")],
        }
    }

    /// The idle warning appeared: what it says, and what to do.
    pub(super) fn idle_warned(&self, remaining_s: u32) {
        self.say(&text!("speech-idle", seconds = remaining_s));
    }

    /// Aiming guidance from the scan link (audio mode, scan page only): a
    /// tone that rises as the code gets better placed, and a short hint now
    /// and then.
    pub(super) fn aim(&self, g: Guidance) {
        if !self.audio.borrow().on || self.page() != Page::Scan {
            return;
        }
        let now = Instant::now();
        let Some(sp) = &self.speaker else { return };
        let tone_due = self
            .audio
            .borrow()
            .last_tone
            .is_none_or(|t| now.duration_since(t) >= TONE_EVERY);
        if g.hint != Hint::NotSeen && tone_due {
            sp.tone(g.pitch_hz, 80);
            self.audio.borrow_mut().last_tone = Some(now);
        }
        let hint_due = self
            .audio
            .borrow()
            .last_hint
            .is_none_or(|(h, t)| h != g.hint || now.duration_since(t) >= HINT_EVERY);
        let words = match g.hint {
            Hint::Left => text!("speech-aim-left"),
            Hint::Right => text!("speech-aim-right"),
            Hint::Up => text!("speech-aim-up"),
            Hint::Down => text!("speech-aim-down"),
            Hint::Closer => text!("speech-aim-closer"),
            Hint::Farther => text!("speech-aim-farther"),
            Hint::HoldStill => text!("speech-aim-still"),
            Hint::NotSeen => return,
        };
        if hint_due {
            self.audio.borrow_mut().last_hint = Some((g.hint, now));
            self.say(&words);
        }
    }

    /// A code was read (audio mode): the success sound, before the product
    /// is said.
    pub(super) fn code_read_sound(&self) {
        if self.audio.borrow().on
            && let Some(sp) = &self.speaker
        {
            sp.tone(1320, 120);
        }
    }
}

/// The voice's state in words, for the staff status screen.
pub(in crate::ui) fn speech_text(s: &SpeechStatus) -> Vec<Text> {
    use crate::speech::audio::AudioOutput;
    let engine = "espeak-ng";
    let mut parts = Vec::new();
    if !s.engine_ok {
        parts.push(text!("speech-status-no-engine", engine = engine));
    }
    match &s.output {
        AudioOutput::None => parts.push(text!("speech-status-no-device")),
        AudioOutput::SoundServer(p) => parts.push(text!(
            "speech-status-ok",
            engine = engine,
            output = p.display().to_string()
        )),
        AudioOutput::Cards(c) => parts.push(text!("speech-status-ok", engine = engine, output = c.join(", "))),
    }
    if s.headset == Some(true) {
        parts.push(text!("speech-status-headset"));
    }
    parts
}

/// "7KM-2QX" said one sign at a time.
fn spell(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
