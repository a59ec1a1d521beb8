//! `scan` on source trees it does not control (pull requests from forks): whatever the tree
//! holds, scan finishes in time proportional to it, writes only the manifest it means to, reads
//! only what it is allowed to, and prints nothing that drives the terminal.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Run, isolated_command};

/// Runs `scan` in `dir`. The generous time limit only catches a hang or a quadratic blow-up
/// (minutes); linear work takes seconds even in a debug build.
fn scan_in(dir: &Path, args: &[&str]) -> Run {
    isolated_command()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("binary runs")
        .into()
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

fn occurrences(doc: &serde_json::Value) -> usize {
    doc["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|e| e["occurrences"].as_array().map_or(0, Vec::len))
        .sum()
}

const MARKER: &str = "const TEXTER_BASE = process.env.TEXTER_BASE;\n";

#[test]
fn forty_thousand_paths_on_one_line_are_all_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "\"/chats/search\",".repeat(40_000);
    std::fs::write(
        dir.path().join("a.js"),
        format!("{MARKER}const all = [{line}];\n"),
    )
    .expect("write");
    let run = scan_in(dir.path(), &["--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(occurrences(&json(&run)), 40_000);
}

#[test]
fn a_two_megabyte_minified_line_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    const SNIPPETS: &[&str] = &[
        "function(e,t){return e.post(\"/chats/\"+t+\"/resolve\",{method:\"POST\"})}",
        "var a=TEXTER_BASE+\"/chats/search?q=\"+encodeURIComponent(q);",
        "x=/ab+c/g.test(s)?1:0;",
        "n.get('/labels/'+encodeURIComponent(l)).then(function(r){return r.data});",
        "u=a/b/c/d;é",
        "k={a:1,b:[2,3]};",
    ];
    let mut bundle = String::new();
    let mut i = 0;
    while bundle.len() < 2 * 1024 * 1024 {
        bundle.push_str(SNIPPETS[(i * 7 + i / 3) % SNIPPETS.len()]);
        i += 1;
    }
    std::fs::write(dir.path().join("app.min.js"), &bundle).expect("write");
    let run = scan_in(dir.path(), &["--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = bundle.matches("/resolve\"").count();
    let doc = json(&run);
    let resolve = doc["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .find(|e| e["name"] == "Resolve Chat")
        .expect("Resolve Chat found");
    assert_eq!(resolve["occurrences"].as_array().map(Vec::len), Some(calls));
}
