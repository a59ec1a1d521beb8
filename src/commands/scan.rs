//! `tokenscope scan`: the endpoints a codebase calls, checked against a manifest, or written
//! into a new one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::Serialize;

use crate::audit::{plural, rule};
use crate::baseline::Baseline;
use crate::cli::{ReportFormat, ScanArgs};
use crate::config::{CliLevels, Config, FailOn, effective_level};
use crate::finding::{Finding, RuleId};
use crate::manifest::{Manifest, resolve_endpoint};
use crate::render::json::{self, ErrorJson, FindingJson, finding_json};
use crate::report::{BaselineStatus, Outcome, Run};
use crate::sanitize::{is_unsafe_for_terminal, terminal_line};
use crate::scan::{Confidence, ScanOptions, ScanResult, scan};
use crate::source::{SourceFile, display_path};
use crate::suggest::write::{yaml_comment, yaml_scalar};
use crate::suggest::{minimal_scopes, scope_set};
use crate::table::{EndpointId, Table};

use super::{Exit, Output};

pub fn run(table: &Table, args: &ScanArgs, color: bool, quiet: bool) -> (Output, Exit) {
    let mut out = Output::default();
    let extra_host = match &args.base_url {
        Some(url) => match url.split("://").nth(1).map(|rest| {
            rest.split(['/', ':'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        }) {
            Some(host) if !host.is_empty() => Some(host),
            _ => {
                out.stderr.push_str(&format!(
                    "error: `--base-url {url}` is not an absolute URL (https://host/...)\n"
                ));
                return (out, Exit::InvalidInput);
            }
        },
        None => None,
    };
    let options = ScanOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        follow: args.follow,
        max_filesize: args.max_filesize,
        extra_host,
        threads: args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(crate::scan::MAX_THREADS)
        }),
    };
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message("scanning");
        bar
    });
    let progress = |n: usize| {
        if let Some(bar) = &bar {
            bar.set_message(format!("scanned {n} files"));
            bar.tick();
        }
    };
    let mut result = scan(table, &args.paths, &options, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    // Cross-check against a manifest.
    let mut outcomes: Vec<Outcome> = std::mem::take(&mut result.errors)
        .into_iter()
        .map(|e| Outcome::Failed(vec![e]))
        .collect();
    let mut baseline_status = None;
    if let Some(path) = &args.manifest {
        match Manifest::load(path, &table.api) {
            Ok(m) => {
                let config = match Config::for_manifest(path, false) {
                    Ok(c) => c,
                    Err(errors) => {
                        outcomes.push(Outcome::Failed(errors));
                        Default::default()
                    }
                };
                let levels = CliLevels {
                    deny: args.gate.deny.clone(),
                    warn: args.gate.warn.clone(),
                    allow: args.gate.allow.clone(),
                };
                let fail_on = args
                    .gate
                    .fail_on
                    .or(config.fail_on)
                    .unwrap_or(FailOn::Error);
                let mut by_file = cross_check(table, &m, &result, args.gate.no_ignores);
                let mut baseline = match &args.gate.baseline {
                    Some(p) => match Baseline::load(p) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            outcomes.push(Outcome::Failed(vec![e]));
                            None
                        }
                    },
                    None => None,
                };
                let mut hidden = 0;
                for findings in by_file.values_mut() {
                    findings.retain_mut(|f| {
                        match effective_level(f.rule, f.severity, &levels, &config) {
                            Some(s) => {
                                f.severity = s;
                                true
                            }
                            None => false,
                        }
                    });
                    if let Some(b) = baseline.as_mut() {
                        let before = findings.len();
                        findings.retain(|f| !b.contains(f, &m.integration.value));
                        hidden += before - findings.len();
                    }
                }
                baseline_status = baseline.map(|b| BaselineStatus {
                    hidden,
                    stale: b.stale().into_iter().cloned().collect(),
                });
                for (file, findings) in by_file {
                    let file = if file == usize::MAX {
                        m.file.clone()
                    } else if args.gate.format == ReportFormat::Human {
                        for_terminal(&result.files[file])
                    } else {
                        result.files[file].clone()
                    };
                    if !findings.is_empty() {
                        outcomes.push(Outcome::Code {
                            file,
                            integration: m.integration.value.clone(),
                            findings,
                            fail_on,
                        });
                    }
                }
            }
            Err(errors) => outcomes.push(Outcome::Failed(errors)),
        }
    }
    let run = Run::new(outcomes, baseline_status);

    let mut exit = if run.errors().next().is_some() {
        Exit::InvalidInput
    } else if run.fails() {
        Exit::Findings
    } else {
        Exit::Success
    };

    match args.gate.format {
        ReportFormat::Human => {
            out.stdout = human(table, &result);
            let findings = super::audit::render(&run, table, ReportFormat::Human, color, true);
            out.stdout.push_str(&findings.stdout);
            out.stderr.push_str(&findings.stderr);
            if !quiet {
                let _ = writeln!(
                    out.stdout,
                    "tokenscope: {} called in {} ({} scanned); {} unresolved; {}, {}, {}",
                    plural(result.endpoints.len(), "endpoint"),
                    plural(result.files.len(), "file"),
                    plural(result.files_scanned, "file"),
                    result.unresolved.len(),
                    plural(run.summary.errors, "error"),
                    plural(run.summary.warnings, "warning"),
                    plural(run.summary.notes, "note"),
                );
            }
        }
        ReportFormat::Json => out.stdout = json_document(table, &result, &run),
        other => {
            let rendered = super::audit::render(&run, table, other, color, quiet);
            out.stdout = rendered.stdout;
            out.stderr.push_str(&rendered.stderr);
        }
    }

    if let Some(path) = &args.write_manifest {
        match write_manifest(table, &result, args, path) {
            Ok(message) => out.stderr.push_str(&message),
            Err(message) => {
                out.stderr.push_str(&message);
                exit = Exit::InvalidInput;
            }
        }
    }
    (out, exit)
}

/// `undeclared-endpoint` (at the code) and `unused-endpoint` (at the manifest entry), grouped
/// by file index (`usize::MAX` is the manifest).
fn cross_check(
    table: &Table,
    manifest: &Manifest,
    result: &ScanResult,
    no_ignores: bool,
) -> BTreeMap<usize, Vec<Finding>> {
    let mut by_file: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    let mut declared: BTreeSet<EndpointId> = BTreeSet::new();
    for token in &manifest.tokens {
        for entry in token.endpoint_entries() {
            if let Some(id) = resolve_endpoint(table, &entry.value.value).endpoint() {
                declared.insert(id);
            }
        }
    }
    let called: BTreeMap<EndpointId, &crate::scan::Occurrence> = result.called().collect();
    for (&id, occurrence) in &called {
        if declared.contains(&id) {
            continue;
        }
        let ep = table.endpoint(id);
        let file = &result.files[occurrence.file];
        by_file.entry(occurrence.file).or_default().push(
            rule(RuleId::UndeclaredEndpoint)
                .finding(
                    file.span(occurrence.offset, occurrence.length),
                    format!("this calls `{}` ({}), which no token of `{}` declares", ep.name, ep.signature(), manifest.integration.value),
                )
                .endpoint(ep.name.clone())
                .label("undeclared call")
                .help(format!(
                    "add `- {}` to the `endpoints:` of the token that makes this call in {}, then run `tokenscope suggest`",
                    ep.name, manifest.file.path
                )),
        );
    }
    let suppressions = crate::audit::Suppressions::of(manifest);
    for token in &manifest.tokens {
        let mut seen = BTreeSet::new();
        for entry in token.endpoint_entries() {
            let Some(id) = resolve_endpoint(table, &entry.value.value).endpoint() else {
                continue;
            };
            // Endpoints without a published path cannot be found in code.
            if table.endpoint(id).path.is_none() || called.contains_key(&id) || !seen.insert(id) {
                continue;
            }
            let finding = rule(RuleId::UnusedEndpoint)
                .finding(entry.value.span, format!("token `{}` declares `{}`, but no scanned code calls it", token.name.value, table.endpoint(id).name))
                .token(&token.name.value)
                .endpoint(table.endpoint(id).name.clone())
                .label("called nowhere")
                .help("remove it (then `tokenscope suggest --write`), or add an `ignore:` entry if the call is made somewhere scan cannot see");
            if no_ignores || !suppressions.covers(table, token, &finding) {
                by_file.entry(usize::MAX).or_default().push(finding);
            }
        }
    }
    for findings in by_file.values_mut() {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    by_file
}

/// A source file as code frames show it: its name escaped, and each character a terminal would
/// act on replaced by as many `?` as it has bytes, so every span still points at the same text.
/// Line breaks stay (a lone CR is one).
fn for_terminal(file: &SourceFile) -> SourceFile {
    let path = terminal_line(&file.path).into_owned();
    let unsafe_char = |c: char| c != '\r' && is_unsafe_for_terminal(c);
    if !file.text.chars().any(unsafe_char) {
        return SourceFile::new(path, std::sync::Arc::clone(&file.text));
    }
    let mut text = String::with_capacity(file.text.len());
    for c in file.text.chars() {
        if unsafe_char(c) {
            text.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            text.push(c);
        }
    }
    SourceFile::new(path, text)
}

fn confidence_word(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn short(text: &str) -> String {
    if text.chars().count() > 90 {
        format!("{}…", text.chars().take(89).collect::<String>())
    } else {
        text.to_owned()
    }
}

fn human(table: &Table, result: &ScanResult) -> String {
    let mut out = String::new();
    for (&id, occurrences) in &result.endpoints {
        let ep = table.endpoint(id);
        let needs = if ep.scopes.is_empty() {
            "no scope".to_owned()
        } else {
            table.scope_names(&ep.scopes).join(" + ")
        };
        let _ = writeln!(
            out,
            "{}  {}  (needs {})",
            terminal_line(&ep.name),
            terminal_line(&ep.signature()),
            terminal_line(&needs)
        );
        for o in occurrences {
            let _ = writeln!(
                out,
                "  {}:{}:{}  {:<6}  {}{}",
                terminal_line(&result.files[o.file].path),
                o.line,
                o.column,
                confidence_word(o.confidence),
                terminal_line(&short(&o.text)),
                if o.prose { "  (prose)" } else { "" }
            );
        }
    }
    if !result.unresolved.is_empty() {
        let _ = writeln!(
            out,
            "unresolved (several endpoints share the path and no method was found):"
        );
        for u in &result.unresolved {
            let names: Vec<String> = u
                .candidates
                .iter()
                .map(|&c| table.endpoint(c).describe())
                .collect();
            let _ = writeln!(
                out,
                "  {}:{}:{}  {}  could be: {}",
                terminal_line(&result.files[u.file].path),
                u.line,
                u.column,
                terminal_line(&short(&u.text)),
                terminal_line(&names.join(", "))
            );
        }
    }
    out
}

#[derive(Serialize)]
struct ScanJson<'a> {
    schema_version: u32,
    files_scanned: usize,
    endpoints: Vec<EndpointJson<'a>>,
    unresolved: Vec<UnresolvedJson<'a>>,
    findings: Vec<LocatedFindingJson<'a>>,
    errors: Vec<ErrorJson>,
    summary: crate::finding::Summary,
}

#[derive(Serialize)]
struct EndpointJson<'a> {
    name: &'a str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    area: &'a str,
    scopes: Vec<String>,
    occurrences: Vec<OccurrenceJson<'a>>,
}

#[derive(Serialize)]
struct OccurrenceJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
    confidence: Confidence,
    prose: bool,
}

#[derive(Serialize)]
struct UnresolvedJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
    candidates: Vec<&'a str>,
}

#[derive(Serialize)]
struct LocatedFindingJson<'a> {
    file: &'a str,
    #[serde(flatten)]
    finding: FindingJson<'a>,
}

fn json_document(table: &Table, result: &ScanResult, run: &Run) -> String {
    let doc = ScanJson {
        schema_version: json::SCHEMA_VERSION,
        files_scanned: result.files_scanned,
        endpoints: result
            .endpoints
            .iter()
            .map(|(&id, occ)| {
                let ep = table.endpoint(id);
                EndpointJson {
                    name: &ep.name,
                    method: ep.method.as_deref(),
                    path: ep.path.as_deref(),
                    area: &table.area(ep.area).id,
                    scopes: table.scope_names(&ep.scopes),
                    occurrences: occ
                        .iter()
                        .map(|o| OccurrenceJson {
                            file: &result.files[o.file].path,
                            line: o.line,
                            column: o.column,
                            text: &o.text,
                            confidence: o.confidence,
                            prose: o.prose,
                        })
                        .collect(),
                }
            })
            .collect(),
        unresolved: result
            .unresolved
            .iter()
            .map(|u| UnresolvedJson {
                file: &result.files[u.file].path,
                line: u.line,
                column: u.column,
                text: &u.text,
                candidates: u
                    .candidates
                    .iter()
                    .map(|&c| table.endpoint(c).name.as_str())
                    .collect(),
            })
            .collect(),
        findings: run
            .findings()
            .map(|l| LocatedFindingJson {
                file: &l.file.path,
                finding: finding_json(l.finding),
            })
            .collect(),
        errors: run.errors().map(ErrorJson::from_error).collect(),
        summary: run.summary,
    };
    json::to_string(&doc)
}

/// A new manifest with one token for every endpoint the code calls and its minimal scopes.
fn write_manifest(
    table: &Table,
    result: &ScanResult,
    args: &ScanArgs,
    path: &std::path::Path,
) -> Result<String, String> {
    let shown = display_path(path);
    // A link in a tree from a pull request could send the write anywhere on the machine.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "error: {shown} is a symbolic link; not written (name the file itself)\n"
        ));
    }
    if path.exists() && !args.force {
        return Err(format!(
            "error: {shown} exists; pass --force to overwrite it\n"
        ));
    }
    let called: Vec<(EndpointId, &crate::scan::Occurrence)> = result.called().collect();
    if called.is_empty() {
        return Err(format!(
            "error: no Texter endpoint calls found; {shown} not written\n"
        ));
    }
    let integration = args.integration.clone().unwrap_or_else(|| {
        args.paths
            .first()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "integration".to_owned())
    });
    let ids: Vec<EndpointId> = called.iter().map(|(id, _)| *id).collect();
    let scopes: Vec<&str> = scope_set(&minimal_scopes(table, &ids))
        .iter()
        .map(|&s| table.scope(s).name.as_str())
        .collect();
    let endpoints: Vec<(&str, String)> = called
        .iter()
        .map(|(id, occ)| {
            let ep = table.endpoint(*id);
            let at = format!(
                "{}, {}:{}",
                ep.signature(),
                result.files[occ.file].path,
                occ.line
            );
            (ep.name.as_str(), at)
        })
        .collect();
    let y = manifest_text(&table.api, &integration, &scopes, &endpoints);
    // The file must read back as exactly the manifest meant before it is written.
    let names: Vec<&str> = endpoints.iter().map(|(name, _)| *name).collect();
    check_manifest(table, &y, &shown, &integration, &scopes, &names)?;
    crate::atomic::write_atomically(path, &y)
        .map_err(|e| format!("error: cannot write {shown}: {e}\n"))?;
    Ok(format!(
        "tokenscope: wrote {shown} with {} and {}\n",
        plural(called.len(), "endpoint"),
        plural(scopes.len(), "scope")
    ))
}

/// A manifest with one token named after the integration. Every value goes through
/// `yaml_scalar` and every comment through `yaml_comment`: file names hold anything but `/`
/// and NUL, and none of it may become YAML structure.
fn manifest_text(
    api: &str,
    integration: &str,
    scopes: &[&str],
    endpoints: &[(&str, String)],
) -> String {
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Written by `tokenscope scan --write-manifest`: the endpoints the code calls and the"
    );
    let _ = writeln!(
        y,
        "# minimal scopes they need. Review it, split tokens as your deployment does, then run"
    );
    let _ = writeln!(y, "# `tokenscope audit` and `tokenscope suggest`.");
    let _ = writeln!(y, "integration: {}", yaml_scalar(integration, false));
    let _ = writeln!(y, "api: {}", yaml_scalar(api, false));
    let _ = writeln!(y, "tokens:");
    let _ = writeln!(y, "  {}:", yaml_scalar(integration, false));
    if scopes.is_empty() {
        let _ = writeln!(y, "    scopes: []");
    } else {
        let _ = writeln!(y, "    scopes:");
        for s in scopes {
            let _ = writeln!(y, "      - {}", yaml_scalar(s, false));
        }
    }
    let _ = writeln!(y, "    endpoints:");
    for (name, at) in endpoints {
        let _ = writeln!(
            y,
            "      - {}   # {}",
            yaml_scalar(name, false),
            yaml_comment(at)
        );
    }
    y
}

/// Reads the generated text with the parser `audit` uses and checks that it holds exactly
/// the integration, the one token, and the scopes and endpoints meant, in order: whatever a
/// file name or a table held, nothing else reaches the disk.
fn check_manifest(
    table: &Table,
    text: &str,
    shown: &str,
    integration: &str,
    scopes: &[&str],
    endpoints: &[&str],
) -> Result<(), String> {
    let refuse = |why: String| Err(format!("error: {why}; {shown} not written\n"));
    let m = match Manifest::parse(
        SourceFile::new(shown.to_owned(), text.to_owned()),
        &table.api,
    ) {
        Ok(m) => m,
        Err(e) => {
            let why = e.first().map(ToString::to_string).unwrap_or_default();
            return refuse(format!("the generated manifest does not parse ({why})"));
        }
    };
    let values = |entries: &[crate::manifest::Entry]| -> Option<Vec<String>> {
        entries
            .iter()
            .map(|e| e.reason.is_none().then(|| e.value.value.clone()))
            .collect()
    };
    let holds = m.integration.value == integration
        && m.api.as_ref().map(|a| a.value.as_str()) == Some(table.api.as_str())
        && m.owner.is_none()
        && match m.tokens.as_slice() {
            [token] => {
                token.name.value == integration
                    && token.ignores.is_empty()
                    && token.scopes.is_some()
                    && values(token.scope_entries()).is_some_and(|v| v == scopes)
                    && values(token.endpoint_entries()).is_some_and(|v| v == endpoints)
            }
            _ => false,
        };
    if holds {
        Ok(())
    } else {
        refuse("the generated manifest does not read back as written".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_manifest_meant_checks_out() {
        let table = Table::embedded().unwrap_or_else(|e| panic!("{e:?}"));
        let endpoints = [("Create Label", "POST /labels, a.js:1".to_owned())];
        let meant = manifest_text("texter", "app", &["Manage labels"], &endpoints);
        let check = |text: &str| {
            check_manifest(
                &table,
                text,
                "m.yaml",
                "app",
                &["Manage labels"],
                &["Create Label"],
            )
        };
        assert_eq!(check(&meant), Ok(()));
        for (what, extra) in [
            (
                "a second token",
                "  evil:\n    scopes: [Manage all chats]\n",
            ),
            ("a reason", "        reason: x\n"),
            (
                "an ignore",
                "    ignore:\n      - rule: excess-scope\n        reason: x\n",
            ),
        ] {
            let text = if what == "a reason" {
                meant.replace(
                    "      - Create Label",
                    "      - endpoint: Create Label\n        reason: x",
                )
            } else {
                format!("{meant}{extra}")
            };
            assert!(check(&text).is_err(), "{what}: {text}");
        }
        let owner = meant.replace("api: texter\n", "api: texter\nowner: x\n");
        assert!(check(&owner).is_err());
        let more = meant.replace(
            "      - Manage labels\n",
            "      - Manage labels\n      - Manage all chats\n",
        );
        assert!(check(&more).is_err());
    }
}
