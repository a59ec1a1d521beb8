//! `docs/rules/<id>.md`: one page per rule, generated from the rule's own text, linked from
//! every finding (`help_url` in JSON, `helpUri` in SARIF). The committed pages must be what the
//! rules say today: `TOKENSCOPE_UPDATE_DOCS=1 cargo test --test rule_docs` rewrites them.

use std::path::Path;

use tokenscope::audit::REGISTRY;

fn index() -> String {
    let mut out = String::from(
        "# Rules\n\nEvery finding names one of these rules; the ids are stable and never renamed.\n\n| rule | default | what it reports |\n|---|---|---|\n",
    );
    for rule in REGISTRY {
        out.push_str(&format!(
            "| [`{id}`]({id}.md) | {level} | {summary} |\n",
            id = rule.id,
            level = rule.default_severity,
            summary = rule.summary.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn every_rule_has_a_current_docs_page() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let update = std::env::var_os("TOKENSCOPE_UPDATE_DOCS").is_some();
    let mut pages: Vec<(std::path::PathBuf, String)> = REGISTRY
        .iter()
        .map(|r| (dir.join(format!("{}.md", r.id)), r.docs_page()))
        .collect();
    pages.push((dir.join("README.md"), index()));
    if update {
        std::fs::create_dir_all(&dir).expect("mkdir");
        for (path, text) in &pages {
            std::fs::write(path, text).expect("write");
        }
    }
    for (path, text) in &pages {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            &committed,
            text,
            "{} is stale: run `TOKENSCOPE_UPDATE_DOCS=1 cargo test --test rule_docs`",
            path.display()
        );
    }
    // No page for a rule that no longer exists.
    let files = std::fs::read_dir(&dir).expect("docs/rules").count();
    assert_eq!(files, pages.len());
}

#[test]
fn findings_link_to_their_rule_page() {
    for rule in REGISTRY {
        let url = rule.docs_url();
        assert!(
            url.ends_with(&format!("/docs/rules/{}.md", rule.id)),
            "{url}"
        );
        assert!(url.starts_with("https://"), "{url}");
    }
}
