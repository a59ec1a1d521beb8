//! Least-privileged sets: the cheapest grants that satisfy every endpoint a token calls.
//!
//! An endpoint needs any one of its alternatives, each a set of (scope, level) grants needed
//! together; a level grants every lower one and a scope grants what it implies. Choosing the
//! cheapest grants that satisfy them all is a weighted hitting-set problem (NP-hard in general).
//! Real instances are small once the easy parts are settled, so this solves them exactly:
//!
//! 1. requirements with one alternative force its grants (when no scope implies another);
//! 2. requirements already satisfied, or implied by another one, are dropped;
//! 3. a greedy pass gives a first answer, and a branch-and-bound search over the rest proves it
//!    minimal or finds a cheaper one.
//!
//! The search stops after [`NODE_LIMIT`] nodes; the answer is then the best found, and
//! [`Cover::proven`] is false so reports can say so.
//!
//! Cost ([`Cost`]) compares, in order: how many grants are outside every alternative the
//! provider marks least-privileged (`least:`; only when a requirement has such marks, so for
//! tables without them this is always 0); how many grants are high-risk, medium, low; the sum
//! of levels (`read` before `write`); how many grants the token does not already hold. Ties
//! keep the order alternatives are listed in and table order, so the answer is deterministic.

use crate::table::{Grant, GrantSet, Level, Requirement, Risk, ScopeId, Table};

/// Search nodes explored before the answer is reported as best-found, not proven minimal.
pub const NODE_LIMIT: usize = 100_000;

/// The cheapest grants found for a set of requirements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    /// Every grant of the answer (including those the caller fixed), in table order.
    pub grants: GrantSet,
    /// Whether the search finished, so no cheaper set exists.
    pub proven: bool,
}

/// A set's cost, compared lexicographically (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost {
    /// Grants that no least-privileged alternative of the requirements names.
    off_least: i64,
    high: i64,
    medium: i64,
    low: i64,
    levels: i64,
    new: i64,
}

impl Cost {
    fn add(self, o: Cost) -> Cost {
        Cost {
            off_least: self.off_least + o.off_least,
            high: self.high + o.high,
            medium: self.medium + o.medium,
            low: self.low + o.low,
            levels: self.levels + o.levels,
            new: self.new + o.new,
        }
    }

    fn sub(self, o: Cost) -> Cost {
        Cost {
            off_least: self.off_least - o.off_least,
            high: self.high - o.high,
            medium: self.medium - o.medium,
            low: self.low - o.low,
            levels: self.levels - o.levels,
            new: self.new - o.new,
        }
    }
}

/// The cost of holding `grant` for a token that holds `held`; `least`, when the requirements
/// mark least-privileged alternatives, is every grant those alternatives name.
fn grant_cost(table: &Table, held: &GrantSet, least: Option<&GrantSet>, grant: Grant) -> Cost {
    let mut cost = Cost {
        off_least: i64::from(least.is_some_and(|l| !l.covers(grant))),
        levels: i64::from(grant.level.0),
        new: i64::from(!held.covers(grant)),
        ..Cost::default()
    };
    match table.scope(grant.scope).risk_at(grant.level) {
        Risk::High => cost.high = 1,
        Risk::Medium => cost.medium = 1,
        Risk::Low => cost.low = 1,
    }
    cost
}

/// The cost of a whole set, not counting what `fixed` already provides.
pub fn set_cost(table: &Table, held: &GrantSet, fixed: &GrantSet, set: &GrantSet) -> Cost {
    set.iter()
        .filter(|&g| !fixed.covers(g))
        .fold(Cost::default(), |c, g| {
            c.add(grant_cost(table, held, None, g))
        })
}

/// The cheapest set of grants containing `fixed` that satisfies every requirement that can be
/// satisfied (a requirement with no alternative is skipped: no grant helps it). `held` is what
/// the token holds, preferred on ties.
pub fn minimal(
    table: &Table,
    requirements: &[&Requirement],
    held: &GrantSet,
    fixed: &GrantSet,
) -> Cover {
    let mut search = Search::new(table, held, fixed.clone());
    let least: GrantSet = requirements
        .iter()
        .flat_map(|r| {
            r.least_alternatives()
                .iter()
                .flat_map(|alt| alt.iter().copied())
        })
        .collect();
    search.least = (!least.is_empty()).then_some(least);
    search.prepare(requirements);
    search.run()
}

/// One requirement, reduced: alternatives in canonical form, none dominating another.
type Alternatives = Vec<Vec<Grant>>;

struct Search<'a> {
    table: &'a Table,
    held: &'a GrantSet,
    /// Every grant a least-privileged alternative names, when any requirement marks one.
    least: Option<GrantSet>,
    fixed: GrantSet,
    implications: bool,
    /// Requirements left to the search, most constrained first.
    open: Vec<Alternatives>,
    /// The current set and its closure (kept only when a scope implies another), one level
    /// per scope, indexed by scope.
    chosen: Vec<Option<Level>>,
    closure: Vec<Option<Level>>,
    cost: Cost,
    best: Option<(Cost, GrantSet)>,
    nodes: usize,
    exhausted: bool,
    /// For each scope, the scopes whose holding grants it through implications (table order),
    /// with the level they grant it at.
    providers: Vec<Vec<(ScopeId, Level)>>,
}

impl<'a> Search<'a> {
    fn new(table: &'a Table, held: &'a GrantSet, fixed: GrantSet) -> Search<'a> {
        let implications = table.has_implications();
        let providers = if implications {
            let mut p = vec![Vec::new(); table.scopes.len()];
            for q in table.scope_ids() {
                let mut alone = GrantSet::new();
                alone.insert(Grant::new(q, Level(0)));
                for g in table.closure(&alone).iter() {
                    if g.scope != q {
                        p[g.scope.0].push((q, g.level));
                    }
                }
            }
            p
        } else {
            Vec::new()
        };
        let mut chosen = vec![None; table.scopes.len()];
        for g in fixed.iter() {
            chosen[g.scope.0] = Some(g.level);
        }
        let mut search = Search {
            table,
            held,
            least: None,
            chosen,
            fixed,
            implications,
            open: Vec::new(),
            closure: Vec::new(),
            cost: Cost::default(),
            best: None,
            nodes: 0,
            exhausted: false,
            providers,
        };
        search.refresh_closure();
        search
    }

    /// Whether the current set (with its implications) grants `g`.
    fn covers(&self, g: Grant) -> bool {
        let levels = if self.implications {
            &self.closure
        } else {
            &self.chosen
        };
        levels
            .get(g.scope.0)
            .copied()
            .flatten()
            .is_some_and(|l| l >= g.level)
    }

    fn satisfied(&self, alts: &Alternatives) -> bool {
        alts.iter().any(|alt| alt.iter().all(|&g| self.covers(g)))
    }

    fn chosen_set(&self) -> GrantSet {
        self.chosen
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| Grant::new(ScopeId(i), l)))
            .collect()
    }

    /// Reduces the requirements: canonical alternatives, forced grants, dropped duplicates.
    fn prepare(&mut self, requirements: &[&Requirement]) {
        let mut open: Vec<Alternatives> = Vec::new();
        for req in requirements {
            if req.alternatives.is_empty() || req.is_free() {
                continue;
            }
            let alts = canonical(&req.alternatives);
            if !self.satisfied(&alts) && !open.contains(&alts) {
                open.push(alts);
            }
        }
        // Forced grants: a lone alternative must be held as written, unless an implication
        // could provide it another way.
        if !self.implications {
            for alts in &open {
                if let [alt] = alts.as_slice() {
                    for &g in alt {
                        self.add(g);
                    }
                }
            }
        }
        open.retain(|alts| !self.satisfied(alts));
        // A requirement implied by another (every alternative of the other contains one of
        // its own) is satisfied whenever the other is.
        if open.len() <= 2_000 {
            let mut keep = vec![true; open.len()];
            for i in 0..open.len() {
                for j in 0..open.len() {
                    if i != j && keep[j] && implies(&open[j], &open[i]) && (open[i] != open[j]) {
                        keep[i] = false;
                        break;
                    }
                }
            }
            let mut k = keep.into_iter();
            open.retain(|_| k.next().unwrap_or(true));
        }
        open.sort_by_key(|alts| alts.len());
        self.open = open;
    }

    /// Adds a grant (raising a scope's level if needed), returning what to restore.
    fn add(&mut self, g: Grant) -> Option<(ScopeId, Option<Level>, Cost)> {
        let before = self.chosen[g.scope.0];
        if before.is_some_and(|l| l >= g.level) {
            return None;
        }
        let old_cost = self.cost;
        if let Some(l) = before
            && !self.fixed.covers(Grant::new(g.scope, l))
        {
            self.cost = self.cost.sub(grant_cost(
                self.table,
                self.held,
                self.least.as_ref(),
                Grant::new(g.scope, l),
            ));
        }
        if !self.fixed.covers(g) {
            self.cost = self
                .cost
                .add(grant_cost(self.table, self.held, self.least.as_ref(), g));
        }
        self.chosen[g.scope.0] = Some(g.level);
        self.refresh_closure();
        Some((g.scope, before, old_cost))
    }

    fn undo(&mut self, change: Option<(ScopeId, Option<Level>, Cost)>) {
        if let Some((scope, level, cost)) = change {
            self.chosen[scope.0] = level;
            self.cost = cost;
            self.refresh_closure();
        }
    }

    fn refresh_closure(&mut self) {
        if !self.implications {
            return;
        }
        let closure = self.table.closure(&self.chosen_set());
        self.closure = self.table.scope_ids().map(|s| closure.level(s)).collect();
    }

    /// What adding `g` would cost on top of the current set.
    fn delta(&self, g: Grant) -> Cost {
        if self.covers(g) {
            return Cost::default();
        }
        let new = grant_cost(self.table, self.held, self.least.as_ref(), g);
        match self.chosen[g.scope.0] {
            Some(l) if !self.fixed.covers(Grant::new(g.scope, l)) => new.sub(grant_cost(
                self.table,
                self.held,
                self.least.as_ref(),
                Grant::new(g.scope, l),
            )),
            _ if self.fixed.covers(g) => Cost::default(),
            _ => new,
        }
    }

    /// The least an alternative could still cost: exact without implications; with them, a
    /// scope may provide several grants, so only the dearest grant is sure to be paid for.
    fn alternative_bound(&self, alt: &[Grant]) -> Cost {
        let costs = alt.iter().map(|&g| self.cheapest_provider(g));
        if self.implications {
            costs.max().unwrap_or_default()
        } else {
            costs.fold(Cost::default(), Cost::add)
        }
    }

    fn cheapest_provider(&self, g: Grant) -> Cost {
        let own = self.delta(g);
        if !self.implications {
            return own;
        }
        self.providers_of(g)
            .map(|q| self.delta(q))
            .chain(std::iter::once(own))
            .min()
            .unwrap_or(own)
    }

    /// The scopes (at their lowest level) whose implications grant `g`.
    fn providers_of(&self, g: Grant) -> impl Iterator<Item = Grant> + '_ {
        self.providers
            .get(g.scope.0)
            .into_iter()
            .flatten()
            .filter(move |(_, level)| *level >= g.level)
            .map(|&(q, _)| Grant::new(q, Level(0)))
    }

    fn lower_bound(&self) -> Cost {
        let extra = self
            .open
            .iter()
            .filter(|alts| !self.satisfied(alts))
            .map(|alts| {
                alts.iter()
                    .map(|alt| self.alternative_bound(alt))
                    .min()
                    .unwrap_or_default()
            })
            .max()
            .unwrap_or_default();
        self.cost.add(extra)
    }

    fn run(mut self) -> Cover {
        self.greedy();
        self.explore();
        let grants = match self.best.take() {
            Some((_, g)) => g,
            None => self.chosen_set(),
        };
        Cover {
            grants,
            proven: !self.exhausted,
        }
    }

    /// A first answer: each open requirement, in order, takes its cheapest alternative.
    fn greedy(&mut self) {
        let mut changes = Vec::new();
        for i in 0..self.open.len() {
            if self.satisfied(&self.open[i]) {
                continue;
            }
            let alt = self.open[i]
                .iter()
                .min_by_key(|alt| self.alternative_bound(alt))
                .cloned()
                .unwrap_or_default();
            for g in alt {
                if !self.covers(g) {
                    let p = self.best_provider(g);
                    changes.push(self.add(p));
                }
            }
        }
        self.best = Some((self.cost, self.chosen_set()));
        for c in changes.into_iter().rev() {
            self.undo(c);
        }
    }

    fn best_provider(&self, g: Grant) -> Grant {
        if !self.implications {
            return g;
        }
        let mut best = (self.delta(g), g);
        for p in self.providers_of(g) {
            let c = self.delta(p);
            if c < best.0 {
                best = (c, p);
            }
        }
        best.1
    }

    fn pruned(&self) -> bool {
        match &self.best {
            Some((best, _)) => self.cost >= *best,
            None => false,
        }
    }

    fn explore(&mut self) {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            self.exhausted = true;
            return;
        }
        let Some(i) = self.open.iter().position(|alts| !self.satisfied(alts)) else {
            if self.best.as_ref().is_none_or(|(b, _)| self.cost < *b) {
                self.best = Some((self.cost, self.chosen_set()));
            }
            return;
        };
        if let Some((best, _)) = &self.best
            && self.lower_bound() >= *best
        {
            return;
        }
        let mut alts: Vec<(Cost, usize)> = self.open[i]
            .iter()
            .enumerate()
            .map(|(k, alt)| (self.alternative_bound(alt), k))
            .collect();
        alts.sort();
        for (_, k) in alts {
            let missing: Vec<Grant> = self.open[i][k]
                .iter()
                .copied()
                .filter(|&g| !self.covers(g))
                .collect();
            self.provide(&missing);
            if self.exhausted {
                return;
            }
        }
    }

    /// Provides every grant of `missing` (each by itself or by a scope implying it), then
    /// goes on to the next open requirement.
    fn provide(&mut self, missing: &[Grant]) {
        let Some((&g, rest)) = missing.split_first() else {
            self.explore();
            return;
        };
        if self.covers(g) {
            self.provide(rest);
            return;
        }
        let mut options = vec![g];
        if self.implications {
            options.extend(self.providers_of(g));
        }
        for p in options {
            let change = self.add(p);
            if !self.pruned() {
                self.provide(rest);
            }
            self.undo(change);
            if self.exhausted {
                return;
            }
        }
    }
}

/// Alternatives with each grant list sorted, and none that another alternative makes
/// pointless (an alternative holding all of another one's grants is never needed).
fn canonical(alternatives: &[crate::table::Alternative]) -> Alternatives {
    let mut alts: Vec<Vec<Grant>> = alternatives
        .iter()
        .map(|alt| {
            let set: GrantSet = alt.iter().copied().collect();
            set.iter().collect()
        })
        .collect();
    let mut keep = vec![true; alts.len()];
    for i in 0..alts.len() {
        for j in 0..alts.len() {
            if i != j && keep[j] && contains(&alts[i], &alts[j]) && (alts[i] != alts[j] || j < i) {
                keep[i] = false;
                break;
            }
        }
    }
    let mut k = keep.into_iter();
    alts.retain(|_| k.next().unwrap_or(true));
    alts
}

/// Whether holding all of `big` covers all of `small`.
fn contains(big: &[Grant], small: &[Grant]) -> bool {
    small
        .iter()
        .all(|s| big.iter().any(|b| b.scope == s.scope && b.level >= s.level))
}

/// Whether satisfying `a` always satisfies `b`: each alternative of `a` covers one of `b`.
fn implies(a: &Alternatives, b: &Alternatives) -> bool {
    a.iter()
        .all(|alt_a| b.iter().any(|alt_b| contains(alt_a, alt_b)))
}

#[cfg(test)]
mod tests;
