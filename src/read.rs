//! Reading input files: size-capped, never blocking on a pipe or device, and checked to be
//! UTF-8 text before anything parses them.

use std::io::Read;
use std::path::Path;

use crate::error::InputError;
use crate::source::{SourceFile, display_path};

impl SourceFile {
    /// Reads a text file, refusing files over `max_bytes`, binary files and invalid UTF-8 with
    /// a diagnostic instead of a panic or a silently mangled string.
    pub fn read(path: &Path, max_bytes: u64) -> Result<Self, InputError> {
        let display = display_path(path);
        let io_err = |cause: std::io::Error| InputError::Io {
            path: display.clone(),
            cause,
        };
        // Look before opening: opening a FIFO or a device could block or never end.
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(InputError::IsDirectory { path: display });
        }
        if !meta.is_file() {
            return Err(InputError::NotAFile { path: display });
        }
        let file = std::fs::File::open(path).map_err(io_err)?;
        if meta.len() > max_bytes {
            return Err(InputError::TooLarge {
                path: display,
                size: meta.len(),
                limit: max_bytes,
            });
        }
        // The size can change between stat and read (or lie, for special files).
        Self::read_capped(file, display, max_bytes, meta.len() as usize)
    }

    /// Reads at most one byte past `max_bytes`, so an oversized stream is refused without
    /// reading it all, then checks that the bytes are text.
    fn read_capped(
        reader: impl Read,
        display: String,
        max_bytes: u64,
        capacity: usize,
    ) -> Result<Self, InputError> {
        let mut bytes = Vec::with_capacity(capacity);
        reader
            .take(max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|cause| InputError::Io {
                path: display.clone(),
                cause,
            })?;
        if bytes.len() as u64 > max_bytes {
            return Err(InputError::TooLarge {
                path: display,
                size: bytes.len() as u64,
                limit: max_bytes,
            });
        }
        Self::from_bytes(display, bytes)
    }

    /// Reads standard input as a text file named `display`, refusing more than `max_bytes`
    /// (read at most one byte past it) as `read` does.
    pub fn read_stdin(display: String, max_bytes: u64) -> Result<Self, InputError> {
        Self::read_capped(std::io::stdin().lock(), display, max_bytes, 0)
    }

    /// Checks that bytes are text (UTF-8, no NUL) and wraps them.
    pub fn from_bytes(path: String, bytes: Vec<u8>) -> Result<Self, InputError> {
        if let Some(pos) = memchr_nul(&bytes) {
            let (line, column) = line_col_lossy(&bytes, pos);
            return Err(InputError::Binary { path, line, column });
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(path, text)),
            Err(err) => {
                let pos = err.utf8_error().valid_up_to();
                let (line, column) = line_col_lossy(err.as_bytes(), pos);
                Err(InputError::NotUtf8 { path, line, column })
            }
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

fn line_col_lossy(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_invalid_utf8_are_refused_with_a_position() {
        let err = SourceFile::from_bytes("b".into(), b"a: 1\nb\0".to_vec()).unwrap_err();
        assert!(matches!(
            err,
            InputError::Binary {
                line: 2,
                column: 2,
                ..
            }
        ));
        let err = SourceFile::from_bytes("u".into(), b"a: \xff".to_vec()).unwrap_err();
        assert!(matches!(
            err,
            InputError::NotUtf8 {
                line: 1,
                column: 4,
                ..
            }
        ));
    }
}
