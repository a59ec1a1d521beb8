//! A built-in table's endpoints and name indexes as the build packs them (`build/tables.rs`):
//! plain `u32` records and one string of every text, decoded on first use.
//!
//! Why not statics of `Endpoint`: every reference in a static is a relocation the loader
//! applies at each start-up, for every table built in, whichever one a run uses; Microsoft
//! Graph's 10,000 endpoints would make every run, `--version` included, several times slower.
//! Decoding makes a handful of allocations per table (one array per kind of record, which the
//! endpoints borrow slices of) and borrows every text from the binary.
//!
//! Layout, little-endian `u32`s: a header (the number of token kinds, then the length in `u32`s
//! of each section below), then the sections:
//!
//! | section | record |
//! |---|---|
//! | endpoints | name (offset, length), method (index into [`METHODS`], or none), path (offset, length, or none), segments (first, count), area, scopes (first, count), requirement, per-kind requirements (first; one per token kind), evidence (0 documented, 1 inferred), evidence reason and source (offset, length, or none) |
//! | segments | parameter (0 or 1), text (offset, length) |
//! | requirements | alternatives (first, count), least |
//! | alternatives | grants (first, count) |
//! | grants | scope, level |
//! | per-kind requirements | requirement index, or none |
//! | scope ids | scope |
//! | endpoint names, scope names | name (offset, length), id; sorted by name |
//!
//! "None" is `u32::MAX`. The data is the build's own output for the repository's tables, so
//! it is trusted: a malformed record is a build bug, and decoding panics on it rather than
//! guess.

use std::borrow::Cow::{self, Borrowed};

use super::model::{
    AreaId, Endpoint, EndpointId, Evidence, Grant, Level, METHODS, NameIndex, Requirement, ScopeId,
    Segment,
};
use crate::source::Span;

const NONE: u32 = u32::MAX;
const ENDPOINT: usize = 17;

/// What a compiled table decodes to.
pub struct Packed {
    pub endpoints: Cow<'static, [Endpoint]>,
    pub endpoint_names: NameIndex<EndpointId>,
    pub scope_names: NameIndex<ScopeId>,
}

impl Packed {
    /// Decodes a table's records; the result borrows `strings` and arrays leaked for the
    /// process (a built-in table is made once per process and kept to the end).
    pub fn decode(data: &'static [u8], strings: &'static str) -> Packed {
        // Read in place: a copy as `u32`s would be megabytes for Graph's table.
        let word = |i: usize| -> u32 {
            let b = &data[i * 4..i * 4 + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        let kinds = word(0) as usize;
        let mut sections: Vec<Section<'static>> = Vec::with_capacity(9);
        let mut at = 10;
        for i in 1..10 {
            let len = word(i) as usize;
            sections.push(Section(&data[at * 4..(at + len) * 4]));
            at += len;
        }
        let [
            endpoints,
            segments,
            requirements,
            alternatives,
            grants,
            kind_refs,
            scope_ids,
            endpoint_names,
            scope_names,
        ] = sections[..]
        else {
            unreachable!("nine sections")
        };
        let text = |off: u32, len: u32| -> Option<&'static str> {
            (off != NONE).then(|| &strings[off as usize..(off + len) as usize])
        };

        let grants: &'static [Grant] = leak(
            grants
                .records::<2>()
                .map(|g| Grant::new(ScopeId(g[0] as usize), Level(g[1] as u8)))
                .collect(),
        );
        let alternatives: &'static [Cow<'static, [Grant]>] = leak(
            alternatives
                .records::<2>()
                .map(|a| Borrowed(&grants[a[0] as usize..(a[0] + a[1]) as usize]))
                .collect(),
        );
        let requirements: Vec<Requirement> = requirements
            .records::<3>()
            .map(|r| Requirement {
                alternatives: Borrowed(&alternatives[r[0] as usize..(r[0] + r[1]) as usize]),
                least: r[2] as usize,
            })
            .collect();
        let by_kind: &'static [Option<Requirement>] = leak(
            kind_refs
                .records::<1>()
                .map(|r| r[0])
                .map(|r| (r != NONE).then(|| requirements[r as usize].clone()))
                .collect(),
        );
        let segments: &'static [Segment] = leak(
            segments
                .records::<3>()
                .map(|s| {
                    let t = Borrowed(text(s[1], s[2]).unwrap_or_default());
                    if s[0] == 1 {
                        Segment::Param(t)
                    } else {
                        Segment::Literal(t)
                    }
                })
                .collect(),
        );
        let scope_ids: &'static [ScopeId] = leak(
            scope_ids
                .records::<1>()
                .map(|s| ScopeId(s[0] as usize))
                .collect(),
        );
        let no_span = Span {
            offset: 0,
            length: 0,
            line: 0,
            column: 0,
        };
        let endpoints: Vec<Endpoint> = endpoints
            .records::<ENDPOINT>()
            .map(|e| Endpoint {
                name: Borrowed(text(e[0], e[1]).unwrap_or_default()),
                method: (e[2] != NONE).then(|| Borrowed(METHODS[e[2] as usize])),
                path: text(e[3], e[4]).map(Borrowed),
                segments: Borrowed(&segments[e[5] as usize..(e[5] + e[6]) as usize]),
                area: AreaId(e[7] as usize),
                scopes: Borrowed(&scope_ids[e[8] as usize..(e[8] + e[9]) as usize]),
                requires: requirements[e[10] as usize].clone(),
                requires_by_kind: Borrowed(&by_kind[e[11] as usize..e[11] as usize + kinds]),
                evidence: if e[12] == 1 {
                    Evidence::Inferred
                } else {
                    Evidence::Documented
                },
                evidence_reason: text(e[13], e[14]).map(Borrowed),
                source: text(e[15], e[16]).map(Borrowed),
                span: no_span,
            })
            .collect();
        fn names<T>(
            list: Section<'static>,
            text: &dyn Fn(u32, u32) -> Option<&'static str>,
            id: fn(usize) -> T,
        ) -> Vec<(Cow<'static, str>, T)> {
            list.records::<3>()
                .map(|n| {
                    (
                        Borrowed(text(n[0], n[1]).unwrap_or_default()),
                        id(n[2] as usize),
                    )
                })
                .collect()
        }
        Packed {
            endpoints: Cow::Owned(endpoints),
            endpoint_names: NameIndex(Cow::Owned(names(endpoint_names, &text, EndpointId))),
            scope_names: NameIndex(Cow::Owned(names(scope_names, &text, ScopeId))),
        }
    }
}

/// A section of little-endian `u32`s, read in place.
#[derive(Clone, Copy)]
struct Section<'a>(&'a [u8]);

impl<'a> Section<'a> {
    /// The section's records of `N` words each.
    fn records<const N: usize>(self) -> impl Iterator<Item = [u32; N]> + 'a {
        self.0.chunks_exact(N * 4).map(|c| {
            let mut out = [0u32; N];
            for (o, w) in out.iter_mut().zip(c.chunks_exact(4)) {
                *o = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            }
            out
        })
    }
}

/// An array kept for the rest of the process (built-in tables are).
fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}
