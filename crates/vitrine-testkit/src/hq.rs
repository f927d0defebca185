//! The real HQ server on loopback, and what tests do with it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use vitrine_core::Gtin;
use vitrine_core::catalog::Change;
use vitrine_core::product::Product;
use vitrine_core::sign::SecretKey;
use vitrine_hq::{Hq, HqConfig, admin};

/// A running HQ. Dropping it stops the server.
pub struct HqServer {
    pub hq: Arc<Hq>,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The data folder, when the server owns it ([`start_hq_in_temp_dir`]).
    _temp: Option<tempfile::TempDir>,
}

impl HqServer {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address of `path` (`/v1/health`) on this server.
    pub fn at(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server (connections closed, port freed).
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
    }
}

impl Drop for HqServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// The databases of this test run's HQs by data folder (PostgreSQL runs):
/// an HQ reopened on a folder, and the `vitrine-hq` commands run on it
/// ([`run_hq`]), find the same database.
static DATABASES: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());

/// The database of the HQ in `data_dir` on this run's backend
/// ([`crate::backend`]): None for SQLite (`hq.sqlite` in the folder), else
/// a new database on the test PostgreSQL server the first time.
pub fn database_for(data_dir: &Path) -> Option<String> {
    if crate::backend() == crate::TestBackend::Sqlite {
        return None;
    }
    let mut dbs = DATABASES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, url)) = dbs.iter().find(|(d, _)| d == data_dir) {
        return Some(url.clone());
    }
    let url = crate::new_database();
    dbs.push((data_dir.to_path_buf(), url.clone()));
    Some(url)
}

/// HQ's default configuration over `data_dir` on this run's backend: what
/// tests open HQ with (`Hq::open(hq_config(dir))`), so every HQ test runs
/// on SQLite and, with `VITRINE_TEST_HQ_BACKEND=postgres`, on PostgreSQL.
pub fn hq_config(data_dir: &Path) -> HqConfig {
    let mut cfg = HqConfig::new(data_dir);
    cfg.database = database_for(data_dir);
    cfg
}

/// Starts HQ on `bind` (`127.0.0.1:0` for a new port) over `data_dir`: its
/// public address is where it listens, and it looks for catalog versions
/// written by other processes (the `vitrine-hq` commands) every 50 ms.
/// `tweak` changes the configuration before HQ opens.
pub async fn start_hq_at(data_dir: &Path, bind: &str, tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let listener = TcpListener::bind(bind).await.expect("bind HQ");
    let addr = listener.local_addr().expect("HQ's address");
    let mut cfg = hq_config(data_dir);
    cfg.public_base_url = format!("http://{addr}");
    cfg.version_poll = Duration::from_millis(50);
    tweak(&mut cfg);
    serve_hq(listener, Hq::open(cfg).expect("open HQ"))
}

/// Serves an HQ a test built itself (e.g. over a storage it keeps a handle
/// on) on `listener`.
pub fn serve_hq(listener: TcpListener, hq: Arc<Hq>) -> HqServer {
    let addr = listener.local_addr().expect("HQ's address");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(vitrine_hq::serve(listener, hq.clone(), async {
        let _ = rx.await;
    }));
    HqServer {
        data_dir: hq.config.data_dir.clone(),
        hq,
        addr,
        stop: Some(tx),
        task: Some(task),
        _temp: None,
    }
}

/// HQ on a new port with the repository's demo referential imported (real
/// products and books, demo prices), unless `data_dir` already has a catalog.
pub async fn start_hq(data_dir: &Path, tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let s = start_hq_at(data_dir, "127.0.0.1:0", tweak).await;
    if s.hq.storage.current_version().expect("HQ's catalog version") == 0 {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
        let mut text = std::fs::read_to_string(demo.join("products.jsonl")).expect("demo products");
        text.push('\n');
        text.push_str(&std::fs::read_to_string(demo.join("books.jsonl")).expect("demo books"));
        admin::import(&s.hq, text.as_bytes(), Some(vitrine_core::demo::DEMO_SEED))
            .expect("import the demo referential");
    }
    s
}

/// An empty HQ on a new port, in a temporary folder that lives as long as
/// the server.
pub async fn start_hq_in_temp_dir(tweak: impl FnOnce(&mut HqConfig)) -> HqServer {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut s = start_hq_at(dir.path(), "127.0.0.1:0", tweak).await;
    s._temp = Some(dir);
    s
}

/// Commits `products` (GTIN digits and name) with the demo generator's
/// prices and stock as one catalog version.
pub fn commit_products(hq: &Hq, products: &[(&str, &str)], extra: Vec<Change>) -> u64 {
    let products: Vec<Product> = products
        .iter()
        .map(|(g, n)| Product::new(Gtin::from_digits(g).expect("a valid GTIN"), *n))
        .collect();
    let mut changes: Vec<Change> = products.iter().cloned().map(Change::UpsertProduct).collect();
    changes.extend(vitrine_core::demo::demo_changes(&products, 1, 1_700_000_000));
    changes.extend(extra);
    hq.commit(&changes, None).expect("commit the catalog")
}

/// A kiosk as HQ enrolled it: the device id and bearer token HQ gave, the
/// key it signs with.
#[derive(Clone)]
pub struct EnrolledKiosk {
    pub id: String,
    pub token: String,
    pub key: SecretKey,
    pub store: String,
}

/// Enrolls a kiosk over HTTP as a real one does: a one-time code from
/// `vitrine-hq device add`, then `POST /v1/enroll` with a key made from `seed`.
pub async fn enroll_kiosk(s: &HqServer, store: &str, seed: u8) -> EnrolledKiosk {
    let (_, code) = admin::device_add(&s.hq, store).expect("add a device");
    let key = SecretKey::from_seed([seed; 32]);
    let v = enroll_with_code(&s.url(), &code, &key).await;
    EnrolledKiosk {
        id: v["device_id"].as_str().expect("device_id").into(),
        token: v["token"].as_str().expect("token").into(),
        key,
        store: store.into(),
    }
}

/// `POST {base_url}/v1/enroll` with `code` and `key`'s public half; HQ's
/// answer (it must be 200).
pub async fn enroll_with_code(base_url: &str, code: &str, key: &SecretKey) -> serde_json::Value {
    let resp = reqwest::Client::new()
        .post(format!("{base_url}/v1/enroll"))
        .json(&serde_json::json!({"code": code, "device_public_key": key.public().to_text()}))
        .send()
        .await
        .expect("reach HQ");
    assert_eq!(resp.status(), 200, "enrollment refused");
    resp.json().await.expect("HQ's JSON answer")
}

/// The `vitrine-hq` binary `bin` on `data_dir` and, on a PostgreSQL run,
/// the folder's database (`VITRINE_HQ_DATABASE`): a command to add
/// arguments to.
pub fn hq_command(bin: &str, data_dir: &Path) -> Command {
    let mut c = Command::new(bin);
    c.arg("--data-dir").arg(data_dir);
    match database_for(data_dir) {
        Some(url) => c.env("VITRINE_HQ_DATABASE", url),
        None => c.env_remove("VITRINE_HQ_DATABASE"),
    };
    c
}

/// Runs the `vitrine-hq` binary on `data_dir` with quiet logs. `bin` is
/// `env!("CARGO_BIN_EXE_vitrine-hq")`, which only HQ's own tests are given.
pub fn run_hq(bin: &str, data_dir: &Path, args: &[&str]) -> Output {
    hq_command(bin, data_dir)
        .args(args)
        .env("VITRINE_HQ_LOG", "warn")
        .output()
        .expect("run vitrine-hq")
}

/// Waits (bounded) until the notifier has recorded what it sent and the
/// next message due is `want`.
pub async fn next_due_becomes(hq: &Hq, want: Option<i64>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let got = hq.storage.next_notification_at().expect("read the notifications");
        if got == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "next message due {got:?}, expected {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The password of the staff accounts tests make ([`staff_session`]).
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// A member of staff logged in through `/staff/login` as a browser does:
/// the session cookie, and the CSRF token its forms carry.
pub struct StaffSession {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
    client: reqwest::Client,
}

impl StaffSession {
    /// `GET path` with the session (no redirect followed).
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("vitrine_staff={}", self.cookie))
    }

    /// `POST path` of `form` from HQ's own page: the session, HQ's origin
    /// and the CSRF token.
    pub fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        form.push(("csrf", &self.csrf));
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("vitrine_staff={}", self.cookie))
            .header("origin", &self.base)
            .form(&form)
    }

    /// Moves an order of `store` along the desk's steps up to `status`
    /// (received → preparing → ready → collected, the hand-over
    /// confirmed); the answer to the last step.
    pub async fn advance_to(&self, store: &str, order: &impl std::fmt::Display, status: &str) -> reqwest::Response {
        let path = format!("/staff/{store}/orders/{order}/status");
        let steps = ["preparing", "ready", "collected"];
        let last = steps.iter().position(|s| *s == status).expect("a step of the desk");
        let mut answer = None;
        for step in &steps[..=last] {
            let r = self
                .post_form(&path, &[("status", step), ("confirm", "yes")])
                .send()
                .await
                .expect("reach HQ");
            answer = Some(r);
        }
        answer.expect("at least one step")
    }

    /// Moves an order of `store` to `status` from the orders page.
    pub async fn set_status(&self, store: &str, order: &impl std::fmt::Display, status: &str) -> reqwest::Response {
        self.post_form(&format!("/staff/{store}/orders/{order}/status"), &[("status", status)])
            .send()
            .await
            .expect("reach HQ")
    }
}

/// Adds the staff account `name` (for `store`, or every store when None)
/// with [`STAFF_PASSWORD`], and logs it in over HTTP.
pub async fn staff_session(s: &HqServer, name: &str, store: Option<&str>) -> StaffSession {
    vitrine_hq::services::staff::add(&s.hq, name, store, STAFF_PASSWORD).expect("add a staff account");
    staff_login(&s.url(), name, STAFF_PASSWORD)
        .await
        .unwrap_or_else(|st| panic!("login refused: {st}"))
}

/// Logs in at `{base_url}/staff/login`; the session, or the status HQ
/// answered instead of its redirect.
pub async fn staff_login(base_url: &str, name: &str, password: &str) -> Result<StaffSession, u16> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let r = client
        .post(format!("{base_url}/staff/login"))
        .header("origin", base_url)
        .form(&[("name", name), ("password", password)])
        .send()
        .await
        .expect("reach HQ");
    if r.status() != 303 {
        return Err(r.status().as_u16());
    }
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("vitrine_staff="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let mut session = StaffSession {
        base: base_url.to_string(),
        cookie,
        csrf: String::new(),
        client,
    };
    // The CSRF token, from the page the login leads to (the staff home,
    // or the store's orders it redirects to).
    let mut path = "/staff".to_string();
    let page = loop {
        let r = session.get(&path).send().await.expect("reach HQ");
        if r.status() == 303 {
            path = r.headers()["location"].to_str().expect("a location").to_string();
            continue;
        }
        break r.text().await.expect("the page");
    };
    session.csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("a CSRF token on the staff page")
        .to_string();
    Ok(session)
}
