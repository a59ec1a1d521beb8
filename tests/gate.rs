//! The CI gate: every output format, severity control, config files and baselines.

mod common;

use common::{Run, TEXTER_EXAMPLES, tokenscope, tokenscope_in};

const INPUTS: &[&str] = &[
    TEXTER_EXAMPLES[0],
    TEXTER_EXAMPLES[1],
    TEXTER_EXAMPLES[2],
    "tests/fixtures/mistakes",
    "tests/fixtures/ignores",
];

fn audit(format: &str) -> Run {
    let mut args = vec!["audit", "--format", format];
    args.extend_from_slice(INPUTS);
    tokenscope(&args)
}

// ---- formats -------------------------------------------------------------------------------

#[test]
fn every_format_carries_the_same_findings() {
    let json: serde_json::Value = serde_json::from_str(&audit("json").stdout).expect("JSON");
    let expected: usize = json["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .map(|m| m["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(expected > 20, "a meaningful sample: {expected}");

    let sarif: serde_json::Value =
        serde_json::from_str(&audit("sarif").stdout).expect("SARIF is JSON");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(expected),
        "sarif"
    );

    let github = audit("github").stdout;
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::")).count(),
        expected,
        "github"
    );

    let junit = audit("junit").stdout;
    let junit_findings = junit
        .lines()
        .filter(|l| {
            ["error[", "warning[", "note["]
                .iter()
                .any(|s| l.contains(s))
        })
        .count();
    assert_eq!(junit_findings, expected, "junit");

    // Markdown shows notes when asked (by default a pull request comment counts them instead).
    let mut args = vec!["audit", "--format", "markdown", "--min-severity", "note"];
    args.extend_from_slice(INPUTS);
    let markdown = tokenscope(&args).stdout;
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
        .count();
    assert_eq!(rows, expected, "markdown");
    let default = audit("markdown").stdout;
    let notes = json["summary"]["notes"].as_u64().unwrap_or(0);
    assert!(
        default.contains(&format!(
            "_{notes} notes not shown; `--min-severity note` shows them._"
        )),
        "{default}"
    );

    let mut args = vec!["audit", "--color", "never"];
    args.extend_from_slice(INPUTS);
    let human = tokenscope(&args).stdout;
    let frames = human
        .lines()
        .filter(|l| {
            ["error[", "warning[", "note["]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .count();
    assert_eq!(frames, expected, "human");
}

#[test]
fn snapshots_of_ci_formats() {
    insta::assert_snapshot!("sarif", audit("sarif").stdout);
    insta::assert_snapshot!("github", audit("github").stdout);
    insta::assert_snapshot!("junit", audit("junit").stdout);
    insta::assert_snapshot!("markdown", audit("markdown").stdout);
}

#[test]
fn sarif_is_well_formed_for_code_scanning() {
    let sarif: serde_json::Value = serde_json::from_str(&audit("sarif").stdout).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), tokenscope::finding::RuleId::ALL.len());
    for rule in rules {
        for key in [
            "id",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!rule[key].is_null(), "rule {} lacks {key}", rule["id"]);
        }
    }
    for result in run["results"].as_array().expect("results") {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(
            !uri.starts_with('/') && !uri.contains('\\'),
            "relative uri: {uri}"
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64() >= Some(1));
        assert!(
            region["endColumn"].as_u64() >= region["startColumn"].as_u64()
                || region["endLine"].as_u64() > region["startLine"].as_u64()
        );
        assert!(
            result["partialFingerprints"]["tokenscope/v1"]
                .as_str()
                .is_some_and(|f| f.len() == 32)
        );
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    // Input errors become tool notifications, and the run is marked unsuccessful.
    let broken = tokenscope(&[
        "audit",
        "--format",
        "sarif",
        "tests/fixtures/malformed/syntax.tokenscope.yaml",
    ]);
    assert_eq!(broken.code, 2);
    let sarif: serde_json::Value = serde_json::from_str(&broken.stdout).expect("JSON");
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    // The published schema's `language` pattern has a stray `]` that strict regex engines reject;
    // the SARIF errata fix it the same way.
    let text = std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json")
        .expect("schema")
        .replace(
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
        );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for args in [
        vec![
            "audit",
            "--format",
            "sarif",
            "examples",
            "tests/fixtures/mistakes",
            "tests/fixtures/ignores",
        ],
        vec!["audit", "--format", "sarif", "tests/fixtures/malformed"],
    ] {
        let run = tokenscope(&args);
        let sarif: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
    // The validator does reject a broken log.
    let broken =
        serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": 5}}}]});
    assert!(!validator.is_valid(&broken));
}

// ---- severity control ----------------------------------------------------------------------

fn rules_of(run: &Run) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut out: Vec<(String, String)> = doc["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .flat_map(|m| m["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn deny_warn_allow_change_severity_not_what_is_found() {
    let run = tokenscope(&[
        "audit",
        "--format",
        "json",
        "--allow",
        "all",
        "--deny",
        "excess-scope",
        "tests/fixtures/ignores",
    ]);
    assert_eq!(
        rules_of(&run),
        [("excess-scope".to_owned(), "error".to_owned())]
    );
    assert_eq!(run.code, 1, "an error now fails the run");
    let run = tokenscope(&[
        "audit",
        "--format",
        "json",
        "--warn",
        "all",
        "--allow",
        "high-risk-scope",
        "examples/crm-sync.tokenscope.yaml",
    ]);
    assert_eq!(
        rules_of(&run),
        [
            ("broad-token".to_owned(), "warning".to_owned()),
            ("inferred-requirement".to_owned(), "warning".to_owned())
        ]
    );
    let run = tokenscope(&["audit", "--deny", "excess-scopes", "examples"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `excess-scope`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_file_is_found_upward_and_validated() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("repo root");
    std::fs::create_dir_all(dir.path().join("services/bot")).expect("dirs");
    std::fs::write(
        dir.path().join("services/bot/tokenscope.yaml"),
        "integration: bot\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies, Send template messages]\n    endpoints: [Create Label, Send Template Message]\n",
    )
    .expect("manifest");
    let before = tokenscope_in(dir.path(), &["audit", "--format", "json", "."]);
    assert_eq!(before.code, 0, "warnings and notes only");
    std::fs::write(
        dir.path().join(".tokenscope.yaml"),
        "rules:\n  high-risk-scope: off\n  inferred-requirement: off\nfail-on: warning\n",
    )
    .expect("config");
    let run = tokenscope_in(dir.path(), &["audit", "--format", "json", "."]);
    assert_eq!(
        rules_of(&run),
        [
            ("broad-token".to_owned(), "note".to_owned()),
            ("excess-scope".to_owned(), "warning".to_owned())
        ]
    );
    assert_eq!(run.code, 1, "the config's fail-on: warning applies");
    assert_eq!(
        tokenscope_in(dir.path(), &["audit", "--fail-on", "error", "."]).code,
        0,
        "the flag beats the config"
    );
    std::fs::write(
        dir.path().join(".tokenscope.yaml"),
        "rules:\n  high-risk-scope: of\n",
    )
    .expect("config");
    let run = tokenscope_in(dir.path(), &["audit", "--color", "never", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".tokenscope.yaml:2:20") && run.stderr.contains("did you mean `off`?"),
        "{}",
        run.stderr
    );
}

// ---- baselines -----------------------------------------------------------------------------

#[test]
fn baselines_hide_known_findings_across_line_shifts_and_report_stale_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("bot.tokenscope.yaml");
    let original = "integration: bot\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies]\n    endpoints: [Create Label, Search Chats]\n";
    std::fs::write(&manifest, original).expect("manifest");
    assert_eq!(
        tokenscope_in(dir.path(), &["audit", "."]).code,
        1,
        "missing List all chats"
    );

    let write = tokenscope_in(
        dir.path(),
        &["audit", "--write-baseline", "baseline.json", "."],
    );
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(write.stderr.contains("recorded"), "{}", write.stderr);
    let recorded =
        std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline written");
    assert!(
        recorded.contains("\"missing-scope\"") && !recorded.contains("\"line\""),
        "{recorded}"
    );

    let clean = tokenscope_in(dir.path(), &["audit", "--baseline", "baseline.json", "."]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(
        clean.stdout.contains("hidden by the baseline"),
        "{}",
        clean.stdout
    );

    // Lines shift: the baseline still matches.
    std::fs::write(&manifest, format!("# owned by the bot team\n\n{original}")).expect("manifest");
    assert_eq!(
        tokenscope_in(dir.path(), &["audit", "--baseline", "baseline.json", "."]).code,
        0
    );

    // A new problem is reported; a fixed one shows up as a stale baseline entry.
    std::fs::write(
        &manifest,
        "integration: bot\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies, List all chats]\n    endpoints: [Create Label, Search Chats, Send Template Message]\n",
    )
    .expect("manifest");
    let run = tokenscope_in(
        dir.path(),
        &[
            "audit",
            "--color",
            "never",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("lacks `Send template messages`"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("lacks `List all chats`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("note: baseline entry no longer matches (fixed?): missing-scope"),
        "{}",
        run.stdout
    );
    let json = tokenscope_in(
        dir.path(),
        &[
            "audit",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            ".",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["baseline"]["stale"][0]["subject"], "List all chats");

    std::fs::write(
        dir.path().join("broken.json"),
        "{\"schema_version\": 1, \"findings\": [",
    )
    .expect("broken");
    assert_eq!(
        tokenscope_in(dir.path(), &["audit", "--baseline", "broken.json", "."]).code,
        2
    );
}

#[test]
fn findings_are_shown_worst_first_and_min_severity_filters_what_is_shown() {
    let run = tokenscope(&["audit", "--color", "never", "tests/fixtures/mistakes"]);
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning[") || l.starts_with("note["))
        .collect();
    let rank = |h: &&str| match h.split('[').next() {
        Some("error") => 0,
        Some("warning") => 1,
        _ => 2,
    };
    let ranks: Vec<i32> = headers.iter().map(rank).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(ranks, sorted, "worst first: {headers:?}");

    let errors_only = tokenscope(&[
        "audit",
        "--color",
        "never",
        "--min-severity",
        "error",
        "tests/fixtures/mistakes",
    ]);
    assert_eq!(errors_only.code, 1);
    assert!(
        !errors_only.stdout.contains("warning["),
        "{}",
        errors_only.stdout
    );
    assert!(
        !errors_only.stdout.contains("note["),
        "{}",
        errors_only.stdout
    );
    assert!(
        errors_only.stdout.contains("below --min-severity"),
        "{}",
        errors_only.stdout
    );
}
