//! What calls to an API look like beyond its table's `base_urls`, keyed by API id: SDK and CLI
//! calls (`octokit.request("GET /user")`, `gh api user`, `client.api("/me").get()`), words and
//! literals that mark a file as using the API, hosts the table does not list, and a few rules
//! (Texter's prefix counts on any host, Graph's paths ignore case).
//!
//! An API without a convention is scanned from its table's base URLs alone.

mod github;
mod google;
mod msgraph;
mod texter;

use super::callsite::ident_before;

/// A call found by a convention: the path's byte range on its line, the path as an
/// expression (`/repos/{p}/{p}/issues`), and the method when the call names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SdkCall {
    pub start: usize,
    pub end: usize,
    pub path: String,
    pub method: Option<String>,
}

/// Finds the SDK calls whose path starts on `lines[index]`, reading only bounded windows.
pub type CallFinder = fn(lines: &[&str], index: usize, out: &mut Vec<SdkCall>);

/// A call through a client library that names the API method rather than its path
/// (`service.users().messages().list(…)`): the chain's byte range on its line, and the chain's
/// names in order, lowercase, receiver included (`service`, `users`, `messages`, `list`). Which
/// endpoint it is, the table's names tell (see `Vocabulary::library_endpoints`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryCall {
    pub start: usize,
    pub end: usize,
    pub chain: Vec<String>,
}

/// Finds the client-library calls whose method name is on `lines[index]`, reading only
/// bounded windows.
pub type LibraryFinder = fn(lines: &[&str], index: usize, out: &mut Vec<LibraryCall>);

/// One API's conventions.
pub struct Convention {
    pub api: &'static str,
    /// Base URLs beyond the table's (`https://{service}.googleapis.com`).
    pub base_urls: &'static [&'static str],
    /// Words that mark a file when part of an identifier (`TEXTER_BASE`, `githubClient`); the
    /// bare word in prose does not.
    pub words: &'static [&'static str],
    /// Text that marks a file wherever it appears, in any case (`octokit`).
    pub markers: &'static [&'static str],
    /// Literals on the lines SDK calls start on, for the prefilter (`gh api`, `.api(`).
    pub triggers: &'static [&'static str],
    /// The table's base path names the API on any host (`/server/api/v2`).
    pub prefix_anywhere: bool,
    /// A relative path counts in a project that names the API anywhere, rather than only in a
    /// file that does.
    pub project_wide: bool,
    /// Paths compare without regard to case (`/me/mailFolders` is `/me/mailfolders`).
    pub case_insensitive: bool,
    pub calls: &'static [CallFinder],
    /// Client-library calls named by the API's method ids (Google's generated clients); the
    /// table's endpoint names are those ids (`gmail.users.messages.list`).
    pub libraries: &'static [LibraryFinder],
    /// Rewrites a path as written before it is read, when the API's users spell part of it
    /// in a way of their own (GitHub's `$GITHUB_REPOSITORY` is `{owner}/{repo}`).
    pub rewrite: Option<fn(&str) -> Option<String>>,
}

/// What an API without a convention gets: its table's base URLs, relative paths only in files
/// that name one of its hosts.
pub static PLAIN: Convention = Convention {
    api: "",
    base_urls: &[],
    words: &[],
    markers: &[],
    triggers: &[],
    prefix_anywhere: false,
    project_wide: false,
    case_insensitive: false,
    calls: &[],
    libraries: &[],
    rewrite: None,
};

static ALL: &[&Convention] = &[
    &texter::TEXTER,
    &github::GITHUB,
    &msgraph::MSGRAPH,
    &google::GOOGLE,
];

/// The convention of an API, by its id.
pub fn of(api: &str) -> Option<&'static Convention> {
    ALL.iter().copied().find(|c| c.api == api)
}

/// What a finder finds in `text` line by line, each find's byte range (`range`) checked to lie
/// on its line: how the conventions' unit tests run a finder.
#[cfg(test)]
fn found_by<T: std::fmt::Debug>(
    finder: fn(&[&str], usize, &mut Vec<T>),
    range: fn(&T) -> (usize, usize),
    text: &str,
) -> Vec<T> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for i in 0..lines.len() {
        let mut found = Vec::new();
        finder(&lines, i, &mut found);
        for c in found {
            let (start, end) = range(&c);
            assert!(lines[i].get(start..end).is_some(), "{c:?}");
            out.push(c);
        }
    }
    out
}

/// The SDK calls `finder` finds in `text`, as (path, method).
#[cfg(test)]
fn calls_found(finder: CallFinder, text: &str) -> Vec<(String, Option<String>)> {
    found_by(finder, |c| (c.start, c.end), text)
        .into_iter()
        .map(|c| (c.path, c.method))
        .collect()
}

/// The library calls `finder` finds in `text`, each chain joined with `.`.
#[cfg(test)]
fn chains_found(finder: LibraryFinder, text: &str) -> Vec<String> {
    found_by(finder, |c| (c.start, c.end), text)
        .into_iter()
        .map(|c| c.chain.join("."))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_convention_is_found_by_its_id() {
        for c in ALL {
            assert!(std::ptr::eq(of(c.api).unwrap_or(&PLAIN), *c), "{}", c.api);
        }
        assert!(of("datadog").is_none());
    }
}
