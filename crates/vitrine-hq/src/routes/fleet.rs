//! `GET /staff/fleet`: the fleet page for IT (issue 17): every kiosk with
//! its last heartbeat, version, catalog lag, queue, camera and flags, the
//! table `vitrine-hq device list` prints. Behind the staff login: HQ's role
//! sees every store, a store's account its own kiosks. Filtered by store
//! and state with a plain GET form (no script), and refreshed by the
//! browser every [`REFRESH_S`] seconds (`Refresh` header).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vitrine_core::Lang;
use vitrine_core::wire::fleet::CameraState;
use vitrine_i18n::{Text, text, tr};

use crate::Hq;
use crate::http::page::{alert, html, lang_links, page_lang};
use crate::http::{Staff, blocking, esc};
use crate::services::fleet::{self, Flag, KioskHealth};

/// Seconds between two refreshes of the page.
pub const REFRESH_S: u32 = 30;

#[derive(Deserialize)]
pub(super) struct FleetQuery {
    lang: Option<String>,
    store: Option<String>,
    state: Option<String>,
}

fn flag_text(f: Flag) -> Text {
    match f {
        Flag::Stale => text!("hq-fleet-state-stale"),
        Flag::Behind => text!("hq-fleet-state-behind"),
        Flag::Queuing => text!("hq-fleet-state-queuing"),
        Flag::Blind => text!("hq-fleet-state-blind"),
    }
}

fn camera_text(c: CameraState) -> Text {
    match c {
        CameraState::Ok => text!("hq-fleet-camera-ok"),
        CameraState::Down => text!("hq-fleet-camera-down"),
        CameraState::None => text!("hq-fleet-camera-none"),
    }
}

/// Whether `k` is in the asked `state` (`ok` or a flag; empty: any).
fn in_state(k: &KioskHealth, state: &str) -> bool {
    match state {
        "" => true,
        "ok" => k.flags.is_empty(),
        s => Flag::parse(s).is_some_and(|f| k.has(f)),
    }
}

fn row(k: &KioskHealth, lang: Lang) -> String {
    let dash = "–".to_string();
    let seen = match k.last_seen_age_s {
        Some(age) => tr!(lang, "hq-fleet-ago", age = vitrine_i18n::duration(age)),
        None => tr!(lang, "hq-fleet-never"),
    };
    let (version, catalog, queue, camera) = match &k.heartbeat {
        Some(h) => (
            h.software_version.clone(),
            tr!(
                lang,
                "hq-fleet-catalog-cell",
                version = h.catalog_version,
                lag = k.catalog_lag.unwrap_or(0)
            ),
            tr!(
                lang,
                "hq-fleet-queue-cell",
                pending = h.outbox_pending,
                dead = h.outbox_dead
            ),
            match h.decode_fps {
                Some(fps) => tr!(lang, "hq-fleet-camera-cell", state = camera_text(h.camera), fps = fps),
                None => camera_text(h.camera).render(lang),
            },
        ),
        None => (dash.clone(), dash.clone(), dash.clone(), dash),
    };
    let flags = if k.flags.is_empty() {
        tr!(lang, "hq-fleet-state-ok")
    } else {
        k.flags
            .iter()
            .map(|f| flag_text(*f).render(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = k.name.as_deref().map(|n| format!("<br>{}", esc(n))).unwrap_or_default();
    format!(
        "<tr data-kiosk=\"{id}\" data-state=\"{state}\"><td><strong>{id}</strong><br>{store}{name}</td><td>{seen}</td><td>{version}</td><td>{catalog}</td><td>{queue}</td><td>{camera}</td><td class=\"status\">{flags}</td></tr>",
        id = esc(&k.id),
        state = esc(&k.state()),
        store = esc(&k.store),
        seen = esc(&seen),
        version = esc(&version),
        catalog = esc(&catalog),
        queue = esc(&queue),
        camera = esc(&camera),
        flags = esc(&flags),
    )
}

/// A `<select>` named `name` with `options` (value, label), `current` selected.
fn select(name: &str, label: &str, options: &[(String, String)], current: &str) -> String {
    let opts: String = options
        .iter()
        .map(|(v, l)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                esc(v),
                if v == current { " selected" } else { "" },
                esc(l)
            )
        })
        .collect();
    format!("<label>{}<select name=\"{name}\">{opts}</select></label> ", esc(label))
}

/// `GET /staff/fleet`.
pub(super) async fn page(
    State(hq): State<Arc<Hq>>,
    staff: Staff,
    Query(q): Query<FleetQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let read = blocking(move || Ok(fleet::fleet(&hq)?)).await;
    let all = match read {
        Ok(k) => k,
        Err(f) => {
            let msg = if f.body.retryable {
                tr!(lang, "hq-staff-busy")
            } else {
                tr!(lang, "hq-staff-failed")
            };
            return html(f.status, lang, &tr!(lang, "hq-fleet-title"), &alert(&msg));
        }
    };
    // A store's account sees its own store's kiosks only.
    let mine: Vec<KioskHealth> = all
        .into_iter()
        .filter(|k| staff.account.store.as_ref().is_none_or(|s| *s == k.store))
        .collect();
    let mut stores: Vec<String> = mine.iter().map(|k| k.store.clone()).collect();
    stores.dedup();
    let store = q.store.unwrap_or_default();
    let state = q.state.unwrap_or_default();
    let shown: Vec<&KioskHealth> = mine
        .iter()
        .filter(|k| store.is_empty() || k.store == store)
        .filter(|k| in_state(k, &state))
        .collect();
    let all_label = tr!(lang, "hq-fleet-all");
    let mut store_opts = vec![(String::new(), all_label.clone())];
    store_opts.extend(stores.iter().map(|s| (s.clone(), s.clone())));
    let mut state_opts = vec![
        (String::new(), all_label),
        ("ok".to_string(), tr!(lang, "hq-fleet-state-ok")),
    ];
    state_opts.extend(
        Flag::ALL
            .iter()
            .map(|f| (f.as_str().to_string(), flag_text(*f).render(lang))),
    );
    let form = format!(
        "<form method=\"get\" action=\"/staff/fleet\">{}{}<input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        select("store", &tr!(lang, "hq-fleet-filter-store"), &store_opts, &store),
        select("state", &tr!(lang, "hq-fleet-filter-state"), &state_opts, &state),
        lang.code(),
        esc(&tr!(lang, "hq-fleet-apply")),
    );
    let rows: String = shown.iter().map(|k| row(k, lang)).collect();
    let table = if shown.is_empty() {
        format!("<p>{}</p>", esc(&tr!(lang, "hq-fleet-empty")))
    } else {
        format!(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>",
            esc(&tr!(lang, "hq-fleet-kiosk")),
            esc(&tr!(lang, "hq-fleet-last-seen")),
            esc(&tr!(lang, "hq-fleet-version")),
            esc(&tr!(lang, "hq-fleet-catalog")),
            esc(&tr!(lang, "hq-fleet-queue")),
            esc(&tr!(lang, "hq-fleet-camera")),
            esc(&tr!(lang, "hq-fleet-flags")),
        )
    };
    let body = format!(
        "{}<h1>{}</h1>{form}<p class=\"note\">{} · {}</p>{table}",
        lang_links("/staff/fleet", lang),
        esc(&tr!(lang, "hq-fleet-heading")),
        esc(&tr!(lang, "hq-fleet-count", count = shown.len())),
        esc(&tr!(lang, "hq-fleet-refresh-note", secs = REFRESH_S)),
    );
    let mut r = html(StatusCode::OK, lang, &tr!(lang, "hq-fleet-title"), &body);
    // The browser reloads the page (same address, same filters); no script.
    if let Ok(v) = HeaderValue::from_str(&REFRESH_S.to_string()) {
        r.headers_mut().insert("refresh", v);
    }
    r.into_response()
}
