//! Importers: a provider's published permission data turned into a scope table.
//!
//! `tokenscope table import SOURCE FILE...` reads the files (capped in size, UTF-8 text only),
//! lets the source's importer build a table file model (`out`), serializes it, and loads the
//! text back with the table loader: what does not load is an error, never output. An importer
//! is deterministic (same input bytes, same output bytes), records where its data came from,
//! and never invents a requirement: what its source leaves unclear is `evidence: inferred`,
//! with the reason.

mod github_docs;
mod google_discovery;
mod msgraph;
mod openapi;
mod out;
mod routes;
mod slug;

pub use openapi::{OpenApiOptions, ProfileName};

use std::path::PathBuf;

use crate::error::InputError;
use crate::source::{SourceFile, Span};
use crate::table::Table;

/// The largest input file an importer reads. GitHub's biggest REST category files are a few
/// megabytes; the cap keeps a wrong path (a disk image, a log) from filling memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Where a table's data comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportSource {
    /// github/docs: the fine-grained permission files of `src/github-apps/data/<version>/`
    /// and the REST category files of `src/rest/data/<version>/`.
    GithubDocs,
    /// Google API Discovery documents, one per API (scopes of a method are alternatives).
    GoogleDiscovery,
    /// An OpenAPI 3.0 or 3.1 document (security requirements, permission extensions).
    OpenApi,
    /// Microsoft Graph: `permissions.json` of microsoftgraph/microsoft-graph-devx-content.
    Msgraph,
}

/// What the command line adds to the files.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `NAME=SHA`: the upstream commit the file whose base name is NAME came from.
    pub commits: Vec<String>,
    /// The date the files were retrieved (`YYYY-MM-DD`, checked by the caller).
    pub retrieved: Option<String>,
    /// `--api-id`, `--title`, `--base-url`: what the table says instead of what the importer
    /// made of the files.
    pub api_id: Option<String>,
    pub title: Option<String>,
    pub base_urls: Vec<String>,
    /// What only `openapi` reads.
    pub openapi: OpenApiOptions,
}

/// A table file that loads, and what the importer noticed on the way (for standard error).
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub notes: Vec<String>,
}

/// The commit recorded for each input file, by base name.
#[derive(Debug, Default)]
pub(crate) struct Commits(Vec<(String, String)>);

impl Commits {
    pub(crate) fn of(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, sha)| sha.as_str())
    }

    /// How `source:` names a file: `name @ sha` when its commit is known, else `name`.
    pub(crate) fn label(&self, name: &str) -> String {
        match self.of(name) {
            Some(sha) => format!("{name} @ {sha}"),
            None => name.to_owned(),
        }
    }
}

/// Reads the files, imports them and returns the table's text once it has loaded.
pub fn run(
    source: ImportSource,
    paths: &[PathBuf],
    options: &Options,
) -> Result<Imported, Vec<InputError>> {
    let mut errors = Vec::new();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        match SourceFile::read(path, MAX_INPUT_BYTES) {
            Ok(file) => files.push(file),
            Err(e) => errors.push(e),
        }
    }
    let commits = match parse_commits(&options.commits, &files) {
        Ok(commits) => commits,
        Err(e) => {
            errors.push(e);
            Commits::default()
        }
    };
    if let Err(e) = check_overrides(options) {
        errors.push(e);
    }
    if source != ImportSource::OpenApi
        && let Some(flag) = openapi_flag(&options.openapi)
    {
        errors.push(InputError::BadFlag {
            flag,
            why: "applies to `table import openapi` only".into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let context = Context {
        commits,
        retrieved: options.retrieved.clone(),
    };
    let (mut table, notes) = match source {
        ImportSource::GithubDocs => github_docs::import(&files, &context)?,
        ImportSource::GoogleDiscovery => google_discovery::import(&files, &context)?,
        ImportSource::OpenApi => openapi::import(&files, &context, &options.openapi)?,
        ImportSource::Msgraph => msgraph::import(&files, &context)?,
    };
    if let Some(api) = &options.api_id {
        table.api.clone_from(api);
    }
    if let Some(title) = &options.title {
        table.title.clone_from(title);
    }
    if !options.base_urls.is_empty() {
        table.base_urls.0.clone_from(&options.base_urls);
    }
    let text = reloaded(&table)?;
    Ok(Imported { text, notes })
}

/// What an importer gets besides the files.
#[derive(Debug, Default)]
pub(crate) struct Context {
    pub commits: Commits,
    pub retrieved: Option<String>,
}

/// The base name of a file as given (`a/b/c.json` → `c.json`).
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `--commit NAME=SHA`: NAME must be the base name of a given file, named once; SHA a commit
/// id (7 to 40 hexadecimal digits).
fn parse_commits(values: &[String], files: &[SourceFile]) -> Result<Commits, InputError> {
    let bad = |why: String| InputError::BadFlag {
        flag: "--commit",
        why,
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for value in values {
        let Some((name, sha)) = value.split_once('=') else {
            return Err(bad(format!(
                "takes NAME=SHA (a file's base name and its commit), not {}",
                quoted(value)
            )));
        };
        if !(7..=40).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!(
                "{} is not a commit id (7 to 40 hexadecimal digits)",
                quoted(sha)
            )));
        }
        if !files.iter().any(|f| base_name(&f.path) == name) {
            return Err(bad(format!(
                "names {}, which is not the base name of any input file",
                quoted(name)
            )));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(bad(format!("gives {} twice", quoted(name))));
        }
        out.push((name.to_owned(), sha.to_ascii_lowercase()));
    }
    Ok(Commits(out))
}

/// The first `openapi`-only flag given, if any.
fn openapi_flag(options: &OpenApiOptions) -> Option<&'static str> {
    if options.scheme.is_some() {
        Some("--scheme")
    } else if options.profile.is_some() {
        Some("--profile")
    } else if options.permission_extension.is_some() {
        Some("--permission-extension")
    } else if options.scopes_are_alternatives {
        Some("--scopes-are-alternatives")
    } else {
        None
    }
}

/// `--api-id` is a table id; each `--base-url` an http(s) URL without a query or fragment.
fn check_overrides(options: &Options) -> Result<(), InputError> {
    if let Some(api) = &options.api_id
        && (api.is_empty()
            || !api
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
    {
        return Err(InputError::BadFlag {
            flag: "--api-id",
            why: format!(
                "{} is not a lowercase id (letters, digits, `-`, `_`)",
                quoted(api)
            ),
        });
    }
    for url in &options.base_urls {
        let ok = url::Url::parse(url).is_ok_and(|u| {
            matches!(u.scheme(), "https" | "http")
                && u.host_str().is_some()
                && u.query().is_none()
                && u.fragment().is_none()
        });
        if !ok {
            return Err(InputError::BadFlag {
                flag: "--base-url",
                why: format!(
                    "{} is not an http(s) URL without a query or fragment",
                    quoted(url)
                ),
            });
        }
    }
    Ok(())
}

/// A value from the input in backquotes, cut short if long (messages stay one readable line).
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("`{}…`", &value[..cut]),
        None => format!("`{value}`"),
    }
}

/// A serde_json error in `file` as a located input error. `shown`: whether the code frame may
/// show the file's text (not before the file is recognised as the data it should be).
pub(crate) fn json_error(
    file: &SourceFile,
    error: &serde_json::Error,
    shown: bool,
    help: Option<String>,
) -> InputError {
    let (line, column) = (error.line(), error.column());
    let mut message = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    if line > 0
        && let Some(stripped) = message.strip_suffix(&suffix)
    {
        message = stripped.to_owned();
    }
    if error.is_syntax() || error.is_eof() {
        message = format!("not valid JSON: {message}");
    }
    let span = json_span(file, line, column);
    if shown {
        InputError::at(file, span, message, "here", help)
    } else {
        InputError::at_unshown(file, span, message, help)
    }
}

/// serde_json counts lines at `\n` and columns in bytes (the column of the last byte read).
fn json_span(file: &SourceFile, line: usize, column: usize) -> Span {
    if line == 0 {
        return file.span(0, 0);
    }
    let start = nth_line_start(&file.text, line - 1);
    let line_end = file.text[start..]
        .find('\n')
        .map_or(file.text.len(), |i| start + i);
    let offset = (start + column.saturating_sub(1)).min(line_end);
    file.span(offset, usize::from(offset < line_end))
}

/// The byte offset where the `index`-th line (0-based, lines ending at `\n`) starts.
fn nth_line_start(text: &str, index: usize) -> usize {
    if index == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(index - 1)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// The table's text, after it has loaded as a table: what does not load is never printed.
fn reloaded(table: &out::TableFile) -> Result<String, Vec<InputError>> {
    const NAME: &str = "the imported table";
    let text = match out::to_yaml(table) {
        Ok(text) => text,
        Err(why) => {
            let file = SourceFile::new(NAME, "");
            return Err(vec![InputError::at(
                &file,
                file.span(0, 0),
                format!("the imported table could not be written as YAML: {why}"),
                "",
                None,
            )]);
        }
    };
    let file = SourceFile::new(NAME, text.as_str());
    match Table::load(file.clone()) {
        Ok(_) => Ok(text),
        Err(errors) => {
            let mut all = vec![InputError::at(
                &file,
                file.span(0, 0),
                "the table imported from these files does not load as a scope table, so it was not printed",
                "the imported table",
                Some("the errors below point into the table as it would have been printed".into()),
            )];
            all.extend(errors);
            Err(all)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_point_at_the_line_and_column() {
        let file = SourceFile::new("f.json", "{\n  \"a\": 1 2\n}");
        let Err(err) = serde_json::from_str::<serde_json::Value>(&file.text) else {
            panic!("parsed");
        };
        let e = json_error(&file, &err, false, None);
        assert_eq!(e.line_column(), Some((2, 10)), "{e}");
        assert!(!e.to_string().contains("at line"), "{e}");
    }

    #[test]
    fn commits_name_given_files_once() {
        let files = [SourceFile::new("dir/a.json", "{}")];
        let ok = parse_commits(&["a.json=0123abcd".into()], &files);
        assert_eq!(
            ok.map(|c| c.of("a.json").map(str::to_owned)).ok(),
            Some(Some("0123abcd".into()))
        );
        let commits = parse_commits(&["a.json=0123ABCD".into()], &files).unwrap_or_default();
        assert_eq!(commits.label("a.json"), "a.json @ 0123abcd");
        assert_eq!(commits.label("b.json"), "b.json");
        for bad in ["a.json", "b.json=0123abcd", "a.json=xyz", "a.json=0123"] {
            assert!(parse_commits(&[bad.into()], &files).is_err(), "{bad}");
        }
        let twice = ["a.json=0123abcd".into(), "a.json=0123abce".into()];
        assert!(parse_commits(&twice, &files).is_err());
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("abc"), "`abc`");
        assert_eq!(quoted(&"é".repeat(100)).chars().count(), 83);
    }
}
