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
