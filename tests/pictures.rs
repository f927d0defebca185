//! Product pictures at the kiosk (issue 16): fetched from a real HQ in the
//! background into the capped cache, least recently shown evicted first,
//! `vitrine lookup --json` giving the cached file, and a picture changed on
//! the way refused (HQ signs it).

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;
use vitrine::catalog::pictures::PictureCache;
use vitrine::sync::pictures::{PicturesPass, fetch_pass};
use vitrine::sync::sync_once;
use vitrine_core::picture::{ImageId, ImageSize};
use vitrine_hq::admin;
use vitrine_testkit::pictures::jpeg;

const GTINS: [&str; 3] = ["05449000039231", "09780439023481", "00000000000758"];

/// HQ with three products, each with its own picture; their ids, sorted
/// (the order a pass fetches them in).
fn import_three(hq: &vitrine_hq::Hq, dir: &Path) -> Vec<(ImageId, &'static str)> {
    let mut lines = Vec::new();
    let mut ids = Vec::new();
    for (i, gtin) in GTINS.iter().enumerate() {
        let bytes = jpeg(700, 500, 40 * i as u8);
        let name = format!("p{i}.jpg");
        std::fs::write(dir.join(&name), &bytes).unwrap();
        lines.push(serde_json::json!({"gtin14": gtin, "name": format!("Product {i}"), "image": name}).to_string());
        ids.push((ImageId::of(&bytes), *gtin));
    }
    std::fs::write(dir.join("products.jsonl"), lines.join("\n")).unwrap();
    let r = admin::import_file(hq, &dir.join("products.jsonl"), Some(vitrine_core::demo::DEMO_SEED)).unwrap();
    assert_eq!(r.pictures, 3, "{r:?}");
    ids.sort();
    ids
}

fn large_len(hq: &vitrine_hq::Hq, id: &ImageId) -> u64 {
    hq.storage.image_size(id, ImageSize::Large).unwrap().unwrap().len() as u64
}

fn shown_ago(cache: &PictureCache, id: &ImageId, secs: u64) {
    std::fs::File::options()
        .append(true)
        .open(cache.get(id).unwrap())
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(secs))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_fetches_its_pictures_into_a_capped_cache_and_evicts_the_least_recently_shown() {
    let hq = start_hq_in_temp_dir(|_| {}).await;
    let referential = tempfile::tempdir().unwrap();
    let ids = import_three(&hq.hq, referential.path());
    let k_dir = tempfile::tempdir().unwrap();
    enroll(&hq, &hq.url(), k_dir.path(), "paris-01").await;
    assert!(sync_once(k_dir.path(), settings()).await.unwrap().last_error.is_none());

    // Room for the first two pictures only.
    let cap = large_len(&hq.hq, &ids[0].0) + large_len(&hq.hq, &ids[1].0);
    let cache = PictureCache::new(k_dir.path(), cap);
    let pass = fetch_pass(k_dir.path(), settings(), &cache).await.unwrap();
    assert_eq!(
        pass,
        PicturesPass {
            named: 3,
            fetched: 2,
            failed: 0,
            full: true
        }
    );
    assert!(cache.get(&ids[0].0).is_some() && cache.get(&ids[1].0).is_some());
    assert!(cache.get(&ids[2].0).is_none());
    assert!(cache.usage() <= cap);
    // What the kiosk stored is HQ's large size, 640 px wide.
    let img = image::open(cache.get(&ids[0].0).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (640, 457));

    // The first was shown long ago, the second recently: a later pass makes
    // room for the third by removing the first.
    shown_ago(&cache, &ids[0].0, 3_000);
    shown_ago(&cache, &ids[1].0, 60);
    let pass = fetch_pass(k_dir.path(), settings(), &cache).await.unwrap();
    assert_eq!((pass.fetched, pass.full), (1, false), "{pass:?}");
    assert!(cache.get(&ids[0].0).is_none(), "the least recently shown went");
    assert!(cache.get(&ids[1].0).is_some() && cache.get(&ids[2].0).is_some());
    assert!(cache.usage() <= cap);

    // A picture no product names any more leaves the cache.
    admin::import(
        &hq.hq,
        format!("{{\"gtin14\":\"{}\",\"name\":\"No picture now\"}}", ids[1].1).as_bytes(),
        None,
    )
    .unwrap();
    assert!(sync_once(k_dir.path(), settings()).await.unwrap().last_error.is_none());
    fetch_pass(k_dir.path(), settings(), &cache).await.unwrap();
    assert!(cache.get(&ids[1].0).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_json_gives_the_cached_picture_or_null_until_it_is_there() {
    let hq = start_hq_in_temp_dir(|_| {}).await;
    let referential = tempfile::tempdir().unwrap();
    let ids = import_three(&hq.hq, referential.path());
    let (_, code) = admin::device_add(&hq.hq, "paris-01").unwrap();
    let k_dir = tempfile::tempdir().unwrap();
    let dir = k_dir.path().to_path_buf();
    let run = move |args: Vec<String>, env: Vec<(&'static str, String)>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let mut c = kiosk_command(&dir);
            c.args(&args).envs(env);
            c.output().expect("run vitrine")
        })
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let lookup = |gtin: &str| s(&["lookup", gtin, "--json"]);
    stdout_ok(
        &run(s(&["enroll", "--hq", &hq.url(), "--code", &code]), vec![])
            .await
            .unwrap(),
    );
    // No room for pictures: the catalog is synced, the pictures are not.
    stdout_ok(
        &run(
            s(&["sync", "--once"]),
            vec![("VITRINE__CATALOG__IMAGES_MAX_MB", "0".into())],
        )
        .await
        .unwrap(),
    );
    let v: serde_json::Value = serde_json::from_str(&stdout_ok(&run(lookup(ids[0].1), vec![]).await.unwrap())).unwrap();
    assert_eq!(v["gtin14"], ids[0].1, "{v}");
    assert!(v["image"].is_null(), "{v}");
    // With the default cap, `sync --once` fetches them.
    stdout_ok(&run(s(&["sync", "--once"]), vec![]).await.unwrap());
    for (id, gtin) in &ids {
        let v: serde_json::Value = serde_json::from_str(&stdout_ok(&run(lookup(gtin), vec![]).await.unwrap())).unwrap();
        let path = v["image"].as_str().unwrap_or_else(|| panic!("no image in {v}"));
        assert_eq!(Path::new(path), k_dir.path().join("pictures").join(format!("{id}.jpg")));
        assert!(image::open(path).is_ok());
    }
}

/// A picture changed on the way (a machine in the middle, here the test
/// kit's proxy rewriting HQ's answer) fails HQ's signature: the kiosk keeps
/// nothing, and fetches it as soon as the answers are HQ's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_changed_on_the_way_is_not_kept() {
    let hq = start_hq_in_temp_dir(|_| {}).await;
    let referential = tempfile::tempdir().unwrap();
    let ids = import_three(&hq.hq, referential.path());
    let proxy = Proxy::start(hq.addr).await;
    let k_dir = tempfile::tempdir().unwrap();
    enroll(&hq, &proxy.url(), k_dir.path(), "paris-01").await;
    assert!(sync_once(k_dir.path(), settings()).await.unwrap().last_error.is_none());
    let cache = PictureCache::new(k_dir.path(), 64 << 20);

    proxy.set(Mode::Rewrite(b"JFIF".to_vec(), b"JFIX".to_vec()));
    let err = fetch_pass(k_dir.path(), settings(), &cache).await.unwrap_err();
    assert!(err.to_string().contains("not signed by HQ"), "{err}");
    assert_eq!(cache.usage(), 0);

    proxy.set(Mode::Pass);
    let pass = fetch_pass(k_dir.path(), settings(), &cache).await.unwrap();
    assert_eq!(pass.fetched, 3);
    assert!(ids.iter().all(|(id, _)| cache.get(id).is_some()));
}
