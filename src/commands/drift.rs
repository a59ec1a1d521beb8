//! `tokenscope table drift`: compare the scope table with the published API reference, and
//! optionally write the docs' version into the table file.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::cli::{DriftArgs, OutputFormat};
use crate::live::LiveError;
use crate::live::date::today;
use crate::live::drift::{Change, Kind, check_removals, compare, fetch, index_url};
use crate::live::http::{Policy, display_url, verbosity};
use crate::live::write::rewrite;
use crate::render::human::HumanRenderer;
use crate::render::json::{SCHEMA_VERSION, to_string};
use crate::sanitize::terminal_line;
use crate::source::{SourceFile, display_path};
use crate::table::Table;

use super::{Exit, Output};

#[derive(Serialize)]
struct DriftJson<'a> {
    schema_version: u32,
    docs: String,
    /// The table file, or `null` for the built-in table.
    table: Option<String>,
    pages: Pages,
    changes: Vec<ChangeJson<'a>>,
    /// With `--write`: whether the table file was updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<bool>,
}

#[derive(Serialize)]
struct Pages {
    read: usize,
    endpoints: usize,
    skipped: usize,
    /// API reference links on another origin than `--docs-url`'s, not read.
    offsite: usize,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    kind: Kind,
    name: &'a str,
    field: Option<&'static str>,
    table: &'a Value,
    docs: &'a Value,
}

pub fn run(
    table: &Table,
    table_path: Option<&Path>,
    args: &DriftArgs,
    color: bool,
    quiet: bool,
) -> (Output, Exit) {
    let mut out = Output::default();
    let renderer = HumanRenderer::new(color);
    let fail = |mut out: Output, e: &LiveError| {
        renderer.diagnostic(&mut out.stderr, e);
        let exit = e.exit();
        (out, exit)
    };
    let path = match (args.write, table_path) {
        (true, None) => return fail(out, &LiveError::WriteNeedsTable),
        (_, path) => path,
    };
    let index = match index_url(&args.docs_url) {
        Ok(url) => url,
        Err(e) => return fail(out, &e),
    };
    let fetched = match fetch(&index, Policy::from_args(&args.net), verbosity(&args.net)) {
        Ok(f) => f,
        Err(e) => return fail(out, &e),
    };
    for line in &fetched.log {
        let _ = writeln!(out.stderr, "tokenscope: {}", terminal_line(line));
    }
    for w in &fetched.warnings {
        let _ = writeln!(out.stderr, "warning: {}", terminal_line(w));
    }
    if !fetched.failures.is_empty() {
        for f in &fetched.failures {
            let _ = writeln!(out.stderr, "error: {}", terminal_line(f));
        }
        let total = fetched.docs.read + fetched.docs.skipped + fetched.failures.len();
        let e = LiveError::DocsIncomplete {
            count: fetched.failures.len(),
            total,
        };
        return fail(out, &e);
    }
    let docs = &fetched.docs;
    let changes = compare(table, docs);
    let shown_docs = display_url(&index.url);
    let table_name = path.map_or_else(
        || "the built-in table".to_owned(),
        |p| terminal_line(&display_path(p)).into_owned(),
    );

    let mut written = None;
    let mut refused = None;
    if args.write
        && let Some(path) = path
        && !changes.is_empty()
    {
        let date = args.today.clone().unwrap_or_else(today);
        match write_table(table, path, &changes, &date, docs) {
            Ok(report) => {
                out.stderr.push_str(&report);
                written = Some(true);
            }
            Err(e) => {
                renderer.diagnostic(&mut out.stderr, &e);
                written = Some(false);
                refused = Some(e.exit());
            }
        }
    } else if args.write {
        written = Some(false);
    }

    match args.format {
        OutputFormat::Json => {
            let doc = DriftJson {
                schema_version: SCHEMA_VERSION,
                docs: shown_docs,
                table: path.map(display_path),
                pages: Pages {
                    read: docs.read,
                    endpoints: docs.pages.len(),
                    skipped: docs.skipped,
                    offsite: fetched.offsite.len(),
                },
                changes: changes
                    .iter()
                    .map(|c| ChangeJson {
                        kind: c.kind,
                        name: &c.name,
                        field: c.field.map(|f| f.as_str()),
                        table: &c.table,
                        docs: &c.docs,
                    })
                    .collect(),
                written,
            };
            out.stdout = to_string(&doc);
        }
        OutputFormat::Human => {
            for c in &changes {
                let _ = writeln!(out.stdout, "{}", change_line(c));
            }
            if !quiet {
                let what = if changes.is_empty() {
                    "no drift".to_owned()
                } else {
                    crate::audit::plural(changes.len(), "change")
                };
                let _ = writeln!(
                    out.stdout,
                    "tokenscope: {what} between {table_name} and {shown_docs} ({} read, {} describing an endpoint{})",
                    crate::audit::plural(docs.read, "page"),
                    docs.pages.len(),
                    offsite_note(fetched.offsite.len())
                );
            }
        }
    }
    if let Some(exit) = refused {
        // The write was refused: the diagnostic above says why.
        return (out, exit);
    }
    let exit = if changes.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    };
    (out, exit)
}

/// Rewrites the table, checks that the docs then show no drift but what needs a person,
/// writes it atomically, and says what was done.
fn write_table(
    table: &Table,
    path: &Path,
    changes: &[Change],
    date: &str,
    docs: &crate::live::drift::Docs,
) -> Result<String, LiveError> {
    check_removals(table, changes)?;
    let result = rewrite(table, changes, date).map_err(escaped)?;
    let key = |c: &Change| (c.kind, c.name.clone(), c.field);
    let expected: BTreeSet<_> = result
        .manual
        .iter()
        .map(|(i, _)| key(&changes[*i]))
        .collect();
    let reread = Table::load(SourceFile::new(
        table.file.path.clone(),
        result.text.clone(),
    ))
    .map_err(|_| LiveError::TableRewrite {
        why: "the result does not load".into(),
    })?;
    let left: BTreeSet<_> = compare(&reread, docs).iter().map(key).collect();
    if left != expected {
        let extra: Vec<String> = left
            .difference(&expected)
            .map(|(kind, name, field)| {
                format!(
                    "{} {}{}",
                    kind.as_str(),
                    terminal_line(name),
                    field
                        .map(|f| format!(" ({})", f.as_str()))
                        .unwrap_or_default()
                )
            })
            .collect();
        return Err(LiveError::TableRewrite {
            why: format!(
                "after the update the docs would still differ: {}",
                extra.join(", ")
            ),
        });
    }
    let mut report = String::new();
    for (i, why) in &result.manual {
        let c = &changes[*i];
        let _ = writeln!(
            report,
            "warning: not written: {} {}{}: {}",
            c.kind.as_str(),
            terminal_line(&c.name),
            c.field
                .map(|f| format!(" ({})", f.as_str()))
                .unwrap_or_default(),
            terminal_line(why)
        );
    }
    if result.applied.is_empty() {
        let _ = writeln!(
            report,
            "tokenscope: nothing could be written to {}",
            terminal_line(&display_path(path))
        );
        return Ok(report);
    }
    crate::atomic::write_atomically(path, &result.text).map_err(|cause| LiveError::WriteIo {
        path: terminal_line(&display_path(path)).into_owned(),
        cause,
    })?;
    let bundles = if result.bundles.is_empty() {
        String::new()
    } else {
        format!(
            "; area bundles brought along: {}",
            terminal_line(&result.bundles.join(", "))
        )
    };
    let _ = writeln!(
        report,
        "tokenscope: wrote {} to {} (retrieved: {date}){bundles}",
        crate::audit::plural(result.applied.len(), "change"),
        terminal_line(&display_path(path))
    );
    Ok(report)
}

/// A rewrite error with the table's and docs' text in it made safe for the terminal (it is
/// rendered as a diagnostic, which prints it as is).
fn escaped(e: LiveError) -> LiveError {
    match e {
        LiveError::TableRewrite { why } => LiveError::TableRewrite {
            why: terminal_line(&why).into_owned(),
        },
        other => other,
    }
}

/// `; 2 links to another origin not read` (`-v` lists them), or nothing.
fn offsite_note(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => "; 1 link to another origin not read".into(),
        n => format!("; {n} links to another origin not read"),
    }
}

/// `changed  Search Chats: scopes: List all chats → List all chats, View all chats`.
fn change_line(c: &Change) -> String {
    let detail = match (c.kind, c.field) {
        (Kind::Changed, Some(field)) => format!(
            "{}: {} → {}",
            field.as_str(),
            value_text(&c.table),
            value_text(&c.docs)
        ),
        (Kind::Added, _) => format!("in the docs, not in the table: {}", endpoint_text(&c.docs)),
        (Kind::Removed, _) => format!(
            "in the table, no page in the docs: {}",
            endpoint_text(&c.table)
        ),
        (Kind::Changed, None) => String::new(),
    };
    format!(
        "{:<8} {}: {detail}",
        c.kind.as_str(),
        terminal_line(&c.name)
    )
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => terminal_line(s).into_owned(),
        Value::Array(items) if items.is_empty() => "(no scopes)".into(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => terminal_line(&other.to_string()).into_owned(),
    }
}

fn endpoint_text(v: &Value) -> String {
    let sig = match (v["method"].as_str(), v["path"].as_str()) {
        (Some(m), Some(p)) => format!("{} {}", terminal_line(m), terminal_line(p)),
        _ => "method and path not published".into(),
    };
    let scopes = match &v["scopes"] {
        Value::Null => "scopes not listed".to_owned(),
        s => format!("needs {}", value_text(s)),
    };
    format!("{sig}; {scopes}")
}
