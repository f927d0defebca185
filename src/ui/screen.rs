//! A screen that always fits: the kiosk's pages are laid out for 1920×1080
//! (1080×1920 in portrait) logical pixels, and whatever panel the kiosk
//! gets (1280×800 to 3840×2160, either way up), the window's scale factor
//! is set so that this design fills it: the logical size is then at least
//! the design size in both directions and exactly it in one, so no page is
//! cut and nothing is drawn at a size nobody can read or touch.
//!
//! The arrangement (landscape header, or portrait with the header on two
//! rows) follows the screen's aspect unless `ui.layout` imposes one.

use slint::platform::WindowEvent;

use crate::config::Layout;
use crate::ui::generated::Arrangement;

/// The landscape design size, in logical pixels.
const DESIGN_LONG: f32 = 1920.0;
const DESIGN_SHORT: f32 = 1080.0;

/// How a screen of a given size is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Physical pixels per logical pixel.
    pub scale: f32,
    /// The portrait arrangement (header on two rows).
    pub portrait: bool,
}

/// The scale and arrangement for a screen of `width`×`height` physical
/// pixels.
pub fn fit(width: u32, height: u32, layout: Layout) -> Fit {
    let portrait = match layout {
        Layout::Landscape => false,
        Layout::Portrait => true,
        // Low reach is about where the controls are, not the panel's way up.
        Layout::Auto | Layout::LowReach => height > width,
    };
    if width == 0 || height == 0 {
        return Fit { scale: 1.0, portrait };
    }
    let (dw, dh) = if portrait {
        (DESIGN_SHORT, DESIGN_LONG)
    } else {
        (DESIGN_LONG, DESIGN_SHORT)
    };
    let scale = (width as f32 / dw).min(height as f32 / dh);
    // Beyond these the design is not meant to be shown (a postage stamp, or
    // a wall of 8K panels); they keep the arithmetic sane.
    Fit {
        scale: scale.clamp(0.25, 8.0),
        portrait,
    }
}

/// The arrangement `ui.layout` asks the pages for.
pub fn arrangement(layout: Layout) -> Arrangement {
    match layout {
        Layout::Landscape => Arrangement::Landscape,
        Layout::Portrait => Arrangement::Portrait,
        Layout::Auto | Layout::LowReach => Arrangement::Auto,
    }
}

/// Sets the window's scale factor for its current physical size (called
/// when the window is resized: a new screen, a rotation, the window
/// manager's full screen). The resize it sends gives the window the
/// logical size it already has once the scale is right, which changes no
/// property: it does not loop.
pub fn apply(window: &slint::Window, layout: Layout) {
    let size = window.size();
    if size.width == 0 || size.height == 0 {
        return;
    }
    let f = fit(size.width, size.height, layout);
    if (window.scale_factor() - f.scale).abs() >= 1e-4 {
        tracing::info!(
            width = size.width,
            height = size.height,
            scale = f.scale,
            portrait = f.portrait,
            "screen fitted"
        );
        window.dispatch_event(WindowEvent::ScaleFactorChanged { scale_factor: f.scale });
    }
    window.dispatch_event(WindowEvent::Resized {
        size: size.to_logical(f.scale),
    });
}

/// Waits until the window is on screen (under winit the native window is
/// made only once the event loop runs; other backends have it at once),
/// then, when the kiosk is full screen but no window manager honoured it
/// (a bare X server on a store player), moves the window to the corner
/// and sizes it to the monitor itself. With a window manager the window
/// already has the monitor's size and nothing changes; on the bare screen
/// (linuxkms) the window is the output.
pub async fn on_screen(window: &slint::Window, fullscreen: bool) {
    use slint::winit_030::WinitWindowAccessor;
    let Ok(native) = window.winit_window().await else {
        return;
    };
    let Some(monitor) = native.current_monitor().map(|m| m.size()) else {
        return;
    };
    let monitor = slint::PhysicalSize::new(monitor.width, monitor.height);
    if !fullscreen || monitor.width == 0 || monitor.height == 0 || window.size() == monitor {
        return;
    }
    tracing::info!(
        width = monitor.width,
        height = monitor.height,
        "window sized to the monitor (full screen not honoured)"
    );
    window.set_position(slint::PhysicalPosition::new(0, 0));
    window.set_size(monitor);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_fills_every_supported_screen() {
        for (w, h, scale, portrait) in [
            (1920, 1080, 1.0, false),
            (1080, 1920, 1.0, true),
            (3840, 2160, 2.0, false),
            (2160, 3840, 2.0, true),
            (1280, 800, 1280.0 / 1920.0, false),
            (800, 1280, 1280.0 / 1920.0, true),
        ] {
            let f = fit(w, h, Layout::Auto);
            assert!((f.scale - scale).abs() < 1e-4, "{w}x{h}: {f:?}");
            assert_eq!(f.portrait, portrait, "{w}x{h}");
            // The logical size is at least the design size both ways.
            let (lw, lh) = (w as f32 / f.scale, h as f32 / f.scale);
            let (dw, dh) = if portrait { (1080.0, 1920.0) } else { (1920.0, 1080.0) };
            assert!(lw >= dw - 0.5 && lh >= dh - 0.5, "{w}x{h}: {lw}x{lh}");
        }
    }

    #[test]
    fn a_configured_arrangement_wins_over_the_aspect() {
        assert!(!fit(1080, 1920, Layout::Landscape).portrait);
        assert!(fit(1920, 1080, Layout::Portrait).portrait);
        assert!(fit(1080, 1920, Layout::LowReach).portrait);
        assert_eq!(arrangement(Layout::Portrait), Arrangement::Portrait);
        assert_eq!(arrangement(Layout::LowReach), Arrangement::Auto);
        // No size yet: nothing to scale.
        assert_eq!(fit(0, 0, Layout::Auto).scale, 1.0);
    }
}
