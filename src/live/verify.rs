//! `verify`: which scopes a real token holds, found out with side-effect-free GET requests.
//!
//! Texter does not document whether a missing scope answers 401 or 403, so both count as a
//! refusal; the token itself is checked first with an endpoint any valid token may call. Each
//! probe that looks something up by id uses an id that cannot exist, so `404` means the
//! request passed authorisation and no data comes back.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::audit::quoted_list;
use crate::audit::rules::{live_scope_denied, live_scope_undeclared};
use crate::error::did_you_mean;
use crate::finding::Finding;
use crate::manifest::{Manifest, Token, resolve_scope};
use crate::sanitize::terminal_line;
use crate::table::{EndpointId, ScopeId, Segment, Table};
use crate::yaml::closest;

use super::error::LiveError;

/// Stands in for every path parameter of a probe: a well-formed id (24 hex digits, all
/// digits too) that no real object has.
pub const IMPOSSIBLE_ID: &str = "000000000000000000000000";

/// Which endpoint is called for what.
#[derive(Debug)]
pub struct Plan {
    /// Called first, with any valid token: tells a bad token from a missing scope.
    pub preflight: EndpointId,
    /// Per scope, in table order: the endpoint probed for it, when the table has one.
    pub chosen: Vec<Option<EndpointId>>,
}

impl Plan {
    /// Picks the preflight and, for every scope, one side-effect-free GET endpoint needing it:
    /// one needing that scope alone when there is one, a lookup by id before a listing (the
    /// lookup of an id that cannot exist returns no data), then table order.
    pub fn new(table: &Table) -> Result<Plan, LiveError> {
        let gets: Vec<EndpointId> = table
            .endpoint_ids()
            .filter(|&id| {
                let ep = table.endpoint(id);
                ep.method.as_deref() == Some("GET") && ep.path.is_some()
            })
            .collect();
        let preflight = gets
            .iter()
            .copied()
            .filter(|&id| table.requirement(id, 0).is_free())
            .min_by_key(|&id| {
                let ep = table.endpoint(id);
                (ep.path.as_deref() != Some("/labels"), params(table, id), id)
            })
            .ok_or(LiveError::NoPreflight)?;
        let chosen = table
            .scope_ids()
            .map(|scope| {
                gets.iter()
                    .copied()
                    // A probe tells about a scope only if the endpoint has one way in.
                    .filter(|&id| {
                        table.requirement(id, 0).alternatives.len() == 1
                            && table.endpoint(id).scopes.contains(&scope)
                    })
                    .min_by_key(|&id| {
                        (
                            table.endpoint(id).scopes.len(),
                            std::cmp::Reverse(params(table, id)),
                            id,
                        )
                    })
            })
            .collect();
        Ok(Plan { preflight, chosen })
    }

    /// The distinct endpoints to probe, in table order.
    pub fn probes(&self) -> Vec<EndpointId> {
        let set: BTreeSet<EndpointId> = self.chosen.iter().flatten().copied().collect();
        set.into_iter().collect()
    }
}

fn params(table: &Table, id: EndpointId) -> usize {
    table
        .endpoint(id)
        .segments
        .iter()
        .filter(|s| matches!(s, Segment::Param(_)))
        .count()
}

/// The concrete path a probe requests: every parameter replaced by [`IMPOSSIBLE_ID`].
pub fn probe_path(table: &Table, id: EndpointId) -> String {
    let mut path = String::new();
    for segment in table.endpoint(id).segments.iter() {
        path.push('/');
        match segment {
            Segment::Literal(l) => path.push_str(l),
            Segment::Param(_) => path.push_str(IMPOSSIBLE_ID),
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    path
}

/// What a probe's answer says about authorisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// 2xx, or 404 for an id that cannot exist: the request passed authorisation.
    Allowed(u16),
    /// 401 or 403, whichever the API uses for a missing scope.
    Refused(u16),
    /// Any other status (3xx, 400, 405, ...): says nothing about scopes.
    Unexpected(u16),
    /// No usable answer after the retries.
    Failed(String),
}

impl Answer {
    pub fn from_status(status: u16) -> Answer {
        match status {
            200..=299 | 404 => Answer::Allowed(status),
            401 | 403 => Answer::Refused(status),
            _ => Answer::Unexpected(status),
        }
    }

    fn status(&self) -> Option<u16> {
        match self {
            Answer::Allowed(s) | Answer::Refused(s) | Answer::Unexpected(s) => Some(*s),
            Answer::Failed(_) => None,
        }
    }
}

/// What is known about one scope of the live token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The token holds it.
    Confirmed,
    /// The token lacks it.
    Denied,
    /// A probe ran but its answer does not settle it.
    Inconclusive,
    /// No side-effect-free endpoint needs it: only a write could tell.
    Unverifiable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Denied => "denied",
            Status::Inconclusive => "inconclusive",
            Status::Unverifiable => "unverifiable",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub scope: ScopeId,
    pub status: Status,
    /// The endpoint whose answer decided it.
    pub probe: Option<EndpointId>,
    pub http_status: Option<u16>,
    /// One line: why.
    pub reason: String,
}

/// Turns the probes' answers into one verdict per scope, in table order.
pub fn verdicts(
    table: &Table,
    plan: &Plan,
    answers: &BTreeMap<EndpointId, Answer>,
) -> Vec<Verdict> {
    // A scope is held when any endpoint needing it answered as authorised.
    let mut held: BTreeMap<ScopeId, EndpointId> = BTreeMap::new();
    for (&id, answer) in answers {
        if matches!(answer, Answer::Allowed(_)) {
            for &scope in table.endpoint(id).scopes.iter() {
                held.entry(scope).or_insert(id);
            }
        }
    }
    table
        .scope_ids()
        .map(|scope| {
            let Some(chosen) = plan.chosen.get(scope.0).copied().flatten() else {
                return Verdict {
                    scope,
                    status: Status::Unverifiable,
                    probe: None,
                    http_status: None,
                    reason: "no side-effect-free GET endpoint needs it".into(),
                };
            };
            let probe = held.get(&scope).copied().unwrap_or(chosen);
            let sig = table.endpoint(probe).signature();
            let answer = answers
                .get(&probe)
                .cloned()
                .unwrap_or_else(|| Answer::Failed("no answer".into()));
            let (status, reason) = match &answer {
                Answer::Allowed(404) => (
                    Status::Confirmed,
                    format!("{sig} answered 404 for an id that cannot exist: authorised"),
                ),
                Answer::Allowed(s) => (Status::Confirmed, format!("{sig} answered {s}")),
                Answer::Refused(s) => {
                    let needs = &table.endpoint(probe).scopes;
                    let open: Vec<ScopeId> = needs
                        .iter()
                        .copied()
                        .filter(|o| *o != scope && !held.contains_key(o))
                        .collect();
                    if open.is_empty() {
                        let others = if needs.len() > 1 {
                            "; the other scopes it needs are confirmed"
                        } else {
                            ""
                        };
                        (Status::Denied, format!("{sig} answered {s}{others}"))
                    } else {
                        (
                            Status::Inconclusive,
                            format!(
                                "{sig} needs {} together and answered {s}: at least one is missing",
                                quoted_list(&table.scope_names(needs.iter()))
                            ),
                        )
                    }
                }
                Answer::Unexpected(s) => (
                    Status::Inconclusive,
                    format!("{sig} answered {s}, which says nothing about scopes"),
                ),
                Answer::Failed(why) => (Status::Inconclusive, format!("{sig} failed: {why}")),
            };
            Verdict {
                scope,
                status,
                probe: Some(probe),
                http_status: answer.status(),
                reason,
            }
        })
        .collect()
}

/// The result of a run that got as far as the network.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the API could not be reached to tell.
    pub token_valid: Option<bool>,
    /// Empty unless the token was valid.
    pub verdicts: Vec<Verdict>,
    /// Why the run could not finish (the API unreachable, the token refused).
    pub error: Option<LiveError>,
    /// Some probe got no usable answer: the verdicts are incomplete.
    pub incomplete: bool,
    /// `-v` lines: the preflight's, then each probe's, in table order.
    pub log: Vec<String>,
}

/// The manifest token the live token stands for: `--token NAME`, or the only one. The names
/// in the errors come from the manifest, so they are escaped for the terminal.
pub fn select_token(manifest: &Manifest, name: Option<&str>) -> Result<usize, LiveError> {
    let names: Vec<&str> = manifest
        .tokens
        .iter()
        .map(|t| t.name.value.as_str())
        .collect();
    let listed = || {
        Some(format!(
            "pass `--token NAME` with one of: {}",
            quoted_list(&names)
        ))
    };
    match name {
        Some(wanted) => {
            names
                .iter()
                .position(|n| *n == wanted)
                .ok_or_else(|| LiveError::UnknownToken {
                    path: terminal_line(&manifest.file.path).into_owned(),
                    help: did_you_mean(&closest(wanted, names.iter().copied()))
                        .or_else(listed)
                        .map(|h| terminal_line(&h).into_owned()),
                })
        }
        None if names.len() == 1 => Ok(0),
        None => Err(LiveError::WhichToken {
            path: terminal_line(&manifest.file.path).into_owned(),
            count: names.len(),
            help: listed().map(|h| terminal_line(&h).into_owned()),
        }),
    }
}

/// `live-scope-denied` and `live-scope-undeclared` for one manifest token, located at its
/// `scopes:` entries; the token's `ignore:` entries for these rules apply.
pub fn findings(table: &Table, token: &Token, verdicts: &[Verdict]) -> Vec<Finding> {
    let name = &token.name.value;
    let mut declared: BTreeMap<ScopeId, &crate::manifest::Entry> = BTreeMap::new();
    for entry in token.scope_entries() {
        if let Some(id) = resolve_scope(table, &entry.value.value) {
            declared.entry(id).or_insert(entry);
        }
    }
    let undeclared_at = token
        .scopes
        .as_ref()
        .map_or(token.name.span, |list| list.key.span);
    let mut out = Vec::new();
    for v in verdicts {
        let scope = &table.scope(v.scope).name;
        let why = v.reason.as_str();
        match (v.status, declared.get(&v.scope)) {
            (Status::Denied, Some(entry)) => out.push(live_scope_denied::finding(
                table,
                entry.value.span,
                name,
                scope,
                why,
            )),
            (Status::Confirmed, None) => out.push(live_scope_undeclared::finding(
                table,
                undeclared_at,
                name,
                scope,
                why,
            )),
            _ => {}
        }
    }
    out.retain(|f| {
        !token
            .ignores
            .iter()
            .any(|ig| crate::audit::ignore_covers(table, ig, f))
    });
    // By place, then rule, then scope in table order (several findings share `scopes:`).
    out.sort_by_cached_key(|f| {
        (
            f.span.offset,
            f.rule,
            f.scope.as_deref().and_then(|s| table.scope_by_name(s)),
        )
    });
    out
}

/// What a run could not settle about the scopes a token declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchecked {
    /// How many scopes the token declares (known to the table).
    pub declared: usize,
    /// Of those, how many only a write could check.
    pub unverifiable: usize,
    /// Of those, how many got an answer that settles nothing.
    pub inconclusive: usize,
}

/// `Some` when the run checked nothing about the token: none of the scopes it declares was
/// confirmed or denied (or, when it declares none, no scope at all was). A clean result would
/// then say nothing, so the run must not pass as one.
pub fn nothing_checked(table: &Table, token: &Token, verdicts: &[Verdict]) -> Option<Unchecked> {
    let declared: BTreeSet<ScopeId> = token
        .scope_entries()
        .iter()
        .filter_map(|e| resolve_scope(table, &e.value.value))
        .collect();
    let considered: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| declared.is_empty() || declared.contains(&v.scope))
        .collect();
    if considered
        .iter()
        .any(|v| matches!(v.status, Status::Confirmed | Status::Denied))
    {
        return None;
    }
    let count = |s: Status| considered.iter().filter(|v| v.status == s).count();
    Some(Unchecked {
        declared: declared.len(),
        unverifiable: count(Status::Unverifiable),
        inconclusive: count(Status::Inconclusive),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::RuleId;
    use crate::source::SourceFile;

    fn table() -> &'static Table {
        crate::table::texter()
    }

    fn scope(name: &str) -> ScopeId {
        table().scope_by_name(name).expect("scope")
    }

    fn endpoint(name: &str) -> EndpointId {
        table().endpoint_by_name(name).expect("endpoint")
    }

    #[test]
    fn the_plan_probes_reads_only_and_prefers_lookups_of_impossible_ids() {
        let t = table();
        let plan = Plan::new(t).expect("plan");
        assert_eq!(t.endpoint(plan.preflight).name, "List All Labels");
        let chosen: Vec<(String, String)> = plan
            .chosen
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.map(|id| (t.scopes[i].name.clone(), t.endpoint(id).name.to_string()))
            })
            .collect();
        let expected = [
            ("View template messages", "List All Templates"),
            ("List all chats", "Unsubscribed from Specific Account"),
            ("View all chats", "Get Messages of a Chat"),
            ("Send session message", "Get Chat by Chat ID"),
            ("View scenarios", "List All Subscriptions"),
            (
                "Manage scenarios on behalf of user",
                "List All Subscriptions",
            ),
            ("View quick replies", "Get Existing Quick Replies"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(chosen, expected);
        for id in plan.probes() {
            assert_eq!(t.endpoint(id).method.as_deref(), Some("GET"));
        }
        assert_eq!(
            probe_path(t, endpoint("Get Chat by Chat ID")),
            format!("/chats/{IMPOSSIBLE_ID}")
        );
    }

    fn answers(list: &[(&str, Answer)]) -> BTreeMap<EndpointId, Answer> {
        list.iter().map(|(n, a)| (endpoint(n), a.clone())).collect()
    }

    fn status_of(v: &[Verdict], name: &str) -> Status {
        v[scope(name).0].status
    }

    #[test]
    fn either_refusal_status_denies_and_404_confirms() {
        let t = table();
        let plan = Plan::new(t).expect("plan");
        for refusal in [401, 403] {
            let v = verdicts(
                t,
                &plan,
                &answers(&[
                    ("List All Templates", Answer::from_status(200)),
                    ("Get Chat by Chat ID", Answer::from_status(404)),
                    ("Get Messages of a Chat", Answer::from_status(refusal)),
                    (
                        "Unsubscribed from Specific Account",
                        Answer::from_status(400),
                    ),
                    ("List All Subscriptions", Answer::from_status(refusal)),
                    (
                        "Get Existing Quick Replies",
                        Answer::Failed("no answer within 1s".into()),
                    ),
                ]),
            );
            assert_eq!(status_of(&v, "View template messages"), Status::Confirmed);
            assert_eq!(status_of(&v, "Send session message"), Status::Confirmed);
            assert_eq!(status_of(&v, "View all chats"), Status::Denied);
            assert_eq!(status_of(&v, "List all chats"), Status::Inconclusive);
            // Two scopes needed together and refused: which one is missing is unknown.
            assert_eq!(status_of(&v, "View scenarios"), Status::Inconclusive);
            assert_eq!(status_of(&v, "View quick replies"), Status::Inconclusive);
            assert_eq!(status_of(&v, "Manage labels"), Status::Unverifiable);
            assert_eq!(v.len(), t.scopes.len());
        }
    }

    #[test]
    fn findings_point_at_the_manifest() {
        let t = table();
        let text = "integration: x\ntokens:\n  bot:\n    scopes:\n      - View all chats\n      - View template messages\n    endpoints: [Get Messages of a Chat]\n";
        let m = Manifest::parse(SourceFile::new("m.yaml", text)).expect("manifest");
        let plan = Plan::new(t).expect("plan");
        let v = verdicts(
            t,
            &plan,
            &answers(&[
                ("List All Templates", Answer::from_status(200)),
                ("Get Messages of a Chat", Answer::from_status(403)),
                ("Get Chat by Chat ID", Answer::from_status(404)),
            ]),
        );
        let f = findings(t, &m.tokens[0], &v);
        let got: Vec<(RuleId, usize, Option<&str>)> = f
            .iter()
            .map(|f| (f.rule, f.span.line, f.scope.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (RuleId::LiveScopeUndeclared, 4, Some("Send session message")),
                (RuleId::LiveScopeDenied, 5, Some("View all chats")),
            ]
        );
    }

    #[test]
    fn ignore_entries_silence_live_rules() {
        let t = table();
        let text = "integration: x\ntokens:\n  bot:\n    scopes: []\n    endpoints: [List All Labels]\n    ignore:\n      - rule: live-scope-undeclared\n        scope: Send session message\n        reason: shared token\n";
        let m = Manifest::parse(SourceFile::new("m.yaml", text)).expect("manifest");
        let plan = Plan::new(t).expect("plan");
        let v = verdicts(
            t,
            &plan,
            &answers(&[("Get Chat by Chat ID", Answer::from_status(200))]),
        );
        assert!(findings(t, &m.tokens[0], &v).is_empty());
    }

    #[test]
    fn a_run_that_settles_no_declared_scope_checked_nothing() {
        let t = table();
        let plan = Plan::new(t).expect("plan");
        let token = |scopes: &str| {
            let text =
                format!("integration: x\ntokens:\n  bot:\n    {scopes}\n    endpoints: []\n");
            Manifest::parse(SourceFile::new("m.yaml", text)).expect("manifest")
        };
        let some_answers = answers(&[
            ("List All Templates", Answer::from_status(200)),
            ("Get Messages of a Chat", Answer::from_status(403)),
        ]);
        let v = verdicts(t, &plan, &some_answers);
        // Write-only scopes: nothing about them was checked, whatever else was.
        let writes = token("scopes: [Manage labels, Send template messages]");
        assert_eq!(
            nothing_checked(t, &writes.tokens[0], &v),
            Some(Unchecked {
                declared: 2,
                unverifiable: 2,
                inconclusive: 0
            })
        );
        // One declared scope settled is a check.
        let mixed = token("scopes: [Manage labels, View all chats]");
        assert_eq!(nothing_checked(t, &mixed.tokens[0], &v), None);
        // Declaring none: any settled scope is a check (of undeclared ones); none is not.
        let bare = token("scopes: []");
        assert_eq!(nothing_checked(t, &bare.tokens[0], &v), None);
        let silent = verdicts(
            t,
            &plan,
            &answers(&[("List All Templates", Answer::from_status(400))]),
        );
        assert!(nothing_checked(t, &bare.tokens[0], &silent).is_some());
        let reads = token("scopes: [View template messages]");
        assert_eq!(
            nothing_checked(t, &reads.tokens[0], &silent),
            Some(Unchecked {
                declared: 1,
                unverifiable: 0,
                inconclusive: 1
            })
        );
    }

    #[test]
    fn token_selection_never_echoes_the_given_name() {
        let text = "integration: x\ntokens:\n  a:\n    scopes: []\n  b:\n    scopes: []\n";
        let m = Manifest::parse(SourceFile::new("m.yaml", text)).expect("manifest");
        assert_eq!(select_token(&m, Some("b")).ok(), Some(1));
        assert!(matches!(
            select_token(&m, None),
            Err(LiveError::WhichToken { count: 2, .. })
        ));
        let err = select_token(&m, Some("tok_live_secret")).expect_err("unknown");
        let text = format!(
            "{err} {:?}",
            miette::Diagnostic::help(&err).map(|h| h.to_string())
        );
        assert!(!text.contains("tok_live_secret"), "{text}");
    }
}
