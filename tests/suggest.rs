//! End-to-end tests of `tokenscope suggest`: outputs, ad hoc mode, and `--write` round trips.

mod common;

use common::tokenscope;

use std::path::{Path, PathBuf};

use tokenscope::manifest::Manifest;
use tokenscope::source::SourceFile;

/// Copies a fixture into a fresh temporary directory.
fn scratch(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let target = dir.path().join(source.file_name().expect("file name"));
    std::fs::copy(&source, &target).expect("copy fixture");
    (dir, target)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The text with every token's `scopes:` list cut out (from its key's line to its last entry's
/// line), so two versions can be compared on everything else.
fn outside_scopes(text: &str) -> String {
    let manifest =
        Manifest::parse(SourceFile::new("m.yaml", text.to_owned())).expect("manifest parses");
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for token in &manifest.tokens {
        let Some(list) = &token.scopes else { continue };
        let key_line = text[..list.key.span.offset]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if text[key_line..list.key.span.offset].trim().is_empty() {
            let last = list
                .entries
                .last()
                .map_or(list.span.end(), |e| e.span.end())
                .max(list.span.end());
            let end = text[last..].find('\n').map_or(text.len(), |i| last + i + 1);
            cuts.push((key_line, end));
        } else {
            // A flow-style token (`t: {scopes: [...], ...}`): cut just the list.
            cuts.push((list.span.offset, list.span.end() + 1));
        }
    }
    cuts.sort();
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in cuts {
        out.push_str(&text[at..start]);
        // Cut without a marker, so a `scopes:` list added to a token compares equal too.
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn scope_findings(manifest: &Path) -> Vec<String> {
    let run = tokenscope(&["audit", "--format", "json", path_str(manifest)]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["errors"], serde_json::json!([]), "{}", run.stdout);
    doc["manifests"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule"] == "missing-scope"
                || f["rule"] == "excess-scope"
                || f["rule"] == "unknown-scope"
                || f["rule"] == "duplicate-scope"
        })
        .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const ROUND_TRIP: &[&str] = &[
    "tests/fixtures/suggest/styles.tokenscope.yaml",
    "tests/fixtures/suggest/split.tokenscope.yaml",
    "tests/fixtures/clean/tokenscope.yaml",
    "examples/crm-sync.tokenscope.yaml",
    "examples/marketing/tokenscope.yaml",
];

#[test]
fn write_then_audit_is_clean_and_only_scopes_lists_change() {
    for fixture in ROUND_TRIP {
        let (_dir, path) = scratch(fixture);
        let before = std::fs::read_to_string(&path).expect("read");
        let run = tokenscope(&["suggest", "--write", path_str(&path)]);
        assert_eq!(run.code, 0, "{fixture}: {}{}", run.stdout, run.stderr);
        let after = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            scope_findings(&path),
            Vec::<String>::new(),
            "{fixture}:\n{after}"
        );
        assert_eq!(
            outside_scopes(&before),
            outside_scopes(&after),
            "{fixture}: only scopes lists may change"
        );
        // Idempotent: a second write changes nothing.
        let again = tokenscope(&["suggest", "--write", path_str(&path)]);
        assert_eq!(again.code, 0);
        assert!(
            again.stderr.contains("already minimal"),
            "{fixture}: {}",
            again.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            after,
            "{fixture}"
        );
    }
}

#[test]
fn write_keeps_crlf_line_endings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crlf.tokenscope.yaml");
    let text = "integration: x\r\ntokens:\r\n  t:\r\n    scopes:\r\n      - Manage labels   # note\r\n      - View quick replies\r\n    endpoints:\r\n      - Search Chats\r\n      - Create Label\r\n";
    std::fs::write(&path, text).expect("write");
    assert_eq!(tokenscope(&["suggest", "--write", path_str(&path)]).code, 0);
    let after = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        after,
        "integration: x\r\ntokens:\r\n  t:\r\n    scopes:\r\n      - Manage labels   # note\r\n      - List all chats\r\n    endpoints:\r\n      - Search Chats\r\n      - Create Label\r\n"
    );
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let (_dir, path) = scratch("tests/fixtures/suggest/styles.tokenscope.yaml");
    let before = std::fs::read_to_string(&path).expect("read");
    let run = tokenscope(&["suggest", "--dry-run", path_str(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
    let diff = run
        .stdout
        .replace(path_str(&path), "styles.tokenscope.yaml");
    insta::assert_snapshot!("dry_run_styles", diff);
}

#[test]
fn split_write_replaces_tokens_and_audits_clean() {
    let (_dir, path) = scratch("tests/fixtures/suggest/split.tokenscope.yaml");
    let run = tokenscope(&["suggest", "--split-by-area", "--write", path_str(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).expect("read");
    insta::assert_snapshot!("split_written", after);
    assert_eq!(scope_findings(&path), Vec::<String>::new());
    let audit = tokenscope(&["audit", "--format", "json", path_str(&path)]);
    let doc: serde_json::Value = serde_json::from_str(&audit.stdout).expect("JSON");
    let broad: Vec<&str> = doc["manifests"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "broad-token")
        .filter_map(|f| f["token"].as_str())
        .collect();
    assert_eq!(
        broad,
        ["hooks"],
        "split tokens are one area each; `hooks` was not worth splitting"
    );
}

#[test]
fn unresolved_references_block_the_write() {
    let (_dir, path) = scratch("examples/support-bot.tokenscope.yaml");
    let before = std::fs::read_to_string(&path).expect("read");
    let run = tokenscope(&["suggest", "--write", "--color", "never", path_str(&path)]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("refusing to write"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        before,
        "the file is untouched"
    );
}

#[test]
fn human_and_json_outputs() {
    let run = tokenscope(&[
        "suggest",
        "--color",
        "never",
        "examples/support-bot.tokenscope.yaml",
    ]);
    assert_eq!(
        run.code, 1,
        "unresolved references make the suggestion incomplete"
    );
    insta::assert_snapshot!("human_support_bot", run.stdout);
    let run = tokenscope(&[
        "suggest",
        "--split-by-area",
        "tests/fixtures/suggest/split.tokenscope.yaml",
    ]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("human_split", run.stdout);
    let run = tokenscope(&[
        "suggest",
        "--split-by-area",
        "--format",
        "json",
        "tests/fixtures/suggest/split.tokenscope.yaml",
    ]);
    insta::assert_snapshot!("json_split", run.stdout);
    let run = tokenscope(&[
        "suggest",
        "--format",
        "json",
        "tests/fixtures/suggest/styles.tokenscope.yaml",
    ]);
    insta::assert_snapshot!("json_styles", run.stdout);
}

#[test]
fn ad_hoc_endpoints() {
    let run = tokenscope(&[
        "suggest",
        "--endpoint",
        "Send Template Message",
        "--endpoint",
        "GET /whatsapp/templates",
        "--endpoint",
        "POST /files/share/abc",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("ad_hoc_human", run.stdout);
    let run = tokenscope(&[
        "suggest",
        "--format",
        "json",
        "--split-by-area",
        "--endpoint",
        "Search Chats",
        "--endpoint",
        "Create Label",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["manifests"][0]["path"], serde_json::Value::Null);
    assert_eq!(doc["manifests"][0]["tokens"][0]["name"], "token");
    insta::assert_snapshot!("ad_hoc_json", run.stdout);
    let run = tokenscope(&["suggest", "--endpoint", "List All Labels"]);
    assert_eq!(
        run.stdout,
        "These endpoints work with any valid token: the token needs no scope.\n"
    );
}

#[test]
fn ad_hoc_unknown_or_ambiguous_references_are_findings_in_every_format() {
    let args = [
        "suggest",
        "--color",
        "never",
        "--endpoint",
        "Send Tempalte Message",
        "--endpoint",
        "/labels",
        "--endpoint",
        "Create Label",
    ];
    let run = tokenscope(&args);
    assert_eq!(run.code, 1, "the suggestion is incomplete: {}", run.all());
    assert!(
        run.stdout.contains("did you mean `Send Template Message"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("List All Labels (GET /labels), Create Label (POST /labels)"),
        "{}",
        run.stdout
    );
    // What did resolve is still suggested.
    assert!(run.stdout.contains("[ ] Manage labels"), "{}", run.stdout);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let run = tokenscope(&json_args);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let rules: Vec<&str> = doc["manifests"][0]["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["rule"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(rules, ["unknown-endpoint", "ambiguous-endpoint"]);
    assert_eq!(doc["manifests"][0]["path"], serde_json::Value::Null);
}

#[test]
fn usage_errors() {
    assert_eq!(tokenscope(&["suggest"]).code, 2);
    assert_eq!(
        tokenscope(&["suggest", "--write", "--endpoint", "Search Chats"]).code,
        2
    );
    assert_eq!(
        tokenscope(&[
            "suggest",
            "examples/crm-sync.tokenscope.yaml",
            "--endpoint",
            "Search Chats"
        ])
        .code,
        2
    );
}

#[test]
fn one_exit_contract_for_suggest_dry_run_and_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.tokenscope.yaml");
    let text = "integration: x\ntokens:\n  t:\n    scopes: [Mange labels]\n    endpoints: [Create Label]\n";
    std::fs::write(&path, text).expect("write");
    let file = path.to_string_lossy().into_owned();
    // The manifest names a scope that does not exist: the suggestion says so, exit 1.
    assert_eq!(tokenscope(&["suggest", &file]).code, 1);
    let dry = tokenscope(&["suggest", "--dry-run", &file]);
    assert_eq!(dry.code, 1, "{}", dry.all());
    assert!(
        dry.stdout.contains("-    scopes: [Mange labels]"),
        "{}",
        dry.stdout
    );
    // --write replaces the list, unknown name included, and says what it dropped: exit 0.
    let write = tokenscope(&["suggest", "--write", &file]);
    assert_eq!(write.code, 0, "{}", write.all());
    assert!(
        write
            .stderr
            .contains("dropped 1 name that is no scope of the table: `Mange labels`"),
        "{}",
        write.stderr
    );
    assert_eq!(tokenscope(&["suggest", &file]).code, 0);
}
