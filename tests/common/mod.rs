//! Running the `tokenscope` binary from end-to-end tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;

/// What one run of the binary printed and how it exited.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// stdout and stderr together.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// stderr with the diagnostics' gutters undone and whitespace folded, for `contains` checks.
    pub fn flat_stderr(&self) -> String {
        self.stderr
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The binary, run at the repository root, isolated from the environment the live commands read
/// (proxies, logging, the token, the date override) and without colour.
pub fn isolated_command() -> Command {
    let mut cmd = Command::cargo_bin("tokenscope").expect("binary builds");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    for var in [
        "TEXTER_TOKEN",
        "RUST_LOG",
        "TOKENSCOPE_TODAY",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Self {
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

/// Runs the binary in `dir`, without `NO_COLOR` from the environment.
pub fn tokenscope_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("tokenscope")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("binary runs");
    output.into()
}

/// Runs the binary at the repository root, where the fixtures are.
/// The Texter example manifests, in the order `audit examples` finds them (the GitHub examples
/// under `examples/github/` have their own tests).
#[allow(dead_code)]
pub const TEXTER_EXAMPLES: [&str; 3] = [
    "examples/crm-sync.tokenscope.yaml",
    "examples/marketing/tokenscope.yaml",
    "examples/support-bot.tokenscope.yaml",
];

pub fn tokenscope(args: &[&str]) -> Run {
    tokenscope_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A file of the repository, by its path from the root.
pub fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// JSON the binary printed or the repository holds.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| {
        let start: String = text.chars().take(2000).collect();
        panic!("{e}: {start}")
    })
}

/// YAML the repository holds or the binary printed (a table, an upstream specification), read
/// without serde-saphyr's budgets: these are trusted and some are large.
pub fn yaml(text: &str) -> serde_json::Value {
    let mut options = serde_saphyr::Options::default();
    options.budget = None;
    serde_saphyr::from_str_with_options(text, options).unwrap_or_else(|e| panic!("not YAML: {e}"))
}

/// Writes a manifest into `dir` and returns its path as an argument.
pub fn temp_manifest(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.to_string_lossy().into_owned()
}

/// (token, rule, message) of every finding above a note in `audit --format json` output,
/// sorted.
pub fn findings_above_notes(audit_json: &str) -> Vec<(String, String, String)> {
    let doc = json(audit_json);
    let mut out = Vec::new();
    for m in doc["manifests"].as_array().into_iter().flatten() {
        for f in m["findings"].as_array().into_iter().flatten() {
            if f["severity"] != "note" {
                out.push((
                    f["token"].as_str().unwrap_or("").to_owned(),
                    f["rule"].as_str().unwrap_or("").to_owned(),
                    f["message"].as_str().unwrap_or("").to_owned(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The permissions a Graph `pathSets` path value marks least privileged (`least=A,B;...`).
pub fn graph_least(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_str()
        .unwrap_or("")
        .split(';')
        .filter_map(|kv| kv.strip_prefix("least="))
        .flat_map(|l| l.split(','))
        .collect()
}

/// A Graph path's shape: lower case, every parameter `{}`; `None` for a path that is no table
/// template (a parameter inside a segment, a query). How both Graph test files line up
/// Microsoft's paths with the table's.
pub fn graph_path_shape(path: &str) -> Option<String> {
    let mut out = String::new();
    for seg in path
        .to_ascii_lowercase()
        .split('/')
        .filter(|s| !s.is_empty())
    {
        out.push('/');
        if seg.starts_with('{')
            && seg.ends_with('}')
            && seg.matches(['{', '}']).count() == 2
            && seg.len() > 2
        {
            out.push_str("{}");
        } else if seg.contains(['{', '}', '?', '#']) {
            return None;
        } else {
            out.push_str(seg);
        }
    }
    Some(if out.is_empty() { "/".into() } else { out })
}

/// A fixed linear congruential generator (Knuth's MMIX constants): the tests' samples are
/// drawn with it, so every run checks the same ones.
pub struct Lcg(pub u64);

impl Lcg {
    /// The next index below `len`.
    pub fn index(&mut self, len: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % len
    }
}

/// The scopes of a token in `suggest --format json` output: its minimal set.
pub fn minimal_scopes(token: &serde_json::Value) -> BTreeSet<String> {
    token["minimal_scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["scope"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Each scope's risk class in the built-in table of `api`, by scope name.
pub fn scope_risks(api: &str) -> BTreeMap<String, String> {
    let table = json(&tokenscope(&["--api", api, "table", "--format", "json"]).stdout);
    table["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_owned(),
                s["risk"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Cost as tokenscope compares it: high-risk grants, then medium, then low.
pub type Cost = (usize, usize, usize);

/// The cost of a set of scopes, each of which the table rates in `risk`.
pub fn cost<'a>(set: impl IntoIterator<Item = &'a str>, risk: &BTreeMap<String, String>) -> Cost {
    let mut c = (0, 0, 0);
    for s in set {
        match risk.get(s).map(String::as_str) {
            Some("high") => c.0 += 1,
            Some("medium") => c.1 += 1,
            Some("low") => c.2 += 1,
            other => panic!("{s} has no risk class in the table ({other:?})"),
        }
    }
    c
}

/// The least cost of a set holding one scope of each list, by brute force: each list not yet
/// met adds one of its scopes in turn.
pub fn brute_force(lists: &[&Vec<String>], risk: &BTreeMap<String, String>) -> Cost {
    let mut best: Option<Cost> = None;
    let mut stack: Vec<(usize, BTreeSet<&str>)> = vec![(0, BTreeSet::new())];
    while let Some((i, set)) = stack.pop() {
        let Some(list) = lists.get(i) else {
            let c = cost(set.iter().copied(), risk);
            if best.is_none_or(|b| c < b) {
                best = Some(c);
            }
            continue;
        };
        if list.iter().any(|s| set.contains(s.as_str())) {
            stack.push((i + 1, set));
            continue;
        }
        for s in list.iter() {
            let mut more = set.clone();
            more.insert(s);
            stack.push((i + 1, more));
        }
    }
    best.unwrap_or_default()
}
