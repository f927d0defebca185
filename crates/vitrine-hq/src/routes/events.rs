//! `GET /v1/events`: the push stream of catalog versions (server-sent
//! events) a kiosk keeps open.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use vitrine_core::wire::{EVENT_SETTINGS, EVENT_VERSION, VersionEvent};

use crate::Hq;
use crate::http::{AuthDevice, Failure};

fn version_event(v: u64) -> Event {
    Event::default()
        .event(EVENT_VERSION)
        .id(v.to_string())
        .data(serde_json::to_string(&VersionEvent { version: v }).unwrap_or_default())
}

fn settings_event(v: u64) -> Event {
    // No id: the stream's Last-Event-ID stays the catalog version.
    Event::default()
        .event(EVENT_SETTINGS)
        .data(serde_json::to_string(&VersionEvent { version: v }).unwrap_or_default())
}

/// The push stream: a `version` event at once (unless the kiosk's
/// `Last-Event-ID` is current), then one per new version. It ends when HQ
/// shuts down or when its device is revoked (by `vitrine-hq device revoke`,
/// seen by the version watcher); the kiosk's reconnection then gets 401.
/// A device with [`crate::HqConfig::max_streams_per_device`] streams open
/// gets 429 (the kiosk polls meanwhile). A `settings` event says the
/// remote settings changed (the kiosk then asks `/v1/settings`; it also
/// asks at every connection).
pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Failure> {
    let slot = hq.open_stream(&dev.id).ok_or_else(|| {
        tracing::info!(device = %dev.id, "push stream refused: the device has its maximum open");
        let mut f = Failure::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            vitrine_core::wire::codes::RATE_LIMITED,
            "this kiosk already has as many push streams open as HQ allows; close one or poll /v1/catalog/changes",
        );
        f.retry_after = Some(std::time::Duration::from_secs(30));
        f
    })?;
    let last: Option<u64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut rx = hq.versions();
    let mut settings = hq.settings_versions();
    settings.borrow_and_update();
    let current = *rx.borrow_and_update();
    // A kiosk that missed versions while away hears about the current one at once.
    let initial = if last.is_none_or(|l| l != current) {
        Some(current)
    } else {
        None
    };
    let shut = hq.shutdown_signal();
    let revoked = hq.revoked();
    let id = Arc::new(dev.id);
    // The slot lives in the stream: freed when the stream ends or its
    // connection closes (axum drops the stream).
    let state = (rx, shut, revoked, (id, slot, settings), initial);
    let s = stream::unfold(
        state,
        |(mut rx, mut shut, mut revoked, (id, slot, mut settings), pending)| async move {
            loop {
                if *shut.borrow() || revoked.borrow_and_update().contains(id.as_str()) {
                    return None;
                }
                if let Some(v) = pending {
                    return Some((Ok(version_event(v)), (rx, shut, revoked, (id, slot, settings), None)));
                }
                tokio::select! {
                    r = rx.changed() => {
                        r.ok()?;
                        break;
                    }
                    r = settings.changed() => {
                        r.ok()?;
                        let v = *settings.borrow_and_update();
                        return Some((Ok(settings_event(v)), (rx, shut, revoked, (id, slot, settings), None)));
                    }
                    _ = shut.changed() => return None,
                    r = revoked.changed() => {
                        // Another device revoked: this stream goes on.
                        r.ok()?;
                    }
                }
            }
            if revoked.borrow().contains(id.as_str()) {
                return None;
            }
            let v = *rx.borrow_and_update();
            Some((Ok(version_event(v)), (rx, shut, revoked, (id, slot, settings), None)))
        },
    );
    Ok(Sse::new(s).keep_alive(KeepAlive::new().interval(hq.config.sse_keepalive).text("keep-alive")))
}
