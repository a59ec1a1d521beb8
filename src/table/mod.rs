//! The scope table: which scopes every endpoint of an API needs.

mod builtin;
mod chunked;
mod index;
mod load;
mod matching;
mod model;
mod packed;

pub use builtin::{Builtin, Tables, builtin, builtin_apis, builtins};
pub use chunked::ChunkedList;
pub use matching::{API_PREFIX, PathMatch, parse_template, request_segments};
pub use model::METHODS;
pub use model::{
    Alternative, Area, AreaId, Endpoint, EndpointId, Endpoints, Evidence, Grant, GrantSet, Level,
    List, NameIndex, Requirement, Risk, Scope, ScopeId, ScopeSet, Segment, Str, Table,
};

/// The Texter API v2 table, compiled in so the binary works with no files beside it.
pub const EMBEDDED_TABLE: &str = include_str!("../../scope-table.yaml");

/// The embedded table, loaded once for the unit tests.
#[cfg(test)]
pub(crate) fn texter() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| Table::embedded().unwrap_or_else(|e| panic!("embedded table: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn embedded_table_is_complete() {
        let t = Table::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t.api, "texter");
        assert_eq!(
            (t.endpoints.len(), t.scopes.len(), t.areas.len()),
            (41, 19, 10)
        );
        assert_eq!(
            t.endpoints.iter().filter(|e| e.method.is_none()).count(),
            10
        );
    }

    #[test]
    fn embedded_bundles_are_the_union_of_their_endpoints_scopes() {
        let t = Table::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        for (i, area) in t.areas.iter().enumerate() {
            let union: ScopeSet = t
                .endpoints
                .iter()
                .filter(|e| e.area == AreaId(i))
                .flat_map(|e| e.scopes.iter().copied())
                .collect();
            assert_eq!(area.bundle, union, "bundle of {}", area.id);
        }
    }

    #[test]
    fn scenario_endpoints_all_need_the_on_behalf_scope() {
        let t = Table::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        let on_behalf = t
            .scope_by_name("Manage scenarios on behalf of user")
            .unwrap();
        for ep in t.endpoints.iter() {
            let area = &t.area(ep.area).id;
            if area == "events" || area == "scenarios" {
                assert!(ep.scopes.contains(&on_behalf), "{}", ep.name);
                assert_eq!(ep.scopes.len(), 2, "{}", ep.name);
            }
        }
    }

    fn load_errors(text: &str) -> Vec<String> {
        match Table::load(SourceFile::new("t.yaml", text.to_owned())) {
            Ok(_) => vec![],
            Err(errs) => errs
                .iter()
                .map(|e| {
                    let (line, _) = e.line_column().unwrap_or((0, 0));
                    format!("{line}: {e}")
                })
                .collect(),
        }
    }

    const MINI: &str = "api: demo\ntitle: Demo\nscopes:\n  - {name: Read, id: read, area: a, risk: low, summary: reads}\nareas:\n  - {id: a, title: A, bundle: [Read]}\nendpoints:\n  - {name: Get, method: GET, path: /x, area: a, scopes: [Read], evidence: documented}\n";

    #[test]
    fn a_minimal_custom_table_loads() {
        assert!(load_errors(MINI).is_empty(), "{:?}", load_errors(MINI));
    }

    #[test]
    fn broken_tables_are_located_errors() {
        let cases = [
            (
                MINI.replace("scopes: [Read]", "scopes: [Raed]"),
                "8: unknown scope `Raed`",
            ),
            (
                MINI.replace("area: a, scopes", "area: b, scopes"),
                "8: unknown area `b`",
            ),
            (
                MINI.replace("method: GET", "method: GOT"),
                "8: `GOT` is not an HTTP method",
            ),
            (
                MINI.replace("risk: low", "risk: huge"),
                "4: `huge` is not a valid risk",
            ),
            (
                MINI.replace("evidence: documented", "evidence: rumour"),
                "8: `rumour` is not a valid evidence",
            ),
            (MINI.replace("path: /x, ", ""), "8: an endpoint needs both"),
            (
                MINI.replace("title: Demo", "titel: Demo"),
                "2: unknown key `titel`",
            ),
            (
                format!(
                    "{MINI}  - {{name: Get2, method: GET, path: /x, area: a, scopes: [], evidence: documented}}\n"
                ),
                "9: `Get2` has the same method and path as `Get`",
            ),
        ];
        for (text, expected) in cases {
            let errs = load_errors(&text);
            assert!(
                errs.iter().any(|e| e.starts_with(expected)),
                "{expected}: {errs:?}"
            );
        }
    }

    /// A table using the generalized format: levels, a risk per level, implications, token
    /// kinds, alternatives, per-kind requirements and `always_granted`.
    const LEVELED: &str = "api: demo\ntitle: Demo\ntoken_kinds: [user, app]\nalways_granted: [meta]\nscopes:\n  - {name: Meta, id: meta, area: a, risk: low, summary: m}\n  - {name: Issues, id: issues, area: a, levels: [read, write], risk: {read: low, write: medium}, summary: i}\n  - {name: Pulls, id: pulls, area: a, levels: [read, write], risk: medium, summary: p, implies: [issues:read]}\nareas:\n  - {id: a, title: A}\nendpoints:\n  - {name: Comment, method: POST, path: /c, area: a, requires: [[issues:write], [pulls:write]], requires_by_kind: {app: [[pulls:write]]}, evidence: inferred, evidence_reason: flattened}\n";

    #[test]
    fn a_generalized_table_loads() {
        assert!(
            load_errors(LEVELED).is_empty(),
            "{:?}",
            load_errors(LEVELED)
        );
    }

    #[test]
    fn broken_generalized_tables_are_located_errors() {
        let cases = [
            (
                LEVELED.replace("[[issues:write]", "[[issues:admin]"),
                "12: `admin` is not a level of `Issues`",
            ),
            (
                LEVELED.replace(
                    "[pulls:write]], requires_by_kind",
                    "[pull:write]], requires_by_kind",
                ),
                "12: unknown scope `pull`",
            ),
            (
                LEVELED.replace("{app: [[", "{bot: [["),
                "12: unknown token kind `bot`",
            ),
            (
                LEVELED.replace(
                    "risk: {read: low, write: medium}",
                    "risk: {read: low, admin: medium}",
                ),
                "7: `admin` is not a level of `Issues`",
            ),
            (
                LEVELED.replace(
                    "risk: {read: low, write: medium}",
                    "risk: {read: high, write: low}",
                ),
                "7: the risk of `Issues` falls as its level rises",
            ),
            (
                LEVELED
                    .replace("summary: m}", "summary: m, implies: [pulls]}")
                    .replace("implies: [issues:read]", "implies: [meta]"),
                "8: `Meta` implies itself through `implies:`",
            ),
            (
                LEVELED.replace("always_granted: [meta]", "always_granted: [meat]"),
                "4: unknown scope `meat`",
            ),
            (
                LEVELED.replace("risk: {read: low, write: medium}", "risk: {}"),
                "7: `risk:` gives no risk",
            ),
            (
                LEVELED.replace(
                    "levels: [read, write], risk: medium",
                    &format!(
                        "levels: [{}], risk: medium",
                        (0..300)
                            .map(|i| format!("l{i}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                "8: a scope has at most 32 levels; this one lists 300",
            ),
        ];
        for (text, expected) in cases {
            let errs = load_errors(&text);
            assert!(
                errs.iter().any(|e| e.starts_with(expected)),
                "{expected}: {errs:?}"
            );
        }
        // Every problem at once, not the first only.
        let all = LEVELED
            .replace("[[issues:write]", "[[issues:admin]")
            .replace("{app: [[", "{bot: [[");
        assert!(load_errors(&all).len() >= 2, "{:?}", load_errors(&all));
    }

    #[test]
    fn least_marks_and_the_case_rule_are_validated() {
        let ok = LEVELED.replace(
            "requires_by_kind: {app: [[pulls:write]]}",
            "least: 1, requires_by_kind: {app: [[pulls:write]]}, least_by_kind: {user: 2}",
        );
        assert!(load_errors(&ok).is_empty(), "{:?}", load_errors(&ok));
        let t = Table::load(SourceFile::new("t.yaml", ok)).unwrap_or_else(|e| panic!("{e:?}"));
        let ep = EndpointId(0);
        // `user` has no own requirement: the default alternatives with its own count.
        assert_eq!(
            (t.requirement(ep, 0).least, t.requirement(ep, 1).least),
            (2, 0)
        );
        assert_eq!(t.endpoint(ep).requires.least, 1);
        assert!(!t.case_insensitive_paths);
        // Without `name:`, an endpoint is named `METHOD /path`; without either, it is an error.
        let unnamed = MINI.replace("{name: Get, method", "{method");
        let t = Table::load(SourceFile::new("t.yaml", unnamed)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t.endpoint_by_name("get /x"), Some(EndpointId(0)));
        let nameless = MINI.replace("{name: Get, method: GET, path: /x, ", "{");
        assert!(
            load_errors(&nameless)
                .iter()
                .any(|e| e.contains("no `name:` key")),
            "{:?}",
            load_errors(&nameless)
        );
        let cases = [
            (
                LEVELED.replace("evidence: inferred", "least: 3, evidence: inferred"),
                "12: `least: 3` marks more alternatives than the 2 listed",
            ),
            (
                LEVELED.replace("evidence: inferred", "least: some, evidence: inferred"),
                "12: `least` is a count of alternatives",
            ),
            (
                LEVELED.replace(
                    "evidence: inferred",
                    "least_by_kind: {bot: 1}, evidence: inferred",
                ),
                "12: unknown token kind `bot`",
            ),
            (
                LEVELED.replace("title: Demo", "title: Demo\ncase_insensitive_paths: yes"),
                "3: `case_insensitive_paths` is `true` or `false`",
            ),
            (
                format!(
                    "{}  - {{name: C2, method: POST, path: /C, area: a, scopes: [], evidence: documented}}\n",
                    LEVELED.replace("title: Demo", "title: Demo\ncase_insensitive_paths: true")
                ),
                "14: `C2` has the same method and path as `Comment`",
            ),
        ];
        for (text, expected) in cases {
            let errs = load_errors(&text);
            assert!(
                errs.iter().any(|e| e.starts_with(expected)),
                "{expected}: {errs:?}"
            );
        }
    }
}
