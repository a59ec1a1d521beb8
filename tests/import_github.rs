//! `tokenscope table import github-docs`: the committed GitHub table is what the importer makes
//! of the committed upstream files, it loads, and it says what the upstream data says.

mod common;

use std::collections::BTreeMap;

use common::{read, tokenscope, yaml};
use serde_json::Value;

const UP: &str = "tables/upstream/github-docs";
const TABLE: &str = "tables/github.yaml";

/// The arguments `scripts/import-github.sh` passes (checked against the script below).
const COMMITS: [&str; 3] = [
    "fine-grained-pat-permissions.json=0a351d98e5f6fd3761558ef3bc4ea55c8813729a",
    "server-to-server-permissions.json=02ac71cd67f12f791665800215adb392e5bbea21",
    "fine-grained-pat.json=02b29a7b4b0bcfc669748f52e15db877a531609a",
];
const RETRIEVED: &str = "2026-11-24";

fn upstream(name: &str) -> String {
    format!("{UP}/{name}")
}

/// The import command over `files`, with the script's commits and date.
fn import_args(files: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec!["table".into(), "import".into(), "github-docs".into()];
    args.extend(files.iter().cloned());
    for commit in COMMITS {
        args.push("--commit".into());
        args.push(commit.into());
    }
    args.push("--retrieved".into());
    args.push(RETRIEVED.into());
    args
}

fn run_import(files: &[String]) -> common::Run {
    let args = import_args(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tokenscope(&args)
}

fn the_three_files() -> Vec<String> {
    [
        "fine-grained-pat-permissions.json",
        "server-to-server-permissions.json",
        "fine-grained-pat.json",
    ]
    .iter()
    .map(|n| upstream(n))
    .collect()
}

/// A table's text as a JSON value.
/// Endpoints by `METHOD path`.
fn endpoints(table: &Value) -> BTreeMap<String, &Value> {
    table["endpoints"]
        .as_array()
        .unwrap_or_else(|| panic!("endpoints"))
        .iter()
        .map(|e| {
            let key = format!(
                "{} {}",
                e["method"].as_str().unwrap_or(""),
                e["path"].as_str().unwrap_or("")
            );
            (key, e)
        })
        .collect()
}

/// What an endpoint requires of a kind of token: its `requires_by_kind` entry, else `requires`.
fn requirement(endpoint: &Value, kind: &str) -> Vec<Vec<String>> {
    let req = match endpoint.get("requires_by_kind").and_then(|k| k.get(kind)) {
        Some(r) => r,
        None => &endpoint["requires"],
    };
    serde_json::from_value(req.clone()).unwrap_or_else(|e| panic!("{endpoint}: {e}"))
}

#[test]
fn the_committed_table_is_what_the_importer_prints() {
    let run = run_import(&the_three_files());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout == read(TABLE),
        "tables/github.yaml is out of date: run scripts/import-github.sh"
    );
    // The script passes the same arguments.
    let script = read("scripts/import-github.sh");
    for arg in COMMITS.iter().chain([&RETRIEVED]) {
        assert!(script.contains(arg), "scripts/import-github.sh lacks {arg}");
    }
}

#[test]
fn the_committed_table_loads() {
    let run = tokenscope(&["--table", TABLE, "table", "check", TABLE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = tokenscope(&["--table", TABLE, "table", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table = yaml(&read(TABLE));
    assert_eq!(table["api"], "github");
    assert_eq!(
        table["token_kinds"],
        serde_json::json!(["fine-grained-pat", "github-app", "github-app-user"])
    );
    assert_eq!(table["retrieved"], RETRIEVED);
    let source = table["source"].as_str().unwrap_or("");
    for commit in COMMITS {
        let (name, sha) = commit.split_once('=').unwrap_or_default();
        assert!(source.contains(&format!("{name} @ {sha}")), "{source}");
    }
}

#[test]
fn a_rest_category_file_gives_exact_documented_sets() {
    let run = tokenscope(&[
        "table",
        "import",
        "github-docs",
        "tests/fixtures/github-docs/git.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table = yaml(&run.stdout);
    let eps = endpoints(&table);
    assert_eq!(eps.len(), 13);
    for (key, e) in &eps {
        assert_eq!(e["evidence"], "documented", "{key}");
        assert!(e.get("evidence_reason").is_none(), "{key}");
        assert!(
            e.get("requires_by_kind").is_none(),
            "every kind alike: {key}"
        );
        let write = !key.starts_with("GET ");
        let expected = match key.as_str() {
            "POST /repos/{owner}/{repo}/git/refs"
            | "PATCH /repos/{owner}/{repo}/git/refs/{ref}" => {
                vec![
                    vec!["contents:write".to_owned()],
                    vec!["contents:write".to_owned(), "workflows:write".to_owned()],
                ]
            }
            _ if write => vec![vec!["contents:write".to_owned()]],
            _ => vec![vec!["contents:read".to_owned()]],
        };
        assert_eq!(requirement(e, "fine-grained-pat"), expected, "{key}");
    }
    let refs = eps["POST /repos/{owner}/{repo}/git/refs"];
    assert_eq!(refs["name"], "Create a reference");
    assert_eq!(
        refs["source"],
        "https://docs.github.com/en/rest/git/refs#create-a-reference"
    );
}

#[test]
fn rest_category_files_replace_the_flattened_data_they_cover() {
    let mut files = the_three_files();
    files.push("tests/fixtures/github-docs/git.json".into());
    let run = run_import(&files);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("contradicts"), "{}", run.stderr);
    let table = yaml(&run.stdout);
    let eps = endpoints(&table);
    let refs = eps["POST /repos/{owner}/{repo}/git/refs"];
    assert_eq!(refs["evidence"], "documented");
    for kind in ["fine-grained-pat", "github-app", "github-app-user"] {
        assert_eq!(requirement(refs, kind).len(), 2, "{kind}");
    }
    // Without the category file the same operation is an inference.
    let committed = yaml(&read(TABLE));
    let flat = endpoints(&committed)["POST /repos/{owner}/{repo}/git/refs"];
    assert_eq!(flat["evidence"], "inferred");
    assert_eq!(requirement(flat, "fine-grained-pat"), [["contents:write"]]);
}

/// Every record GitHub documents as sufficient alone is the table's requirement for that kind
/// of token; every operation it flattens is marked inferred, with a reason.
#[test]
fn the_table_says_what_the_upstream_records_say() {
    let table = yaml(&read(TABLE));
    let eps = endpoints(&table);
    let mut upstream_ops = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (file, app) in [
        ("fine-grained-pat-permissions.json", false),
        ("server-to-server-permissions.json", true),
    ] {
        let doc: Value =
            serde_json::from_str(&read(&upstream(file))).unwrap_or_else(|e| panic!("{e}"));
        for (id, permission) in doc.as_object().unwrap_or_else(|| panic!("{file}")) {
            for r in permission["permissions"].as_array().into_iter().flatten() {
                let key = format!(
                    "{} {}",
                    r["verb"].as_str().unwrap_or("").to_uppercase(),
                    r["requestPath"].as_str().unwrap_or("")
                );
                upstream_ops.insert(key.clone());
                let e = eps
                    .get(&key)
                    .unwrap_or_else(|| panic!("{key} is not in the table"));
                let access = r["access"].as_str().unwrap_or("");
                let kinds: Vec<&str> = if app {
                    [
                        (r["server-to-server"] == true, "github-app"),
                        (r["user-to-server"] == true, "github-app-user"),
                    ]
                    .into_iter()
                    .filter_map(|(yes, kind)| yes.then_some(kind))
                    .collect()
                } else {
                    vec!["fine-grained-pat"]
                };
                if r["additional-permissions"] == false {
                    for kind in kinds {
                        assert_eq!(
                            requirement(e, kind),
                            [[format!("{id}:{access}")]],
                            "{key} for {kind}"
                        );
                        checked += 1;
                    }
                } else {
                    assert_eq!(e["evidence"], "inferred", "{key}");
                    let reason = e["evidence_reason"].as_str().unwrap_or("");
                    assert!(reason.len() > 40, "{key}: {reason}");
                }
            }
        }
    }
    assert!(checked > 1500, "{checked}");
    assert_eq!(
        upstream_ops,
        eps.keys().cloned().collect(),
        "one endpoint per upstream operation"
    );
}

#[test]
fn bad_inputs_are_located_errors_and_print_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        ("not-json.json", "this is not JSON\n", "not valid JSON"),
        (
            "wrong.json",
            "{\n  \"a\": {\"b\": 1}\n}\n",
            "neither a permission",
        ),
        ("empty.json", "{}\n", "an empty JSON object"),
        (
            "bad-access.json",
            "{\"issues\": {\"title\": \"Issues\", \"displayTitle\": \"Repository permissions for \\\"Issues\\\"\", \"permissions\": [\n{\"category\": \"issues\", \"slug\": \"x\", \"subcategory\": \"issues\", \"verb\": \"get\", \"requestPath\": \"/x\", \"additional-permissions\": false, \"access\": \"all\"}]}}",
            "unknown variant `all`",
        ),
    ];
    for (name, text, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let path = path.to_string_lossy().into_owned();
        let run = tokenscope(&["table", "import", "github-docs", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
        let flat = run.flat_stderr();
        assert!(flat.contains(message), "{name}: {flat}");
        let at = flat
            .find(&format!("{name}:"))
            .map(|i| &flat[i + name.len() + 1..]);
        assert!(
            at.is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())),
            "{name} located: {flat}"
        );
    }
    // A --commit for a file that was not given.
    let run = tokenscope(&[
        "table",
        "import",
        "github-docs",
        &upstream("fine-grained-pat.json"),
        "--commit",
        "other.json=0123abcd",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
}

#[test]
fn imports_are_deterministic_and_ignore_argument_order() {
    let files = the_three_files();
    let first = run_import(&files);
    let again = run_import(&files);
    let mut reversed = files.clone();
    reversed.reverse();
    let reversed = run_import(&reversed);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout == again.stdout, "two runs differ");
    assert!(
        first.stdout == reversed.stdout,
        "argument order changes the table"
    );
    assert_eq!(first.stderr, reversed.stderr);
}
