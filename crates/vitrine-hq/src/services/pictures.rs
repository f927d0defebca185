//! Product pictures: what the referential names is read, checked to be a
//! real picture within limits, stored by the SHA-256 of its bytes, and
//! made into the sizes the screens need ([`ImageSize`]), once.
//!
//! # URLs only from hosts the retailer names
//! The referential's `image` field may be a path relative to the JSONL
//! file or a URL. HQ fetches a URL only from a host named in
//! [`PictureHosts`] (`vitrine-hq import FILE --picture-hosts
//! cdn.example.com`): otherwise a referential file could make HQ call any
//! address, inside the retailer's network too. A named host is fetched
//! over HTTPS (plain HTTP only from a loopback address, for a server on
//! HQ's own machine), without following redirects, without credentials in
//! the URL, with a 30 s timeout and the same 16 MB cap as files; what it
//! answers is checked as a file is. A URL that is not allowed or not
//! fetched is reported, and the product is imported without a picture.

use std::io::{Cursor, Read};
use std::path::{Component, Path};
use std::time::Duration;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};
use thiserror::Error;
use vitrine_core::picture::{ImageId, ImageSize, ImageSource};

use super::ServiceError;
use crate::storage::{HqStorage, NewImage, StorageError};

/// The largest picture file HQ reads.
pub const MAX_IMAGE_BYTES: u64 = 16 << 20;
/// The most pixels a picture may have (a 48-megapixel camera's photo is
/// refused: a product picture needs far fewer, and decoding one takes
/// 4 bytes per pixel).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// The longest side a picture may have.
pub const MAX_IMAGE_SIDE: u32 = 12_000;
/// The JPEG quality of the sizes HQ makes.
const JPEG_QUALITY: u8 = 85;

/// Why a product's picture was not imported (the product is imported
/// without one).
#[derive(Debug, Error)]
pub enum PictureError {
    #[error(
        "{0}: not fetched: HQ fetches pictures only from the hosts named with --picture-hosts (or put the picture beside the JSONL file and name its path)"
    )]
    Url(String),
    #[error("{url}: {reason}")]
    UrlRefused { url: String, reason: String },
    #[error("cannot fetch {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("\"{0}\" is not inside the JSONL file's folder")]
    OutsideFolder(String),
    #[error("pictures are read beside a JSONL file: import a file (vitrine-hq import FILE)")]
    NoFolder,
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} is larger than {} MB", MAX_IMAGE_BYTES >> 20)]
    TooLarge { path: String },
    #[error("{path} is not a JPEG, PNG or WebP picture")]
    NotAnImage { path: String },
    #[error(
        "{path} is {width}×{height} pixels: HQ takes at most {MAX_IMAGE_SIDE} pixels a side and {MAX_IMAGE_PIXELS} in all"
    )]
    TooManyPixels { path: String, width: u32, height: u32 },
    #[error("{path} cannot be decoded: {reason}")]
    Undecodable { path: String, reason: String },
    #[error("cannot make the sizes of {path}: {reason}")]
    Encode { path: String, reason: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The hosts HQ may fetch pictures from (`host` for the scheme's port, or
/// `host:port`), none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PictureHosts(Vec<String>);

impl PictureHosts {
    /// From a comma-separated list (`cdn.example.com,img.example.com:8443`).
    pub fn parse(list: &str) -> Result<PictureHosts, String> {
        let mut hosts = Vec::new();
        for h in list.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            let url = reqwest::Url::parse(&format!("https://{h}/"))
                .map_err(|e| format!("\"{h}\" is not a host name: {e}"))?;
            if url.username() != "" || url.password().is_some() || h.contains('/') {
                return Err(format!("\"{h}\" is not a host name"));
            }
            hosts.push(h.to_ascii_lowercase());
        }
        Ok(PictureHosts(hosts))
    }

    /// Why `url` may not be fetched, if it may not.
    fn refuse(&self, url: &str) -> Result<reqwest::Url, PictureError> {
        let refused = |reason: &str| PictureError::UrlRefused {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        if self.0.is_empty() {
            return Err(PictureError::Url(url.to_string()));
        }
        let u = reqwest::Url::parse(url).map_err(|e| refused(&format!("not a URL: {e}")))?;
        if u.username() != "" || u.password().is_some() {
            return Err(refused("a URL with credentials is not fetched"));
        }
        let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
        let loopback = host == "localhost"
            || host
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match u.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(refused("fetched over HTTPS only (plain HTTP from a loopback address)")),
        }
        let with_port = u.port().map(|p| format!("{host}:{p}"));
        let named = self
            .0
            .iter()
            .any(|h| with_port.as_deref().map_or(*h == host, |hp| h == hp));
        if !named {
            return Err(refused("its host is not among --picture-hosts"));
        }
        Ok(u)
    }
}

/// Fetches a picture from an allowed URL (no redirect, 30 s, the size cap).
/// On a thread of its own with its own small runtime: imports run on the
/// command line and in tests, inside a runtime or not.
fn fetch(url: reqwest::Url) -> Result<Vec<u8>, PictureError> {
    let name = url.to_string();
    let failed = |reason: String| PictureError::Fetch {
        url: name.clone(),
        reason,
    };
    let work = || -> Result<Vec<u8>, PictureError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed(e.to_string()))?;
        rt.block_on(async {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .user_agent(concat!("vitrine-hq/", env!("CARGO_PKG_VERSION"), " (picture import)"))
                .build()
                .map_err(|e| failed(e.to_string()))?;
            let mut resp = client
                .get(url.clone())
                .send()
                .await
                .map_err(|e| failed(e.to_string()))?;
            if resp.status() != reqwest::StatusCode::OK {
                return Err(failed(format!(
                    "answered {} (redirects are not followed)",
                    resp.status()
                )));
            }
            if resp.content_length().is_some_and(|n| n > MAX_IMAGE_BYTES) {
                return Err(PictureError::TooLarge { path: name.clone() });
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| failed(e.to_string()))? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > MAX_IMAGE_BYTES {
                    return Err(PictureError::TooLarge { path: name.clone() });
                }
            }
            Ok(bytes)
        })
    };
    std::thread::scope(|s| {
        s.spawn(work)
            .join()
            .unwrap_or_else(|_| Err(failed("the fetching thread failed".into())))
    })
}

/// Reads the picture `source` names: a file relative to `folder` (the JSONL
/// file's), or a URL on one of `hosts`. A path that leaves the folder
/// (`..`, an absolute path, a symbolic link pointing out) is refused: the
/// referential names pictures, not files of HQ's machine.
pub fn read_source(folder: Option<&Path>, source: &ImageSource, hosts: &PictureHosts) -> Result<Vec<u8>, PictureError> {
    let rel = match source {
        ImageSource::Url(u) => return fetch(hosts.refuse(u)?),
        ImageSource::File(rel) => rel,
    };
    let folder = folder.ok_or(PictureError::NoFolder)?;
    let outside = || PictureError::OutsideFolder(rel.clone());
    if !Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let unreadable = |e: std::io::Error| PictureError::Unreadable {
        path: rel.clone(),
        reason: e.to_string(),
    };
    let base = folder.canonicalize().map_err(unreadable)?;
    let path = base.join(rel).canonicalize().map_err(unreadable)?;
    if !path.starts_with(&base) {
        return Err(outside());
    }
    let file = std::fs::File::open(&path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_IMAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(PictureError::TooLarge { path: rel.clone() });
    }
    Ok(bytes)
}

/// Stores a picture from its original bytes (`name` says where it came
/// from, in errors) and returns its id. A picture already stored is not
/// decoded again.
pub fn import_bytes(storage: &dyn HqStorage, bytes: &[u8], name: &str) -> Result<ImageId, PictureError> {
    let id = ImageId::of(bytes);
    if storage.has_image(&id)? {
        return Ok(id);
    }
    let decoded = decode(bytes, name)?;
    let sizes = make_sizes(&decoded, name)?;
    storage.put_image(&NewImage {
        id: &id,
        original: bytes,
        width: decoded.width(),
        height: decoded.height(),
        sizes: &sizes,
    })?;
    Ok(id)
}

/// Decodes a picture, refusing what is not JPEG, PNG or WebP and what is
/// too large, before the pixels are allocated (the header says the size).
pub fn decode(bytes: &[u8], name: &str) -> Result<DynamicImage, PictureError> {
    let reader = |bytes: &[u8]| -> Result<ImageReader<Cursor<Vec<u8>>>, PictureError> {
        let r = ImageReader::new(Cursor::new(bytes.to_vec()))
            .with_guessed_format()
            .map_err(|_| PictureError::NotAnImage { path: name.into() })?;
        match r.format() {
            Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => Ok(r),
            _ => Err(PictureError::NotAnImage { path: name.into() }),
        }
    };
    let undecodable = |e: image::ImageError| PictureError::Undecodable {
        path: name.into(),
        reason: e.to_string(),
    };
    let (width, height) = reader(bytes)?.into_dimensions().map_err(undecodable)?;
    if width == 0
        || height == 0
        || width > MAX_IMAGE_SIDE
        || height > MAX_IMAGE_SIDE
        || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS
    {
        return Err(PictureError::TooManyPixels {
            path: name.into(),
            width,
            height,
        });
    }
    let mut r = reader(bytes)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    // The decoded pixels at 8 bytes each (16-bit PNG with alpha) and the
    // decoder's own buffers.
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 8 + (64 << 20));
    r.limits(limits);
    r.decode().map_err(undecodable)
}

/// Every size of [`ImageSize::ALL`] as JPEG: scaled down to fit its box
/// (never up), transparency laid on white.
pub fn make_sizes(img: &DynamicImage, name: &str) -> Result<Vec<(ImageSize, Vec<u8>)>, PictureError> {
    let mut out = Vec::with_capacity(ImageSize::ALL.len());
    for size in ImageSize::ALL {
        let max = size.max_px();
        let scaled = if img.width() > max || img.height() > max {
            img.resize(max, max, FilterType::Triangle)
        } else {
            img.clone()
        };
        let rgb = on_white(&scaled);
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .encode_image(&rgb)
            .map_err(|e| PictureError::Encode {
                path: name.into(),
                reason: e.to_string(),
            })?;
        out.push((size, bytes));
    }
    Ok(out)
}

/// The picture without transparency (JPEG has none), over white like a
/// product page.
fn on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(src[3]);
        for c in 0..3 {
            dst[c] = ((u16::from(src[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
    }
    rgb
}

/// One size of a picture, for the picture route.
pub fn size(storage: &dyn HqStorage, id: &ImageId, size: ImageSize) -> Result<Option<Vec<u8>>, ServiceError> {
    Ok(storage.image_size(id, size)?)
}
