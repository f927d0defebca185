//! `vitrine-hq promo add ID …`: a promotion, or a member price.

use vitrine_core::pricing::Tier;
use vitrine_hq::Hq;
use vitrine_hq::admin::{self, AdminError, PromoSpec};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add or replace a promotion (exactly one of --percent, --amount-off, --buy/--pay, --fixed).
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
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
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    let Command::Add(a) = a.command;
    let min_tier = match (a.min_tier, a.members) {
        (Some(t), _) => Some(
            Tier::parse(&t)
                .ok_or_else(|| AdminError::Invalid(format!("--min-tier: \"{t}\" is not member, silver or gold")))?,
        ),
        (None, true) => Some(Tier::Member),
        (None, false) => None,
    };
    let spec = PromoSpec {
        id: a.id.clone(),
        percent: a.percent,
        amount_off: a.amount_off,
        buy_pay: a.buy.zip(a.pay),
        fixed: a.fixed,
        gtins: a.gtins,
        category: a.category,
        brand: a.brand,
        stores: a.stores,
        from: a.from.as_deref().map(admin::parse_time).transpose()?,
        until: a.until.as_deref().map(admin::parse_time).transpose()?,
        coupon: a.coupon,
        min_tier,
    };
    let v = admin::promo_add(hq, &spec)?;
    println!("promotion {} saved; catalog version {v}", a.id);
    Ok(())
}
