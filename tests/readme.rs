//! The README's examples, run: every code block that shows `$ tokenscope ...` is executed and its
//! output compared with what the README shows (trycmd-style: a line `...` stands for any lines,
//! `...` inside a line for any text). Comments in the README drive it:
//!
//! - `<!-- readme-test: file NAME -->` before a block writes the block to NAME in a scratch
//!   directory shared by the README's examples, in order;
//! - `<!-- readme-test: run DIR -->` before a `$ tokenscope` block runs it in DIR (`scratch`, or
//!   a path from the repository root).

mod common;

use std::path::{Path, PathBuf};

/// One directive and the code block after it.
struct Example {
    directive: String,
    block: Vec<String>,
    line: usize,
}

fn examples(readme: &str) -> Vec<Example> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(directive) = lines[i]
            .trim()
            .strip_prefix("<!-- readme-test:")
            .and_then(|d| d.strip_suffix("-->"))
        else {
            i += 1;
            continue;
        };
        let start = (i + 1..lines.len()).find(|&j| lines[j].starts_with("```"));
        let Some(start) = start else { break };
        let end = (start + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or(lines.len());
        out.push(Example {
            directive: directive.trim().to_owned(),
            block: lines[start + 1..end]
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
            line: i + 1,
        });
        i = end + 1;
    }
    out
}

/// Splits a command line as a shell would for the simple quoting the README uses.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// Whether `actual` matches `expected`, where a line `...` matches any lines and `...` inside
/// a line any text.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => match actual.split_first() {
            Some((line, more)) => line_matches(first, line) && matches(rest, more),
            None => false,
        },
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let expected = expected.trim_end();
    let actual = actual.trim_end();
    let parts: Vec<&str> = expected.split("...").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[test]
fn every_readme_example_does_what_it_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let scratch = tempfile::tempdir().expect("tempdir");
    let examples = examples(&readme);
    let mut ran = 0;
    for ex in &examples {
        let mut parts = ex.directive.splitn(2, ' ');
        let (verb, arg) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("").trim(),
        );
        match verb {
            "file" => {
                let mut text = ex.block.join("\n");
                text.push('\n');
                std::fs::write(scratch.path().join(arg), text).expect("write example file");
            }
            "run" => {
                let dir: PathBuf = if arg == "scratch" {
                    scratch.path().to_path_buf()
                } else {
                    root.join(arg)
                };
                let Some((command, expected)) = ex.block.split_first() else {
                    panic!("README line {}: an empty example", ex.line);
                };
                let command = command
                    .strip_prefix("$ tokenscope ")
                    .unwrap_or_else(|| panic!("README line {}: not a tokenscope command", ex.line));
                let args = words(command);
                let output = common::isolated_command()
                    .current_dir(&dir)
                    .args(&args)
                    .output()
                    .expect("binary runs");
                let run: common::Run = output.into();
                let all = run.all();
                let mut actual: Vec<&str> = all.lines().collect();
                // Blank lines at the end are not worth showing in a README.
                while actual.last().is_some_and(|l| l.trim().is_empty()) {
                    actual.pop();
                }
                assert!(
                    matches(expected, &actual),
                    "README line {}: `tokenscope {command}` printed:\n{all}\nbut the README shows:\n{}",
                    ex.line,
                    expected.join("\n")
                );
                ran += 1;
            }
            other => panic!(
                "README line {}: unknown readme-test directive `{other}`",
                ex.line
            ),
        }
    }
    // Every command block is run: none was left without a directive.
    let shown = readme
        .lines()
        .filter(|l| l.starts_with("$ tokenscope "))
        .count();
    assert_eq!(
        ran, shown,
        "a `$ tokenscope` example has no readme-test directive"
    );
}

#[test]
fn the_matcher_honours_ellipses() {
    let expected: Vec<String> = ["a", "...", "c ... e"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert!(matches(&expected, &["a", "b", "b", "c d e"]));
    assert!(matches(&expected, &["a", "c x e"]));
    assert!(!matches(&expected, &["a", "c x f"]));
    assert_eq!(
        words(r#"suggest --endpoint "Send Template" x"#),
        ["suggest", "--endpoint", "Send Template", "x"]
    );
}
