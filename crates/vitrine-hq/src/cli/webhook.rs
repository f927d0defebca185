//! `vitrine-hq webhook test|dead|replay|receive`: the order webhook from
//! the operator's side, and its options shared with `serve`.
//!
//! The secret is never an argument (other local users see a process's
//! arguments): a file (`--order-webhook-secret-file`, owner-only) or the
//! `VITRINE_HQ_ORDER_WEBHOOK_SECRET` variable.

use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;
use vitrine_core::webhook::{EventKind, IDEMPOTENCY_HEADER, REPLAY_WINDOW_S, SIGNATURE_HEADER, WebhookEvent, verify};
use vitrine_hq::admin::AdminError;
use vitrine_hq::services::webhooks::{self, Delivery};
use vitrine_hq::{Hq, OrderWebhook, WebhookSecret};

use super::Global;

/// The variable that may carry the secret instead of a file.
const SECRET_VAR: &str = "VITRINE_HQ_ORDER_WEBHOOK_SECRET";

/// The order webhook's options (`serve`, `webhook test`).
#[derive(Debug, Clone, clap::Args)]
pub struct WebhookArgs {
    /// Where every order and status change is POSTed, signed: https://…, or
    /// http:// to a loopback address (README, "Order webhook").
    #[arg(long, env = "VITRINE_HQ_ORDER_WEBHOOK", value_name = "URL")]
    order_webhook: Option<String>,
    /// A file holding the webhook's shared secret (16 characters or more);
    /// else the VITRINE_HQ_ORDER_WEBHOOK_SECRET variable.
    #[arg(long, env = "VITRINE_HQ_ORDER_WEBHOOK_SECRET_FILE", value_name = "FILE")]
    order_webhook_secret_file: Option<PathBuf>,
    /// Seconds a delivery may take before it is tried again later.
    #[arg(long, env = "VITRINE_HQ_ORDER_WEBHOOK_TIMEOUT_S", default_value_t = 10)]
    order_webhook_timeout_s: u64,
    /// Tries before an event becomes a dead letter.
    #[arg(long, env = "VITRINE_HQ_ORDER_WEBHOOK_MAX_ATTEMPTS", default_value_t = 10)]
    order_webhook_max_attempts: u32,
}

fn bad(msg: String) -> anyhow::Error {
    AdminError::Invalid(msg).into()
}

/// The secret from `file`, else the variable.
fn read_secret(file: Option<&Path>, option: &str) -> anyhow::Result<WebhookSecret> {
    let text = match file {
        Some(f) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if let Ok(m) = std::fs::metadata(f)
                    && m.permissions().mode() & 0o077 != 0
                {
                    tracing::warn!(file = %f.display(), "the webhook secret's file is readable by others: chmod 600 it");
                }
            }
            std::fs::read_to_string(f).with_context(|| format!("{option}: cannot read {}", f.display()))?
        }
        None => std::env::var(SECRET_VAR).map_err(|_| {
            bad(format!(
                "the order webhook needs a secret: {option} FILE or {SECRET_VAR}"
            ))
        })?,
    };
    WebhookSecret::new(&text).ok_or_else(|| {
        bad(format!(
            "the order webhook's secret is too short: {} characters or more",
            WebhookSecret::MIN_LEN
        ))
    })
}

/// Whether `url` may receive orders: `https://`, or `http://` to this
/// machine (the demo's receiver, tests).
fn url_ok(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else { return false };
    match u.scheme() {
        "https" => u.host().is_some(),
        "http" => {
            let host = u.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
            host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

impl WebhookArgs {
    /// The webhook's settings, checked; None when no URL is given.
    pub fn config(&self) -> anyhow::Result<Option<OrderWebhook>> {
        let Some(url) = &self.order_webhook else {
            return Ok(None);
        };
        if !url_ok(url) {
            return Err(bad(
                "--order-webhook: an https:// address is needed (http:// only to a loopback address)".into(),
            ));
        }
        if self.order_webhook_timeout_s == 0 || self.order_webhook_max_attempts == 0 {
            return Err(bad(
                "--order-webhook-timeout-s and --order-webhook-max-attempts must be above 0".into(),
            ));
        }
        let secret = read_secret(self.order_webhook_secret_file.as_deref(), "--order-webhook-secret-file")?;
        let mut cfg = OrderWebhook::new(url, secret);
        cfg.timeout = Duration::from_secs(self.order_webhook_timeout_s);
        cfg.max_attempts = self.order_webhook_max_attempts;
        Ok(Some(cfg))
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Send a signed test event to the webhook now and say what it answered.
    Test {
        #[command(flatten)]
        webhook: WebhookArgs,
    },
    /// List the dead letters (events given up after their last try).
    Dead {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Put a dead letter back in the queue (the running server sends it
    /// within a second).
    Replay { id: Uuid },
    /// A small receiver that checks signatures and logs each order (the
    /// demo's; an example for the retailer's own).
    Receive {
        /// Address to listen on, e.g. 127.0.0.1:8089.
        #[arg(long, default_value = "127.0.0.1:8089")]
        listen: String,
        /// The shared secret's file (else VITRINE_HQ_ORDER_WEBHOOK_SECRET).
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
    },
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<()> {
    match a.command {
        Command::Test { webhook } => test(&webhook),
        Command::Dead { limit } => dead(&*g.hq()?, limit),
        Command::Replay { id } => {
            let hq = g.hq()?;
            webhooks::replay(&hq, &id).map_err(|e| bad(e.to_string()))?;
            println!("event {id} is back in the queue");
            Ok(())
        }
        Command::Receive { listen, secret_file } => receive(&listen, secret_file.as_deref()),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn test(w: &WebhookArgs) -> anyhow::Result<()> {
    let cfg = w
        .config()?
        .ok_or_else(|| bad("no webhook: --order-webhook URL (or VITRINE_HQ_ORDER_WEBHOOK)".into()))?;
    let outcome = runtime()?.block_on(webhooks::send_test(&cfg, vitrine_hq::now()))?;
    match outcome {
        Delivery::Delivered { status, .. } => {
            println!("delivered: the webhook answered {status}");
            Ok(())
        }
        Delivery::Failed(why) | Delivery::Refused(why) => Err(anyhow::anyhow!("not delivered: {why}")),
    }
}

fn dead(hq: &Hq, limit: usize) -> anyhow::Result<()> {
    let dead = webhooks::dead_letters(hq, limit)?;
    if dead.is_empty() {
        println!("no dead letters");
    }
    for e in dead {
        let number = serde_json::from_str::<WebhookEvent>(&e.body)
            .ok()
            .and_then(|w| w.order.map(|o| o.number))
            .unwrap_or_default();
        println!(
            "{}  {}  order {}  {} tries  given up {}  {}",
            e.id,
            e.kind,
            number,
            e.attempts,
            e.done_at.map(vitrine_infra::datetime::format_utc).unwrap_or_default(),
            e.last_error.unwrap_or_default()
        );
    }
    Ok(())
}

/// Event ids already processed (the last few thousand): a repeat is
/// answered 200 and not logged again.
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    const KEEP: usize = 10_000;

    /// Whether `id` is new (and remembers it).
    fn first(&mut self, id: &str) -> bool {
        if !self.ids.insert(id.to_string()) {
            return false;
        }
        self.order.push_back(id.to_string());
        if self.order.len() > Self::KEEP
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        true
    }
}

struct Receiver {
    secret: WebhookSecret,
    // std Mutex: held for a set update, never across an await.
    seen: Mutex<Seen>,
}

/// One line per event, for the operator (no contact details).
fn describe(e: &WebhookEvent) -> String {
    let Some(o) = &e.order else {
        return format!("{}  event {}", e.kind.as_str(), e.id);
    };
    match (e.kind, &e.change) {
        (EventKind::OrderStatusChanged, Some(c)) => format!(
            "{}  order {}  store {}  {} -> {}{}  event {}",
            e.kind.as_str(),
            o.number,
            o.store,
            c.from.as_str(),
            c.to.as_str(),
            c.reason.map(|r| format!(" ({})", r.as_str())).unwrap_or_default(),
            e.id
        ),
        _ => format!(
            "{}  order {}  store {}  {} {}  {} lines  total {}  event {}",
            e.kind.as_str(),
            o.number,
            o.store,
            o.channel.as_deref().unwrap_or("-"),
            o.fulfilment.as_deref().unwrap_or("-"),
            o.lines.len(),
            o.total
                .map(|t| format!("{} {}", t.amount_minor, t.currency.code()))
                .unwrap_or_default(),
            e.id
        ),
    }
}

async fn accept(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    let sig = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = verify(r.secret.bytes(), sig, &body, vitrine_hq::now(), REPLAY_WINDOW_S) {
        eprintln!("refused a delivery: {e}");
        return (StatusCode::UNAUTHORIZED, "bad signature\n");
    }
    let Ok(event) = serde_json::from_slice::<WebhookEvent>(&body) else {
        eprintln!("refused a delivery: not an event");
        return (StatusCode::BAD_REQUEST, "not an event\n");
    };
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if key != event.id.to_string() {
        return (StatusCode::BAD_REQUEST, "the idempotency key is not the event's id\n");
    }
    let first = r.seen.lock().unwrap_or_else(|p| p.into_inner()).first(&key);
    // A repeat is said too (not processed again), so the log shows whether
    // HQ delivered an event more than once.
    let line = if first {
        describe(&event)
    } else {
        format!("repeat  event {key}  already logged, not processed again")
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    (StatusCode::OK, "{}")
}

fn receive(listen: &str, secret_file: Option<&Path>) -> anyhow::Result<()> {
    let secret = read_secret(secret_file, "--secret-file")?;
    let receiver = Arc::new(Receiver {
        secret,
        seen: Mutex::new(Seen {
            ids: HashSet::new(),
            order: VecDeque::new(),
        }),
    });
    let app = axum::Router::new()
        .fallback(axum::routing::post(accept))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .with_state(receiver);
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        eprintln!("webhook receiver on http://{}", listener.local_addr()?);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        anyhow::Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_receives_orders() {
        assert!(url_ok("https://oms.example.com/vitrine"));
        assert!(url_ok("http://127.0.0.1:8089/orders"));
        assert!(url_ok("http://[::1]:8089/"));
        assert!(url_ok("http://localhost:8089/"));
        assert!(!url_ok("http://oms.example.com/vitrine"));
        assert!(!url_ok("ftp://127.0.0.1/"));
        assert!(!url_ok("not a url"));
    }

    #[test]
    fn a_repeat_is_seen_once() {
        let mut s = Seen {
            ids: HashSet::new(),
            order: VecDeque::new(),
        };
        assert!(s.first("a"));
        assert!(!s.first("a"));
        assert!(s.first("b"));
    }
}
