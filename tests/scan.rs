//! End-to-end tests of `tokenscope scan` on fixture trees.

mod common;

use common::{tokenscope, tokenscope_in};

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = tokenscope(&all);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr))
}

/// `(endpoint, file:line, confidence)` for every occurrence.
fn occurrences(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for ep in doc["endpoints"].as_array().expect("endpoints") {
        for o in ep["occurrences"].as_array().expect("occurrences") {
            let file = o["file"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            out.push((
                ep["name"].as_str().unwrap_or_default().to_owned(),
                format!("{file}:{}", o["line"]),
                o["confidence"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    out.sort();
    out
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    v.sort();
    v
}

#[test]
fn finds_exactly_the_calls_of_a_realistic_repository() {
    let doc = json(&["tests/fixtures/scan/app"]);
    assert_eq!(
        occurrences(&doc),
        owned(&[
            ("Assign Chat", "chats.js:11", "high"),
            ("Create Quick Reply", "README.md:3", "low"),
            ("Generate Public Media URL", "deploy.sh:3", "high"),
            ("List All Labels", "bot.yaml:6", "high"),
            ("Resolve Chat", "main.go:9", "high"),
            ("Search Chats", "chats.js:6", "high"),
            ("Send Template Message", "templates.ts:4", "low"),
            ("Send a Message to Chat", "bot.py:8", "high"),
            ("Update Chat Properties", "chats.js:15", "high"),
        ])
    );
    // The helper hides the method: reported, never guessed.
    let unresolved = &doc["unresolved"][0];
    assert_eq!(unresolved["line"], 23);
    assert_eq!(
        unresolved["candidates"],
        serde_json::json!(["Get Label Data", "Update Existing Label"])
    );
    // dist/ is ignored (.ignore), other.js calls another host.
    let text = doc.to_string();
    assert!(
        !text.contains("bundle.js") && !text.contains("other.js"),
        "{text}"
    );
}

#[test]
fn every_language_and_method_spelling() {
    let doc = json(&["tests/fixtures/scan/langs"]);
    assert_eq!(
        occurrences(&doc),
        owned(&[
            ("Get Existing Quick Replies", "Client.kt:2", "high"),
            ("Manage Labels in Chat", "Client.java:4", "high"),
            ("Unsubscribe from Templates", "Client.cs:2", "high"),
            ("Unsubscribed from Specific Account", "client.rb:2", "high"),
            ("Update Existing Quick Reply", "client.php:3", "high"),
        ])
    );
}

#[test]
fn postman_har_and_openapi_are_read_as_data() {
    let doc = json(&["tests/fixtures/scan/structured"]);
    assert_eq!(
        occurrences(&doc),
        owned(&[
            ("Get Existing Quick Replies", "session.har:2", "high"),
            (
                "Search Chats",
                "collection.postman_collection.json:11",
                "high"
            ),
            (
                "Send Template Message",
                "collection.postman_collection.json:14",
                "high"
            ),
            ("Update Existing Label", "openapi.yaml:6", "high"),
        ])
    );
}

#[test]
fn a_project_that_never_references_texter_has_no_calls() {
    let doc = json(&["tests/fixtures/scan/unrelated"]);
    assert_eq!(doc["endpoints"], serde_json::json!([]));
}

#[test]
fn cross_check_points_at_code_and_at_the_manifest() {
    let args = [
        "tests/fixtures/scan/app",
        "--manifest",
        "tests/fixtures/scan/app.tokenscope.yaml",
    ];
    let run = tokenscope(&[&["scan", "--color", "never"][..], &args].concat());
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("scan_cross_check_human", run.stdout);
    let doc = json(&args);
    let findings: Vec<(String, String, u64)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["endpoint"].as_str().unwrap_or_default().to_owned(),
                f["span"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("undeclared-endpoint".into(), "Resolve Chat".into(), 9),
            ("unused-endpoint".into(), "Create Label".into(), 12)
        ],
        "Send Template Message is called through a base that ends inside the path"
    );
    // SARIF and GitHub annotations land on the code line.
    let sarif = tokenscope(&[&["scan", "--format", "sarif"][..], &args].concat());
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    assert_eq!(
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/scan/app/main.go"
    );
    let github = tokenscope(&[&["scan", "--format", "github"][..], &args].concat());
    assert!(
        github
            .stdout
            .contains("::error file=tests/fixtures/scan/app/main.go,line=9"),
        "{}",
        github.stdout
    );
    // Severity control works as in audit.
    assert_eq!(
        tokenscope(&[&["scan", "--allow", "undeclared-endpoint"][..], &args].concat()).code,
        0
    );
}

#[test]
fn outputs_are_deterministic() {
    let a = tokenscope(&[
        "scan",
        "--format",
        "json",
        "--threads",
        "1",
        "tests/fixtures/scan",
    ]);
    let b = tokenscope(&[
        "scan",
        "--format",
        "json",
        "--threads",
        "4",
        "tests/fixtures/scan",
    ]);
    assert_eq!(a.stdout, b.stdout);
    insta::assert_snapshot!(
        "scan_json_app",
        tokenscope(&["scan", "--format", "json", "tests/fixtures/scan/app"]).stdout
    );
}

#[test]
fn write_manifest_bootstraps_a_working_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("tokenscope.yaml");
    let target_str = target.to_str().expect("utf-8");
    let run = tokenscope(&[
        "scan",
        "tests/fixtures/scan/app",
        "--integration",
        "support-app",
        "--write-manifest",
        target_str,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("wrote"), "{}", run.stderr);
    let written = std::fs::read_to_string(&target).expect("written");
    assert!(
        written.contains("integration: support-app") && written.contains("- Resolve Chat"),
        "{written}"
    );
    assert!(
        !written.contains("Create Quick Reply"),
        "prose mentions are not calls: {written}"
    );
    // The new manifest audits without missing or excess scopes, and suggest has nothing to change.
    let audit = tokenscope(&["audit", "--format", "json", target_str]);
    let doc: serde_json::Value = serde_json::from_str(&audit.stdout).expect("JSON");
    assert_eq!(
        doc["manifests"][0]["tokens"][0]["missing_scopes"],
        serde_json::json!([])
    );
    assert_eq!(
        doc["manifests"][0]["tokens"][0]["excess_scopes"],
        serde_json::json!([])
    );
    let suggest = tokenscope(&["suggest", "--write", target_str]);
    assert!(
        suggest.stderr.contains("already minimal"),
        "{}",
        suggest.stderr
    );
    // Never overwritten without --force.
    let again = tokenscope(&[
        "scan",
        "tests/fixtures/scan/app",
        "--write-manifest",
        target_str,
    ]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("pass --force"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(&target).expect("still there"),
        written
    );
    assert_eq!(
        tokenscope(&[
            "scan",
            "tests/fixtures/scan/app",
            "--force",
            "--write-manifest",
            target_str
        ])
        .code,
        0
    );
}

#[test]
fn hidden_files_binary_files_and_size_caps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("a.js"),
        "fetch(`https://x.texterchat.com/server/api/v2/chats/search`)\n",
    )
    .expect("write");
    std::fs::create_dir(p.join(".hidden")).expect("dir");
    std::fs::write(
        p.join(".hidden/b.js"),
        "fetch(`https://x.texterchat.com/server/api/v2/labels`, {method: 'POST'})\n",
    )
    .expect("write");
    let mut binary = b"\0\0https://x.texterchat.com/server/api/v2/quick-replies".to_vec();
    binary.extend_from_slice(&[0xff; 64]);
    std::fs::write(p.join("blob.bin"), binary).expect("write");
    std::fs::write(
        p.join("big.js"),
        format!(
            "{}\nfetch('https://x.texterchat.com/server/api/v2/whatsapp/templates')\n",
            "x".repeat(4096)
        ),
    )
    .expect("write");
    let names = |args: &[&str]| -> Vec<String> {
        let run = tokenscope_in(
            p,
            &[&["scan", "--format", "json"][..], args, &["."]].concat(),
        );
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        doc["endpoints"]
            .as_array()
            .expect("endpoints")
            .iter()
            .map(|e| e["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Table order. Hidden files are scanned by default; `--hidden` is kept as an alias.
    let all = ["Search Chats", "Create Label", "List All Templates"];
    assert_eq!(names(&[]), all);
    assert_eq!(names(&["--hidden"]), all);
    assert_eq!(
        names(&["--no-hidden"]),
        ["Search Chats", "List All Templates"]
    );
    assert_eq!(
        names(&["--hidden", "--no-hidden"]),
        ["Search Chats", "List All Templates"]
    );
    assert_eq!(names(&["--no-hidden", "--hidden"]), all);
    assert_eq!(
        names(&["--max-filesize", "1000"]),
        ["Search Chats", "Create Label"]
    );
    assert_eq!(tokenscope(&["scan", "does/not/exist"]).code, 2);
}

#[test]
fn write_manifest_refuses_an_existing_file_before_printing_anything_and_keeps_unresolved_calls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("new.tokenscope.yaml");
    let target_arg = target.to_string_lossy().into_owned();
    let run = common::tokenscope(&[
        "scan",
        "--write-manifest",
        &target_arg,
        "tests/fixtures/scan/app",
    ]);
    assert_eq!(run.code, 0, "{}", run.all());
    let written = std::fs::read_to_string(&target).expect("written");
    // The call scan could not resolve is kept, as a comment for a person, never guessed.
    assert!(
        written.contains("# TODO: 1 call could not be resolved to one endpoint"),
        "{written}"
    );
    assert!(written.contains("/labels/${labelId}"), "{written}");
    let again = common::tokenscope(&[
        "scan",
        "--write-manifest",
        &target_arg,
        "tests/fixtures/scan/app",
    ]);
    assert_eq!(again.code, 2);
    assert!(
        again.stdout.is_empty(),
        "nothing but the error: {}",
        again.stdout
    );
    assert!(again.stderr.contains("pass --force"), "{}", again.stderr);
}

#[test]
fn scan_markdown_and_github_carry_its_findings_and_its_own_summary() {
    let args = |format: &'static str| {
        tokenscope(&[
            "scan",
            "--format",
            format,
            "--manifest",
            "tests/fixtures/scan/app.tokenscope.yaml",
            "tests/fixtures/scan/app",
        ])
    };
    let md = args("markdown");
    assert!(md.stdout.contains("`undeclared-endpoint`"), "{}", md.stdout);
    assert!(md.stdout.contains("`unused-endpoint`"), "{}", md.stdout);
    let gh = args("github");
    let last = gh.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("tokenscope: 9 endpoints called in"),
        "{last}"
    );
    assert!(!gh.stdout.contains("manifests checked"), "{}", gh.stdout);
}

#[test]
fn ci_workflows_are_scanned_and_vcs_internals_and_ignored_files_are_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let write = |path: &str, text: &str| {
        let path = p.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    };
    let url = "https://x.texterchat.com/server/api/v2";
    write(
        ".github/workflows/nightly.yml",
        &format!(
            "jobs:\n  a:\n    steps:\n      - run: curl -fsS -X GET {url}/quick-replies -H \"Authorization: Bearer $T\"\n"
        ),
    );
    // A repository: `.gitignore` applies, and its internals are never read.
    std::fs::create_dir(p.join(".git")).expect("dir");
    write(
        ".git/config",
        &format!("[remote]\n  url = {url}/labels/1\n"),
    );
    write(
        ".hg/store/data.js",
        &format!("fetch('{url}/chats/search')\n"),
    );
    write(
        ".svn/pristine/a.js",
        &format!("fetch('{url}/chats/search')\n"),
    );
    write(".gitignore", "node_modules/\n");
    write(
        "node_modules/sdk/index.js",
        &format!("fetch('{url}/whatsapp/templates')\n"),
    );
    let run = tokenscope_in(p, &["scan", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found: Vec<(String, String)> = doc["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|e| {
            let file = e["occurrences"][0]["file"].as_str().unwrap_or_default();
            (
                e["name"].as_str().unwrap_or_default().to_owned(),
                file.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "Get Existing Quick Replies".to_owned(),
            ".github/workflows/nightly.yml".to_owned()
        )],
        "{}",
        run.stdout
    );
    assert_eq!(doc["unresolved"], serde_json::json!([]), "{}", run.stdout);
    // `--no-ignore` reads what `.gitignore` excludes, never the internals.
    let run = tokenscope_in(p, &["scan", "--format", "json", "--no-ignore", "."]);
    assert!(run.stdout.contains("node_modules"), "{}", run.stdout);
    assert!(
        !run.stdout.contains(".git/")
            && !run.stdout.contains(".hg/")
            && !run.stdout.contains(".svn/"),
        "{}",
        run.stdout
    );
}

#[test]
fn curl_without_x_sends_what_its_flags_say() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = "https://p.texterchat.com/server/api/v2";
    std::fs::write(
        dir.path().join("sync.sh"),
        format!(
            "#!/bin/sh\ncurl -sS {url}/labels -H \"Authorization: Bearer $T\"\ncurl -sS \"{url}/labels\" \\\n  -H \"Authorization: Bearer $T\" \\\n  --data '{{\"name\":\"vip\"}}'\n"
        ),
    )
    .expect("write");
    let run = tokenscope_in(dir.path(), &["scan", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        occurrences(&doc),
        owned(&[
            ("Create Label", "sync.sh:3", "high"),
            ("List All Labels", "sync.sh:2", "high"),
        ]),
        "{}",
        run.stdout
    );
    assert_eq!(doc["unresolved"], serde_json::json!([]), "{}", run.stdout);
}

/// A call site that counts only because another file names Texter: its file's text is not
/// kept while the tree is read (a tree of minified bundles is full of such paths), so it is
/// read again for the report, which must still point at the right line.
#[test]
fn relative_calls_in_files_that_never_name_texter_are_reported_with_their_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    std::fs::write(
        p.join("config.js"),
        "export const TEXTER = \"https://acme.texterchat.com/server/api/v2\";\n",
    )
    .expect("write");
    std::fs::write(
        p.join("resolve.js"),
        "// resolves a chat\n\nexport const done = (id) => api.post(`/chats/${id}/resolve`);\n",
    )
    .expect("write");
    std::fs::write(
        p.join("app.tokenscope.yaml"),
        "integration: app\ntokens:\n  app:\n    scopes: [Manage all chats]\n    endpoints: [Assign Chat]\n",
    )
    .expect("write");
    let run = tokenscope_in(
        p,
        &[
            "scan",
            "--color",
            "never",
            ".",
            "--manifest",
            "app.tokenscope.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("resolve.js:3:")
            && run
                .stdout
                .contains("export const done = (id) => api.post(`/chats/${id}/resolve`);"),
        "{}",
        run.stdout
    );
}
