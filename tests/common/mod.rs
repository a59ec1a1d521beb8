//! Running the `tokenscope` binary from end-to-end tests.
#![allow(dead_code)]

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
