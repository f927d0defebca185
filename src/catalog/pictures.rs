//! The kiosk's cache of product pictures: `<data_dir>/pictures/<id>.jpg`,
//! the `large` size of each picture HQ serves, capped in bytes
//! (`[catalog] images_max_mb`).
//!
//! A file's modification time is when it was last shown (or fetched, for
//! one never shown yet): the product page touches it, and the cache removes
//! the least recently shown first when a new picture needs room. A fetch
//! pass never evicts what it fetched itself ([`PictureCache::store`]'s
//! `keep_since`): a catalog with more pictures than the cap fills the cache
//! once and stops, instead of fetching and evicting in a circle.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use vitrine_core::picture::ImageId;
use vitrine_infra::fs::{Access, write_atomic};

/// Where the cache is in the kiosk's data folder.
pub const PICTURES_DIR: &str = "pictures";

/// What [`PictureCache::store`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Stored,
    /// No room: everything left in the cache is newer than the pass.
    Full,
}

#[derive(Debug, Clone)]
pub struct PictureCache {
    dir: PathBuf,
    max_bytes: u64,
}

struct Entry {
    id: String,
    path: PathBuf,
    bytes: u64,
    shown: SystemTime,
}

impl PictureCache {
    pub fn new(data_dir: &Path, max_bytes: u64) -> PictureCache {
        PictureCache {
            dir: data_dir.join(PICTURES_DIR),
            max_bytes,
        }
    }

    /// The cache as the product page reads it: it finds and marks pictures,
    /// and stores none (the fetcher, which knows the cap, does).
    pub fn for_reading(data_dir: &Path) -> PictureCache {
        PictureCache::new(data_dir, 0)
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn path(&self, id: &ImageId) -> PathBuf {
        self.dir.join(format!("{}.jpg", id.as_str()))
    }

    /// The cached file of a picture, if it is there.
    pub fn get(&self, id: &ImageId) -> Option<PathBuf> {
        let p = self.path(id);
        p.is_file().then_some(p)
    }

    /// Records that a picture was shown now (it moves to the back of the
    /// eviction line). Best effort: a failure only makes it older.
    pub fn shown(&self, id: &ImageId) {
        let touched = std::fs::File::options()
            .append(true)
            .open(self.path(id))
            .and_then(|f| f.set_modified(SystemTime::now()));
        if let Err(e) = touched {
            tracing::debug!(error = %e, "cannot mark a cached picture as shown");
        }
    }

    /// The pictures in the cache (files named by an id; anything else, a
    /// write in progress included, is not the cache's).
    fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let id = name.strip_suffix(".jpg").and_then(ImageId::parse)?;
                let meta = e.metadata().ok()?;
                Some(Entry {
                    id: id.as_str().to_string(),
                    path: e.path(),
                    bytes: meta.len(),
                    shown: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                })
            })
            .collect()
    }

    /// Bytes the cache holds.
    pub fn usage(&self) -> u64 {
        self.entries().iter().map(|e| e.bytes).sum()
    }

    /// Removes the pictures no product of the catalog names any more.
    pub fn prune(&self, wanted: &HashSet<ImageId>) -> io::Result<()> {
        for e in self.entries() {
            if ImageId::parse(&e.id).is_none_or(|id| !wanted.contains(&id)) {
                std::fs::remove_file(&e.path)?;
            }
        }
        Ok(())
    }

    /// Stores a picture, first removing the least recently shown ones that
    /// were last shown before `keep_since` until it fits.
    pub fn store(&self, id: &ImageId, bytes: &[u8], keep_since: SystemTime) -> io::Result<Stored> {
        let need = bytes.len() as u64;
        if need > self.max_bytes {
            return Ok(Stored::Full);
        }
        let mut entries = self.entries();
        entries.retain(|e| e.id != id.as_str());
        let mut used: u64 = entries.iter().map(|e| e.bytes).sum();
        entries.sort_by_key(|e| e.shown);
        let mut oldest = entries.into_iter();
        while used + need > self.max_bytes {
            match oldest.next() {
                Some(e) if e.shown < keep_since => {
                    std::fs::remove_file(&e.path)?;
                    used -= e.bytes;
                    tracing::debug!(picture = %e.id, "least recently shown picture removed from the cache");
                }
                _ => return Ok(Stored::Full),
            }
        }
        write_atomic(&self.path(id), bytes, Access::Default)?;
        Ok(Stored::Stored)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn id(n: u8) -> ImageId {
        ImageId::of(&[n])
    }

    fn age(cache: &PictureCache, id: &ImageId, secs_ago: u64) {
        std::fs::File::options()
            .append(true)
            .open(cache.get(id).unwrap())
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(secs_ago))
            .unwrap();
    }

    #[test]
    fn the_least_recently_shown_picture_makes_room_and_the_cap_holds() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PictureCache::new(dir.path(), 300);
        let start = SystemTime::now() - Duration::from_secs(10_000);
        for n in 1..=3 {
            assert_eq!(cache.store(&id(n), &[n; 100], start).unwrap(), Stored::Stored);
        }
        // Shown long ago: 2, then 1, then 3 (most recent).
        age(&cache, &id(1), 500);
        age(&cache, &id(2), 900);
        age(&cache, &id(3), 100);
        // A later pass: room for a fourth picture is made by removing 2.
        let pass = SystemTime::now() - Duration::from_secs(50);
        assert_eq!(cache.store(&id(4), &[4; 100], pass).unwrap(), Stored::Stored);
        assert!(cache.get(&id(2)).is_none());
        assert!(cache.get(&id(1)).is_some() && cache.get(&id(3)).is_some());
        // 1 is shown now: 3 goes next.
        cache.shown(&id(1));
        assert_eq!(cache.store(&id(5), &[5; 100], pass).unwrap(), Stored::Stored);
        assert!(cache.get(&id(3)).is_none() && cache.get(&id(1)).is_some());
        assert!(cache.usage() <= 300);
        // Everything left is newer than the pass: full, nothing removed.
        let now = SystemTime::now() - Duration::from_secs(1_000);
        age(&cache, &id(1), 0);
        let r = cache.store(&id(6), &[6; 100], now).unwrap();
        assert_eq!(r, Stored::Full);
        assert_eq!(cache.usage(), 300);
        // Larger than the whole cache: never stored.
        assert_eq!(cache.store(&id(7), &[7; 301], start).unwrap(), Stored::Full);
        // Pictures the catalog no longer names go.
        cache.prune(&HashSet::from([id(1)])).unwrap();
        assert_eq!(cache.usage(), 100);
        assert!(cache.get(&id(1)).is_some());
    }
}
