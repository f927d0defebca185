//! `GET /v1/settings`: the remote settings of the asking kiosk (its store's
//! and its own), signed by HQ like every `/v1` answer (issue 17).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use vitrine_core::wire::settings::SettingsAnswer;

use crate::Hq;
use crate::http::{AuthDevice, Failure, blocking};
use crate::services::settings;

pub(super) async fn get(
    State(hq): State<Arc<Hq>>,
    AuthDevice(dev): AuthDevice,
) -> Result<Json<SettingsAnswer>, Failure> {
    blocking(move || Ok(Json(settings::answer_for(&hq, &dev)?))).await
}
