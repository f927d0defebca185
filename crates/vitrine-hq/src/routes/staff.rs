//! The store staff's pages: `/staff/login` (a form; a session cookie on
//! success), `/staff/logout`, `/staff` (where an account goes: its store's
//! orders, or the stores for HQ's role), the click&collect desk
//! `GET /staff/{store}/orders` (the store's name; each order's number,
//! date, customer and lines to pick with a place for their picture; only
//! the actions its status allows; a filter by status; the latest status
//! changes with who made them; new orders appear without a reload, see
//! [`crate::http::desk`]) and `POST /staff/{store}/orders/{id}/status`
//! (moves one along the core's rule: "collected" only after a
//! confirmation, "cancelled" only with a reason the shopper is told).
//! Every form carries the session's CSRF token and must come from HQ's own
//! origin ([`Staff::check_form`]); a store's account acts on its store
//! only.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;
use vitrine_core::Lang;
use vitrine_core::wire::{CancelReason, OrderRequest, OrderStatus};
use vitrine_i18n::{Text, domain, text, tr};

use crate::Hq;
use crate::dates::date_time;
use crate::http::auth::{same_origin, staff_set_cookie};
use crate::http::desk::{DESK_SCRIPT, DESK_STYLE};
use crate::http::page::{alert, html, lang_links, link_paragraph, page_lang, page_with, wants_json};
use crate::http::{ClientAddr, Failure, PageForm, Staff, blocking, esc, limit_client, product_picture};
use crate::services::orders;
use crate::services::staff::{self as staff_accounts, Login, SESSION_S, may_act_for};

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
    store: Option<String>,
    /// The desk's filter (see [`Filter`]).
    status: Option<String>,
    /// `1`: the desk's list of orders alone (what its script fetches).
    partial: Option<String>,
}

/// A store id as HQ makes them (letters, digits, `-`, `_`).
fn store_ok(store: &str) -> bool {
    !store.is_empty() && store.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn orders_href(store: &str, lang: Lang) -> String {
    format!("/staff/{store}/orders?lang={}", lang.code())
}

/// Which orders the desk shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    /// Still to work on (received, preparing, ready): the default.
    Open,
    All,
    One(OrderStatus),
}

impl Filter {
    fn parse(s: Option<&str>) -> Filter {
        match s {
            Some("all") => Filter::All,
            Some(x) => OrderStatus::parse(x).map_or(Filter::Open, Filter::One),
            None => Filter::Open,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Filter::Open => "open",
            Filter::All => "all",
            Filter::One(s) => s.as_str(),
        }
    }

    fn statuses(self) -> Vec<OrderStatus> {
        match self {
            Filter::Open => OrderStatus::ALL.into_iter().filter(|s| s.is_open()).collect(),
            Filter::All => Vec::new(),
            Filter::One(s) => vec![s],
        }
    }
}

fn desk_href(store: &str, lang: Lang, filter: Filter) -> String {
    format!("/staff/{store}/orders?lang={}&status={}", lang.code(), filter.as_str())
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
        "<p>{} <form method=\"post\" action=\"/staff/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><button type=\"submit\">{}</button></form></p>",
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

/// The action that moves an order to `to`, on its button.
fn action(to: OrderStatus) -> Text {
    match to {
        OrderStatus::Preparing => text!("hq-desk-act-preparing"),
        OrderStatus::Ready => text!("hq-desk-act-ready"),
        OrderStatus::Collected => text!("hq-desk-act-collected"),
        OrderStatus::Cancelled => text!("hq-desk-act-cancel"),
        OrderStatus::Received => domain::order_status(to),
    }
}

/// The words the staff read for a cancellation's reason.
fn why(r: CancelReason) -> Text {
    match r {
        CancelReason::OutOfStock => text!("hq-desk-why-out-of-stock"),
        CancelReason::NotCollected => text!("hq-desk-why-not-collected"),
        CancelReason::CustomerRequest => text!("hq-desk-why-customer-request"),
        CancelReason::StoreUnavailable => text!("hq-desk-why-store-unavailable"),
    }
}

/// One line to pick: the product's name and brand (the catalog's), the
/// quantity, and the place of its picture.
struct PickLine {
    gtin: String,
    quantity: u32,
    name: Option<String>,
    brand: Option<String>,
    /// The product's picture (`<img>`), when the referential has one.
    picture: Option<String>,
}

/// An order as the desk shows it.
struct DeskOrder {
    record: crate::storage::OrderRecord,
    customer: String,
    lines: Vec<PickLine>,
}

impl DeskOrder {
    fn items(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

/// The orders of `store` in `filter`, with their lines' products.
fn read_desk(hq: &Hq, store: &str, filter: Filter) -> Result<Vec<DeskOrder>, Failure> {
    let mut out = Vec::new();
    for record in hq.storage.orders_in(store, &filter.statuses())? {
        out.push(desk_order(hq, record)?);
    }
    Ok(out)
}

fn desk_order(hq: &Hq, record: crate::storage::OrderRecord) -> Result<DeskOrder, Failure> {
    let req: Option<OrderRequest> = serde_json::from_str(&record.request_json).ok();
    let mut lines = Vec::new();
    for l in req.as_ref().map(|r| r.lines.as_slice()).unwrap_or_default() {
        let product = hq.storage.product_price(l.gtin, &record.store)?.map(|p| p.product);
        lines.push(PickLine {
            gtin: l.gtin.to_string(),
            quantity: l.quantity,
            name: product.as_ref().map(|p| p.name.clone()),
            picture: product
                .as_ref()
                .and_then(|p| p.image.as_ref().map(|id| product_picture(id, &p.name))),
            brand: product.and_then(|p| p.brand),
        });
    }
    Ok(DeskOrder {
        customer: req.map(|r| r.customer.name).unwrap_or_default(),
        record,
        lines,
    })
}

/// The hidden fields every desk form carries.
fn hidden(staff: &Staff, lang: Lang, filter: Filter) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><input type=\"hidden\" name=\"filter\" value=\"{}\">",
        esc(&staff.csrf),
        lang.code(),
        filter.as_str()
    )
}

/// The lines to pick, each with the place of its picture (`.pic`, named
/// by the product's GTIN; the pictures' part puts the `<img>` there).
fn lines_html(o: &DeskOrder, lang: Lang) -> String {
    let mut out = String::from("<ul class=\"lines\">");
    for l in &o.lines {
        let (label, pic_label) = match &l.name {
            Some(name) => (
                tr!(lang, "hq-desk-line", quantity = l.quantity, name = name.as_str()),
                tr!(lang, "hq-desk-picture", name = name.as_str()),
            ),
            None => (
                tr!(
                    lang,
                    "hq-desk-line-unknown",
                    quantity = l.quantity,
                    gtin = l.gtin.as_str()
                ),
                String::new(),
            ),
        };
        let brand = l
            .brand
            .as_deref()
            .map(|b| format!(" <small>{}</small>", esc(b)))
            .unwrap_or_default();
        let pic = match &l.picture {
            Some(img) => format!("<span class=\"pic\" data-gtin=\"{}\">{img}</span>", esc(&l.gtin)),
            None => format!(
                "<span class=\"pic\" data-gtin=\"{}\" role=\"img\" aria-label=\"{}\"></span>",
                esc(&l.gtin),
                esc(&pic_label)
            ),
        };
        out.push_str(&format!(
            "<li data-gtin=\"{gtin}\">{pic}<span>{label}{brand}</span></li>",
            gtin = esc(&l.gtin),
            label = esc(&label),
        ));
    }
    out.push_str("</ul>");
    out
}

/// One order's card: number and date (never wrapped), customer, items and
/// total, status, the lines to pick, and only the actions its status
/// allows.
fn order_html(o: &DeskOrder, store: &str, staff: &Staff, lang: Lang, filter: Filter) -> String {
    let r = &o.record;
    let id = r.id;
    let number = tr!(lang, "hq-desk-order", number = r.number.as_str());
    let mut status = format!(
        "<span class=\"status\">{}</span>",
        esc(&domain::order_status(r.status).render(lang))
    );
    if let (OrderStatus::Cancelled, Some(reason)) = (r.status, r.cancel_reason) {
        status = format!(
            "<span class=\"status\">{}</span>",
            esc(&tr!(lang, "hq-desk-cancelled-because", reason = why(reason)))
        );
    }
    if r.checkout_url.is_some() {
        status.push_str(&format!(" · {}", esc(&tr!(lang, "hq-desk-checkout"))));
    }
    let action_url = format!("/staff/{}/orders/{id}/status", esc(store));
    let mut actions = String::new();
    for to in r.status.next() {
        if *to == OrderStatus::Cancelled {
            let options: String = CancelReason::ALL
                .iter()
                .map(|c| {
                    format!(
                        "<option value=\"{}\">{}</option>",
                        c.as_str(),
                        esc(&why(*c).render(lang))
                    )
                })
                .collect();
            actions.push_str(&format!(
                "<details><summary>{cancel}</summary><form method=\"post\" action=\"{action_url}\"><input type=\"hidden\" name=\"status\" value=\"cancelled\">{hidden}<label for=\"reason-{id}\">{label}</label><select id=\"reason-{id}\" name=\"reason\" required><option value=\"\"></option>{options}</select><button type=\"submit\" aria-describedby=\"h-{id}\">{cancel}</button></form></details>",
                cancel = esc(&action(*to).render(lang)),
                hidden = hidden(staff, lang, filter),
                label = esc(&tr!(lang, "hq-desk-cancel-reason")),
            ));
        } else {
            actions.push_str(&format!(
                "<form method=\"post\" action=\"{action_url}\"><input type=\"hidden\" name=\"status\" value=\"{}\">{}<button type=\"submit\" aria-describedby=\"h-{id}\">{}</button></form>",
                to.as_str(),
                hidden(staff, lang, filter),
                esc(&action(*to).render(lang)),
            ));
        }
    }
    format!(
        "<article class=\"order\" id=\"o-{id}\" data-order=\"{id}\" data-status=\"{st}\" data-announce=\"{announce}\" aria-labelledby=\"h-{id}\"><h2 id=\"h-{id}\"><span class=\"num\">{number}</span></h2><p class=\"meta\"><span class=\"when\">{when}</span> · {customer} · {items} · {total}</p><p>{status}</p><h3>{pick}</h3>{lines}<div class=\"actions\">{actions}</div></article>",
        st = r.status.as_str(),
        announce = esc(&tr!(lang, "hq-desk-new-order", number = r.number.as_str())),
        number = esc(&number),
        when = esc(&tr!(lang, "hq-desk-ordered-at", time = date_time(r.created_at))),
        customer = esc(&tr!(lang, "hq-desk-customer", name = o.customer.as_str())),
        items = esc(&tr!(lang, "hq-desk-items", count = o.items())),
        total = esc(&tr!(lang, "hq-desk-total", total = r.total)),
        pick = esc(&tr!(lang, "hq-desk-lines")),
        lines = lines_html(o, lang),
    )
}

/// The list of orders (what the script fetches again).
fn list_html(orders: &[DeskOrder], store: &str, staff: &Staff, lang: Lang, filter: Filter) -> String {
    if orders.is_empty() {
        return format!("<p class=\"none\">{}</p>", esc(&tr!(lang, "hq-desk-none")));
    }
    orders
        .iter()
        .map(|o| order_html(o, store, staff, lang, filter))
        .collect()
}

/// The filter's links, with how many orders each has.
fn filters_html(store: &str, lang: Lang, filter: Filter, counts: &[(OrderStatus, u64)]) -> String {
    let count = |f: Filter| -> u64 {
        counts
            .iter()
            .filter(|(s, _)| match f {
                Filter::Open => s.is_open(),
                Filter::All => true,
                Filter::One(x) => *s == x,
            })
            .map(|(_, n)| n)
            .sum()
    };
    let mut all = vec![(Filter::Open, text!("hq-desk-filter-open"))];
    all.extend(
        OrderStatus::ALL
            .into_iter()
            .map(|s| (Filter::One(s), domain::order_status(s))),
    );
    all.push((Filter::All, text!("hq-desk-filter-all")));
    let links: String = all
        .into_iter()
        .map(|(f, label)| {
            format!(
                "<a href=\"{}\"{}>{}</a>",
                esc(&desk_href(store, lang, f)),
                if f == filter { " aria-current=\"page\"" } else { "" },
                esc(&tr!(lang, "hq-desk-filter-label", status = label, count = count(f)))
            )
        })
        .collect();
    format!(
        "<nav class=\"filters\" aria-label=\"{}\">{links}</nav>",
        esc(&tr!(lang, "hq-desk-filter"))
    )
}

/// `GET /staff/{store}/orders`: the click&collect desk (see the module's
/// documentation); `?partial=1`: its list alone.
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
    let filter = Filter::parse(q.status.as_deref());
    let store2 = store.clone();
    let read = blocking(move || {
        Ok((
            read_desk(&hq, &store2, filter)?,
            hq.storage.order_counts(&store2)?,
            hq.storage.order_audit(Some(&store2), AUDIT_SHOWN)?,
            hq.storage.store(&store2)?,
        ))
    })
    .await;
    let (orders, counts, audit, known) = match read {
        Ok(o) => o,
        Err(f) => {
            let msg = hq_failed(&f);
            return refuse(&headers, lang, &store, f, msg);
        }
    };
    let list = list_html(&orders, &store, &staff, lang, filter);
    if q.partial.as_deref() == Some("1") {
        return (StatusCode::OK, axum::response::Html(list)).into_response();
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
    let store_name = known
        .map(|s| match s.city {
            Some(c) if !s.name.contains(&c) => format!("{} ({c})", s.name),
            _ => s.name,
        })
        .unwrap_or_else(|| store.clone());
    let path = format!("/staff/{}/orders", esc(&store));
    let src = format!("{}&partial=1", desk_href(&store, lang, filter));
    let body = format!(
        "<header>{}{}</header><main><h1>{}</h1>{}<p id=\"live\" role=\"status\" aria-live=\"polite\"></p><div id=\"orders\" data-src=\"{}\">{list}</div><h2>{}</h2><ul class=\"audit\">{audit_rows}</ul></main>",
        lang_links(&path, lang),
        who_and_logout(&staff, lang),
        esc(&tr!(lang, "hq-staff-heading", store = store_name.as_str())),
        filters_html(&store, lang, filter, &counts),
        esc(&src),
        esc(&tr!(lang, "hq-staff-audit")),
    );
    let page = page_with(lang, &tr!(lang, "hq-staff-title"), DESK_STYLE, &body, DESK_SCRIPT);
    (StatusCode::OK, axum::response::Html(page)).into_response()
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    status: String,
    #[serde(default)]
    csrf: String,
    lang: Option<String>,
    /// A cancellation's reason ([`CancelReason`]).
    reason: Option<String>,
    /// `yes`: the member of staff confirmed the hand-over.
    confirm: Option<String>,
    /// The desk's filter to go back to.
    filter: Option<String>,
}

/// The confirmation asked before an order is marked collected: it works
/// without a script, and a hand-over cannot be taken back.
fn confirm_page(staff: &Staff, store: &str, o: &DeskOrder, lang: Lang, filter: Filter) -> Response {
    let r = &o.record;
    let body = format!(
        "<header>{}</header><main><h1><span class=\"num\">{}</span></h1><p>{}</p>{}<div class=\"actions\"><form method=\"post\" action=\"/staff/{}/orders/{}/status\"><input type=\"hidden\" name=\"status\" value=\"collected\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">{}<button type=\"submit\">{}</button></form><a class=\"button\" href=\"{}\">{}</a></div></main>",
        who_and_logout(staff, lang),
        esc(&tr!(lang, "hq-desk-confirm-title", number = r.number.as_str())),
        esc(&tr!(
            lang,
            "hq-desk-confirm-text",
            name = o.customer.as_str(),
            count = o.items()
        )),
        lines_html(o, lang),
        esc(store),
        r.id,
        hidden(staff, lang, filter),
        esc(&tr!(lang, "hq-desk-confirm-yes")),
        esc(&desk_href(store, lang, filter)),
        esc(&tr!(lang, "hq-desk-confirm-no")),
    );
    let page = page_with(lang, &tr!(lang, "hq-staff-title"), DESK_STYLE, &body, "");
    (StatusCode::OK, axum::response::Html(page)).into_response()
}

/// `POST /staff/{store}/orders/{id}/status`. The form is read before the
/// session is checked (a malformed form gets its 400 whoever sends it;
/// nothing is read or changed before the checks: session, origin and CSRF
/// token, store). Collected needs `confirm=yes` (else the confirmation
/// page, nothing changed), cancelled a `reason`; a move the core's rule
/// does not allow from the order's status is refused (409).
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
            Failure::unprocessable("status must be received, preparing, ready, collected or cancelled"),
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
    let filter = Filter::parse(f.filter.as_deref());
    let reason = f.reason.as_deref().and_then(CancelReason::parse);
    if status == OrderStatus::Cancelled && reason.is_none() {
        return refuse(
            &headers,
            lang,
            &store,
            Failure::unprocessable("a cancellation needs a reason"),
            text!("hq-desk-reason-needed"),
        );
    }
    if status == OrderStatus::Collected && f.confirm.as_deref() != Some("yes") {
        let (hq2, store2) = (hq.clone(), store.clone());
        let read = blocking(move || {
            let o = hq2.storage.order(&uuid)?.filter(|o| o.store == store2);
            o.map(|o| desk_order(&hq2, o)).transpose()
        })
        .await;
        return match read {
            Ok(Some(o)) if o.record.status.may_become(OrderStatus::Collected) => {
                confirm_page(&staff, &store, &o, lang, filter)
            }
            Ok(Some(_)) => refuse(
                &headers,
                lang,
                &store,
                Failure::new(
                    StatusCode::CONFLICT,
                    vitrine_core::wire::codes::CONFLICT,
                    "this order cannot be collected from its status",
                ),
                text!("hq-desk-not-allowed"),
            ),
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
        };
    }
    let store2 = store.clone();
    let who = staff.account.name.clone();
    match blocking(move || Ok(orders::set_status(&hq, &store2, &uuid, status, &who, reason)?)).await {
        Ok(Some(_)) => Redirect::to(&desk_href(&store, lang, filter)).into_response(),
        Ok(None) => refuse(
            &headers,
            lang,
            &store,
            Failure::not_found("no such order in this store"),
            text!("hq-staff-no-order-here"),
        ),
        Err(e) if e.status == StatusCode::CONFLICT => refuse(&headers, lang, &store, e, text!("hq-desk-not-allowed")),
        Err(e) => {
            let msg = hq_failed(&e);
            refuse(&headers, lang, &store, e, msg)
        }
    }
}
