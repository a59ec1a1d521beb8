//! The manifest JSON Schema: committed, current, and in agreement with the parser.

use std::path::Path;

use assert_cmd::Command;
use tokenscope::source::SourceFile;
use tokenscope::yaml::{self, Limits, Node, NodeKind};

fn tokenscope(args: &[&str]) -> (String, i32) {
    let output = Command::cargo_bin("tokenscope")
        .expect("binary builds")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn committed_schema_is_current() {
    let (generated, code) = tokenscope(&["schema"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string("schema/manifest.schema.json")
        .expect("schema/manifest.schema.json exists");
    assert!(
        committed == generated,
        "schema/manifest.schema.json is stale: run `cargo run -- schema > schema/manifest.schema.json`"
    );
}

/// YAML (as tokenscope reads it) to JSON, for validating manifests against the schema.
fn to_json(node: &Node) -> serde_json::Value {
    match &node.kind {
        NodeKind::Null => serde_json::Value::Null,
        NodeKind::Str(s) => serde_json::Value::String(s.clone()),
        NodeKind::Typed { raw, .. } => {
            serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.clone()))
        }
        NodeKind::Seq(items) => items.iter().map(to_json).collect(),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let key = match &k.kind {
                    NodeKind::Str(s) => s.clone(),
                    NodeKind::Typed { raw, .. } => raw.clone(),
                    _ => String::new(),
                };
                (key, to_json(v))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn manifest_json(path: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("fixture");
    let node = yaml::parse(&SourceFile::new(path, text), Limits::MANIFEST).expect("YAML parses");
    to_json(&node)
}

#[test]
fn schema_accepts_what_the_tool_accepts_and_rejects_what_it_rejects() {
    let schema: serde_json::Value =
        serde_json::from_str(&tokenscope(&["schema"]).0).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for valid in [
        "examples/crm-sync.tokenscope.yaml",
        "examples/support-bot.tokenscope.yaml",
        "examples/marketing/tokenscope.yaml",
        "tests/fixtures/clean/tokenscope.yaml",
        "tests/fixtures/mistakes/every-mistake.tokenscope.yaml",
        "tests/fixtures/suggest/styles.tokenscope.yaml",
        "tests/fixtures/suggest/split.tokenscope.yaml",
    ] {
        let errors: Vec<String> = validator
            .iter_errors(&manifest_json(valid))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{valid}: {errors:?}");
    }
    for invalid in [
        "tests/fixtures/malformed/unknown-keys.tokenscope.yaml",
        "tests/fixtures/malformed/wrong-types.tokenscope.yaml",
        "tests/fixtures/malformed/missing-keys.tokenscope.yaml",
    ] {
        assert!(
            !validator.is_valid(&manifest_json(invalid)),
            "{invalid} must be rejected"
        );
    }
    let bad_rule = serde_json::json!({"integration": "x", "tokens": {"t": {"ignore": [{"rule": "excess-scop"}]}}});
    assert!(!validator.is_valid(&bad_rule));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (script, code) = tokenscope(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(
            script.contains("tokenscope") && script.contains("suggest"),
            "{shell}"
        );
    }
    let (man, code) = tokenscope(&["man"]);
    assert_eq!(code, 0);
    assert!(man.contains(".TH tokenscope 1"), "{man}");
    assert_eq!(tokenscope(&["completions", "tcsh"]).1, 2);
}

#[test]
fn an_api_schema_accepts_its_manifests_and_rejects_foreign_kinds() {
    let github: serde_json::Value =
        serde_json::from_str(&tokenscope(&["--api", "github", "schema"]).0).expect("schema JSON");
    let generic: serde_json::Value =
        serde_json::from_str(&tokenscope(&["schema"]).0).expect("schema JSON");
    let texter: serde_json::Value =
        serde_json::from_str(&tokenscope(&["--api", "texter", "schema"]).0).expect("schema JSON");
    let github = jsonschema::validator_for(&github).expect("schema compiles");
    let generic = jsonschema::validator_for(&generic).expect("schema compiles");
    let texter = jsonschema::validator_for(&texter).expect("schema compiles");
    for path in [
        "examples/github/dependency-updater.tokenscope.yaml",
        "examples/github/issue-triage.tokenscope.yaml",
        "examples/github/release-bot.tokenscope.yaml",
    ] {
        let manifest = manifest_json(path);
        assert!(github.is_valid(&manifest), "{path}");
        assert!(generic.is_valid(&manifest), "{path}");
        // Its `api:` and `kind:` are not Texter's.
        assert!(!texter.is_valid(&manifest), "{path}");
    }
    let mut wrong_kind = manifest_json("examples/github/issue-triage.tokenscope.yaml");
    wrong_kind["tokens"]["triage-app"]["kind"] = "github-ap".into();
    assert!(!github.is_valid(&wrong_kind));
    assert!(texter.is_valid(&manifest_json("examples/crm-sync.tokenscope.yaml")));
}
