//! The built-in Microsoft Graph table end to end: the example manifests' findings, and
//! least-privileged sets checked against Microsoft's own `least=` marks in the committed
//! `permissions.json`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use common::{graph_least, graph_path_shape, json, minimal_scopes, read, tokenscope};

const UP: &str = "tables/upstream/msgraph/permissions.json";
const KINDS: [(&str, &str); 3] = [
    ("DelegatedWork", "delegated-work"),
    ("DelegatedPersonal", "delegated-personal"),
    ("Application", "application"),
];

/// (method, shape, kind) → (every permission that grants it, those marked least, whether one
/// of them carries `AlsoRequires`), from the upstream file; also one spelling of each path as
/// the file writes it.
type Upstream = BTreeMap<(String, String, String), (BTreeSet<String>, BTreeSet<String>, bool)>;

fn upstream() -> (Upstream, BTreeMap<String, String>) {
    let doc = json(&read(UP));
    let mut out = Upstream::new();
    let mut spelling = BTreeMap::new();
    for (name, perm) in doc["permissions"].as_object().into_iter().flatten() {
        for set in perm["pathSets"].as_array().into_iter().flatten() {
            for (path, value) in set["paths"].as_object().into_iter().flatten() {
                let Some(shape) = graph_path_shape(path) else {
                    continue;
                };
                spelling
                    .entry(shape.clone())
                    .or_insert_with(|| path.clone());
                let least = graph_least(value);
                for m in set["methods"].as_array().into_iter().flatten() {
                    for s in set["schemeKeys"].as_array().into_iter().flatten() {
                        let s = s.as_str().unwrap_or("");
                        let Some((_, kind)) = KINDS.iter().find(|(k, _)| *k == s) else {
                            continue;
                        };
                        let key = (
                            m.as_str().unwrap_or("").to_owned(),
                            shape.clone(),
                            (*kind).to_owned(),
                        );
                        let entry = out.entry(key).or_default();
                        entry.0.insert(name.clone());
                        if least.contains(&s) {
                            entry.1.insert(name.clone());
                        }
                        entry.2 |= value.as_str().unwrap_or("").contains("AlsoRequires=");
                    }
                }
            }
        }
    }
    (out, spelling)
}

/// Token name → its minimal scopes, from `suggest --format json`.
fn minimal_sets(manifest: &str) -> BTreeMap<String, BTreeSet<String>> {
    let run = tokenscope(&["suggest", "--format", "json", manifest]);
    assert_eq!(run.code, 0, "{}", run.all());
    let doc = json(&run.stdout);
    let mut out = BTreeMap::new();
    for m in doc["manifests"].as_array().into_iter().flatten() {
        for t in m["tokens"].as_array().into_iter().flatten() {
            out.insert(
                t["name"].as_str().unwrap_or("").to_owned(),
                minimal_scopes(t),
            );
        }
    }
    out
}

#[test]
fn the_deliberate_mistakes_are_found() {
    let run = tokenscope(&["audit", "--format", "json", "examples/msgraph"]);
    // Excess scopes are warnings: the default `--fail-on error` passes, `warning` fails.
    assert_eq!(run.code, 0, "{}", run.all());
    let strict = tokenscope(&["audit", "--fail-on", "warning", "examples/msgraph"]);
    assert_eq!(strict.code, 1, "{}", strict.all());
    let doc = json(&run.stdout);
    let mut tokens = BTreeMap::new();
    for m in doc["manifests"].as_array().into_iter().flatten() {
        for t in m["tokens"].as_array().into_iter().flatten() {
            let list = |k: &str| -> Vec<String> {
                t[k].as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| s.as_str().unwrap_or("").to_owned())
                    .collect()
            };
            tokens.insert(
                t["name"].as_str().unwrap_or("").to_owned(),
                (list("missing_scopes"), list("excess_scopes")),
            );
            // Every reference resolved, URLs with /v1.0 included.
            for e in t["endpoints"].as_array().into_iter().flatten() {
                assert!(e["name"].is_string(), "{e}");
            }
        }
    }
    assert_eq!(
        tokens["archiver-app"],
        (
            vec![],
            vec!["Directory.ReadWrite.All".into(), "Mail.ReadWrite".into()]
        )
    );
    assert_eq!(
        tokens["standup-bot"],
        (
            vec![],
            vec!["Chat.ReadWrite".into(), "Group.ReadWrite.All".into()]
        )
    );
    assert_eq!(
        minimal_sets("examples/msgraph/mail-archiver.tokenscope.yaml")["archiver-app"],
        ["Mail.Read", "User.ReadBasic.All"].map(String::from).into()
    );
    assert_eq!(
        minimal_sets("examples/msgraph/teams-bot.tokenscope.yaml")["standup-bot"],
        [
            "Channel.ReadBasic.All",
            "ChannelMessage.Read.All",
            "ChannelMessage.Send",
            "Chat.ReadBasic",
            "ChatMessage.Send",
            "Team.ReadBasic.All",
            "User.Read",
        ]
        .map(String::from)
        .into()
    );
}

/// The examples' minimal sets, read against the file: every endpoint is granted by one of the
/// chosen permissions, and every chosen permission is Microsoft's least-privileged choice for
/// at least one of the token's endpoints.
#[test]
fn the_examples_minimal_sets_are_microsofts_least_privileged_choices() {
    let (up, _) = upstream();
    for (file, token, kind) in [
        (
            "examples/msgraph/mail-archiver.tokenscope.yaml",
            "archiver-app",
            "application",
        ),
        (
            "examples/msgraph/teams-bot.tokenscope.yaml",
            "standup-bot",
            "delegated-work",
        ),
    ] {
        let chosen = &minimal_sets(file)[token];
        let audit = json(&tokenscope(&["audit", "--format", "json", file]).stdout);
        let endpoints: Vec<(String, String)> = audit["manifests"][0]["tokens"][0]["endpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["method"].as_str().unwrap_or("").to_owned(),
                    graph_path_shape(e["path"].as_str().unwrap_or("")).unwrap_or_default(),
                )
            })
            .collect();
        assert!(!endpoints.is_empty());
        let mut least_somewhere = BTreeSet::new();
        for (method, shape) in &endpoints {
            let (accepted, least, _) = &up[&(method.clone(), shape.clone(), kind.to_owned())];
            assert!(
                chosen.iter().any(|c| accepted.contains(c)),
                "{file}: {method} {shape} is not granted by {chosen:?}"
            );
            least_somewhere.extend(least.iter().cloned());
        }
        for c in chosen {
            assert!(
                least_somewhere.contains(c),
                "{file}: {c} is least for none of its endpoints"
            );
        }
    }
}

/// A deterministic sample of (method, path, token kind) for which Microsoft marks exactly one
/// permission least-privileged (and no `AlsoRequires` makes the requirement an inference): a
/// token calling only that endpoint, written as the file writes the path (or as a v1.0 URL),
/// needs exactly that permission.
#[test]
fn single_endpoint_minimal_sets_are_the_least_marked_permission() {
    let (up, spelling) = upstream();
    let mut manifest = String::from("integration: sample\napi: msgraph\ntokens:\n");
    let mut expected = BTreeMap::new();
    let candidates: Vec<_> = up
        .iter()
        .filter(|(_, (_, least, also))| least.len() == 1 && !also)
        .collect();
    assert!(candidates.len() > 10_000, "{}", candidates.len());
    for (i, ((method, shape, kind), (_, least, _))) in candidates.iter().enumerate().step_by(37) {
        let path = &spelling[shape];
        let reference = if i % 2 == 0 {
            format!("{method} {path}")
        } else {
            format!("{method} https://graph.microsoft.com/v1.0{path}")
        };
        let token = format!("t{i}");
        let _ = write!(
            manifest,
            "  {token}:\n    kind: {kind}\n    scopes: []\n    endpoints:\n      - {reference:?}\n"
        );
        expected.insert(token, least.iter().cloned().collect::<BTreeSet<_>>());
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("sample.tokenscope.yaml");
    std::fs::write(&path, &manifest).unwrap_or_else(|e| panic!("{e}"));
    let got = minimal_sets(&path.to_string_lossy());
    assert!(expected.len() > 250, "{}", expected.len());
    let wrong: Vec<_> = expected
        .iter()
        .filter(|(t, want)| got.get(*t) != Some(want))
        .map(|(t, want)| format!("{t}: want {want:?}, got {:?}", got.get(t)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {}: {wrong:#?}",
        wrong.len(),
        expected.len()
    );
}
