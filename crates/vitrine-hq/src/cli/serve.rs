//! `vitrine-hq serve`: HQ's server until Ctrl-C.

use anyhow::Context;
use vitrine_hq::SmtpConfig;
use vitrine_hq::admin::AdminError;

use super::Global;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080.
    #[arg(long, env = "VITRINE_HQ_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The address phones reach HQ at (handoff links); default http:// and
    /// the address bound (with the port the system chose for `:0`).
    #[arg(long, env = "VITRINE_HQ_PUBLIC_URL")]
    public_url: Option<String>,
    /// The app's deep link, {id} replaced by the handoff id (e.g. vitrine://basket/{id}).
    #[arg(long, env = "VITRINE_HQ_APP_DEEP_LINK")]
    app_deep_link: Option<String>,
    /// SMTP relay for confirmations, HOST:PORT (plain SMTP to a relay you run).
    #[arg(long, env = "VITRINE_HQ_SMTP")]
    smtp: Option<String>,
    /// Sender of the confirmation emails.
    #[arg(
        long,
        env = "VITRINE_HQ_SMTP_FROM",
        default_value = "Vitrine <no-reply@vitrine.invalid>"
    )]
    smtp_from: String,
    /// SMS webhook URL (HQ POSTs {"to","text"} as JSON).
    #[arg(long, env = "VITRINE_HQ_SMS_WEBHOOK")]
    sms_webhook: Option<String>,
    #[command(flatten)]
    webhook: super::webhook::WebhookArgs,
    /// Removed (issue 14): the staff pages have one account per person
    /// (`vitrine-hq staff add`). Still read only to refuse to start when
    /// set, so that nobody believes a shared password protects them.
    #[arg(long, env = "VITRINE_HQ_STAFF_PASSWORD", hide = true, hide_env_values = true)]
    staff_password: Option<String>,
    /// Requests per minute and kiosk.
    #[arg(long, env = "VITRINE_HQ_RATE_PER_MINUTE", default_value_t = 600)]
    rate_per_minute: u32,
    /// Enrollment attempts per minute and client address (all clients
    /// together: six times that). Behind a reverse proxy every attempt is
    /// the proxy's address.
    #[arg(long, env = "VITRINE_HQ_ENROLL_PER_MINUTE", default_value_t = 10)]
    enroll_per_minute: u32,
    /// Staff login attempts per minute and client address (all together:
    /// ten times that); an account is also locked after 10 wrong passwords
    /// in a row, for 15 minutes.
    #[arg(long, env = "VITRINE_HQ_LOGIN_PER_MINUTE", default_value_t = 10)]
    login_per_minute: u32,
    /// Largest request body in bytes (larger: 413).
    #[arg(long, env = "VITRINE_HQ_MAX_BODY_BYTES", default_value_t = 65_536)]
    max_body_bytes: usize,
    /// Catalog versions whose changes are kept for deltas (older cursors get a snapshot).
    #[arg(long, env = "VITRINE_HQ_KEEP_VERSIONS", default_value_t = 10_000)]
    keep_versions: u64,
    /// Hours a signed catalog update stays valid: kiosks refuse it after
    /// (a captured update cannot be replayed later).
    #[arg(long, env = "VITRINE_HQ_UPDATE_VALID_HOURS", default_value_t = 168)]
    update_valid_hours: i64,
    /// Hours between the thank-you email and the satisfaction survey.
    #[arg(long, env = "VITRINE_HQ_SURVEY_DELAY_HOURS", default_value_t = 24)]
    survey_delay_hours: i64,
    /// Days the survey's coupon stays valid.
    #[arg(long, env = "VITRINE_HQ_COUPON_VALID_DAYS", default_value_t = 30)]
    coupon_valid_days: i64,
    /// Open connections at most, all clients together. Default: the
    /// process's open-file limit (which HQ raises to its hard limit) less a
    /// reserve; a lower number is kept below it too. Every kiosk holds a
    /// push stream open, so this bounds the kiosks one replica can serve,
    /// including those of a replica that went down.
    #[arg(long, env = "VITRINE_HQ_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Open connections at most from one client address (0: no cap). Behind
    /// a reverse proxy every connection is the proxy's: set its pool size.
    #[arg(long, env = "VITRINE_HQ_MAX_CONNECTIONS_PER_IP", default_value_t = 128)]
    max_connections_per_ip: usize,
    /// Seconds a connection may take to send a request head (after it
    /// connects, or after its last answer) before HQ closes it.
    #[arg(long, env = "VITRINE_HQ_HEADER_READ_TIMEOUT_S", default_value_t = 10)]
    header_read_timeout_s: u64,
    /// Seconds a request may take to arrive and be answered (408 after).
    #[arg(long, env = "VITRINE_HQ_REQUEST_TIMEOUT_S", default_value_t = 60)]
    request_timeout_s: u64,
    /// The retailer's name on the phone page.
    #[arg(long, env = "VITRINE_HQ_RETAILER_NAME", default_value = "Vitrine")]
    retailer_name: String,
    /// The retailer's colour on the phone page (#rrggbb).
    #[arg(long, env = "VITRINE_HQ_BRAND_COLOUR", default_value = "#0b3d91")]
    brand_colour: String,
    /// The retailer's logo on the phone page (an SVG or PNG file).
    #[arg(long, env = "VITRINE_HQ_LOGO")]
    logo: Option<std::path::PathBuf>,
    /// Home delivery fee, in the currency's major units (e.g. 4.90).
    #[arg(long, env = "VITRINE_HQ_DELIVERY_FEE", default_value = "4.90")]
    delivery_fee: String,
    /// Baskets of at least this total are delivered free ("none": never).
    #[arg(long, env = "VITRINE_HQ_FREE_DELIVERY_FROM", default_value = "50.00")]
    free_delivery_from: String,
    /// Days before the coupon's end that the reminder is sent.
    #[arg(long, env = "VITRINE_HQ_REMINDER_DAYS_BEFORE", default_value_t = 3)]
    reminder_days_before: i64,
    /// A file holding the bearer token `/metrics` asks for (one line; keep
    /// it owner-only). Without it, `/metrics` answers HQ's own machine only.
    #[arg(long, env = "VITRINE_HQ_METRICS_TOKEN_FILE", value_name = "FILE")]
    metrics_token_file: Option<std::path::PathBuf>,
}

/// The token in `path`: its first line, at least 16 characters.
fn read_metrics_token(path: &std::path::Path) -> anyhow::Result<vitrine_hq::metrics::MetricsToken> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--metrics-token-file {}: cannot read it", path.display()))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.len() < 16 || !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AdminError::Invalid(format!(
            "--metrics-token-file {}: its first line must be a token of at least 16 printable characters",
            path.display()
        ))
        .into());
    }
    Ok(vitrine_hq::metrics::MetricsToken(token))
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<()> {
    let mut config = g.config()?;
    // Bound first: without --public-url, handoff links name the address
    // actually bound (the port the system chose for `:0`).
    let std_listener =
        std::net::TcpListener::bind(&a.listen).with_context(|| format!("cannot listen on {}", a.listen))?;
    let bound = std_listener.local_addr()?;
    config.public_base_url = a
        .public_url
        .clone()
        .unwrap_or_else(|| vitrine_hq::default_public_url(bound))
        .trim_end_matches('/')
        .to_string();
    config.app_deep_link = a.app_deep_link.clone();
    config.smtp = match &a.smtp {
        Some(s) => {
            let (host, port) = s
                .rsplit_once(':')
                .and_then(|(h, p)| p.parse::<u16>().ok().map(|p| (h.to_string(), p)))
                .ok_or_else(|| AdminError::Invalid(format!("--smtp: expected HOST:PORT, found \"{s}\"")))?;
            Some(SmtpConfig {
                host,
                port,
                from: a.smtp_from.clone(),
            })
        }
        None => None,
    };
    config.sms_webhook = a.sms_webhook.clone();
    config.order_webhook = a.webhook.config()?;
    if a.staff_password.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(AdminError::Invalid(
            "--staff-password / VITRINE_HQ_STAFF_PASSWORD was removed: the staff pages have one account per person now; create them with `vitrine-hq staff add NAME --store STORE` (or --hq) and unset it".into(),
        )
        .into());
    }
    config.rate_per_minute = a.rate_per_minute;
    config.enroll_per_minute = a.enroll_per_minute.max(1);
    config.login_per_minute = a.login_per_minute.max(1);
    config.max_body_bytes = a.max_body_bytes;
    config.keep_versions = a.keep_versions;
    config.update_valid_hours = a.update_valid_hours.max(1);
    if a.max_connections == Some(0) || a.header_read_timeout_s == 0 || a.request_timeout_s == 0 {
        return Err(AdminError::Invalid(
            "--max-connections, --header-read-timeout-s and --request-timeout-s must be above 0".into(),
        )
        .into());
    }
    config.max_connections = a.max_connections.unwrap_or(usize::MAX);
    config.max_connections_per_ip = a.max_connections_per_ip;
    config.header_read_timeout = std::time::Duration::from_secs(a.header_read_timeout_s);
    config.request_timeout = std::time::Duration::from_secs(a.request_timeout_s);
    if a.survey_delay_hours < 0 || a.coupon_valid_days < 1 || a.reminder_days_before < 0 {
        return Err(AdminError::Invalid(
            "--survey-delay-hours and --reminder-days-before must be 0 or more, --coupon-valid-days 1 or more".into(),
        )
        .into());
    }
    config.survey.survey_delay_s = a.survey_delay_hours * 3600;
    config.survey.coupon_valid_days = a.coupon_valid_days;
    config.survey.reminder_days_before = a.reminder_days_before;
    config.shop.retailer_name = a.retailer_name.trim().to_string();
    let c = a.brand_colour.trim();
    if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())) {
        return Err(AdminError::Invalid(format!("--brand-colour: expected #rrggbb, found \"{c}\"")).into());
    }
    config.shop.colour = c.to_string();
    if let Some(path) = &a.logo {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read the logo {}", path.display()))?;
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            _ => return Err(AdminError::Invalid("--logo: an .svg or .png file".into()).into()),
        };
        config.shop.logo = Some((bytes, kind.to_string()));
    }
    let money = |flag: &str, v: &str| {
        vitrine_core::Money::parse_major(v, config.currency)
            .map(|m| m.amount_minor)
            .map_err(|e| AdminError::Invalid(format!("{flag}: {e}")))
    };
    config.shop.delivery_fee_minor = money("--delivery-fee", &a.delivery_fee)?;
    config.shop.free_delivery_from_minor = if a.free_delivery_from.trim() == "none" {
        None
    } else {
        Some(money("--free-delivery-from", &a.free_delivery_from)?)
    };
    config.metrics_token = a.metrics_token_file.as_deref().map(read_metrics_token).transpose()?;
    let hq = g.open(config)?;
    std_listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        tracing::info!(listen = %listener.local_addr()?, public = %hq.config.public_base_url, "HQ serving");
        vitrine_hq::serve(listener, hq, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        anyhow::Ok(())
    })
}
