//! The `vitrine-hq` binary driven as an operator would, on a real data dir.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Output, Stdio};

use vitrine_testkit::{enroll_with_code, run_hq, stdout_ok};

fn hq(dir: &Path, args: &[&str]) -> Output {
    run_hq(env!("CARGO_BIN_EXE_vitrine-hq"), dir, args)
}

#[test]
fn import_price_promo_stock_and_devices_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("products.jsonl");
    let mut f = std::fs::File::create(&file).unwrap();
    writeln!(f, r#"{{"gtin14":"05449000039231","name":"Nordic must original"}}"#).unwrap();
    writeln!(f, r#"{{"gtin14":"00000000002220","name":"bad check digit"}}"#).unwrap();
    drop(f);
    let out = stdout_ok(&hq(dir.path(), &["import", file.to_str().unwrap(), "--demo-prices"]));
    assert!(
        out.contains("imported 1 products") && out.contains("skipped 1") && out.contains("version 1"),
        "{out}"
    );
    let out = stdout_ok(&hq(
        dir.path(),
        &["price", "set", "5449000039231", "1.23", "--store", "paris-01"],
    ));
    assert!(out.contains("€1.23") && out.contains("version 2"), "{out}");
    let bad = hq(dir.path(), &["price", "set", "5449000039231", "1,2,3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1.23"));
    let unknown = hq(dir.path(), &["price", "set", "4006381333931", "1"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("import it first"));
    let out = stdout_ok(&hq(
        dir.path(),
        &[
            "promo",
            "add",
            "summer",
            "--percent",
            "20",
            "--gtin",
            "5449000039231",
            "--until",
            "2030-01-01",
        ],
    ));
    assert!(out.contains("version 3"), "{out}");
    let out = stdout_ok(&hq(
        dir.path(),
        &["stock", "set", "5449000039231", "12", "--store", "lyon-02"],
    ));
    assert!(out.contains("version 4"), "{out}");

    let out = stdout_ok(&hq(dir.path(), &["device", "add", "--store", "paris-01"]));
    let last = out.lines().last().unwrap();
    // 16 secret characters then the 12 of HQ's key fingerprint, by fours.
    assert_eq!(last.len(), 34, "the code alone on the last line: {out}");
    assert_eq!(&last[4..5], "-");
    let id = out.split_whitespace().nth(1).unwrap().to_string();
    assert!(id.starts_with("dev-"), "{out}");
    let list = stdout_ok(&hq(dir.path(), &["device", "list"]));
    assert!(list.contains(&id) && list.contains("waiting for enrollment"), "{list}");
    stdout_ok(&hq(dir.path(), &["device", "revoke", &id]));
    let list = stdout_ok(&hq(dir.path(), &["device", "list"]));
    assert!(list.contains("revoked"), "{list}");
    let again = hq(dir.path(), &["device", "revoke", &id]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn stores_get_a_position_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    // A new store needs a name; a position is LAT,LON on the globe.
    let out = hq(
        dir.path(),
        &["store", "set", "annecy-06", "--position", "45.8992,6.1294"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = hq(
        dir.path(),
        &[
            "store",
            "set",
            "annecy-06",
            "--name",
            "Vitrine Annecy",
            "--position",
            "95,6.1",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    stdout_ok(&hq(
        dir.path(),
        &[
            "store",
            "set",
            "annecy-06",
            "--name",
            "Vitrine Annecy",
            "--city",
            "Annecy",
            "--position",
            "45.8992,6.1294",
        ],
    ));
    // A change keeps what it does not name; a west longitude is negative.
    stdout_ok(&hq(
        dir.path(),
        &["store", "set", "annecy-06", "--address", "1 rue Royale"],
    ));
    stdout_ok(&hq(
        dir.path(),
        &[
            "store",
            "set",
            "brest-07",
            "--name",
            "Vitrine Brest",
            "--position",
            "48.3904,-4.4861",
        ],
    ));
    let list = stdout_ok(&hq(dir.path(), &["store", "list"]));
    assert!(
        list.contains("annecy-06  Vitrine Annecy  Annecy  1 rue Royale  45.899200,6.129400"),
        "{list}"
    );
    assert!(
        list.contains("brest-07  Vitrine Brest  -  -  48.390400,-4.486100"),
        "{list}"
    );
    stdout_ok(&hq(dir.path(), &["store", "set", "brest-07", "--no-position"]));
    let list = stdout_ok(&hq(dir.path(), &["store", "list"]));
    assert!(list.contains("brest-07  Vitrine Brest  -  -  -"), "{list}");
}

#[test]
fn serve_listens_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = vitrine_testkit::hq_command(env!("CARGO_BIN_EXE_vitrine-hq"), dir.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--public-url",
            "https://hq.example/",
        ])
        .env("VITRINE_HQ_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut addr = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("listen=").nth(1) {
            addr = Some(rest.split_whitespace().next().unwrap().to_string());
            break;
        }
    }
    let addr = addr.expect("the server logs where it listens");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("http://{addr}/v1/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(body["status"], "ok");
    assert!(dir.path().join("hq-signing.key").exists());
}

#[test]
fn serve_on_port_zero_gives_handoff_links_with_the_port_it_bound() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_ok(&hq(dir.path(), &["device", "add", "--store", "paris-01"]));
    let code = out.lines().last().unwrap().trim().to_string();
    // No --public-url: the default is the address actually bound.
    let mut child = vitrine_testkit::hq_command(env!("CARGO_BIN_EXE_vitrine-hq"), dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("VITRINE_HQ_PUBLIC_URL")
        .env("VITRINE_HQ_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed however the test ends.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    let mut lines = BufReader::new(stderr).lines();
    let serving = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("listen="))
        .expect("the server logs where it listens");
    // The rest of its log is read (and dropped) so that it never writes
    // into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let field = |name: &str| {
        serving
            .split(&format!("{name}="))
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    let addr = field("listen");
    assert!(!addr.ends_with(":0"), "{serving}");
    assert_eq!(field("public"), format!("http://{addr}"), "{serving}");
    let key = vitrine_core::sign::SecretKey::from_seed([5; 32]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = rt.block_on(enroll_with_code(&format!("http://{addr}"), &code, &key));
    // What a kiosk is told and prints in its QR codes.
    assert_eq!(body["public_base_url"], format!("http://{addr}"), "{body}");
}

/// `vitrine-hq staff`: the password comes on standard input (never an
/// argument), is kept as an Argon2 hash only, and the commands say what
/// they did; a short password, a bad name and a duplicate are refused as
/// bad input (exit code 2); the removed shared password stops `serve`.
#[test]
fn staff_accounts_are_managed_with_passwords_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let with_stdin = |args: &[&str], input: &str| {
        let mut c = vitrine_testkit::hq_command(env!("CARGO_BIN_EXE_vitrine-hq"), dir.path())
            .args(args)
            .env("VITRINE_HQ_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    const PW: &str = "a long enough passphrase";
    let out = stdout_ok(&with_stdin(
        &["staff", "add", "camille", "--store", "paris-01"],
        &format!("{PW}\n"),
    ));
    assert!(out.contains("camille added for store paris-01"), "{out}");
    stdout_ok(&with_stdin(
        &["staff", "add", "head.office", "--hq"],
        &format!("{PW}\n"),
    ));
    for (args, input) in [
        (&["staff", "add", "short", "--store", "paris-01"][..], "tiny\n"),
        (
            &["staff", "add", "Bad Name", "--store", "paris-01"][..],
            "a long enough passphrase\n",
        ),
        (
            &["staff", "add", "camille", "--store", "lyon-02"][..],
            "a long enough passphrase\n",
        ),
        (&["staff", "remove", "nobody"][..], ""),
    ] {
        let o = with_stdin(args, input);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
    }
    let list = stdout_ok(&hq(dir.path(), &["staff", "list"]));
    assert!(
        list.contains("camille  paris-01") && list.contains("head.office  (every store)"),
        "{list}"
    );
    let db = if vitrine_testkit::database_for(dir.path()).is_some() {
        vitrine_testkit::db_dump(dir.path()).join("\n").into_bytes()
    } else {
        let mut db = std::fs::read(dir.path().join("hq.sqlite")).unwrap();
        db.extend(std::fs::read(dir.path().join("hq.sqlite-wal")).unwrap_or_default());
        db
    };
    assert!(
        !db.windows(PW.len()).any(|w| w == PW.as_bytes()),
        "the password is stored as a hash only"
    );
    stdout_ok(&hq(dir.path(), &["staff", "remove", "camille"]));
    assert!(!stdout_ok(&hq(dir.path(), &["staff", "list"])).contains("camille"));
    let o = vitrine_testkit::hq_command(env!("CARGO_BIN_EXE_vitrine-hq"), dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("VITRINE_HQ_STAFF_PASSWORD", "secret")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("staff add"), "{o:?}");
}
