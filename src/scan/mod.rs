//! `scan`: the endpoints of one API a codebase really calls.
//!
//! What a call looks like comes from the API's table (the hosts and base paths of its
//! `base_urls`) and its convention (SDK and CLI calls, marker words; see [`conventions`]),
//! gathered in a [`vocabulary::Vocabulary`].
//!
//! Phase one walks the tree in parallel (hidden files included, VCS internals and what
//! `.gitignore` excludes skipped, binary and oversized files skipped), prefilters each file with a literal search (for APIs other than Texter, after a gate: the file must name the API) and extracts path candidates from the few
//! files that can hold any. Phase two, on the whole project, decides what counts: relative paths
//! only in a project (or, for most APIs, a file) that references the API, suffixes only where a
//! base ends inside a path, `/api/v2/…` paths only where a Texter base ends at `/server`, and
//! only at call sites.

mod callsite;
mod conventions;
pub(crate) mod curl;
mod expr;
pub mod extract;
mod method;
mod resolve;
mod structured;
pub mod vocabulary;

/// Work done by this thread, counted in tests only: it proves that scanning costs time in
/// proportion to its input without timing anything.
#[cfg(test)]
pub(crate) mod work {
    use std::cell::Cell;

    thread_local! {
        static DONE: Cell<usize> = const { Cell::new(0) };
    }

    pub fn add(n: usize) {
        DONE.with(|d| d.set(d.get().saturating_add(n)));
    }

    /// The work counted since the last call.
    pub fn take() -> usize {
        DONE.with(|d| d.replace(0))
    }
}

#[cfg(not(test))]
pub(crate) mod work {
    #[inline(always)]
    pub fn add(_: usize) {}
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::error::InputError;
use crate::source::{SourceFile, display_path};
use crate::table::{EndpointId, Segment, Table};

use extract::Candidate;
use resolve::resolve;
use vocabulary::Vocabulary;

/// How sure scan is that an occurrence is a call of its endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Prose, a comment, or a path completed from a base found elsewhere.
    Low,
    /// The path alone identifies the endpoint; no method was found.
    Medium,
    /// A path of the API and the call's method were both found.
    High,
}

/// One place an endpoint is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub file: usize,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub length: usize,
    pub text: String,
    pub confidence: Confidence,
    /// A mention in prose or a comment rather than a call.
    pub prose: bool,
}

/// A path that names several endpoints and no method says which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub file: usize,
    pub line: usize,
    pub column: usize,
    pub text: String,
    pub candidates: Vec<EndpointId>,
    /// A client-library call whose method name several services share (`channels.stop`),
    /// rather than a path several endpoints share.
    pub library: bool,
}

/// The most worker threads scan starts: more only costs memory and start-up time, and a
/// count such as 100000 would take minutes to start.
pub const MAX_THREADS: usize = 1024;

/// Directories of version control systems: never scanned, hidden files or not.
const VCS_DIRS: [&str; 3] = [".git", ".hg", ".svn"];

/// What to scan and how.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Scan hidden files and directories (`.github/workflows`, `.env.example`): scan's default,
    /// since CI workflows make real calls with real tokens.
    pub hidden: bool,
    pub no_ignore: bool,
    /// Read symbolic links found while walking; without it they are skipped, so a tree cannot
    /// make scan read (and print) files outside it.
    pub follow: bool,
    pub max_filesize: u64,
    /// `--base-url`: its host counts as one of the API's hosts.
    pub base_url: Option<String>,
    pub threads: usize,
}

/// The result of a scan.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Files that hold occurrences or unresolved paths (indexed by `Occurrence::file`).
    pub files: Vec<SourceFile>,
    /// Occurrences per endpoint, in table order; each list sorted by file and position.
    pub endpoints: BTreeMap<EndpointId, Vec<Occurrence>>,
    pub unresolved: Vec<Unresolved>,
    pub files_scanned: usize,
    pub errors: Vec<InputError>,
}

struct FileScan {
    path: String,
    text: FileText,
    has_marker: bool,
    candidates: Vec<Candidate>,
}

/// A file's text as phase two gets it. Only call sites are reported (with a frame into the
/// text), and whether most of them count is known only once the whole tree is read: so the
/// text stays in memory only where a report is likely, and is read again where one is made.
enum FileText {
    /// A file that names the API (a URL, a marker, an SDK call): kept.
    Kept(String),
    /// A file whose call sites count only if the project turns out to use the API (a tree of
    /// minified bundles is full of them): read again, and checked, if one does.
    OnDisk {
        path: std::path::PathBuf,
        len: usize,
        /// What the candidates were read from (see [`fingerprint`]).
        fingerprint: u64,
    },
    /// No call site: never shown.
    Unneeded,
}

/// A fingerprint of the text a file's candidates were read from: its length, and each
/// candidate's bytes, place and line. A file read again in phase two must give the same one, so
/// that no report points at text other than what was scanned (a file changed to the same
/// length included). Keyed once per process, so a tree cannot be made to collide with it.
/// Phase one takes each candidate's line as found (`count_lines` false); phase two counts the
/// lines of the text read again.
fn fingerprint(text: &str, candidates: &[Candidate], count_lines: bool) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    static KEYS: std::sync::LazyLock<std::hash::RandomState> =
        std::sync::LazyLock::new(std::hash::RandomState::new);
    let mut hasher = KEYS.build_hasher();
    text.len().hash(&mut hasher);
    let bytes = text.as_bytes();
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by_key(|c| c.offset);
    let (mut line, mut counted) = (1usize, 0usize);
    for c in order {
        let end = c.offset.saturating_add(c.length).min(bytes.len());
        let start = c.offset.min(end);
        if count_lines {
            line += bytes[counted.min(start)..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = counted.max(start);
        } else {
            line = c.line;
        }
        (c.offset, c.length, line).hash(&mut hasher);
        bytes[start..end].hash(&mut hasher);
    }
    hasher.finish()
}

/// Whether scan can tell what a call of `table`'s API looks like: the table has base URLs,
/// the API has a convention, or `--base-url` names its host.
pub fn can_scan(table: &Table, base_url: Option<&str>) -> bool {
    Vocabulary::new(table, base_url).knows_calls()
}

fn vocabulary(table: &Table, base_url: Option<&str>) -> Vocabulary {
    Vocabulary::new(table, base_url)
}

/// Literals at least one of which a file must contain to be worth reading closely: the API's
/// markers, hosts and SDK triggers (see [`Vocabulary::literals`]), every table path's first
/// segment, and every literal tail of a table path (a call may append `"/templates/send"` to a
/// base that ends inside the path).
fn prefilter(table: &Table, vocab: &Vocabulary) -> Option<Prefilter> {
    let mut patterns: BTreeSet<String> = vocab.literals();
    patterns.extend(vocab.library_triggers());
    patterns.extend(vocab.first_segments.iter().map(|s| format!("/{s}")));
    for ep in table.endpoints.iter() {
        for (i, segment) in ep.segments.iter().enumerate().skip(1) {
            if let Segment::Literal(_) = segment {
                let tail: Vec<&str> = ep.segments[i..]
                    .iter()
                    .map_while(|s| match s {
                        Segment::Literal(l) => Some(l.as_ref()),
                        Segment::Param(_) => None,
                    })
                    .collect();
                patterns.insert(format!("/{}", tail.join("/")));
            }
        }
    }
    Prefilter::new(patterns.into_iter().collect())
}

/// A multi-literal search: SIMD (Teddy) where the CPU has it, Aho-Corasick otherwise.
enum Prefilter {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Prefilter {
    fn new(patterns: Vec<String>) -> Option<Prefilter> {
        if let Some(searcher) = aho_corasick::packed::Config::new()
            .builder()
            .extend(&patterns)
            .build()
        {
            return Some(Prefilter::Packed(searcher));
        }
        AhoCorasick::builder()
            .build(&patterns)
            .ok()
            .map(Prefilter::Automaton)
    }

    /// Start offsets of every match.
    fn hits(&self, haystack: &[u8]) -> Vec<usize> {
        match self {
            Prefilter::Packed(s) => s.find_iter(haystack).map(|m| m.start()).collect(),
            Prefilter::Automaton(a) => a.find_iter(haystack).map(|m| m.start()).collect(),
        }
    }
}

/// Scans files and directories for the endpoints they call.
pub fn scan(
    table: &Table,
    paths: &[PathBuf],
    options: &ScanOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> ScanResult {
    let vocab = vocabulary(table, options.base_url.as_deref());
    let Some(filter) = prefilter(table, &vocab) else {
        return ScanResult::default();
    };
    let gate = vocab.gate();
    let scanned = AtomicUsize::new(0);
    let found: Mutex<Vec<FileScan>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<InputError>> = Mutex::new(Vec::new());

    let mut builder = None::<ignore::WalkBuilder>;
    for path in paths {
        if let Err(cause) = std::fs::metadata(path) {
            if let Ok(mut e) = errors.lock() {
                e.push(InputError::Io {
                    path: display_path(path),
                    cause,
                });
            }
            continue;
        }
        match builder.as_mut() {
            None => builder = Some(ignore::WalkBuilder::new(path)),
            Some(b) => {
                b.add(path);
            }
        }
    }
    if let Some(mut builder) = builder {
        builder
            .hidden(!options.hidden)
            .ignore(!options.no_ignore)
            .git_ignore(!options.no_ignore)
            .git_global(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .parents(!options.no_ignore)
            .follow_links(options.follow)
            .max_filesize(Some(options.max_filesize))
            .threads(options.threads.clamp(1, MAX_THREADS))
            .filter_entry(|e| !VCS_DIRS.iter().any(|d| e.file_name() == *d));
        builder.build_parallel().run(|| {
            let mut buf: Vec<u8> = Vec::new();
            let (filter, gate, vocab, found, errors, scanned) =
                (&filter, &gate, &vocab, &found, &errors, &scanned);
            let max_filesize = options.max_filesize;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        if let Ok(mut e) = errors.lock() {
                            e.push(InputError::Io {
                                path: err.to_string(),
                                cause: std::io::Error::other("cannot be read"),
                            });
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                // Manifests and the config declare endpoints; they do not call them.
                let name = entry.file_name().to_string_lossy();
                if crate::discover::is_manifest_name(&name)
                    || crate::discover::CONFIG_FILES.contains(&name.as_ref())
                {
                    return ignore::WalkState::Continue;
                }
                let read = read_capped(entry.path(), max_filesize, &mut buf);
                // Over the limit, as ripgrep skips it: named or found alike.
                if matches!(read, Ok(false)) {
                    return ignore::WalkState::Continue;
                }
                let n = scanned.fetch_add(1, Ordering::Relaxed) + 1;
                if n % 256 == 0 {
                    progress(n);
                }
                if let Err(cause) = read {
                    if let Ok(mut e) = errors.lock() {
                        e.push(InputError::Io {
                            path: display_path(entry.path()),
                            cause,
                        });
                    }
                    return ignore::WalkState::Continue;
                }
                // Binary files (a NUL in the first 8 KiB, as ripgrep decides) are skipped.
                if buf[..buf.len().min(8192)].contains(&0) {
                    return ignore::WalkState::Continue;
                }
                if gate.as_ref().is_some_and(|g| !g.passes(&buf)) {
                    return ignore::WalkState::Continue;
                }
                let hits = filter.hits(&buf);
                if hits.is_empty() {
                    return ignore::WalkState::Continue;
                }
                let text = String::from_utf8_lossy(&buf).into_owned();
                let path = display_path(entry.path());
                let mut candidates = structured::extract(&path, &text, vocab)
                    .unwrap_or_else(|| extract::extract(&path, &text, vocab, Some(&hits)));
                // Only call sites ever count (see resolve): what else was found is dropped
                // now, not held for phase two with the rest of the tree's candidates.
                candidates.retain(|c| c.call);
                candidates.shrink_to_fit();
                let has_marker = vocab.has_marker(&text);
                let text = if has_marker
                    || candidates.iter().any(|c| {
                        c.call
                            && matches!(
                                c.kind,
                                extract::Kind::Api | extract::Kind::Sdk | extract::Kind::Library
                            )
                    }) {
                    FileText::Kept(text)
                } else if candidates.iter().any(|c| c.call) {
                    FileText::OnDisk {
                        path: entry.path().to_path_buf(),
                        len: text.len(),
                        fingerprint: fingerprint(&text, &candidates, false),
                    }
                } else {
                    FileText::Unneeded
                };
                if (!candidates.is_empty() || has_marker)
                    && let Ok(mut f) = found.lock()
                {
                    f.push(FileScan {
                        path,
                        text,
                        has_marker,
                        candidates,
                    });
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut files = found.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut result = resolve(table, &vocab, files, options.max_filesize);
    let mut errors = errors.into_inner().unwrap_or_default();
    errors.append(&mut result.errors);
    errors.sort_by_key(|e| e.to_string());
    result.files_scanned = scanned.into_inner();
    result.errors = errors;
    result
}

/// Reads a file into `buf` unless it holds more than `limit` bytes (`Ok(false)`). The size is
/// taken from the open file before reading, and at most one byte past the limit is read, so
/// a huge file, named or found, costs neither its size in memory nor the time to read it.
fn read_capped(path: &std::path::Path, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    use std::io::Read as _;
    buf.clear();
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > limit {
        return Ok(false);
    }
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(buf)?;
    Ok(buf.len() as u64 <= limit)
}

impl ScanResult {
    /// Endpoints called in code (not only mentioned in prose), with their first call.
    pub fn called(&self) -> impl Iterator<Item = (EndpointId, &Occurrence)> {
        self.endpoints
            .iter()
            .filter_map(|(id, occ)| occ.iter().find(|o| !o.prose).map(|o| (*id, o)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use extract::Kind;

    fn table() -> Table {
        Table::embedded().unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn texter_vocab(table: &Table) -> Vocabulary {
        vocabulary(table, None)
    }

    /// Phase one on one file's text, as `scan` runs it: (work done, candidates found).
    fn phase_one(table: &Table, name: &str, text: &str) -> (usize, usize) {
        let vocab = vocabulary(table, None);
        let Some(filter) = prefilter(table, &vocab) else {
            panic!("no prefilter")
        };
        work::take();
        let hits = filter.hits(text.as_bytes());
        let found = structured::extract(name, text, &vocab)
            .unwrap_or_else(|| extract::extract(name, text, &vocab, Some(&hits)));
        (work::take(), found.len())
    }

    /// Linear work grows about 8 times from `n` to `8n`; quadratic work 64 times.
    fn assert_linear(what: &str, name: &str, make: impl Fn(usize) -> String) {
        assert_linear_with(&table(), what, name, make);
    }

    fn assert_linear_with(table: &Table, what: &str, name: &str, make: impl Fn(usize) -> String) {
        let n = 400;
        let (small, found_small) = phase_one(table, name, &make(n));
        let (large, found_large) = phase_one(table, name, &make(8 * n));
        assert!(small > 0, "{what}: nothing counted");
        assert!(
            large <= small * 10,
            "{what}: work grew from {small} to {large} for 8 times the input"
        );
        assert!(found_large >= found_small, "{what}");
    }

    const MARKER: &str = "const TEXTER_BASE = process.env.TEXTER_BASE;\n";

    #[test]
    fn many_paths_on_one_line_cost_linear_work() {
        assert_linear("quoted paths", "a.js", |n| {
            format!(
                "{MARKER}const all = [{}];\n",
                "\"/chats/search\",".repeat(n)
            )
        });
        assert_linear("calls with methods", "a.js", |n| {
            format!(
                "{MARKER}{}\n",
                "axios.post(`${B}/chats/${id}/resolve`, {method: 'POST'});".repeat(n)
            )
        });
        assert_linear("absolute URLs", "a.js", |n| {
            "\"https://a.texterchat.com/server/api/v2/chats/search\" ".repeat(n)
        });
        assert_linear("wide characters before paths", "a.js", |n| {
            format!("{MARKER}{}\n", "é\"/labels/${id}\"+".repeat(n))
        });
        assert_linear("slashes that start nothing", "a.js", |n| {
            format!("{MARKER}{} \"/chats/search\"\n", "=/zz".repeat(4 * n))
        });
        assert_linear("nested splices", "a.js", |n| {
            format!("{MARKER}{}{}'\n", "'/chats' + (".repeat(n), ")".repeat(n))
        });
        assert_linear("unclosed interpolations", "a.js", |n| {
            format!("{MARKER}{}\n", "\"/chats/${{".repeat(n))
        });
    }

    #[test]
    fn a_minified_bundle_costs_linear_work() {
        const SNIPPETS: &[&str] = &[
            "function(e,t){return e.post(\"/chats/\"+t+\"/resolve\",{method:\"POST\"})}",
            "var a=TEXTER_BASE+\"/chats/search?q=\"+encodeURIComponent(q);",
            "n.get(`${B}/labels/${id}`).then(function(r){return r.data})",
            "x=/ab+c/g.test(s)?1:0;",
            "fetch(\"https://acme.texterchat.com/server/api/v2/whatsapp/templates\");",
            "\"/templates/send\"",
            "u=a/b/c/d;",
            "é'/quick-replies'+(",
            "k={a:1,b:[2,3]};",
        ];
        assert_linear("bundle", "app.min.js", |n| {
            (0..n)
                .map(|i| SNIPPETS[(i * 7 + i / 3) % SNIPPETS.len()])
                .collect()
        });
    }

    #[test]
    fn long_neighbouring_lines_cost_linear_work() {
        assert_linear("long lines around calls", "a.js", |n| {
            let long = "x".repeat(64 * n);
            let calls = "fetch(`${B}/chats/assign`);".repeat(n);
            format!("{MARKER}{long}\n{calls}\n{long}\n")
        });
        assert_linear("many short lines", "a.js", |n| {
            format!(
                "{MARKER}{}",
                "fetch(`${B}/labels/${id}`, {\n  method: 'PATCH',\n})\n".repeat(n)
            )
        });
    }

    #[test]
    fn curl_commands_cost_linear_work() {
        assert_linear("curl commands on one line", "a.sh", |n| {
            "curl -d x https://a.texterchat.com/server/api/v2/labels ".repeat(n)
        });
        assert_linear("a curl command continued over lines", "a.sh", |n| {
            let url = "  \"https://a.texterchat.com/server/api/v2/labels\" -d x \\\n";
            format!("curl -s \\\n{}", url.repeat(n))
        });
    }

    #[test]
    fn call_sites_cost_linear_work() {
        assert_linear("navigation links on one line", "a.jsx", |n| {
            format!("{MARKER}{}\n", "<a href=\"/templates\">T</a>".repeat(n))
        });
        assert_linear("arguments nested in one call", "a.js", |n| {
            format!("{MARKER}call({}\n", "{ a: [f(x), '/labels'], ".repeat(n))
        });
        assert_linear("rooted paths and interpolated suffixes", "a.py", |n| {
            format!(
                "{MARKER}{}\n",
                "requests.get(f\"{B}/api/v2/labels\") or f\"{WA}/templates/send\" ".repeat(n)
            )
        });
        assert_linear("prose with ellipses", "API.md", |n| {
            "`POST …/scenarios/manage/import` and GET .../labels; ".repeat(n)
        });
    }

    #[test]
    fn structured_documents_cost_linear_work() {
        // Escaped slashes: no URL appears in the text as written.
        assert_linear("HAR on one line", "s.har", |n| {
            let entries: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"{{"request":{{"method":"GET","url":"https:\/\/a.texterchat.com\/server\/api\/v2\/chats\/{i}"}}}}"#
                    )
                })
                .collect();
            format!(r#"{{"log":{{"entries":[{}]}}}}"#, entries.join(","))
        });
    }

    fn github() -> &'static Table {
        match crate::table::builtin("github") {
            Some(Ok(t)) => t,
            _ => panic!("no github table"),
        }
    }

    #[test]
    fn sdk_calls_cost_linear_work() {
        let github = github();
        assert_linear_with(github, "octokit routes on one line", "a.js", |n| {
            "octokit.request('POST /repos/{owner}/{repo}/issues',{}),'https://api.github.com/user/repos';"
                .repeat(n)
        });
        assert_linear_with(github, "quotes that open no route", "a.js", |n| {
            format!("x = [{}]\n", "'GET /user' ,'".repeat(n))
        });
        assert_linear_with(github, "gh api commands on one line", "a.sh", |n| {
            "gh api -X PATCH repos/o/r/issues/1 -f state=closed; ".repeat(n)
        });
        assert_linear_with(
            github,
            "a gh api command continued over lines",
            "a.sh",
            |n| format!("gh api repos/o/r/issues \\\n{}", "  -f a=b \\\n".repeat(n)),
        );
        assert_linear_with(github, "a workflow expression left open", "a.yml", |n| {
            format!("run: gh api repos/${{{{ {}\n", "gh api x ".repeat(n))
        });
        let graph = Table::load(crate::source::SourceFile::new(
            "msgraph.yaml",
            include_str!("../../tests/fixtures/tables/msgraph-small.yaml").to_owned(),
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_linear_with(&graph, "Graph SDK chains on one line", "a.js", |n| {
            "client.api('/me/messages/$value').select('a').top(5).get();".repeat(n)
        });
        assert_linear_with(&graph, "request builders on one line", "a.cs", |n| {
            "graphClient.Me.MailFolders[\"inbox\"].Messages.GetAsync();x.a[b](c).get();".repeat(n)
        });
        assert_linear_with(&graph, "a bracket never opened", "a.py", |n| {
            format!("graph_client.me{}\n", "]).get()".repeat(n))
        });
        assert_linear_with(&graph, "Graph SDK calls never sent", "a.js", |n| {
            format!("{}\n", "client.api('/me').select((((".repeat(n))
        });
    }

    fn file(path: &str, candidates: Vec<Candidate>) -> FileScan {
        FileScan {
            path: path.to_owned(),
            text: FileText::Kept(String::new()),
            has_marker: true,
            candidates,
        }
    }

    fn candidate(line: usize, path: &str, kind: Kind) -> Candidate {
        Candidate {
            line,
            column: 1,
            offset: 0,
            length: 0,
            text: path.to_owned(),
            segments: crate::table::request_segments(path).unwrap_or_default(),
            kind,
            method: None,
            prose: false,
            call: true,
            named: None,
        }
    }

    #[test]
    fn rooted_paths_count_only_under_a_base_that_ends_at_server() {
        let table = table();
        let calls = |files: Vec<FileScan>| {
            let result = resolve(&table, &texter_vocab(&table), files, u64::MAX);
            let names: Vec<&str> = result
                .endpoints
                .keys()
                .map(|&id| table.endpoint(id).name.as_ref())
                .collect();
            names.join(", ")
        };
        let rooted = || {
            let mut c = candidate(3, "/api/v2/chats/search", Kind::Rooted);
            c.method = Some("GET".to_owned());
            file("client.js", vec![c])
        };
        let base = |url: &str| file(".env.example", vec![candidate(1, url, Kind::Api)]);
        assert_eq!(calls(vec![rooted()]), "");
        assert_eq!(
            calls(vec![
                base("https://p.texterchat.com/server/api/v2"),
                rooted()
            ]),
            ""
        );
        assert_eq!(
            calls(vec![base("https://p.texterchat.com/server"), rooted()]),
            "Search Chats"
        );
        assert_eq!(
            calls(vec![
                base("https://p.texterchat.com/server/api"),
                file("c.js", vec![candidate(3, "/v2/chats/search", Kind::Rooted)])
            ]),
            "Search Chats"
        );
        let api = base("https://p.texterchat.com/server/api");
        let result = resolve(
            &table,
            &texter_vocab(&table),
            vec![
                api,
                file("c.js", vec![candidate(3, "/v2/labels/1", Kind::Rooted)]),
            ],
            u64::MAX,
        );
        assert_eq!(result.unresolved.len(), 1, "GET or PATCH: unresolved");
        // Not at a call site: nothing, whatever the base.
        let mut nav = rooted();
        nav.candidates[0].call = false;
        assert_eq!(
            calls(vec![base("https://p.texterchat.com/server"), nav]),
            ""
        );
    }

    /// `n` bases that end inside a path, each spelled differently, and `n` suffixes.
    fn bases_and_suffixes(n: usize) -> Vec<FileScan> {
        let bases = (0..n)
            .map(|i| {
                let path = format!("/whatsapp/templates/acc{i}/tpl{i}/localizations/l{i}");
                candidate(i + 1, &path, Kind::Api)
            })
            .collect();
        let suffixes = (0..n)
            .map(|i| candidate(i + 1, "/submit", Kind::Suffix))
            .collect();
        vec![file("bases.js", bases), file("suffixes.js", suffixes)]
    }

    #[test]
    fn many_bases_and_suffixes_cost_linear_work() {
        let table = table();
        let vocab = texter_vocab(&table);
        let mut counted = Vec::new();
        for n in [200, 1600] {
            work::take();
            let result = resolve(&table, &vocab, bases_and_suffixes(n), u64::MAX);
            counted.push(work::take());
            let occurrences: usize = result.endpoints.values().map(Vec::len).sum();
            assert_eq!(occurrences, n, "every suffix completes a base");
        }
        assert!(
            counted[1] <= counted[0] * 10,
            "work grew from {} to {}",
            counted[0],
            counted[1]
        );
    }
}
