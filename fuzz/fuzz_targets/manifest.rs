//! Manifest parsing, reference resolution, the audit, and suggest's rewrite, on arbitrary bytes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokenscope::audit::{AuditOptions, TokenAnalysis, audit};
use tokenscope::manifest::Manifest;
use tokenscope::source::SourceFile;
use tokenscope::suggest::write::rewrite_scopes;
use tokenscope::suggest::{TokenSuggestion, scope_set};
use tokenscope::table::{ScopeSet, Table};

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::embedded().unwrap_or_else(|e| panic!("embedded table: {e:?}")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = SourceFile::from_bytes("fuzz.tokenscope.yaml".into(), data.to_vec()) else {
        return;
    };
    let Ok(manifest) = Manifest::parse(file, "texter") else {
        return;
    };
    let plans: Vec<(usize, ScopeSet)> = manifest
        .tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.scopes.is_some())
        .map(|(i, t)| {
            let analysis = TokenAnalysis::new(table(), t);
            (i, scope_set(&TokenSuggestion::from_analysis(&analysis, &ScopeSet::new(), true).minimal))
        })
        .collect();
    let _ = rewrite_scopes(&manifest, table(), &plans);
    let _ = audit(table(), manifest, AuditOptions::default());
});
