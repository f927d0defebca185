//! `vitrine identify TOKEN_OR_CODE`: who a loyalty token, card, phone or
//! email names, as the kiosk would recognise them.

use std::io::Write;

use serde_json::json;
use vitrine_i18n::{Text, text, tr};

use super::output::{self, EXIT_FAILURE, EXIT_INVALID, EXIT_NOT_FOUND, Exit};
use crate::clock;
use crate::config::LoadedConfig;
use crate::customer::IdentifyError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The token (`VTL1.…`), a card number, a phone number or an email.
    #[arg(value_name = "TOKEN_OR_CODE")]
    input: String,
    #[arg(long)]
    json: bool,
}

/// Labels padded to one 14-character column whatever the language.
const LABEL_WIDTH: usize = 14;

pub fn run(cfg: &LoadedConfig, args: &Args, out: &mut dyn Write) -> Result<(), Exit> {
    let dir = cfg.config.kiosk.data_dir.clone();
    let ob = crate::sync::Outbox::open(&dir)?;
    let timeout = crate::sync::SyncSettings::from_config(&cfg.config).request_timeout;
    let lang = cfg.lang();
    let rt = output::runtime()?;
    let result = rt.block_on(crate::customer::identify(&ob, &args.input, clock::now(), timeout));
    let id = match result {
        Ok(id) => id,
        Err(e) => {
            let code = match &e {
                IdentifyError::Unknown => EXIT_NOT_FOUND,
                e if e.is_retryable() => EXIT_FAILURE,
                _ => EXIT_INVALID,
            };
            if args.json {
                output::print_json(
                    out,
                    &json!({
                        "identified": false,
                        "reason": e.to_string(),
                        "message": e.text().render(lang),
                    }),
                )?;
            }
            return Err(Exit::new(code, refusal(&e)));
        }
    };
    if args.json {
        return output::print_json(
            out,
            &json!({
                "identified": true,
                "customer_id": id.customer.customer_id,
                "first_name": id.customer.first_name,
                "tier": id.tier,
                "consent": id.consent,
                "masked": id.customer.masked_identifier,
                "offers": id.offers.iter().filter_map(|p| p.coupon_code.clone()).collect::<Vec<_>>(),
                "via": format!("{:?}", id.via),
            }),
        );
    }
    let line = |out: &mut dyn Write, label: String, value: &str| output::row(out, LABEL_WIDTH, &label, value);
    line(out, tr!(lang, "cli-identify-first-name"), &id.customer.first_name)?;
    let tier = id
        .tier
        .map(|t| vitrine_i18n::domain::tier(t).render(lang))
        .unwrap_or_else(|| "-".into());
    line(out, tr!(lang, "cli-identify-tier"), &tier)?;
    let consent = if id.consent {
        tr!(lang, "cli-identify-consent-yes")
    } else {
        tr!(lang, "cli-identify-consent-no")
    };
    line(out, tr!(lang, "cli-identify-consent"), &consent)?;
    line(out, tr!(lang, "cli-identify-offers"), &id.offers.len().to_string())
}

/// Why the input identifies no one: the sentence the kiosk shows, and the
/// technical detail for store staff (which check failed, HQ's answer).
fn refusal(e: &IdentifyError) -> Text {
    text!("cli-identify-refused", reason = e.text(), detail = e.to_string())
}
