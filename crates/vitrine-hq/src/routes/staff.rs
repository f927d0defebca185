//! The store staff's pages: `/staff/login` (a form; a session cookie on
//! success), `/staff/logout`, `/staff` (where an account goes: its store's
//! orders, or the stores for HQ's role), `GET /staff/{store}/orders` (a
//! store's orders, their status and the latest status changes with who
//! made them), `POST /staff/{store}/orders/{id}/status` (moves one; the
//! shopper hears when it is ready). Every form carries the session's CSRF
//! token and must come from HQ's own origin ([`Staff::check_form`]); a
//! store's account acts on its store only.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::wire::{OrderRequest, OrderStatus};
use vitrine_i18n::{MoneyText, Text, domain, text, tr};

use crate::Hq;
use crate::dates::date_time;
use crate::http::auth::{same_origin, staff_set_cookie};
use crate::http::page::{alert, html, lang_links, link_paragraph, page_lang, wants_json};
use crate::http::{ClientAddr, Failure, PageForm, Staff, blocking, esc, limit_client};
use crate::services::orders;
use crate::services::staff::{self as staff_accounts, Login, SESSION_S, may_act_for};

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
    store: Option<String>,
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

/// The login form (with `message` above it, if any).
fn login_page(status: StatusCode, lang: Lang, store: &str, message: Option<String>) -> Response {
    let store = if store_ok(store) { store } else { "" };
    let body = format!(
        "{}<h1>{}</h1>{}<form method=\"post\" action=\"/staff/login\"><label>{}<input name=\"name\" autocomplete=\"username\" autocapitalize=\"none\" required></label><label>{}<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label><input type=\"hidden\" name=\"store\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        lang_links("/staff/login", lang),
        esc(&tr!(lang, "hq-staff-login-title")),
        message.map(|m| alert(&m)).unwrap_or_default(),
        esc(&tr!(lang, "hq-staff-login-name")),
        esc(&tr!(lang, "hq-staff-login-password")),
        esc(store),
        lang.code(),
        esc(&tr!(lang, "hq-staff-login-submit")),
    );
    html(status, lang, &tr!(lang, "hq-staff-login-title"), &body)
}

/// `GET /staff/login`.
pub(super) async fn login_form(Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    login_page(StatusCode::OK, lang, q.store.as_deref().unwrap_or(""), None)
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    name: String,
    password: String,
    store: Option<String>,
    lang: Option<String>,
}

/// `POST /staff/login`: rate-limited per client address (and overall)
/// before any password is checked; refused from another site's page.
pub(super) async fn login(
    State(hq): State<Arc<Hq>>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<LoginForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    let store = f.store.clone().unwrap_or_default();
    if !same_origin(&hq, &headers) {
        return html(
            StatusCode::FORBIDDEN,
            lang,
            &tr!(lang, "hq-staff-login-title"),
            &alert(&tr!(lang, "hq-staff-form-expired")),
        );
    }
    let hq2 = hq.clone();
    let limited = blocking(move || Ok(limit_client(&hq2.login_limiter, &hq2.login_global, ip, "staff login")))
        .await
        .and_then(|r| r);
    if let Err(f) = limited {
        let minutes = f.retry_after.map_or(1, |d| d.as_secs().div_ceil(60).max(1));
        let mut r = login_page(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            &store,
            Some(tr!(lang, "hq-staff-login-locked", minutes = minutes)),
        );
        if let Some(d) = f.retry_after
            && let Ok(v) = header::HeaderValue::from_str(&d.as_secs().max(1).to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let hq2 = hq.clone();
    let outcome = blocking(move || Ok(staff_accounts::login(&hq2, &f.name, &f.password)?)).await;
    match outcome {
        Ok(Login::Granted { account, token }) => {
            let target = if store_ok(&store) && may_act_for(&account, &store) {
                orders_href(&store, lang)
            } else {
                format!("/staff?lang={}", lang.code())
            };
            let mut r = Redirect::to(&target).into_response();
            r.headers_mut()
                .insert(header::SET_COOKIE, staff_set_cookie(&hq, &token, SESSION_S));
            r
        }
        Ok(Login::Refused) => login_page(
            StatusCode::UNAUTHORIZED,
            lang,
            &store,
            Some(tr!(lang, "hq-staff-login-refused")),
        ),
        Ok(Login::Locked { until }) => {
            let wait = (until - hq.now()).max(1);
            let mut r = login_page(
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                &store,
                Some(tr!(lang, "hq-staff-login-locked", minutes = (wait + 59) / 60)),
            );
            if let Ok(v) = header::HeaderValue::from_str(&wait.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(e) => {
            let msg = hq_failed(&e);
            refuse(&headers, lang, "", e, msg)
        }
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfForm {
    csrf: String,
    lang: Option<String>,
}

/// `POST /staff/logout`: ends the session (HQ forgets it) and the cookie.
pub(super) async fn logout(
    State(hq): State<Arc<Hq>>,
    staff: Staff,
    headers: HeaderMap,
    PageForm(f): PageForm<CsrfForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    if let Some(r) = staff.check_form(&hq, &headers, &f.csrf, lang) {
        return r;
    }
    let hq2 = hq.clone();
    let token = staff.token.clone();
    if let Err(e) = blocking(move || Ok(staff_accounts::logout(&hq2, &token)?)).await {
        let msg = hq_failed(&e);
        return refuse(&headers, lang, "", e, msg);
    }
    let mut r = Redirect::to(&format!("/staff/login?lang={}", lang.code())).into_response();
    r.headers_mut().insert(header::SET_COOKIE, staff_set_cookie(&hq, "", 0));
    r
}

/// The line saying who is logged in, with the logout button.
fn who_and_logout(staff: &Staff, lang: Lang) -> String {
    format!(
        "<p>{} <form method=\"post\" action=\"/staff/logout\" style=\"display:inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form></p>",
        esc(&tr!(lang, "hq-staff-signed-in", name = staff.account.name.as_str())),
        esc(&staff.csrf),
        lang.code(),
        esc(&tr!(lang, "hq-staff-logout"))
    )
}

/// `GET /staff`: a store's account goes to its orders; HQ's role picks a
/// store.
pub(super) async fn home(
    State(hq): State<Arc<Hq>>,
    staff: Staff,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    if let Some(store) = &staff.account.store {
        return Redirect::to(&orders_href(store, lang)).into_response();
    }
    let stores = match blocking(move || Ok(hq.storage.store_ids()?)).await {
        Ok(s) => s,
        Err(f) => {
            let msg = hq_failed(&f);
            return refuse(&headers, lang, "", f, msg);
        }
    };
    let links: String = stores
        .iter()
        .filter(|s| store_ok(s))
        .map(|s| link_paragraph(&orders_href(s, lang), s))
        .collect();
    let body = format!(
        "{}{}<h1>{}</h1>{links}",
        lang_links("/staff", lang),
        who_and_logout(&staff, lang),
        esc(&tr!(lang, "hq-staff-stores"))
    );
    html(StatusCode::OK, lang, &tr!(lang, "hq-staff-title"), &body)
}

/// How many audit entries the orders page shows.
const AUDIT_SHOWN: u32 = 20;

/// `GET /staff/{store}/orders`.
pub(super) async fn orders(
    State(hq): State<Arc<Hq>>,
    staff: Staff,
    Path(store): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    if !may_act_for(&staff.account, &store) {
        return refuse(
            &headers,
            lang,
            "",
            Failure::forbidden("this account is for another store"),
            text!("hq-staff-not-your-store"),
        );
    }
    let store2 = store.clone();
    let read = blocking(move || {
        Ok((
            hq.storage.orders(&store2)?,
            hq.storage.order_audit(Some(&store2), AUDIT_SHOWN)?,
        ))
    })
    .await;
    let (orders, audit) = match read {
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
                "<form method=\"post\" action=\"/staff/{}/orders/{}/status\" style=\"display:inline\"><input type=\"hidden\" name=\"status\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form> ",
                esc(&store),
                o.id,
                st.as_str(),
                esc(&staff.csrf),
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
    let audit_rows: String = audit
        .iter()
        .map(|a| {
            format!(
                "<li data-audit=\"{}\">{}</li>",
                esc(&a.order_id),
                esc(&tr!(
                    lang,
                    "hq-staff-audit-row",
                    time = date_time(a.at).render(lang),
                    number = a.order_number.as_str(),
                    from = domain::order_status(a.from).render(lang),
                    to = domain::order_status(a.to).render(lang),
                    name = a.staff.as_str()
                ))
            )
        })
        .collect();
    let path = format!("/staff/{}/orders", esc(&store));
    let body = format!(
        "{}{}<h1>{}</h1><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>{}<h2>{}</h2><ul class=\"audit\">{audit_rows}</ul>",
        lang_links(&path, lang),
        who_and_logout(&staff, lang),
        esc(&tr!(lang, "hq-staff-heading", store = store.as_str())),
        esc(&tr!(lang, "hq-staff-order")),
        esc(&tr!(lang, "hq-staff-customer")),
        esc(&tr!(lang, "hq-page-total")),
        esc(&tr!(lang, "hq-staff-status")),
        if orders.is_empty() {
            format!("<p>{}</p>", esc(&tr!(lang, "hq-staff-no-orders")))
        } else {
            String::new()
        },
        esc(&tr!(lang, "hq-staff-audit")),
    );
    html(StatusCode::OK, lang, &tr!(lang, "hq-staff-title"), &body)
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    status: String,
    #[serde(default)]
    csrf: String,
    lang: Option<String>,
}

/// `POST /staff/{store}/orders/{id}/status`. The form is read before the
/// session is checked (a malformed form gets its 400 whoever sends it;
/// nothing is read or changed before the checks: session, origin and CSRF
/// token, store).
pub(super) async fn set_status(
    State(hq): State<Arc<Hq>>,
    staff: Result<Staff, Response>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    PageForm(f): PageForm<StatusForm>,
) -> Response {
    let staff = match staff {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let lang = page_lang(f.lang.as_deref(), &headers);
    if let Some(r) = staff.check_form(&hq, &headers, &f.csrf, lang) {
        return r;
    }
    if !store_ok(&store) {
        return refuse(
            &headers,
            lang,
            &store,
            Failure::not_found("no such store"),
            text!("hq-staff-no-store"),
        );
    }
    if !may_act_for(&staff.account, &store) {
        tracing::warn!(staff = %staff.account.name, "staff refused: another store's order");
        return refuse(
            &headers,
            lang,
            "",
            Failure::forbidden("this account is for another store"),
            text!("hq-staff-not-your-store"),
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
    let who = staff.account.name.clone();
    match blocking(move || Ok(orders::set_status(&hq, &store2, &uuid, status, &who)?)).await {
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
