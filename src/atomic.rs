//! Writing files atomically: a reader never sees half a file, and a failure leaves the original.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Replaces a file's contents atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the original (keeping its permissions). On any error the original
/// is untouched. A symlink is followed, so the link stays a link.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tokenscope-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file().set_permissions(meta.permissions())?;
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
