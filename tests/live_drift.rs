#![cfg(feature = "live")]
//! `tokenscope table drift` end to end, against a local stand-in for the docs site.
//!
//! The stand-in's pages are generated from the built-in table, in every notation the real
//! docs use (scopes on one line or as `•`/`-`/`*` bullets; method and path in a curl sample,
//! an OpenAPI block or a heading), so agreeing docs must show no drift; the tests then plant
//! differences and check that exactly those are reported and written.

mod common;
#[path = "fixtures/live/server.rs"]
mod server;

use common::Run;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use server::{Reply, Request, Server, closed_port_url};
use tokenscope::table::{Endpoint, Evidence, Table};

const FAST: &[&str] = &["--retries", "2", "--backoff", "1ms", "--timeout", "2s"];

fn tokenscope(args: &[&str]) -> Run {
    common::isolated_command()
        .args(args)
        .output()
        .expect("binary runs")
        .into()
}

/// `table drift --docs-url URL` with fast retries, then `extra`.
fn drift(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["table", "drift", "--docs-url", url];
    for pair in FAST.chunks(2) {
        if !extra.contains(&pair[0]) {
            args.extend_from_slice(pair);
        }
    }
    args.extend_from_slice(extra);
    tokenscope(&args)
}

/// The path part of a table `source:` URL.
fn page_path(source: &str) -> String {
    let after = source.split_once("://").map_or(source, |(_, rest)| rest);
    after
        .find('/')
        .map_or("/".to_owned(), |i| after[i..].to_owned())
}

/// A docs page for an endpoint, in the notation picked by `style`.
fn endpoint_page(table: &Table, ep: &Endpoint, style: usize, scopes: Option<&[&str]>) -> String {
    let mut page = format!(
        "# {}\n\n> What {} does.\n\nA paragraph about the endpoint.\n\n",
        ep.name, ep.name
    );
    let names: Vec<String> = match scopes {
        Some(list) => list.iter().map(|s| (*s).to_owned()).collect(),
        None if ep.evidence == Evidence::Documented && !ep.scopes.is_empty() => {
            table.scope_names(ep.scopes.iter())
        }
        None => Vec::new(),
    };
    if !names.is_empty() {
        match style % 4 {
            0 => {
                let note = if names.len() > 1 {
                    " (both are required)"
                } else {
                    ""
                };
                page.push_str(&format!(
                    "Required token scopes: {}{note}\n\n",
                    names.join(", ")
                ));
            }
            n => {
                let marker = ["•", "- ", "* "][n - 1];
                page.push_str("**Required token scopes:**\n\n");
                for name in &names {
                    page.push_str(&format!("{marker}{name}\n"));
                }
                page.push('\n');
            }
        }
    }
    if let (Some(method), Some(path)) = (&ep.method, &ep.path) {
        match style % 3 {
            0 => page.push_str(&format!(
                "```bash\ncurl --request {method} \\\n  --url https://{{projectID}}.texterchat.com/server/api/v2{path} \\\n  --header 'Authorization: Bearer <token>'\n```\n\n"
            )),
            1 => page.push_str(&format!(
                "## OpenAPI\n\n````yaml api-reference/openapi.json {} {path}\nopenapi: 3.1.0\npaths:\n  {path}:\n    {}: {{}}\n````\n\n",
                method.to_ascii_lowercase(),
                method.to_ascii_lowercase()
            )),
            _ => page.push_str(&format!("## `{method} {path}`\n\n")),
        }
    }
    page.push_str("## Path parameters\n\n- `id` string, required\n");
    page
}

/// What the docs site serves: page path → Markdown, and the index's links.
struct Site {
    pages: BTreeMap<String, Vec<u8>>,
    links: Vec<(String, String)>,
}

impl Site {
    fn add(&mut self, title: &str, path: &str, body: &str) {
        self.links.push((title.to_owned(), path.to_owned()));
        self.pages
            .insert(format!("{path}.md"), body.as_bytes().to_vec());
    }

    fn remove(&mut self, path: &str) {
        self.links.retain(|(_, p)| p != path);
        self.pages.remove(&format!("{path}.md"));
    }

    /// llms.txt: absolute links mostly, a relative one now and then.
    fn index(&self, host: &str) -> String {
        let mut out = String::from(
            "# Texter\n\n> Texter's help center.\n\n## Docs\n\n- [Getting started](/guides/getting-started.md): First steps\n",
        );
        for (i, (title, path)) in self.links.iter().enumerate() {
            let url = if i % 5 == 0 {
                format!("{path}.md")
            } else {
                format!("http://{host}{path}.md")
            };
            out.push_str(&format!("- [{title}]({url}): About {title}\n"));
        }
        out
    }
}

/// Docs that agree with the built-in table, plus guide, object and webhook pages.
fn agreeing_site() -> Site {
    let table = Table::embedded().expect("table");
    let mut site = Site {
        pages: BTreeMap::new(),
        links: Vec::new(),
    };
    let mut seen = Vec::new();
    for (i, ep) in table.endpoints.iter().enumerate() {
        let Some(source) = &ep.source else { continue };
        let path = page_path(source);
        if seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        if path.ends_with("webhooks-guide") {
            site.add(
                "Webhooks guide",
                &path,
                "# Webhooks guide\n\nImport a subscription, then Texter calls you:\n\n```http\nPOST https://your-server.example/texter-events\n```\n\nPause it with Inactivate Subscription.\n",
            );
            continue;
        }
        site.add(&ep.name, &path, &endpoint_page(&table, ep, i, None));
    }
    site.add(
        "Authentication",
        "/api-reference/authentication",
        "# Authentication\n\nAll requests require a Bearer token:\n\n```bash\ncurl https://YOUR_PROJECT.texterchat.com/server/api/v2/labels \\\n  -H \"Authorization: Bearer YOUR_API_TOKEN\"\n```\n\nRequired token scopes: see each endpoint's page.\n\n| Scope | Allows |\n|---|---|\n| Manage labels | create / update / delete labels |\n",
    );
    site.add(
        "Chat object",
        "/api-reference/objects/chat",
        "# Chat object\n\n- `id` string\n- `status` string\n",
    );
    site.add(
        "New Incoming Message",
        "/api-reference/webhooks/new-incoming-message",
        "# New Incoming Message\n\n```http POST https://your-server.example/hook\n{\"eventName\": \"newIncomingMessage\"}\n```\n",
    );
    site
}

/// The site with the planted differences.
fn drifted_site() -> Site {
    let table = Table::embedded().expect("table");
    let mut site = agreeing_site();
    let ep = |name: &str| {
        table
            .endpoint(table.endpoint_by_name(name).expect("endpoint"))
            .clone()
    };
    let path_of = |e: &Endpoint| page_path(e.source.as_deref().unwrap_or(""));
    // Search Chats now needs View all chats too (bullets).
    let search = ep("Search Chats");
    site.pages.insert(
        format!("{}.md", path_of(&search)),
        endpoint_page(
            &table,
            &search,
            1,
            Some(&["List all chats", "View all chats"]),
        )
        .into_bytes(),
    );
    // Create Label's requirement, inferred so far, is now on its page (one line).
    let create = ep("Create Label");
    site.pages.insert(
        format!("{}.md", path_of(&create)),
        endpoint_page(&table, &create, 0, Some(&["Manage labels"])).into_bytes(),
    );
    // List Channel Health Problems' method and path are published now.
    let mut health = ep("List Channel Health Problems");
    health.method = Some("GET".into());
    health.path = Some("/channels/health-problems".into());
    site.pages.insert(
        format!("{}.md", path_of(&health)),
        endpoint_page(&table, &health, 0, None).into_bytes(),
    );
    // Update CRM Data's page is gone.
    site.remove(&path_of(&ep("Update CRM Data")));
    // A new endpoint.
    site.add(
        "Delete Label",
        "/api-reference/labels/delete-label",
        "# Delete Label\n\nDeletes a label.\n\nRequired token scopes: Manage labels\n\n```bash\ncurl --request DELETE \\\n  --url https://{projectID}.texterchat.com/server/api/v2/labels/{labelId} \\\n  --header 'Authorization: Bearer <token>'\n```\n",
    );
    site
}

fn answer(site: &Site, req: &Request) -> Reply {
    if req.method != "GET" {
        return Reply::status(405);
    }
    let host = req.header("host").unwrap_or("127.0.0.1");
    match req.path() {
        "/llms.txt" => Reply::markdown(&site.index(host)),
        path => match site.pages.get(path) {
            Some(body) => Reply::status(200)
                .header("Content-Type", "text/markdown; charset=utf-8")
                .body(body),
            None => Reply::status(404).body(b"Not found"),
        },
    }
}

fn serve(site: Site) -> Server {
    Server::start(move |req| answer(&site, req))
}

#[test]
fn agreeing_docs_show_no_drift() {
    let server = serve(agreeing_site());
    let run = drift(&server.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout
            .starts_with("tokenscope: no drift between the built-in table and"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
    // Guides outside the API reference are not fetched; nothing but GETs is sent.
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "GET"));
    assert!(!requests.iter().any(|r| r.path().starts_with("/guides/")));
    let agent = concat!("tokenscope/", env!("CARGO_PKG_VERSION"));
    assert!(
        requests
            .iter()
            .all(|r| r.header("user-agent") == Some(agent))
    );
}

#[test]
fn exactly_the_planted_differences_are_reported() {
    let server = serve(drifted_site());
    let run = drift(&server.url(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let expected = serde_json::json!([
        {"kind": "changed", "name": "Create Label", "field": "evidence",
         "table": "inferred", "docs": "documented"},
        {"kind": "added", "name": "Delete Label", "field": null, "table": null,
         "docs": {"method": "DELETE", "path": "/labels/{labelId}", "scopes": ["Manage labels"],
                  "source": format!("{}/api-reference/labels/delete-label", server.url())}},
        {"kind": "changed", "name": "List Channel Health Problems", "field": "method",
         "table": null, "docs": "GET"},
        {"kind": "changed", "name": "List Channel Health Problems", "field": "path",
         "table": null, "docs": "/channels/health-problems"},
        {"kind": "changed", "name": "Search Chats", "field": "scopes",
         "table": ["List all chats"], "docs": ["List all chats", "View all chats"]},
        {"kind": "removed", "name": "Update CRM Data", "field": null,
         "table": {"method": "POST", "path": "/chats/{chatId}/crm-data",
                   "scopes": ["Manage all chats"],
                   "source": "https://help.texterchat.com/api-reference/chats/update-crm-data"},
         "docs": null},
    ]);
    assert_eq!(doc["changes"], expected);
    assert_eq!(doc["schema_version"], 1);

    let human = drift(&server.url(), &[]);
    assert_eq!(human.code, 1);
    insta::assert_snapshot!(
        "drift_human",
        human.stdout.replace(&server.url(), "http://127.0.0.1:PORT")
    );
}

#[test]
fn write_makes_a_second_run_clean() {
    let server = serve(drifted_site());
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("scope-table.yaml");
    let original =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scope-table.yaml"))
            .expect("table");
    std::fs::write(&file, &original).expect("copy");
    let path = file.to_str().expect("utf-8 path");

    let first = drift(
        &server.url(),
        &["--table", path, "--write", "--today", "2027-01-15"],
    );
    assert_eq!(first.code, 1, "{}", first.all());
    assert!(
        first.flat_stderr().contains("wrote 6 changes to"),
        "{}",
        first.stderr
    );
    let written = std::fs::read_to_string(&file).expect("written");
    let diff = similar::TextDiff::from_lines(&original, &written)
        .unified_diff()
        .context_radius(2)
        .header("a/scope-table.yaml", "b/scope-table.yaml")
        .to_string();
    insta::assert_snapshot!(
        "drift_write_diff",
        diff.replace(&server.url(), "http://127.0.0.1:PORT")
    );

    let second = drift(&server.url(), &["--table", path, "--write"]);
    assert_eq!(second.code, 0, "{}", second.all());
    assert!(second.stdout.contains("no drift"), "{}", second.stdout);
    assert_eq!(std::fs::read_to_string(&file).expect("file"), written);

    let check = tokenscope(&["table", "check", path]);
    assert_eq!(check.code, 0, "{}", check.all());
    // Only the file itself: the atomic write left no temporary file behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

#[test]
fn write_needs_the_table_file() {
    let server = serve(drifted_site());
    let run = drift(&server.url(), &["--write"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.flat_stderr()
            .contains("`--write` needs the table file: pass `--table FILE`")
    );
    assert!(server.requests().is_empty(), "nothing fetched");
}

#[test]
fn unreachable_or_unusable_docs_exit_3() {
    let closed = drift(&closed_port_url(), &[]);
    assert_eq!(closed.code, 3, "{}", closed.all());
    assert!(
        closed.flat_stderr().contains("cannot read the docs at"),
        "{}",
        closed.stderr
    );

    let missing = Server::start(|_| Reply::status(404));
    let run = drift(&missing.url(), &[]);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(run.flat_stderr().contains("HTTP 404"), "{}", run.stderr);

    let garbage = Server::start(|_| Reply::status(200).body(b"\x00\xff<html>nothing here</html>"));
    let run = drift(&garbage.url(), &[]);
    assert_eq!(run.code, 3, "{}", run.all());
    assert!(
        run.flat_stderr().contains("lists no API reference pages"),
        "{}",
        run.stderr
    );

    let not_http = Server::start(|_| Reply::garbage());
    let run = drift(&not_http.url(), &[]);
    assert_eq!(run.code, 3, "{}", run.all());
    assert_eq!(not_http.requests().len(), 3, "retried");
}

/// Answers the first `n` requests for each path with `first`, then as the site would.
fn flaky(site: Site, n: usize, first: Reply) -> Server {
    let seen: Mutex<Vec<String>> = Mutex::new(Vec::new());
    Server::start(move |req| {
        let mut seen = seen.lock().expect("lock");
        let count = seen.iter().filter(|p| *p == req.path()).count();
        seen.push(req.path().to_owned());
        if count < n {
            first.clone()
        } else {
            answer(&site, req)
        }
    })
}

#[test]
fn transient_failures_are_retried() {
    for first in [
        Reply::status(500),
        Reply::status(429).header("Retry-After", "0"),
        Reply::garbage(),
    ] {
        let server = flaky(agreeing_site(), 2, first.clone());
        let run = drift(&server.url(), &[]);
        assert_eq!(run.code, 0, "{first:?}: {}", run.all());
    }
}

#[test]
fn pages_that_keep_failing_exit_3() {
    let site = agreeing_site();
    let server = Server::start(move |req| {
        if req.path().ends_with("/assign-chat.md") {
            Reply::status(503)
        } else if req.path().ends_with("/resolve-chat.md") {
            answer(&site, req).delay(Duration::from_secs(3))
        } else {
            answer(&site, req)
        }
    });
    let run = drift(&server.url(), &["--timeout", "300ms", "--retries", "1"]);
    assert_eq!(run.code, 3, "{}", run.all());
    let flat = run.flat_stderr();
    assert!(
        flat.contains("assign-chat.md: HTTP 503 (2 attempts)"),
        "{}",
        run.stderr
    );
    assert!(
        flat.contains("resolve-chat.md: no answer within 300ms (2 attempts)"),
        "{}",
        run.stderr
    );
    assert!(flat.contains("2 of"), "{}", run.stderr);
    assert_eq!(run.stdout, "", "no partial comparison is printed");
}

#[test]
fn malformed_and_missing_pages_are_skipped() {
    let mut site = agreeing_site();
    site.links
        .push(("Broken".into(), "/api-reference/objects/broken".into()));
    site.pages.insert(
        "/api-reference/objects/broken.md".into(),
        b"\xff\xfe\x00\x01 Required token scopes \xc3".to_vec(),
    );
    site.links
        .push(("Gone".into(), "/api-reference/objects/gone".into()));
    let server = serve(site);
    let run = drift(&server.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr
            .contains("/api-reference/objects/gone.md: HTTP 404; skipped"),
        "{}",
        run.stderr
    );
}

#[test]
fn page_fetches_are_concurrent_within_the_bound() {
    let site = agreeing_site();
    let server = Server::start(move |req| answer(&site, req).delay(Duration::from_millis(40)));
    let run = drift(&server.url(), &["--concurrency", "3"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let max = server.max_in_flight();
    assert!((2..=3).contains(&max), "{max}");
}

#[test]
fn verbose_logs_follow_address_order() {
    let server = serve(agreeing_site());
    let a = drift(&server.url(), &["-v", "--concurrency", "8"]);
    let b = drift(&server.url(), &["-v", "--concurrency", "8"]);
    assert_eq!(a.code, 0, "{}", a.all());
    let strip = |s: &str| s.replace(&server.url(), "");
    assert_eq!(strip(&a.stderr), strip(&b.stderr));
    assert!(a.stderr.contains("tokenscope: GET"), "{}", a.stderr);
}

#[test]
fn plain_http_off_loopback_is_refused() {
    let run = tokenscope(&["table", "drift", "--docs-url", "http://help.texterchat.com"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.flat_stderr().contains("refusing plain http://"),
        "{}",
        run.stderr
    );
    let run = tokenscope(&["table", "drift", "--docs-url", "ftp://help.texterchat.com"]);
    assert_eq!(run.code, 2, "{}", run.all());
}

#[test]
fn the_date_flag_is_checked() {
    let run = tokenscope(&["table", "drift", "--today", "2027-02-30"]);
    assert_eq!(run.code, 2, "{}", run.all());
}
