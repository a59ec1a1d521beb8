//! Hostile and unusual inputs: each is a clear exit-2 diagnostic or is handled as a user expects.

use std::path::Path;

use assert_cmd::Command;

mod common;
use common::tokenscope_in;

fn audit(dir: &Path, file: &str) -> (i32, String, String) {
    let output = Command::cargo_bin("tokenscope")
        .expect("binary builds")
        .current_dir(dir)
        .args(["audit", "--color", "never", file])
        .output()
        .expect("binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write fixture");
}

const VALID: &str =
    "integration: x\ntokens:\n  t:\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n";

#[test]
fn billion_laughs_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(
        "integration: x\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let prev = format!("*l{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("lol{i}: &l{i} [{items}]\n"));
    }
    text.push_str("tokens:\n  t:\n    endpoints: *l9\n");
    write(dir.path(), "bomb.tokenscope.yaml", text.as_bytes());
    let (code, _, stderr) = audit(dir.path(), "bomb.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(stderr.contains("too large or too complex"), "{stderr}");
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = std::fs::File::create(dir.path().join("huge.tokenscope.yaml")).expect("create");
    file.set_len(100 * 1024 * 1024).expect("sparse file");
    let (code, _, stderr) = audit(dir.path(), "huge.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(stderr.contains("over the 1048576-byte limit"), "{stderr}");
}

#[test]
fn deep_nesting_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "integration: x\ntokens: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(dir.path(), "deep.tokenscope.yaml", text.as_bytes());
    let (code, _, stderr) = audit(dir.path(), "deep.tokenscope.yaml");
    assert_eq!(code, 2, "{stderr}");
    let text = format!(
        "integration: x\ntokens:\n{}",
        (0..10_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i % 50 * 2)))
            .collect::<String>()
    );
    write(dir.path(), "deep2.tokenscope.yaml", text.as_bytes());
    let (code, _, _) = audit(dir.path(), "deep2.tokenscope.yaml");
    assert_eq!(code, 2);
}

#[test]
fn binary_nul_and_invalid_utf8_are_refused_with_a_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "nul.tokenscope.yaml", b"integration: x\0\n");
    let (code, _, stderr) = audit(dir.path(), "nul.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(stderr.contains("NUL byte at line 1, column 15"), "{stderr}");
    write(
        dir.path(),
        "latin1.tokenscope.yaml",
        b"integration: caf\xe9\n",
    );
    let (code, _, stderr) = audit(dir.path(), "latin1.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("not valid UTF-8 (first bad byte at line 1, column 17)"),
        "{stderr}"
    );
    write(
        dir.path(),
        "png.tokenscope.yaml",
        &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0],
    );
    assert_eq!(audit(dir.path(), "png.tokenscope.yaml").0, 2);
}

#[test]
fn bom_crlf_and_cr_line_endings_are_read_like_lf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let with_excess = "integration: x\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies]\n    endpoints: [Create Label]\n";
    write(dir.path(), "lf.tokenscope.yaml", with_excess.as_bytes());
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(with_excess.as_bytes());
    write(dir.path(), "bom.tokenscope.yaml", &bom);
    write(
        dir.path(),
        "crlf.tokenscope.yaml",
        with_excess.replace('\n', "\r\n").as_bytes(),
    );
    for name in ["lf", "bom", "crlf"] {
        let (code, stdout, stderr) = audit(dir.path(), &format!("{name}.tokenscope.yaml"));
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stdout.contains(&format!("{name}.tokenscope.yaml:4:")),
            "{name}: the finding is on line 4\n{stdout}"
        );
        assert!(stdout.contains("warning[excess-scope]"), "{name}: {stdout}");
        // The code frame shows line 4 itself, numbered 4.
        assert!(
            stdout.contains(" 4 │     scopes: [Manage labels, View quick replies]"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn tags_merge_keys_and_anchors_behave_like_yaml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "integration: !!str x\ncommon: &common\n  scopes: [Manage labels]\ntokens:\n  t:\n    <<: *common\n    endpoints: [!custom Create Label]\n";
    write(dir.path(), "merge.tokenscope.yaml", text.as_bytes());
    let (code, _, stderr) = audit(dir.path(), "merge.tokenscope.yaml");
    // `common:` is not a manifest key: strictness wins over anchors' convenience.
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown key `common`"), "{stderr}");
    let text = "integration: x\ntokens:\n  a: &tok\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n  b: *tok\n  c:\n    <<: *tok\n    endpoints: [GET /labels]\n";
    write(dir.path(), "alias.tokenscope.yaml", text.as_bytes());
    let (code, stdout, stderr) = audit(dir.path(), "alias.tokenscope.yaml");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("warning[excess-scope]"),
        "token c holds Manage labels for GET /labels: {stdout}"
    );
}

#[test]
fn very_long_lines_and_many_tokens_are_fine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = format!(
        "integration: {}\ntokens:\n  t:\n    endpoints: [Create Label]\n",
        "x".repeat(200_000)
    );
    write(dir.path(), "long.tokenscope.yaml", long.as_bytes());
    assert_eq!(audit(dir.path(), "long.tokenscope.yaml").0, 0);
    let many: String = (0..2_000)
        .map(|i| format!("  t{i}:\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n"))
        .collect();
    write(
        dir.path(),
        "many.tokenscope.yaml",
        format!("integration: x\ntokens:\n{many}").as_bytes(),
    );
    assert_eq!(audit(dir.path(), "many.tokenscope.yaml").0, 0);
}

#[test]
fn broken_symlinks_in_a_tree_are_skipped_with_a_warning_or_reported_when_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ok.tokenscope.yaml", VALID.as_bytes());
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("missing.yaml"),
        dir.path().join("dangling.tokenscope.yaml"),
    )
    .expect("symlink");
    let (code, stdout, stderr) = audit(dir.path(), ".");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 manifest checked"), "{stdout}");
    assert!(
        stderr.contains("warning: skipped dangling.tokenscope.yaml: it is a symbolic link"),
        "{stderr}"
    );
    let run = tokenscope_in(dir.path(), &["audit", "--follow", "."]);
    assert_eq!(
        run.code, 2,
        "a followed broken link is reported: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("dangling.tokenscope.yaml"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_instead_of_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.tokenscope.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (code, _, stderr) = audit(dir.path(), "pipe.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn a_directory_with_100000_files_is_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..100_000 {
        std::fs::File::create(dir.path().join(format!("f{i}.txt"))).expect("create");
    }
    write(dir.path(), "one.tokenscope.yaml", VALID.as_bytes());
    let (code, stdout, stderr) = audit(dir.path(), ".");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 manifest checked"), "{stdout}");
}

#[test]
fn control_characters_from_a_manifest_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "esc.tokenscope.yaml",
        b"integration: \"\\e]0;pwned\\a\"\ntokens:\n  t:\n    scopes: [\"\\e[2J\\u202eManage\\x9b\", \"\\e[8mhidden\"]\n    endpoints: [Create Label]\n",
    );
    for color in ["never", "always"] {
        let output = Command::cargo_bin("tokenscope")
            .expect("binary builds")
            .current_dir(dir.path())
            .args(["audit", "--color", color, "esc.tokenscope.yaml"])
            .output()
            .expect("binary runs");
        let all = [output.stdout, output.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(text.contains("\\u{1b}[2J"), "{text}");
        assert!(text.contains("\\u{202e}"), "{text}");
        assert!(text.contains("\\u{1b}[8m"), "{text}");
        // No escape sequence of the manifest's survives: ours are colours only.
        let raw_escapes: Vec<&str> = text
            .split('\x1b')
            .skip(1)
            .filter(|rest| {
                let sgr = rest.strip_prefix('[').is_some_and(|r| {
                    r.find('m').is_some_and(|end| {
                        r[..end].bytes().all(|b| b.is_ascii_digit() || b == b';')
                    })
                });
                !sgr || rest.starts_with("[8m") || rest.starts_with("[2J")
            })
            .collect();
        assert!(raw_escapes.is_empty(), "{color}: {raw_escapes:?}");
        assert!(!text.contains('\u{202e}') && !text.contains('\u{9b}'));
    }
}

// ---- trust: what a hostile repository can make tokenscope print, spend or read -------------

const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";

#[cfg(unix)]
#[test]
fn a_symlinked_manifest_never_prints_the_file_it_points_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("id_ed25519");
    std::fs::write(&secret, SECRET).expect("write");
    let json_secret = outside.path().join("creds.json");
    std::fs::write(
        &json_secret,
        "{\"aws_secret_access_key\": \"wJalrXUtnFEMIK7MDENG\"}\n",
    )
    .expect("write");
    let broken = outside.path().join("broken.yaml");
    std::fs::write(&broken, "password: [hunter2\n").expect("write");
    let tree = dir.path().join("repo");
    std::fs::create_dir(&tree).expect("mkdir");
    write(&tree, "real.tokenscope.yaml", VALID.as_bytes());
    for (name, target) in [
        ("x.tokenscope.yaml", &secret),
        ("y.tokenscope.yaml", &json_secret),
        ("z.tokenscope.yaml", &broken),
    ] {
        std::os::unix::fs::symlink(target, tree.join(name)).expect("symlink");
    }
    let leaks = |text: &str| {
        ["OPENSSH", "b3BlbnNz", "wJalrXUtnFEMIK7MDENG", "hunter2"]
            .iter()
            .any(|s| text.contains(s))
    };
    // Found by discovery: skipped, and said so.
    let run = tokenscope_in(dir.path(), &["audit", "repo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!leaks(&run.all()), "{}", run.all());
    assert_eq!(
        run.stderr.matches("is a symbolic link").count(),
        3,
        "{}",
        run.stderr
    );
    // Followed, or named on the command line: read, refused as not a manifest, never shown.
    for args in [
        vec!["audit", "--follow", "repo"],
        vec![
            "audit",
            "repo/x.tokenscope.yaml",
            "repo/y.tokenscope.yaml",
            "repo/z.tokenscope.yaml",
        ],
    ] {
        for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
            let mut args = args.clone();
            args.extend(["--format", format]);
            let run = tokenscope_in(dir.path(), &args);
            assert_eq!(run.code, 2, "{args:?}: {}", run.all());
            assert!(!leaks(&run.all()), "{args:?}: {}", run.all());
        }
    }
    let run = tokenscope_in(dir.path(), &["audit", "repo/x.tokenscope.yaml"]);
    assert!(
        run.stderr
            .contains("is not a tokenscope manifest: its top level is a string"),
        "{}",
        run.stderr
    );
    // The same for a scope table.
    let run = tokenscope_in(
        dir.path(),
        &[
            "--table",
            "repo/y.tokenscope.yaml",
            "audit",
            "repo/real.tokenscope.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(!leaks(&run.all()), "{}", run.all());
    assert!(
        run.stderr.contains("is not a scope table"),
        "{}",
        run.stderr
    );
}

#[test]
fn code_frames_of_long_lines_render_at_any_column_in_bounded_space() {
    let dir = tempfile::tempdir().expect("tempdir");
    for column in [100, 65_535, 65_536, 70_000, 500_000] {
        let text = format!(
            "integration: x\ntokens:\n  t:\n    scopes: [{}Mannage labels]\n    endpoints: [Create Label]\n",
            "Manage labels, ".repeat(column / 15)
        );
        write(dir.path(), "long.tokenscope.yaml", text.as_bytes());
        let (code, stdout, stderr) = audit(dir.path(), "long.tokenscope.yaml");
        assert_eq!(code, 1, "{column}: {stderr}");
        assert!(stdout.contains("Mannage labels"), "{column}");
        assert!(
            stdout.len() < 8_000,
            "{column}: {} bytes of output",
            stdout.len()
        );
    }
}

#[test]
fn thousands_of_findings_on_one_line_are_grouped_not_amplified() {
    let dir = tempfile::tempdir().expect("tempdir");
    // ~56 KB of repeated and of distinct unknown names on one line.
    let repeated = "a, ".repeat(18_000);
    let distinct: String = (0..8_000).map(|i| format!("s{i}, ")).collect();
    for (name, list) in [("repeated", repeated), ("distinct", distinct)] {
        let text = format!(
            "integration: x\ntokens:\n  t:\n    scopes: [{list}Manage labels]\n    endpoints: [{list}Create Label]\n"
        );
        write(dir.path(), "flood.tokenscope.yaml", text.as_bytes());
        for format in ["human", "json", "sarif", "github", "junit", "markdown"] {
            let run = tokenscope_in(
                dir.path(),
                &["audit", "--format", format, "flood.tokenscope.yaml"],
            );
            assert_eq!(run.code, 1, "{name} {format}: {}", run.stderr);
            // Reports for people are bounded; machine formats list each distinct reference.
            let bound = if format == "json" {
                32 * text.len()
            } else {
                2 * text.len() + 200_000
            };
            assert!(
                run.stdout.len() < bound,
                "{name} {format}: {} bytes of output from {} bytes",
                run.stdout.len(),
                text.len()
            );
        }
    }
}

/// Peak memory of one run of the binary, from the kernel's accounting of that child.
#[cfg(target_os = "linux")]
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which also reports its peak memory
fn peak_rss_kib(dir: &Path, args: &[&str]) -> (i32, i64) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("binary runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct the kernel fills; `pid` is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[cfg(target_os = "linux")]
#[test]
fn a_1_mib_flood_of_findings_stays_within_a_bounded_multiple_of_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repeated = vec!["aaaaaaaaaa"; 43_000].join(", ");
    let distinct = (0..43_000)
        .map(|i| format!("n{i:08}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (_, baseline) = peak_rss_kib(dir.path(), &["--version"]);
    for list in [repeated, distinct] {
        let text = format!(
            "integration: x\ntokens:\n  t:\n    scopes: [{list}, Manage labels]\n    endpoints: [{list}, Create Label]\n"
        );
        write(dir.path(), "flood.tokenscope.yaml", text.as_bytes());
        for format in ["human", "json", "sarif"] {
            let (code, peak) = peak_rss_kib(
                dir.path(),
                &["audit", "--format", format, "flood.tokenscope.yaml"],
            );
            assert_eq!(code, 1, "{format}");
            // Before findings were grouped and capped as they arrive, this took gigabytes; what
            // is left is the parse tree of a list of 86,000 entries (in a debug build).
            let used = (peak - baseline) * 1024;
            assert!(
                used < 96 * text.len() as i64,
                "{format}: {used} bytes over start-up for a {}-byte manifest",
                text.len()
            );
        }
    }
}

#[test]
fn a_broken_config_is_one_error_and_every_manifest_under_it_is_not_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    write(
        dir.path(),
        ".tokenscope.yaml",
        b"rules:\n  excess-scop: off\n",
    );
    for i in 0..40 {
        write(
            dir.path(),
            &format!("m{i:02}.tokenscope.yaml"),
            VALID.as_bytes(),
        );
    }
    let first = tokenscope_in(dir.path(), &["audit", "."]);
    assert_eq!(first.code, 2);
    assert_eq!(
        first.stderr.matches("unknown rule `excess-scop`").count(),
        1,
        "{}",
        first.stderr
    );
    assert_eq!(
        first.stderr.matches("was not audited").count(),
        40,
        "{}",
        first.stderr
    );
    assert!(
        first.stdout.contains("0 manifests checked"),
        "{}",
        first.stdout
    );
    for _ in 0..3 {
        let again = tokenscope_in(dir.path(), &["audit", "."]);
        assert_eq!(
            (again.stdout, again.stderr),
            (first.stdout.clone(), first.stderr.clone())
        );
    }
    let json = tokenscope_in(dir.path(), &["audit", "--format", "json", "."]);
    assert_eq!(json.code, 2);
    assert_eq!(json.stdout.matches("was not audited").count(), 40);
}

#[test]
fn configs_above_the_searched_tree_apply_only_inside_its_repository() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A config four levels up, and no repository anywhere: it must not apply.
    write(
        dir.path(),
        ".tokenscope.yaml",
        b"rules:\n  excess-scope: error\n",
    );
    let tree = dir.path().join("a/b/c/d");
    std::fs::create_dir_all(&tree).expect("mkdir");
    let excess = "integration: x\ntokens:\n  t:\n    scopes: [Manage labels, View quick replies]\n    endpoints: [Create Label]\n";
    write(&tree, "m.tokenscope.yaml", excess.as_bytes());
    let run = tokenscope_in(&tree, &["audit", "."]);
    assert_eq!(run.code, 0, "{}", run.all());
    // Inside a repository, a config at its root applies to the whole tree.
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    let run = tokenscope_in(&tree, &["audit", "."]);
    assert_eq!(run.code, 1, "{}", run.all());
}

#[test]
fn keys_that_differ_only_in_yaml_type_are_the_same_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "k.tokenscope.yaml",
        b"integration: x\ntokens:\n  1: {scopes: [Manage labels], endpoints: [Create Label]}\n  \"1\": {scopes: [Manage labels], endpoints: [Create Label]}\n",
    );
    let (code, _, stderr) = audit(dir.path(), "k.tokenscope.yaml");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`1` is a key of `tokens` twice"),
        "{stderr}"
    );
}

#[test]
fn did_you_mean_on_a_huge_reference_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "integration: x\ntokens:\n  t:\n    scopes: [Manage labels{}]\n    endpoints: [Create Label{}]\n",
        "x".repeat(400_000),
        "y".repeat(400_000)
    );
    write(dir.path(), "huge.tokenscope.yaml", text.as_bytes());
    let started = std::time::Instant::now();
    let (code, stdout, _) = audit(dir.path(), "huge.tokenscope.yaml");
    assert_eq!(code, 1);
    assert!(!stdout.contains("did you mean"));
    // Edit distance on these would take minutes and gigabytes; a generous bound catches it.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn markdown_reports_cannot_carry_html_mentions_or_broken_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "integration: \"<img src=x onerror=alert(1)> @octocat\"\ntokens:\n  \"bot`</code><script>@admin\":\n    scopes: [\"Manage `x`<b>|y @team\", Manage labels]\n    endpoints: [Create Label, \"<details open>\"]\n";
    write(dir.path(), "md.tokenscope.yaml", text.as_bytes());
    let run = tokenscope_in(
        dir.path(),
        &["audit", "--format", "markdown", "md.tokenscope.yaml"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_safe_markdown(&run.stdout, 6);
    let old = dir.path().join("old.tokenscope.yaml");
    std::fs::write(&old, VALID).expect("write");
    let run = tokenscope_in(
        dir.path(),
        &[
            "diff",
            "--format",
            "markdown",
            "old.tokenscope.yaml",
            "md.tokenscope.yaml",
        ],
    );
    assert_safe_markdown(&run.stdout, 5);
}

/// Parses Markdown as GitHub does (CommonMark with tables): no HTML, no mention outside code,
/// and every table row has the table's columns.
fn assert_safe_markdown(markdown: &str, columns: usize) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut cells = 0;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the report: {h}\n{markdown}"),
            Event::Text(t) => assert!(
                !["@octocat", "@admin", "@team"]
                    .iter()
                    .any(|m| t.contains(m)),
                "a mention: {t}\n{markdown}"
            ),
            Event::Start(Tag::TableRow | Tag::TableHead) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                assert_eq!(cells, columns, "a value changed the columns:\n{markdown}")
            }
            _ => {}
        }
    }
}

#[test]
fn a_malformed_inline_comment_is_the_same_error_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "integration: x\ntokens:\n  t:\n    scopes:\n      - Manage labels\n      - View quick replies  # tokenscope: ignore[excess-scope] kept for the picker\n      - List all chats # tokenscope: ignore excess-scope oops\n    endpoints: [Create Label]\n";
    write(dir.path(), "m.tokenscope.yaml", text.as_bytes());
    for args in [
        vec!["audit", "m.tokenscope.yaml"],
        vec!["suggest", "m.tokenscope.yaml"],
        vec!["suggest", "--write", "m.tokenscope.yaml"],
        vec!["suggest", "--dry-run", "m.tokenscope.yaml"],
        vec!["diff", "m.tokenscope.yaml", "m.tokenscope.yaml"],
        vec!["scan", "--manifest", "m.tokenscope.yaml", "."],
    ] {
        let run = tokenscope_in(dir.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        assert!(
            run.stderr.contains("malformed tokenscope comment"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let after = std::fs::read_to_string(dir.path().join("m.tokenscope.yaml")).expect("read");
    assert_eq!(
        after, text,
        "suggest --write must not drop a scope the user marked as kept"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_fails_the_run_and_a_closed_pipe_does_not() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else { return };
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["audit", "--format", "json", "examples"])
        .stdout(full)
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write the output"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["audit", "examples"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("waits");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the run's own verdict stands"
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn write_baseline_never_overwrites_what_is_not_a_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "m.tokenscope.yaml", VALID.as_bytes());
    let run = tokenscope_in(
        dir.path(),
        &[
            "audit",
            "--write-baseline",
            "m.tokenscope.yaml",
            "m.tokenscope.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("refusing to overwrite"),
        "{}",
        run.stderr
    );
    let after = std::fs::read_to_string(dir.path().join("m.tokenscope.yaml")).expect("read");
    assert_eq!(after, VALID);
    let run = tokenscope_in(
        dir.path(),
        &["audit", "--write-baseline", "b.json", "m.tokenscope.yaml"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = tokenscope_in(
        dir.path(),
        &["audit", "--write-baseline", "b.json", "m.tokenscope.yaml"],
    );
    assert_eq!(run.code, 0, "a baseline may be rewritten: {}", run.stderr);
}
