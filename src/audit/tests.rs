//! One test (at least) per rule, on small manifests, asserting rule, line and subject.

use super::*;
use crate::finding::RuleId;
use crate::source::SourceFile;

fn table() -> &'static Table {
    crate::table::texter()
}

fn run_with(text: &str, options: AuditOptions) -> Vec<Finding> {
    let table = table();
    let manifest = Manifest::parse(SourceFile::new("m.yaml", text.to_owned()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    audit(table, manifest, options)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .findings
}

/// `(rule, line, subject)` of every finding of `rule`.
fn of(text: &str, rule: RuleId) -> Vec<(usize, String)> {
    run_with(text, AuditOptions::default())
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let subject = f.scope.or(f.endpoint).or(f.token).unwrap_or_default();
            (f.span.line, subject)
        })
        .collect()
}

fn manifest(scopes: &[&str], endpoints: &[&str]) -> String {
    let mut m = String::from("integration: test\ntokens:\n  bot:\n    scopes:\n");
    for s in scopes {
        m.push_str(&format!("      - {s}\n"));
    }
    m.push_str("    endpoints:\n");
    for e in endpoints {
        m.push_str(&format!("      - {e}\n"));
    }
    m
}

#[test]
fn missing_scope_points_at_scopes_and_names_the_endpoints() {
    let text = manifest(
        &["View template messages"],
        &["Send Template Message", "GET /whatsapp/templates"],
    );
    let found = run_with(&text, AuditOptions::default());
    let missing: Vec<&Finding> = found
        .iter()
        .filter(|f| f.rule == RuleId::MissingScope)
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].span.line, 4);
    assert_eq!(missing[0].scope.as_deref(), Some("Send template messages"));
    assert!(
        missing[0].message.contains("`Send Template Message`"),
        "{}",
        missing[0].message
    );
    assert_eq!(missing[0].related[0].span.line, 7);
}

#[test]
fn missing_scope_needs_all_scopes_of_an_endpoint() {
    let text = manifest(&["View all chats"], &["POST /files/share/abc"]);
    assert_eq!(
        of(&text, RuleId::MissingScope),
        [(4, "View all files".to_owned())]
    );
}

#[test]
fn no_scopes_key_means_suggest_only() {
    let text = "integration: t\ntokens:\n  bot:\n    endpoints: [Send Template Message]\n";
    assert!(of(text, RuleId::MissingScope).is_empty());
    assert!(of(text, RuleId::ExcessScope).is_empty());
}

#[test]
fn excess_scope_points_at_the_entry() {
    let text = manifest(
        &["Send template messages", "Manage labels"],
        &["Send Template Message"],
    );
    assert_eq!(
        of(&text, RuleId::ExcessScope),
        [(6, "Manage labels".to_owned())]
    );
}

#[test]
fn excess_scope_help_mentions_unresolved_references() {
    let text = manifest(&["Manage labels"], &["Send Tempalte Message"]);
    let found = run_with(&text, AuditOptions::default());
    let excess = found
        .iter()
        .find(|f| f.rule == RuleId::ExcessScope)
        .unwrap();
    assert!(excess.help.as_deref().unwrap().contains("did not resolve"));
}

#[test]
fn unknown_and_ambiguous_endpoints() {
    let text = manifest(
        &[],
        &["Send Tempalte Message", "/labels", "DELETE /labels/1"],
    );
    assert_eq!(
        of(&text, RuleId::UnknownEndpoint),
        [
            (6, "Send Tempalte Message".to_owned()),
            (8, "DELETE /labels/1".to_owned())
        ]
    );
    assert_eq!(
        of(&text, RuleId::AmbiguousEndpoint),
        [(7, "/labels".to_owned())]
    );
    let found = run_with(&text, AuditOptions::default());
    let unknown = found
        .iter()
        .find(|f| f.rule == RuleId::UnknownEndpoint)
        .unwrap();
    assert!(
        unknown
            .help
            .as_deref()
            .unwrap()
            .contains("Send Template Message")
    );
    let ambiguous = found
        .iter()
        .find(|f| f.rule == RuleId::AmbiguousEndpoint)
        .unwrap();
    assert_eq!(
        ambiguous.help.as_deref(),
        Some("add the method: `GET /labels` or `POST /labels`")
    );
}

#[test]
fn unknown_scope_suggests_the_dialog_name() {
    let text = manifest(
        &[
            "Send Session Messages",
            "Manage Template Messages",
            "manage-labels",
        ],
        &["GET /labels"],
    );
    assert_eq!(
        of(&text, RuleId::UnknownScope),
        [
            (5, "Send Session Messages".to_owned()),
            (6, "Manage Template Messages".to_owned())
        ]
    );
    let found = run_with(&text, AuditOptions::default());
    let helps: Vec<&str> = found
        .iter()
        .filter(|f| f.rule == RuleId::UnknownScope)
        .map(|f| f.help.as_deref().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `Send session message`?",
            "did you mean `Manage WhatsApp templates`?"
        ]
    );
}

#[test]
fn duplicates_are_found_across_spellings() {
    let text = manifest(
        &["Manage all chats", "manage-all-chats"],
        &["Resolve Chat", "POST /chats/1/resolve"],
    );
    assert_eq!(
        of(&text, RuleId::DuplicateScope),
        [(6, "Manage all chats".to_owned())]
    );
    assert_eq!(
        of(&text, RuleId::DuplicateEndpoint),
        [(9, "Resolve Chat".to_owned())]
    );
}

#[test]
fn unused_token_when_no_endpoints() {
    let text = "integration: t\ntokens:\n  idle:\n    scopes: [Manage labels]\n  empty:\n";
    assert_eq!(
        of(text, RuleId::UnusedToken),
        [(3, "idle".to_owned()), (5, "empty".to_owned())]
    );
    assert!(
        of(text, RuleId::ExcessScope).is_empty(),
        "unused-token already covers it"
    );
}

#[test]
fn notes_scope_free_inferred_broad_and_high_risk() {
    let text = manifest(
        &["Manage labels", "Send template messages"],
        &["List All Labels", "Create Label", "Send Template Message"],
    );
    assert_eq!(
        of(&text, RuleId::ScopeFreeEndpoint),
        [(8, "List All Labels".to_owned())]
    );
    assert_eq!(
        of(&text, RuleId::InferredRequirement),
        [(9, "Create Label".to_owned())]
    );
    assert_eq!(of(&text, RuleId::BroadToken), [(3, "bot".to_owned())]);
    assert_eq!(
        of(&text, RuleId::HighRiskScope),
        [(6, "Send template messages".to_owned())]
    );
}

#[test]
fn manifest_ignores_silence_matching_findings_only() {
    let text = "integration: t\ntokens:\n  bot:\n    scopes: [Manage labels, View quick replies]\n    endpoints: [Send Template Message]\n    ignore:\n      - rule: excess-scope\n        scope: manage-labels\n        reason: kept for the label editor\n      - rule: missing-scope\n";
    assert_eq!(
        of(text, RuleId::ExcessScope),
        [(4, "View quick replies".to_owned())]
    );
    assert!(of(text, RuleId::MissingScope).is_empty());
    assert_eq!(
        of(text, RuleId::UnexplainedIgnore),
        [(10, "bot".to_owned())]
    );
    let all = run_with(text, AuditOptions { no_ignores: true });
    assert_eq!(
        all.iter().filter(|f| f.rule == RuleId::ExcessScope).count(),
        2
    );
}

#[test]
fn inline_comments_silence_their_line_or_the_next() {
    let text = "integration: t\ntokens:\n  bot:\n    scopes:\n      - Manage labels # tokenscope: ignore[excess-scope] label editor\n      # tokenscope: ignore[excess-scope]\n      - View quick replies\n      - Manage quick replies\n    endpoints: [List All Labels]\n";
    assert_eq!(
        of(text, RuleId::ExcessScope),
        [(8, "Manage quick replies".to_owned())]
    );
    assert_eq!(of(text, RuleId::UnexplainedIgnore).len(), 1);
    assert_eq!(of(text, RuleId::UnexplainedIgnore)[0].0, 6);
}

#[test]
fn a_clean_manifest_has_no_errors_or_warnings() {
    let text = manifest(&["View template messages"], &["GET /whatsapp/templates"]);
    let found = run_with(&text, AuditOptions::default());
    assert!(found.is_empty(), "{found:?}");
}
