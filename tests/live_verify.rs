#![cfg(feature = "live")]
//! `tokenscope verify` end to end, against a local stand-in for the Texter API.

mod common;
#[path = "fixtures/live/server.rs"]
mod server;

use common::Run;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use server::{Reply, Request, Server, closed_port_url};
use tokenscope::table::{PathMatch, Table, request_segments};

const TOKEN: &str = "tsk_live_6c1f0e9b7d2a4f8e";
const MANIFEST: &str = "tests/fixtures/live/support-bot.tokenscope.yaml";
const API: &str = "/server/api/v2";
const IMPOSSIBLE_ID: &str = "000000000000000000000000";

/// What the live token may do.
const GRANTED: &[&str] = &[
    "View template messages",
    "Send session message",
    "List all chats",
    "View scenarios",
    "Manage scenarios on behalf of user",
    "Manage labels",
];

/// Fast retries and timeouts, so no test waits long.
const FAST: &[&str] = &["--retries", "2", "--backoff", "1ms", "--timeout", "2s"];

fn tokenscope(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut cmd = common::isolated_command();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).write_stdin(stdin.unwrap_or(""));
    cmd.output().expect("binary runs").into()
}

/// `extra` after the [`FAST`] settings it does not set itself.
fn with_fast<'a>(mut args: Vec<&'a str>, extra: &[&'a str]) -> Vec<&'a str> {
    for pair in FAST.chunks(2) {
        if !extra.contains(&pair[0]) {
            args.extend_from_slice(pair);
        }
    }
    args.extend_from_slice(extra);
    args
}

fn verify(server: &Server, extra: &[&str]) -> Run {
    let base = format!("{}{API}", server.url());
    let args = with_fast(vec!["verify", MANIFEST, "--base-url", &base], extra);
    tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None)
}

fn table() -> Table {
    Table::embedded().expect("embedded table")
}

/// The Texter stand-in's answer to one request: a wrong token gets `denial` everywhere, a
/// missing scope gets `denial`, a lookup of an id that does not exist gets 404.
fn texter_answer(table: &Table, req: &Request, granted: &[&str], denial: u16) -> Reply {
    if req.method != "GET" {
        return Reply::json(405, r#"{"message":"Method not allowed"}"#);
    }
    let refused = || match denial {
        401 => Reply::json(401, r#"{"error":"Unauthorized"}"#),
        _ => Reply::json(403, r#"{"message":"Forbidden: missing token scope"}"#),
    };
    if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return refused();
    }
    let Some(path) = req.path().strip_prefix(API) else {
        return Reply::json(404, r#"{"message":"Not found"}"#);
    };
    let segments = request_segments(path).unwrap_or_default();
    let PathMatch::One(id) = table.match_path(Some("GET"), &segments) else {
        return Reply::json(404, r#"{"message":"Not found"}"#);
    };
    let needs = table.scope_names(table.endpoint(id).scopes.iter());
    if !needs.iter().all(|n| granted.contains(&n.as_str())) {
        return refused();
    }
    if path.contains(IMPOSSIBLE_ID) {
        Reply::json(404, r#"{"message":"Chat not found"}"#)
    } else {
        Reply::json(200, "[]")
    }
}

fn texter(denial: u16) -> Server {
    let table = table();
    Server::start(move |req| texter_answer(&table, req, GRANTED, denial))
}

/// `scope: status` for every scope of a JSON report.
fn statuses(stdout: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(stdout).expect("JSON report");
    doc["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["scope"].as_str().unwrap_or(""),
                s["status"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const EXPECTED: &[&str] = &[
    "Send template messages: unverifiable",
    "View template messages: confirmed",
    "Manage WhatsApp templates: unverifiable",
    "Manage all chats: unverifiable",
    "List all chats: confirmed",
    "View all chats: denied",
    "Send session message: confirmed",
    "Manage labels: unverifiable",
    "Manage channels: unverifiable",
    "View all files: unverifiable",
    "View scenarios: confirmed",
    "Create scenarios: unverifiable",
    "Edit scenarios: unverifiable",
    "Delete scenarios: unverifiable",
    "Activate/inactivate scenarios: unverifiable",
    "Manage scenarios on behalf of user: confirmed",
    "View scenarios runs: unverifiable",
    "View quick replies: denied",
    "Manage quick replies: unverifiable",
];

#[test]
fn verdicts_are_the_same_whichever_status_denies_a_scope() {
    for denial in [401, 403] {
        let server = texter(denial);
        let run = verify(&server, &["--format", "json"]);
        assert_eq!(run.code, 1, "{denial}: {}", run.all());
        assert_eq!(statuses(&run.stdout), EXPECTED, "denial {denial}");
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert_eq!(doc["token_valid"], true);
        let rules: Vec<(&str, &str)> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or(""),
                    f["scope"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            rules,
            [
                ("live-scope-undeclared", "List all chats"),
                ("live-scope-undeclared", "View scenarios"),
                (
                    "live-scope-undeclared",
                    "Manage scenarios on behalf of user"
                ),
                ("live-scope-denied", "View all chats"),
            ],
            "denial {denial}"
        );
    }
}

#[test]
fn reports_in_both_formats() {
    let server = texter(403);
    let placeholder = "http://127.0.0.1:PORT";
    let human = verify(&server, &[]);
    assert_eq!(human.code, 1, "{}", human.all());
    insta::assert_snapshot!(
        "verify_human",
        human.stdout.replace(&server.url(), placeholder)
    );
    let json = verify(&server, &["--format", "json"]);
    insta::assert_snapshot!(
        "verify_json",
        json.stdout.replace(&server.url(), placeholder)
    );
    // Only warnings fail with --fail-on warning; with --fail-on never nothing does.
    assert_eq!(verify(&server, &["--fail-on", "never"]).code, 0);
}

#[test]
fn only_side_effect_free_gets_carry_the_token_in_the_header_only() {
    let server = texter(403);
    let run = verify(&server, &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    let requests = server.requests();
    // The preflight and one probe per distinct endpoint: no more.
    assert_eq!(requests.len(), 7, "{requests:#?}");
    assert_eq!(requests[0].path(), format!("{API}/labels"));
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert!(!r.target.contains(TOKEN), "{}", r.target);
        let agent = r.header("user-agent").unwrap_or("");
        assert_eq!(agent, concat!("tokenscope/", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn probes_run_concurrently_within_the_bound() {
    let table = table();
    let slow = Server::start(move |req| {
        let reply = texter_answer(&table, req, GRANTED, 403);
        if req.path().ends_with("/labels") {
            reply
        } else {
            reply.delay(Duration::from_millis(250))
        }
    });
    let run = verify(&slow, &["--concurrency", "3", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(statuses(&run.stdout), EXPECTED);
    let max = slow.max_in_flight();
    assert!(
        (2..=3).contains(&max),
        "at most 3 in flight, and more than one: {max}"
    );

    let table = self::table();
    let serial = Server::start(move |req| {
        texter_answer(&table, req, GRANTED, 403).delay(Duration::from_millis(20))
    });
    let run = verify(&serial, &["--concurrency", "1", "--format", "json"]);
    assert_eq!(statuses(&run.stdout), EXPECTED);
    assert_eq!(serial.max_in_flight(), 1);
}

/// Answers the first `n` requests for each path with `first`, then as Texter would.
fn flaky(n: usize, first: Reply) -> Server {
    let table = table();
    let seen: Mutex<Vec<String>> = Mutex::new(Vec::new());
    Server::start(move |req| {
        let mut seen = seen.lock().expect("lock");
        let count = seen.iter().filter(|p| *p == req.path()).count();
        seen.push(req.path().to_owned());
        if count < n {
            first.clone()
        } else {
            texter_answer(&table, req, GRANTED, 403)
        }
    })
}

#[test]
fn survives_429_honouring_retry_after() {
    let server = flaky(
        2,
        Reply::json(429, r#"{"message":"Too many requests"}"#).header("Retry-After", "0"),
    );
    let run = verify(&server, &["--format", "json", "-v"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(statuses(&run.stdout), EXPECTED);
    assert_eq!(server.requests().len(), 7 * 3);
    assert!(
        run.flat_stderr().contains("HTTP 429 (Retry-After: 0ms)"),
        "{}",
        run.stderr
    );
}

#[test]
fn server_errors_and_garbage_are_retried() {
    for first in [
        Reply::json(500, "oops"),
        Reply::status(503).header("Retry-After", "0"),
        Reply::garbage(),
    ] {
        let server = flaky(1, first.clone());
        let run = verify(&server, &["--format", "json"]);
        assert_eq!(run.code, 1, "{first:?}: {}", run.all());
        assert_eq!(statuses(&run.stdout), EXPECTED, "{first:?}");
    }
}

#[test]
fn malformed_bodies_do_not_change_verdicts() {
    let table = table();
    let server = Server::start(move |req| {
        let mut reply = texter_answer(&table, req, GRANTED, 403);
        reply.body = b"{\"truncated\": [\x00\xff".to_vec();
        reply
    });
    let run = verify(&server, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(statuses(&run.stdout), EXPECTED);
}

#[test]
fn a_probe_that_keeps_failing_is_inconclusive_and_exits_3() {
    let table = table();
    let server = Server::start(move |req| {
        if req.path().starts_with(&format!("{API}/quick-replies")) {
            Reply::json(500, "down")
        } else if req.path().starts_with(&format!("{API}/whatsapp/templates")) {
            // Slower than the timeout: the request is abandoned and retried, then given up.
            Reply::json(200, "[]").delay(Duration::from_secs(3))
        } else {
            texter_answer(&table, req, GRANTED, 403)
        }
    });
    let run = verify(
        &server,
        &["--format", "json", "--timeout", "300ms", "--retries", "1"],
    );
    assert_eq!(run.code, 3, "{}", run.all());
    let got = statuses(&run.stdout);
    assert!(
        got.contains(&"View quick replies: inconclusive".to_owned()),
        "{got:?}"
    );
    assert!(
        got.contains(&"View template messages: inconclusive".to_owned()),
        "{got:?}"
    );
    assert!(
        got.contains(&"View all chats: denied".to_owned()),
        "{got:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let reasons: Vec<&str> = doc["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s["reason"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("HTTP 500 (2 attempts)")),
        "{reasons:#?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("no answer within 300ms (2 attempts)")),
        "{reasons:#?}"
    );
    assert!(run.flat_stderr().contains("incomplete"), "{}", run.stderr);
}

#[test]
fn slow_answers_within_the_timeout_are_fine() {
    let table = table();
    let server = Server::start(move |req| {
        texter_answer(&table, req, GRANTED, 403).delay(Duration::from_millis(200))
    });
    let run = verify(&server, &["--format", "json", "--concurrency", "8"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(statuses(&run.stdout), EXPECTED);
}

#[test]
fn a_refused_token_exits_3() {
    for denial in [401, 403] {
        let server = texter(denial);
        let base = format!("{}{API}", server.url());
        let mut args = vec!["verify", MANIFEST, "--base-url", &base];
        args.extend_from_slice(FAST);
        let run = tokenscope(&args, &[("TEXTER_TOKEN", "tsk_revoked_000")], None);
        assert_eq!(run.code, 3, "{}", run.all());
        assert!(
            run.flat_stderr().contains(&format!(
                "the API refused the token: GET /labels answered HTTP {denial}"
            )),
            "{}",
            run.stderr
        );
        // Nothing but the check of the token was sent.
        assert_eq!(server.requests().len(), 1);
        args.extend(["--format", "json"]);
        let json = tokenscope(&args, &[("TEXTER_TOKEN", "tsk_revoked_000")], None);
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(doc["token_valid"], false);
        assert_eq!(json.code, 3);
    }
}

#[test]
fn an_unreachable_api_exits_3() {
    let base = format!("{}{API}", closed_port_url());
    let mut args = vec!["verify", MANIFEST, "--base-url", &base];
    args.extend_from_slice(FAST);
    let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(run.flat_stderr().contains("cannot reach"), "{}", run.stderr);
    assert!(run.flat_stderr().contains("3 attempts"), "{}", run.stderr);
}

#[test]
fn wrong_base_urls_exit_3() {
    // Not an API v2 base URL: the token check answers 404.
    let table = table();
    let server = Server::start(move |req| texter_answer(&table, req, GRANTED, 403));
    let mut args = vec!["verify", MANIFEST, "--base-url"];
    let base = server.url();
    args.push(&base);
    args.extend_from_slice(FAST);
    let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(
        run.flat_stderr().contains("answered HTTP 404"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_retry_after_past_the_deadline_gives_up_at_once() {
    let server = Server::start(|_| Reply::status(429).header("Retry-After", "3600"));
    let run = verify(&server, &["--deadline", "20s"]);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(
        run.flat_stderr()
            .contains("HTTP 429 asking to retry after 3600s"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_token_never_appears_in_any_output() {
    let good = texter(403);
    let refusing = Server::start(|_| Reply::json(401, r#"{"error":"bad token"}"#));
    let flaky = flaky(1, Reply::status(429).header("Retry-After", "0"));
    let unreachable = closed_port_url();
    let mut runs = Vec::new();
    for base in [good.url(), refusing.url(), flaky.url(), unreachable] {
        let base = format!("{base}{API}");
        for format in ["human", "json"] {
            let mut args = vec![
                "verify",
                MANIFEST,
                "--base-url",
                &base,
                "--format",
                format,
                "-vv",
            ];
            args.extend_from_slice(FAST);
            runs.push(tokenscope(
                &args,
                &[("TEXTER_TOKEN", TOKEN), ("RUST_LOG", "trace")],
                None,
            ));
            args.push("--token-stdin");
            runs.push(tokenscope(
                &args,
                &[("RUST_LOG", "trace")],
                Some(&format!("{TOKEN}\n")),
            ));
        }
    }
    let verbose = runs
        .iter()
        .filter(|r| r.stderr.contains("tokenscope: GET "))
        .count();
    assert!(verbose >= 8, "-vv logs requests");
    for run in &runs {
        assert!(!run.all().contains(TOKEN), "token leaked:\n{}", run.all());
        assert!(
            !run.all().contains(&TOKEN[4..]),
            "token leaked:\n{}",
            run.all()
        );
    }
    // A token with a character that cannot go in a header is refused without being echoed.
    let base = format!("{}{API}", good.url());
    let run = tokenscope(
        &["verify", MANIFEST, "--base-url", &base],
        &[("TEXTER_TOKEN", "tsk secret-part")],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(!run.all().contains("secret-part"), "{}", run.all());
}

#[test]
fn the_token_can_come_from_standard_input() {
    let server = texter(403);
    let base = format!("{}{API}", server.url());
    let mut args = vec![
        "verify",
        MANIFEST,
        "--base-url",
        &base,
        "--token-stdin",
        "--format",
        "json",
    ];
    args.extend_from_slice(FAST);
    let run = tokenscope(&args, &[], Some(&format!("  {TOKEN}  \n")));
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(statuses(&run.stdout), EXPECTED);
    let empty = tokenscope(&args, &[], Some("\n"));
    assert_eq!(empty.code, 2, "{}", empty.all());
    assert!(empty.flat_stderr().contains("standard input held no token"));
}

#[test]
fn bad_input_exits_2_before_any_connection() {
    let server = Server::start(|_| Reply::status(500));
    let base = format!("{}{API}", server.url());
    type Env<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Vec<&str>, Env, &str)> = vec![
        (
            vec!["verify", MANIFEST, "--base-url", &base],
            vec![],
            "the environment variable `TEXTER_TOKEN` is not set or is empty",
        ),
        (
            vec![
                "verify",
                MANIFEST,
                "--base-url",
                &base,
                "--token-env",
                "CI_TEXTER",
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "the environment variable `CI_TEXTER` is not set",
        ),
        (
            vec![
                "verify",
                MANIFEST,
                "--base-url",
                &base,
                "--token-env",
                "tsk_pasted_by_mistake",
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "the environment variable named by `--token-env` is not set",
        ),
        (
            vec![
                "verify",
                MANIFEST,
                "--base-url",
                "http://acme.texterchat.com/server/api/v2",
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "refusing plain http:// to `acme.texterchat.com`",
        ),
        (
            vec![
                "verify",
                MANIFEST,
                "--base-url",
                "http://10.1.2.3:8080/server/api/v2",
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "refusing plain http:// to `10.1.2.3`",
        ),
        (
            vec!["verify", MANIFEST, "--project", "acme_corp"],
            vec![("TEXTER_TOKEN", TOKEN)],
            "the value of `--project` is not a valid project id: contains `_`",
        ),
        (
            vec![
                "verify",
                "tests/fixtures/live/two-tokens.tokenscope.yaml",
                "--base-url",
                &base,
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "declares 2 tokens: say which one the live token is",
        ),
        (
            vec![
                "verify",
                "tests/fixtures/live/two-tokens.tokenscope.yaml",
                "--base-url",
                &base,
                "--token",
                "tsk_pasted_by_mistake",
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "declares no token of the name given to `--token`",
        ),
        (
            vec![
                "verify",
                "tests/fixtures/malformed/unknown-keys.tokenscope.yaml",
                "--base-url",
                &base,
            ],
            vec![("TEXTER_TOKEN", TOKEN)],
            "unknown key",
        ),
    ];
    for (args, env, expected) in cases {
        let run = tokenscope(&args, &env, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        assert!(
            run.flat_stderr().contains(expected),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            !run.all().contains("tsk_pasted_by_mistake"),
            "{}",
            run.all()
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    // Usage errors from clap: neither or both of --project and --base-url.
    let run = tokenscope(&["verify", MANIFEST], &[("TEXTER_TOKEN", TOKEN)], None);
    assert_eq!(run.code, 2);
    let run = tokenscope(
        &["verify", MANIFEST, "--project", "acme", "--base-url", &base],
        &[("TEXTER_TOKEN", TOKEN)],
        None,
    );
    assert_eq!(run.code, 2);
}

#[test]
fn the_named_token_is_compared() {
    let table = table();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let server = Server::start(move |req| {
        counter.fetch_add(1, Ordering::SeqCst);
        texter_answer(&table, req, &["View template messages"], 403)
    });
    let base = format!("{}{API}", server.url());
    let mut args = vec![
        "verify",
        "tests/fixtures/live/two-tokens.tokenscope.yaml",
        "--base-url",
        &base,
        "--token",
        "reader",
        "--format",
        "json",
    ];
    args.extend_from_slice(FAST);
    let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None);
    assert_eq!(run.code, 0, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["token"], "reader");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    let confirmed: BTreeSet<String> = statuses(&run.stdout)
        .into_iter()
        .filter(|s| s.ends_with(": confirmed"))
        .collect();
    assert_eq!(
        confirmed,
        BTreeSet::from(["View template messages: confirmed".to_owned()])
    );
    assert_eq!(calls.load(Ordering::SeqCst), 7);
}

#[test]
fn https_is_spoken_with_rustls() {
    // A plain-HTTP server answering a TLS handshake: the handshake fails cleanly (exit 3),
    // which shows https:// goes through rustls rather than around it.
    let server = texter(403);
    let base = format!("{}{API}", server.url().replace("http://", "https://"));
    let args = with_fast(
        vec!["verify", MANIFEST, "--base-url", &base],
        &["--retries", "0"],
    );
    let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(
        run.flat_stderr().contains("cannot reach https://"),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains(TOKEN));
    assert!(
        server.requests().iter().all(|r| r.method != "GET"),
        "nothing readable was sent in clear: {:?}",
        server.requests()
    );
}

#[test]
fn inline_comments_silence_live_findings_as_in_audit() {
    let server = texter(403);
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("bot.tokenscope.yaml");
    let text = std::fs::read_to_string(MANIFEST).expect("fixture").replace(
        "      - View all chats\n",
        "      - View all chats   # tokenscope: ignore[live-scope-denied] granted after the migration\n",
    );
    std::fs::write(&manifest, text).expect("write");
    let base = format!("{}{API}", server.url());
    let path = manifest.to_str().expect("utf-8");
    let args = with_fast(
        vec!["verify", path, "--base-url", &base, "--format", "json"],
        &[],
    );
    let run = tokenscope(&args, &[("TEXTER_TOKEN", TOKEN)], None);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let denied: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "live-scope-denied")
        .collect();
    assert!(denied.is_empty(), "{}", run.all());
    // Without the comment the same run reports it.
    let plain = verify(&server, &["--format", "json"]);
    assert!(
        plain.stdout.contains("\"live-scope-denied\""),
        "{}",
        plain.all()
    );
}
