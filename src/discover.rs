//! Finding manifests: explicit files as given, directories searched recursively.
//!
//! Symlinks met while searching a directory are not followed unless asked (`--follow`), as
//! ripgrep does: a repository under review must not be able to point tokenscope at files
//! outside it (a manifest that is a link to a private key). A file named on the command line
//! is read even through a link: the user chose it.

use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::source::display_path;

/// The config file's names (the first wins when both exist); they end like a manifest name but
/// are not one.
pub const CONFIG_FILES: [&str; 2] = [".tokenscope.yaml", ".tokenscope.yml"];

/// The first config name, for messages and tests.
pub const CONFIG_FILE: &str = CONFIG_FILES[0];

/// Whether a file name marks a manifest: `tokenscope.yaml` or `*.tokenscope.yaml` (or `.yml`).
pub fn is_manifest_name(name: &str) -> bool {
    if CONFIG_FILES.contains(&name) {
        return false;
    }
    ["tokenscope.yaml", "tokenscope.yml"]
        .iter()
        .any(|m| name == *m || name.strip_suffix(m).is_some_and(|stem| stem.ends_with('.')))
}

/// Whether a file name is close to a manifest name without being one (`tokenscope.json`,
/// `prod-tokenscope.yaml`, `tokenscope.yaml.bak`): worth naming when none is found.
fn is_near_miss(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !is_manifest_name(name)
        && !CONFIG_FILES.contains(&name)
        && (lower.contains("tokenscope")
            || lower.contains("token-scope")
            || lower.contains("token_scope"))
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

/// The path that means standard input.
pub const STDIN: &str = "-";

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
        if path.as_os_str() == STDIN {
            found.files.push(Found {
                path: path.clone(),
                root: PathBuf::from("."),
            });
            continue;
        }
        match std::fs::metadata(path) {
            Err(cause) => found.errors.push(InputError::Io {
                path: display_path(path),
                cause,
            }),
            Ok(meta) if meta.is_dir() => {
                let mut near_misses = Vec::new();
                let mut in_dir = walk(path, follow, &mut found, &mut near_misses);
                if in_dir.is_empty() {
                    near_misses.sort();
                    found.errors.push(InputError::NoManifests {
                        path: display_path(path),
                        near_misses: near_misses_text(&near_misses),
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

/// " Near misses: `a`, `b`." for the help of "no manifests found", or nothing.
fn near_misses_text(near: &[String]) -> String {
    const SHOWN: usize = 5;
    if near.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = near.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if near.len() > SHOWN {
        names.push(format!("and {} more", near.len() - SHOWN));
    }
    format!(" Near misses, not read: {}.", names.join(", "))
}

fn walk(
    dir: &Path,
    follow: bool,
    found: &mut Discovery,
    near_misses: &mut Vec<String>,
) -> Vec<PathBuf> {
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
                let name = entry.file_name().to_string_lossy();
                if !is_manifest_name(&name) {
                    if kind.is_file() && is_near_miss(&name) {
                        near_misses.push(display_path(entry.path()));
                    }
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
        assert!(is_manifest_name("tokenscope.yml"));
        assert!(is_manifest_name("crm.tokenscope.yml"));
        assert!(!is_manifest_name(".tokenscope.yaml"));
        assert!(!is_manifest_name(".tokenscope.yml"));
        assert!(!is_manifest_name("crmtokenscope.yaml"));
        assert!(!is_manifest_name("other.yaml"));
        assert!(is_near_miss("tokenscope.json"));
        assert!(is_near_miss("prod-tokenscope.yaml"));
        assert!(!is_near_miss("tokenscope.yaml"));
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
