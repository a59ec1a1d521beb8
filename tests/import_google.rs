//! `tokenscope table import google-discovery`: the committed Google table is what the importer
//! makes of the committed Discovery documents, it says what they say, and bad input is a
//! located error that prints nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{json, read, tokenscope};
use serde_json::Value;

const UP: &str = "tables/upstream/google";
const TABLE: &str = "tables/google.yaml";
const DOCS: [&str; 3] = ["gmail.v1.json", "drive.v3.json", "calendar.v3.json"];
const COMMIT: &str = "81716e96f05f0b949400a439db8117361da87af5";
const RETRIEVED: &str = "2026-11-24";
const TITLE: &str = "Google APIs: Gmail v1, Drive v3, Calendar v3";

/// The import command `scripts/import-google.sh` runs, over `docs` in that order.
fn import_args(docs: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["table".into(), "import".into(), "google-discovery".into()];
    args.extend(docs.iter().map(|d| format!("{UP}/{d}")));
    for d in DOCS {
        args.push("--commit".into());
        args.push(format!("{d}={COMMIT}"));
    }
    args.extend(["--title".into(), TITLE.into()]);
    args.extend(["--retrieved".into(), RETRIEVED.into()]);
    args
}

fn run(args: &[String]) -> common::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tokenscope(&args)
}

#[test]
fn the_committed_table_is_what_the_importer_prints() {
    let first = run(&import_args(&DOCS));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout == read(TABLE),
        "tables/google.yaml is out of date: run scripts/import-google.sh"
    );
    let script = read("scripts/import-google.sh");
    for arg in DOCS.iter().copied().chain([COMMIT, RETRIEVED, TITLE]) {
        assert!(script.contains(arg), "scripts/import-google.sh lacks {arg}");
    }
    // The order of the files does not matter.
    let mut reversed = DOCS;
    reversed.reverse();
    let again = run(&import_args(&reversed));
    assert!(again.stdout == first.stdout, "file order changes the table");
    assert_eq!(again.stderr, first.stderr);
}

#[test]
fn the_committed_table_loads_and_records_its_source() {
    let run = tokenscope(&["table", "check", TABLE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let table = json(&tokenscope(&["--api", "google", "table", "--format", "json"]).stdout);
    assert_eq!(table["api"], "google");
    assert_eq!(table["retrieved"], RETRIEVED);
    let source = table["source"].as_str().unwrap_or("");
    for d in DOCS {
        assert!(source.contains(&format!("{d} (revision ")), "{source}");
        assert!(source.contains(&format!(" @ {COMMIT}")), "{source}");
    }
    assert_eq!(
        table["base_urls"],
        serde_json::json!(["https://www.googleapis.com", "https://gmail.googleapis.com"])
    );
}

/// Every method of the three documents, with its `scopes`, `httpMethod` and path.
struct Method {
    id: String,
    http_method: String,
    path: String,
    scopes: Vec<String>,
    uploads: Vec<String>,
}

fn methods() -> Vec<Method> {
    fn walk(node: &Value, base: &str, out: &mut Vec<Method>) {
        for m in node["methods"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            let relative = m["flatPath"].as_str().or(m["path"].as_str()).unwrap_or("");
            let uploads = m["mediaUpload"]["protocols"]
                .as_object()
                .into_iter()
                .flat_map(|o| o.values())
                .filter_map(|p| p["path"].as_str().map(str::to_owned))
                .collect();
            out.push(Method {
                id: m["id"].as_str().unwrap_or("").to_owned(),
                http_method: m["httpMethod"].as_str().unwrap_or("").to_owned(),
                path: format!("{base}{relative}"),
                scopes: m["scopes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect(),
                uploads,
            });
        }
        for r in node["resources"]
            .as_object()
            .into_iter()
            .flat_map(|o| o.values())
        {
            walk(r, base, out);
        }
    }
    let mut out = Vec::new();
    for d in DOCS {
        let doc = json(&read(&format!("{UP}/{d}")));
        let base = format!("/{}", doc["servicePath"].as_str().unwrap_or(""));
        walk(&doc, &base, &mut out);
    }
    out
}

/// An endpoint's alternatives in `table --format json`: `requires`, or `scopes` when there is
/// one alternative.
fn alternatives(e: &Value) -> Vec<Vec<String>> {
    match e.get("requires") {
        Some(r) => serde_json::from_value(r.clone()).unwrap_or_default(),
        None => vec![serde_json::from_value(e["scopes"].clone()).unwrap_or_default()],
    }
}

#[test]
fn every_method_needs_any_one_of_its_scopes_and_nothing_else() {
    let table = json(&tokenscope(&["--api", "google", "table", "--format", "json"]).stdout);
    let ids: BTreeMap<&str, &str> = table["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or(""),
                s["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let endpoints: BTreeMap<&str, &Value> = table["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["name"].as_str().unwrap_or(""), e))
        .collect();
    let methods = methods();
    assert_eq!(methods.len(), 79 + 50 + 37);
    let mut count = 0;
    for m in &methods {
        let mut names = vec![(m.id.clone(), m.path.clone())];
        for upload in &m.uploads {
            let label = if upload.starts_with("/resumable/") {
                "resumable upload"
            } else {
                "upload"
            };
            names.push((format!("{} ({label})", m.id), upload.clone()));
        }
        for (name, path) in names {
            count += 1;
            let e = endpoints
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{name} is missing"));
            let alternatives = alternatives(e);
            let got: BTreeSet<String> = alternatives
                .iter()
                .map(|alt| {
                    assert_eq!(alt.len(), 1, "{name}: one scope per alternative");
                    let s = alt[0].as_str();
                    ids.get(s).map_or(s, |n| n).to_owned()
                })
                .collect();
            let want: BTreeSet<String> = m.scopes.iter().cloned().collect();
            assert_eq!(got, want, "{name}");
            assert_eq!(e["evidence"], "documented", "{name}");
            if path.contains(":") {
                // `{keyPairId}:disable` cannot be matched segment by segment.
                assert!(e["path"].is_null(), "{name}");
            } else {
                assert_eq!(e["method"].as_str(), Some(m.http_method.as_str()), "{name}");
                assert_eq!(e["path"].as_str(), Some(path.as_str()), "{name}");
            }
        }
    }
    assert_eq!(
        count,
        endpoints.len(),
        "no endpoint the documents do not have"
    );
}

#[test]
fn bad_inputs_are_located_errors_and_print_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let gmail = read(&format!("{UP}/gmail.v1.json"));
    let truncated = gmail[..gmail.len() / 2].to_owned();
    let wrong_shape = gmail.replacen("\"httpMethod\": \"GET\"", "\"httpMethod\": [\"GET\"]", 1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.json", truncated.into_bytes(), "not valid JSON"),
        ("wrong.json", wrong_shape.into_bytes(), "invalid type"),
        (
            "openapi.json",
            b"{\"openapi\": \"3.0.0\", \"paths\": {}}".to_vec(),
            "not a Google API Discovery document",
        ),
        ("latin1.json", b"{\"name\": \"caf\xe9\"}".to_vec(), "UTF-8"),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let path = path.to_string_lossy().into_owned();
        let run = tokenscope(&["table", "import", "google-discovery", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
        let flat = run.flat_stderr();
        assert!(flat.contains(message), "{name}: {flat}");
        assert!(flat.contains(name), "{name} named: {flat}");
    }
    // The openapi flags are refused, and so is an --api-id that is not an id.
    let doc = format!("{UP}/calendar.v3.json");
    for (flag, value) in [("--scheme", "x"), ("--api-id", "Google APIs")] {
        let run = tokenscope(&["table", "import", "google-discovery", &doc, flag, value]);
        assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{flag}");
        assert!(run.stderr.contains(flag), "{flag}: {}", run.stderr);
    }
}

#[test]
fn a_huge_document_imports_in_one_pass() {
    // 20,000 methods (about 4 MB): read, built and loaded back without trouble.
    let mut methods = String::new();
    for i in 0..20_000 {
        if i > 0 {
            methods.push(',');
        }
        methods.push_str(&format!(
            "\"m{i}\": {{\"id\": \"big.things.m{i}\", \"httpMethod\": \"GET\", \"path\": \"big/v1/things/{{thingId}}/m{i}\", \"scopes\": [\"https://www.googleapis.com/auth/big.readonly\", \"https://www.googleapis.com/auth/big\"]}}"
        ));
    }
    let doc = format!(
        "{{\"kind\": \"discovery#restDescription\", \"name\": \"big\", \"version\": \"v1\", \"title\": \"Big API\", \"rootUrl\": \"https://big.googleapis.com/\", \"servicePath\": \"\", \"resources\": {{\"things\": {{\"methods\": {{{methods}}}}}}}}}"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("big.v1.json");
    std::fs::write(&path, doc).unwrap_or_else(|e| panic!("{e}"));
    let path = path.to_string_lossy().into_owned();
    let run = tokenscope(&[
        "table",
        "import",
        "google-discovery",
        &path,
        "--api-id",
        "big",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.matches("\n  - name: big.things.m").count(),
        20_000
    );
    assert!(run.stdout.starts_with("api: big\n"));
}
