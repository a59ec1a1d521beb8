//! Hostile and unusual inputs: each is a clear exit-2 diagnostic or is handled as a user expects.

use std::path::Path;

use assert_cmd::Command;

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
fn unreadable_inputs_and_broken_symlinks_in_a_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ok.tokenscope.yaml", VALID.as_bytes());
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("missing.yaml"),
        dir.path().join("dangling.tokenscope.yaml"),
    )
    .expect("symlink");
    let (code, stdout, stderr) = audit(dir.path(), ".");
    assert_eq!(
        code, 2,
        "a broken link is reported, not skipped silently: {stderr}"
    );
    assert!(stdout.contains("1 manifest checked"), "{stdout}");
    assert!(stderr.contains("dangling.tokenscope.yaml"), "{stderr}");
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
