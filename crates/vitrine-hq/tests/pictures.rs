//! Product pictures (issue 16): the referential's `image` field imported
//! (checked, stored by content hash, resized) and served with immutable
//! cache headers; hostile files refused without losing the product.

use std::path::Path;

use vitrine_core::Gtin;
use vitrine_core::picture::ImageId;
use vitrine_hq::admin;
use vitrine_testkit::pictures::{jpeg, png, png_claiming};
use vitrine_testkit::{run_hq, start_hq_in_temp_dir, stdout_ok};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn line(gtin: &str, name: &str, image: &str) -> String {
    serde_json::json!({"gtin14": gtin, "name": name, "image": image}).to_string()
}

fn write_referential(dir: &Path, lines: &[String]) -> std::path::PathBuf {
    let file = dir.join("products.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    file
}

fn image_of(hq: &vitrine_hq::Hq, gtin: &str) -> Option<ImageId> {
    hq.storage
        .product_price(Gtin::from_digits(gtin).unwrap(), "")
        .unwrap()
        .expect("the product is imported")
        .product
        .image
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg).expect("a JPEG");
    (img.width(), img.height())
}

#[tokio::test]
async fn imported_pictures_are_resized_and_served_immutable_to_anyone() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let referential = tempfile::tempdir().unwrap();
    std::fs::create_dir(referential.path().join("pics")).unwrap();
    let wide = png(1000, 500);
    let small = jpeg(300, 300, 10);
    std::fs::write(referential.path().join("pics/wide.png"), &wide).unwrap();
    std::fs::write(referential.path().join("pics/small.jpg"), &small).unwrap();
    let file = write_referential(
        referential.path(),
        &[
            line("05449000000996", "Nordic must", "pics/wide.png"),
            line("09780439023481", "The Hunger Games", "./pics/small.jpg"),
            // The same file for another product: one picture.
            line("00000000000758", "Cauliflower", "pics/wide.png"),
        ],
    );
    let r = admin::import_file(&s.hq, &file, None).unwrap();
    assert_eq!((r.imported, r.pictures, r.picture_problems), (3, 3, 0), "{r:?}");

    let wide_id = ImageId::of(&wide);
    assert_eq!(image_of(&s.hq, "05449000000996"), Some(wide_id.clone()));
    assert_eq!(image_of(&s.hq, "00000000000758"), Some(wide_id.clone()));
    assert_eq!(image_of(&s.hq, "09780439023481"), Some(ImageId::of(&small)));
    // The catalog kiosks download names it.
    let snap = s.hq.storage.snapshot_json("paris-01").unwrap();
    assert!(
        snap.changes_json
            .contains(&format!("\"image\":\"{}\"", wide_id.as_str())),
        "{}",
        snap.changes_json
    );

    // Anyone (no token) gets each size, scaled to fit its box, as JPEG.
    let http = reqwest::Client::new();
    let get = |id: &ImageId, size: &str| http.get(s.at(&format!("/v1/images/{id}/{size}"))).send();
    for (id, size, want) in [
        (&wide_id, "large", (640, 320)),
        (&wide_id, "thumb", (160, 80)),
        (&ImageId::of(&small), "large", (300, 300)),
        (&ImageId::of(&small), "thumb", (160, 160)),
    ] {
        let resp = get(id, size).await.unwrap();
        assert_eq!(resp.status(), 200, "{id} {size}");
        let h = resp.headers().clone();
        assert_eq!(h["content-type"], "image/jpeg");
        assert_eq!(h["cache-control"], IMMUTABLE);
        assert_eq!(h["etag"].to_str().unwrap(), format!("\"{id}-{size}\""));
        let body = resp.bytes().await.unwrap();
        assert_eq!(dimensions(&body), want, "{id} {size}");
    }
    // Transparency is laid on white: the right half of the wide PNG is a
    // light blue, not black.
    let large = get(&wide_id, "large").await.unwrap().bytes().await.unwrap();
    let px = image::load_from_memory(&large).unwrap().to_rgb8();
    let right = px.get_pixel(600, 160);
    assert!(right[0] > 100 && right[2] > 200, "{right:?}");

    // A client that holds it is told so.
    let etag = format!("\"{wide_id}-thumb\"");
    let again = http
        .get(s.at(&format!("/v1/images/{wide_id}/thumb")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["cache-control"], IMMUTABLE);

    // Unknown pictures, sizes and ids that are not hashes are 404s.
    let unknown = ImageId::of(b"never imported");
    assert_eq!(get(&unknown, "large").await.unwrap().status(), 404);
    for path in [
        format!("/v1/images/{wide_id}/huge"),
        "/v1/images/..%2F..%2Fhq.sqlite/large".to_string(),
        format!("/v1/images/{}/large", wide_id.as_str().to_uppercase()),
    ] {
        let resp = http.get(s.at(&path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        assert_eq!(resp.headers()["content-type"], "application/json", "{path}");
    }

    // Importing the file again stores nothing new and keeps the ids.
    let r = admin::import_file(&s.hq, &file, None).unwrap();
    assert_eq!(r.pictures, 3);
    assert_eq!(image_of(&s.hq, "05449000000996"), Some(wide_id));
}

#[tokio::test]
async fn hostile_pictures_are_refused_and_their_products_imported_without() {
    let s = start_hq_in_temp_dir(|_| {}).await;
    let root = tempfile::tempdir().unwrap();
    let referential = root.path().join("referential");
    std::fs::create_dir(&referential).unwrap();
    // A real picture outside the referential's folder, reachable by `..`,
    // by an absolute path and through a symbolic link.
    let secret = png(10, 10);
    std::fs::write(root.path().join("outside.png"), &secret).unwrap();
    std::os::unix::fs::symlink(root.path().join("outside.png"), referential.join("link.png")).unwrap();
    std::fs::write(referential.join("text.png"), "this is not a picture").unwrap();
    std::fs::write(referential.join("bomb.png"), png_claiming(50_000, 50_000)).unwrap();
    std::fs::write(referential.join("tall.png"), png(1, 13_000)).unwrap();
    let absolute = root.path().join("outside.png");
    let cases = [
        ("05449000000996", "../outside.png", "not inside the JSONL file's folder"),
        (
            "09780439023481",
            absolute.to_str().unwrap(),
            "not inside the JSONL file's folder",
        ),
        ("00000000000758", "link.png", "not inside the JSONL file's folder"),
        ("00000000001373", "text.png", "is not a JPEG, PNG or WebP picture"),
        ("00000000001779", "bomb.png", "50000×50000 pixels"),
        ("00000000002295", "tall.png", "1×13000 pixels"),
        ("00000000002523", "missing.png", "cannot read missing.png"),
        (
            "00000000003100",
            "https://example.com/a.jpg",
            "HQ fetches pictures only from the hosts named",
        ),
    ];
    let lines: Vec<String> = cases.iter().map(|(g, img, _)| line(g, "P", img)).collect();
    let file = write_referential(&referential, &lines);
    let r = admin::import_file(&s.hq, &file, None).unwrap();
    assert_eq!((r.imported, r.pictures), (8, 0), "{r:?}");
    assert_eq!(r.picture_problems, 8, "{r:?}");
    for ((gtin, _, why), example) in cases.iter().zip(&r.picture_examples) {
        assert!(example.contains(why), "{gtin}: {example}");
        assert_eq!(image_of(&s.hq, gtin), None, "{gtin}");
    }
    // The file outside was never stored.
    assert!(!s.hq.storage.has_image(&ImageId::of(&secret)).unwrap());
    let leak = reqwest::get(s.at(&format!("/v1/images/{}/large", ImageId::of(&secret))))
        .await
        .unwrap();
    assert_eq!(leak.status(), 404);
}

#[tokio::test]
async fn pictures_are_rate_limited_per_client_address() {
    let s = start_hq_in_temp_dir(|c| c.rate_per_minute = 2).await;
    let id = ImageId::of(b"x");
    let http = reqwest::Client::new();
    let url = s.at(&format!("/v1/images/{id}/thumb"));
    for _ in 0..2 {
        assert_eq!(http.get(&url).send().await.unwrap().status(), 404);
    }
    let limited = http.get(&url).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

#[test]
fn the_import_command_reads_pictures_beside_the_file_and_says_what_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let referential = tempfile::tempdir().unwrap();
    std::fs::write(referential.path().join("a.jpg"), jpeg(40, 30, 1)).unwrap();
    let file = write_referential(
        referential.path(),
        &[
            line("05449000000996", "Nordic must", "a.jpg"),
            line("09780439023481", "The Hunger Games", "../a.jpg"),
        ],
    );
    let out = stdout_ok(&run_hq(
        env!("CARGO_BIN_EXE_vitrine-hq"),
        dir.path(),
        &["import", file.to_str().unwrap()],
    ));
    assert!(out.contains("imported 2 products"), "{out}");
    assert!(
        out.contains("1 products with a picture; 1 pictures not imported"),
        "{out}"
    );
    assert!(out.contains("line 2: \"../a.jpg\" is not inside"), "{out}");
    // A host list that is not one stops the command before anything is read.
    let bad = run_hq(
        env!("CARGO_BIN_EXE_vitrine-hq"),
        dir.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--picture-hosts",
            "cdn.example.com/pictures",
        ],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--picture-hosts") && err.contains("is not a host name"),
        "{err}"
    );
}

/// A referential's picture URLs: fetched only from the hosts the import
/// names (here a real HTTP server on loopback), never through a redirect;
/// a URL elsewhere, or any URL when no host is named, is reported and its
/// product imported without a picture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picture_urls_are_fetched_only_from_the_named_hosts() {
    use axum::http::{StatusCode, header};
    use axum::routing::get;
    use vitrine_hq::services::pictures::PictureHosts;

    let s = start_hq_in_temp_dir(|_| {}).await;
    let picture = png(400, 300);
    let served = picture.clone();
    let app = axum::Router::new()
        .route(
            "/p/a.png",
            get(move || async move { ([(header::CONTENT_TYPE, "image/png")], served) }),
        )
        .route(
            "/p/moved.png",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/p/a.png")]) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}");
    let dir = tempfile::tempdir().unwrap();
    let file = write_referential(
        dir.path(),
        &[
            line("05449000000996", "Fetched", &format!("{base}/p/a.png")),
            line("09780439023481", "Redirected", &format!("{base}/p/moved.png")),
            line("00000000000758", "Missing", &format!("{base}/p/none.png")),
            line("00000000001373", "Elsewhere", "https://example.com/a.jpg"),
            line("00000000001779", "Plain HTTP elsewhere", "http://example.com/a.jpg"),
        ],
    );
    let import = |hosts: PictureHosts| {
        let (hq, file) = (s.hq.clone(), file.clone());
        tokio::task::spawn_blocking(move || admin::import_file_fetching(&hq, &file, None, &hosts).unwrap())
    };

    // No host named: every URL reported, nothing fetched.
    let r = import(PictureHosts::default()).await.unwrap();
    assert_eq!((r.imported, r.pictures, r.picture_problems), (5, 0, 5), "{r:?}");
    assert!(
        r.picture_examples.iter().all(|e| e.contains("--picture-hosts")),
        "{r:?}"
    );
    assert_eq!(image_of(&s.hq, "05449000000996"), None);

    // The loopback server named: its picture is fetched, stored and served;
    // the redirect and the 404 are reported; other hosts are not called.
    let hosts = PictureHosts::parse(&format!("cdn.example.com, {addr}")).unwrap();
    let r = import(hosts).await.unwrap();
    assert_eq!((r.imported, r.pictures, r.picture_problems), (5, 1, 4), "{r:?}");
    let why = |gtin_line: usize| r.picture_examples[gtin_line].clone();
    assert!(
        why(0).contains("302") && why(0).contains("redirects are not followed"),
        "{r:?}"
    );
    assert!(why(1).contains("404"), "{r:?}");
    assert!(why(2).contains("not among --picture-hosts"), "{r:?}");
    assert!(why(3).contains("HTTPS only"), "{r:?}");
    assert_eq!(image_of(&s.hq, "05449000000996"), Some(ImageId::of(&picture)));
    let thumb = reqwest::get(s.at(&format!("/v1/images/{}/thumb", ImageId::of(&picture))))
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);

    // A host list that is not one is refused before anything is read.
    assert!(PictureHosts::parse("cdn.example.com/pictures").is_err());
    assert!(PictureHosts::parse("user@cdn.example.com").is_err());
}
