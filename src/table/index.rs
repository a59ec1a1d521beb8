//! A segment trie over a table's path templates, so matching a reference costs its own length,
//! not the table's: Microsoft Graph's table has over ten thousand endpoints, and an audit or a
//! scan matches every reference of every manifest or file.
//!
//! The trie gives exactly the linear scan's answer. A template matches a request of the same
//! length whose literals it repeats and where it has parameters; among matches, one with a
//! literal at the first position where two differ wins (a literal beats a parameter), and
//! templates matching equally well are all returned, in table order. A depth-first walk that
//! tries the literal child before the parameter child meets the matches in exactly that order
//! of preference, and templates that match equally well end at the same trie node.

use std::borrow::Cow;
use std::collections::HashMap;

/// A segment as the trie sees it: a literal's text, or `None` for a parameter. (The index
/// knows no table type: the table holds the index.)
pub type Part<'s> = Option<&'s str>;

/// The trie: node 0 is the root (the empty path).
#[derive(Debug, Default)]
pub struct PathIndex {
    nodes: Vec<Node>,
    case_insensitive: bool,
}

#[derive(Debug, Default)]
struct Node {
    /// Literal segment → child (keys in lower case when the table ignores case).
    literals: HashMap<Box<str>, usize>,
    /// The child for a `{parameter}` segment.
    param: Option<usize>,
    /// Endpoints whose template ends here, in table order.
    endpoints: Vec<usize>,
}

impl PathIndex {
    /// The trie of the given templates: (endpoint index, segments), in table order.
    pub fn build<'s, I, S>(templates: I, case_insensitive: bool) -> PathIndex
    where
        I: IntoIterator<Item = (usize, S)>,
        S: IntoIterator<Item = Part<'s>>,
    {
        let mut index = PathIndex {
            nodes: vec![Node::default()],
            case_insensitive,
        };
        for (id, segments) in templates {
            let mut at = 0;
            for part in segments {
                at = match part {
                    Some(text) => {
                        let key = index.key(text).into_owned().into_boxed_str();
                        match index.nodes[at].literals.get(&key) {
                            Some(&child) => child,
                            None => {
                                let child = index.push();
                                index.nodes[at].literals.insert(key, child);
                                child
                            }
                        }
                    }
                    None => match index.nodes[at].param {
                        Some(child) => child,
                        None => {
                            let child = index.push();
                            index.nodes[at].param = Some(child);
                            child
                        }
                    },
                };
            }
            index.nodes[at].endpoints.push(id);
        }
        index
    }

    fn push(&mut self) -> usize {
        self.nodes.push(Node::default());
        self.nodes.len() - 1
    }

    /// A literal as the trie stores it.
    fn key<'s>(&self, text: &'s str) -> Cow<'s, str> {
        if self.case_insensitive && text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    }

    /// The endpoints matching `request` best that `accept` keeps, in table order; empty when
    /// none matches.
    pub fn lookup(&self, request: &[Part<'_>], accept: &dyn Fn(usize) -> bool) -> Vec<usize> {
        self.walk(0, request, accept).unwrap_or_default()
    }

    /// Each node is visited at most once per lookup (a node is one prefix pattern), and the
    /// depth is bounded by the longest template, so the work is bounded by the request's
    /// length and the trie, whatever the request.
    fn walk(
        &self,
        at: usize,
        request: &[Part<'_>],
        accept: &dyn Fn(usize) -> bool,
    ) -> Option<Vec<usize>> {
        let node = &self.nodes[at];
        let Some((first, rest)) = request.split_first() else {
            let found: Vec<usize> = node
                .endpoints
                .iter()
                .copied()
                .filter(|&id| accept(id))
                .collect();
            return (!found.is_empty()).then_some(found);
        };
        if let Some(text) = first
            && let Some(&child) = node.literals.get(self.key(text).as_ref())
            && let Some(found) = self.walk(child, rest, accept)
        {
            return Some(found);
        }
        // `{x}` in a request stands for any value: only a parameter matches it.
        self.walk(node.param?, rest, accept)
    }
}
