//! A folder or list of images played as a camera: at a fixed frame rate,
//! looping, each image converted to luma once and kept (up to a memory cap).
//!
//! Used for demos without a camera (`camera.source = "replay"`), for
//! `vitrine scan --replay DIR`, for tests and for training store staff.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Frame, FrameSource, FrameStream, SourceError, Stop};

/// Decoded images kept in memory at most (beyond it, images are decoded
/// again each time they are played).
const CACHE_BYTES: usize = 256 << 20;

/// Images played as a camera: every image of a folder (listed again each
/// time the source is opened, so a folder filled later is picked up on the
/// next retry), or a fixed list.
#[derive(Debug, Clone)]
pub struct ReplaySource {
    images: Images,
    fps: u32,
    /// Stop after this many passes over the images (`None`: loop forever).
    loops: Option<u32>,
    /// A pacing slower than `fps` allows (one frame a day: a test that
    /// must see a wait end by a stop, not by time).
    slow_period: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Images {
    Dir(PathBuf),
    Files(Vec<PathBuf>),
}

/// The image files a replay folder holds: PNG, JPEG and WebP, sorted by name.
pub fn image_files(dir: &Path) -> Result<Vec<PathBuf>, SourceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SourceError::NoImages {
        what: format!("{} ({e})", dir.display()),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_image_name(p))
        .collect();
    files.sort();
    Ok(files)
}

fn is_image_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "png" | "jpg" | "jpeg" | "webp"))
        .unwrap_or(false)
}

impl ReplaySource {
    /// Every image of `dir`, in name order.
    pub fn from_dir(dir: impl AsRef<Path>, fps: u32) -> ReplaySource {
        ReplaySource {
            images: Images::Dir(dir.as_ref().to_path_buf()),
            fps: fps.max(1),
            loops: None,
            slow_period: None,
        }
    }

    /// These images, in this order.
    pub fn from_files(files: Vec<PathBuf>, fps: u32) -> ReplaySource {
        ReplaySource {
            images: Images::Files(files),
            fps: fps.max(1),
            loops: None,
            slow_period: None,
        }
    }

    /// Stops after `n` passes over the images (the stream then ends with
    /// [`SourceError::Ended`]) instead of looping forever.
    pub fn loops(mut self, n: u32) -> ReplaySource {
        self.loops = Some(n.max(1));
        self
    }

    fn what(&self) -> String {
        match &self.images {
            Images::Dir(d) => format!("{}/", d.display()),
            Images::Files(f) => format!("{} image files", f.len()),
        }
    }
}

impl FrameSource for ReplaySource {
    fn describe(&self) -> String {
        format!("replay of {} at {} fps", self.what(), self.fps)
    }

    fn scan_source(&self) -> crate::scan::ScanSource {
        crate::scan::ScanSource::Replay
    }

    fn duplicate(&self) -> Option<Box<dyn FrameSource>> {
        Some(Box::new(self.clone()))
    }

    fn open(&mut self, stop: &Stop) -> Result<Box<dyn FrameStream>, SourceError> {
        let what = self.what();
        let files = match &self.images {
            Images::Dir(d) => image_files(d)?,
            Images::Files(f) => f.clone(),
        };
        let mut stream = ReplayStream {
            images: files
                .iter()
                .map(|p| Image {
                    label: Arc::from(p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default().as_ref()),
                    path: p.clone(),
                    cached: None,
                    unreadable: false,
                })
                .collect(),
            period: self
                .slow_period
                .unwrap_or_else(|| Duration::from_secs_f64(1.0 / f64::from(self.fps))),
            next_due: None,
            index: 0,
            passes_left: self.loops,
            cached_bytes: 0,
            stop: stop.clone(),
            what: what.clone(),
        };
        // Fail now, with the reason, if none of the files is an image.
        if !stream.images.iter_mut().any(|img| load(img).is_some()) {
            return Err(SourceError::NoImages { what });
        }
        stream.cached_bytes = stream
            .images
            .iter()
            .filter_map(|i| i.cached.as_ref().map(|c| c.luma.len()))
            .sum();
        Ok(Box::new(stream))
    }
}

struct Image {
    path: PathBuf,
    label: Arc<str>,
    cached: Option<Arc<Luma>>,
    unreadable: bool,
}

struct Luma {
    luma: Vec<u8>,
    width: u32,
    height: u32,
}

/// Decodes one image (caching it); `None` if it cannot be read, which is
/// logged once and the image skipped from then on.
fn load(img: &mut Image) -> Option<Arc<Luma>> {
    if let Some(c) = &img.cached {
        return Some(c.clone());
    }
    if img.unreadable {
        return None;
    }
    match crate::scan::read_luma(&img.path) {
        Ok(g) => {
            let (width, height) = g.dimensions();
            let l = Arc::new(Luma {
                luma: g.into_raw(),
                width,
                height,
            });
            img.cached = Some(l.clone());
            Some(l)
        }
        Err(e) => {
            tracing::warn!(error = %e, "replay: image skipped");
            img.unreadable = true;
            None
        }
    }
}

struct ReplayStream {
    images: Vec<Image>,
    period: Duration,
    next_due: Option<Instant>,
    index: usize,
    passes_left: Option<u32>,
    cached_bytes: usize,
    stop: Stop,
    what: String,
}

impl FrameStream for ReplayStream {
    fn next_frame(&mut self, frame: &mut Frame) -> Result<(), SourceError> {
        // Pace like a camera: frame k is due at start + k * period. When the
        // reader fell behind by more than a frame, start again from now
        // rather than sending a burst.
        let now = Instant::now();
        let due = match self.next_due {
            Some(d) if d + self.period >= now => d,
            _ => now,
        };
        if due > now && self.stop.wait(due - now) {
            return Err(SourceError::Ended);
        }
        self.next_due = Some(due + self.period);
        for _ in 0..self.images.len() {
            if self.index == self.images.len() {
                self.index = 0;
                if let Some(left) = &mut self.passes_left {
                    *left -= 1;
                    if *left == 0 {
                        return Err(SourceError::Ended);
                    }
                }
            }
            let i = self.index;
            self.index += 1;
            let img = &mut self.images[i];
            let was_cached = img.cached.is_some();
            let Some(luma) = load(img) else { continue };
            if !was_cached {
                self.cached_bytes += luma.luma.len();
                if self.cached_bytes > CACHE_BYTES {
                    // Over the cap: keep this one uncached.
                    self.cached_bytes -= luma.luma.len();
                    img.cached = None;
                }
            }
            frame.luma.clear();
            frame.luma.extend_from_slice(&luma.luma);
            frame.width = luma.width;
            frame.height = luma.height;
            frame.label = img.label.clone();
            frame.captured_at = Instant::now();
            return Ok(());
        }
        Err(SourceError::NoImages {
            what: self.what.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_png(dir: &Path, name: &str, value: u8) {
        image::GrayImage::from_pixel(8, 4, image::Luma([value]))
            .save(dir.join(name))
            .unwrap();
    }

    #[test]
    fn plays_in_name_order_loops_and_skips_unreadable_files() {
        let dir = tempfile::tempdir().unwrap();
        write_png(dir.path(), "b.png", 20);
        write_png(dir.path(), "a.png", 10);
        std::fs::write(dir.path().join("c.png"), b"not a png").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"ignored").unwrap();
        let mut src = ReplaySource::from_dir(dir.path(), 120).loops(2);
        let mut stream = src.open(&Stop::new()).unwrap();
        let mut frame = Frame::empty();
        let mut seen = Vec::new();
        loop {
            match stream.next_frame(&mut frame) {
                Ok(()) => seen.push((frame.label.to_string(), frame.luma[0], frame.width, frame.height)),
                Err(SourceError::Ended) => break,
                Err(e) => panic!("{e}"),
            }
        }
        let names: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(names, ["a.png", "b.png", "a.png", "b.png"]);
        assert_eq!((seen[1].1, seen[1].2, seen[1].3), (20, 8, 4));
    }

    #[test]
    fn a_folder_without_images_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let stop = Stop::new();
        let e = ReplaySource::from_dir(dir.path(), 10).open(&stop).err().unwrap();
        assert!(matches!(e, SourceError::NoImages { .. }), "{e}");
        let e = ReplaySource::from_dir(dir.path().join("missing"), 10)
            .open(&stop)
            .err()
            .unwrap();
        assert!(e.to_string().contains("missing"), "{e}");
        std::fs::write(dir.path().join("broken.webp"), b"RIFF").unwrap();
        let mut src = ReplaySource::from_dir(dir.path(), 10);
        assert!(matches!(src.open(&stop), Err(SourceError::NoImages { .. })));
        // Filled later: the next open (the pipeline's retry) finds it.
        write_png(dir.path(), "late.png", 1);
        assert!(src.open(&stop).is_ok());
    }

    #[test]
    fn stop_interrupts_the_pacing_wait() {
        let dir = tempfile::tempdir().unwrap();
        write_png(dir.path(), "a.png", 10);
        // One frame a day: the second frame waits for a day unless the stop
        // ends the wait (this test would then hang, not pass).
        let mut src = ReplaySource::from_dir(dir.path(), 1);
        src.slow_period = Some(Duration::from_secs(86_400));
        let stop = Stop::new();
        let mut stream = src.open(&stop).unwrap();
        let mut frame = Frame::empty();
        stream.next_frame(&mut frame).unwrap();
        let setter = stop.clone();
        let t = std::thread::spawn(move || setter.set());
        assert_eq!(stream.next_frame(&mut frame), Err(SourceError::Ended));
        t.join().unwrap();
    }
}
