//! `vitrine-hq staff add|remove|passwd|list|audit`: the staff accounts of
//! the orders pages. A password is never an argument (other local users
//! see a process's arguments): it is asked on the terminal without echo,
//! or read as the first line of standard input when that is not a
//! terminal (scripts).

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use vitrine_hq::Hq;
use vitrine_hq::admin::AdminError;
use vitrine_hq::services::ServiceError;
use vitrine_hq::services::staff;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Add a person's account: for one store (--store), or for every store (--hq).
    Add {
        name: String,
        #[arg(long, conflicts_with = "hq", required_unless_present = "hq")]
        store: Option<String>,
        /// HQ's role: every store's orders.
        #[arg(long)]
        hq: bool,
    },
    /// Remove an account (its sessions end at once).
    Remove { name: String },
    /// Set a new password (lifts a lockout, ends the account's sessions).
    Passwd { name: String },
    /// List the accounts.
    List,
    /// The latest order status changes and who made them.
    Audit {
        #[arg(long)]
        store: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// A service refusal the operator caused is bad input (exit code 2).
fn operator(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(m) | ServiceError::NotFound(m) | ServiceError::Conflict(m) => {
            AdminError::Invalid(m).into()
        }
        e => e.into(),
    }
}

/// The new password: twice on a terminal (no echo), else one line of stdin.
fn read_password(name: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let term = console::Term::stderr();
        term.write_line(&format!(
            "New password for {name} ({} characters or more):",
            staff::MIN_PASSWORD_CHARS
        ))?;
        let a = term.read_secure_line().context("reading the password")?;
        term.write_line("Again:")?;
        let b = term.read_secure_line().context("reading the password")?;
        if a != b {
            return Err(AdminError::Invalid("the two passwords differ".into()).into());
        }
        Ok(a)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

pub fn run(a: Args, hq: &Hq) -> anyhow::Result<()> {
    match a.command {
        Command::Add { name, store, hq: _ } => {
            staff::check_name(&name).map_err(operator)?;
            let password = read_password(&name)?;
            let account = staff::add(hq, &name, store.as_deref(), &password).map_err(operator)?;
            match &account.store {
                Some(s) => println!("staff account {name} added for store {s}"),
                None => println!("staff account {name} added for every store (HQ)"),
            }
            // The command does not know the address `serve` was given.
            println!("log in at /staff/login on HQ's public address (serve --public-url)");
        }
        Command::Remove { name } => {
            staff::remove(hq, &name).map_err(operator)?;
            println!("staff account {name} removed");
        }
        Command::Passwd { name } => {
            let password = read_password(&name)?;
            staff::set_password(hq, &name, &password).map_err(operator)?;
            println!("password of {name} changed; its sessions ended");
        }
        Command::List => {
            let now = hq.now();
            for s in hq.storage.staff_accounts()? {
                let locked = if s.locked_until > now { "  locked" } else { "" };
                println!("{}  {}{locked}", s.name, s.store.as_deref().unwrap_or("(every store)"));
            }
        }
        Command::Audit { store, limit } => {
            for e in hq.storage.order_audit(store.as_deref(), limit.clamp(1, 10_000))? {
                println!(
                    "{}  {}  order {} ({})  {} -> {}  by {}",
                    vitrine_infra::datetime::format_utc(e.at),
                    e.store,
                    e.order_number,
                    e.order_id,
                    e.from.as_str(),
                    e.to.as_str(),
                    e.staff
                );
            }
        }
    }
    Ok(())
}
