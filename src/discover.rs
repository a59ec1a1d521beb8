//! Finding manifests: explicit files as given, directories searched recursively.
//!
//! Symlinks met while searching a directory are not followed unless asked (`--follow`), as
//! ripgrep does: a repository under review must not be able to point tokenscope at files
//! outside it (a manifest that is a link to a private key). A file named on the command line
//! is read even through a link: the user chose it.

use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::source::display_path;

/// The config file's name; it ends like a manifest name but is not one.
pub const CONFIG_FILE: &str = ".tokenscope.yaml";

/// Whether a file name marks a manifest: `tokenscope.yaml` or `*.tokenscope.yaml`.
pub fn is_manifest_name(name: &str) -> bool {
    name == "tokenscope.yaml" || (name.ends_with(".tokenscope.yaml") && name != CONFIG_FILE)
}

/// A manifest found, with the path it was found under (for where config lookup stops).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// The directory given on the command line, or an explicit file's directory.
    pub root: PathBuf,
}

/// What discovery found, failed to read, and left alone.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Found>,
    pub errors: Vec<InputError>,
    /// Manifest-named symlinks inside searched directories, not followed.
    pub skipped_links: Vec<String>,
}

impl Discovery {
    /// One line per skipped symlink, for standard error.
    pub fn skipped_notes(&self) -> String {
        self.skipped_links
            .iter()
            .map(|p| {
                format!(
                    "warning: skipped {p}: it is a symbolic link (pass --follow to read what it points to)\n"
                )
            })
            .collect()
    }
}

/// Expands the paths given on the command line into manifest files, sorted within each
/// directory and de-duplicated. A directory without manifests, or a path that does not exist,
/// is an error (a CI gate that silently checks nothing is worse than one that fails).
pub fn discover(paths: &[PathBuf], follow: bool) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(cause) => found.errors.push(InputError::Io {
                path: display_path(path),
                cause,
            }),
            Ok(meta) if meta.is_dir() => {
                let mut in_dir = walk(path, follow, &mut found);
                if in_dir.is_empty() {
                    found.errors.push(InputError::NoManifests {
                        path: display_path(path),
                    });
                }
                in_dir.sort();
                found.files.extend(in_dir.into_iter().map(|p| Found {
                    path: p,
                    root: path.clone(),
                }));
            }
            Ok(_) => found.files.push(Found {
                path: path.clone(),
                root: path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            }),
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.files.retain(|f| seen.insert(f.path.clone()));
    found.skipped_links.sort();
    found
}

fn walk(dir: &Path, follow: bool, found: &mut Discovery) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .follow_links(follow)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let Some(kind) = entry.file_type() else {
                    continue;
                };
                if !is_manifest_name(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                if kind.is_symlink() {
                    // Only reached when not following: a followed link reports its target's type.
                    found.skipped_links.push(display_path(entry.path()));
                } else if kind.is_file() {
                    out.push(entry.into_path());
                }
            }
            Err(err) => found.errors.push(InputError::Io {
                path: display_path(dir),
                cause: std::io::Error::other(err.to_string()),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names() {
        assert!(is_manifest_name("tokenscope.yaml"));
        assert!(is_manifest_name("crm.tokenscope.yaml"));
        assert!(!is_manifest_name(".tokenscope.yaml"));
        assert!(!is_manifest_name("tokenscope.yml"));
        assert!(!is_manifest_name("other.yaml"));
    }

    #[cfg(unix)]
    #[test]
    fn links_in_a_tree_are_skipped_unless_followed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let secret = outside.path().join("id_ed25519");
        std::fs::write(&secret, "key").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("real.tokenscope.yaml"), "integration: x")
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&secret, dir.path().join("x.tokenscope.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path().to_path_buf();
        let found = discover(std::slice::from_ref(&root), false);
        assert_eq!(found.files.len(), 1);
        assert_eq!(found.skipped_links.len(), 1);
        let found = discover(&[root], true);
        assert_eq!(found.files.len(), 2);
        assert!(found.skipped_links.is_empty());
    }
}
