//! Property tests: hostile and random inputs never panic, and the audit's invariants hold.
//! (A bounded stand-in for the fuzzers under `fuzz/`, run on every `cargo test`.)

use std::collections::BTreeSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use tokenscope::audit::{AuditOptions, TokenAnalysis, audit};
use tokenscope::manifest::{Manifest, Resolution, resolve_endpoint};
use tokenscope::source::SourceFile;
use tokenscope::suggest::write::{rewrite_scopes, yaml_comment, yaml_scalar};
use tokenscope::suggest::{TokenSuggestion, grant_set};
use tokenscope::table::{GrantSet, ScopeSet, Table};
use tokenscope::yaml::{Limits, Node, NodeKind};

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::embedded().unwrap_or_else(|e| panic!("{e:?}")))
}

/// Parses and audits; must never panic, whatever the bytes.
fn parse_and_audit(bytes: Vec<u8>) -> Option<usize> {
    let file = SourceFile::from_bytes("fuzz.tokenscope.yaml".into(), bytes).ok()?;
    let manifest = Manifest::parse(file).ok()?;
    audit(table(), manifest, AuditOptions::default())
        .ok()
        .map(|r| r.findings.len())
}

const EXAMPLES: &[&str] = &[
    include_str!("../examples/crm-sync.tokenscope.yaml"),
    include_str!("../examples/support-bot.tokenscope.yaml"),
    include_str!("../examples/marketing/tokenscope.yaml"),
    include_str!("fixtures/mistakes/every-mistake.tokenscope.yaml"),
    include_str!("fixtures/suggest/styles.tokenscope.yaml"),
];

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippets = prop::sample::select(vec![
        b"&a ".to_vec(),
        b"*a".to_vec(),
        b"<<: *a\n".to_vec(),
        b"!!binary ".to_vec(),
        b"!custom ".to_vec(),
        b"---\n".to_vec(),
        b"{".to_vec(),
        b"]".to_vec(),
        b"\t".to_vec(),
        b"\r\n".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"\"\\u0000\"".to_vec(),
        b"  - scope: x\n    reason:\n".to_vec(),
        b"# tokenscope: ignore[".to_vec(),
        "é☃".as_bytes().to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), snippets).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if !bytes.is_empty() {
                    bytes[i % len] = *b;
                }
            }
            Mutation::Insert(i, s) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, s.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Truncate(i) => bytes.truncate(i % len),
            Mutation::Duplicate(i, n) => {
                let at = i % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    let copy: Vec<u8> = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
        }
    }
    bytes
}

/// Manifest-shaped YAML from random pieces, valid or not.
fn manifest_text() -> impl Strategy<Value = String> {
    let endpoints: Vec<String> = table()
        .endpoints
        .iter()
        .flat_map(|e| [e.name.to_string(), e.signature()])
        .chain([
            "/labels".to_owned(),
            "GET /nope".to_owned(),
            "no".to_owned(),
            "''".to_owned(),
        ])
        .collect();
    let scopes: Vec<String> = table()
        .scopes
        .iter()
        .flat_map(|s| [s.name.clone(), s.id.clone()])
        .chain(["Send Session Messages".to_owned(), "yes".to_owned()])
        .collect();
    let entry = |pool: Vec<String>, key: &'static str| {
        prop_oneof![
            prop::sample::select(pool.clone()).prop_map(|v| format!("      - {v}\n")),
            (prop::sample::select(pool), any::<bool>()).prop_map(move |(v, r)| {
                if r {
                    format!("      - {key}: {v}\n        reason: because\n")
                } else {
                    format!("      - {key}: {v}\n")
                }
            }),
        ]
    };
    let token = (
        "[a-z]{1,8}",
        prop::option::of(prop::collection::vec(entry(scopes, "scope"), 0..6)),
        prop::option::of(prop::collection::vec(entry(endpoints, "endpoint"), 0..6)),
        prop::option::of(prop::sample::select(vec![
            "excess-scope",
            "missing-scope",
            "high-risk-scope",
            "bogus-rule",
        ])),
    )
        .prop_map(|(name, scopes, endpoints, ignore)| {
            let mut t = format!("  {name}:\n");
            if let Some(s) = scopes {
                t.push_str("    scopes:\n");
                t.extend(s);
            }
            if let Some(e) = endpoints {
                t.push_str("    endpoints:\n");
                t.extend(e);
            }
            if let Some(rule) = ignore {
                t.push_str(&format!("    ignore:\n      - rule: {rule}\n"));
            }
            t
        });
    prop::collection::vec(token, 1..4)
        .prop_map(|tokens| format!("integration: prop\ntokens:\n{}", tokens.concat()))
}

/// Text a YAML reader could take for structure: indicators, line breaks of both YAML versions,
/// controls, YAML 1.1 words and numbers, byte order marks.
fn yaml_lookalike() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "\n",
        "\r",
        "\r\n",
        "\u{85}",
        "\u{2028}",
        "\u{2029}",
        "#",
        " #",
        ": ",
        ":",
        "-",
        "- ",
        "? ",
        "&a",
        "*a",
        "!x",
        "|",
        ">",
        "'",
        "\"",
        "\\",
        "%",
        "@",
        "`",
        "[",
        "]",
        "{",
        "}",
        ",",
        "no",
        "On",
        "yes",
        "~",
        "null",
        "0x1F",
        "1:30",
        ".inf",
        "1e3",
        "2024-01-01",
        "<<",
        "=",
        " ",
        "\t",
        "\u{1b}",
        "\u{7f}",
        "\u{9f}",
        "\u{feff}",
        "\u{202e}",
        "é",
        "x",
        "Manage all chats",
        "---",
        "...",
    ]);
    prop::collection::vec(atoms, 0..8).prop_map(|v| v.concat())
}

/// The string a scalar node holds, if it is one.
fn text_of(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Str(s) => Some(s),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A span at any column of a line of any length renders, in bounded space, with the
    /// column it is at (miette's renderer panicked from column 65,536 on).
    #[test]
    fn frames_render_at_any_column(
        column in 0usize..300_000,
        tail in 0usize..300_000,
        length in 0usize..5_000,
        filler in prop::sample::select(vec!["x", "é", "字", "\t", " ", "a, "]),
    ) {
        use tokenscope::render::frame::{FrameRenderer, Label, Level, Place, Report};
        let before = filler.repeat(column / filler.len().max(1) + 1);
        let text = format!("k: {before}TARGET{}\nnext: line\n", "y".repeat(tail));
        let file = SourceFile::new("f.yaml", text.as_str());
        let offset = text.find("TARGET").unwrap_or(0);
        let span = file.span(offset, length);
        let mut out = String::new();
        FrameRenderer::new(false).render(&mut out, &Report {
            code: Some("error[x]"),
            level: Level::Error,
            message: "m",
            place: Place::Frame { file: &file, labels: vec![Label { span, text: Some("here"), primary: true }] },
            help: None,
        });
        prop_assert!(out.len() < 2_000, "{} bytes", out.len());
        prop_assert!(out.contains("TARGET"), "{}", out);
        let header = format!("f.yaml:1:{}", span.column);
        prop_assert!(out.contains(&header), "{}", out);
    }

    /// Any text reads back unchanged as a value, a flow item and a key, and a comment holding
    /// it stays one comment: what a file name holds never becomes YAML structure.
    #[test]
    fn yaml_scalars_and_comments_read_back_as_written(text in yaml_lookalike()) {
        let doc = format!(
            "k0: {}\nl0: [{}]\n{}: v\nc0: 1   # {}\n",
            yaml_scalar(&text, false),
            yaml_scalar(&text, true),
            yaml_scalar(&text, false),
            yaml_comment(&text),
        );
        let root = tokenscope::yaml::parse(&SourceFile::new("s.yaml", doc.clone()), Limits::MANIFEST);
        prop_assert!(root.is_ok(), "{:?}", doc);
        let root = root.unwrap_or_else(|_| unreachable!());
        let NodeKind::Map(entries) = &root.kind else {
            return Err(TestCaseError::fail(format!("not a mapping: {doc:?}")));
        };
        prop_assert_eq!(entries.len(), 4, "{:?}", doc);
        prop_assert_eq!(text_of(&entries[0].1), Some(text.as_str()), "{:?}", doc);
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            return Err(TestCaseError::fail(format!("not a list: {doc:?}")));
        };
        prop_assert_eq!(items.len(), 1, "{:?}", doc);
        prop_assert_eq!(text_of(&items[0]), Some(text.as_str()), "{:?}", doc);
        prop_assert_eq!(text_of(&entries[2].0), Some(text.as_str()), "{:?}", doc);
        prop_assert!(doc.lines().count() == 4, "{:?}", doc);
    }

    /// Byte mutations of real manifests never panic the parser or the audit.
    #[test]
    fn mutated_examples_never_panic(example in 0..EXAMPLES.len(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let _ = parse_and_audit(apply(EXAMPLES[example].as_bytes().to_vec(), &mutations));
    }

    /// Arbitrary bytes never panic either.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_and_audit(bytes);
    }

    /// Resolution is total and its answers are consistent.
    #[test]
    fn resolution_is_total(reference in "\\PC{0,40}") {
        match resolve_endpoint(table(), &reference) {
            Resolution::Endpoint(id) => {
                // The endpoint's own name resolves back to it.
                prop_assert_eq!(resolve_endpoint(table(), &table().endpoint(id).name), Resolution::Endpoint(id));
            }
            Resolution::Ambiguous(ids) => prop_assert!(ids.len() >= 2),
            Resolution::Unknown { .. } => {}
        }
    }

    /// missing ∪ (required ∩ granted) = required; excess ∩ required = ∅; and the suggestion
    /// written back is idempotent and leaves nothing missing or excess.
    #[test]
    fn set_invariants_and_idempotent_write(text in manifest_text()) {
        let Ok(manifest) = Manifest::parse(SourceFile::new("p.tokenscope.yaml", text.clone())) else {
            return Ok(());
        };
        let mut plans: Vec<(usize, GrantSet)> = Vec::new();
        for (i, token) in manifest.tokens.iter().enumerate() {
            let t = TokenAnalysis::new(table(), token);
            let granted = t.granted.clone().unwrap_or_default().scopes();
            let missing = t.missing().scopes();
            let excess = t.excess();
            let required = t.required().scopes();
            if t.granted.is_some() {
                let union: ScopeSet = missing.union(&required.intersection(&granted).copied().collect()).copied().collect();
                prop_assert_eq!(&union, &required);
            }
            prop_assert!(excess.is_disjoint(&required));
            let unresolved = t.unresolved_endpoints() > 0;
            if !unresolved && token.scopes.is_some() {
                plans.push((i, grant_set(&TokenSuggestion::from_analysis(&t, &GrantSet::new(), false).minimal)));
            }
        }
        let Ok(once) = rewrite_scopes(&manifest, table(), &plans) else {
            return Ok(());
        };
        let again = Manifest::parse(SourceFile::new("p.tokenscope.yaml", once.clone()));
        prop_assert!(again.is_ok(), "the rewrite parses: {}", once);
        let again = again.unwrap_or_else(|_| unreachable!());
        for (i, _) in &plans {
            let t = TokenAnalysis::new(table(), &again.tokens[*i]);
            prop_assert!(t.missing().is_empty() && t.excess().is_empty(), "{}", once);
        }
        let twice = rewrite_scopes(&again, table(), &plans);
        prop_assert_eq!(twice.ok(), Some(once));
    }

    /// Findings do not depend on the order of the manifest's top-level keys.
    #[test]
    fn findings_ignore_top_level_key_order(text in manifest_text()) {
        let reordered = text.replacen("integration: prop\n", "", 1) + "integration: prop\n";
        let subjects = |t: &str| -> Option<BTreeSet<String>> {
            let m = Manifest::parse(SourceFile::new("p.tokenscope.yaml", t.to_owned())).ok()?;
            let r = audit(table(), m, AuditOptions::default()).ok()?;
            Some(r.findings.iter().map(|f| format!("{} {:?} {:?} {:?} {}", f.rule, f.token, f.scope, f.endpoint, f.message)).collect())
        };
        prop_assert_eq!(subjects(&text), subjects(&reordered));
    }
}

/// Through the binary: mutated inputs exit 0, 1 or 2, never crash, and never hang (each run is
/// killed after a generous 20 s, which only a hang could reach; this is not a speed test).
#[test]
fn the_binary_exits_0_1_or_2_on_mutated_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for i in 0..40 {
        let mutations = prop::collection::vec(mutation(), 1..4)
            .new_tree(&mut runner)
            .expect("strategy")
            .current();
        let bytes = apply(EXAMPLES[i % EXAMPLES.len()].as_bytes().to_vec(), &mutations);
        let path = dir.path().join(format!("m{i}.tokenscope.yaml"));
        std::fs::write(&path, bytes).expect("write");
        for format in ["human", "json", "sarif"] {
            let status = assert_cmd::Command::cargo_bin("tokenscope")
                .expect("binary")
                .args(["audit", "--format", format])
                .arg(&path)
                .timeout(std::time::Duration::from_secs(20))
                .output()
                .expect("runs")
                .status;
            assert!(
                matches!(status.code(), Some(0..=2)),
                "{path:?} {format}: {status:?}"
            );
        }
    }
}
