//! A segment trie over a table's path templates, so matching a reference costs its own length,
//! not the table's: Microsoft Graph's table has about ten thousand endpoints, and an audit or a
//! scan matches every reference of every manifest or file.
//!
//! The trie gives exactly the linear scan's answer. A template matches a request of the same
//! length whose literals it repeats and where it has parameters; among matches, one with a
//! literal at the first position where two differ wins (a literal beats a parameter), and
//! templates matching equally well are all returned, in table order. A depth-first walk that
//! tries the literal child before the parameter child meets the matches in exactly that order
//! of preference, and templates that match equally well end at the same trie node.
//!
//! The trie is flat data: little-endian `u32` words and one string of keys. The build makes a
//! built-in table's trie (this file is part of the build script too), so a run borrows it from
//! the binary; a table read from a file gets its trie on first use. Words: a header (nodes,
//! edges, endpoint ids), then per node (first edge, edge count, parameter child or `u32::MAX`,
//! first endpoint id, endpoint id count), per edge (key offset, key length, child), sorted by
//! key within a node, then the endpoint ids. Node 0 is the root.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// A segment as the trie sees it: a literal's text, or `None` for a parameter. (The index
/// knows no table type: the table holds the index.)
pub type Part<'s> = Option<&'s str>;

const NONE: u32 = u32::MAX;
const NODE: usize = 5;
const EDGE: usize = 3;

/// The trie of a table's templates.
#[derive(Debug)]
pub struct PathIndex {
    words: Cow<'static, [u8]>,
    strings: Cow<'static, str>,
    case_insensitive: bool,
}

/// A node while the trie is built.
#[derive(Default)]
struct Node {
    literals: BTreeMap<String, usize>,
    param: Option<usize>,
    endpoints: Vec<u32>,
}

/// A literal as the trie stores and looks it up.
fn key(text: &str, case_insensitive: bool) -> Cow<'_, str> {
    if case_insensitive && text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

impl PathIndex {
    /// The trie of the given templates: (endpoint index, segments), in table order.
    pub fn build<'s, I, S>(templates: I, case_insensitive: bool) -> PathIndex
    where
        I: IntoIterator<Item = (usize, S)>,
        S: IntoIterator<Item = Part<'s>>,
    {
        let mut strings = String::new();
        let words = Self::pack(templates, case_insensitive, &mut |s: &str| {
            let at = (strings.len() as u32, s.len() as u32);
            strings.push_str(s);
            at
        });
        PathIndex {
            words: Cow::Owned(words.iter().flat_map(|w| w.to_le_bytes()).collect()),
            strings: Cow::Owned(strings),
            case_insensitive,
        }
    }

    /// A trie the build packed, borrowed from the binary.
    pub fn packed(words: &'static [u8], strings: &'static str, case_insensitive: bool) -> Self {
        PathIndex {
            words: Cow::Borrowed(words),
            strings: Cow::Borrowed(strings),
            case_insensitive,
        }
    }

    /// The trie's words; `intern` stores a key and says where it is (offset, length).
    pub fn pack<'s, I, S>(
        templates: I,
        case_insensitive: bool,
        intern: &mut dyn FnMut(&str) -> (u32, u32),
    ) -> Vec<u32>
    where
        I: IntoIterator<Item = (usize, S)>,
        S: IntoIterator<Item = Part<'s>>,
    {
        let mut nodes = vec![Node::default()];
        for (id, segments) in templates {
            let mut at = 0;
            for part in segments {
                let next = nodes.len();
                at = match part {
                    Some(text) => *nodes[at]
                        .literals
                        .entry(key(text, case_insensitive).into_owned())
                        .or_insert(next),
                    None => *nodes[at].param.get_or_insert(next),
                };
                if at == next {
                    nodes.push(Node::default());
                }
            }
            nodes[at].endpoints.push(id as u32);
        }
        let edges: usize = nodes.iter().map(|n| n.literals.len()).sum();
        let ids: usize = nodes.iter().map(|n| n.endpoints.len()).sum();
        let mut words = vec![nodes.len() as u32, edges as u32, ids as u32];
        let (mut edge, mut id) = (0, 0);
        for n in &nodes {
            words.extend([
                edge as u32,
                n.literals.len() as u32,
                n.param.map_or(NONE, |p| p as u32),
                id as u32,
                n.endpoints.len() as u32,
            ]);
            edge += n.literals.len();
            id += n.endpoints.len();
        }
        for n in &nodes {
            for (k, &child) in &n.literals {
                let (off, len) = intern(k);
                words.extend([off, len, child as u32]);
            }
        }
        for n in &nodes {
            words.extend(n.endpoints.iter().copied());
        }
        words
    }

    fn word(&self, i: usize) -> u32 {
        let b = &self.words[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    fn node(&self, n: usize) -> usize {
        3 + n * NODE
    }

    fn edges_start(&self) -> usize {
        3 + self.word(0) as usize * NODE
    }

    /// The child of node `n` for the literal `text`: a binary search of its sorted edges.
    fn literal_child(&self, n: usize, text: &str) -> Option<usize> {
        let at = self.node(n);
        let (first, count) = (self.word(at) as usize, self.word(at + 1) as usize);
        let base = self.edges_start();
        let key_at = |e: usize| {
            let w = base + e * EDGE;
            let (off, len) = (self.word(w) as usize, self.word(w + 1) as usize);
            &self.strings[off..off + len]
        };
        let (mut lo, mut hi) = (first, first + count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match key_at(mid).cmp(text) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return Some(self.word(base + mid * EDGE + 2) as usize);
                }
            }
        }
        None
    }

    /// The endpoints matching `request` best that `accept` keeps, in table order; empty when
    /// none matches.
    pub fn lookup(&self, request: &[Part<'_>], accept: &dyn Fn(usize) -> bool) -> Vec<usize> {
        if self.words.is_empty() {
            return Vec::new();
        }
        let keys: Vec<Option<Cow<'_, str>>> = request
            .iter()
            .map(|p| p.map(|t| key(t, self.case_insensitive)))
            .collect();
        self.walk(&keys, accept).unwrap_or_default()
    }

    /// A depth-first walk with its own stack (a hostile table's template may be a million
    /// segments deep). Each node is visited at most once per lookup (a node is one prefix
    /// pattern), so the work is bounded by the request's length and the trie, whatever the
    /// request.
    fn walk(
        &self,
        request: &[Option<Cow<'_, str>>],
        accept: &dyn Fn(usize) -> bool,
    ) -> Option<Vec<usize>> {
        // (node, depth, whether its literal child was tried)
        let mut stack: Vec<(usize, usize, bool)> = vec![(0, 0, false)];
        let ids = self.edges_start() + self.word(1) as usize * EDGE;
        while let Some(top) = stack.last_mut() {
            let (n, depth) = (top.0, top.1);
            let at = self.node(n);
            if depth == request.len() {
                let (start, count) = (self.word(at + 3) as usize, self.word(at + 4) as usize);
                let found: Vec<usize> = (start..start + count)
                    .map(|i| self.word(ids + i) as usize)
                    .filter(|&id| accept(id))
                    .collect();
                if !found.is_empty() {
                    return Some(found);
                }
                stack.pop();
                continue;
            }
            if !top.2 {
                top.2 = true;
                if let Some(text) = &request[depth]
                    && let Some(child) = self.literal_child(n, text)
                {
                    stack.push((child, depth + 1, false));
                    continue;
                }
            }
            // `{x}` in a request stands for any value: only a parameter matches it. Nothing
            // is left to try at this node after its parameter child.
            stack.pop();
            let param = self.word(at + 2);
            if param != NONE {
                stack.push((param as usize, depth + 1, false));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_very_deep_template_is_walked_without_recursion() {
        const DEPTH: usize = 200_000;
        let template: Vec<Part<'_>> = (0..DEPTH)
            .map(|i| if i % 2 == 0 { Some("a") } else { None })
            .collect();
        let index = PathIndex::build([(0, template)], false);
        let request: Vec<Part<'_>> = (0..DEPTH).map(|_| Some("a")).collect();
        assert_eq!(index.lookup(&request, &|_| true), [0]);
        assert!(index.lookup(&request[1..], &|_| true).is_empty());
    }
}
