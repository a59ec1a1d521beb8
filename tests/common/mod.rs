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

/// Runs the binary in `dir`, without `NO_COLOR` from the environment.
pub fn tokenscope_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("tokenscope")
        .expect("binary builds")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .expect("binary runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Runs the binary at the repository root, where the fixtures are.
pub fn tokenscope(args: &[&str]) -> Run {
    tokenscope_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}
