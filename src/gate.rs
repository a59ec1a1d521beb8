//! The CI gate, one for every command that reports findings: rule levels (flags over the
//! config over defaults), the baseline, `--fail-on`, and the exit code.
//!
//! A command gathers its findings per input; the gate decides which are shown and at what
//! severity, which the baseline hides, and whether the run fails — the same way for `audit`,
//! `scan` and `verify`.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use crate::baseline::{self, Baseline, BaselineEntry};
use crate::cli::GateArgs;
use crate::config::{CliLevels, Config, FailOn, effective_level};
use crate::error::InputError;
use crate::exit::Exit;
use crate::finding::Finding;
use crate::report::BaselineStatus;
use crate::source::display_path;

/// A run's gate: built once, before any input is checked, and shared by the threads that
/// check them.
pub struct Gate {
    levels: CliLevels,
    fail_on: Option<FailOn>,
    baseline: Option<Mutex<Baseline>>,
    hidden: Mutex<usize>,
    min_severity: Option<crate::finding::Severity>,
    /// Findings below `--min-severity`: counted, not shown.
    below_min: Mutex<usize>,
    /// Findings recorded for `--write-baseline`.
    recorded: Option<Mutex<Vec<BaselineEntry>>>,
    pub no_ignores: bool,
}

impl Gate {
    /// The gate the flags ask for. A baseline that cannot be read is an input error, reported
    /// like an unreadable input (the run goes on, and exits 2).
    pub fn new(args: &GateArgs) -> (Gate, Option<InputError>) {
        let (baseline, error) = match args.baseline.as_deref().map(Baseline::load) {
            Some(Ok(b)) => (Some(Mutex::new(b)), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        let gate = Gate {
            levels: CliLevels {
                deny: args.deny.clone(),
                warn: args.warn.clone(),
                allow: args.allow.clone(),
            },
            fail_on: args.fail_on,
            baseline,
            hidden: Mutex::new(0),
            min_severity: args.min_severity.map(|m| m.severity()),
            below_min: Mutex::new(0),
            recorded: args.write_baseline.as_ref().map(|_| Mutex::new(Vec::new())),
            no_ignores: args.no_ignores,
        };
        (gate, error)
    }

    /// Applies rule levels and the baseline to one input's findings; returns the threshold
    /// that applies to it (the flag, else its config, else `error`).
    pub fn apply(&self, findings: &mut Vec<Finding>, config: &Config, integration: &str) -> FailOn {
        findings.retain_mut(
            |f| match effective_level(f.rule, f.severity, &self.levels, config) {
                Some(severity) => {
                    f.severity = severity;
                    true
                }
                None => false,
            },
        );
        if let Some(min) = self.min_severity {
            let before = findings.len();
            findings.retain(|f| f.severity >= min);
            if let Ok(mut below) = self.below_min.lock() {
                *below += before - findings.len();
            }
        }
        if let Some(Ok(mut baseline)) = self.baseline.as_ref().map(Mutex::lock) {
            let before = findings.len();
            findings.retain(|f| !baseline.contains(f, integration));
            if let Ok(mut hidden) = self.hidden.lock() {
                *hidden += before - findings.len();
            }
        }
        if let Some(Ok(mut recorded)) = self.recorded.as_ref().map(Mutex::lock) {
            recorded.extend(findings.iter().map(|f| BaselineEntry::of(f, integration)));
        }
        self.fail_on.or(config.fail_on).unwrap_or(FailOn::Error)
    }

    /// How many findings `--min-severity` left out.
    pub fn below_min(&self) -> usize {
        self.below_min.lock().map_or(0, |b| *b)
    }

    /// How the baseline was applied, once every input is checked.
    pub fn baseline_status(&self) -> Option<BaselineStatus> {
        let baseline = self.baseline.as_ref()?.lock().ok()?;
        Some(BaselineStatus {
            hidden: self.hidden.lock().map_or(0, |h| *h),
            stale: baseline.stale().into_iter().cloned().collect(),
        })
    }

    /// The exit status of a run: invalid input first, then findings at or above the threshold;
    /// with `--write-baseline`, the baseline is written and the run passes.
    pub fn finish(
        &self,
        args: &GateArgs,
        input_errors: bool,
        fails: bool,
        err: &mut dyn Write,
    ) -> Exit {
        if input_errors {
            return Exit::InvalidInput;
        }
        if let (Some(path), Some(recorded)) = (&args.write_baseline, &self.recorded) {
            let entries = recorded
                .lock()
                .map(|mut r| std::mem::take(&mut *r))
                .unwrap_or_default();
            return write_baseline(path, entries, err);
        }
        if fails { Exit::Findings } else { Exit::Success }
    }
}

/// Writes `--write-baseline`: only over a file that is a baseline already, atomically.
fn write_baseline(path: &Path, entries: Vec<BaselineEntry>, err: &mut dyn Write) -> Exit {
    // Only a baseline is ever overwritten: not a manifest named by mistake, not any other file.
    if path.exists()
        && let Err(e) = Baseline::load(path)
    {
        let _ = writeln!(
            err,
            "error: refusing to overwrite {}: it is not a tokenscope baseline ({e})",
            display_path(path)
        );
        return Exit::InvalidInput;
    }
    let count = entries.len();
    match crate::atomic::write_atomically(path, &baseline::render(entries)) {
        Ok(()) => {
            let _ = writeln!(
                err,
                "tokenscope: recorded {} in {}",
                crate::audit::plural(count, "finding"),
                display_path(path)
            );
            Exit::Success
        }
        Err(cause) => {
            let _ = writeln!(err, "error: cannot write {}: {cause}", display_path(path));
            Exit::InvalidInput
        }
    }
}
