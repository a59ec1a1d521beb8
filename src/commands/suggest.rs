//! `tokenscope suggest`: the minimal scopes per token, per-area bundles, and `--write`.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::audit::{TokenAnalysis, plural, rule};
use crate::cli::{OutputFormat, SuggestArgs};
use crate::error::{InputError, did_you_mean};
use crate::finding::{Finding, RuleId};
use crate::manifest::{Manifest, Resolution, resolve_endpoint};
use crate::render::human::HumanRenderer;
use crate::render::json::{self, FindingJson, finding_json};
use crate::suggest::write::{
    WriteError, rewrite_scopes, split_tokens, unified_diff, write_atomically, yaml_scalar,
};
use crate::suggest::{AreaToken, ScopeNeed, Split, TokenSuggestion, minimal_scopes, scope_set};
use crate::table::{EndpointId, Risk, ScopeSet, Table};

use super::{Exit, Output};

/// The rules `suggest` reports: the ones that make a suggestion incomplete.
const REFERENCE_RULES: [RuleId; 3] = [
    RuleId::UnknownEndpoint,
    RuleId::AmbiguousEndpoint,
    RuleId::UnknownScope,
];

/// One token's suggestion with what the report needs to show it.
struct TokenView {
    suggestion: TokenSuggestion,
    /// How each endpoint is shown (as written in the manifest, or its name ad hoc).
    shown: Vec<(EndpointId, String)>,
}

pub fn run(table: &Table, args: &SuggestArgs, color: bool) -> (Output, Exit) {
    let mut out = Output::default();
    let renderer = HumanRenderer::new(color);
    match &args.manifest {
        None if args.write || args.dry_run => {
            out.stderr.push_str("error: `--write` and `--dry-run` rewrite a manifest: pass MANIFEST, not `--endpoint`\n");
            (out, Exit::InvalidInput)
        }
        None => ad_hoc(table, args, &renderer, &mut out),
        Some(path) => match Manifest::load(path, &table.api) {
            Err(errors) => {
                for e in &errors {
                    renderer.diagnostic(&mut out.stderr, e);
                }
                (out, Exit::InvalidInput)
            }
            Ok(manifest) => for_manifest(table, args, path, &manifest, &renderer, out),
        },
    }
}

fn for_manifest(
    table: &Table,
    args: &SuggestArgs,
    path: &Path,
    manifest: &Manifest,
    renderer: &HumanRenderer,
    mut out: Output,
) -> (Output, Exit) {
    let mut findings: Vec<Finding> = Vec::new();
    let mut views = Vec::new();
    let kept = crate::audit::kept_on_purpose(table, manifest);
    for (token, kept) in manifest.tokens.iter().zip(&kept) {
        let analysis = TokenAnalysis::new(table, token);
        let mut sink = crate::audit::FindingSink::all();
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
            suggestion: TokenSuggestion::from_analysis(&analysis, kept, args.split_by_area),
            shown,
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let unresolved_refs = findings.iter().any(|f| f.rule != RuleId::UnknownScope);
    let mut exit = if findings.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    };

    if args.write || args.dry_run {
        match plan_rewrite(table, manifest, &views, args.split_by_area, unresolved_refs) {
            Err(e) => {
                for f in &findings {
                    renderer.finding(&mut out.stdout, f, &manifest.file);
                }
                renderer.diagnostic(&mut out.stderr, &e);
                let exit = if matches!(e, WriteError::Refused { .. }) {
                    Exit::Findings
                } else {
                    Exit::InvalidInput
                };
                return (out, exit);
            }
            Ok(new) if new == *manifest.file.text => {
                if !args.dry_run {
                    out.stderr.push_str(&format!(
                        "{}: already minimal; nothing to write\n",
                        manifest.file.path
                    ));
                }
            }
            Ok(new) => {
                if args.dry_run {
                    out.stdout.push_str(&unified_diff(
                        &manifest.file.path,
                        &manifest.file.text,
                        &new,
                    ));
                    return (out, exit);
                }
                if let Err(e) = write_atomically(path, &new) {
                    renderer.diagnostic(&mut out.stderr, &e);
                    return (out, Exit::InvalidInput);
                }
                out.stderr.push_str(&format!(
                    "{}: rewrote the scopes lists\n",
                    manifest.file.path
                ));
                // Writing refuses unresolved endpoints, so what is left (unknown scope names)
                // was just replaced.
                exit = Exit::Success;
            }
        }
        if args.dry_run {
            return (out, exit);
        }
    }

    match args.format {
        OutputFormat::Json => {
            let doc = SuggestJson {
                schema_version: json::SCHEMA_VERSION,
                manifests: vec![ManifestJson {
                    path: Some(&manifest.file.path),
                    integration: Some(&manifest.integration.value),
                    tokens: views.iter().map(|v| token_json(table, v)).collect(),
                    findings: findings.iter().map(finding_json).collect(),
                }],
            };
            out.stdout = json::to_string(&doc);
        }
        OutputFormat::Human => {
            for f in &findings {
                renderer.finding(&mut out.stdout, f, &manifest.file);
            }
            let _ = writeln!(
                out.stdout,
                "{} (integration `{}`)\n",
                manifest.file.path, manifest.integration.value
            );
            for view in &views {
                human_token(&mut out.stdout, table, view);
            }
        }
    }
    (out, exit)
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
    let plans: Vec<(usize, ScopeSet)> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| !is_split(v))
        .map(|(i, v)| (i, v.suggestion.target()))
        .collect();
    let rewritten = rewrite_scopes(manifest, table, &plans)?;
    if !views.iter().any(is_split) {
        return Ok(rewritten);
    }
    let reread = Manifest::parse(
        crate::source::SourceFile::new(manifest.file.path.clone(), rewritten),
        &table.api,
    )
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

fn ad_hoc(
    table: &Table,
    args: &SuggestArgs,
    renderer: &HumanRenderer,
    out: &mut Output,
) -> (Output, Exit) {
    let mut endpoints = Vec::new();
    let mut errors = Vec::new();
    for reference in &args.endpoint {
        match resolve_endpoint(table, reference) {
            Resolution::Endpoint(id) => {
                if !endpoints.contains(&id) {
                    endpoints.push(id);
                }
            }
            Resolution::Ambiguous(ids) => errors.push(InputError::Unknown {
                what: "endpoint (ambiguous)",
                name: reference.clone(),
                help: Some(format!(
                    "it matches {}; add the method or use the name",
                    ids.iter()
                        .map(|&i| table.endpoint(i).describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }),
            Resolution::Unknown { hint } => errors.push(InputError::Unknown {
                what: "endpoint",
                name: reference.clone(),
                help: hint.or_else(|| did_you_mean(&table.suggest_endpoints(reference.trim()))),
            }),
        }
    }
    if !errors.is_empty() {
        for e in &errors {
            renderer.diagnostic(&mut out.stderr, e);
        }
        return (std::mem::take(out), Exit::InvalidInput);
    }
    let minimal = minimal_scopes(table, &endpoints);
    let view = TokenView {
        suggestion: TokenSuggestion {
            name: "token".into(),
            add: scope_set(&minimal),
            drop: ScopeSet::new(),
            kept: ScopeSet::new(),
            declares_scopes: false,
            unresolved: 0,
            split: args
                .split_by_area
                .then(|| crate::suggest::split_by_area(table, "token", &endpoints)),
            minimal,
        },
        shown: endpoints
            .iter()
            .map(|&id| (id, table.endpoint(id).name.clone()))
            .collect(),
    };
    match args.format {
        OutputFormat::Json => {
            let doc = SuggestJson {
                schema_version: json::SCHEMA_VERSION,
                manifests: vec![ManifestJson {
                    path: None,
                    integration: None,
                    tokens: vec![token_json(table, &view)],
                    findings: Vec::new(),
                }],
            };
            out.stdout = json::to_string(&doc);
        }
        OutputFormat::Human => {
            let s = &view.suggestion;
            if s.minimal.is_empty() {
                out.stdout.push_str(
                    "These endpoints work with any valid token: the token needs no scope.\n",
                );
            } else {
                let what = if s.minimal.len() == 1 {
                    "this scope".to_owned()
                } else {
                    format!("these {} scopes", s.minimal.len())
                };
                let _ = writeln!(
                    out.stdout,
                    "Tick {what} in Texter's token dialog (Developers → API Tokens):\n"
                );
                let width = s
                    .minimal
                    .iter()
                    .map(|n| table.scope(n.scope).name.chars().count())
                    .max()
                    .unwrap_or(0);
                for need in &s.minimal {
                    let scope = table.scope(need.scope);
                    let _ = writeln!(
                        out.stdout,
                        "  [ ] {:width$}  {:<6}  for {}",
                        scope.name,
                        scope.risk.as_str(),
                        names(table, &need.needed_by).join(", ")
                    );
                }
            }
            if view.suggestion.split.is_some() {
                out.stdout.push('\n');
            }
            human_split(&mut out.stdout, table, &view);
        }
    }
    (std::mem::take(out), Exit::Success)
}

fn names(table: &Table, ids: &[EndpointId]) -> Vec<String> {
    ids.iter()
        .map(|&id| table.endpoint(id).name.clone())
        .collect()
}

fn human_token(out: &mut String, table: &Table, view: &TokenView) {
    let s = &view.suggestion;
    if s.minimal.is_empty() {
        let _ = writeln!(out, "token `{}`: needs no scope", s.name);
    } else {
        let _ = writeln!(
            out,
            "token `{}`: minimal set of {}",
            s.name,
            plural(s.minimal.len(), "scope")
        );
    }
    if !s.minimal.is_empty() {
        let width = s
            .minimal
            .iter()
            .map(|n| table.scope(n.scope).name.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        let _ = writeln!(out, "  {:width$}  {:<6}  needed by", "scope", "risk");
        for need in &s.minimal {
            let scope = table.scope(need.scope);
            let _ = writeln!(
                out,
                "  {:width$}  {:<6}  {}",
                scope.name,
                scope.risk.as_str(),
                names(table, &need.needed_by).join(", ")
            );
        }
    }
    if s.declares_scopes {
        if s.add.is_empty() && s.drop.is_empty() {
            let _ = writeln!(out, "  the token's scopes are already minimal");
        }
        if !s.add.is_empty() {
            let _ = writeln!(out, "  add:  {}", table.scope_names(&s.add).join(", "));
        }
        if !s.drop.is_empty() {
            let _ = writeln!(out, "  drop: {}", table.scope_names(&s.drop).join(", "));
        }
        if !s.kept.is_empty() {
            let _ = writeln!(
                out,
                "  keep: {} (not needed, but an `excess-scope` suppression keeps it)",
                table.scope_names(&s.kept).join(", ")
            );
        }
    } else {
        let _ = writeln!(
            out,
            "  the token declares no `scopes:`; `suggest --write` adds them"
        );
    }
    if s.unresolved > 0 {
        let _ = writeln!(
            out,
            "  incomplete: {} did not resolve (see above)",
            plural(s.unresolved, "endpoint reference")
        );
    }
    human_split(out, table, view);
    out.push('\n');
}

fn human_split(out: &mut String, table: &Table, view: &TokenView) {
    match &view.suggestion.split {
        None => {}
        Some(Split::Pointless(why)) => {
            let _ = writeln!(out, "  split by area: not worth it: {why}");
        }
        Some(Split::Areas(areas)) => {
            let _ = writeln!(
                out,
                "  split by area into {} (paste under `tokens:`):\n",
                plural(areas.len(), "token")
            );
            for area in areas {
                let risk = area.risk.map_or("none", Risk::as_str);
                let _ = writeln!(
                    out,
                    "    {}:   # {}, risk: {risk}",
                    yaml_scalar(&area.token, false),
                    table.area(area.area).title
                );
                if area.scopes.is_empty() {
                    let _ = writeln!(out, "      scopes: []");
                } else {
                    let _ = writeln!(out, "      scopes:");
                    for need in &area.scopes {
                        let _ = writeln!(
                            out,
                            "        - {}",
                            yaml_scalar(&table.scope(need.scope).name, false)
                        );
                    }
                }
                let _ = writeln!(out, "      endpoints:");
                for id in &area.endpoints {
                    let shown = view
                        .shown
                        .iter()
                        .find(|(e, _)| e == id)
                        .map_or_else(|| table.endpoint(*id).name.clone(), |(_, s)| s.clone());
                    let _ = writeln!(out, "        - {}", yaml_scalar(&shown, false));
                }
            }
        }
    }
}

#[derive(Serialize)]
struct SuggestJson<'a> {
    schema_version: u32,
    manifests: Vec<ManifestJson<'a>>,
}

#[derive(Serialize)]
struct ManifestJson<'a> {
    path: Option<&'a str>,
    integration: Option<&'a str>,
    tokens: Vec<TokenJson>,
    /// Unknown and ambiguous references, reported as `audit` does; they are left out of the sets.
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct TokenJson {
    name: String,
    minimal_scopes: Vec<ScopeNeedJson>,
    add: Vec<String>,
    drop: Vec<String>,
    /// Not needed, but kept on purpose (an `excess-scope` suppression covers them).
    kept: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<Vec<AreaJson>>,
    /// Why splitting would buy nothing (then `split` is empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    split_note: Option<String>,
}

#[derive(Serialize)]
struct ScopeNeedJson {
    scope: String,
    risk: Risk,
    needed_by: Vec<String>,
}

#[derive(Serialize)]
struct AreaJson {
    area: String,
    token: String,
    scopes: Vec<String>,
    endpoints: Vec<String>,
    risk: Option<Risk>,
}

fn need_json(table: &Table, need: &ScopeNeed) -> ScopeNeedJson {
    ScopeNeedJson {
        scope: table.scope(need.scope).name.clone(),
        risk: table.scope(need.scope).risk,
        needed_by: names(table, &need.needed_by),
    }
}

fn token_json(table: &Table, view: &TokenView) -> TokenJson {
    let s = &view.suggestion;
    let (split, split_note) = match &s.split {
        None => (None, None),
        Some(Split::Pointless(why)) => (Some(Vec::new()), Some(why.clone())),
        Some(Split::Areas(areas)) => (
            Some(
                areas
                    .iter()
                    .map(|a| AreaJson {
                        area: table.area(a.area).id.clone(),
                        token: a.token.clone(),
                        scopes: a
                            .scopes
                            .iter()
                            .map(|n| table.scope(n.scope).name.clone())
                            .collect(),
                        endpoints: names(table, &a.endpoints),
                        risk: a.risk,
                    })
                    .collect(),
            ),
            None,
        ),
    };
    TokenJson {
        name: s.name.clone(),
        minimal_scopes: s.minimal.iter().map(|n| need_json(table, n)).collect(),
        add: table.scope_names(&s.add),
        drop: table.scope_names(&s.drop),
        kept: table.scope_names(&s.kept),
        split,
        split_note,
    }
}
