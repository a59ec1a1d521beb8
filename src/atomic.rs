//! Writing files atomically: a reader never sees half a file, and a failure leaves the original.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Replaces a file's contents atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the original, keeping its permissions and owner (a new file gets the
/// permissions the umask gives any new file). On any error the original is untouched. A
/// symlink is followed, so the link stays a link.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tokenscope-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As for any new file: the kernel applies the umask to this mode.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file().set_permissions(meta.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // A file that cannot keep its owner is not replaced by one that belongs to us.
            std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).map_err(
                |e| {
                    std::io::Error::new(
                        e.kind(),
                        format!("cannot keep the file's owner and group ({e})"),
                    )
                },
            )?;
        }
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(&dir) {
        // Make the rename itself durable; a failure here does not undo it.
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&path, "new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            1
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_files_honour_the_umask_and_rewrites_keep_mode_and_owner() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fresh = dir.path().join("new.yaml");
        write_atomically(&fresh, "x").unwrap_or_else(|e| panic!("{e}"));
        let mode = std::fs::metadata(&fresh)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0);
        // Whatever the umask, a new file is readable by its group or others unless the umask
        // says otherwise; it is never the temporary file's private 0600 by accident.
        let umask = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            });
        if let Some(umask) = umask {
            assert_eq!(mode, 0o666 & !umask);
        }
        let kept = dir.path().join("kept.yaml");
        std::fs::write(&kept, "old").unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640))
            .unwrap_or_else(|e| panic!("{e}"));
        // Run as root (as CI often is), give the file to someone else: it must stay theirs.
        let _ = std::os::unix::fs::chown(&kept, Some(4242), Some(4242));
        let before = std::fs::metadata(&kept).unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&kept, "new").unwrap_or_else(|e| panic!("{e}"));
        let after = std::fs::metadata(&kept).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after.permissions().mode() & 0o777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    }

    #[test]
    fn a_failed_write_leaves_the_original() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // The target's directory does not exist: the temporary file cannot be created.
        let path = dir.path().join("missing").join("m.yaml");
        assert!(write_atomically(&path, "new").is_err());
        // A target that is a directory cannot be replaced by a file: rename fails, nothing changes.
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(target.join("keep"), "kept").unwrap_or_else(|e| panic!("{e}"));
        assert!(write_atomically(&target, "new").is_err());
        assert_eq!(
            std::fs::read_to_string(target.join("keep")).unwrap_or_default(),
            "kept"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
    }
}
