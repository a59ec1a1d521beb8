//! `tokenscope table drift`: compare the scope table with the published API reference, and
//! optionally write the docs' version into the table file.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{DriftArgs, OutputFormat};
use crate::live::LiveError;
use crate::live::crawl::{fetch, index_url};
use crate::live::date::today;
use crate::live::drift::{Change, check_removals, compare};
use crate::live::http::{Policy, display_url, verbosity};
use crate::live::write::rewrite;
use crate::render;
use crate::report::DriftView;
use crate::sanitize::terminal_line;
use crate::source::{SourceFile, display_path};
use crate::table::Table;

use super::{Context, Exit, Failure};

pub fn run(
    ctx: &mut Context<'_>,
    table_path: Option<&Path>,
    args: &DriftArgs,
) -> Result<Exit, Failure> {
    let table = ctx.table()?;
    let path = match (args.write, table_path) {
        (true, None) => return Err(LiveError::WriteNeedsTable.into()),
        (_, path) => path,
    };
    let index = index_url(&args.docs_url)?;
    let fetched = fetch(&index, Policy::from_args(&args.net), verbosity(&args.net))?;
    for line in &fetched.log {
        writeln!(ctx.err, "tokenscope: {}", terminal_line(line))?;
    }
    for w in &fetched.warnings {
        writeln!(ctx.err, "warning: {}", terminal_line(w))?;
    }
    if !fetched.failures.is_empty() {
        for f in &fetched.failures {
            writeln!(ctx.err, "error: {}", terminal_line(f))?;
        }
        let total = fetched.docs.read + fetched.docs.skipped + fetched.failures.len();
        return Err(LiveError::DocsIncomplete {
            count: fetched.failures.len(),
            total,
        }
        .into());
    }
    let docs = &fetched.docs;
    let changes = compare(table, docs);

    let mut written = None;
    let mut refused = None;
    if args.write
        && let Some(path) = path
        && !changes.is_empty()
    {
        let date = args.today.clone().unwrap_or_else(today);
        match write_table(table, path, &changes, &date, docs) {
            Ok(report) => {
                ctx.err.write_all(report.as_bytes())?;
                written = Some(true);
            }
            Err(e) => {
                written = Some(false);
                refused = Some(e);
            }
        }
    } else if args.write {
        written = Some(false);
    }
    let view = DriftView {
        docs: display_url(&index.url),
        table: path.map(display_path),
        read: docs.read,
        endpoints: docs.pages.len(),
        skipped: docs.skipped,
        offsite: fetched.offsite.len(),
        changes: &changes,
        written,
    };
    let text = match args.format {
        OutputFormat::Json => render::json::drift_document(&view),
        OutputFormat::Human => render::human::drift_report(&view, ctx.style.quiet),
    };
    ctx.out.write_all(text.as_bytes())?;
    if let Some(e) = refused {
        // The report above shows what the docs say; the write was refused, and this says why.
        return Err(e.into());
    }
    Ok(if changes.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    })
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
