//! The live commands against what a CI run on repositories and docs it does not control may
//! meet: absurd flag values, secrets pasted into the wrong flag, docs sites that point
//! elsewhere, shrink or smuggle terminal sequences, and APIs that let nothing be checked.
//! Every server here is a local stand-in the test starts.

mod common;
#[path = "fixtures/live/server.rs"]
mod server;

use common::Run;

use server::{Reply, Server};

const TOKEN: &str = "tsk_live_6c1f0e9b7d2a4f8e";
const MANIFEST: &str = "tests/fixtures/live/support-bot.tokenscope.yaml";
const API: &str = "/server/api/v2";

/// Runs the binary with `env` set and nothing on standard input.
fn tokenscope(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::isolated_command();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).write_stdin("");
    cmd.output().expect("binary runs").into()
}

/// A run that must be a usage error: exit 2, no panic.
fn assert_usage_error(run: &Run, context: &str) {
    assert_eq!(run.code, 2, "{context}: {}", run.all());
    assert!(!run.all().contains("panicked"), "{context}: {}", run.all());
}

#[test]
fn absurd_durations_are_usage_errors_not_panics() {
    let server = Server::start(|_| Reply::status(500));
    let base = format!("{}{API}", server.url());
    for flag in ["--deadline", "--timeout", "--backoff"] {
        for value in ["99999999999999999s", "99999999999999999999", "25h", "1441m"] {
            let verify = tokenscope(
                &["verify", MANIFEST, "--base-url", &base, flag, value],
                &[("TEXTER_TOKEN", TOKEN)],
            );
            assert_usage_error(&verify, &format!("verify {flag} {value}"));
            let drift = tokenscope(
                &["table", "drift", "--docs-url", &server.url(), flag, value],
                &[],
            );
            assert_usage_error(&drift, &format!("drift {flag} {value}"));
        }
        let run = tokenscope(
            &[
                "table",
                "drift",
                "--docs-url",
                &server.url(),
                flag,
                "86401s",
            ],
            &[],
        );
        assert!(
            run.stderr.contains("longer than 24 hours"),
            "{flag}: {}",
            run.stderr
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_token_given_to_the_wrong_flag_is_never_echoed() {
    let server = Server::start(|_| Reply::status(500));
    let long = "9f3c".repeat(20);
    let in_host = format!("https://{TOKEN}.texterchat.com/server/api/v2");
    let as_host = format!("http://{TOKEN}:8080/");
    let bearer = format!("Bearer {TOKEN}");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["verify", MANIFEST, "--project", TOKEN],
            TOKEN,
            "contains `_`",
        ),
        (
            vec!["verify", MANIFEST, "--project", &bearer],
            TOKEN,
            "contains `_`",
        ),
        (
            vec!["verify", MANIFEST, "--project", &long],
            &long,
            "80 characters (at most 63)",
        ),
        (
            vec!["verify", MANIFEST, "--base-url", TOKEN],
            TOKEN,
            "not a URL",
        ),
        (
            vec!["verify", MANIFEST, "--base-url", &in_host],
            TOKEN,
            "its host is not a host name",
        ),
        (
            vec!["verify", MANIFEST, "--base-url", &as_host],
            TOKEN,
            "its host is not a host name",
        ),
        (
            vec!["table", "drift", "--docs-url", TOKEN],
            TOKEN,
            "not a URL",
        ),
        (
            vec!["table", "drift", "--docs-url", &in_host],
            TOKEN,
            "its host is not a host name",
        ),
    ];
    for (args, secret, why) in cases {
        let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)]);
        assert_usage_error(&run, &args.join(" "));
        for part in [secret, &secret[4..secret.len() - 2]] {
            assert!(
                !run.all().contains(part),
                "{args:?} echoes it:\n{}",
                run.all()
            );
        }
        assert!(run.flat_stderr().contains(why), "{args:?}: {}", run.stderr);
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}
