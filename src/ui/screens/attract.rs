//! The attract screen (`ui/pages/attract.slint`): the rotating promotions
//! while nobody uses the kiosk, and the two ways in (scan, search).

use std::rc::Rc;

use slint::ComponentHandle;

use super::scan::Scan;
use crate::ui::generated::{AttractAdapter, Page, ScanMode};
use crate::ui::present::{self, model};
use crate::ui::shell::{Change, Screen, Shell};

pub(in crate::ui) struct Attract {
    shell: Rc<Shell>,
}

pub(in crate::ui) fn setup(shell: &Rc<Shell>, scan: &Rc<Scan>) -> Rc<Attract> {
    let me = Rc::new(Attract { shell: shell.clone() });
    let a = shell.ui.global::<AttractAdapter>();
    let to_scan = Rc::downgrade(scan);
    a.on_start(on!(to_scan, |s| s.open(ScanMode::Keypad)));
    a.on_start_search(on!(to_scan, |s| s.open(ScanMode::Search)));
    shell.add(me.clone());
    me
}

impl Screen for Attract {
    fn pages(&self) -> &'static [Page] {
        &[Page::Attract]
    }

    fn render(&self) {
        let st = self.shell.st();
        let slides = present::slides(&st.slides, st.session.currency, st.lang());
        let a = self.shell.ui.global::<AttractAdapter>();
        a.set_slide_interval(i64::from(st.cfg.config.ui.attract_slide_s) * 1000);
        if a.get_current() as usize >= slides.len().max(1) {
            a.set_current(0);
        }
        a.set_slides(model(slides));
    }

    fn reset(&self) {
        self.shell.ui.global::<AttractAdapter>().set_current(0);
    }

    fn changed(&self, what: Change) {
        if what == Change::Promotions {
            self.render();
        }
    }
}
