//! How tokenscope reaches users without a Rust toolchain: the GitHub Action (`action.yml`), the
//! release workflow, the CI recipes and the pre-commit hooks. Their shape is checked here;
//! `scripts/lint-workflows.sh` adds actionlint and zizmor. The action itself is run, step by
//! step as the runner would, against a release laid out in a temporary directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

const REPOSITORY: &str = "https://github.com/tokenscope/tokenscope";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> Value {
    serde_saphyr::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

fn workflows() -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root().join(".github/workflows"))
        .expect(".github/workflows exists")
        .flatten()
        .map(|e| format!(".github/workflows/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".yml") || p.ends_with(".yaml"))
        .collect();
    found.sort();
    found
}

/// Every step of a workflow (all jobs) or of a composite action, with the file it is in.
fn steps(path: &str) -> Vec<Value> {
    let doc = yaml(path);
    if let Some(steps) = doc.pointer("/runs/steps").and_then(Value::as_array) {
        return steps.clone();
    }
    let jobs = doc["jobs"]
        .as_object()
        .unwrap_or_else(|| panic!("{path}: no jobs"));
    jobs.values()
        .flat_map(|job| job["steps"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

#[test]
fn the_action_is_a_composite_of_bash_steps_with_documented_inputs() {
    let action = yaml("action.yml");
    assert_eq!(action["name"], "tokenscope");
    assert!(!str_of(&action, "description").is_empty());
    assert_eq!(
        action.pointer("/runs/using"),
        Some(&Value::from("composite"))
    );

    let inputs = action["inputs"].as_object().expect("inputs");
    let names: BTreeSet<&str> = inputs.keys().map(String::as_str).collect();
    let expected = [
        "paths",
        "format",
        "fail-on",
        "args",
        "sarif-file",
        "version",
        "install-only",
    ];
    assert_eq!(names, expected.into_iter().collect());
    for (name, input) in inputs {
        assert!(!str_of(input, "description").is_empty(), "input {name}");
        assert!(input["default"].is_string(), "input {name} has a default");
    }
    assert_eq!(inputs["paths"]["default"], ".");
    assert_eq!(inputs["format"]["default"], "github");

    let steps = steps("action.yml");
    let ids: BTreeSet<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    for step in &steps {
        assert_eq!(step["shell"], "bash", "{step}");
        assert!(
            step.get("uses").is_none(),
            "the action runs no other action: {step}"
        );
    }
    for (name, output) in action["outputs"].as_object().expect("outputs") {
        let value = str_of(output, "value");
        let step = value
            .strip_prefix("${{ steps.")
            .and_then(|rest| rest.split('.').next())
            .unwrap_or_else(|| panic!("output {name}: {value}"));
        assert!(
            ids.contains(step),
            "output {name} reads a step that does not exist"
        );
    }
}

/// `${{ }}` in a script is pasted into the script before bash reads it: a branch name or an
/// input could then run commands. Values reach scripts through `env:` only.
#[test]
fn no_expression_is_pasted_into_a_script() {
    let mut files = workflows();
    files.push("action.yml".into());
    files.push("ci/github-actions.yml".into());
    for file in files {
        for step in steps(&file) {
            let run = str_of(&step, "run");
            assert!(
                !run.contains("${{"),
                "{file}: an expression in a script:\n{run}"
            );
        }
    }
}

/// Actions by commit, so a moved tag cannot change what runs; a release tag only for this
/// project's own action in the recipe, since no release commit exists to name yet.
#[test]
fn every_action_used_is_pinned_to_a_commit() {
    let pinned = regex::Regex::new(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$").unwrap();
    let own = regex::Regex::new(r"^tokenscope/tokenscope@v\d+\.\d+\.\d+$").unwrap();
    let mut files = workflows();
    files.push("ci/github-actions.yml".into());
    for file in files {
        for step in steps(&file) {
            let Some(uses) = step["uses"].as_str() else {
                continue;
            };
            let recipe_own = file.starts_with("ci/") && own.is_match(uses);
            assert!(
                pinned.is_match(uses) || recipe_own,
                "{file}: {uses} is not pinned"
            );
        }
    }
}

/// The release builds every archive the installer can ask for, and nothing it cannot.
#[test]
fn the_release_builds_what_the_installer_downloads() {
    let release = yaml(".github/workflows/release.yml");
    let built: BTreeSet<String> = release
        .pointer("/jobs/build/strategy/matrix/include")
        .and_then(Value::as_array)
        .expect("a build matrix")
        .iter()
        .map(|entry| str_of(entry, "target").to_owned())
        .collect();
    let installer = read("scripts/install-release.sh");
    let target = regex::Regex::new(r"target=([a-z0-9_]+-[a-z0-9_-]+)").unwrap();
    let asked: BTreeSet<String> = target
        .captures_iter(&installer)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(built, asked);
    let gitlab = read("ci/gitlab-ci.yml");
    for linux in built.iter().filter(|t| t.contains("linux")) {
        assert!(
            gitlab.contains(linux.as_str()),
            "ci/gitlab-ci.yml lacks {linux}"
        );
    }

    // The release job counts the archives before it publishes them.
    let publish = steps(".github/workflows/release.yml")
        .into_iter()
        .map(|s| str_of(&s, "run").to_owned())
        .find(|run| run.contains("SHA256SUMS"))
        .expect("a step writes SHA256SUMS");
    assert!(
        publish.contains(&format!("-eq {}", built.len())),
        "{publish}"
    );
}

#[test]
fn the_pre_commit_hooks_take_manifests_and_leave_the_config() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| str_of(h, "id")).collect();
    assert_eq!(ids, ["tokenscope", "tokenscope-prebuilt"]);
    for hook in hooks {
        let files = regex::Regex::new(str_of(hook, "files")).expect("files is a regex");
        for manifest in [
            "tokenscope.yaml",
            "tokenscope.yml",
            "crm.tokenscope.yaml",
            "crm.tokenscope.yml",
            "integrations/crm/tokenscope.yaml",
            "integrations/crm-sync.tokenscope.yml",
        ] {
            assert!(
                files.is_match(manifest),
                "{}: {manifest}",
                str_of(hook, "id")
            );
        }
        for other in [
            ".tokenscope.yaml",
            "sub/.tokenscope.yml",
            "mytokenscope.yaml",
            "tokenscope.yaml.orig",
            "tokenscope.json",
        ] {
            assert!(!files.is_match(other), "{}: {other}", str_of(hook, "id"));
        }
        assert!(str_of(hook, "entry").ends_with(" audit"), "{hook}");
        assert_eq!(hook["pass_filenames"], true);
    }
    let script = str_of(&hooks[1], "entry").split(' ').next().unwrap();
    assert_eq!(str_of(&hooks[1], "language"), "script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root().join(script))
            .expect(script)
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{script} is executable");
    }
}

/// Cargo.toml's repository is where every recipe and installer downloads from.
#[test]
fn one_repository_url_everywhere() {
    let cargo = read("Cargo.toml");
    assert!(cargo.contains(&format!("repository = \"{REPOSITORY}\"")));
    let readme = read("README.md");
    let recipes = readme
        .split("\n## ")
        .find(|s| s.starts_with("CI recipes"))
        .expect("README has a CI recipes section");
    let url = regex::Regex::new(r"https://github\.com/[\w.-]+/[\w.-]+").unwrap();
    for (file, text) in [
        ("README.md (CI recipes)", recipes.to_owned()),
        ("ci/gitlab-ci.yml", read("ci/gitlab-ci.yml")),
        ("ci/github-actions.yml", read("ci/github-actions.yml")),
        (".pre-commit-hooks.yaml", read(".pre-commit-hooks.yaml")),
        (
            "scripts/install-release.sh",
            read("scripts/install-release.sh"),
        ),
    ] {
        for found in url.find_iter(&text) {
            assert_eq!(found.as_str(), REPOSITORY, "{file}");
        }
    }
    assert!(recipes.contains("uses: tokenscope/tokenscope@"));
    // The README shows the GitLab job as ci/gitlab-ci.yml has it.
    let gitlab = read("ci/gitlab-ci.yml");
    let job = &gitlab[gitlab.find("tokenscope:\n").expect("the job")..];
    assert!(
        recipes.contains(&format!("```yaml\n{job}```")),
        "README's GitLab job differs"
    );
    assert!(read("action.yml").contains("tokenscope/tokenscope"));
}

#[cfg(unix)]
mod action_run {
    //! The composite action run as the runner runs it: each step's `env:` evaluated, its script
    //! run by `bash --noprofile --norc -eo pipefail`, its GITHUB_OUTPUT read back for the next
    //! steps. The release is a directory of this layout, reached by file:// URL:
    //! `download/vX.Y.Z/` and `latest/download/`, each with the archive and SHA256SUMS.

    use super::*;
    use sha2::{Digest, Sha256};
    use std::collections::BTreeMap;
    use std::process::Command;
    use std::sync::OnceLock;

    const TARGET: &str = "x86_64-unknown-linux-musl";
    const VERSION: &str = env!("CARGO_PKG_VERSION");

    /// The release directory, made once: an archive holding a stand-in `tokenscope` that runs
    /// the binary under test, packed by the script the release workflow uses.
    fn releases() -> &'static Path {
        static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
        DIR.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let binary = env!("CARGO_BIN_EXE_tokenscope");
            assert!(!binary.contains('\''));
            let stand_in = dir.path().join("tokenscope");
            std::fs::write(&stand_in, format!("#!/bin/sh\nexec '{binary}' \"$@\"\n")).unwrap();
            let packed = dir.path().join("packed");
            let status = Command::new("bash")
                .arg(root().join("scripts/package-release.sh"))
                .args([TARGET.as_ref(), stand_in.as_os_str(), packed.as_os_str()])
                .status()
                .expect("bash runs");
            assert!(status.success());
            let archive = format!("tokenscope-{TARGET}.tar.gz");
            let bytes = std::fs::read(packed.join(&archive)).unwrap();
            let sum: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            for release in [format!("download/v{VERSION}"), "latest/download".into()] {
                let at = dir.path().join(release);
                std::fs::create_dir_all(&at).unwrap();
                std::fs::write(at.join(&archive), &bytes).unwrap();
                std::fs::write(at.join("SHA256SUMS"), format!("{sum}  {archive}\n")).unwrap();
            }
            dir
        })
        .path()
    }

    struct StepRun {
        name: String,
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    struct ActionRun {
        steps: Vec<StepRun>,
        outputs: BTreeMap<String, String>,
        path: String,
    }

    impl ActionRun {
        fn step(&self, name: &str) -> &StepRun {
            self.steps
                .iter()
                .find(|s| s.name == name)
                .unwrap_or_else(|| panic!("step {name} did not run"))
        }
    }

    /// Runs action.yml in `workspace` with these inputs, as used at `action_ref`.
    fn run_action(workspace: &Path, action_ref: &str, inputs: &[(&str, &str)]) -> ActionRun {
        let action = yaml("action.yml");
        let runner = tempfile::tempdir().unwrap();
        let github_path = runner.path().join("path");
        std::fs::write(&github_path, "").unwrap();
        let mut context: BTreeMap<String, String> = BTreeMap::new();
        context.insert("github.action_path".into(), root().display().to_string());
        context.insert("github.action_ref".into(), action_ref.into());
        context.insert(
            "github.action_repository".into(),
            "tokenscope/tokenscope".into(),
        );
        for (name, input) in action["inputs"].as_object().unwrap() {
            let given = inputs.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
            let value = given.unwrap_or(input["default"].as_str().unwrap());
            context.insert(format!("inputs.{name}"), value.into());
        }
        let eval = |text: &str, context: &BTreeMap<String, String>| -> String {
            let expr = regex::Regex::new(r"\$\{\{\s*([^}]*?)\s*\}\}").unwrap();
            expr.replace_all(text, |c: &regex::Captures| {
                context
                    .get(&c[1])
                    .cloned()
                    .or_else(|| c[1].starts_with("steps.").then(String::new))
                    .unwrap_or_else(|| panic!("the test cannot evaluate {}", &c[1]))
            })
            .into_owned()
        };

        let mut steps = Vec::new();
        for (n, step) in action["runs"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let name = str_of(step, "name").to_owned();
            if let Some(condition) = step["if"].as_str() {
                let (left, right) = condition
                    .split_once(" != ")
                    .unwrap_or_else(|| panic!("the test cannot evaluate `if: {condition}`"));
                let right = right.trim_matches('\'');
                if context.get(left).map(String::as_str) == Some(right) {
                    continue;
                }
            }
            let output = runner.path().join(format!("output-{n}"));
            std::fs::write(&output, "").unwrap();
            let script = runner.path().join(format!("step-{n}.sh"));
            std::fs::write(&script, str_of(step, "run")).unwrap();
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script)
                .current_dir(workspace)
                .env_remove("GITHUB_SERVER_URL")
                .env("NO_COLOR", "1")
                .env("RUNNER_TEMP", runner.path())
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_PATH", &github_path)
                .env("TOKENSCOPE_TARGET", TARGET)
                .env(
                    "TOKENSCOPE_RELEASES_URL",
                    format!("file://{}", releases().display()),
                );
            for (key, value) in step["env"].as_object().into_iter().flatten() {
                cmd.env(key, eval(value.as_str().unwrap(), &context));
            }
            let out = cmd.output().expect("bash runs");
            let id = str_of(step, "id");
            for line in std::fs::read_to_string(&output).unwrap().lines() {
                let (key, value) = line.split_once('=').expect("name=value");
                context.insert(format!("steps.{id}.outputs.{key}"), value.into());
            }
            let failed = !out.status.success();
            steps.push(StepRun {
                name,
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
            if failed {
                break;
            }
        }
        let outputs = action["outputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, o)| (name.clone(), eval(str_of(o, "value"), &context)))
            .collect();
        let path = std::fs::read_to_string(&github_path).unwrap();
        ActionRun {
            steps,
            outputs,
            path,
        }
    }

    #[test]
    fn at_a_release_tag_it_installs_that_release_and_gates_with_annotations() {
        let run = run_action(root(), &format!("v{VERSION}"), &[("paths", "examples")]);
        let install = run.step("Install tokenscope");
        assert_eq!(install.code, Some(0), "{}", install.stderr);
        assert!(install.stderr.contains(&format!("/download/v{VERSION}/")));
        assert_eq!(run.outputs["version"], VERSION);
        assert!(
            run.path.trim_end().ends_with("tokenscope-bin"),
            "{}",
            run.path
        );

        // examples/ holds a manifest with mistakes: exit 1, one annotation per finding.
        let audit = run.step("Audit");
        assert_eq!(audit.code, Some(1), "{}", audit.stderr);
        assert!(
            audit
                .stdout
                .contains("::error file=examples/support-bot.tokenscope.yaml,line=")
        );
        assert_eq!(run.outputs["sarif-file"], "");
    }

    #[test]
    fn sarif_file_fail_on_and_args_reach_the_audit() {
        let out = tempfile::tempdir().unwrap();
        let sarif = out.path().join("findings.sarif");
        let sarif = sarif.to_str().unwrap();
        let run = run_action(
            root(),
            "main",
            &[
                (
                    "paths",
                    "examples/crm-sync.tokenscope.yaml\nexamples/support-bot.tokenscope.yaml",
                ),
                ("sarif-file", sarif),
                ("fail-on", "never"),
                ("args", "--quiet  --allow high-risk-scope"),
                ("format", "json"),
            ],
        );
        assert!(
            run.step("Install tokenscope")
                .stderr
                .contains("/latest/download/")
        );
        let audit = run.step("Audit");
        assert_eq!(audit.code, Some(0), "{}", audit.stderr);
        let report: Value = serde_json::from_str(&audit.stdout).expect("JSON in the log");
        assert!(report.to_string().contains("missing-scope"));
        assert!(
            !report.to_string().contains("high-risk-scope"),
            "--allow applied"
        );

        assert_eq!(run.outputs["sarif-file"], sarif);
        let log: Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let results = log
            .pointer("/runs/0/results")
            .and_then(Value::as_array)
            .unwrap();
        assert!(!results.is_empty());
    }

    #[test]
    fn pinned_to_a_commit_it_installs_the_version_of_that_commit() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let run = run_action(root(), sha, &[("install-only", "true")]);
        let install = run.step("Install tokenscope");
        assert_eq!(install.code, Some(0), "{}", install.stderr);
        assert!(install.stderr.contains(&format!("/download/v{VERSION}/")));
        assert_eq!(run.steps.len(), 1, "install-only audits nothing");
        assert_eq!(run.outputs["version"], VERSION);
    }

    #[test]
    fn a_release_that_does_not_exist_fails_the_install() {
        let run = run_action(root(), "main", &[("version", "99.0.0")]);
        let install = run.step("Install tokenscope");
        assert_ne!(install.code, Some(0));
        assert!(
            install.stderr.contains("could not download"),
            "{}",
            install.stderr
        );
        assert_eq!(run.steps.len(), 1);
    }

    /// Inputs are data: no shell ever reads them as code.
    #[test]
    fn inputs_never_run_as_commands() {
        let workspace = tempfile::tempdir().unwrap();
        let run = run_action(
            workspace.path(),
            "main",
            &[
                (
                    "paths",
                    "$(touch from-paths) `touch from-paths-2` ; touch from-paths-3",
                ),
                ("args", "--quiet $(touch from-args)"),
                ("fail-on", "error $(touch from-fail-on)"),
                ("format", "github;touch from-format"),
            ],
        );
        let audit = run.step("Audit");
        assert_eq!(
            audit.code,
            Some(2),
            "a usage error, nothing else: {}",
            audit.stderr
        );
        let left: Vec<_> = std::fs::read_dir(workspace.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "files appeared: {left:?}");
    }
}

/// Paths used above exist, so a rename breaks this test rather than a user's CI.
#[test]
fn the_scripts_the_action_and_hooks_call_exist() {
    for script in [
        "scripts/install-release.sh",
        "scripts/package-release.sh",
        "scripts/pre-commit-prebuilt.sh",
        "scripts/lint-workflows.sh",
    ] {
        let path: PathBuf = root().join(script);
        assert!(path.is_file(), "{script}");
        assert!(
            read(script).starts_with("#!/usr/bin/env bash\n"),
            "{script}"
        );
    }
    assert!(read("action.yml").contains("$ACTION_PATH/scripts/install-release.sh"));
}

/// Released binaries are built with the `dist` profile (what the benchmarks measure), and every
/// step after the build looks for the binary where that profile puts it.
#[test]
fn the_release_ships_the_dist_profile() {
    let cargo = read("Cargo.toml");
    let dist = cargo
        .split("[profile.dist]")
        .nth(1)
        .expect("a dist profile");
    let dist = dist.split("\n[").next().unwrap_or_default();
    for setting in [
        "inherits = \"release\"",
        "lto = \"fat\"",
        "codegen-units = 1",
    ] {
        assert!(dist.contains(setting), "[profile.dist] lacks {setting}");
    }
    let workflow = read(".github/workflows/release.yml");
    assert!(!workflow.contains("--release"), "builds with --release");
    assert_eq!(workflow.matches("--profile dist").count(), 2, "both builds");
    assert!(!workflow.contains("/release/tokenscope"));
    assert!(workflow.contains("target/$TARGET/dist/tokenscope"));
    // The benchmarks build it too, statically where releases are static.
    let build = read("scripts/bench-binary.sh");
    assert_eq!(
        build.matches("cargo build --profile dist").count(),
        2,
        "static and plain"
    );
    assert!(build.contains("+crt-static"));
    for script in [
        "scripts/bench.sh",
        "scripts/bench-github.sh",
        "scripts/bench-scan.sh",
        "scripts/bench-import.sh",
        "scripts/bench-msgraph.sh",
    ] {
        assert!(
            read(script).contains("source scripts/bench-binary.sh"),
            "{script}"
        );
    }
}

/// x86_64 Linux is released profile-guided, by the script the benchmarks build with too: both of
/// its builds use the dist profile, the final one lands where the steps after it look, and only
/// a runner that can execute the binary trains it.
#[test]
fn the_x86_64_linux_release_is_profile_guided() {
    let pgo = read("scripts/build-pgo.sh");
    assert_eq!(
        pgo.matches("--profile dist --target \"$target\"").count(),
        2,
        "the instrumented and the final build"
    );
    let final_build = pgo.rsplit("profile-use").next().unwrap_or_default();
    assert!(!final_build.contains("--target-dir"), "{final_build}");
    assert!(pgo.contains("bash scripts/pgo-train.sh"));

    let release = yaml(".github/workflows/release.yml");
    let matrix = release
        .pointer("/jobs/build/strategy/matrix/include")
        .and_then(Value::as_array)
        .expect("a build matrix");
    let guided: Vec<&str> = matrix
        .iter()
        .filter(|entry| entry.get("pgo").and_then(Value::as_bool) == Some(true))
        .inspect(|entry| {
            assert_eq!(entry.get("run").and_then(Value::as_bool), Some(true));
        })
        .map(|entry| str_of(entry, "target"))
        .collect();
    assert_eq!(guided, ["x86_64-unknown-linux-musl"]);
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.contains("bash scripts/build-pgo.sh \"$TARGET\""));
    assert!(workflow.contains("rustup component add llvm-tools"));
    assert!(read("scripts/bench-binary.sh").contains("bash scripts/build-pgo.sh \"$target\""));
    assert!(read(".ci/run").contains("bash scripts/pgo-train.sh target/debug/tokenscope"));
}
