//! One gate for every command that reports findings: `--quiet`, `--fail-on`, rule levels
//! (flags and the config file), baselines and every output format behave the same in `audit`,
//! `scan` and `verify`.

mod common;
#[path = "fixtures/live/server.rs"]
mod server;

use std::path::Path;

use common::Run;
use server::{Reply, Server};

const TOKEN: &str = "tsk_live_6c1f0e9b7d2a4f8e";

/// A command under test: how to run it in a directory, which error rule and which warning rule
/// its fixture raises, and the line that summarises a run.
struct Case {
    name: &'static str,
    args: Vec<String>,
    error_rule: &'static str,
    warning_rule: &'static str,
    summary: &'static str,
}

fn run_in(dir: &Path, case: &Case, extra: &[&str]) -> Run {
    let mut cmd = common::isolated_command();
    cmd.current_dir(dir)
        .env("TEXTER_TOKEN", TOKEN)
        .args(&case.args)
        .args(extra);
    cmd.output().expect("binary runs").into()
}

/// A stand-in API that grants `Manage labels` and `List all chats` only: the manifest's other
/// declared scopes are denied (errors), `List all chats` is undeclared (a warning).
fn api() -> Server {
    Server::start(|req| {
        let path = req.path();
        let allowed = path.ends_with("/labels") || path.contains("/chats");
        let authorised = req.header("authorization") == Some(&format!("Bearer {TOKEN}"));
        if authorised && allowed {
            Reply::json(200, "[]")
        } else {
            Reply::json(403, r#"{"message":"Forbidden"}"#)
        }
    })
}

/// The three commands, each on a fixture copied into its own repository-like directory.
fn cases(root: &Path, server: &Server) -> Vec<(std::path::PathBuf, Case)> {
    let repo = env!("CARGO_MANIFEST_DIR");
    let mut out = Vec::new();
    let dir = root.join("audit");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(
        dir.join("m.tokenscope.yaml"),
        "integration: x\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies]\n    endpoints: [Create Label, Get Chat by Chat ID]\n",
    )
    .expect("write");
    out.push((
        dir,
        Case {
            name: "audit",
            args: vec!["audit".into(), ".".into()],
            error_rule: "missing-scope",
            warning_rule: "excess-scope",
            summary: "tokenscope: 1 manifest checked",
        },
    ));
    let dir = root.join("scan");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    copy_tree(
        &Path::new(repo).join("tests/fixtures/scan/app"),
        &dir.join("app"),
    );
    std::fs::copy(
        Path::new(repo).join("tests/fixtures/scan/app.tokenscope.yaml"),
        dir.join("app.tokenscope.yaml"),
    )
    .expect("copy");
    out.push((
        dir,
        Case {
            name: "scan",
            args: vec![
                "scan".into(),
                "--manifest".into(),
                "app.tokenscope.yaml".into(),
                "app".into(),
            ],
            error_rule: "undeclared-endpoint",
            warning_rule: "unused-endpoint",
            summary: "tokenscope: 9 endpoints called",
        },
    ));
    if cfg!(not(feature = "live")) {
        return out;
    }
    let dir = root.join("verify");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(
        dir.join("m.tokenscope.yaml"),
        "integration: x\ntokens:\n  t:\n    scopes: [Manage labels, View all chats]\n    endpoints: [Create Label, Get Chat by Chat ID]\n",
    )
    .expect("write");
    out.push((
        dir,
        Case {
            name: "verify",
            args: vec![
                "verify".into(),
                "m.tokenscope.yaml".into(),
                "--base-url".into(),
                format!("{}/server/api/v2", server.url()),
                "--retries".into(),
                "0".into(),
            ],
            error_rule: "live-scope-denied",
            warning_rule: "live-scope-undeclared",
            summary: "tokenscope: 1 confirmed",
        },
    ));
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn the_gate_behaves_the_same_in_audit_scan_and_verify() {
    let root = tempfile::tempdir().expect("tempdir");
    let server = api();
    for (dir, case) in cases(root.path(), &server) {
        let name = case.name;
        let (error, warning) = (
            format!("error[{}]", case.error_rule),
            format!("warning[{}]", case.warning_rule),
        );

        // Defaults: the error fails the run; both findings and the summary are shown.
        let run = run_in(&dir, &case, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.all());
        assert!(run.stdout.contains(&error), "{name}: {}", run.stdout);
        assert!(run.stdout.contains(&warning), "{name}: {}", run.stdout);
        assert!(run.stdout.contains(case.summary), "{name}: {}", run.stdout);

        // --quiet drops the summary line, nothing else.
        let quiet = run_in(&dir, &case, &["--quiet"]);
        assert!(
            !quiet.stdout.contains(case.summary),
            "{name}: {}",
            quiet.stdout
        );
        assert!(quiet.stdout.contains(&error), "{name}: {}", quiet.stdout);

        // --fail-on: never passes, warning fails on the warning alone.
        assert_eq!(
            run_in(&dir, &case, &["--fail-on", "never"]).code,
            0,
            "{name}"
        );
        let only_warning = run_in(
            &dir,
            &case,
            &["--allow", case.error_rule, "--fail-on", "warning"],
        );
        assert_eq!(only_warning.code, 1, "{name}: {}", only_warning.all());
        assert!(!only_warning.stdout.contains(&error), "{name}");

        // Levels from flags: the error as a warning passes; both allowed leaves nothing.
        let demoted = run_in(&dir, &case, &["--warn", case.error_rule]);
        assert_eq!(demoted.code, 0, "{name}: {}", demoted.all());
        assert!(
            demoted
                .stdout
                .contains(&format!("warning[{}]", case.error_rule)),
            "{name}"
        );
        let silent = run_in(&dir, &case, &["--allow", "all"]);
        assert_eq!(silent.code, 0, "{name}");
        assert!(
            !silent.stdout.contains("error[") && !silent.stdout.contains("warning["),
            "{name}"
        );

        // Levels from the config file at the repository root, under the flags.
        let config = dir.join(".tokenscope.yaml");
        std::fs::write(
            &config,
            format!("rules:\n  {}: note\nfail-on: warning\n", case.error_rule),
        )
        .expect("write");
        let configured = run_in(&dir, &case, &[]);
        assert_eq!(
            configured.code, 1,
            "{name}: the warning fails under the config's fail-on"
        );
        assert!(
            configured
                .stdout
                .contains(&format!("note[{}]", case.error_rule)),
            "{name}: {}",
            configured.stdout
        );
        assert_eq!(
            run_in(&dir, &case, &["--fail-on", "error"]).code,
            0,
            "{name}: flags win"
        );
        std::fs::write(&config, "rules:\n  no-such-rule: off\n").expect("write");
        assert_eq!(
            run_in(&dir, &case, &[]).code,
            2,
            "{name}: a broken config is an input error"
        );
        std::fs::remove_file(&config).expect("remove");

        // Baselines: recorded, then hidden; new findings only would fail.
        let recorded = run_in(&dir, &case, &["--write-baseline", "baseline.json"]);
        assert_eq!(recorded.code, 0, "{name}: {}", recorded.all());
        let count: String = recorded
            .stderr
            .split("recorded ")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(
            count.parse::<usize>().unwrap_or(0) >= 2,
            "{name}: {}",
            recorded.stderr
        );
        let hidden = run_in(&dir, &case, &["--baseline", "baseline.json"]);
        assert_eq!(hidden.code, 0, "{name}: {}", hidden.all());
        assert!(
            hidden
                .stdout
                .contains(&format!("{count} hidden by the baseline")),
            "{name}: {}",
            hidden.stdout
        );

        // Every format carries the error and fails the same way.
        for format in ["json", "sarif", "github", "junit", "markdown"] {
            let run = run_in(&dir, &case, &["--format", format]);
            assert_eq!(run.code, 1, "{name} {format}: {}", run.stderr);
            assert!(
                run.stdout.contains(case.error_rule),
                "{name} {format}: {}",
                run.stdout
            );
        }
    }
}
