//! `tokenscope table import msgraph`: the committed Microsoft Graph table is what the importer
//! makes of the committed `permissions.json`, it loads, and it says what that file says.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{graph_least, graph_path_shape, read, tokenscope, yaml};
use serde_json::Value;

const UP: &str = "tables/upstream/msgraph/permissions.json";
const TABLE: &str = "tables/msgraph.yaml";
/// The arguments `scripts/import-msgraph.sh` passes (checked against the script below).
const COMMIT: &str = "permissions.json=6cbd6bbd665a877560fdefbad74f3bdb5b57af88";
const RETRIEVED: &str = "2026-11-24";
const KINDS: [(&str, &str); 3] = [
    ("DelegatedWork", "delegated-work"),
    ("DelegatedPersonal", "delegated-personal"),
    ("Application", "application"),
];

fn run_import(file: &str) -> common::Run {
    tokenscope(&[
        "table",
        "import",
        "msgraph",
        file,
        "--commit",
        COMMIT,
        "--retrieved",
        RETRIEVED,
    ])
}

#[test]
fn the_committed_table_is_what_the_importer_prints() {
    let run = run_import(UP);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout == read(TABLE),
        "tables/msgraph.yaml is out of date: run scripts/import-msgraph.sh"
    );
    let script = read("scripts/import-msgraph.sh");
    for arg in [COMMIT, RETRIEVED] {
        assert!(
            script.contains(arg),
            "scripts/import-msgraph.sh lacks {arg}"
        );
    }
    // What was left out is said, never silently dropped.
    assert!(run.stderr.contains("paths left out"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Calls.JoinGroupCallasGuest.All"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_committed_table_loads() {
    let run = tokenscope(&["--table", TABLE, "table", "check", TABLE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let table = yaml(&read(TABLE));
    assert_eq!(table["api"], "msgraph");
    assert_eq!(
        table["token_kinds"],
        serde_json::json!(["delegated-work", "delegated-personal", "application"])
    );
    assert_eq!(table["case_insensitive_paths"], true);
    assert_eq!(table["retrieved"], RETRIEVED);
    let source = table["source"].as_str().unwrap_or("");
    assert!(
        source.contains("permissions.json @ 6cbd6bbd665a877560fdefbad74f3bdb5b57af88"),
        "{source}"
    );
}

/// A table's text as a JSON value (Graph's table is larger than serde-saphyr's default budget).
/// What the file says for one (method, path shape, scheme).
#[derive(Default, Debug)]
struct Upstream {
    accepted: BTreeSet<String>,
    least: BTreeSet<String>,
}

/// The file, inverted: (method, shape, scheme) → the permissions (by lower-case name) that
/// grant it and those marked least.
fn upstream() -> BTreeMap<(String, String, String), Upstream> {
    let doc: Value = serde_json::from_str(&read(UP)).unwrap_or_else(|e| panic!("{e}"));
    let mut out: BTreeMap<(String, String, String), Upstream> = BTreeMap::new();
    for (name, perm) in doc["permissions"].as_object().into_iter().flatten() {
        for set in perm["pathSets"].as_array().into_iter().flatten() {
            for (path, value) in set["paths"].as_object().into_iter().flatten() {
                let Some(shape) = graph_path_shape(path) else {
                    continue;
                };
                let least = graph_least(value);
                for method in set["methods"].as_array().into_iter().flatten() {
                    for scheme in set["schemeKeys"].as_array().into_iter().flatten() {
                        let (m, s) = (method.as_str().unwrap_or(""), scheme.as_str().unwrap_or(""));
                        let entry = out
                            .entry((m.to_owned(), shape.clone(), s.to_owned()))
                            .or_default();
                        entry.accepted.insert(name.to_ascii_lowercase());
                        if least.contains(&s) {
                            entry.least.insert(name.to_ascii_lowercase());
                        }
                    }
                }
            }
        }
    }
    out
}

/// Every (method, path, scheme) of the file is an endpoint whose alternatives for that token
/// kind are exactly the permissions that grant it (each alone, or with what `AlsoRequires`
/// adds), and whose least-privileged alternatives are among those the file marks `least`.
#[test]
fn the_table_says_what_the_upstream_file_says() {
    let table = yaml(&read(TABLE));
    let names: BTreeMap<&str, String> = table["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or(""),
                s["name"].as_str().unwrap_or("").to_ascii_lowercase(),
            )
        })
        .collect();
    let mut endpoints: BTreeMap<(String, String), &Value> = BTreeMap::new();
    for e in table["endpoints"].as_array().into_iter().flatten() {
        let key = (
            e["method"].as_str().unwrap_or("").to_owned(),
            graph_path_shape(e["path"].as_str().unwrap_or("")).unwrap_or_default(),
        );
        assert!(endpoints.insert(key, e).is_none(), "one endpoint per shape");
    }
    let up = upstream();
    let mut checked = 0;
    let mut with_least = 0;
    for ((method, shape, scheme), said) in &up {
        let Some(e) = endpoints.get(&(method.clone(), shape.clone())) else {
            panic!("{method} {shape} is missing");
        };
        let kind = KINDS.iter().find(|(s, _)| s == scheme).map(|(_, k)| *k);
        let kind = kind.unwrap_or_else(|| panic!("scheme {scheme}"));
        let (alts, least) = match e["requires_by_kind"].get(kind) {
            Some(r) => (r, e["least_by_kind"].get(kind).or(e.get("least"))),
            None => (
                &e["requires"],
                e["least_by_kind"].get(kind).or(e.get("least")),
            ),
        };
        // `least_by_kind` overrides; a kind with its own requirement and no count has none.
        let least = match (
            e["requires_by_kind"].get(kind),
            e["least_by_kind"].get(kind),
        ) {
            (Some(_), None) => 0,
            _ => least.and_then(Value::as_u64).unwrap_or(0) as usize,
        };
        let alts: Vec<Vec<String>> = alts
            .as_array()
            .into_iter()
            .flatten()
            .map(|alt| {
                alt.as_array()
                    .into_iter()
                    .flatten()
                    .map(|id| names[id.as_str().unwrap_or("")].clone())
                    .collect()
            })
            .collect();
        let named: BTreeSet<String> = alts.iter().flatten().cloned().collect();
        for p in &said.accepted {
            assert!(
                named.contains(p),
                "{method} {shape} {kind}: {p} missing from {alts:?}"
            );
        }
        for alt in &alts {
            assert!(
                alt.iter().any(|p| said.accepted.contains(p)),
                "{method} {shape} {kind}: {alt:?} is not in the file"
            );
        }
        for alt in &alts[..least] {
            assert!(
                alt.iter().any(|p| said.least.contains(p)),
                "{method} {shape} {kind}: {alt:?} is not marked least"
            );
        }
        if !said.least.is_empty() {
            assert!(least > 0, "{method} {shape} {kind}: marks lost");
            with_least += 1;
        }
        checked += 1;
    }
    assert!(
        checked > 18_000 && with_least > 17_000,
        "{checked} {with_least}"
    );
}

#[test]
fn bad_inputs_are_located_errors_and_print_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let real = read(UP);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-json.json", b"this is not JSON\n".to_vec(), "not valid JSON"),
        ("wrong.json", b"{\n  \"a\": {\"b\": 1}\n}\n".to_vec(), "missing field `permissions`"),
        ("empty.json", b"{\"permissions\": {}}".to_vec(), "lists no permissions"),
        (
            "truncated.json",
            real.as_bytes()[..real.len() / 2].to_vec(),
            "not valid JSON",
        ),
        (
            "bad-level.json",
            b"{\"permissions\": {\"A.Read\": {\"schemes\": {\"Application\": {\"privilegeLevel\": \"x\"}}, \"pathSets\": []}}}".to_vec(),
            "invalid type",
        ),
        (
            "bad-name.json",
            b"{\"permissions\": {\"\": {\"schemes\": {}, \"pathSets\": []}}}".to_vec(),
            "is not a permission name",
        ),
        (
            "latin1.json",
            b"{\"permissions\": {\"Caf\xe9.Read\": {}}}".to_vec(),
            "UTF-8",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        let run = tokenscope(&["table", "import", "msgraph", &path.to_string_lossy()]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
        let flat = run.flat_stderr();
        assert!(flat.contains(message), "{name}: {flat}");
        assert!(flat.contains(name), "{name} named: {flat}");
    }
    // Huge: refused by its size before it is read (a sparse file costs nothing).
    let huge = dir.path().join("huge.json");
    let f = std::fs::File::create(&huge).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(65 * 1024 * 1024)
        .unwrap_or_else(|e| panic!("{e}"));
    let run = tokenscope(&["table", "import", "msgraph", &huge.to_string_lossy()]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
    // Two files: the importer reads one.
    let run = tokenscope(&["table", "import", "msgraph", UP, UP]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
    assert!(
        run.flat_stderr().contains("reads one file"),
        "{}",
        run.stderr
    );
}

/// A small file exercises what the real one only has once: schemes, methods and metadata it
/// does not know, `AlsoRequires` read both ways, least marks of different widths, case.
#[test]
fn the_reading_rules_hold_on_a_small_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("permissions.json");
    let text = r#"{"permissions": {
      "Mail.ReadBasic": {"schemes": {"DelegatedWork": {"privilegeLevel": 2}}, "pathSets": [
        {"schemeKeys": ["DelegatedWork"], "methods": ["GET"], "paths": {"/me/messages": "least=DelegatedWork"}}]},
      "Mail.ReadWrite": {"schemes": {"DelegatedWork": {"privilegeLevel": 2}}, "pathSets": [
        {"schemeKeys": ["DelegatedWork", "Robot"], "methods": ["GET", "POST", "BREW"], "paths": {"/me/Messages": "least=DelegatedWork;color=blue"}}]},
      "X.Read.All": {"schemes": {"Application": {"privilegeLevel": 4}}, "pathSets": [
        {"schemeKeys": ["Application"], "methods": ["GET"], "paths": {
          "/x": "least=Application;AlsoRequires=Y.Read.All,Y.ReadWrite.All",
          "/z": "AlsoRequires=Y.Read.All,Mail.ReadBasic",
          "/f(a={value})": ""}}]},
      "Y.Read.All": {"schemes": {"Application": {}}, "pathSets": []},
      "Y.ReadWrite.All": {"schemes": {"Application": {"privilegeLevel": 3}}, "pathSets": []}
    }}"#;
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let run = tokenscope(&["table", "import", "msgraph", &path.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for note in ["1 paths left out", "`BREW`", "`Robot`", "`color=blue`"] {
        assert!(run.stderr.contains(note), "{note}: {}", run.stderr);
    }
    let table = yaml(&run.stdout);
    let eps: BTreeMap<String, &Value> = table["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            // No `name:`: the loader names an endpoint `METHOD /path`.
            assert!(e.get("name").is_none(), "{e}");
            let key = format!(
                "{} {}",
                e["method"].as_str().unwrap_or(""),
                e["path"].as_str().unwrap_or("")
            );
            (key, e)
        })
        .collect();
    let get = eps["GET /me/messages"];
    // Both marked least for the path; the GET-only set is the narrower mark.
    assert_eq!(
        get["requires"],
        serde_json::json!([["mail-readbasic"], ["mail-readwrite"]])
    );
    assert_eq!(get["least"], 1);
    assert_eq!(
        get["requires_by_kind"]["application"],
        serde_json::json!([])
    );
    let post = eps["POST /me/messages"];
    assert_eq!(post["requires"], serde_json::json!([["mail-readwrite"]]));
    assert_eq!(post["least"], 1);
    let x = eps["GET /x"];
    assert_eq!(x["evidence"], "inferred");
    assert_eq!(
        x["requires_by_kind"]["application"],
        serde_json::json!([
            ["x-read-all", "y-read-all"],
            ["x-read-all", "y-readwrite-all"]
        ])
    );
    assert!(
        x["evidence_reason"]
            .as_str()
            .unwrap_or("")
            .contains("one of them")
    );
    let z = eps["GET /z"];
    assert_eq!(
        z["requires_by_kind"]["application"],
        serde_json::json!([["mail-readbasic", "x-read-all", "y-read-all"]])
    );
    assert!(
        z["evidence_reason"]
            .as_str()
            .unwrap_or("")
            .contains("all of them")
    );
    let risks: Vec<&str> = table["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["risk"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(risks, ["low", "low", "high", "medium", "medium"]);
}

#[test]
fn imports_are_deterministic() {
    let first = run_import(UP);
    let again = run_import(UP);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout == again.stdout, "two runs differ");
    assert_eq!(first.stderr, again.stderr);
}
