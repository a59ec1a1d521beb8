//! Scope table loading and validation on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenscope::source::SourceFile;
use tokenscope::table::Table;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = SourceFile::from_bytes("fuzz-table.yaml".into(), data.to_vec()) {
        let _ = Table::load(file);
    }
});
