//! Phase two, on the whole project: which candidates count, and the endpoints they name.

use std::collections::BTreeSet;

use crate::error::InputError;
use crate::source::SourceFile;
use crate::table::{PathMatch, Segment, Table};

use super::extract::Candidate;
use super::extract::Kind;
use super::vocabulary::Vocabulary;
use super::{Confidence, FileScan, FileText, Occurrence, ScanResult, Unresolved, work};

/// Phase two: decide what counts and match it against the table. `limit` is the size cap a
/// file read again (see [`FileText::OnDisk`]) is held to.
pub(super) fn resolve(
    table: &Table,
    vocab: &Vocabulary,
    files: Vec<FileScan>,
    limit: u64,
) -> ScanResult {
    let project_marker = files.iter().any(|f| f.has_marker);
    let bases = bases(table, &files);
    let roots = roots(vocab, &files);
    let mut result = ScanResult::default();
    for f in files {
        let mut file_used = false;
        let index = result.files.len();
        let unresolved_before = result.unresolved.len();
        // Where a relative path counts: in a project that names the API (Texter), or in a file
        // that does (an API whose paths are common words: `/user`, `/me`).
        let project_wide = vocab.convention.project_wide;
        let marked = if project_wide {
            project_marker
        } else {
            f.has_marker
        };
        for c in &f.candidates {
            // Only a call site counts: a relative path in a page link or a route definition
            // names the application's own pages, not the API's.
            let counts = c.call
                && match c.kind {
                    Kind::Api | Kind::Sdk => true,
                    // A module handed a client built elsewhere imports none itself.
                    Kind::Library => project_marker,
                    Kind::Relative => marked,
                    Kind::Suffix => marked && !bases.is_empty(),
                    Kind::Rooted => !roots.is_empty() && (project_wide || f.has_marker),
                };
            if !counts {
                continue;
            }
            let occurrence = |confidence| Occurrence {
                file: index,
                line: c.line,
                column: c.column,
                offset: c.offset,
                length: c.length,
                text: c.text.clone(),
                confidence,
                prose: c.prose,
            };
            if c.kind == Kind::Library {
                match c.named.as_ref().map_or(&[][..], |n| n.0.as_slice()) {
                    [id] => {
                        let confidence = if c.prose {
                            Confidence::Low
                        } else if f.has_marker {
                            Confidence::High
                        } else {
                            Confidence::Medium
                        };
                        result
                            .endpoints
                            .entry(*id)
                            .or_default()
                            .push(occurrence(confidence));
                    }
                    ids => result.unresolved.push(Unresolved {
                        file: index,
                        line: c.line,
                        column: c.column,
                        text: c.text.clone(),
                        candidates: ids.to_vec(),
                        library: true,
                    }),
                }
                file_used = true;
                continue;
            }
            let attempts: Vec<(Vec<Segment>, bool)> = match c.kind {
                Kind::Suffix => bases
                    .iter()
                    .map(|b| (b.iter().chain(&c.segments).cloned().collect(), true))
                    .collect(),
                Kind::Rooted => roots
                    .iter()
                    .filter_map(|root| rooted(root, &c.segments))
                    .map(|segments| (segments, false))
                    .collect(),
                _ => vec![(c.segments.clone(), false)],
            };
            work::add(attempts.len());
            for (segments, inferred) in attempts {
                let with_method = c
                    .method
                    .as_deref()
                    .map(|m| table.match_path(Some(m), &segments));
                let resolved = match with_method {
                    Some(PathMatch::One(id)) => Some((id, true)),
                    // An SDK call's method is the call's own: an endpoint with another method
                    // is not what it calls (`GET /user` is not `PATCH /user`).
                    Some(_) if c.kind == Kind::Sdk => None,
                    _ => match table.match_path(None, &segments) {
                        PathMatch::One(id) => Some((id, false)),
                        PathMatch::Many(ids) if !inferred => {
                            result.unresolved.push(Unresolved {
                                file: index,
                                line: c.line,
                                column: c.column,
                                text: c.text.clone(),
                                candidates: ids,
                                library: false,
                            });
                            file_used = true;
                            None
                        }
                        _ => None,
                    },
                };
                let Some((id, method_found)) = resolved else {
                    continue;
                };
                let unmarked = matches!(c.kind, Kind::Relative | Kind::Rooted) && !f.has_marker;
                let confidence = if c.prose || inferred || unmarked {
                    Confidence::Low
                } else if method_found {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                result
                    .endpoints
                    .entry(id)
                    .or_default()
                    .push(occurrence(confidence));
                file_used = true;
                break;
            }
        }
        if file_used {
            match text_of(f.text, limit, &f.candidates) {
                Ok(text) => result.files.push(SourceFile::new(f.path, text)),
                Err(cause) => {
                    // Changed or gone since it was read: its findings would point at other text.
                    for list in result.endpoints.values_mut() {
                        list.retain(|o| o.file != index);
                    }
                    result.endpoints.retain(|_, list| !list.is_empty());
                    result.unresolved.truncate(unresolved_before);
                    result.errors.push(InputError::Io {
                        path: f.path,
                        cause,
                    });
                }
            }
        }
    }
    for list in result.endpoints.values_mut() {
        list.sort_by_key(|a| (a.file, a.line, a.column));
        list.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.column == b.column);
    }
    result
        .unresolved
        .sort_by_key(|a| (a.file, a.line, a.column));
    result
}

/// A used file's text: kept, or read again and checked to be what phase one read.
fn text_of(text: FileText, limit: u64, candidates: &[Candidate]) -> std::io::Result<String> {
    match text {
        FileText::Kept(text) => Ok(text),
        FileText::Unneeded => Ok(String::new()),
        FileText::OnDisk {
            path,
            len,
            fingerprint,
        } => {
            let mut buf = Vec::new();
            let changed = || std::io::Error::other("changed while it was being scanned");
            if !super::read_capped(&path, limit, &mut buf)? {
                return Err(changed());
            }
            let text = String::from_utf8_lossy(&buf).into_owned();
            if text.len() != len || super::fingerprint(&text, candidates, true) != fingerprint {
                return Err(changed());
            }
            Ok(text)
        }
    }
}

/// What base URLs that end inside a base path (`https://P.texterchat.com/server`) leave out of
/// it (`[api, v2]`). Comments and example files tell the base as well as code does.
fn roots(vocab: &Vocabulary, files: &[FileScan]) -> BTreeSet<Vec<String>> {
    let mut roots = BTreeSet::new();
    for f in files {
        for c in f.candidates.iter().filter(|c| c.kind == Kind::Api) {
            work::add(1);
            roots.extend(vocab.missing_base(&c.segments));
        }
    }
    roots
}

/// A rooted path (`/api/v2/labels`) completed by a base that leaves out `missing` of a base
/// path: what follows the base path, or `None` when the path does not complete that base.
fn rooted(missing: &[String], segments: &[Segment]) -> Option<Vec<Segment>> {
    let mut rest = segments.iter();
    for p in missing {
        match rest.next() {
            Some(Segment::Literal(l)) if l.eq_ignore_ascii_case(p) => {}
            _ => return None,
        }
    }
    Some(rest.cloned().collect())
}

/// Bases that end inside a path: a URL of the API whose path is a proper prefix of table paths,
/// each in the form matching sees (see [`base_key`]), so a project naming thousands of
/// bases tries each suffix against a few.
fn bases(table: &Table, files: &[FileScan]) -> BTreeSet<Vec<Segment>> {
    let literals = table_literals(table);
    let mut bases: BTreeSet<Vec<Segment>> = BTreeSet::new();
    for f in files {
        for c in f.candidates.iter().filter(|c| c.kind == Kind::Api) {
            if !c.segments.is_empty()
                && table.match_path(None, &c.segments) == PathMatch::None
                && is_prefix_of_table_path(table, &c.segments)
            {
                bases.insert(base_key(&literals, &c.segments));
            }
        }
    }
    bases
}

/// The literal segments of table paths, by position.
fn table_literals(table: &Table) -> Vec<BTreeSet<&str>> {
    let mut by_position: Vec<BTreeSet<&str>> = Vec::new();
    for ep in table.endpoints.iter() {
        for (i, segment) in ep.segments.iter().enumerate() {
            if by_position.len() <= i {
                by_position.push(BTreeSet::new());
            }
            if let Segment::Literal(l) = segment {
                by_position[i].insert(l.as_ref());
            }
        }
    }
    by_position
}

/// A base as matching sees it: every parameter is alike, and so is every literal that no
/// table path has at its position (it can only meet a parameter there). Bases with the same
/// key complete every suffix into the same endpoints.
fn base_key(literals: &[BTreeSet<&str>], base: &[Segment]) -> Vec<Segment> {
    base.iter()
        .enumerate()
        .map(|(i, segment)| match segment {
            Segment::Literal(l) if literals.get(i).is_some_and(|set| set.contains(l.as_ref())) => {
                segment.clone()
            }
            Segment::Literal(_) => Segment::Literal(Default::default()),
            Segment::Param(_) => Segment::Param(Default::default()),
        })
        .collect()
}

fn is_prefix_of_table_path(table: &Table, prefix: &[Segment]) -> bool {
    table.endpoints.iter().any(|ep| {
        ep.segments.len() > prefix.len()
            && prefix
                .iter()
                .zip(ep.segments.iter())
                .all(|(a, b)| match (a, b) {
                    (Segment::Literal(x), Segment::Literal(y)) => x == y,
                    (_, Segment::Param(_)) => true,
                    (Segment::Param(_), Segment::Literal(_)) => false,
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_again_must_be_what_was_scanned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bundle.js");
        let text = "fetch('/chats/search')\n";
        std::fs::write(&path, text).expect("write");
        let table = Table::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        let vocab = Vocabulary::new(&table, None);
        let candidates = super::super::extract::extract("bundle.js", text, &vocab, None);
        assert_eq!(candidates.len(), 1);
        let scanned = super::super::fingerprint(text, &candidates, false);
        let on_disk = |len| FileText::OnDisk {
            path: path.clone(),
            len,
            fingerprint: scanned,
        };
        let read = |len, limit| text_of(on_disk(len), limit, &candidates);
        assert_eq!(read(23, u64::MAX).expect("same file"), text);
        // Changed since: an error, never other text under the old positions.
        assert!(read(10, u64::MAX).is_err());
        // Changed to the same length: the call moved, or a line break came before it.
        for same_length in ["fetch('/chats/searcH')\n", "\nfetch('/chats/search')"] {
            std::fs::write(&path, same_length).expect("write");
            assert!(read(23, u64::MAX).is_err(), "{same_length:?}");
        }
        std::fs::write(&path, text).expect("write");
        // Grown past the size limit, or gone.
        assert!(read(23, 5).is_err());
        std::fs::remove_file(&path).expect("remove");
        assert!(read(23, u64::MAX).is_err());
    }
}
