//! The `vitrine-hq` binary: HQ's server and its administration commands.
//!
//! Exit codes: 0 success, 1 failure (database, network), 2 bad input.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use vitrine_hq::admin::{self, AdminError, PromoSpec};
use vitrine_hq::customers::{self, CustomerError, NewCustomer};
use vitrine_hq::{Hq, HqConfig, SmtpConfig};
use vitrine_i18n::MoneyText;

#[derive(Debug, Parser)]
#[command(
    name = "vitrine-hq",
    version,
    about = "Vitrine HQ: referential, kiosk API, handoffs, click&collect"
)]
struct Cli {
    /// Folder of HQ's database and signing key.
    #[arg(
        long,
        global = true,
        env = "VITRINE_HQ_DATA_DIR",
        default_value = "hq-data",
        value_name = "DIR"
    )]
    data_dir: PathBuf,
    /// The loyalty card number range: the first digits of a card's EAN-13
    /// (GS1 restricted circulation, 040-049).
    #[arg(long, global = true, env = "VITRINE_HQ_CARD_PREFIX", default_value = vitrine_core::loyalty::DEFAULT_CARD_PREFIX)]
    card_prefix: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HQ server.
    Serve(ServeArgs),
    /// Import the referential's JSONL file (one catalog version).
    Import {
        file: PathBuf,
        /// Also generate the seeded demo prices, stock and promotions (not real prices).
        #[arg(long)]
        demo_prices: bool,
    },
    /// Prices.
    Price {
        #[command(subcommand)]
        command: PriceCommand,
    },
    /// Promotions.
    Promo {
        #[command(subcommand)]
        command: PromoCommand,
    },
    /// Stock.
    Stock {
        #[command(subcommand)]
        command: StockCommand,
    },
    /// Kiosks.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Customers (the customer referential).
    Customer {
        #[command(subcommand)]
        command: CustomerCommand,
    },
    /// Loyalty tokens (what the retailer's app shows as a QR code).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The catalog version and counts.
    Status,
}

#[derive(Debug, Subcommand)]
enum CustomerCommand {
    /// Add a customer; prints the customer id alone on the last line.
    Add {
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Loyalty tier: member, silver or gold.
        #[arg(long)]
        tier: Option<String>,
        /// Loyalty card number (13 digits in the retailer's card range).
        #[arg(long)]
        card: Option<String>,
        /// The customer consents to personalisation (member prices, personal offers).
        #[arg(long)]
        consent: bool,
    },
    /// Show what HQ holds about a customer (never a contact detail).
    Show { id: String },
    /// Erase a customer's personal data (right to erasure).
    Forget { id: String },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Issue a short-lived loyalty token; prints it alone on the last line.
    Issue { customer_id: String },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
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
    /// Password of the staff orders pages (/staff/STORE/orders).
    #[arg(long, env = "VITRINE_HQ_STAFF_PASSWORD", hide_env_values = true)]
    staff_password: Option<String>,
    /// Requests per minute and kiosk.
    #[arg(long, env = "VITRINE_HQ_RATE_PER_MINUTE", default_value_t = 600)]
    rate_per_minute: u32,
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
    /// Days before the coupon's end that the reminder is sent.
    #[arg(long, env = "VITRINE_HQ_REMINDER_DAYS_BEFORE", default_value_t = 3)]
    reminder_days_before: i64,
}

#[derive(Debug, Subcommand)]
enum PriceCommand {
    /// Set a price: AMOUNT in major units (1.23); national unless --store.
    Set {
        gtin: String,
        amount: String,
        #[arg(long)]
        store: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PromoCommand {
    /// Add or replace a promotion (exactly one of --percent, --amount-off, --buy/--pay, --fixed).
    Add {
        id: String,
        #[arg(long)]
        percent: Option<String>,
        #[arg(long)]
        amount_off: Option<String>,
        #[arg(long, requires = "pay")]
        buy: Option<u32>,
        #[arg(long, requires = "buy")]
        pay: Option<u32>,
        #[arg(long)]
        fixed: Option<String>,
        /// Products it applies to (repeat); else --category, --brand, or every product.
        #[arg(long = "gtin")]
        gtins: Vec<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        brand: Option<String>,
        /// Stores where it applies (repeat); none: every store.
        #[arg(long = "store")]
        stores: Vec<String>,
        /// First day (2026-12-01) or Unix time.
        #[arg(long)]
        from: Option<String>,
        /// Day it ends (exclusive) or Unix time.
        #[arg(long)]
        until: Option<String>,
        /// Coupon code that must be scanned.
        #[arg(long)]
        coupon: Option<String>,
        /// A member price: only for identified customers who consented, of
        /// this tier or above (member, silver or gold).
        #[arg(long, value_name = "TIER", conflicts_with = "members")]
        min_tier: Option<String>,
        /// A member price for every tier (the same as --min-tier member).
        #[arg(long)]
        members: bool,
    },
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    /// Set the units of a product at a store (or "online").
    Set {
        gtin: String,
        quantity: i64,
        #[arg(long)]
        store: String,
    },
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    /// Register a kiosk for a store; prints its one-time enrollment code alone on the last line.
    Add {
        #[arg(long)]
        store: String,
    },
    /// Cut a kiosk off (its token stops working at once).
    Revoke { id: String },
    /// List the kiosks.
    List,
}

fn main() -> ExitCode {
    vitrine_infra::logging::init("VITRINE_HQ_LOG", "info");
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine-hq: {e:#}");
            let invalid = e
                .downcast_ref::<AdminError>()
                .is_some_and(|a| matches!(a, AdminError::Invalid(_)))
                || e.downcast_ref::<CustomerError>()
                    .is_some_and(|c| matches!(c, CustomerError::Invalid(_) | CustomerError::NotFound(_)));
            ExitCode::from(if invalid { 2 } else { 1 })
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = HqConfig::new(&cli.data_dir);
    if cli.card_prefix.is_empty() || cli.card_prefix.len() > 8 || !cli.card_prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AdminError::Invalid(format!(
            "--card-prefix: 1 to 8 digits expected, found \"{}\"",
            cli.card_prefix
        ))
        .into());
    }
    config.card_prefix = cli.card_prefix.clone();
    let mut listener = None;
    if let Command::Serve(a) = &cli.command {
        // Bound first: without --public-url, handoff links name the address
        // actually bound (the port the system chose for `:0`).
        let l = std::net::TcpListener::bind(&a.listen).with_context(|| format!("cannot listen on {}", a.listen))?;
        let bound = l.local_addr()?;
        listener = Some(l);
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
        config.staff_password = a.staff_password.clone().filter(|p| !p.is_empty());
        config.rate_per_minute = a.rate_per_minute;
        config.max_body_bytes = a.max_body_bytes;
        config.keep_versions = a.keep_versions;
        config.update_valid_hours = a.update_valid_hours.max(1);
        if a.survey_delay_hours < 0 || a.coupon_valid_days < 1 || a.reminder_days_before < 0 {
            return Err(AdminError::Invalid(
                "--survey-delay-hours and --reminder-days-before must be 0 or more, --coupon-valid-days 1 or more"
                    .into(),
            )
            .into());
        }
        config.survey.survey_delay_s = a.survey_delay_hours * 3600;
        config.survey.coupon_valid_days = a.coupon_valid_days;
        config.survey.reminder_days_before = a.reminder_days_before;
    }
    let hq = Hq::open(config).with_context(|| format!("opening HQ in {}", cli.data_dir.display()))?;
    match cli.command {
        Command::Serve(a) => {
            let std_listener = listener.with_context(|| format!("cannot listen on {}", a.listen))?;
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
            })?;
        }
        Command::Import { file, demo_prices } => {
            let f = std::fs::File::open(&file)
                .map_err(|e| AdminError::Invalid(format!("cannot read {}: {e}", file.display())))?;
            let seed = demo_prices.then_some(vitrine_core::demo::DEMO_SEED);
            let r = admin::import(&hq, BufReader::with_capacity(1 << 20, f), seed)?;
            println!(
                "imported {} products ({} changes), skipped {}; catalog version {}",
                r.imported, r.changes, r.skipped, r.catalog_version
            );
            for ex in &r.skipped_examples {
                println!("  skipped {ex}");
            }
        }
        Command::Price {
            command: PriceCommand::Set { gtin, amount, store },
        } => {
            let (v, price) = admin::price_set(&hq, &gtin, &amount, store.as_deref())?;
            println!(
                "price of {gtin} set to {} ({}); catalog version {v}",
                price.format(vitrine_core::Lang::En),
                store.as_deref().unwrap_or("national")
            );
        }
        Command::Promo {
            command:
                PromoCommand::Add {
                    id,
                    percent,
                    amount_off,
                    buy,
                    pay,
                    fixed,
                    gtins,
                    category,
                    brand,
                    stores,
                    from,
                    until,
                    coupon,
                    min_tier,
                    members,
                },
        } => {
            let min_tier = match (min_tier, members) {
                (Some(t), _) => Some(vitrine_core::pricing::Tier::parse(&t).ok_or_else(|| {
                    AdminError::Invalid(format!("--min-tier: \"{t}\" is not member, silver or gold"))
                })?),
                (None, true) => Some(vitrine_core::pricing::Tier::Member),
                (None, false) => None,
            };
            let spec = PromoSpec {
                id: id.clone(),
                percent,
                amount_off,
                buy_pay: buy.zip(pay),
                fixed,
                gtins,
                category,
                brand,
                stores,
                from: from.as_deref().map(admin::parse_time).transpose()?,
                until: until.as_deref().map(admin::parse_time).transpose()?,
                coupon,
                min_tier,
            };
            let v = admin::promo_add(&hq, &spec)?;
            println!("promotion {id} saved; catalog version {v}");
        }
        Command::Stock {
            command: StockCommand::Set { gtin, quantity, store },
        } => {
            let v = admin::stock_set(&hq, &gtin, quantity, &store)?;
            println!("stock of {gtin} at {store} set to {quantity}; catalog version {v}");
        }
        Command::Device {
            command: DeviceCommand::Add { store },
        } => {
            let (id, code) = admin::device_add(&hq, &store)?;
            println!(
                "device {id} for store {store}; enroll it within {} hours with:",
                hq.config.code_valid_hours
            );
            println!("  vitrine enroll --hq URL --code {code}");
            println!("{code}");
        }
        Command::Device {
            command: DeviceCommand::Revoke { id },
        } => {
            admin::device_revoke(hq.storage.as_ref(), &id)?;
            println!("device {id} revoked");
        }
        Command::Device {
            command: DeviceCommand::List,
        } => {
            for d in hq.storage.devices()? {
                let state = if d.revoked_at.is_some() {
                    "revoked"
                } else if d.enrolled_at.is_some() {
                    "enrolled"
                } else {
                    "waiting for enrollment"
                };
                println!("{}  {}  {}  {}", d.id, d.store, state, d.name.unwrap_or_default());
            }
        }
        Command::Customer {
            command:
                CustomerCommand::Add {
                    first_name,
                    email,
                    phone,
                    tier,
                    card,
                    consent,
                },
        } => {
            let tier = tier
                .as_deref()
                .map(|t| {
                    vitrine_core::pricing::Tier::parse(t)
                        .ok_or_else(|| CustomerError::Invalid(format!("--tier: \"{t}\" is not member, silver or gold")))
                })
                .transpose()?;
            let id = customers::add(
                &hq,
                &NewCustomer {
                    first_name,
                    email,
                    phone,
                    card,
                    tier,
                    consent,
                },
            )?;
            println!("customer added (contact details stored only as keyed hashes)");
            println!("{id}");
        }
        Command::Customer {
            command: CustomerCommand::Show { id },
        } => {
            let c = customers::get(&hq, &id)?;
            println!("id           {}", c.id);
            println!("first name   {}", c.first_name.as_deref().unwrap_or("(forgotten)"));
            println!(
                "tier         {}",
                c.tier
                    .map(|t| vitrine_i18n::domain::tier(t).render(vitrine_core::Lang::En))
                    .unwrap_or_else(|| "-".into())
            );
            println!("consent      {}", if c.consent { "yes" } else { "no" });
            println!(
                "identifiers  {}",
                if c.identifiers.is_empty() {
                    "-".to_string()
                } else {
                    c.identifiers.join(", ")
                }
            );
            if let Some(at) = c.forgotten_at {
                println!("forgotten at {at}");
            }
            for coupon in hq.storage.live_coupons(&c.id, hq.now())? {
                println!(
                    "coupon       {} {} % until {}",
                    coupon.code,
                    coupon.basis_points / 100,
                    coupon.valid_until
                );
            }
        }
        Command::Customer {
            command: CustomerCommand::Forget { id },
        } => {
            customers::forget(&hq, &id)?;
            println!("customer {id} forgotten: first name, identifiers and contact details erased");
        }
        Command::Token {
            command: TokenCommand::Issue { customer_id },
        } => {
            let t = customers::issue_token(&hq, &customer_id)?;
            println!(
                "loyalty token for {customer_id}, valid {} minutes:",
                vitrine_core::loyalty::TOKEN_LIFETIME_S / 60
            );
            println!("{t}");
        }
        Command::Status => {
            println!("catalog version  {}", hq.storage.current_version()?);
            println!("devices          {}", hq.storage.devices()?.len());
            println!("public key       {}", hq.key.public().to_text());
        }
    }
    Ok(())
}
