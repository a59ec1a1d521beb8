//! `tokenscope verify`: which scopes a real token holds, checked read-only against the live
//! API, compared with what the manifest declares.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::{OutputFormat, VerifyArgs};
use crate::finding::Summary;
use crate::live::http::{Policy, Target, checked_url, display_url, project_url, verbosity};
use crate::live::verify::{
    Outcome, Plan, Status, Unchecked, Verdict, findings, nothing_checked, run as run_live,
    select_token,
};
use crate::live::{LiveError, Secret};
use crate::manifest::Manifest;
use crate::render::human::HumanRenderer;
use crate::render::json::{FindingJson, SCHEMA_VERSION, finding_json, to_string};
use crate::sanitize::terminal_line;
use crate::table::Table;

use super::{Exit, Output};

#[derive(Serialize)]
struct VerifyJson<'a> {
    schema_version: u32,
    manifest: &'a str,
    token: &'a str,
    base_url: String,
    /// `null` when the API could not be reached to tell.
    token_valid: Option<bool>,
    /// The verdicts do not settle the comparison (the run exits 3): the token could not be
    /// checked, a probe got no usable answer, or none of the declared scopes could be checked.
    inconclusive: bool,
    scopes: Vec<ScopeJson<'a>>,
    findings: Vec<FindingJson<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct ScopeJson<'a> {
    scope: &'a str,
    status: Status,
    /// `METHOD /path` of the endpoint whose answer decided it.
    probe: Option<String>,
    endpoint: Option<&'a str>,
    http_status: Option<u16>,
    reason: &'a str,
}

fn diagnostic(out: &mut Output, renderer: &HumanRenderer, e: &LiveError) -> Exit {
    renderer.diagnostic(&mut out.stderr, e);
    e.exit()
}

pub fn run(table: &Table, args: &VerifyArgs, color: bool, quiet: bool) -> (Output, Exit) {
    let mut out = Output::default();
    let renderer = HumanRenderer::new(color);
    // Everything that can be checked offline is checked before any connection is made.
    let manifest = match Manifest::load(&args.manifest, &table.api) {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                renderer.diagnostic(&mut out.stderr, e);
            }
            return (out, Exit::InvalidInput);
        }
    };
    let prepared = select_token(&manifest, args.token.as_deref()).and_then(|index| {
        let base = match (&args.project, &args.base_url) {
            (Some(project), _) => Target::unpinned(project_url(project)?),
            (None, Some(url)) => checked_url(url, "base URL")?,
            (None, None) => {
                return Err(LiveError::BadUrl {
                    shown: "nothing".into(),
                    what: "base URL",
                    why: "none was given".into(),
                    help: Some("pass `--project ID` or `--base-url URL`".into()),
                });
            }
        };
        let plan = Plan::new(table)?;
        let token = if args.token_stdin {
            Secret::from_reader(std::io::stdin().lock())?
        } else {
            Secret::from_env(&args.token_env)?
        };
        Ok((index, base, plan, token))
    });
    let (index, base, plan, token) = match prepared {
        Ok(p) => p,
        Err(e) => {
            let exit = diagnostic(&mut out, &renderer, &e);
            return (out, exit);
        }
    };
    let policy = Policy::from_args(&args.net);
    let outcome = match run_live(table, &plan, &base, token, policy, verbosity(&args.net)) {
        Ok(o) => o,
        Err(e) => {
            let exit = diagnostic(&mut out, &renderer, &e);
            return (out, exit);
        }
    };
    for line in &outcome.log {
        let _ = writeln!(out.stderr, "tokenscope: {}", terminal_line(line));
    }
    let token_entry = &manifest.tokens[index];
    // Inline `# tokenscope: ignore[...]` comments apply too, as in `audit`.
    let suppressions = crate::audit::Suppressions::of(&manifest);
    let mut found = findings(table, token_entry, &outcome.verdicts);
    found.retain(|f| !suppressions.covers(table, token_entry, f));
    let mut summary = Summary::default();
    for f in &found {
        summary.add(f.severity);
    }
    let unchecked = outcome
        .error
        .is_none()
        .then(|| nothing_checked(table, token_entry, &outcome.verdicts))
        .flatten();
    let inconclusive = outcome.error.is_some() || outcome.incomplete || unchecked.is_some();
    match args.format {
        OutputFormat::Json => {
            let doc = VerifyJson {
                schema_version: SCHEMA_VERSION,
                manifest: &manifest.file.path,
                token: &token_entry.name.value,
                base_url: display_url(&base.url),
                token_valid: outcome.token_valid,
                inconclusive,
                scopes: outcome
                    .verdicts
                    .iter()
                    .map(|v| scope_json(table, v))
                    .collect(),
                findings: found.iter().map(finding_json).collect(),
                summary,
            };
            out.stdout = to_string(&doc);
        }
        OutputFormat::Human => {
            if outcome.error.is_none() {
                if !quiet {
                    let _ = writeln!(
                        out.stdout,
                        "{}: token `{}` checked against {}",
                        terminal_line(&manifest.file.path),
                        terminal_line(&token_entry.name.value),
                        display_url(&base.url)
                    );
                    out.stdout.push_str(&scope_lines(table, &outcome.verdicts));
                    if !found.is_empty() {
                        out.stdout.push('\n');
                    }
                }
                for f in &found {
                    renderer.finding(&mut out.stdout, f, &manifest.file);
                }
                if !quiet {
                    let _ = writeln!(out.stdout, "{}", summary_line(&outcome.verdicts, &summary));
                }
                if let Some(u) = &unchecked {
                    let _ = writeln!(
                        out.stdout,
                        "tokenscope: INCONCLUSIVE: {}",
                        unchecked_text(u, &token_entry.name.value)
                    );
                }
            }
        }
    }
    if let Some(e) = &outcome.error {
        let exit = diagnostic(&mut out, &renderer, e);
        return (out, exit);
    }
    if inconclusive {
        gap_errors(
            &mut out.stderr,
            &outcome,
            unchecked.as_ref(),
            &token_entry.name.value,
        );
        return (out, Exit::Unreachable);
    }
    let exit = if found.iter().any(|f| args.fail_on.fails(f.severity)) {
        Exit::Findings
    } else {
        Exit::Success
    };
    (out, exit)
}

/// The error lines of a run whose verdicts do not settle the comparison: probes without a
/// usable answer, and declared scopes none of which could be checked.
fn gap_errors(stderr: &mut String, outcome: &Outcome, unchecked: Option<&Unchecked>, token: &str) {
    if outcome.incomplete {
        let failed = outcome
            .verdicts
            .iter()
            .filter(|v| v.status == Status::Inconclusive && v.http_status.is_none())
            .count();
        let _ = writeln!(
            stderr,
            "error: {} got no usable answer from the API; the verdicts above are incomplete",
            crate::audit::plural(failed.max(1), "scope")
        );
    }
    if let Some(u) = unchecked {
        let _ = writeln!(stderr, "error: inconclusive: {}", unchecked_text(u, token));
    }
}

/// Why nothing was checked, in one line: the token's name is escaped, as it comes from the
/// manifest.
fn unchecked_text(u: &Unchecked, token: &str) -> String {
    let token = terminal_line(token);
    if u.declared == 0 {
        return format!(
            "token `{token}` declares no scopes, and no scope of the live token could be checked; \
             nothing was verified"
        );
    }
    let mut why = Vec::new();
    if u.unverifiable > 0 {
        why.push(format!("{} only a write could check", u.unverifiable));
    }
    if u.inconclusive > 0 {
        why.push(format!(
            "{} got answers that settle nothing",
            u.inconclusive
        ));
    }
    format!(
        "none of the {} token `{token}` declares could be checked ({}); nothing was verified",
        crate::audit::plural(u.declared, "scope"),
        why.join(", ")
    )
}

fn scope_json<'a>(table: &'a Table, v: &'a Verdict) -> ScopeJson<'a> {
    ScopeJson {
        scope: &table.scope(v.scope).name,
        status: v.status,
        probe: v.probe.map(|id| table.endpoint(id).signature()),
        endpoint: v.probe.map(|id| table.endpoint(id).name.as_str()),
        http_status: v.http_status,
        reason: &v.reason,
    }
}

/// One line per scope, in table order, in aligned columns. Names and reasons come from the
/// table file and the API's answers, so they are escaped for the terminal.
fn scope_lines(table: &Table, verdicts: &[Verdict]) -> String {
    let names: Vec<String> = verdicts
        .iter()
        .map(|v| terminal_line(&table.scope(v.scope).name).into_owned())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (v, name) in verdicts.iter().zip(&names) {
        let _ = writeln!(
            out,
            "  {:<12}  {name:<width$}  {}",
            v.status.as_str(),
            terminal_line(&v.reason)
        );
    }
    out
}

fn summary_line(verdicts: &[Verdict], summary: &Summary) -> String {
    let count = |s: Status| verdicts.iter().filter(|v| v.status == s).count();
    format!(
        "tokenscope: {} confirmed, {} denied, {} inconclusive, {} unverifiable; {}, {}",
        count(Status::Confirmed),
        count(Status::Denied),
        count(Status::Inconclusive),
        count(Status::Unverifiable),
        crate::audit::plural(summary.errors, "error"),
        crate::audit::plural(summary.warnings, "warning"),
    )
}
