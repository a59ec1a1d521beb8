//! Precision and recall of `tokenscope scan` on a corpus of application trees shaped like real
//! code that calls Texter (and code that only looks as if it did).
//!
//! Every directory under `tests/fixtures/corpus/` is one project; `<name>.expected` beside it
//! lists what scan must report, one line each:
//!
//! ```text
//! call POST /chats/assign cmd/resolver/main.go:21     a call of an endpoint
//! mention GET /labels docs/api.md:7                   a prose or comment mention
//! unresolved scripts/label.sh:4                       a call whose method cannot be known
//! ```
//!
//! Anything reported that is not listed lowers precision; anything listed and not reported
//! lowers recall. Both must be 1.
//!
//! `tests/fixtures/corpus-apis/<api>/` holds trees that call other APIs, scored the same way:
//! scanned with `<api>/table.yaml` when there is one (a small table of an API that has no
//! built-in), else with `--api <api>`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::tokenscope_in;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
const API_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus-apis");

/// What scan reports for one tree, in the expected file's form; `table` are the flags that
/// choose the API.
fn reported(tree: &Path, table: &[&str]) -> BTreeSet<String> {
    let mut args: Vec<&str> = table.to_vec();
    args.extend(["scan", "--format", "json", "."]);
    let run = tokenscope_in(tree, &args);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{}: {e}: {}{}", tree.display(), run.stdout, run.stderr));
    let mut out = BTreeSet::new();
    for ep in doc["endpoints"].as_array().expect("endpoints") {
        for o in ep["occurrences"].as_array().expect("occurrences") {
            let kind = if o["prose"] == true {
                "mention"
            } else {
                "call"
            };
            out.insert(format!(
                "{kind} {} {} {}:{}",
                ep["method"].as_str().unwrap_or("?"),
                ep["path"].as_str().unwrap_or("?"),
                o["file"].as_str().unwrap_or("?"),
                o["line"]
            ));
        }
    }
    for u in doc["unresolved"].as_array().expect("unresolved") {
        out.insert(format!(
            "unresolved {}:{}",
            u["file"].as_str().unwrap_or("?"),
            u["line"]
        ));
    }
    out
}

fn expected(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The project trees under `dir`, in order.
fn trees(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut trees: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    trees.sort();
    trees
}

/// Scores every tree against its expected file: (right, found, wanted, what differs).
fn score(trees: &[std::path::PathBuf], table: &[&str]) -> (usize, usize, usize, String) {
    let (mut right, mut found, mut wanted) = (0usize, 0usize, 0usize);
    let mut report = String::new();
    for tree in trees {
        let got = reported(tree, table);
        let want = expected(&tree.with_extension("expected"));
        let hits = got.intersection(&want).count();
        let name = tree.file_name().unwrap_or_default().to_string_lossy();
        for extra in got.difference(&want) {
            report.push_str(&format!("{name}: invented  {extra}\n"));
        }
        for missed in want.difference(&got) {
            report.push_str(&format!("{name}: missed    {missed}\n"));
        }
        right += hits;
        found += got.len();
        wanted += want.len();
    }
    (right, found, wanted, report)
}

#[test]
fn scan_finds_every_call_in_the_corpus_and_invents_none() {
    let trees = trees(Path::new(CORPUS));
    assert!(trees.len() >= 6, "the corpus has {} trees", trees.len());
    let (right, found, wanted, report) = score(&trees, &[]);
    let precision = right as f64 / found.max(1) as f64;
    let recall = right as f64 / wanted.max(1) as f64;
    assert!(
        report.is_empty() && right == found && right == wanted,
        "precision {precision:.3}, recall {recall:.3} over {} trees\n{report}",
        trees.len()
    );
}

#[test]
fn scan_finds_every_call_of_other_apis_and_invents_none() {
    let mut apis = 0;
    let mut all = String::new();
    for dir in trees(Path::new(API_CORPUS)) {
        let api = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let table_file = dir.join("table.yaml");
        let table_path = table_file.to_string_lossy().into_owned();
        let table: Vec<&str> = if table_file.exists() {
            vec!["--table", &table_path]
        } else {
            vec!["--api", &api]
        };
        let trees = trees(&dir);
        assert!(!trees.is_empty(), "{api}: no trees");
        let (right, found, wanted, report) = score(&trees, &table);
        // Every tree lists calls, so a scan that finds nothing cannot pass.
        assert!(wanted > 0, "{api}: nothing expected");
        if !(report.is_empty() && right == found && right == wanted) {
            all.push_str(&format!(
                "{api}: precision {:.3}, recall {:.3} over {} trees\n{report}",
                right as f64 / found.max(1) as f64,
                right as f64 / wanted.max(1) as f64,
                trees.len()
            ));
        }
        apis += 1;
    }
    assert!(apis >= 3, "the API corpus has {apis} APIs");
    assert!(all.is_empty(), "{all}");
}
