//! Text a document needs after something it only knows at the end (totals in a header): kept
//! in memory while small, in an unnamed temporary file beyond that, so memory stays flat
//! however many inputs a run has.

use std::io::{self, Seek, Write};

/// Kept in memory up to this many bytes.
const IN_MEMORY: usize = 8 << 20;

pub struct Spill {
    file: tempfile::SpooledTempFile,
    empty: bool,
}

impl Default for Spill {
    fn default() -> Self {
        Spill {
            file: tempfile::spooled_tempfile(IN_MEMORY),
            empty: true,
        }
    }
}

impl Spill {
    pub fn push(&mut self, text: &str) -> io::Result<()> {
        self.empty &= text.is_empty();
        self.file.write_all(text.as_bytes())
    }

    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Copies everything pushed so far to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.file.seek(io::SeekFrom::Start(0))?;
        io::copy(&mut self.file, out)?;
        self.file.seek(io::SeekFrom::End(0))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_in_order_past_the_memory_bound() {
        let mut spill = Spill::default();
        assert!(spill.is_empty());
        let line = "x".repeat(1000) + "\n";
        let mut expected = String::new();
        for i in 0..(IN_MEMORY / 1000 + 10) {
            let text = format!("{i} {line}");
            spill.push(&text).expect("push");
            expected.push_str(&text);
        }
        assert!(!spill.is_empty());
        let mut out = Vec::new();
        spill.copy_to(&mut out).expect("copy");
        assert_eq!(out, expected.as_bytes());
    }
}
