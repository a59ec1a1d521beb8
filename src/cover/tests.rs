use proptest::prelude::*;

use super::*;
use crate::source::SourceFile;
use crate::table::Table;

/// A random table: scopes with 0–3 levels and a risk per level, implications only from a scope
/// to later ones (so no cycles), endpoints with 0–3 alternatives of 0–3 grants.
#[derive(Clone, Debug)]
struct Spec {
    scopes: Vec<(usize, Vec<usize>, Vec<usize>)>, // (levels, risk per level, implied later scopes)
    endpoints: Vec<Vec<Vec<(usize, usize)>>>,     // alternatives of (scope, level)
}

fn spec() -> impl Strategy<Value = Spec> {
    let scope = (
        0usize..4,
        prop::collection::vec(0usize..3, 4),
        prop::collection::vec(0usize..6, 0..2),
    );
    prop::collection::vec(scope, 1..6).prop_flat_map(|scopes| {
        let n = scopes.len();
        let grant = (0..n, 0usize..4);
        let alternative = prop::collection::vec(grant, 0..4);
        let endpoint = prop::collection::vec(alternative, 0..4);
        (Just(scopes), prop::collection::vec(endpoint, 1..7))
            .prop_map(|(scopes, endpoints)| Spec { scopes, endpoints })
    })
}

fn level_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("l{i}")).collect()
}

impl Spec {
    fn yaml(&self, implications: bool) -> String {
        let mut y = String::from("api: t\ntitle: T\nareas:\n  - {id: a, title: A}\nscopes:\n");
        let n = self.scopes.len();
        for (i, (levels, risks, implies)) in self.scopes.iter().enumerate() {
            let mut sorted: Vec<usize> = risks.iter().take((*levels).max(1)).copied().collect();
            sorted.sort();
            let names = ["low", "medium", "high"];
            y.push_str(&format!(
                "  - name: S{i}\n    id: s{i}\n    area: a\n    summary: s\n"
            ));
            if *levels == 0 {
                y.push_str(&format!("    risk: {}\n", names[sorted[0]]));
            } else {
                let ls = level_names(*levels);
                y.push_str(&format!("    levels: [{}]\n    risk: {{", ls.join(", ")));
                let parts: Vec<String> = ls
                    .iter()
                    .zip(&sorted)
                    .map(|(l, r)| format!("{l}: {}", names[*r]))
                    .collect();
                y.push_str(&parts.join(", "));
                y.push_str("}\n");
            }
            let later: Vec<String> = implies
                .iter()
                .filter(|&&j| implications && j > i && j < n)
                .map(|j| format!("s{j}"))
                .collect();
            if !later.is_empty() {
                y.push_str(&format!("    implies: [{}]\n", later.join(", ")));
            }
        }
        y.push_str("endpoints:\n");
        for (e, alts) in self.endpoints.iter().enumerate() {
            y.push_str(&format!(
                "  - name: E{e}\n    area: a\n    evidence: documented\n    requires: ["
            ));
            let alts: Vec<String> = alts
                .iter()
                .map(|alt| {
                    let mut seen = Vec::new();
                    let grants: Vec<String> = alt
                        .iter()
                        .filter(|(s, _)| {
                            let fresh = !seen.contains(s);
                            seen.push(*s);
                            fresh
                        })
                        .map(|&(s, l)| {
                            let levels = self.scopes[s].0;
                            if levels == 0 {
                                format!("s{s}")
                            } else {
                                format!("s{s}:l{}", l % levels)
                            }
                        })
                        .collect();
                    format!("[{}]", grants.join(", "))
                })
                .collect();
            y.push_str(&alts.join(", "));
            y.push_str("]\n");
        }
        y
    }
}

fn load(yaml: &str) -> Table {
    Table::load(SourceFile::new("t.yaml", yaml.to_owned()))
        .unwrap_or_else(|e| panic!("{e:?}\n{yaml}"))
}

/// Every set of grants over the table (each scope absent or at one level).
fn every_set(t: &Table) -> Vec<GrantSet> {
    let mut sets = vec![GrantSet::new()];
    for s in t.scope_ids() {
        let levels = t.scope(s).levels.len().max(1);
        let mut next = Vec::new();
        for set in &sets {
            next.push(set.clone());
            for l in 0..levels {
                let mut with = set.clone();
                with.insert(Grant::new(s, Level(l as u8)));
                next.push(with);
            }
        }
        sets = next;
    }
    sets
}

fn satisfies_all(t: &Table, set: &GrantSet, reqs: &[&Requirement]) -> bool {
    let closure = t.closure(set);
    reqs.iter()
        .filter(|r| !r.alternatives.is_empty())
        .all(|r| Table::satisfied(&closure, r))
}

fn contains_fixed(set: &GrantSet, fixed: &GrantSet) -> bool {
    fixed.iter().all(|g| set.covers(g))
}

fn check(t: &Table, held: &GrantSet, fixed: &GrantSet) -> Result<(), TestCaseError> {
    let reqs: Vec<&Requirement> = t.endpoints.iter().map(|e| &e.requires).collect();
    let cover = minimal(t, &reqs, held, fixed);
    prop_assert!(cover.proven);
    prop_assert!(satisfies_all(t, &cover.grants, &reqs), "{:?}", cover.grants);
    prop_assert!(contains_fixed(&cover.grants, fixed));
    let cost = set_cost(t, held, fixed, &cover.grants);
    let best = every_set(t)
        .into_iter()
        .filter(|s| contains_fixed(s, fixed) && satisfies_all(t, s, &reqs))
        .map(|s| set_cost(t, held, fixed, &s))
        .min();
    prop_assert_eq!(Some(cost), best);
    Ok(())
}

fn held_from(t: &Table, picks: &[(usize, usize)]) -> GrantSet {
    picks
        .iter()
        .filter(|(s, _)| *s < t.scopes.len())
        .map(|&(s, l)| {
            let levels = t.scopes[s].levels.len().max(1);
            Grant::new(ScopeId(s), Level((l % levels) as u8))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The answer satisfies every endpoint and nothing cheaper does (brute force), with
    /// alternatives, levels and implications, for a fresh token and for a completion.
    #[test]
    fn minimal_sets_are_exact(spec in spec(), implications: bool, picks in prop::collection::vec((0usize..6, 0usize..4), 0..4)) {
        let t = load(&spec.yaml(implications));
        let held = held_from(&t, &picks);
        check(&t, &held, &GrantSet::new())?;
        check(&t, &held, &held)?;
    }

    /// With one alternative per endpoint and no implications (Texter's shape), the minimal set
    /// is the union of the requirements.
    #[test]
    fn all_of_tables_give_the_union(picks in prop::collection::vec(0usize..41, 0..15)) {
        let t = crate::table::texter();
        let reqs: Vec<&Requirement> = picks.iter().map(|&i| &t.endpoints[i].requires).collect();
        let union: GrantSet = picks.iter().flat_map(|&i| t.endpoints[i].scopes.iter().map(|&s| Grant::new(s, Level(0)))).collect();
        let cover = minimal(t, &reqs, &GrantSet::new(), &GrantSet::new());
        prop_assert!(cover.proven);
        prop_assert_eq!(cover.grants, union);
    }
}

#[test]
fn ties_keep_what_the_token_holds() {
    let t = load(
        "api: t\ntitle: T\nareas: [{id: a, title: A}]\nscopes:\n  - {name: Issues, id: issues, area: a, summary: s, levels: [read, write], risk: {read: low, write: medium}}\n  - {name: Pulls, id: pulls, area: a, summary: s, levels: [read, write], risk: {read: low, write: medium}}\nendpoints:\n  - {name: Comment, area: a, evidence: documented, requires: [[issues:write], [pulls:write]]}\n",
    );
    let reqs: Vec<&Requirement> = t.endpoints.iter().map(|e| &e.requires).collect();
    let pulls = Grant::new(ScopeId(1), Level(1));
    let held: GrantSet = [pulls].into_iter().collect();
    let cover = minimal(&t, &reqs, &held, &GrantSet::new());
    assert_eq!(cover.grants, held);
    // With nothing held, the first alternative wins the tie.
    let cover = minimal(&t, &reqs, &GrantSet::new(), &GrantSet::new());
    assert_eq!(
        cover.grants.iter().collect::<Vec<_>>(),
        [Grant::new(ScopeId(0), Level(1))]
    );
}

#[test]
fn a_lower_level_is_cheaper_than_a_higher_one() {
    let t = load(
        "api: t\ntitle: T\nareas: [{id: a, title: A}]\nscopes:\n  - {name: Contents, id: contents, area: a, summary: s, levels: [read, write], risk: {read: low, write: low}}\nendpoints:\n  - {name: Get, area: a, evidence: documented, requires: [[contents:read]]}\n",
    );
    let reqs: Vec<&Requirement> = t.endpoints.iter().map(|e| &e.requires).collect();
    let held: GrantSet = [Grant::new(ScopeId(0), Level(1))].into_iter().collect();
    let cover = minimal(&t, &reqs, &held, &GrantSet::new());
    assert_eq!(cover.grants.level(ScopeId(0)), Some(Level(0)));
}

#[test]
fn large_instances_stop_at_the_bound_with_a_best_found_answer() {
    // 60 endpoints, each needing any one of 3 of 40 equally risky scopes: a set-cover
    // instance far beyond the bound for an exhaustive search.
    let mut y = String::from("api: t\ntitle: T\nareas: [{id: a, title: A}]\nscopes:\n");
    for i in 0..40 {
        y.push_str(&format!(
            "  - {{name: S{i}, id: s{i}, area: a, summary: s, risk: low}}\n"
        ));
    }
    y.push_str("endpoints:\n");
    let mut x: u64 = 7;
    for e in 0..60 {
        let mut alts = Vec::new();
        for _ in 0..3 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let a = (x >> 33) % 40;
            alts.push(format!("[s{a}, s{}]", (a + 1 + (x >> 45) % 39) % 40));
        }
        y.push_str(&format!(
            "  - {{name: E{e}, area: a, evidence: documented, requires: [{}]}}\n",
            alts.join(", ")
        ));
    }
    let t = load(&y);
    let reqs: Vec<&Requirement> = t.endpoints.iter().map(|e| &e.requires).collect();
    let cover = minimal(&t, &reqs, &GrantSet::new(), &GrantSet::new());
    assert!(satisfies_all(&t, &cover.grants, &reqs));
    assert!(!cover.proven, "the instance is meant to exceed the bound");
    let again = minimal(&t, &reqs, &GrantSet::new(), &GrantSet::new());
    assert_eq!(cover, again, "deterministic");
}

/// Graph-like: `least: N` marks the provider's least-privileged alternatives, which win over
/// what the token holds and over a lower risk class, while one grant serving two endpoints
/// still beats two.
#[test]
fn least_privileged_alternatives_are_preferred() {
    let t = load(
        "api: t\ntitle: T\nareas: [{id: a, title: A}]\nscopes:\n  - {name: Basic, id: basic, area: a, summary: s, risk: medium}\n  - {name: Read, id: read, area: a, summary: s, risk: low}\n  - {name: Write, id: write, area: a, summary: s, risk: medium}\n  - {name: All, id: all, area: a, summary: s, risk: low}\nendpoints:\n  - {name: List, method: GET, path: /m, area: a, evidence: documented, requires: [[basic], [read], [write], [all]], least: 1}\n  - {name: Send, method: POST, path: /m, area: a, evidence: documented, requires: [[write], [all]], least: 1}\n  - {name: Other, method: GET, path: /o, area: a, evidence: documented, requires: [[read], [all]], least: 1}\n",
    );
    let ids = |c: &Cover| -> Vec<usize> { c.grants.iter().map(|g| g.scope.0).collect() };
    let list = [&t.endpoints[0].requires];
    let write: GrantSet = [Grant::new(ScopeId(2), Level(0))].into_iter().collect();
    // The least-privileged `Basic`, though `Read` is lower risk and `Write` is held.
    assert_eq!(ids(&minimal(&t, &list, &write, &GrantSet::new())), [0]);
    // `Write` is least for Send and serves List too: one grant, not two.
    let both = [&t.endpoints[0].requires, &t.endpoints[1].requires];
    assert_eq!(
        ids(&minimal(&t, &both, &GrantSet::new(), &GrantSet::new())),
        [2]
    );
    // `Read`, least for Other, serves List too; `All` (low risk, serves both) is least for
    // neither, so it never wins.
    let apart = [&t.endpoints[0].requires, &t.endpoints[2].requires];
    assert_eq!(
        ids(&minimal(&t, &apart, &GrantSet::new(), &GrantSet::new())),
        [1]
    );
    // Without marks, cost is as before: the lowest risk wins.
    let mut unmarked = t.endpoints[0].requires.clone();
    unmarked.least = 0;
    assert_eq!(
        ids(&minimal(
            &t,
            &[&unmarked],
            &GrantSet::new(),
            &GrantSet::new()
        )),
        [1]
    );
}
