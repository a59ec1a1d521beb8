//! `tokenscope verify`: which scopes a real token holds, checked read-only against the live
//! API, compared with what the manifest declares — and gated like an audit (levels, config,
//! baseline, `--fail-on`).

use std::fmt::Write as _;

use crate::cli::VerifyArgs;
use crate::config::Config;
use crate::finding::Summary;
use crate::gate::Gate;
use crate::live::http::{Policy, Target, checked_url, display_url, project_url, verbosity};
use crate::live::probe::run as run_live;
use crate::live::verify::{
    Outcome, Plan, Status, Unchecked, findings, nothing_checked, select_token,
};
use crate::live::{LiveError, Secret};
use crate::manifest::Manifest;
use crate::render::{self, Head, ReportFormat, Tail, Unit};
use crate::report::VerifyHead;
use crate::sanitize::terminal_line;

use crate::table::Table;

use super::{Context, Exit, Failure};

/// Everything checked before any connection is made: the token to stand for, the API, the
/// probes, and the secret.
fn prepare(
    table: &Table,
    args: &VerifyArgs,
    manifest: &Manifest,
) -> Result<(usize, Target, Plan, Secret), LiveError> {
    let index = select_token(manifest, args.token.as_deref())?;
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
}

pub fn run(ctx: &mut Context<'_>, args: &VerifyArgs) -> Result<Exit, Failure> {
    let manifest = Manifest::load(&args.manifest)?;
    let table = ctx.table_for(&manifest)?;
    let config = Config::for_manifest(&args.manifest, false)?;
    let (index, base, plan, token) = prepare(table, args, &manifest)?;
    let policy = Policy::from_args(&args.net);
    let outcome = run_live(table, &plan, &base, token, policy, verbosity(&args.net))?;
    for line in &outcome.log {
        writeln!(ctx.err, "tokenscope: {}", terminal_line(line))?;
    }
    let token_entry = &manifest.tokens[index];
    // Inline `# tokenscope: ignore[...]` comments apply too, as in `audit`.
    let suppressions = crate::audit::Suppressions::of(&manifest);
    let (gate, baseline_error) = Gate::new(&args.gate);
    let mut found = findings(table, token_entry, &outcome.verdicts);
    if !gate.no_ignores {
        found.retain(|f| !suppressions.covers(table, token_entry, f));
    }
    let fail_on = gate.apply(&mut found, &config, &manifest.integration.value);
    let unchecked = outcome
        .error
        .is_none()
        .then(|| nothing_checked(table, token_entry, &outcome.verdicts))
        .flatten();
    let inconclusive = outcome.error.is_some() || outcome.incomplete || unchecked.is_some();
    let head = VerifyHead {
        manifest: &manifest.file.path,
        token: &token_entry.name.value,
        base_url: display_url(&base.url),
        token_valid: outcome.token_valid,
        inconclusive,
        verdicts: &outcome.verdicts,
        unchecked: unchecked
            .as_ref()
            .map(|u| unchecked_text(u, &token_entry.name.value)),
        has_findings: !found.is_empty(),
    };
    let mut summary = Summary::default();
    for f in &found {
        summary.add(f.severity);
    }
    let failed: Vec<_> = baseline_error.into_iter().collect();
    let mut units = Vec::new();
    if !failed.is_empty() {
        units.push(Unit::Failed(&failed));
    }
    units.push(Unit::Findings {
        file: &manifest.file,
        integration: &manifest.integration.value,
        findings: &found,
    });
    // A run that reached no verdict has nothing to show people but why; machines still get
    // the document, which says so.
    if outcome.error.is_none() || args.gate.format != ReportFormat::Human {
        let status = gate.baseline_status();
        let mut emitter = render::emitter(
            args.gate.format,
            table,
            ctx.style.with_min_severity(args.gate.min_severity),
        );
        render::emit_all(
            emitter.as_mut(),
            ctx.out,
            ctx.err,
            &Head::Verify(&head),
            &units,
            &Tail {
                summary,
                checked: 1,
                unreadable: failed.len(),
                baseline: status.as_ref(),
                below_min: gate.below_min(),
            },
        )?;
    }
    if let Some(e) = outcome.error {
        return Err(e.into());
    }
    if inconclusive {
        let mut text = String::new();
        gap_errors(
            &mut text,
            &outcome,
            unchecked.as_ref(),
            &token_entry.name.value,
        );
        ctx.err.write_all(text.as_bytes())?;
        return Ok(Exit::Unreachable);
    }
    let fails = found.iter().any(|f| fail_on.fails(f.severity));
    Ok(gate.finish(&args.gate, !failed.is_empty(), fails, ctx.err))
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
