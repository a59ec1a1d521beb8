//! Finding manifests: explicit files as given, directories searched recursively.

use std::path::{Path, PathBuf};

use crate::error::InputError;
use crate::source::display_path;

/// The config file's name; it ends like a manifest name but is not one.
pub const CONFIG_FILE: &str = ".tokenscope.yaml";

/// Whether a file name marks a manifest: `tokenscope.yaml` or `*.tokenscope.yaml`.
pub fn is_manifest_name(name: &str) -> bool {
    name == "tokenscope.yaml" || (name.ends_with(".tokenscope.yaml") && name != CONFIG_FILE)
}

/// Expands the paths given on the command line into manifest files, sorted within each
/// directory and de-duplicated. A directory without manifests, or a path that does not exist,
/// is an error (a CI gate that silently checks nothing is worse than one that fails).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(cause) => errors.push(InputError::Io {
                path: display_path(path),
                cause,
            }),
            Ok(meta) if meta.is_dir() => {
                let mut in_dir = walk(path, &mut errors);
                if in_dir.is_empty() {
                    errors.push(InputError::NoManifests {
                        path: display_path(path),
                    });
                }
                in_dir.sort();
                found.extend(in_dir);
            }
            Ok(_) => found.push(path.clone()),
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.clone()));
    (found, errors)
}

fn walk(dir: &Path, errors: &mut Vec<InputError>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry
                    .file_type()
                    .is_some_and(|t| t.is_file() || t.is_symlink());
                if is_file && is_manifest_name(&entry.file_name().to_string_lossy()) {
                    out.push(entry.into_path());
                }
            }
            Err(err) => errors.push(InputError::Io {
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
}
