//! The built-in GitHub table end to end: the example manifests in every format, suggest with
//! levels (and `--write`), diff on a raised level, explain, token kinds, `--api`, and minimal sets
//! checked against GitHub's own permission records.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use common::{Lcg, json, minimal_scopes, temp_manifest, tokenscope};
use serde_json::Value;

const EXAMPLES: [&str; 3] = [
    "examples/github/dependency-updater.tokenscope.yaml",
    "examples/github/issue-triage.tokenscope.yaml",
    "examples/github/release-bot.tokenscope.yaml",
];

#[test]
fn the_github_examples_in_every_format() {
    for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
        let mut args = vec!["audit", "--format", format];
        args.extend(EXAMPLES);
        let run = tokenscope(&args);
        assert_eq!(run.code, 1, "{format}: {}", run.all());
        assert_eq!(
            run.stdout,
            tokenscope(&args).stdout,
            "{format} is deterministic"
        );
        insta::assert_snapshot!(format!("github_audit_{format}"), run.stdout);
    }
}

#[test]
fn the_deliberate_mistakes_are_found() {
    let run = tokenscope(&["audit", "--format", "json", "examples/github"]);
    let doc = json(&run.stdout);
    let mut found = BTreeSet::new();
    for m in doc["manifests"].as_array().into_iter().flatten() {
        for f in m["findings"].as_array().into_iter().flatten() {
            if f["severity"] != "note" {
                found.insert((
                    m["integration"].as_str().unwrap_or("").to_owned(),
                    f["rule"].as_str().unwrap_or("").to_owned(),
                    f["message"].as_str().unwrap_or("").to_owned(),
                ));
            }
        }
    }
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|(i, r, _)| (i.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            ("dependency-updater", "excess-level"),
            ("dependency-updater", "excess-scope"),
            ("issue-triage", "excess-scope"),
            ("issue-triage", "missing-scope"),
            ("issue-triage", "missing-scope"),
            ("release-bot", "excess-scope"),
            ("release-bot", "excess-scope"),
        ],
        "{found:#?}"
    );
    let messages: String = found.iter().map(|(_, _, m)| format!("{m}\n")).collect();
    for needle in [
        "holds `Checks: write`, but its endpoints need only `Checks: read`",
        "holds `Administration (repository): read`",
        "lacks `Issues: write`",
        "is of kind `github-app`, which cannot call `List repositories for the authenticated user`",
        "holds `Contents: read`",
        "holds `Issues: write`",
        "holds `Workflows: write`",
    ] {
        assert!(messages.contains(needle), "{needle} in\n{messages}");
    }
}

#[test]
fn suggest_prints_levels_and_write_fixes_the_manifest() {
    let run = tokenscope(&["suggest", EXAMPLES[0]]);
    assert_eq!(run.code, 0, "{}", run.all());
    insta::assert_snapshot!("github_suggest_dependency_updater", run.stdout);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = fs::read_to_string(EXAMPLES[0]).unwrap_or_else(|e| panic!("{e}"));
    let path = temp_manifest(&dir, "updater.tokenscope.yaml", &text);
    let run = tokenscope(&["suggest", "--write", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    let written = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.contains("- checks:read"), "{written}");
    assert!(!written.contains("checks:write"), "{written}");
    assert!(!written.contains("administration"), "{written}");
    assert!(written.contains("- contents:write"), "{written}");
    // The written manifest passes with no warnings, and suggesting again changes nothing.
    let run = tokenscope(&["audit", "--fail-on", "warning", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    let run = tokenscope(&["suggest", "--write", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}")),
        written
    );
}

#[test]
fn a_split_keeps_the_tokens_kind() {
    // Area tokens pasted or written without `kind:` would be read as the default kind, whose
    // requirements differ; every output of the split keeps it.
    let text = "integration: split\napi: github\ntokens:\n  app:\n    kind: github-app\n    scopes:\n      - contents:write\n      - members:read\n    endpoints:\n      - GET /repos/{owner}/{repo}/contents/{path}\n      - GET /orgs/{org}/members\n";
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = temp_manifest(&dir, "split.tokenscope.yaml", text);
    let run = tokenscope(&["suggest", "--split-by-area", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        run.stdout.matches("      kind: github-app\n").count(),
        2,
        "{}",
        run.stdout
    );
    let doc = json(&tokenscope(&["suggest", "--split-by-area", "--format", "json", &path]).stdout);
    let split = doc["manifests"][0]["tokens"][0]["split"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(split.len(), 2, "{doc}");
    assert!(split.iter().all(|t| t["kind"] == "github-app"), "{doc}");

    let run = tokenscope(&["suggest", "--split-by-area", "--write", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    let written = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        written.matches("    kind: github-app\n").count(),
        2,
        "{written}"
    );
    let run = tokenscope(&["audit", "--fail-on", "warning", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
}

#[test]
fn suggest_says_which_endpoints_a_kind_cannot_call() {
    // One exit contract for suggest, --dry-run and --write: the call stays impossible.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = fs::read_to_string(EXAMPLES[1]).unwrap_or_else(|e| panic!("{e}"));
    let path = temp_manifest(&dir, "triage.tokenscope.yaml", &text);
    for args in [
        vec!["suggest", "--dry-run", &path],
        vec!["suggest", "--write", &path],
        vec!["suggest", "--write", &path],
    ] {
        let run = tokenscope(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.all());
        assert!(
            run.stderr.contains(
                "token `triage-app` cannot call `List repositories for the authenticated user` whatever scopes it holds"
            ),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = tokenscope(&["suggest", EXAMPLES[1]]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("Issues: write"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("List repositories for the authenticated user"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_raised_level_is_a_risk_increase_in_diff() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let manifest = |level: &str| {
        format!(
            "integration: bot\napi: github\ntokens:\n  bot:\n    scopes: [contents:{level}]\n    endpoints:\n      - GET /repos/{{owner}}/{{repo}}/contents/{{path}}\n"
        )
    };
    let old = temp_manifest(&dir, "old.tokenscope.yaml", &manifest("read"));
    let new = temp_manifest(&dir, "new.tokenscope.yaml", &manifest("write"));
    let run = tokenscope(&["diff", "--format", "json", &old, &new]);
    let doc = json(&run.stdout);
    assert_eq!(doc["risk_increase"], true, "{}", run.stdout);
    let run = tokenscope(&["diff", "--fail-on-escalation", &old, &new]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("Contents: write"), "{}", run.stdout);
    // Lowering it back is no increase.
    let run = tokenscope(&["diff", "--fail-on-escalation", &new, &old]);
    assert_eq!(run.code, 0, "{}", run.all());
}

#[test]
fn explain_knows_github_permissions_and_endpoints() {
    let run = tokenscope(&[
        "explain",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        "Contents",
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    insta::assert_snapshot!("github_explain", run.stdout);
}

#[test]
fn token_kinds_are_checked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad_kind = temp_manifest(
        &dir,
        "kind.tokenscope.yaml",
        "integration: x\napi: github\ntokens:\n  t:\n    kind: github-ap\n    scopes: [issues:read]\n    endpoints: [\"GET /repos/{owner}/{repo}/issues\"]\n",
    );
    let run = tokenscope(&["audit", &bad_kind]);
    assert_eq!(run.code, 2, "{}", run.all());
    let err = run.flat_stderr();
    assert!(
        err.contains("`github-ap` is not a kind of GitHub REST API token"),
        "{err}"
    );
    assert!(err.contains("kind.tokenscope.yaml:5:11"), "{err}");
    assert!(err.contains("`github-app`"), "{err}");
    // The same verdict from every command that reads manifests.
    assert_eq!(tokenscope(&["suggest", &bad_kind]).code, 2);

    // Texter has no token kinds: declaring one is an error, not ignored.
    let texter = temp_manifest(
        &dir,
        "texter.tokenscope.yaml",
        "integration: x\ntokens:\n  t:\n    kind: github-app\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n",
    );
    assert_eq!(tokenscope(&["audit", &texter]).code, 2);
}

#[test]
fn levels_are_read_in_every_spelling() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = temp_manifest(
        &dir,
        "levels.tokenscope.yaml",
        "integration: x\napi: github\ntokens:\n  t:\n    scopes:\n      - {scope: issues, level: write}\n      - \"Contents: read\"\n    endpoints:\n      - PATCH /repos/{owner}/{repo}/issues/{issue_number}\n      - GET /repos/{owner}/{repo}/contents/{path}\n",
    );
    let run = tokenscope(&["audit", "--fail-on", "warning", &path]);
    assert_eq!(run.code, 0, "{}", run.all());
    // Holding `Pull requests: read` too, `Pull requests: write` alone is the cheaper cover:
    // `Issues: write` is excess, and the finding says what replaces it.
    let swap = temp_manifest(
        &dir,
        "swap.tokenscope.yaml",
        &fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .replace(
                "    endpoints:\n",
                "      - pull_requests:read\n    endpoints:\n",
            )
            .replace(
                "{path}\n",
                "{path}\n      - GET /repos/{owner}/{repo}/pulls\n",
            ),
    );
    let run = tokenscope(&["audit", "--format", "json", &swap]);
    let doc = json(&run.stdout);
    let findings = doc["manifests"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let excess: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "excess-scope")
        .collect();
    assert_eq!(excess.len(), 1, "{}", run.stdout);
    assert!(
        excess[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("holds `Issues: write`, which the least-privileged set for its endpoints does without (it holds `Pull requests: write` instead)"),
        "{}",
        run.stdout
    );
    // An unknown level is reported where it is written.
    let bad = temp_manifest(
        &dir,
        "bad.tokenscope.yaml",
        "integration: x\napi: github\ntokens:\n  t:\n    scopes: [contents:wrte]\n    endpoints: [\"GET /repos/{owner}/{repo}/contents/{path}\"]\n",
    );
    let run = tokenscope(&["audit", &bad]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(run.all().contains("wrte"), "{}", run.all());
}

#[test]
fn the_api_flag_selects_a_built_in_table() {
    let reference = "GET /repos/{owner}/{repo}/issues";
    let run = tokenscope(&["--api", "github", "suggest", "--endpoint", reference]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("Issues: read"), "{}", run.stdout);
    // Texter's table does not know it.
    let run = tokenscope(&["suggest", "--endpoint", reference]);
    assert_ne!(run.code, 0, "{}", run.all());
    // An unknown API is a usage error that lists the built-in ones.
    let run = tokenscope(&["--api", "gitlab", "table"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("github"), "{}", run.stderr);
    // A manifest for another API than the one forced is an error, not a silent re-read.
    let run = tokenscope(&["--api", "texter", "audit", EXAMPLES[2]]);
    assert_eq!(run.code, 2, "{}", run.all());
}

/// GitHub's records that say one permission suffices alone, sampled deterministically across the
/// whole file: for each, and for tokens calling several of them at once, the minimal set
/// tokenscope computes is exactly what the records say (the highest level per permission).
#[test]
fn minimal_sets_agree_with_githubs_records() {
    let upstream: Value = json(
        &fs::read_to_string("tables/upstream/github-docs/fine-grained-pat-permissions.json")
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let table = json(&tokenscope(&["--api", "github", "table", "--format", "json"]).stdout);
    let names: BTreeMap<&str, &str> = table["scopes"]
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
    let level_rank = |l: &str| ["read", "write", "admin"].iter().position(|x| *x == l);

    // Operations documented as needing one permission alone, with what they need.
    let mut alone: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut flattened = BTreeSet::new();
    for (id, permission) in upstream.as_object().into_iter().flatten() {
        for r in permission["permissions"].as_array().into_iter().flatten() {
            let op = format!(
                "{} {}",
                r["verb"].as_str().unwrap_or("").to_uppercase(),
                r["requestPath"].as_str().unwrap_or("")
            );
            if r["additional-permissions"] == false {
                let access = r["access"].as_str().unwrap_or("").to_owned();
                alone.insert(op, (id.clone(), access));
            } else {
                flattened.insert(op);
            }
        }
    }
    alone.retain(|op, _| !flattened.contains(op));
    let ops: Vec<(&String, &(String, String))> = alone.iter().collect();
    assert!(ops.len() > 500, "{}", ops.len());

    let minimal = |refs: &[&str]| -> BTreeSet<String> {
        let mut args = vec!["--api", "github", "suggest", "--format", "json"];
        for r in refs {
            args.push("--endpoint");
            args.push(r);
        }
        let run = tokenscope(&args);
        assert_eq!(run.code, 0, "{refs:?}: {}", run.all());
        let doc = json(&run.stdout);
        minimal_scopes(&doc["manifests"][0]["tokens"][0])
    };
    let expected = |sample: &[&(&String, &(String, String))]| -> BTreeSet<String> {
        let mut need: BTreeMap<&str, &str> = BTreeMap::new();
        for (_, (id, level)) in sample {
            let held = need.entry(id.as_str()).or_insert(level.as_str());
            if level_rank(level) > level_rank(held) {
                *held = level.as_str();
            }
        }
        need.iter()
            .filter(|(id, level)| !(**id == "metadata" && **level == "read"))
            .map(|(id, level)| format!("{}: {level}", names[id]))
            .collect()
    };

    // One in 23 operations alone, then groups of five drawn with a fixed LCG.
    for op in ops.iter().step_by(23) {
        assert_eq!(minimal(&[op.0.as_str()]), expected(&[op]), "{}", op.0);
    }
    let mut lcg = Lcg(0x5eed);
    for _ in 0..12 {
        let sample: Vec<&(&String, &(String, String))> =
            (0..5).map(|_| &ops[lcg.index(ops.len())]).collect();
        let refs: Vec<&str> = sample.iter().map(|(op, _)| op.as_str()).collect();
        assert_eq!(minimal(&refs), expected(&sample), "{refs:?}");
    }
}

/// scan finds GitHub calls from the table's `api.github.com` and the GitHub conventions,
/// chosen by `--api` or by the manifest's `api:`.
#[test]
fn scan_finds_github_calls_chosen_by_api_or_manifest() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join("a.js"),
        "await octokit.request(\"POST /repos/{owner}/{repo}/issues\", { owner, repo })\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path().to_string_lossy().into_owned();
    let run = tokenscope(&["--api", "github", "scan", "--format", "json", &root]);
    assert_eq!(run.code, 0, "{}", run.all());
    let doc = json(&run.stdout);
    assert_eq!(
        doc["endpoints"][0]["name"], "Create an issue",
        "{}",
        run.stdout
    );
    assert_eq!(doc["endpoints"][0]["occurrences"][0]["confidence"], "high");
    // The manifest's `api:` chooses the table: its GET is unused, the POST undeclared.
    let run = tokenscope(&["scan", &root, "--manifest", EXAMPLES[2]]);
    assert!(run.stdout.contains("unused-endpoint"), "{}", run.all());
    assert!(
        run.stdout.contains("calls `Create an issue`"),
        "{}",
        run.all()
    );
}

/// GitHub Enterprise Server serves the API under `/api/v3` on its own host: `--base-url` adds
/// the host, and its path is stripped like a base path of the table.
#[test]
fn scan_finds_enterprise_server_calls_under_base_url() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join("a.py"),
        "requests.get(\"https://ghe.acme.test/api/v3/repos/o/r/releases/latest\")\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path().to_string_lossy().into_owned();
    let scan = |base: &[&str]| {
        let mut args = vec!["--api", "github", "scan", "--format", "json", &root];
        args.extend(base);
        let run = tokenscope(&args);
        assert_eq!(run.code, 0, "{}", run.all());
        json(&run.stdout)["endpoints"].clone()
    };
    assert_eq!(scan(&[]), serde_json::json!([]));
    let found = scan(&["--base-url", "https://ghe.acme.test/api/v3"]);
    assert_eq!(found[0]["name"], "Get the latest release", "{found}");
}

/// A table without base URLs, of an API scan knows no convention for: scan would find nothing
/// and call every declared endpoint unused, so it refuses unless `--base-url` names the host.
#[test]
fn scan_refuses_an_api_it_cannot_recognise() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join("a.js"),
        "fetch('https://demo.example/things/1')\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path().to_string_lossy().into_owned();
    let table = "tests/fixtures/tables/demo-table.yaml";
    let run = tokenscope(&["--table", table, "scan", &root]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.flat_stderr()
            .contains("cannot tell what a call to the `demo` API looks like"),
        "{}",
        run.stderr
    );
    let run = tokenscope(&[
        "--table",
        table,
        "scan",
        "--base-url",
        "https://demo.example",
        "--format",
        "json",
        &root,
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    // `fetch(url)` names no method: the Fetch standard's GET.
    assert_eq!(
        json(&run.stdout)["endpoints"][0]["name"],
        serde_json::json!("Get Thing"),
        "{}",
        run.stdout
    );
}
