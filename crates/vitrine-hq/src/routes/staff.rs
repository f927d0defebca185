//! The store staff's click&collect page: `GET /staff/{store}/orders` lists
//! a store's orders with their status, `POST
//! /staff/{store}/orders/{id}/status` moves one (the shopper hears when it
//! is ready). Both only for [`Staff`].

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::wire::{OrderRequest, OrderStatus};
use vitrine_i18n::{MoneyText, Text, domain, text, tr};

use crate::Hq;
use crate::dates::date_time;
use crate::http::page::{alert, html, lang_links, link_paragraph, page_lang, wants_json};
use crate::http::{Failure, PageForm, Staff, blocking, esc};
use crate::services::orders;

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A store id as HQ makes them (letters, digits, `-`, `_`).
fn store_ok(store: &str) -> bool {
    !store.is_empty() && store.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn orders_href(store: &str, lang: Lang) -> String {
    format!("/staff/{store}/orders?lang={}", lang.code())
}

/// An error: a page in the staff page's language, with a link back to the
/// store's orders (JSON for a client that asks for JSON only).
fn refuse(headers: &HeaderMap, lang: Lang, store: &str, failure: Failure, msg: Text) -> Response {
    if wants_json(headers) {
        return failure.into_response();
    }
    let back = if store_ok(store) {
        link_paragraph(&orders_href(store, lang), &tr!(lang, "hq-staff-back"))
    } else {
        String::new()
    };
    html(
        failure.status,
        lang,
        &tr!(lang, "hq-staff-title"),
        &format!("{}{back}", alert(&msg.render(lang))),
    )
}

/// What went wrong at HQ, for the staff.
fn hq_failed(failure: &Failure) -> Text {
    if failure.body.retryable {
        text!("hq-staff-busy")
    } else {
        text!("hq-staff-failed")
    }
}

/// `GET /staff/{store}/orders`.
pub(super) async fn orders(
    State(hq): State<Arc<Hq>>,
    _staff: Staff,
    Path(store): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let store2 = store.clone();
    let orders = match blocking(move || Ok(hq.storage.orders(&store2)?)).await {
        Ok(o) => o,
        Err(f) => {
            let msg = hq_failed(&f);
            return refuse(&headers, lang, &store, f, msg);
        }
    };
    let mut rows = String::new();
    for o in &orders {
        let req: Option<OrderRequest> = serde_json::from_str(&o.request_json).ok();
        let name = req.as_ref().map(|r| r.customer.name.clone()).unwrap_or_default();
        let items: u32 = req
            .as_ref()
            .map(|r| r.lines.iter().map(|l| l.quantity).sum())
            .unwrap_or(0);
        let mut buttons = String::new();
        for st in OrderStatus::ALL {
            if st == o.status {
                continue;
            }
            buttons.push_str(&format!(
                "<form method=\"post\" action=\"/staff/{}/orders/{}/status\" style=\"display:inline\"><input type=\"hidden\" name=\"status\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form> ",
                esc(&store),
                o.id,
                st.as_str(),
                lang.code(),
                esc(&domain::order_status(st).render(lang))
            ));
        }
        rows.push_str(&format!(
            "<tr data-order=\"{}\"><td><strong>{}</strong><br>{}</td><td>{}<br>{}</td><td class=\"n\">{}</td><td><span class=\"status\">{}</span><br>{}</td></tr>",
            o.id,
            esc(&o.number),
            esc(&date_time(o.created_at).render(lang)),
            esc(&name),
            esc(&tr!(lang, "hq-staff-items", count = items)),
            esc(&o.total.format(lang)),
            esc(&domain::order_status(o.status).render(lang)),
            buttons
        ));
    }
    let path = format!("/staff/{}/orders", esc(&store));
    let body = format!(
        "{}<h1>{}</h1><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>{}",
        lang_links(&path, lang),
        esc(&tr!(lang, "hq-staff-heading", store = store.as_str())),
        esc(&tr!(lang, "hq-staff-order")),
        esc(&tr!(lang, "hq-staff-customer")),
        esc(&tr!(lang, "hq-page-total")),
        esc(&tr!(lang, "hq-staff-status")),
        if orders.is_empty() {
            format!("<p>{}</p>", esc(&tr!(lang, "hq-staff-no-orders")))
        } else {
            String::new()
        }
    );
    html(StatusCode::OK, lang, &tr!(lang, "hq-staff-title"), &body)
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    status: String,
    lang: Option<String>,
}

/// `POST /staff/{store}/orders/{id}/status`. The form is read before the
/// staff password is checked (a malformed form gets its 400 whoever sends
/// it; nothing is read or changed before the check).
pub(super) async fn set_status(
    State(hq): State<Arc<Hq>>,
    staff: Result<Staff, Response>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    PageForm(f): PageForm<StatusForm>,
) -> Response {
    if let Err(refused) = staff {
        return refused;
    }
    let lang = page_lang(f.lang.as_deref(), &headers);
    if !store_ok(&store) {
        return refuse(
            &headers,
            lang,
            &store,
            Failure::not_found("no such store"),
            text!("hq-staff-no-store"),
        );
    }
    let Some(status) = OrderStatus::parse(&f.status) else {
        return refuse(
            &headers,
            lang,
            &store,
            Failure::unprocessable("status must be received, preparing, ready or collected"),
            text!("hq-staff-bad-status"),
        );
    };
    let Ok(uuid) = Uuid::parse_str(&id) else {
        return refuse(
            &headers,
            lang,
            &store,
            Failure::not_found("no such order"),
            text!("hq-staff-no-order"),
        );
    };
    let store2 = store.clone();
    match blocking(move || Ok(orders::set_status(&hq, &store2, &uuid, status)?)).await {
        Ok(Some(_)) => Redirect::to(&orders_href(&store, lang)).into_response(),
        Ok(None) => refuse(
            &headers,
            lang,
            &store,
            Failure::not_found("no such order in this store"),
            text!("hq-staff-no-order-here"),
        ),
        Err(e) => {
            let msg = hq_failed(&e);
            refuse(&headers, lang, &store, e, msg)
        }
    }
}
