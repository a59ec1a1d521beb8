//! `tokenscope suggest`: the minimal scopes per token, per-area bundles, and `--write`.
//!
//! Exit codes: 0 when the suggestion is complete; 1 when a reference did not resolve, a
//! scope name is unknown (the suggestion leaves them out) or an endpoint cannot be called by
//! the token's kind at all, and when `--write` refuses because
//! an endpoint did not resolve; 2 on invalid input. `--write` replaces unknown scope names
//! along with the rest of the list (and says which it dropped), so afterwards nothing is
//! wrong and it exits 0.

use std::path::Path;

use crate::audit::{FindingSink, TokenAnalysis, quoted_list, rule};
use crate::cli::{OutputFormat, SuggestArgs};
use crate::error::InputError;
use crate::finding::{Finding, RuleId};
use crate::manifest::Manifest;
use crate::render::human::HumanRenderer;
use crate::render::{self};
use crate::source::SourceFile;
use crate::suggest::write::{
    WriteError, rewrite_scopes, split_tokens, unified_diff, write_atomically, yaml_scalar,
};
use crate::suggest::{AreaToken, Split, TokenSuggestion, TokenView};
use crate::table::{GrantSet, Table};

use super::{Context, Exit, Failure};

/// The rules `suggest` reports: the ones that make a suggestion incomplete.
const REFERENCE_RULES: [RuleId; 3] = [
    RuleId::UnknownEndpoint,
    RuleId::AmbiguousEndpoint,
    RuleId::UnknownScope,
];

/// The path ad hoc references are reported at: they are shown as the manifest they make.
const AD_HOC: &str = "--endpoint";

pub fn run(ctx: &mut Context<'_>, args: &SuggestArgs) -> Result<Exit, Failure> {
    match &args.manifest {
        None if args.write || args.dry_run => Err(InputError::BadFlag {
            flag: "--write",
            why: "and `--dry-run` rewrite a manifest: pass MANIFEST, not `--endpoint`".into(),
        }
        .into()),
        None => {
            let manifest = Manifest::parse(ad_hoc_manifest(&args.endpoint))?;
            report(ctx, args, &manifest, true)
        }
        Some(path) => {
            let manifest = Manifest::load(path)?;
            if args.write || args.dry_run {
                rewrite(ctx, args, path, &manifest)
            } else {
                report(ctx, args, &manifest, false)
            }
        }
    }
}

/// `--endpoint REF...` as a manifest of one token, so that references resolve and are
/// reported exactly as in a manifest (every value quoted by the YAML writer).
fn ad_hoc_manifest(references: &[String]) -> SourceFile {
    let mut text = String::from("integration: ad-hoc\ntokens:\n  token:\n    endpoints:\n");
    for r in references {
        text.push_str("      - ");
        text.push_str(&yaml_scalar(r, false));
        text.push('\n');
    }
    SourceFile::new(AD_HOC, text)
}

/// Each token's suggestion, and the reference findings that make it incomplete.
fn suggestions(
    table: &Table,
    manifest: &Manifest,
    split_by_area: bool,
) -> (Vec<TokenView>, Vec<Finding>) {
    let mut findings: Vec<Finding> = Vec::new();
    let mut views = Vec::new();
    let kept = crate::audit::kept_on_purpose(table, manifest);
    for (token, kept) in manifest.tokens.iter().zip(&kept) {
        let analysis = TokenAnalysis::new(table, token);
        let mut sink = FindingSink::all();
        for id in REFERENCE_RULES {
            if let Some(check) = rule(id).check {
                check(&analysis, &mut sink);
            }
        }
        findings.extend(sink.into_findings());
        let shown = analysis
            .distinct_endpoints()
            .into_iter()
            .map(|(entry, id)| (id, entry.value.value.clone()))
            .collect();
        views.push(TokenView {
            suggestion: TokenSuggestion::from_analysis(&analysis, kept, split_by_area),
            shown,
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (views, findings)
}

/// Prints the suggestion for a manifest, or for `--endpoint` references.
fn report(
    ctx: &mut Context<'_>,
    args: &SuggestArgs,
    manifest: &Manifest,
    ad_hoc: bool,
) -> Result<Exit, Failure> {
    let table = ctx.table_for(manifest)?;
    let (views, findings) = suggestions(table, manifest, args.split_by_area);
    let renderer = HumanRenderer::new(ctx.style.color);
    let text = match (args.format, ad_hoc) {
        (OutputFormat::Json, true) => {
            render::json::suggest_document(table, None, &views, &findings)
        }
        (OutputFormat::Json, false) => render::json::suggest_document(
            table,
            Some((&manifest.file.path, &manifest.integration.value)),
            &views,
            &findings,
        ),
        (OutputFormat::Human, true) => {
            let mut text = renderer.findings(&manifest.file, &findings);
            text.push_str(&render::human::suggest_ad_hoc(table, &views[0]));
            text
        }
        (OutputFormat::Human, false) => render::human::suggest_report(
            &renderer,
            table,
            &manifest.file,
            &manifest.integration.value,
            &views,
            &findings,
        ),
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(exit_for(&views, &findings))
}

/// The one exit contract of `suggest`, `--dry-run` and `--write`: 1 while the suggestion leaves
/// something out (a reference that did not resolve, an unknown scope name, an endpoint the
/// token's kind cannot call whatever it holds), 0 otherwise.
fn exit_for(views: &[TokenView], findings: &[Finding]) -> Exit {
    let uncallable = views.iter().any(|v| !v.suggestion.uncallable.is_empty());
    if findings.is_empty() && !uncallable {
        Exit::Success
    } else {
        Exit::Findings
    }
}

/// Says, after a rewrite, which endpoints no scope can make callable: the manifest is as minimal
/// as it can be, yet those calls will still fail.
fn report_uncallable(
    err: &mut dyn std::io::Write,
    table: &Table,
    path_shown: &str,
    views: &[TokenView],
) -> std::io::Result<()> {
    for v in views {
        let s = &v.suggestion;
        if s.uncallable.is_empty() {
            continue;
        }
        let names = crate::render::human::names(table, &s.uncallable);
        writeln!(
            err,
            "{path_shown}: token `{}` cannot call {} whatever scopes it holds",
            crate::sanitize::terminal_line(&s.name),
            crate::sanitize::terminal_line(&quoted_list(&names))
        )?;
    }
    Ok(())
}

/// `--write` and `--dry-run`: the manifest with its scopes lists (and, with `--split-by-area`,
/// its tokens) rewritten to the suggestion.
fn rewrite(
    ctx: &mut Context<'_>,
    args: &SuggestArgs,
    path: &Path,
    manifest: &Manifest,
) -> Result<Exit, Failure> {
    let table = ctx.table_for(manifest)?;
    let (views, findings) = suggestions(table, manifest, args.split_by_area);
    let unresolved = findings.iter().any(|f| f.rule != RuleId::UnknownScope);
    let new = match plan_rewrite(table, manifest, &views, args.split_by_area, unresolved) {
        Ok(new) => new,
        Err(e) => {
            let renderer = HumanRenderer::new(ctx.style.color);
            ctx.out
                .write_all(renderer.findings(&manifest.file, &findings).as_bytes())?;
            let exit = if matches!(e, WriteError::Refused { .. }) {
                Exit::Findings
            } else {
                Exit::InvalidInput
            };
            return Err(Failure::new(e, exit));
        }
    };
    let path_shown = crate::sanitize::terminal_line(&manifest.file.path).into_owned();
    if args.dry_run {
        if new != *manifest.file.text {
            let diff = unified_diff(&manifest.file.path, &manifest.file.text, &new);
            ctx.out.write_all(diff.as_bytes())?;
        }
        // The file as it stands still holds what the findings say.
        report_uncallable(ctx.err, table, &path_shown, &views)?;
        return Ok(exit_for(&views, &findings));
    }
    if new == *manifest.file.text {
        writeln!(ctx.err, "{path_shown}: already minimal; nothing to write")?;
        report_uncallable(ctx.err, table, &path_shown, &views)?;
        return Ok(exit_for(&views, &[]));
    }
    write_atomically(path, &new)?;
    writeln!(ctx.err, "{path_shown}: rewrote the scopes lists")?;
    // Writing refuses unresolved endpoints, so what is left (unknown scope names) was just
    // replaced: say which.
    let dropped: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == RuleId::UnknownScope)
        .filter_map(|f| f.scope.as_deref())
        .collect();
    if !dropped.is_empty() {
        writeln!(
            ctx.err,
            "{path_shown}: dropped {} that {} no scope of the table: {}",
            crate::audit::plural(dropped.len(), "name"),
            if dropped.len() == 1 { "is" } else { "are" },
            crate::sanitize::terminal_line(&quoted_list(&dropped))
        )?;
    }
    report_uncallable(ctx.err, table, &path_shown, &views)?;
    // The unknown names were just replaced; only what no scope can fix is left.
    Ok(exit_for(&views, &[]))
}

/// The new manifest text: scopes lists rewritten, and with `--split-by-area` the splittable
/// tokens replaced by their per-area tokens.
fn plan_rewrite(
    table: &Table,
    manifest: &Manifest,
    views: &[TokenView],
    split: bool,
    unresolved: bool,
) -> Result<String, WriteError> {
    if unresolved {
        return Err(WriteError::Refused {
            path: manifest.file.path.clone(),
            why: "some endpoint references did not resolve, so their scopes are unknown".into(),
            help: Some(
                "fix the references reported above, then run `suggest --write` again".into(),
            ),
        });
    }
    let is_split = |v: &TokenView| split && matches!(v.suggestion.split, Some(Split::Areas(_)));
    let plans: Vec<(usize, GrantSet)> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| !is_split(v))
        .map(|(i, v)| (i, v.suggestion.target()))
        .collect();
    let rewritten = rewrite_scopes(manifest, table, &plans)?;
    if !views.iter().any(is_split) {
        return Ok(rewritten);
    }
    let reread = Manifest::parse(crate::source::SourceFile::new(
        manifest.file.path.clone(),
        rewritten,
    ))
    .map_err(|errs| WriteError::Verify {
        path: manifest.file.path.clone(),
        why: errs.first().map_or_else(String::new, |e| e.to_string()),
    })?;
    let splits: Vec<(usize, &[AreaToken])> = views
        .iter()
        .enumerate()
        .filter_map(|(i, v)| match &v.suggestion.split {
            Some(Split::Areas(areas)) if split => Some((i, areas.as_slice())),
            _ => None,
        })
        .collect();
    split_tokens(&reread, table, &splits)
}
