//! Manifest parsing, reference resolution, the audit, suggest's rewrite and the human rendering
//! of what comes out, on arbitrary bytes. Beyond "no panic": a report stays proportional to its
//! input and never carries a control character from it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokenscope::audit::{AuditOptions, TokenAnalysis, audit};
use tokenscope::manifest::Manifest;
use tokenscope::render::human::HumanRenderer;
use tokenscope::source::SourceFile;
use tokenscope::suggest::write::rewrite_scopes;
use tokenscope::suggest::{TokenSuggestion, scope_set};
use tokenscope::table::{ScopeSet, Table};

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::embedded().unwrap_or_else(|e| panic!("embedded table: {e:?}")))
}

/// What one rendered finding or error may cost at most, whatever the input.
const MAX_RENDERED: usize = 16 * 1024;

fn check_rendered(text: &str) {
    assert!(text.len() <= MAX_RENDERED, "{} bytes for one diagnostic", text.len());
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a raw control character reached the output: {text:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = SourceFile::from_bytes("fuzz.tokenscope.yaml".into(), data.to_vec()) else {
        return;
    };
    let renderer = HumanRenderer::new(false);
    let manifest = match Manifest::parse(file, "texter") {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                let mut out = String::new();
                renderer.diagnostic(&mut out, e);
                check_rendered(&out);
            }
            return;
        }
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
    if let Ok(report) = audit(table(), manifest, AuditOptions::default()) {
        for f in &report.findings {
            let mut out = String::new();
            renderer.finding(&mut out, f, &report.manifest.file);
            check_rendered(&out);
        }
    }
});
