//! `scan` on source trees it does not control (pull requests from forks): whatever the tree
//! holds, scan finishes in time proportional to it, writes only the manifest it means to, reads
//! only what it is allowed to, and prints nothing that drives the terminal.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Run, isolated_command};

/// Runs `scan` in `dir`. The generous time limit only catches a hang or a quadratic blow-up
/// (minutes); linear work takes seconds even in a debug build.
fn scan_in(dir: &Path, args: &[&str]) -> Run {
    isolated_command()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("binary runs")
        .into()
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

fn occurrences(doc: &serde_json::Value) -> usize {
    doc["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|e| e["occurrences"].as_array().map_or(0, Vec::len))
        .sum()
}

const MARKER: &str = "const TEXTER_BASE = process.env.TEXTER_BASE;\n";

#[test]
fn forty_thousand_paths_on_one_line_are_all_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Calls: a bare list of paths names pages as often as it names requests.
    let line = "get(\"/chats/search\"),".repeat(40_000);
    std::fs::write(
        dir.path().join("a.js"),
        format!("{MARKER}const all = [{line}];\n"),
    )
    .expect("write");
    let run = scan_in(dir.path(), &["--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(occurrences(&json(&run)), 40_000);
}

#[test]
fn a_two_megabyte_minified_line_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A minified route table: paths without methods, then one call with its method at the end.
    const ROUTES: &[&str] = &[
        "k.search=TEXTER_BASE+\"/chats/search\",",
        "k.label=request(\"/labels/\"+encodeURIComponent(l)),",
        "x=/ab+c/g.test(s)?1:0;u=a/b/c/d;é,",
        "k.templates=TEXTER_BASE+`/whatsapp/templates`,",
    ];
    let mut bundle = String::new();
    let mut i = 0;
    while bundle.len() < 2 * 1024 * 1024 {
        bundle.push_str(ROUTES[i % ROUTES.len()]);
        i += 1;
    }
    bundle.push_str("function(e,t){return e.post(TEXTER_BASE+\"/chats/\"+t+\"/resolve\")}");
    std::fs::write(dir.path().join("app.min.js"), &bundle).expect("write");
    let run = scan_in(dir.path(), &["--format", "json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    let routes = i.div_ceil(ROUTES.len());
    let confidences = |name: &str| -> Vec<String> {
        doc["endpoints"]
            .as_array()
            .expect("endpoints")
            .iter()
            .filter(|e| e["name"] == name)
            .flat_map(|e| e["occurrences"].as_array().cloned().unwrap_or_default())
            .map(|o| o["confidence"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Each path gets the method written near it, and only that: none for the table's entries.
    assert_eq!(confidences("Search Chats"), vec!["medium"; routes]);
    assert_eq!(confidences("Resolve Chat"), ["high"]);
    assert_eq!(
        doc["unresolved"].as_array().map(Vec::len),
        Some(bundle.matches("/labels/").count())
    );
}

/// Other APIs' conventions on a minified line: Octokit routes, `gh api` commands, Graph SDK
/// chains (one never sent) and URLs, every one found, in time proportional to the line.
#[test]
fn a_two_megabyte_line_of_sdk_calls_is_scanned() {
    let graph_table = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tables/msgraph-small.yaml"
    );
    for (api, snippets, per_round) in [
        (
            &["--api", "github"][..],
            &[
                "o.request(\"POST /repos/{owner}/{repo}/issues\",{a:1}),",
                "fetch(`https://api.github.com/repos/${o}/${r}/releases/latest`),",
                "o.graphql(`query{viewer{login}}`),'gh api graphql -f q=x',é,",
            ][..],
            2,
        ),
        (
            &["--table", graph_table][..],
            &[
                "c.api('/me/mailFolders/inbox/messages').select('a').top(5).get(),",
                "c.api(\"/me/sendMail\").post(m),c.api('/me/messages'),",
                "fetch(\"https://graph.microsoft.com/v1.0/me/drive/root/children\"),é,",
            ][..],
            3,
        ),
        (
            &["--api", "google"][..],
            &[
                "require('googleapis');g.users.messages.list({userId:'me'}),",
                "s.users().labels().get(userId='me',id=i).execute(),a.b().c().d().e(),é,",
                "x.y(z).files.list(),(((((((.list(.(.)()).().get(",
            ][..],
            3,
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bundle = String::new();
        let mut rounds = 0;
        while bundle.len() < 2 * 1024 * 1024 {
            snippets.iter().for_each(|s| bundle.push_str(s));
            rounds += 1;
        }
        std::fs::write(dir.path().join("app.min.js"), &bundle).expect("write");
        let mut args = api.to_vec();
        args.extend(["scan", "--format", "json", "."]);
        let run = isolated_command()
            .current_dir(dir.path())
            .args(&args)
            .timeout(Duration::from_secs(120))
            .output()
            .expect("binary runs");
        let run: Run = run.into();
        assert_eq!(run.code, 0, "{api:?}: {}", run.stderr);
        assert_eq!(occurrences(&json(&run)), per_round * rounds, "{api:?}");
    }
}

/// Calls of distinct endpoints, each with its method, so every file is named in a comment.
const CALLS: &[&str] = &[
    "axios.post(`${TEXTER_BASE}/chats/assign`, body)",
    "axios.get(`${TEXTER_BASE}/chats/search`)",
    "axios.post(`${TEXTER_BASE}/whatsapp/templates/send`, body)",
    "axios.get(`${TEXTER_BASE}/scenarios/manage`)",
    "axios.post(`${TEXTER_BASE}/whatsapp/templates/subscribe`, body)",
    "axios.post(`${TEXTER_BASE}/whatsapp/templates/unsubscribe`, body)",
    "axios.get(`${TEXTER_BASE}/whatsapp/templates/unsubscribed`)",
    "axios.get(`${TEXTER_BASE}/whatsapp/templates`)",
    "axios.get(`${TEXTER_BASE}/labels`)",
];

/// File names that are YAML if copied into a manifest as they are: line breaks of every kind
/// followed by a token holding high-risk scopes, comment and key indicators, YAML 1.1 words.
const HOSTILE_NAMES: &[&str] = &[
    "a.js\n  evil:\n    scopes: [Manage all chats]\n    endpoints: [Assign Chat]\n#",
    "b.js\r  evil-cr:\r    scopes: [View all chats]\r#",
    "c.js\u{2028}  evil-ls:\u{2028}    scopes: [View all chats]",
    "d.js\u{85}  evil-nel: x",
    "e #.js",
    "f: g.js",
    "- [x]: {y}, &a *b !c | > % @ `",
    "no",
    "\"quoted' \\ \t\u{1b}[2J\u{202e}.js",
];

#[cfg(unix)]
#[test]
fn file_names_never_become_manifest_structure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).expect("dir");
    for (name, call) in HOSTILE_NAMES.iter().zip(CALLS) {
        std::fs::write(tree.join(name), format!("{MARKER}{call}\n")).expect("write");
    }
    let out = dir.path().join("out.tokenscope.yaml");
    let out_str = out.to_str().expect("utf-8");
    let run = scan_in(
        &tree,
        &["--integration", "app", "--write-manifest", out_str, "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(&out).expect("written");
    let audit = isolated_command()
        .args(["audit", "--format", "json", out_str])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("JSON");
    let manifest = &doc["manifests"][0];
    assert_eq!(manifest["integration"], "app", "{written}");
    let tokens = manifest["tokens"].as_array().expect("tokens");
    assert_eq!(tokens.len(), 1, "{written}");
    assert_eq!(tokens[0]["name"], "app");
    assert_eq!(
        tokens[0]["endpoints"].as_array().map(Vec::len),
        Some(CALLS.len())
    );
    assert_eq!(
        tokens[0]["excess_scopes"],
        serde_json::json!([]),
        "{written}"
    );
    assert_eq!(
        tokens[0]["missing_scopes"],
        serde_json::json!([]),
        "{written}"
    );
    let scopes = tokens[0]["granted_scopes"]
        .as_array()
        .expect("scopes")
        .len();
    // Three comment lines, integration, api, tokens, the token, scopes and endpoints keys,
    // then one line per scope and per endpoint.
    assert_eq!(
        written.lines().count(),
        9 + scopes + CALLS.len(),
        "no line but those meant: {written}"
    );
    for line in written.lines() {
        assert!(
            !line.contains(['\r', '\u{85}', '\u{2028}', '\u{1b}', '\u{202e}']),
            "{line:?}"
        );
    }
    assert!(written.contains("a.js\\n  evil:"), "{written}");
}

#[test]
fn integration_names_are_written_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.js"), format!("{MARKER}{}\n", CALLS[0])).expect("write");
    let out = dir.path().join("out.tokenscope.yaml");
    let out_str = out.to_str().expect("utf-8");
    for name in [
        "x\n  evil:\n    scopes: [Manage all chats]",
        "x\r  evil: {}",
        "x\u{2028}y",
        "no",
        "On",
        "0x1F",
        "1:30",
        ".inf",
        "~",
        "<<",
        "- a",
        "a: b",
        "#x",
        "a #b",
        "'q'",
        "\"q\"",
        " padded ",
        "tab\there",
        "del\u{7f}c1\u{9f}bom\u{feff}",
    ] {
        let integration = format!("--integration={name}");
        let run = scan_in(
            dir.path(),
            &[&integration, "--force", "--write-manifest", out_str, "."],
        );
        assert_eq!(run.code, 0, "{name:?}: {}", run.stderr);
        let audit = isolated_command()
            .args(["audit", "--format", "json", out_str])
            .output()
            .expect("runs");
        let doc: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("JSON");
        assert_eq!(doc["manifests"][0]["integration"], name);
        let tokens = doc["manifests"][0]["tokens"].as_array().expect("tokens");
        assert_eq!(tokens.len(), 1, "{name:?}");
        assert_eq!(tokens[0]["name"], name);
    }
}

#[test]
fn a_manifest_that_does_not_read_back_is_not_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.js"), format!("{MARKER}{}\n", CALLS[0])).expect("write");
    let out = dir.path().join("out.tokenscope.yaml");
    let out_str = out.to_str().expect("utf-8");
    // An empty name, and a key longer than YAML allows an implicit key to be.
    for name in ["", " ", &"x".repeat(2000)] {
        let integration = format!("--integration={name}");
        let run = scan_in(
            dir.path(),
            &[&integration, "--write-manifest", out_str, "."],
        );
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("not written"), "{}", run.stderr);
        assert!(!out.exists());
    }
}

/// A tree whose `link.js` and `linked/` point at a file and a directory outside it.
#[cfg(unix)]
fn tree_with_links_outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("dir")).expect("dir");
    let secret = format!(
        "{MARKER}fetch(\"https://a.texterchat.com/server/api/v2/chats/search?key=OUTSIDE-SECRET\")\n"
    );
    std::fs::write(outside.join("secret.js"), &secret).expect("write");
    std::fs::write(outside.join("dir/inner.js"), &secret).expect("write");
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).expect("dir");
    std::fs::write(tree.join("own.js"), MARKER).expect("write");
    std::os::unix::fs::symlink("../outside/secret.js", tree.join("link.js")).expect("symlink");
    std::os::unix::fs::symlink("../outside/dir", tree.join("linked")).expect("symlink");
    dir
}

#[cfg(unix)]
#[test]
fn links_out_of_the_tree_are_read_only_with_follow() {
    let dir = tree_with_links_outside();
    let tree = dir.path().join("tree");
    for format in ["human", "json"] {
        let run = scan_in(&tree, &["--format", format, "."]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.all().contains("OUTSIDE-SECRET"), "{}", run.all());
        assert!(!run.all().contains("Search Chats"), "{}", run.all());
    }
    for follow in ["--follow", "-L"] {
        let run = scan_in(&tree, &[follow, "--format", "json", "."]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(occurrences(&json(&run)), 2, "{}", run.stdout);
        assert!(run.stdout.contains("OUTSIDE-SECRET"));
    }
}

#[test]
fn the_size_limit_applies_to_named_files_without_reading_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Text with a call first (so it is not binary), then a sparse 2 GiB of zeros.
    let mut head = format!("{MARKER}{}\n", CALLS[1]);
    head.push_str(&"// padding\n".repeat(1000));
    let path = dir.path().join("huge.js");
    std::fs::write(&path, &head).expect("write");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(2 * 1024 * 1024 * 1024).expect("sparse file");
    for args in [
        &["--format", "json", "huge.js"][..],
        &["--format", "json", "--max-filesize", "1000000", "huge.js"],
        &["--format", "json", "--max-filesize", "1000000", "."],
    ] {
        let run = scan_in(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let doc = json(&run);
        assert_eq!(doc["endpoints"], serde_json::json!([]), "{args:?}");
        assert_eq!(doc["files_scanned"], 0, "{args:?}");
    }
    // Under the limit it is read as before.
    std::fs::write(&path, &head).expect("write");
    let run = scan_in(
        dir.path(),
        &["--format", "json", "--max-filesize", "1000000", "huge.js"],
    );
    assert_eq!(occurrences(&json(&run)), 1, "{}", run.stdout);
}

#[test]
fn absurd_thread_counts_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in ["0", "1025", "100000", "-1", "many"] {
        let run = scan_in(dir.path(), &[&format!("--threads={n}"), "."]);
        assert_eq!(run.code, 2, "{n}: {}", run.stderr);
        assert!(run.stderr.contains("from 1 to 1024"), "{n}: {}", run.stderr);
    }
    assert_eq!(scan_in(dir.path(), &["--threads", "1", "."]).code, 0);
}

/// Escape sequences in `text` other than plain colour changes (`ESC [ digits m`) that do not
/// conceal text: what is left of a file's own sequences if any reach the terminal raw.
fn raw_escapes(text: &str) -> Vec<String> {
    text.split('\x1b')
        .skip(1)
        .filter(|rest| {
            let colour = rest.strip_prefix('[').is_some_and(|r| {
                r.find('m')
                    .is_some_and(|end| r[..end].bytes().all(|b| b.is_ascii_digit() || b == b';'))
            });
            !colour || rest.starts_with("[8m")
        })
        .map(|rest| rest.chars().take(12).collect())
        .collect()
}

#[cfg(unix)]
#[test]
fn file_names_and_code_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "a\x1b[8mhidden\x1b]0;title\x07\nFAKE: 0 errors\u{202e}.js";
    std::fs::write(
        dir.path().join(name),
        format!("{MARKER}axios.post(`${{TEXTER_BASE}}/chats/assign`) // \x1b[8m\x1b[2J\u{9b}\n"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("app.tokenscope.yaml"),
        "integration: x\ntokens:\n  t:\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n",
    )
    .expect("write");
    for color in ["never", "always"] {
        let run = scan_in(
            dir.path(),
            &["--color", color, "--manifest", "app.tokenscope.yaml", "."],
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        let all = run.all();
        assert!(all.contains("Assign Chat"), "{all}");
        assert!(all.contains("a\\u{1b}[8mhidden"), "{color}: {all}");
        assert!(all.contains("\\nFAKE: 0 errors"), "{color}: {all}");
        assert!(
            !all.lines().any(|l| l.starts_with("FAKE")),
            "a file name cannot start a line: {all}"
        );
        assert_eq!(raw_escapes(&all), Vec::<String>::new(), "{color}: {all}");
        assert!(
            !all.contains(['\x07', '\u{9b}', '\u{202e}']),
            "{color}: {all}"
        );
    }
}

#[cfg(unix)]
#[test]
fn the_manifest_is_never_written_through_a_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.js"), format!("{MARKER}{}\n", CALLS[0])).expect("write");
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, "keep").expect("write");
    let link = dir.path().join("tokenscope.yaml");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling.yaml"))
        .expect("symlink");
    for target in ["tokenscope.yaml", "dangling.yaml"] {
        let run = scan_in(dir.path(), &["--force", "--write-manifest", target, "a.js"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "keep");
    assert!(!dir.path().join("missing").exists());
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
}

/// On a terminal the progress spinner draws from the walker's threads, past 256 files.
#[cfg(target_os = "linux")]
#[test]
fn progress_on_a_terminal_does_not_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..600 {
        std::fs::write(dir.path().join(format!("f{i}.js")), "x\n").expect("write");
    }
    let command = format!(
        "'{}' scan '{}'",
        env!("CARGO_BIN_EXE_tokenscope"),
        dir.path().display()
    );
    // `script` runs the command on a pseudo-terminal; without it there is nothing to test.
    let Ok(output) = assert_cmd::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .timeout(Duration::from_secs(60))
        .output()
    else {
        return;
    };
    let run = Run::from(output);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains("600 files scanned"), "{}", run.all());
}
