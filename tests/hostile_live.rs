#![cfg(feature = "live")]
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

/// A docs page that agrees with the built-in table's Assign Chat.
const ASSIGN_PAGE: &str =
    "# Assign Chat\n\nRequired token scopes: Manage all chats\n\n## `POST /chats/assign`\n";

/// `table drift --docs-url URL` with fast retries, then `extra`.
fn drift(url: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "table",
        "drift",
        "--docs-url",
        url,
        "--retries",
        "2",
        "--backoff",
        "1ms",
        "--timeout",
        "2s",
    ];
    args.extend_from_slice(extra);
    tokenscope(&args, &[])
}

/// The port of the server a request reached, from its `Host` header.
fn port_of(req: &server::Request) -> String {
    let host = req.header("host").unwrap_or("");
    host.rsplit_once(':')
        .map_or(String::new(), |(_, p)| p.to_owned())
}

/// A stand-in API that lets the token do nothing but list labels.
fn labels_only() -> Server {
    Server::start(|req| {
        if req.path() == format!("{API}/labels") {
            Reply::json(200, "[]")
        } else {
            Reply::json(403, r#"{"message":"Forbidden"}"#)
        }
    })
}

/// Whether the system resolver answers `name` with loopback addresses only.
fn resolves_to_loopback_only(name: &str) -> bool {
    use std::net::ToSocketAddrs;
    (name, 80)
        .to_socket_addrs()
        .map(|addrs| addrs.collect::<Vec<_>>())
        .is_ok_and(|addrs| !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback()))
}

/// A manifest in a temporary directory; the directory lives as long as the guard.
fn manifest(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bot.tokenscope.yaml");
    std::fs::write(&path, text).expect("write manifest");
    let path = path.to_str().expect("utf-8 path").to_owned();
    (dir, path)
}

/// `verify` of `manifest` against `server`, in `format`.
fn verify_against(server: &Server, manifest: &str, format: &str) -> Run {
    let base = format!("{}{API}", server.url());
    tokenscope(
        &[
            "verify",
            manifest,
            "--base-url",
            &base,
            "--format",
            format,
            "--retries",
            "0",
        ],
        &[("TEXTER_TOKEN", TOKEN)],
    )
}

/// Colour and concealment sequences a docs page or manifest could smuggle in: with colours on,
/// the output filter lets `ESC [ … m` through, so only escaping at the source stops them.
const SMUGGLED: [&str; 3] = ["\u{1b}[8m", "\u{1b}[30;40m", "\u{202e}"];

/// Neither stdout nor stderr carries one of [`SMUGGLED`] as is.
fn assert_no_smuggled_sequences(run: &Run) {
    for seq in SMUGGLED {
        assert!(
            !run.all().contains(seq),
            "{seq:?} reached the terminal:\n{}",
            run.all()
        );
    }
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

#[test]
fn drift_reads_only_the_docs_origin() {
    let elsewhere = Server::start(|_| Reply::markdown(ASSIGN_PAGE));
    let other = elsewhere.url();
    let docs = Server::start(move |req| match req.path() {
        "/llms.txt" => {
            let port = port_of(req);
            Reply::markdown(&format!(
                "# Docs\n\n- [Assign Chat](/api-reference/chats/assign-chat.md)\n\
                 - [Other port]({other}/api-reference/chats/resolve-chat.md)\n\
                 - [Other host](http://localhost:{port}/api-reference/chats/search-chats.md)\n\
                 - [Other scheme](https://127.0.0.1:{port}/api-reference/labels/list.md)\n\
                 - [A guide elsewhere]({other}/guides/start.md)\n"
            ))
        }
        "/api-reference/chats/assign-chat.md" => Reply::markdown(ASSIGN_PAGE),
        _ => Reply::status(404),
    });
    let run = drift(&docs.url(), &["--format", "json", "-v"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["pages"]["offsite"], 3, "{}", run.stdout);
    assert_eq!(doc["pages"]["read"], 1, "{}", run.stdout);
    assert_eq!(
        run.stderr.matches("not on the docs' origin").count(),
        3,
        "{}",
        run.stderr
    );
    let human = drift(&docs.url(), &[]);
    assert!(
        human
            .stdout
            .contains("; 3 links to another origin not read)"),
        "{}",
        human.stdout
    );
    assert!(elsewhere.requests().is_empty(), "another port was read");
    let paths: Vec<String> = docs
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "/llms.txt" || p == "/api-reference/chats/assign-chat.md"),
        "another host name was read: {paths:?}"
    );
}

#[test]
fn drift_refuses_redirects_to_another_origin() {
    let elsewhere = Server::start(|req| match req.path() {
        "/llms.txt" => Reply::markdown("- [Assign Chat](/api-reference/chats/assign-chat.md)\n"),
        _ => Reply::markdown(ASSIGN_PAGE),
    });
    let other = elsewhere.url();
    let docs = Server::start(move |req| match req.path() {
        "/llms.txt" => Reply::markdown(
            "- [Assign Chat](/api-reference/chats/assign-chat.md)\n- [Moved](/api-reference/chats/moved.md)\n",
        ),
        "/api-reference/chats/assign-chat.md" => Reply::markdown(ASSIGN_PAGE),
        // Within the origin: followed.
        "/api-reference/chats/moved.md" => {
            Reply::status(301).header("Location", "/api-reference/chats/moved-here.md")
        }
        "/api-reference/chats/moved-here.md" => Reply::status(302).header(
            "Location",
            &format!("{other}/api-reference/chats/resolve-chat.md"),
        ),
        "/old/llms.txt" => Reply::status(308).header("Location", &format!("{other}/llms.txt")),
        _ => Reply::status(404),
    });
    let run = drift(&docs.url(), &[]);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(
        run.flat_stderr().contains("redirected to another origin"),
        "{}",
        run.stderr
    );
    let followed = docs
        .requests()
        .iter()
        .filter(|r| r.path() == "/api-reference/chats/moved-here.md")
        .count();
    assert_eq!(followed, 1, "followed within the origin, not retried");

    let index = drift(&format!("{}/old/llms.txt", docs.url()), &[]);
    assert_eq!(index.code, 3, "{}", index.all());
    assert!(
        index.flat_stderr().contains("cannot read the docs at"),
        "{}",
        index.stderr
    );
    assert!(elsewhere.requests().is_empty(), "a redirect was followed");
}

#[test]
fn plain_http_names_count_as_loopback_only_when_they_resolve_there() {
    let server = labels_only();
    let port = server
        .url()
        .rsplit_once(':')
        .map(|(_, p)| p.to_owned())
        .unwrap_or_default();
    // `localhost` resolves to loopback: the run is made, and reaches the stand-in.
    if resolves_to_loopback_only("localhost") {
        let base = format!("http://localhost:{port}{API}");
        let run = tokenscope(
            &["verify", MANIFEST, "--base-url", &base, "--retries", "0"],
            &[("TEXTER_TOKEN", TOKEN)],
        );
        assert!(
            !run.all().contains("refusing plain http://"),
            "{}",
            run.all()
        );
        assert!(!server.requests().is_empty(), "{}", run.all());
    }
    // A trailing dot is another name: it counts only if it resolves to loopback too.
    let before = server.requests().len();
    for name in ["localhost.", "LOCALHOST."] {
        let base = format!("http://{name}:{port}{API}");
        let run = tokenscope(
            &["verify", MANIFEST, "--base-url", &base, "--retries", "0"],
            &[("TEXTER_TOKEN", TOKEN)],
        );
        if resolves_to_loopback_only("localhost.") {
            assert!(
                !run.all().contains("refusing plain http://"),
                "{}",
                run.all()
            );
        } else {
            assert_usage_error(&run, name);
            assert!(
                run.flat_stderr()
                    .contains("refusing plain http:// to `localhost.`: the name does not resolve"),
                "{}",
                run.stderr
            );
            assert_eq!(server.requests().len(), before, "nothing was sent");
        }
    }
}

#[test]
fn drift_write_refuses_to_drop_much_of_the_table_at_once() {
    // The index lost all pages but one: the table would lose nearly every endpoint.
    let docs = Server::start(|req| match req.path() {
        "/llms.txt" => Reply::markdown("- [Assign Chat](/api-reference/chats/assign-chat.md)\n"),
        "/api-reference/chats/assign-chat.md" => Reply::markdown(ASSIGN_PAGE),
        _ => Reply::status(404),
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("scope-table.yaml");
    let original =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scope-table.yaml"))
            .expect("table");
    std::fs::write(&file, &original).expect("copy");
    let path = file.to_str().expect("utf-8 path");

    let run = drift(&docs.url(), &["--table", path, "--write"]);
    assert_eq!(run.code, 3, "{}", run.all());
    let flat = run.flat_stderr();
    assert!(
        flat.contains("the docs list too few pages to trust"),
        "{flat}"
    );
    assert!(flat.contains("at most 4 may go in one run"), "{flat}");
    assert!(
        run.stdout.contains("removed"),
        "the changes are still shown: {}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).expect("file"), original);

    let json = drift(
        &docs.url(),
        &["--table", path, "--write", "--format", "json"],
    );
    assert_eq!(json.code, 3, "{}", json.all());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["written"], false);
    assert_eq!(std::fs::read_to_string(&file).expect("file"), original);

    // Without --write the drift is only reported.
    assert_eq!(drift(&docs.url(), &["--table", path]).code, 1);
}

#[test]
fn drift_reads_a_2_mb_page_of_continuation_lines_within_the_deadline() {
    // Each line starting a `curl` or naming the scopes made the first parser rescan the rest
    // of the page: minutes for a page like this. Now it is read once, well within the deadline.
    let hostile = "curl \\\n- (required token scope: \\\n".repeat(60_000);
    let page = format!("{ASSIGN_PAGE}\n{hostile}");
    assert!(page.len() > 1_900_000 && page.len() < 2 * 1024 * 1024);
    let docs = Server::start(move |req| match req.path() {
        "/llms.txt" => Reply::markdown("- [Assign Chat](/api-reference/chats/assign-chat.md)\n"),
        "/api-reference/chats/assign-chat.md" => Reply::markdown(&page),
        _ => Reply::status(404),
    });
    let run = drift(&docs.url(), &["--format", "json", "--deadline", "30s"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["pages"]["endpoints"], 1, "{}", run.stdout);
    let changed: Vec<&serde_json::Value> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["name"] == "Assign Chat")
        .collect();
    assert!(
        changed.is_empty(),
        "the page was read correctly: {changed:?}"
    );
}

#[test]
fn verify_that_could_check_no_declared_scope_is_inconclusive() {
    // Only write scopes declared: no side-effect-free endpoint can check any of them.
    let (_dir, writes) = manifest(
        "integration: labeller\ntokens:\n  labeller:\n    scopes: [Manage labels, Send template messages]\n    endpoints: [Create Label, Send Template Message]\n",
    );
    // Read scopes declared, but every probe is answered with a status that settles nothing.
    let answers_400 = Server::start(|req| {
        if req.path() == format!("{API}/labels") {
            Reply::json(200, "[]")
        } else {
            Reply::json(400, r#"{"message":"Bad request"}"#)
        }
    });
    let denies_all = labels_only();
    for (server, path) in [(&denies_all, writes.as_str()), (&answers_400, MANIFEST)] {
        let human = verify_against(server, path, "human");
        assert_eq!(human.code, 3, "{path}: {}", human.all());
        assert!(
            human
                .stdout
                .contains("tokenscope: INCONCLUSIVE: none of the"),
            "{}",
            human.stdout
        );
        assert!(
            human.stderr.contains("error: inconclusive: none of the"),
            "{}",
            human.stderr
        );
        let json = verify_against(server, path, "json");
        assert_eq!(json.code, 3, "{path}: {}", json.all());
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(doc["inconclusive"], true, "{}", json.stdout);
        assert_eq!(doc["token_valid"], true);
    }
    let human = verify_against(&denies_all, &writes, "human");
    assert!(
        human
            .stdout
            .contains("none of the 2 scopes token `labeller` declares could be checked (2 only a write could check)"),
        "{}",
        human.stdout
    );

    // A declared scope that was checked makes the run conclusive again.
    let json = verify_against(&denies_all, MANIFEST, "json");
    assert_eq!(json.code, 1, "{}", json.all());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["inconclusive"], false);
}

#[test]
fn drift_escapes_what_docs_pages_say_before_printing_it() {
    let page = "# Delete \u{1b}[30;40mLabel\u{202e}\n\nRequired token scopes: Manage \u{1b}[8mlabels\n\n```bash\ncurl --request DELETE --url https://acme.texterchat.com/server/api/v2/labels/\u{1b}[8mx\n```\n";
    let docs = Server::start(move |req| match req.path() {
        "/llms.txt" => Reply::markdown(
            "- [Assign Chat](/api-reference/chats/assign-chat.md)\n- [Delete](/api-reference/labels/delete-label.md)\n",
        ),
        "/api-reference/chats/assign-chat.md" => Reply::markdown(ASSIGN_PAGE),
        "/api-reference/labels/delete-label.md" => Reply::markdown(page),
        _ => Reply::status(404),
    });
    let run = drift(&docs.url(), &["--color", "always", "-v"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_smuggled_sequences(&run);
    assert!(
        run.stdout.contains("Delete \\u{1b}[30;40mLabel\\u{202e}"),
        "the text is shown, escaped: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("DELETE /labels/\\u{1b}[8mx"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Manage \\u{1b}[8mlabels"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_escapes_manifest_names_before_printing_them() {
    let (_dir, path) = manifest(
        "integration: x\ntokens:\n  \"bot\\e[8mhidden\\u202e\":\n    scopes: [Manage labels, View all chats]\n    endpoints: [Create Label, Get Messages of a Chat]\n",
    );
    let server = labels_only();
    let base = format!("{}{API}", server.url());
    let run = tokenscope(
        &["verify", &path, "--base-url", &base, "--color", "always"],
        &[("TEXTER_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_smuggled_sequences(&run);
    assert!(
        run.stdout
            .contains("token `bot\\u{1b}[8mhidden\\u{202e}` checked against"),
        "{}",
        run.stdout
    );
    // The same for the error naming the manifest's tokens.
    let (_dir2, two) = manifest(
        "integration: x\ntokens:\n  \"a\\e[8m\":\n    scopes: []\n  \"b\\e[30;40m\":\n    scopes: []\n",
    );
    let run = tokenscope(
        &["verify", &two, "--base-url", &base, "--color", "always"],
        &[("TEXTER_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert_no_smuggled_sequences(&run);
}
