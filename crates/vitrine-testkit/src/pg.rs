//! A real PostgreSQL server for the tests, started once per test process
//! from Debian's `postgresql` package (`initdb` and `postgres` under
//! `/usr/lib/postgresql/*/bin`), in a temporary folder, listening on a unix
//! socket only (no TCP port to collide on). Each test takes a database of
//! its own ([`new_database`]).
//!
//! `initdb` and `postgres` refuse to run as root (CI runs as root): then
//! both run as the `postgres` user that the package creates, through
//! `setpriv`. The server dies with the test process (`--pdeathsig`; it is
//! started from a thread that lives as long as the process, since the
//! signal follows the starting thread) and a later run removes the folders
//! of dead runs.
//!
//! [`backend`] reads `VITRINE_TEST_HQ_BACKEND` (`sqlite`, the default, or
//! `postgres`): the HQ starters ([`crate::hq_config`]) put every HQ of a
//! test run on that backend, so `scripts/test.sh` runs HQ's suite on both.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

/// The HQ backend of this test run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// `VITRINE_TEST_HQ_BACKEND`: `postgres`, else SQLite.
pub fn backend() -> TestBackend {
    match std::env::var("VITRINE_TEST_HQ_BACKEND").as_deref() {
        Ok("postgres") | Ok("pg") | Ok("postgresql") => TestBackend::Postgres,
        _ => TestBackend::Sqlite,
    }
}

/// The test process's PostgreSQL server.
pub struct PgServer {
    /// The folder of its socket (`.s.PGSQL.5432`).
    pub socket_dir: PathBuf,
    next_db: AtomicU64,
    /// CREATE DATABASE one at a time (they copy the same template).
    creating: Mutex<()>,
}

impl PgServer {
    /// The connection string of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("host={} port=5432 user=postgres dbname={db}", self.socket_dir.display())
    }
}

static SERVER: OnceLock<PgServer> = OnceLock::new();

/// The server, started at the first call.
pub fn pg_server() -> &'static PgServer {
    SERVER.get_or_init(start)
}

/// A new empty database on the test server; its connection string.
pub fn new_database() -> String {
    // On a thread of its own: the synchronous client cannot run on an
    // async runtime's thread, where tests call this from.
    std::thread::spawn(create_database)
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn create_database() -> String {
    let s = pg_server();
    let _one = s.creating.lock().unwrap_or_else(|p| p.into_inner());
    let name = format!("t{}", s.next_db.fetch_add(1, Ordering::Relaxed));
    let mut c = postgres::Client::connect(&s.url("postgres"), postgres::NoTls).expect("connect to the test PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    s.url(&name)
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (scripts/setup-debian.sh installs the postgresql package)")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .expect("no /usr/lib/postgresql/*/bin/postgres")
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// `program` with `args`, as the `postgres` user when we are root.
fn command(program: &Path, args: &[&str], pdeathsig: bool) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=postgres", "--regid=postgres", "--clear-groups"]);
        if pdeathsig {
            c.arg("--pdeathsig=KILL");
        }
        c.arg(program).args(args);
        c
    } else {
        let mut c = Command::new(program);
        c.args(args);
        c
    }
}

/// Removes the folders of earlier runs whose process is gone.
fn sweep_dead_runs(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("vitrine-pg-")) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn start() -> PgServer {
    let bin = bin_dir();
    let tmp = std::env::temp_dir();
    sweep_dead_runs(&tmp);
    let base = tmp.join(format!("vitrine-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("the test PostgreSQL folder");
    if is_root() {
        let ok = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&base)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "chown the test PostgreSQL folder to postgres");
    }
    let data = base.join("data");
    let data_s = data.to_str().expect("a UTF-8 temporary folder");
    let base_s = base.to_str().expect("a UTF-8 temporary folder");
    let out = command(
        &bin.join("initdb"),
        &[
            "-D",
            data_s,
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "--locale=C",
            "--encoding=UTF8",
        ],
        false,
    )
    .stdout(Stdio::null())
    .output()
    .expect("run initdb");
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let postgres = bin.join("postgres");
    let args: Vec<String> = [
        "-D",
        data_s,
        "-k",
        base_s,
        "-c",
        "listen_addresses=",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=400",
        "-c",
        "shared_buffers=32MB",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let log = std::fs::File::create(base.join("server.log")).expect("the server's log");
    let (tx, rx) = mpsc::channel();
    // The server is this thread's child, and this thread never ends: the
    // server lives as long as the test process (see the module's doc).
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let child = command(&postgres, &args, true)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn();
        match child {
            Ok(mut c) => {
                let _ = tx.send(Ok(()));
                let _ = c.wait();
            }
            Err(e) => {
                let _ = tx.send(Err(e));
            }
        }
        loop {
            std::thread::park();
        }
    });
    rx.recv().expect("the PostgreSQL thread").expect("start postgres");
    let server = PgServer {
        socket_dir: base.clone(),
        next_db: AtomicU64::new(1),
        creating: Mutex::new(()),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match postgres::Client::connect(&server.url("postgres"), postgres::NoTls) {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!(
                "the test PostgreSQL did not start: {e}\n{}",
                std::fs::read_to_string(base.join("server.log")).unwrap_or_default()
            ),
        }
    }
    server
}
