//! `tokenscope table import openapi`: the committed Datadog table is what the importer makes of
//! the committed OpenAPI document, it says what the document's security requirements and
//! `x-permission` say, and bad input is a located error that prints nothing.

mod common;

use std::collections::BTreeMap;

use common::{json, read, tokenscope, yaml};
use serde_json::Value;

const SPEC: &str = "tables/upstream/datadog/openapi.yaml";
const TABLE: &str = "tables/datadog.yaml";
const COMMIT: &str = "openapi.yaml=286b280580affbd5de0ec698a94cc48a29756927";
const RETRIEVED: &str = "2026-11-24";

/// The upstream document as JSON (the test reads it without the importer's code).
pub fn upstream() -> Value {
    yaml(&read(SPEC))
}

#[test]
fn the_committed_table_is_what_the_importer_prints() {
    let run = tokenscope(&[
        "table",
        "import",
        "openapi",
        SPEC,
        "--profile",
        "datadog",
        "--commit",
        COMMIT,
        "--retrieved",
        RETRIEVED,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout == read(TABLE),
        "tables/datadog.yaml is out of date: run scripts/import-datadog.sh"
    );
    let script = read("scripts/import-datadog.sh");
    for arg in [COMMIT, RETRIEVED, "--profile datadog"] {
        assert!(
            script.contains(arg),
            "scripts/import-datadog.sh lacks {arg}"
        );
    }
    let check = tokenscope(&["table", "check", TABLE]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

/// An endpoint's alternatives for a kind in `table --format json`.
fn alternatives(e: &Value, kind: &str) -> Vec<Vec<String>> {
    if let Some(r) = e.get("requires_by_kind").and_then(|k| k.get(kind)) {
        return serde_json::from_value(r.clone()).unwrap_or_default();
    }
    match e.get("requires") {
        Some(r) => serde_json::from_value(r.clone()).unwrap_or_default(),
        None => vec![serde_json::from_value(e["scopes"].clone()).unwrap_or_default()],
    }
}

fn one_each(perms: &[String]) -> Vec<Vec<String>> {
    perms.iter().map(|p| vec![p.clone()]).collect()
}

#[test]
fn the_table_says_what_the_document_says() {
    let doc = upstream();
    let table = json(&tokenscope(&["--api", "datadog", "table", "--format", "json"]).stdout);
    assert_eq!(
        table["token_kinds"],
        serde_json::json!(["application-key", "oauth"])
    );
    let endpoints: BTreeMap<String, &Value> = table["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let key = format!(
                "{} {}",
                e["method"].as_str().unwrap_or(""),
                e["path"].as_str().unwrap_or("")
            );
            (key, e)
        })
        .collect();
    let global = doc["security"].clone();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let key = format!("{} {path}", method.to_uppercase());
            let e = endpoints
                .get(&key)
                .unwrap_or_else(|| panic!("{key} missing"));
            // The application key: x-permission, OR as alternatives, OPEN as any token.
            let perm = &op["x-permission"];
            let perms: Vec<String> =
                serde_json::from_value(perm["permissions"].clone()).unwrap_or_default();
            let app = alternatives(e, "application-key");
            let security = op.get("security").unwrap_or(&global);
            let no_auth = security.as_array().is_some_and(Vec::is_empty);
            match perm["operator"].as_str() {
                Some("OR") => assert_eq!(app, one_each(&perms), "{key}"),
                Some("OPEN") => assert_eq!(app, vec![Vec::<String>::new()], "{key}"),
                _ if no_auth => assert_eq!(app, vec![Vec::<String>::new()], "{key}"),
                _ => assert_eq!(e["evidence"], "inferred", "{key}: no x-permission"),
            }
            // OAuth: one alternative per AuthZ requirement object, none without one.
            let authz: Vec<Vec<String>> = security
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.get("AuthZ"))
                .map(|s| serde_json::from_value(s.clone()).unwrap_or_default())
                .collect();
            let oauth = alternatives(e, "oauth");
            if no_auth {
                assert_eq!(oauth, vec![Vec::<String>::new()], "{key}");
            } else {
                assert_eq!(oauth, authz, "{key}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 235);
    assert_eq!(endpoints.len(), 235);
}

#[test]
fn bad_inputs_are_located_errors_and_print_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spec = read(SPEC);
    let cut = spec[..spec.len() / 3].rfind("\n  /api").unwrap_or(1000);
    let truncated = format!("{}\n    get: [unclosed\n", &spec[..cut]);
    let mut bomb = String::from("openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.yaml",
            truncated.into_bytes(),
            "invalid OpenAPI YAML",
        ),
        (
            "wrong.yaml",
            spec.replacen("operationId: ListApplicationKeys", "operationId: [x]", 1)
                .into_bytes(),
            "invalid OpenAPI YAML",
        ),
        ("bomb.yaml", bomb.into_bytes(), "too large or too complex"),
        (
            "swagger.json",
            b"{\"swagger\": \"2.0\"}".to_vec(),
            "Swagger 2.0",
        ),
        (
            "secrets.yaml",
            b"password: hunter2\n".to_vec(),
            "not an OpenAPI document",
        ),
        (
            "latin1.yaml",
            b"openapi: 3.0.0\ninfo: {title: caf\xe9}\n".to_vec(),
            "UTF-8",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let path = path.to_string_lossy().into_owned();
        let run = tokenscope(&["table", "import", "openapi", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
        let flat = run.flat_stderr();
        assert!(flat.contains(message), "{name}: {flat}");
        assert!(
            !flat.contains("hunter2"),
            "{name}: the text of an unknown file is shown"
        );
    }
    // An unknown scheme lists the ones the document has.
    let run = tokenscope(&["table", "import", "openapi", SPEC, "--scheme", "OAuth"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert!(
        run.flat_stderr()
            .contains("no security scheme `OAuth` (it has `AuthZ`, `apiKeyAuth`"),
        "{}",
        run.stderr
    );
}

#[test]
fn defaults_come_from_info_and_servers_and_flags_override_them() {
    let run = tokenscope(&["table", "import", "openapi", SPEC]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table = yaml(&run.stdout);
    assert_eq!(table["api"], "datadog-api-v1-collection");
    assert_eq!(table["title"], "Datadog API V1 Collection");
    assert_eq!(
        table["base_urls"],
        serde_json::json!(["https://api.datadoghq.com"])
    );
    assert!(
        table.get("token_kinds").is_none(),
        "one kind without an extension"
    );
    let run = tokenscope(&[
        "table",
        "import",
        "openapi",
        SPEC,
        "--api-id",
        "dd",
        "--title",
        "DD",
        "--base-url",
        "https://api.datadoghq.eu",
        "--base-url",
        "https://api.us5.datadoghq.com",
        "--permission-extension",
        "x-permission",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let table = yaml(&run.stdout);
    assert_eq!(table["api"], "dd");
    assert_eq!(table["title"], "DD");
    assert_eq!(
        table["base_urls"],
        serde_json::json!(["https://api.datadoghq.eu", "https://api.us5.datadoghq.com"])
    );
    assert_eq!(
        table["token_kinds"],
        serde_json::json!(["api-key", "auth-z"])
    );
    // JSON reads like YAML.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Named as the commit flag names it; recognised as JSON by its content.
    let path = dir.path().join("openapi.yaml");
    std::fs::write(&path, upstream().to_string()).unwrap_or_else(|e| panic!("{e}"));
    let path = path.to_string_lossy().into_owned();
    let from_json = tokenscope(&[
        "table",
        "import",
        "openapi",
        &path,
        "--profile",
        "datadog",
        "--commit",
        COMMIT,
        "--retrieved",
        RETRIEVED,
    ]);
    assert_eq!(from_json.code, 0, "{}", from_json.stderr);
    assert!(
        from_json.stdout == read(TABLE),
        "JSON and YAML give the same table"
    );
}

#[test]
fn a_document_of_several_megabytes_imports() {
    // 16,000 operations with schemas beside them, about 5 MB of YAML.
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: Big, version: '1'}\nservers: [{url: 'https://big.example.com'}]\ncomponents:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: /t, scopes: {things_read: r, things_write: w}}}}\npaths:\n",
    );
    for i in 0..8_000 {
        text.push_str(&format!(
            "  /things/{{id}}/part{i}:\n    get:\n      operationId: getPart{i}\n      tags: [Things {}]\n      security: [{{oauth: [things_read]}}, {{oauth: [things_write]}}]\n      responses:\n        '200':\n          description: the part, with a long description that stands for the schemas and examples real documents carry beside each operation\n          content: {{application/json: {{schema: {{type: object, properties: {{a: {{type: string}}, b: {{type: integer}}, c: {{type: array, items: {{type: string}}}}}}}}}}}}\n    delete:\n      operationId: deletePart{i}\n      security: [{{oauth: [things_write]}}]\n      responses: {{'204': {{description: gone}}}}\n",
            i % 40
        ));
    }
    assert!(text.len() > 4_000_000, "{}", text.len());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let path = path.to_string_lossy().into_owned();
    let run = tokenscope(&["table", "import", "openapi", &path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("\n    method: ").count(), 16_000);
    assert!(
        run.stdout
            .contains("requires: [[things_read], [things_write]]")
    );
}
