//! End-to-end tests of `tokenscope diff`.

mod common;

use common::{tokenscope, tokenscope_in};

use std::path::Path;

const OLD: &str = "tests/fixtures/diff/old.tokenscope.yaml";
const NEW: &str = "tests/fixtures/diff/new.tokenscope.yaml";

#[test]
fn outputs() {
    insta::assert_snapshot!("diff_human", tokenscope(&["diff", OLD, NEW]).stdout);
    insta::assert_snapshot!(
        "diff_markdown",
        tokenscope(&["diff", "--format", "markdown", OLD, NEW]).stdout
    );
    let json = tokenscope(&["diff", "--format", "json", OLD, NEW]).stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["risk_increase"], true);
    insta::assert_snapshot!("diff_json", json);
}

#[test]
fn escalation_fails_only_when_asked() {
    assert_eq!(tokenscope(&["diff", OLD, NEW]).code, 0);
    assert_eq!(
        tokenscope(&["diff", "--fail-on-escalation", OLD, NEW]).code,
        1
    );
    // The other way round, scopes are only removed: no escalation.
    let back = tokenscope(&["diff", "--fail-on-escalation", NEW, OLD]);
    assert_eq!(back.code, 0, "{}", back.stdout);
    assert_eq!(
        tokenscope(&["diff", "--fail-on-escalation", OLD, OLD])
            .stdout
            .lines()
            .nth(1),
        Some("no token, scope or endpoint changed")
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    assert_eq!(tokenscope(&["diff", OLD]).code, 2);
    assert_eq!(tokenscope(&["diff", "--git", "HEAD", OLD, NEW]).code, 2);
    assert_eq!(
        tokenscope(&[
            "diff",
            OLD,
            "tests/fixtures/malformed/syntax.tokenscope.yaml"
        ])
        .code,
        2
    );
    assert_eq!(
        tokenscope(&["diff", "--git", "--upload-pack=x", OLD]).code,
        2,
        "a ref never becomes a git option"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn against_a_git_ref() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("svc")).expect("dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    std::fs::copy(
        fixtures.join("old.tokenscope.yaml"),
        repo.join("svc/tokenscope.yaml"),
    )
    .expect("copy");
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "old"]);
    std::fs::copy(
        fixtures.join("new.tokenscope.yaml"),
        repo.join("svc/tokenscope.yaml"),
    )
    .expect("copy");
    let run = tokenscope_in(
        repo,
        &[
            "diff",
            "--format",
            "json",
            "--git",
            "HEAD",
            "svc/tokenscope.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let from_git: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let from_files: serde_json::Value =
        serde_json::from_str(&tokenscope(&["diff", "--format", "json", OLD, NEW]).stdout)
            .expect("JSON");
    assert_eq!(from_git["tokens"], from_files["tokens"]);
    assert_eq!(from_git["old"], "HEAD:svc/tokenscope.yaml");
    // From inside the subdirectory too.
    let inner = tokenscope_in(
        &repo.join("svc"),
        &[
            "diff",
            "--format",
            "json",
            "--git",
            "HEAD",
            "tokenscope.yaml",
        ],
    );
    assert_eq!(inner.code, 0, "{}", inner.stderr);
    // A manifest new since the ref: every token is added.
    std::fs::copy(
        fixtures.join("new.tokenscope.yaml"),
        repo.join("svc/other.tokenscope.yaml"),
    )
    .expect("copy");
    let added = tokenscope_in(
        repo,
        &[
            "diff",
            "--format",
            "json",
            "--git",
            "HEAD",
            "svc/other.tokenscope.yaml",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&added.stdout).expect("JSON");
    assert!(
        doc["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .all(|t| t["status"] == "added"),
        "{}",
        added.stdout
    );
    let bad = tokenscope_in(
        repo,
        &["diff", "--git", "no-such-ref", "svc/tokenscope.yaml"],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no-such-ref"), "{}", bad.stderr);
}
