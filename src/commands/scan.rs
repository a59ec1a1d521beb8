//! `tokenscope scan`: the endpoints a codebase calls, checked against a manifest, or written
//! into a new one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;

use crate::audit::plural;
use crate::audit::rules::{undeclared_endpoint, unused_endpoint};
use crate::cli::ScanArgs;
use crate::config::{Config, FailOn};
use crate::error::InputError;
use crate::finding::{Finding, Summary};
use crate::gate::Gate;
use crate::manifest::{Manifest, resolve_endpoint};
use crate::render::{self, Head, Tail, Unit};
use crate::scan::{ScanOptions, ScanResult, scan};
use crate::source::{SourceFile, display_path};
use crate::suggest::write::{yaml_comment, yaml_scalar};
use crate::suggest::{grant_set, minimal_scopes};
use crate::table::{EndpointId, Table};

use super::{Context, Exit, Failure};

/// One input scan reports on: findings in a file, or what could not be read.
enum Checked {
    Findings {
        file: SourceFile,
        integration: String,
        findings: Vec<Finding>,
        fail_on: FailOn,
    },
    Failed(Vec<InputError>),
}

impl Checked {
    fn unit(&self) -> Unit<'_> {
        match self {
            Checked::Findings {
                file,
                integration,
                findings,
                ..
            } => Unit::Findings {
                file,
                integration,
                findings,
            },
            Checked::Failed(errors) => Unit::Failed(errors),
        }
    }
}

/// The host `--base-url` names, which then counts as the API's.
fn base_url_host(url: &str) -> Result<String, InputError> {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .map(str::to_ascii_lowercase)
        .filter(|host| !host.is_empty())
        .ok_or_else(|| InputError::BadFlag {
            flag: "--base-url",
            why: "is not an absolute URL (https://host/...)".into(),
        })
}

pub fn run(ctx: &mut Context<'_>, args: &ScanArgs) -> Result<Exit, Failure> {
    let (table, flag) = scanned_table(ctx, args)?;
    // Checked before use: an absolute URL with a host.
    args.base_url.as_deref().map(base_url_host).transpose()?;
    // Without a host, a convention or `--base-url`, scan would find nothing and report every
    // declared endpoint as unused.
    if !crate::scan::can_scan(table, args.base_url.as_deref()) {
        return Err(vec![not_scannable(flag, &table.api)].into());
    }
    // Refuse a write that cannot happen before scanning and printing anything.
    if let Some(path) = &args.write_manifest {
        refuse_target(path, args.force)?;
    }
    let options = ScanOptions {
        hidden: !args.no_hidden,
        no_ignore: args.no_ignore,
        follow: args.follow,
        max_filesize: args.max_filesize,
        base_url: args.base_url.clone(),
        threads: args.threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(crate::scan::MAX_THREADS)
        }),
    };
    let bar = (!ctx.style.quiet && std::io::stderr().is_terminal()).then(|| {
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

    let (gate, baseline_error) = Gate::new(&args.gate);
    let mut checked: Vec<Checked> = std::mem::take(&mut result.errors)
        .into_iter()
        .chain(baseline_error)
        .map(|e| Checked::Failed(vec![e]))
        .collect();
    if let Some(path) = &args.manifest {
        checked.extend(cross_check_manifest(
            ctx.tables,
            table,
            &gate,
            &result,
            path,
            args.follow,
        ));
    }

    let mut emitter = render::emitter(
        args.gate.format,
        table,
        ctx.style.with_min_severity(args.gate.min_severity),
    );
    let mut summary = Summary::default();
    let (mut fails, mut unreadable) = (false, 0);
    let units: Vec<Unit<'_>> = checked.iter().map(Checked::unit).collect();
    for c in &checked {
        match c {
            Checked::Findings {
                findings, fail_on, ..
            } => {
                for f in findings {
                    summary.add(f.severity);
                    fails |= fail_on.fails(f.severity);
                }
            }
            Checked::Failed(_) => unreadable += 1,
        }
    }
    let status = gate.baseline_status();
    render::emit_all(
        emitter.as_mut(),
        ctx.out,
        ctx.err,
        &Head::Scan(&result),
        &units,
        &Tail {
            summary,
            checked: units.len() - unreadable,
            unreadable,
            baseline: status.as_ref(),
            below_min: gate.below_min(),
        },
    )?;
    let mut exit = gate.finish(&args.gate, unreadable > 0, fails, ctx.err);
    if let Some(path) = &args.write_manifest {
        match write_manifest(table, &result, args, path) {
            Ok(message) => ctx.err.write_all(message.as_bytes())?,
            Err(message) => {
                ctx.err.write_all(message.as_bytes())?;
                exit = Exit::InvalidInput;
            }
        }
    }
    Ok(exit)
}

/// The table whose API scan looks for: `--table` or `--api`, else the `api:` of the manifest
/// given with `--manifest`, else Texter's; and the flag that chose it. A manifest that cannot
/// be read leaves the default, and is reported as unreadable once the scan is done.
fn scanned_table(
    ctx: &Context<'_>,
    args: &ScanArgs,
) -> Result<(&'static Table, &'static str), Failure> {
    if !ctx.tables.forced()
        && let Some(path) = &args.manifest
        && let Ok(table) =
            Manifest::load(path).and_then(|m| crate::manifest::table_for(ctx.tables, &m))
    {
        return Ok((table, "--manifest"));
    }
    let flag = if ctx.tables.is_custom() {
        "--table"
    } else {
        "--api"
    };
    Ok((ctx.table()?, flag))
}

fn not_scannable(flag: &'static str, api: &str) -> InputError {
    InputError::BadFlag {
        flag,
        why: format!(
            "scan cannot tell what a call to the `{api}` API looks like: its table has no \
             `base_urls` and scan knows no convention for it (name its host with `--base-url URL`)"
        ),
    }
}

/// `--manifest`: the calls found against what the manifest declares, gated like an audit.
fn cross_check_manifest(
    tables: &crate::table::Tables,
    table: &Table,
    gate: &Gate,
    result: &ScanResult,
    path: &Path,
    follow: bool,
) -> Vec<Checked> {
    let manifest = match Manifest::load(path).and_then(|m| {
        let for_it = crate::manifest::table_for(tables, &m)?;
        // Calls found with one table cannot be checked against another API's manifest.
        if std::ptr::eq(for_it, table) {
            Ok(m)
        } else {
            Err(vec![InputError::BadFlag {
                flag: "--manifest",
                why: format!(
                    "the manifest is for the `{}` API, but the scan looked for `{}` calls (pass `--api {}`)",
                    for_it.api, table.api, for_it.api
                ),
            }])
        }
    }) {
        Ok(m) => m,
        Err(errors) => return vec![Checked::Failed(errors)],
    };
    // A broken config is an input error, never a silent fall back to defaults.
    let config = match Config::for_manifest(path, follow) {
        Ok(c) => c,
        Err(errors) => return vec![Checked::Failed(errors)],
    };
    let integration = &manifest.integration.value;
    let mut out = Vec::new();
    for (file, mut findings) in cross_check(table, &manifest, result, gate.no_ignores) {
        let fail_on = gate.apply(&mut findings, &config, integration);
        if findings.is_empty() {
            continue;
        }
        let file = if file == usize::MAX {
            manifest.file.clone()
        } else {
            result.files[file].clone()
        };
        out.push(Checked::Findings {
            file,
            integration: integration.clone(),
            findings,
            fail_on,
        });
    }
    out
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
        by_file
            .entry(occurrence.file)
            .or_default()
            .push(undeclared_endpoint::finding(
                file.span(occurrence.offset, occurrence.length),
                &ep.name,
                &ep.signature(),
                &manifest.integration.value,
                &manifest.file.path,
            ));
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
            let finding = unused_endpoint::finding(
                entry.value.span,
                &token.name.value,
                &table.endpoint(id).name,
            );
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

/// Why `--write-manifest` may not write to `path`: a link, or an existing file without
/// `--force`.
fn refuse_target(path: &Path, force: bool) -> Result<(), InputError> {
    // A link in a tree from a pull request could send the write anywhere on the machine.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(InputError::BadFlag {
            flag: "--write-manifest",
            why: format!(
                "{} is a symbolic link; not written (name the file itself)",
                display_path(path)
            ),
        });
    }
    if path.exists() && !force {
        return Err(InputError::BadFlag {
            flag: "--write-manifest",
            why: format!(
                "{} exists; pass --force to overwrite it",
                display_path(path)
            ),
        });
    }
    Ok(())
}

/// A new manifest with one token for every endpoint the code calls and its minimal scopes.
fn write_manifest(
    table: &Table,
    result: &ScanResult,
    args: &ScanArgs,
    path: &std::path::Path,
) -> Result<String, String> {
    let shown = display_path(path);
    // Checked again: the tree may have changed while it was scanned.
    refuse_target(path, args.force).map_err(|e| format!("error: {e}\n"))?;
    let called: Vec<(EndpointId, &crate::scan::Occurrence)> = result.called().collect();
    if called.is_empty() {
        return Err(format!(
            "error: no calls of {} endpoints found; {shown} not written\n",
            table.title
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
    let scope_refs: Vec<String> = grant_set(&minimal_scopes(table, &ids))
        .iter()
        .map(|g| table.grant_ref(g))
        .collect();
    let scopes: Vec<&str> = scope_refs.iter().map(String::as_str).collect();
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
            (ep.name.as_ref(), at)
        })
        .collect();
    let unresolved: Vec<String> = result
        .unresolved
        .iter()
        .map(|u| {
            let names: Vec<String> = u
                .candidates
                .iter()
                .map(|&c| table.endpoint(c).describe())
                .collect();
            format!(
                "{}:{}: {} — could be: {}",
                result.files[u.file].path,
                u.line,
                u.text,
                names.join(", ")
            )
        })
        .collect();
    let y = manifest_text(&table.api, &integration, &scopes, &endpoints, &unresolved);
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
    unresolved: &[String],
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
    if !unresolved.is_empty() {
        // Calls whose endpoint could not be told: left for a person, never guessed, never lost.
        let _ = writeln!(
            y,
            "      # TODO: {} could not be resolved to one endpoint; add the one each makes:",
            plural(unresolved.len(), "call")
        );
        for u in unresolved {
            let _ = writeln!(y, "      #   {}", yaml_comment(u));
        }
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
    let m = match Manifest::parse(SourceFile::new(shown.to_owned(), text.to_owned())) {
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
        let meant = manifest_text("texter", "app", &["Manage labels"], &endpoints, &[]);
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
