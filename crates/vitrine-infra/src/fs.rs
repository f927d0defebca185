//! Files replaced whole: a reader, a crash or a power cut sees the old
//! content or the new, never half of either.
//!
//! The new content goes to a temporary file in the same folder (a rename is
//! only atomic within one file system), created with its final permissions
//! (a secret is never readable by others, not even for the instant between
//! a create and a chmod), flushed to disk, renamed over the target, and the
//! folder is flushed so that the rename itself survives a power cut.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Who may read a file written here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Owner read/write only (0600): keys, tokens, PIN hashes, anything a
    /// local user must not read.
    OwnerOnly,
    /// What a plain `File::create` gives: 0666 less the process's umask
    /// (usually 0644).
    Default,
}

impl Access {
    #[cfg(unix)]
    fn mode(self) -> u32 {
        match self {
            Access::OwnerOnly => 0o600,
            Access::Default => 0o666,
        }
    }
}

/// Replaces `path` with `bytes` (see the module's documentation). The folder
/// is created if needed.
pub fn write_atomic(path: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    write_atomic_with(path, access, |f| f.write_all(bytes))
}

/// Replaces `path` with what `write` writes into the temporary file. If
/// `write` (or anything after it) fails, the target keeps its old content
/// and the temporary file is removed.
pub fn write_atomic_with(
    path: &Path,
    access: Access,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let (tmp, mut file) = create_temp(dir, path, access)?;
    let result = (|| {
        write(&mut file)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)?;
        // The rename is in the folder's data: flush it too. Not every file
        // system lets a folder be opened or synced; the file is in place
        // either way.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A new temporary file beside `target`. `create_new`: never an existing
/// file (or a link someone planted), and two writers in one process never
/// share a name.
fn create_temp(dir: &Path, target: &Path, access: Access) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(access.mode());
        }
        #[cfg(not(unix))]
        let _ = access;
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            // Left by a writer of an earlier process with the same id.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Makes sure `path` exists and only its owner can read it, before a
/// program (SQLite) opens it: a new file is created owner-only; one left
/// readable by an older version is made owner-only.
pub fn ensure_owner_only(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Makes sure the folder `path` exists and only its owner may enter it
/// (0700): a new one is created so, one left open by an older version is
/// closed. Whatever is created inside later is out of other users' reach
/// even for the instant before its own permissions are set.
pub fn ensure_private_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let meta = std::fs::metadata(path)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(path)
}

/// Makes an existing file owner-only (a database's `-wal` or `-shm` left
/// readable by an older version); a missing one is left missing.
pub fn tighten_if_exists(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(m.permissions().mode() & 0o700))
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect()
    }

    #[test]
    fn replaces_the_content_and_creates_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.toml");
        write_atomic(&path, b"one", Access::Default).unwrap();
        write_atomic(&path, b"two", Access::Default).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert!(leftovers(&dir.path().join("sub")).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn an_owner_only_file_is_never_readable_by_others_even_while_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let mut seen = None;
        write_atomic_with(&path, Access::OwnerOnly, |f| {
            // The temporary file as it is created, before any content.
            let tmp = leftovers(dir.path());
            assert_eq!(tmp.len(), 1, "{tmp:?}");
            seen = Some(mode(&dir.path().join(&tmp[0])));
            f.write_all(b"k")
        })
        .unwrap();
        assert_eq!(seen, Some(0o600));
        assert_eq!(mode(&path), 0o600);
        // Replacing a readable file gives an owner-only one too.
        let open = dir.path().join("was-open.key");
        std::fs::write(&open, "old").unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
        write_atomic(&open, b"new", Access::OwnerOnly).unwrap();
        assert_eq!(mode(&open), 0o600);
    }

    #[test]
    fn a_failed_write_keeps_the_old_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"old content", Access::OwnerOnly).unwrap();
        let e = write_atomic_with(&path, Access::OwnerOnly, |f| {
            f.write_all(b"half of the new")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), b"old content");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_rename_that_fails_keeps_the_target_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty folder cannot be replaced by a file.
        let path = dir.path().join("occupied");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "kept").unwrap();
        assert!(write_atomic(&path, b"x", Access::Default).is_err());
        assert_eq!(std::fs::read_to_string(path.join("inside")).unwrap(), "kept");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_private_folder_is_created_closed_or_closed_if_open() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a/hq-data");
        ensure_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        ensure_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
        let wal = open.join("x-wal");
        std::fs::write(&wal, "w").unwrap();
        std::fs::set_permissions(&wal, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
        tighten_if_exists(&wal).unwrap();
        tighten_if_exists(&open.join("missing")).unwrap();
        assert_eq!(mode(&wal), 0o600);
        assert!(!open.join("missing").exists());
    }

    #[cfg(unix)]
    #[test]
    fn ensure_owner_only_creates_or_tightens_without_touching_content() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.sqlite");
        ensure_owner_only(&new).unwrap();
        assert_eq!((mode(&new), std::fs::read(&new).unwrap().len()), (0o600, 0));
        let old = dir.path().join("old.sqlite");
        std::fs::write(&old, "data").unwrap();
        std::fs::set_permissions(&old, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
        ensure_owner_only(&old).unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "data");
    }
}
