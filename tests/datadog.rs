//! The built-in Datadog table end to end: the example's findings, both token kinds, and minimal
//! sets checked against the OpenAPI document's `x-permission` and `AuthZ` requirements.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{
    Lcg, brute_force, cost, findings_above_notes, json, minimal_scopes, read, scope_risks,
    tokenscope, yaml,
};

const EXAMPLE: &str = "examples/datadog/dashboard-reporter.tokenscope.yaml";
const SPEC: &str = "tables/upstream/datadog/openapi.yaml";

#[test]
fn the_deliberate_mistakes_are_found() {
    let run = tokenscope(&["audit", "--format", "json", EXAMPLE]);
    assert_eq!(run.code, 1, "{}", run.all());
    let found = findings_above_notes(&run.stdout);
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|(t, r, _)| (t.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("reporter-key", "excess-scope"),
            ("reporter-oauth", "missing-scope"),
        ],
        "{found:#?}"
    );
    assert!(
        found[0].2.contains("holds `dashboards_write`"),
        "{found:#?}"
    );
    assert!(
        found[1]
            .2
            .contains("cannot call `Get all API keys` whatever scopes it holds"),
        "{found:#?}"
    );
}

/// What each operation accepts, per kind, from the document: `x-permission` (OR) for an
/// application key, the `AuthZ` requirement objects for an OAuth token.
struct Accepts {
    reference: String,
    key: Vec<String>,
    oauth: Vec<String>,
}

fn accepted() -> Vec<Accepts> {
    let doc = yaml(&read(SPEC));
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let perm = &op["x-permission"];
            if perm["operator"] != "OR" {
                continue;
            }
            let key: Vec<String> =
                serde_json::from_value(perm["permissions"].clone()).unwrap_or_default();
            let oauth: Vec<String> = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["AuthZ"].as_array())
                .flat_map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_owned)))
                .collect();
            out.push(Accepts {
                reference: format!("{} {path}", method.to_uppercase()),
                key,
                oauth,
            });
        }
    }
    out
}

/// A manifest with an application key and an OAuth token calling `references`, and what
/// `suggest` makes of each token.
fn minimal_sets(
    dir: &tempfile::TempDir,
    references: &[&str],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut text = String::from("integration: sample\napi: datadog\ntokens:\n");
    for (token, kind) in [("key", "application-key"), ("oauth", "oauth")] {
        text.push_str(&format!("  {token}:\n    kind: {kind}\n    endpoints:\n"));
        for r in references {
            text.push_str(&format!("      - {r}\n"));
        }
    }
    let path = dir.path().join("sample.tokenscope.yaml");
    fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let run = tokenscope(&["suggest", "--format", "json", &path.to_string_lossy()]);
    assert_eq!(run.code, 0, "{references:?}: {}", run.all());
    let doc = json(&run.stdout);
    let set = |i: usize| -> BTreeSet<String> {
        let token = &doc["manifests"][0]["tokens"][i];
        assert_ne!(token["proven"], false);
        minimal_scopes(token)
    };
    (set(0), set(1))
}

#[test]
fn minimal_sets_agree_with_the_documents_permissions() {
    let risk = scope_risks("datadog");
    let ops: Vec<Accepts> = accepted()
        .into_iter()
        .filter(|a| !a.oauth.is_empty())
        .collect();
    assert!(ops.len() > 100, "{}", ops.len());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    // One in 9 alone: the least risky permission, the first listed among equals.
    let cheapest = |list: &[String]| -> String {
        let best = list.iter().map(|p| cost([p.as_str()], &risk)).min();
        list.iter()
            .find(|p| Some(cost([p.as_str()], &risk)) == best)
            .cloned()
            .unwrap_or_default()
    };
    for op in ops.iter().step_by(9) {
        let (key, oauth) = minimal_sets(&dir, &[&op.reference]);
        assert_eq!(key, BTreeSet::from([cheapest(&op.key)]), "{}", op.reference);
        assert_eq!(
            oauth,
            BTreeSet::from([cheapest(&op.oauth)]),
            "{}",
            op.reference
        );
    }
    // Five at a time, drawn with a fixed LCG: every operation satisfied, at the least cost.
    let mut lcg = Lcg(0xda7a);
    for _ in 0..10 {
        let sample: Vec<&Accepts> = (0..5).map(|_| &ops[lcg.index(ops.len())]).collect();
        let references: Vec<&str> = sample.iter().map(|a| a.reference.as_str()).collect();
        let (key, oauth) = minimal_sets(&dir, &references);
        for (got, lists) in [
            (&key, sample.iter().map(|a| &a.key).collect::<Vec<_>>()),
            (&oauth, sample.iter().map(|a| &a.oauth).collect::<Vec<_>>()),
        ] {
            for list in &lists {
                assert!(
                    list.iter().any(|p| got.contains(p)),
                    "{references:?}: {got:?}"
                );
            }
            assert_eq!(
                cost(got.iter().map(String::as_str), &risk),
                brute_force(&lists, &risk),
                "{references:?}: {got:?}"
            );
        }
    }
}
