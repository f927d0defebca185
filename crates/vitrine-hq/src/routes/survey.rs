//! The survey page, `/s/{id}` (the link in the survey email): a score from
//! 1 to 5; the answer earns a coupon, shown at once and sent by email.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vitrine_core::Lang;
use vitrine_core::wire::codes;
use vitrine_i18n::tr;

use crate::Hq;
use crate::dates::date;
use crate::http::page::{alert, error_text, html, page_lang, wants_json};
use crate::http::{Failure, PageForm, blocking, esc};
use crate::services::survey::answer_survey;

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A page of the survey: `body` under its title.
fn survey_page(status: StatusCode, lang: Lang, title: &str, body: &str) -> Response {
    html(status, lang, title, &format!("<h1>{}</h1>{body}", esc(title)))
}

/// What the page says when HQ answers `failure`.
fn failed(headers: &HeaderMap, lang: Lang, failure: Failure) -> Response {
    if wants_json(headers) {
        return failure.into_response();
    }
    let msg = match failure.body.error.as_str() {
        codes::NOT_FOUND => tr!(lang, "hq-page-link-invalid"),
        codes::BAD_REQUEST => tr!(lang, "hq-page-form-unreadable"),
        code => error_text(code, lang),
    };
    survey_page(failure.status, lang, &tr!(lang, "hq-survey-title"), &alert(&msg))
}

/// `GET /s/{id}`: the question.
pub(super) async fn page(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = page_lang(q.lang.as_deref(), &headers);
    let id2 = id.clone();
    let found = blocking(move || Ok(hq.storage.survey(&id2)?)).await;
    let title = tr!(lang, "hq-survey-title");
    match found {
        Ok(Some(_)) => {
            let mut radios = String::new();
            for n in 1..=5 {
                radios.push_str(&format!(
                    "<label><input type=\"radio\" name=\"score\" value=\"{n}\" required> {}</label>",
                    esc(&tr!(lang, "hq-survey-score", score = n))
                ));
            }
            survey_page(
                StatusCode::OK,
                lang,
                &title,
                &format!(
                    "<form method=\"post\" action=\"/s/{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><fieldset><legend>{}</legend>{radios}</fieldset><button type=\"submit\">{}</button></form>",
                    esc(&id),
                    lang.code(),
                    esc(&tr!(lang, "hq-survey-question")),
                    esc(&tr!(lang, "hq-page-send")),
                ),
            )
        }
        Ok(None) => survey_page(
            StatusCode::NOT_FOUND,
            lang,
            &title,
            &format!("<p>{}</p>", esc(&tr!(lang, "hq-page-link-invalid"))),
        ),
        Err(f) => failed(&headers, lang, f),
    }
}

#[derive(Deserialize)]
pub(super) struct SurveyForm {
    score: u8,
    lang: Option<String>,
}

/// `POST /s/{id}`: the answer, and the coupon it earns.
pub(super) async fn answer(
    State(hq): State<Arc<Hq>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(f): PageForm<SurveyForm>,
) -> Response {
    let lang = page_lang(f.lang.as_deref(), &headers);
    match blocking(move || Ok(answer_survey(&hq, &id, f.score)?)).await {
        Ok(c) => survey_page(
            StatusCode::OK,
            lang,
            &tr!(lang, "hq-survey-thanks"),
            &format!(
                "<p role=\"status\">{} <strong id=\"coupon\">{}</strong> ({}).</p>",
                esc(&tr!(lang, "hq-survey-coupon")),
                esc(&c.code),
                esc(&tr!(lang, "hq-survey-coupon-until", date = date(c.valid_until))),
            ),
        ),
        Err(e) => failed(&headers, lang, e),
    }
}
