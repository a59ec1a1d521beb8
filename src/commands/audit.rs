//! `tokenscope audit`: every manifest found, every rule, one report.
//!
//! What to audit is decided first (manifests found, each one's config, every config read
//! once); then manifests are audited and rendered in parallel, in chunks, and written in
//! discovery order as each chunk is done — so memory stays flat however many manifests a run
//! covers, and output is the same bytes whatever the threads do.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::audit::{AuditOptions, ManifestReport, audit};
use crate::cli::AuditArgs;
use crate::config::{self, Config, FailOn};
use crate::discover::{Found, STDIN, discover};
use crate::error::InputError;
use crate::finding::Summary;
use crate::gate::Gate;
use crate::manifest::Manifest;
use crate::render::{self, Emitter, Head, Rendered, Tail, Unit};
use crate::source::{SourceFile, display_path};
use crate::table::Tables;
use crate::yaml::Limits;

use super::{Context, Exit, Failure};

/// How many manifests are audited (and held) at a time.
const CHUNK: usize = 512;

/// Below this many manifests, threads cost more than they save.
const PARALLEL_FROM: usize = 16;

/// What a run will audit, decided before any manifest is read: the manifests found, the config
/// each uses (every config loaded once, here), and what could not even start.
struct Plan {
    files: Vec<Found>,
    configs: Vec<Result<Arc<Config>, String>>,
    early: Vec<Vec<InputError>>,
    /// Warnings for standard error (symbolic links skipped).
    notes: String,
}

fn plan(args: &AuditArgs) -> Plan {
    let found = discover(&args.paths, args.follow);
    // A manifest on standard input finds its config from the path it is said to have.
    let for_config: Vec<Found> = found
        .files
        .iter()
        .map(
            |f| match (&args.stdin_filename, f.path.as_os_str() == STDIN) {
                (Some(name), true) => Found {
                    path: name.clone(),
                    root: f.root.clone(),
                },
                _ => f.clone(),
            },
        )
        .collect();
    let resolved = config::resolve(&for_config, args.follow);
    let mut notes = found.skipped_notes();
    for link in &resolved.skipped_links {
        notes.push_str(&format!(
            "warning: skipped the config {link}: it is a symbolic link (pass --follow to use it)\n"
        ));
    }
    let early = found
        .errors
        .into_iter()
        .map(|e| vec![e])
        .chain(resolved.errors)
        .collect();
    Plan {
        files: found.files,
        configs: resolved.per_file,
        early,
        notes,
    }
}

/// One manifest, audited and gated.
enum Audited {
    Report(Box<ManifestReport>, FailOn),
    Failed(Vec<InputError>),
}

impl Audited {
    fn unit(&self) -> Unit<'_> {
        match self {
            Audited::Report(report, _) => Unit::Manifest(report),
            Audited::Failed(errors) => Unit::Failed(errors),
        }
    }
}

/// Audits one manifest against its table: rules, suppressions, then the gate (levels,
/// baseline).
fn audit_one(
    tables: &Tables,
    gate: &Gate,
    path: &Path,
    stdin_name: Option<&Path>,
    config: &Result<Arc<Config>, String>,
) -> Audited {
    let config = match config {
        Ok(c) => c,
        Err(broken) => {
            return Audited::Failed(vec![InputError::NotAudited {
                path: display_path(path),
                config: broken.clone(),
            }]);
        }
    };
    let options = AuditOptions {
        no_ignores: gate.no_ignores,
    };
    let manifest = if path.as_os_str() == STDIN {
        let name = stdin_name.map_or_else(|| "<stdin>".to_owned(), display_path);
        SourceFile::read_stdin(name, Limits::MANIFEST.max_bytes)
            .map_err(|e| vec![e])
            .and_then(Manifest::parse)
    } else {
        Manifest::load(path)
    };
    let report = manifest.and_then(|m| {
        let table = crate::manifest::table_for(tables, &m)?;
        audit(table, m, options)
    });
    match report {
        Ok(mut report) => {
            let integration = report.manifest.integration.value.clone();
            let fail_on = gate.apply(&mut report.findings, config, &integration);
            Audited::Report(Box::new(report), fail_on)
        }
        Err(errors) => Audited::Failed(errors),
    }
}

/// What one unit adds to the run's totals: counted where the unit was audited, so the unit
/// itself (the manifest's text and tree, its findings) is freed by the thread that made it,
/// and only its rendering travels to the writer.
#[derive(Default)]
struct Tally {
    summary: Summary,
    checked: usize,
    unreadable: usize,
    fails: bool,
}

impl Tally {
    fn of(audited: &Audited) -> Tally {
        let mut tally = Tally::default();
        match audited {
            Audited::Report(report, fail_on) => {
                tally.checked = 1;
                for f in &report.findings {
                    tally.summary.add(f.severity);
                    tally.fails |= fail_on.fails(f.severity);
                }
            }
            Audited::Failed(_) => tally.unreadable = 1,
        }
        tally
    }

    fn add(&mut self, other: &Tally) {
        self.summary.merge(&other.summary);
        self.checked += other.checked;
        self.unreadable += other.unreadable;
        self.fails |= other.fails;
    }
}

pub fn run(ctx: &mut Context<'_>, args: &AuditArgs) -> Result<Exit, Failure> {
    let table = ctx.table()?;
    let tables = ctx.tables;
    let plan = plan(args);
    ctx.err.write_all(plan.notes.as_bytes())?;
    let (gate, baseline_error) = Gate::new(&args.gate);
    let mut emitter = render::emitter(
        args.gate.format,
        table,
        ctx.style.with_min_severity(args.gate.min_severity),
    );
    emitter.begin(ctx.out, &Head::Audit)?;

    let mut totals = Tally::default();
    let early = plan
        .early
        .into_iter()
        .chain(baseline_error.map(|e| vec![e]))
        .map(Audited::Failed);
    for audited in early {
        totals.add(&Tally::of(&audited));
        let rendered = emitter.render(&audited.unit());
        emitter.write(ctx.out, ctx.err, rendered)?;
    }
    let work: Vec<(&Found, &Result<Arc<Config>, String>)> =
        plan.files.iter().zip(&plan.configs).collect();
    for chunk in work.chunks(CHUNK) {
        let emitter_ref: &dyn Emitter<'_> = emitter.as_ref();
        let one = |(found, config): &(&Found, &Result<Arc<Config>, String>)| {
            let audited = audit_one(
                tables,
                &gate,
                &found.path,
                args.stdin_filename.as_deref(),
                config,
            );
            let rendered = emitter_ref.render(&audited.unit());
            (Tally::of(&audited), rendered)
        };
        // A few manifests are done before a thread pool would have started.
        let done: Vec<(Tally, Rendered)> = if chunk.len() < PARALLEL_FROM {
            chunk.iter().map(one).collect()
        } else {
            chunk.par_iter().map(one).collect()
        };
        for (tally, rendered) in done {
            totals.add(&tally);
            emitter.write(ctx.out, ctx.err, rendered)?;
        }
    }
    let status = gate.baseline_status();
    emitter.finish(
        ctx.out,
        &Tail {
            summary: totals.summary,
            checked: totals.checked,
            unreadable: totals.unreadable,
            baseline: status.as_ref(),
            below_min: gate.below_min(),
        },
    )?;
    Ok(gate.finish(&args.gate, totals.unreadable > 0, totals.fails, ctx.err))
}
