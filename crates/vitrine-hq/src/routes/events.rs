//! `GET /v1/events`: the push stream of catalog versions (server-sent
//! events) a kiosk keeps open.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use vitrine_core::wire::{EVENT_VERSION, VersionEvent};

use crate::Hq;
use crate::http::AuthDevice;

fn version_event(v: u64) -> Event {
    Event::default()
        .event(EVENT_VERSION)
        .id(v.to_string())
        .data(serde_json::to_string(&VersionEvent { version: v }).unwrap_or_default())
}

/// The push stream: a `version` event at once (unless the kiosk's
/// `Last-Event-ID` is current), then one per new version. It ends when HQ
/// shuts down or when its device is revoked (by `vitrine-hq device revoke`,
/// seen by the version watcher); the kiosk's reconnection then gets 401.
pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let last: Option<u64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut rx = hq.versions();
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
    let state = (rx, shut, revoked, id, initial);
    let s = stream::unfold(state, |(mut rx, mut shut, mut revoked, id, pending)| async move {
        loop {
            if *shut.borrow() || revoked.borrow_and_update().contains(id.as_str()) {
                return None;
            }
            if let Some(v) = pending {
                return Some((Ok(version_event(v)), (rx, shut, revoked, id, None)));
            }
            tokio::select! {
                r = rx.changed() => {
                    r.ok()?;
                    break;
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
        Some((Ok(version_event(v)), (rx, shut, revoked, id, None)))
    });
    Sse::new(s).keep_alive(KeepAlive::new().interval(hq.config.sse_keepalive).text("keep-alive"))
}
