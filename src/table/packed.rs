//! A built-in table's endpoints and name indexes as the build packs them (`build/tables.rs`):
//! plain `u32` records and one string of every text. The name indexes are decoded with the
//! table; endpoints a chunk at a time, as a run uses them (`chunked.rs`), each chunk reading
//! only the segments, scopes and requirements its records reference.
//!
//! Why not statics of `Endpoint`: every reference in a static is a relocation the loader
//! applies at each start-up, for every table built in, whichever one a run uses; Microsoft
//! Graph's 10,000 endpoints would make every run, `--version` included, several times slower.
//! Decoding a chunk makes a handful of allocations (one array per kind of record, which its
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

use std::borrow::Cow::Borrowed;
use std::ops::Range;

use super::chunked::ChunkedList;
use super::model::{
    Alternative, AreaId, Endpoint, EndpointId, Endpoints, Evidence, Grant, Level, METHODS,
    NameIndex, Requirement, ScopeId, Segment,
};
use crate::source::Span;

const NONE: u32 = u32::MAX;
const ENDPOINT: usize = 17;

/// What a compiled table decodes to.
pub struct Packed {
    pub endpoints: Endpoints,
    pub endpoint_names: NameIndex<EndpointId>,
    pub scope_names: NameIndex<ScopeId>,
}

impl Packed {
    /// A table's name indexes, and its endpoints to be decoded as a run uses them (see
    /// [`Endpoints`]).
    pub fn decode(data: &'static [u8], strings: &'static str) -> Packed {
        let word = |i: usize| -> u32 { Section(data).word(i) };
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
        let records = EndpointRecords {
            kinds,
            endpoints,
            segments,
            requirements,
            alternatives,
            grants,
            kind_refs,
            scope_ids,
            strings,
        };
        // Searched in place: decoding Graph's ten thousand names would cost more than the
        // audit that looks up a few.
        fn names<T: Copy + 'static>(
            list: Section<'static>,
            strings: &'static str,
            id: fn(usize) -> T,
        ) -> NameIndex<T> {
            NameIndex::sorted(
                list.0.len() / 12,
                Box::new(move |i| {
                    let [off, len, value] = list.record::<3>(i);
                    (
                        &strings[off as usize..(off + len) as usize],
                        id(value as usize),
                    )
                }),
            )
        }
        Packed {
            endpoint_names: names(endpoint_names, strings, EndpointId),
            scope_names: names(scope_names, strings, ScopeId),
            endpoints: ChunkedList::chunked(records.len(), Box::new(move |r| records.decode(r))),
        }
    }
}

/// A built-in table's endpoint records and the sections they reference, borrowed from the
/// binary; [`EndpointRecords::decode`] makes endpoints of any range of them.
#[derive(Clone, Copy)]
pub struct EndpointRecords {
    /// The table's number of token kinds: each endpoint's per-kind requirements.
    kinds: usize,
    endpoints: Section<'static>,
    segments: Section<'static>,
    requirements: Section<'static>,
    alternatives: Section<'static>,
    grants: Section<'static>,
    kind_refs: Section<'static>,
    scope_ids: Section<'static>,
    strings: &'static str,
}

/// A requirement while a range is decoded: which of the gathered alternatives are its own.
struct RequirementAt {
    alternatives: Range<usize>,
    least: usize,
}

impl EndpointRecords {
    pub fn len(&self) -> usize {
        self.endpoints.0.len() / (ENDPOINT * 4)
    }

    fn text(&self, off: u32, len: u32) -> Option<&'static str> {
        (off != NONE).then(|| &self.strings[off as usize..(off + len) as usize])
    }

    /// The endpoints `range` holds, reading only the records they reference. The result and
    /// its arrays (one per kind of record, which the endpoints borrow slices of) are kept for
    /// the process, like the built-in table they belong to: each range is decoded once.
    pub fn decode(&self, range: Range<usize>) -> &'static [Endpoint] {
        let records: Vec<[u32; ENDPOINT]> = range
            .map(|i| self.endpoints.record::<ENDPOINT>(i))
            .collect();
        // First every grant, alternative, requirement, segment and scope the range needs,
        // gathered into arrays; then the endpoints, borrowing slices of them.
        let mut grants: Vec<Grant> = Vec::new();
        let mut alternatives: Vec<Range<usize>> = Vec::new();
        let mut requirements: Vec<RequirementAt> = Vec::new();
        let mut by_kind: Vec<Option<usize>> = Vec::with_capacity(records.len() * self.kinds);
        let mut segments: Vec<Segment> = Vec::new();
        let mut scope_ids: Vec<ScopeId> = Vec::new();
        // Per endpoint: its segments, scopes, requirement, per-kind requirements (start).
        let mut at: Vec<(Range<usize>, Range<usize>, usize, usize)> =
            Vec::with_capacity(records.len());
        // Endpoints often share a requirement (the build stores equal ones once): each is
        // decoded once per range. (packed index, index in `requirements`), few per range.
        let mut seen: Vec<(u32, usize)> = Vec::new();
        let mut requirement = |r: u32| -> usize {
            if let Some(&(_, at)) = seen.iter().find(|(packed, _)| *packed == r) {
                return at;
            }
            seen.push((r, requirements.len()));
            let [first, count, least] = self.requirements.record::<3>(r as usize);
            let start = alternatives.len();
            for a in first..first + count {
                let [first, count] = self.alternatives.record::<2>(a as usize);
                let from = grants.len();
                grants.extend((first..first + count).map(|g| {
                    let [scope, level] = self.grants.record::<2>(g as usize);
                    Grant::new(ScopeId(scope as usize), Level(level as u8))
                }));
                alternatives.push(from..grants.len());
            }
            requirements.push(RequirementAt {
                alternatives: start..alternatives.len(),
                least: least as usize,
            });
            requirements.len() - 1
        };
        for e in &records {
            let seg_start = segments.len();
            segments.extend((e[5]..e[5] + e[6]).map(|s| {
                let [param, off, len] = self.segments.record::<3>(s as usize);
                let t = Borrowed(self.text(off, len).unwrap_or_default());
                if param == 1 {
                    Segment::Param(t)
                } else {
                    Segment::Literal(t)
                }
            }));
            let scope_start = scope_ids.len();
            scope_ids.extend(
                (e[8]..e[8] + e[9]).map(|s| ScopeId(self.scope_ids.word(s as usize) as usize)),
            );
            let req = requirement(e[10]);
            let kind_start = by_kind.len();
            for k in 0..self.kinds {
                let r = self.kind_refs.word(e[11] as usize + k);
                by_kind.push((r != NONE).then(|| requirement(r)));
            }
            at.push((
                seg_start..segments.len(),
                scope_start..scope_ids.len(),
                req,
                kind_start,
            ));
        }
        let grants = leak(grants);
        let alternatives: &'static [Alternative] = leak(
            alternatives
                .into_iter()
                .map(|r| Borrowed(&grants[r]))
                .collect(),
        );
        let requirements: Vec<Requirement> = requirements
            .into_iter()
            .map(|r| Requirement {
                alternatives: Borrowed(&alternatives[r.alternatives]),
                least: r.least,
            })
            .collect();
        let by_kind: &'static [Option<Requirement>] = leak(
            by_kind
                .into_iter()
                .map(|r| r.map(|r| requirements[r].clone()))
                .collect(),
        );
        let segments = leak(segments);
        let scope_ids = leak(scope_ids);
        let no_span = Span {
            offset: 0,
            length: 0,
            line: 0,
            column: 0,
        };
        leak(
            records
                .iter()
                .zip(at)
                .map(|(e, (segs, scopes, req, kind_start))| Endpoint {
                    name: Borrowed(self.text(e[0], e[1]).unwrap_or_default()),
                    method: (e[2] != NONE).then(|| Borrowed(METHODS[e[2] as usize])),
                    path: self.text(e[3], e[4]).map(Borrowed),
                    segments: Borrowed(&segments[segs]),
                    area: AreaId(e[7] as usize),
                    scopes: Borrowed(&scope_ids[scopes]),
                    requires: requirements[req].clone(),
                    requires_by_kind: Borrowed(&by_kind[kind_start..kind_start + self.kinds]),
                    evidence: if e[12] == 1 {
                        Evidence::Inferred
                    } else {
                        Evidence::Documented
                    },
                    evidence_reason: self.text(e[13], e[14]).map(Borrowed),
                    source: self.text(e[15], e[16]).map(Borrowed),
                    span: no_span,
                })
                .collect(),
        )
    }
}

/// A section of little-endian `u32`s, read in place.
#[derive(Clone, Copy)]
struct Section<'a>(&'a [u8]);

impl<'a> Section<'a> {
    /// The `i`th word.
    fn word(self, i: usize) -> u32 {
        let b = &self.0[i * 4..i * 4 + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The `i`th record of `N` words.
    fn record<const N: usize>(self, i: usize) -> [u32; N] {
        let mut out = [0u32; N];
        for (j, o) in out.iter_mut().enumerate() {
            *o = self.word(i * N + j);
        }
        out
    }
}

/// An array kept for the rest of the process (built-in tables are).
fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}
