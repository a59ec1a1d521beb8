//! What scan looks for in one API, from its table and its convention: the hosts of its base
//! URLs (`{placeholders}` as wildcards), their base paths (stripped from URLs on those hosts
//! before matching), the first segments of its paths, and what marks a file as using it.

use std::collections::{BTreeSet, HashMap};

use crate::table::{API_PREFIX, EndpointId, Segment, Table, request_segments};

use super::conventions::{self, Convention};
use super::expr::mask_dollar_segments;

/// What the extractor needs to know about the API.
pub struct Vocabulary {
    /// First literal segments of the table's paths (`chats`, `whatsapp`, ...); lowercase for
    /// an API whose paths ignore case.
    pub first_segments: Vec<String>,
    /// Host of `--base-url`, lowercase.
    pub extra_host: Option<String>,
    hosts: Vec<Host>,
    /// Base paths of the base URLs, as segments (`[v1.0]`, `[server, api, v2]`), longest
    /// first, each once.
    base_paths: Vec<Vec<String>>,
    /// A base path that names the API on any host (Texter's `/server/api/v2`).
    pub prefix: Option<String>,
    pub convention: &'static Convention,
    /// What a path starts with when its base ends inside a base path: `/api/v2/` after
    /// `…/server`, `/v2/` after `…/server/api`, `/v1.0/` after a bare Graph host.
    pub base_path_tails: Vec<String>,
    /// Lowercase literal → the table's spelling, for an API whose paths ignore case.
    spellings: Option<HashMap<String, String>>,
    /// For an API whose client libraries name methods (see [`Convention::libraries`]): an
    /// endpoint's method id without its service, lowercase (`users.messages.list` for
    /// `gmail.users.messages.list`) → the endpoints of that name, each with its service.
    library: HashMap<String, Vec<(EndpointId, String)>>,
    /// The table's path segments that start with `$` (Graph's OData `$value`, `$ref`): in a
    /// path as written they are literals, not shell variables.
    dollar_literals: Vec<String>,
}

/// A base URL's host as labels, `None` for a `{placeholder}`. A leading placeholder stands
/// for any subdomain or none (`{projectID}.texterchat.com` is `texterchat.com` and
/// `acme.texterchat.com`), any other for exactly one label.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Host {
    labels: Vec<Option<String>>,
}

impl Host {
    /// The host of a base URL, or `None` when it has no literal part to recognise it by.
    fn parse(host: &str) -> Option<Host> {
        let labels: Vec<Option<String>> = host
            .split('.')
            .map(|l| (!(l.starts_with('{') && l.ends_with('}'))).then(|| l.to_owned()))
            .collect();
        labels
            .iter()
            .any(Option::is_some)
            .then_some(Host { labels })
    }

    fn matches(&self, host: &str) -> bool {
        let wanted: Vec<&str> = host.split('.').collect();
        let (any_prefix, labels) = match self.labels.split_first() {
            Some((None, rest)) => (true, rest),
            _ => (false, self.labels.as_slice()),
        };
        if wanted.len() < labels.len() || (!any_prefix && wanted.len() != labels.len()) {
            return false;
        }
        // A leading placeholder takes whatever comes before the rest, as `ends_with` would.
        let tail = &wanted[wanted.len() - labels.len()..];
        tail.iter().zip(labels).all(|(w, l)| match l {
            Some(l) => w == l,
            None => !w.is_empty(),
        })
    }

    /// The literal end of the host (`texterchat.com`): text every URL on it contains.
    fn literal(&self) -> String {
        let literal: Vec<&str> = self
            .labels
            .iter()
            .rev()
            .map_while(|l| l.as_deref())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        literal.join(".")
    }
}

/// Host (lowercase, without user or port) and path segments of a base URL.
fn split_base_url(url: &str) -> Option<(String, Vec<String>)> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let path = rest[end..].split(['?', '#']).next().unwrap_or("");
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some((host, segments))
}

impl Vocabulary {
    /// What scan looks for in `table`'s API; `base_url` is `--base-url`, whose host counts as
    /// the API's (and, but for Texter, whose path is a base path).
    pub fn new(table: &Table, base_url: Option<&str>) -> Vocabulary {
        let convention = conventions::of(&table.api).unwrap_or(&conventions::PLAIN);
        let case_insensitive = convention.case_insensitive;
        let mut first: BTreeSet<String> = BTreeSet::new();
        let mut spellings: HashMap<String, String> = HashMap::new();
        let mut dollar_literals: BTreeSet<String> = BTreeSet::new();
        for ep in table.endpoints.iter() {
            for s in ep.segments.iter() {
                if let Segment::Literal(l) = s
                    && l.starts_with('$')
                {
                    dollar_literals.insert(l.to_string());
                }
            }
            if let Some(Segment::Literal(l)) = ep.segments.first() {
                first.insert(if case_insensitive {
                    l.to_ascii_lowercase()
                } else {
                    l.to_string()
                });
            }
            if case_insensitive {
                for s in ep.segments.iter() {
                    if let Segment::Literal(l) = s {
                        spellings
                            .entry(l.to_ascii_lowercase())
                            .or_insert_with(|| l.to_string());
                    }
                }
            }
        }
        let bases: Vec<&str> = table
            .base_url
            .iter()
            .chain(&table.base_urls)
            .map(String::as_str)
            .chain(convention.base_urls.iter().copied())
            // `--base-url https://ghe.example.com/api/v3`: its path is a base path too, except
            // for Texter, whose prefix it always carries.
            .chain(base_url.filter(|_| !convention.prefix_anywhere))
            .collect();
        let mut vocab = Vocabulary::build(
            first.into_iter().collect(),
            &bases,
            base_url.and_then(|u| split_base_url(u).map(|(h, _)| h)),
            convention,
            case_insensitive.then_some(spellings),
        );
        if !convention.libraries.is_empty() {
            vocab.library = library_names(table);
        }
        vocab.dollar_literals = dollar_literals.into_iter().collect();
        vocab
    }

    fn build(
        first_segments: Vec<String>,
        bases: &[&str],
        extra_host: Option<String>,
        convention: &'static Convention,
        spellings: Option<HashMap<String, String>>,
    ) -> Vocabulary {
        let mut hosts: BTreeSet<Host> = BTreeSet::new();
        let mut base_paths: BTreeSet<(std::cmp::Reverse<usize>, Vec<String>)> = BTreeSet::new();
        for url in bases {
            let Some((host, path)) = split_base_url(url) else {
                continue;
            };
            hosts.extend(Host::parse(&host));
            if !path.is_empty() {
                base_paths.insert((std::cmp::Reverse(path.len()), path));
            }
        }
        let base_paths: Vec<Vec<String>> = base_paths.into_iter().map(|(_, p)| p).collect();
        let prefix = convention
            .prefix_anywhere
            .then(|| base_paths.first().map(|p| format!("/{}", p.join("/"))))
            .flatten();
        let base_path_tails = base_paths
            .iter()
            .flat_map(|p| (0..p.len()).map(move |k| format!("/{}/", p[k..].join("/"))))
            .collect();
        Vocabulary {
            first_segments,
            extra_host,
            base_path_tails,
            hosts: hosts.into_iter().collect(),
            base_paths,
            prefix,
            convention,
            spellings,
            library: HashMap::new(),
            dollar_literals: Vec::new(),
        }
    }

    /// The line with the `$` of each of the table's `$` segments (`/$value`) masked, so that
    /// reading a path keeps it a literal (see [`mask_dollar_segments`]); `None` when the line
    /// has none.
    pub fn mask_dollar_literals(&self, line: &str) -> Option<String> {
        if self.dollar_literals.is_empty() {
            return None;
        }
        mask_dollar_segments(line, |word| {
            self.dollar_literals
                .iter()
                .any(|l| l.eq_ignore_ascii_case(word))
        })
    }

    /// The endpoints a client-library chain calls (`service`, `users`, `messages`, `list`):
    /// those named by its longest tail of two names or more, `None` when no tail is a name.
    /// When services share the name (`channels.stop`), a receiver named after one of them
    /// (`drive.channels.stop(…)`) chooses it.
    pub fn library_endpoints(&self, chain: &[String]) -> Option<Vec<EndpointId>> {
        if self.library.is_empty() {
            return None;
        }
        (0..chain.len().saturating_sub(1)).find_map(|skip| {
            let named = self.library.get(&chain[skip..].join("."))?;
            let receivers = &chain[..skip];
            let chosen: Vec<EndpointId> = named
                .iter()
                .filter(|(_, service)| receivers.contains(service))
                .map(|(id, _)| *id)
                .collect();
            Some(if chosen.len() == 1 {
                chosen
            } else {
                named.iter().map(|(id, _)| *id).collect()
            })
        })
    }

    /// The method names of the client-library calls, as a call spells them (`.list(`,
    /// `.List(`, `.import_(`): literals for the line prefilter.
    pub fn library_triggers(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for name in self.library.keys() {
            let method = name.rsplit('.').next().unwrap_or(name);
            out.insert(format!(".{method}("));
            out.insert(format!(".{method}_("));
            let mut capital = method.to_owned();
            if let Some(first) = capital.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            out.insert(format!(".{capital}("));
        }
        out
    }

    /// A method called on a resource call (`().list(`, `().import_(`), the shape of Python's
    /// and Java's generated clients: a file holding one may be a module handed a client built
    /// elsewhere, so these pass the gate.
    fn library_resource_calls(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for name in self.library.keys() {
            let method = name.rsplit('.').next().unwrap_or(name);
            out.insert(format!("().{method}("));
            out.insert(format!("().{method}_("));
        }
        out
    }

    /// Texter's vocabulary with the given first segments, for tests of the extractor.
    #[cfg(test)]
    pub fn texter(first_segments: &[&str]) -> Vocabulary {
        Vocabulary::build(
            first_segments.iter().map(|s| (*s).to_owned()).collect(),
            &["https://{projectID}.texterchat.com/server/api/v2"],
            None,
            conventions::of("texter").unwrap_or(&conventions::PLAIN),
            None,
        )
    }

    /// The vocabulary of a built-in convention's API with the given first segments and the
    /// convention's own base URLs plus GitHub's and Graph's, for tests of the extractor.
    #[cfg(test)]
    pub fn for_convention(api: &str, first_segments: &[&str]) -> Vocabulary {
        let convention = conventions::of(api).unwrap_or(&conventions::PLAIN);
        let mut bases = vec!["https://api.github.com", "https://graph.microsoft.com/v1.0"];
        bases.extend(convention.base_urls);
        Vocabulary::build(
            first_segments.iter().map(|s| (*s).to_owned()).collect(),
            &bases,
            None,
            convention,
            convention.case_insensitive.then(HashMap::new),
        )
    }

    /// A path read again after the convention's rewrite of its text, when it has one.
    pub fn rewritten(&self, raw: &str) -> Option<String> {
        let rewrite = self.convention.rewrite?;
        rewrite(raw).map(|r| super::expr::read_expr(&r, 0).1)
    }

    /// Whether scan can tell a call of this API: it has a host to recognise or a convention.
    pub fn knows_calls(&self) -> bool {
        !self.hosts.is_empty()
            || self.extra_host.is_some()
            || !std::ptr::eq(self.convention, &conventions::PLAIN)
    }

    /// Whether a URL's host (lowercase) is one of the API's.
    pub fn is_api_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.matches(host)) || self.extra_host.as_deref() == Some(host)
    }

    /// The literal end of every host (`api.github.com`, `googleapis.com`).
    pub fn host_literals(&self) -> impl Iterator<Item = String> + '_ {
        self.hosts
            .iter()
            .map(Host::literal)
            .filter(|l| !l.is_empty())
    }

    /// Whether `first` is the first segment of some table path.
    pub fn starts_table_path(&self, first: &str) -> bool {
        if self.spellings.is_some() {
            let lower = first.to_ascii_lowercase();
            self.first_segments.contains(&lower)
        } else {
            self.first_segments.iter().any(|s| s == first)
        }
    }

    /// Whether `text` starts with `start`, in the API's case rules.
    pub fn starts_with(&self, text: &str, start: &str) -> bool {
        if self.spellings.is_some() {
            text.len() >= start.len()
                && text.as_bytes()[..start.len()].eq_ignore_ascii_case(start.as_bytes())
        } else {
            text.starts_with(start)
        }
    }

    /// The segments of a base path a URL with `segments` stops short of (`[api, v2]` for
    /// `…/server`), for every base path it is a proper prefix of.
    pub fn missing_base(&self, segments: &[Segment]) -> Vec<Vec<String>> {
        self.base_paths
            .iter()
            .filter(|p| {
                segments.len() < p.len()
                    && segments.iter().zip(p.iter()).all(|(s, p)| match s {
                        Segment::Literal(l) => self.same(l, p),
                        Segment::Param(_) => false,
                    })
            })
            .map(|p| p[segments.len()..].to_vec())
            .collect()
    }

    fn same(&self, a: &str, b: &str) -> bool {
        if self.spellings.is_some() {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    /// The API-relative segments of a URL on one of the API's hosts: its base path, if it
    /// starts with one, removed (the longest; Texter's prefix is removed by `request_segments`).
    pub fn url_segments(&self, url: &str) -> Option<Vec<Segment>> {
        let mut segments = request_segments(url)?;
        let stripped = self.base_paths.iter().find(|p| {
            p.len() <= segments.len()
                && format!("/{}", p.join("/")) != API_PREFIX
                && segments.iter().zip(p.iter()).all(|(s, p)| match s {
                    Segment::Literal(l) => self.same(l, p),
                    Segment::Param(_) => false,
                })
        });
        if let Some(p) = stripped {
            segments.drain(..p.len());
        }
        Some(self.spell(segments))
    }

    /// The segments of a path, spelled as the table spells them.
    pub fn path_segments(&self, path: &str) -> Option<Vec<Segment>> {
        request_segments(path).map(|s| self.spell(s))
    }

    fn spell(&self, segments: Vec<Segment>) -> Vec<Segment> {
        let Some(spellings) = &self.spellings else {
            return segments;
        };
        segments
            .into_iter()
            .map(|s| match s {
                Segment::Literal(l) => match spellings.get(&l.to_ascii_lowercase()) {
                    Some(table) => Segment::Literal(table.clone().into()),
                    None => Segment::Literal(l),
                },
                param => param,
            })
            .collect()
    }

    /// Literals a file must contain one of to be read closely, beyond the table's paths: the
    /// prefix, the hosts' literal ends, the convention's words (in the spellings identifiers
    /// use), markers and triggers.
    pub fn literals(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = BTreeSet::new();
        let spellings = |w: &str| {
            let mut capital = w.to_owned();
            if let Some(first) = capital.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            [w.to_owned(), capital, w.to_ascii_uppercase()]
        };
        for w in self.convention.words.iter().chain(self.convention.markers) {
            out.extend(spellings(w));
        }
        out.extend(self.convention.triggers.iter().map(|t| (*t).to_owned()));
        out.extend(self.prefix.iter().cloned());
        out.extend(self.extra_host.iter().cloned());
        out.extend(self.host_literals());
        out
    }

    /// For an API whose relative paths count only in files that name it, what a file must
    /// contain for anything in it to count (see [`Gate`]); `None` for Texter, whose calls count
    /// across the project.
    pub fn gate(&self) -> Option<Gate> {
        if self.convention.project_wide {
            return None;
        }
        let mut literals: Vec<String> = self
            .host_literals()
            .chain(self.extra_host.iter().cloned())
            .chain(self.prefix.iter().cloned())
            .chain(self.convention.markers.iter().map(|m| (*m).to_owned()))
            .chain(self.convention.triggers.iter().map(|t| (*t).to_owned()))
            .chain(self.library_resource_calls())
            .collect();
        let plain: Vec<String> = literals.iter().map(|l| l.to_ascii_lowercase()).collect();
        // Plain literals first: at one position, the first alternative that matches wins.
        literals.extend(self.convention.words.iter().map(|w| (*w).to_owned()));
        let alternatives: Vec<String> = literals.iter().map(|l| regex::escape(l)).collect();
        let search = regex::bytes::RegexBuilder::new(&alternatives.join("|"))
            .unicode(false)
            .case_insensitive(true)
            .build()
            .ok()?;
        Some(Gate { search, plain })
    }

    /// Whether the text marks the file as talking to the API: the prefix, the `--base-url`
    /// host, a host of the API, a marker of its convention, or one of its words inside an
    /// identifier (`TEXTER_BASE`, `texterBase`). The bare word "Texter" in a comment is not
    /// enough.
    pub fn has_marker(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        let words = self.convention.words;
        if self.prefix.as_ref().is_some_and(|p| lower.contains(p.as_str()))
            || self
                .extra_host
                .as_ref()
                .is_some_and(|h| lower.contains(h.as_str()))
            // A host that holds a word is found by the word (`texterchat.com`).
            || self
                .host_literals()
                .filter(|h| !words.iter().any(|w| h.contains(w)))
                .any(|h| lower.contains(h.as_str()))
            || self.convention.markers.iter().any(|m| lower.contains(m))
        {
            return true;
        }
        let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        let bytes = lower.as_bytes();
        words.iter().any(|w| {
            lower.match_indices(w).any(|(i, _)| {
                ident(i.checked_sub(1).and_then(|j| bytes.get(j))) || ident(bytes.get(i + w.len()))
            })
        })
    }
}

/// Method ids without their service, lowercase → endpoints: every endpoint named
/// `<service>.<resource>….<method>` (a Discovery id; upload variants, named with a suffix in
/// parentheses, are not what a plain call names).
fn library_names(table: &Table) -> HashMap<String, Vec<(EndpointId, String)>> {
    let mut out: HashMap<String, Vec<(EndpointId, String)>> = HashMap::new();
    for (id, ep) in table.endpoints.iter().enumerate() {
        let name: &str = &ep.name;
        let Some((service, rest)) = name.split_once('.') else {
            continue;
        };
        if rest.contains('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        {
            out.entry(rest.to_ascii_lowercase())
                .or_default()
                .push((EndpointId(id), service.to_ascii_lowercase()));
        }
    }
    out
}

/// The test a file passes before it is searched line by line, for an API whose calls count
/// only in files that name it: one of its hosts, markers or SDK triggers, or one of its words
/// inside an identifier (`GITHUB_API`, not the `github.com` of a link). GitHub's table has a
/// thousand paths, and `/user` or `/events` are in every other file of a tree; a file that
/// names no API is then skipped after one search.
pub struct Gate {
    /// The literals and words in any case: a literal search (the regex engine's SIMD literal
    /// prefilters handle case variants, which Aho-Corasick's do not).
    search: regex::bytes::Regex,
    /// The literals that pass wherever they are (lowercase); any other match is a word.
    plain: Vec<String>,
}

impl Gate {
    pub fn passes(&self, text: &[u8]) -> bool {
        let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        self.search.find_iter(text).any(|m| {
            self.plain
                .iter()
                .any(|p| p.as_bytes().eq_ignore_ascii_case(m.as_bytes()))
                || ident(m.start().checked_sub(1).and_then(|i| text.get(i)))
                || ident(text.get(m.end()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_passes_the_gate_when_it_names_the_api() {
        let github = Vocabulary::for_convention("github", &["repos"]);
        let Some(gate) = github.gate() else {
            panic!("no gate")
        };
        for yes in [
            "fetch('https://API.GitHub.com/user')",
            "import { Octokit } from '@octokit/rest'",
            "const base = process.env.GITHUB_API_URL",
            "githubClient.get('/user')",
            "gh api user",
        ] {
            assert!(gate.passes(yes.as_bytes()), "{yes}");
        }
        for no in [
            "see https://github.com/serde-rs/serde",
            "GitHub is where code lives; fetch('/user')",
        ] {
            assert!(!gate.passes(no.as_bytes()), "{no}");
        }
        assert!(Vocabulary::texter(&["chats"]).gate().is_none());
        let graph = Vocabulary::for_convention("msgraph", &["me"]);
        assert!(graph.has_marker("await graphClient.api('/me').get()"));
        for no in ["<p>A paragraph</p> fetch('/me')", "graphql('{ me }')"] {
            assert!(!graph.has_marker(no), "{no}");
        }
    }

    #[test]
    fn placeholders_in_hosts_are_wildcards() {
        let h = |s: &str| Host::parse(s).unwrap_or_else(|| panic!("{s}"));
        let texter = h("{projectid}.texterchat.com");
        for ok in [
            "texterchat.com",
            "acme.texterchat.com",
            "a.b.texterchat.com",
        ] {
            assert!(texter.matches(ok), "{ok}");
        }
        for no in [
            "texterchat.com.evil.io",
            "eviltexterchat.com",
            "texterchat.co",
        ] {
            assert!(!texter.matches(no), "{no}");
        }
        let github = h("api.github.com");
        assert!(github.matches("api.github.com"));
        assert!(!github.matches("x.api.github.com") && !github.matches("github.com"));
        let regional = h("api.{region}.example.com");
        assert!(regional.matches("api.eu.example.com"));
        assert!(!regional.matches("api.example.com"));
        assert_eq!(regional.literal(), "example.com");
        assert!(Host::parse("{host}").is_none());
    }

    #[test]
    fn base_paths_are_stripped_from_urls_on_the_api_hosts() {
        let v = Vocabulary::build(
            vec!["me".into()],
            &[
                "https://graph.microsoft.com/v1.0",
                "https://graph.microsoft.com/beta",
            ],
            None,
            conventions::of("msgraph").unwrap_or(&conventions::PLAIN),
            Some(HashMap::from([(
                "mailfolders".into(),
                "mailfolders".into(),
            )])),
        );
        let path = |url: &str| {
            let s = v.url_segments(url).unwrap_or_default();
            let parts: Vec<String> = s
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => l.to_string(),
                    Segment::Param(_) => "{}".into(),
                })
                .collect();
            parts.join("/")
        };
        assert_eq!(
            path("https://graph.microsoft.com/v1.0/me/mailFolders/{id}"),
            "me/mailfolders/{}"
        );
        assert_eq!(path("https://graph.microsoft.com/BETA/me"), "me");
        assert_eq!(path("https://graph.microsoft.com/me"), "me");
        assert_eq!(v.base_path_tails, ["/beta/", "/v1.0/"]);
        assert_eq!(v.missing_base(&[]), [vec!["beta"], vec!["v1.0"]]);
        let texter = Vocabulary::texter(&["chats"]);
        assert_eq!(texter.prefix.as_deref(), Some(API_PREFIX));
        assert_eq!(
            texter.base_path_tails,
            ["/server/api/v2/", "/api/v2/", "/v2/"]
        );
    }
}
