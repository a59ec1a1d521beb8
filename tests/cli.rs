//! End-to-end tests of the `tokenscope` binary: exit codes, outputs (snapshots), determinism.

mod common;

use common::{TEXTER_EXAMPLES, tokenscope, tokenscope_in};

// ---- exit codes ----------------------------------------------------------------------------

#[test]
fn clean_manifest_exits_0() {
    let run = tokenscope(&["audit", "tests/fixtures/clean"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "tokenscope: 1 manifest checked: 0 errors, 0 warnings, 0 notes\n"
    );
}

#[test]
fn findings_exit_1_and_fail_on_moves_the_threshold() {
    assert_eq!(tokenscope(&["audit", "tests/fixtures/mistakes"]).code, 1);
    assert_eq!(
        tokenscope(&["audit", "--fail-on", "never", "tests/fixtures/mistakes"]).code,
        0
    );
    // Only warnings and notes: passes by default, fails with --fail-on warning.
    let ignores = "tests/fixtures/ignores";
    assert_eq!(tokenscope(&["audit", ignores]).code, 0);
    assert_eq!(
        tokenscope(&["audit", "--fail-on", "warning", ignores]).code,
        1
    );
    assert_eq!(
        tokenscope(&[
            "audit",
            "--fail-on",
            "note",
            "examples/crm-sync.tokenscope.yaml"
        ])
        .code,
        1
    );
    assert_eq!(
        tokenscope(&["audit", "examples/crm-sync.tokenscope.yaml"]).code,
        0
    );
}

#[test]
fn malformed_manifests_exit_2_with_located_messages() {
    let cases = [
        (
            "unknown-keys",
            "unknown key `scope` in token `t`",
            "unknown-keys.tokenscope.yaml:4:5",
        ),
        ("syntax", "invalid YAML", "syntax.tokenscope.yaml:2:9"),
        (
            "empty",
            "the manifest is empty",
            "empty.tokenscope.yaml:1:1",
        ),
        (
            "wrong-types",
            "`scopes` must be a list, found a string",
            "wrong-types.tokenscope.yaml:4:13",
        ),
        (
            "other-api",
            "this manifest is for the `stripe` API",
            "other-api.tokenscope.yaml:2:6",
        ),
        (
            "two-documents",
            "a second YAML document starts here",
            "two-documents.tokenscope.yaml:6:1",
        ),
        (
            "duplicate-token",
            "duplicate mapping key",
            "duplicate-token.tokenscope.yaml:5:3",
        ),
        (
            "missing-keys",
            "the manifest has no `integration:` key",
            "missing-keys.tokenscope.yaml:1:1",
        ),
    ];
    for (name, message, location) in cases {
        let path = format!("tests/fixtures/malformed/{name}.tokenscope.yaml");
        let run = tokenscope(&["audit", "--color", "never", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
        assert!(run.stderr.contains(location), "{name}: {}", run.stderr);
    }
}

#[test]
fn one_broken_manifest_does_not_hide_the_others() {
    let run = tokenscope(&[
        "audit",
        "--color",
        "never",
        "tests/fixtures/malformed",
        "tests/fixtures/mistakes",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("error[missing-scope]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("; 8 inputs could not be read\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(tokenscope(&["audit", "--format", "xml"]).code, 2);
    assert_eq!(tokenscope(&["frobnicate"]).code, 2);
    let run = tokenscope(&["audit", "does/not/exist.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read does/not/exist.yaml"),
        "{}",
        run.stderr
    );
    let empty = tempfile::tempdir().expect("tempdir");
    let run = tokenscope_in(empty.path(), &["audit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no manifests found under ."),
        "{}",
        run.stderr
    );
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(tokenscope(&["--help"]).code, 0);
    assert!(tokenscope(&["--version"]).stdout.starts_with("tokenscope "));
}

// ---- outputs (snapshots) -------------------------------------------------------------------

#[test]
fn human_output_every_mistake() {
    let run = tokenscope(&["audit", "--color", "never", "tests/fixtures/mistakes"]);
    insta::assert_snapshot!("human_every_mistake", run.stdout);
}

#[test]
fn json_output_every_mistake() {
    let run = tokenscope(&["audit", "--format", "json", "tests/fixtures/mistakes"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(doc["schema_version"], 1);
    insta::assert_snapshot!("json_every_mistake", run.stdout);
}

#[test]
fn human_output_examples() {
    let run = tokenscope(&[&["audit", "--color", "never"][..], &TEXTER_EXAMPLES].concat());
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("human_examples", run.stdout);
}

#[test]
fn json_output_examples() {
    let run = tokenscope(&[&["audit", "--format", "json"][..], &TEXTER_EXAMPLES].concat());
    insta::assert_snapshot!("json_examples", run.stdout);
}

#[test]
fn human_output_input_errors() {
    let run = tokenscope(&["audit", "--color", "never", "tests/fixtures/malformed"]);
    insta::assert_snapshot!("human_input_errors", run.stderr);
}

#[test]
fn json_output_input_errors() {
    let run = tokenscope(&["audit", "--format", "json", "tests/fixtures/malformed"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("json_input_errors", run.stdout);
}

#[test]
fn every_rule_of_audit_fires_on_the_mistakes_fixture() {
    let run = tokenscope(&[
        "audit",
        "--format",
        "json",
        "--no-ignores",
        "tests/fixtures/mistakes",
        "tests/fixtures/ignores",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let mut rules: Vec<String> = doc["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .flat_map(|m| m["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
        .collect();
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "ambiguous-endpoint",
            "broad-token",
            "duplicate-endpoint",
            "duplicate-scope",
            "excess-scope",
            "high-risk-scope",
            "inferred-requirement",
            "missing-scope",
            "scope-free-endpoint",
            "unexplained-ignore",
            "unknown-endpoint",
            "unknown-scope",
            "unused-token",
        ]
    );
}

#[test]
fn output_is_deterministic() {
    for format in ["human", "json"] {
        let a = tokenscope(&[
            "audit",
            "--color",
            "never",
            "--format",
            format,
            "examples",
            "tests/fixtures/mistakes",
        ]);
        let b = tokenscope(&[
            "audit",
            "--color",
            "never",
            "--format",
            format,
            "tests/fixtures/mistakes",
            "examples",
        ]);
        let c = tokenscope(&[
            "audit",
            "--color",
            "never",
            "--format",
            format,
            "examples",
            "tests/fixtures/mistakes",
        ]);
        assert_eq!(a.stdout, c.stdout, "{format}");
        // The order of the paths given is the order of the report, and nothing else changes.
        assert_eq!(a.stdout.len(), b.stdout.len(), "{format}");
    }
}

#[test]
fn quiet_drops_the_summary_and_color_always_colors() {
    let run = tokenscope(&["audit", "--quiet", "tests/fixtures/clean"]);
    assert_eq!(run.stdout, "");
    let run = tokenscope(&["audit", "--color", "always", "tests/fixtures/mistakes"]);
    assert!(run.stdout.contains("\u{1b}["));
    let run = tokenscope(&["audit", "tests/fixtures/mistakes"]);
    assert!(!run.stdout.contains("\u{1b}["), "not a terminal: no colour");
}

// ---- explain and table ---------------------------------------------------------------------

#[test]
fn explain_explains_each_topic() {
    let both = tokenscope(&["explain", "excess-scope", "Manage labels"]);
    assert_eq!(both.code, 0, "{}", both.stderr);
    let rule = tokenscope(&["explain", "excess-scope"]).stdout;
    let scope = tokenscope(&["explain", "Manage labels"]).stdout;
    assert_eq!(both.stdout, format!("{rule}\n{scope}"));
    let one_unknown = tokenscope(&["explain", "excess-scope", "nonsense-topic"]);
    assert_eq!(one_unknown.code, 2);
    assert_eq!(
        one_unknown.stdout, rule,
        "the known topic is still explained"
    );
    assert!(
        one_unknown.stderr.contains("nonsense-topic"),
        "{}",
        one_unknown.stderr
    );
}

#[test]
fn explain_topics() {
    insta::assert_snapshot!(
        "explain_scope",
        tokenscope(&["explain", "Manage all chats"]).stdout
    );
    insta::assert_snapshot!(
        "explain_endpoint",
        tokenscope(&["explain", "POST /files/share/abc"]).stdout
    );
    insta::assert_snapshot!("explain_area", tokenscope(&["explain", "events"]).stdout);
    insta::assert_snapshot!(
        "explain_rule",
        tokenscope(&["explain", "excess-scope"]).stdout
    );
    let run = tokenscope(&["explain", "--color", "never", "Send Session Messages"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean one of: `Send session message`"),
        "{}",
        run.stderr
    );
}

#[test]
fn table_formats() {
    let yaml = tokenscope(&["table"]).stdout;
    assert_eq!(
        yaml,
        std::fs::read_to_string("scope-table.yaml").expect("table file")
    );
    let json: serde_json::Value =
        serde_json::from_str(&tokenscope(&["table", "--format", "json"]).stdout).expect("JSON");
    assert_eq!(json["endpoints"].as_array().map(Vec::len), Some(41));
    assert_eq!(json["scopes"].as_array().map(Vec::len), Some(19));
    assert_eq!(json["areas"].as_array().map(Vec::len), Some(10));
    insta::assert_snapshot!(
        "table_markdown",
        tokenscope(&["table", "--format", "markdown"]).stdout
    );
}

#[test]
fn table_list_shows_every_built_in_with_its_size() {
    let human = tokenscope(&["table", "list"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    insta::assert_snapshot!("table_list_human", human.stdout);
    let run = tokenscope(&["table", "list", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("table_list_json", run.stdout);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let tables = list["tables"].as_array().expect("tables");
    // Every table file in the repository is built in, Texter's first (the default).
    let mut files: Vec<String> = std::fs::read_dir("tables")
        .expect("tables/")
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    files.sort();
    files.insert(0, "scope-table.yaml".into());
    let listed: Vec<&str> = tables.iter().filter_map(|t| t["file"].as_str()).collect();
    assert_eq!(listed, files);
    assert_eq!(tables[0]["default"], true);
    // The sizes are those of the table each `--api` prints.
    for t in tables {
        let api = t["api"].as_str().expect("api");
        let doc: serde_json::Value =
            serde_json::from_str(&tokenscope(&["--api", api, "table", "--format", "json"]).stdout)
                .expect("table JSON");
        for field in ["endpoints", "scopes", "areas"] {
            assert_eq!(
                t[field].as_u64(),
                doc[field].as_array().map(|a| a.len() as u64),
                "{api} {field}"
            );
        }
        assert_eq!(t["retrieved"], doc["retrieved"], "{api}");
        assert_eq!(t["source"], doc["source"], "{api}");
    }
}

#[test]
fn table_check_validates_custom_tables() {
    let ok = tokenscope(&["table", "check", "scope-table.yaml"]);
    assert_eq!(ok.code, 0);
    assert_eq!(
        ok.stdout,
        "scope-table.yaml: valid `texter` table: 19 scopes, 10 areas, 41 endpoints\n"
    );
    let bad = tokenscope(&[
        "table",
        "check",
        "--color",
        "never",
        "tests/fixtures/tables/broken-table.yaml",
    ]);
    assert_eq!(bad.code, 2);
    insta::assert_snapshot!("table_check_broken", bad.stderr);
}

#[test]
fn custom_table_drives_the_audit() {
    let run = tokenscope(&[
        "--table",
        "tests/fixtures/tables/demo-table.yaml",
        "audit",
        "--format",
        "json",
        "tests/fixtures/tables/demo.tokenscope.yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["table"]["api"], "demo");
    let token = &doc["manifests"][0]["tokens"][0];
    assert_eq!(token["excess_scopes"], serde_json::json!(["Write things"]));
    // A broken custom table stops everything with exit 2.
    let run = tokenscope(&[
        "--table",
        "tests/fixtures/tables/broken-table.yaml",
        "audit",
        "examples",
    ]);
    assert_eq!(run.code, 2);
    // A Texter manifest against the demo table is an input error, not silence.
    let run = tokenscope(&[
        "--table",
        "tests/fixtures/tables/demo-table.yaml",
        "audit",
        "examples/marketing",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("this manifest is for the `texter` API"),
        "{}",
        run.stderr
    );
}

#[test]
fn api_phrases_come_from_the_table_never_from_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("m.tokenscope.yaml");
    std::fs::write(
        &manifest,
        "integration: x\napi: demo\ntokens:\n  t:\n    scopes: [Write things]\n    endpoints: [GET /things/42]\n",
    )
    .expect("write");
    let table = "tests/fixtures/tables/demo-table.yaml";
    let m = manifest.to_string_lossy().into_owned();
    let mut all = String::new();
    for args in [
        vec!["--table", table, "audit", &m],
        vec!["--table", table, "suggest", "--endpoint", "GET /things/42"],
        vec!["--table", table, "suggest", &m],
        vec![
            "--table",
            table,
            "explain",
            "missing-scope",
            "excess-scope",
            "unknown-scope",
        ],
    ] {
        let run = tokenscope(&args);
        assert!(run.code < 2, "{args:?}: {}", run.all());
        all.push_str(&run.all());
    }
    assert!(!all.contains("Texter"), "{all}");
    assert!(
        all.contains("Tick this scope in the API's token settings"),
        "{all}"
    );
    // The built-in table names its provider, so its phrases say where to act.
    let run = tokenscope(&["suggest", "--endpoint", "Create Label"]);
    assert!(
        run.stdout
            .contains("in Texter's token dialog (gear icon → Developers → API Tokens)"),
        "{}",
        run.stdout
    );
}

#[test]
fn man_pages_cover_every_subcommand_and_option_and_exit_code_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("man");
    let run = tokenscope(&["man", "--out", &out.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.all());
    for page in [
        "tokenscope.1",
        "tokenscope-audit.1",
        "tokenscope-scan.1",
        "tokenscope-verify.1",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let audit = std::fs::read_to_string(out.join("tokenscope-audit.1")).expect("read");
    for option in ["fail\\-on", "baseline", "follow", "format"] {
        assert!(
            audit.contains(option),
            "{option} missing from the audit page"
        );
    }
    let help = tokenscope(&["--help"]).stdout;
    assert!(help.contains("3 a live command"), "{help}");
    let main_page = tokenscope(&["man"]).stdout;
    assert!(main_page.contains("3 a live command"), "{main_page}");
}

#[test]
fn suppressions_that_silence_nothing_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.tokenscope.yaml");
    std::fs::write(
        &path,
        "integration: x\ntokens:\n  t:\n    scopes:\n      - Manage labels  # tokenscope: ignore[excess-scope] the label editor ships next sprint\n      - View quick replies  # tokenscope: ignore[excess-scope] kept for the picker\n    endpoints: [Create Label]\n    ignore:\n      - rule: missing-scope\n        reason: nothing is missing\n      - rule: excess-scope\n        scope: View quick replies\n        reason: kept on purpose\n",
    )
    .expect("write");
    let file = path.to_string_lossy().into_owned();
    let run = tokenscope(&["audit", "--format", "json", &file]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let unused: Vec<(u64, String)> = doc["manifests"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "unused-ignore")
        .map(|f| {
            (
                f["span"]["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    // Line 5's comment silences nothing (Create Label needs Manage labels); the `missing-scope`
    // entry matches nothing; line 6's comment and the scoped entry both silence the excess.
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert_eq!(unused[0].0, 5, "{unused:?}");
    assert!(
        unused[1].1.contains("no `missing-scope` finding"),
        "{unused:?}"
    );
    let everything = tokenscope(&["audit", "--format", "json", "--no-ignores", &file]);
    assert!(
        !everything.stdout.contains("unused-ignore"),
        "{}",
        everything.stdout
    );
}

#[test]
fn stdin_yml_manifests_and_near_misses() {
    // A manifest on standard input, reported under the name given.
    let output = common::isolated_command()
        .args(["audit", "-", "--stdin-filename", "pipe/crm.tokenscope.yaml"])
        .write_stdin(include_str!("../examples/support-bot.tokenscope.yaml"))
        .output()
        .expect("runs");
    let run: common::Run = output.into();
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout.contains("pipe/crm.tokenscope.yaml:"),
        "{}",
        run.stdout
    );
    // `.yml` manifests are found like `.yaml` ones.
    let dir = tempfile::tempdir().expect("tempdir");
    let valid = "integration: x\ntokens:\n  t:\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n";
    std::fs::write(dir.path().join("tokenscope.yml"), valid).expect("write");
    std::fs::write(dir.path().join("crm.tokenscope.yml"), valid).expect("write");
    let run = tokenscope(&["audit", &dir.path().to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("2 manifests checked"), "{}", run.stdout);
    // A tree with none says what it looked for, and names what came close.
    let empty = tempfile::tempdir().expect("tempdir");
    std::fs::write(empty.path().join("tokenscope.json"), "{}").expect("write");
    let run = tokenscope(&["audit", &empty.path().to_string_lossy()]);
    assert_eq!(run.code, 2);
    let flat = run.flat_stderr();
    assert!(flat.contains("looked for `tokenscope.yaml`"), "{flat}");
    assert!(
        flat.contains("Near misses, not read:") && flat.contains("tokenscope.json"),
        "{flat}"
    );
}

/// Built with `--no-default-features`: an offline linter, whose live commands say so.
#[cfg(not(feature = "live"))]
#[test]
fn live_commands_say_they_are_not_built() {
    let run = tokenscope(&[
        "verify",
        "examples/crm-sync.tokenscope.yaml",
        "--project",
        "acme",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("built without the live commands"),
        "{}",
        run.stderr
    );
    let run = tokenscope(&["table", "drift"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`table drift` is not available"),
        "{}",
        run.stderr
    );
}
