//! Severity control: `--deny/--warn/--allow`, `--fail-on`, and the `.tokenscope.yaml` config
//! found upward from each manifest.
//!
//! Severity is kept apart from what is shown: a rule's level decides how a finding is labelled
//! (or whether it is reported at all), `fail-on` decides which levels fail the run.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{InputError, did_you_mean};
use crate::finding::{RuleId, Severity};
use crate::source::{SourceFile, display_path};
use crate::yaml::{self, Limits, Reader, closest};

pub use crate::discover::CONFIG_FILE;

/// The lowest severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub const NAMES: [&'static str; 4] = ["error", "warning", "note", "never"];

    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "note" => Some(FailOn::Note),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

/// A rule selector on the command line: one rule id, or `all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSelector {
    All,
    Rule(RuleId),
}

/// clap value parser for `--deny/--warn/--allow`: a rule id or `all`, with a did-you-mean.
pub fn parse_rule_selector(s: &str) -> Result<RuleSelector, String> {
    if s == "all" {
        return Ok(RuleSelector::All);
    }
    RuleId::parse(s).map(RuleSelector::Rule).ok_or_else(|| {
        let hint = did_you_mean(&closest(
            s,
            RuleId::ALL.iter().map(|r| r.as_str()).chain(["all"]),
        ))
        .unwrap_or_else(|| "`tokenscope explain RULE` describes each rule".into());
        format!("unknown rule `{s}`; {hint}")
    })
}

/// The level a rule is set to: a severity, or off.
pub type Level = Option<Severity>;

/// Rule levels from the command line.
#[derive(Clone, Debug, Default)]
pub struct CliLevels {
    pub deny: Vec<RuleSelector>,
    pub warn: Vec<RuleSelector>,
    pub allow: Vec<RuleSelector>,
}

impl CliLevels {
    /// The level the flags set for a rule, if any: a named rule beats `all`; when several flags
    /// name the same rule, `--allow` beats `--deny` beats `--warn`.
    fn level(&self, rule: RuleId) -> Option<Level> {
        for selector in [RuleSelector::Rule(rule), RuleSelector::All] {
            if self.allow.contains(&selector) {
                return Some(None);
            }
            if self.deny.contains(&selector) {
                return Some(Some(Severity::Error));
            }
            if self.warn.contains(&selector) {
                return Some(Some(Severity::Warning));
            }
        }
        None
    }
}

/// A `.tokenscope.yaml` config file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub path: Option<String>,
    pub rules: BTreeMap<RuleId, Level>,
    pub fail_on: Option<FailOn>,
}

const CONFIG_KEYS: &[&str] = &["rules", "fail-on"];
const LEVELS: &[&str] = &["error", "warning", "note", "off"];

impl Config {
    /// Reads and validates a config file strictly, like a manifest.
    pub fn load(path: &Path) -> Result<Config, Vec<InputError>> {
        let file = SourceFile::read(path, Limits::MANIFEST.max_bytes).map_err(|e| vec![e])?;
        let root = yaml::parse(&file, Limits::MANIFEST).map_err(|e| vec![e])?;
        let mut r = Reader::new(&file);
        let mut config = Config {
            path: Some(file.path.clone()),
            ..Config::default()
        };
        if !matches!(root.kind, yaml::NodeKind::Null)
            && let Some(fields) = r.map(&root, "the config", CONFIG_KEYS)
        {
            if let Some(node) = fields.get("rules")
                && !matches!(node.kind, yaml::NodeKind::Null)
                && let Some(entries) = r.named_map(node, "`rules`")
            {
                for (name, value) in entries {
                    let rule = crate::manifest::parse_rule(&mut r, &name);
                    let level = r.required_text(value, "a rule level");
                    let level = level.and_then(|t| match t.value.as_str() {
                        "error" => Some(Some(Severity::Error)),
                        "warning" => Some(Some(Severity::Warning)),
                        "note" => Some(Some(Severity::Note)),
                        "off" => Some(None),
                        other => {
                            r.error(
                                t.span,
                                format!("`{other}` is not a rule level"),
                                "expected error, warning, note or off",
                                did_you_mean(&closest(other, LEVELS.iter().copied())),
                            );
                            None
                        }
                    });
                    if let (Some(rule), Some(level)) = (rule, level) {
                        config.rules.insert(rule, level);
                    }
                }
            }
            if let Some(node) = fields.get("fail-on")
                && let Some(t) = r.required_text(node, "`fail-on`")
            {
                config.fail_on = FailOn::parse(&t.value);
                if config.fail_on.is_none() {
                    r.error(
                        t.span,
                        format!("`{}` is not a valid `fail-on`", t.value),
                        "expected error, warning, note or never",
                        did_you_mean(&closest(&t.value, FailOn::NAMES.iter().copied())),
                    );
                }
            }
        }
        if r.errors.is_empty() {
            Ok(config)
        } else {
            Err(r.errors)
        }
    }
}

/// Finds the config that applies to each manifest: the nearest `.tokenscope.yaml` in its
/// directory or above, up to the repository root (the first directory holding `.git`).
/// Each directory is looked at once per run.
#[derive(Default)]
pub struct ConfigFinder {
    by_given_dir: HashMap<PathBuf, Option<PathBuf>>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Result<Config, String>>,
}

impl ConfigFinder {
    pub fn for_manifest(&mut self, manifest: &Path) -> Result<Config, Vec<InputError>> {
        let dir = manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        // Manifests of one directory share the answer: resolve each directory once.
        let found = match self.by_given_dir.get(&dir) {
            Some(found) => found.clone(),
            None => {
                let canonical = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
                let found = self.find(&canonical);
                self.by_given_dir.insert(dir, found.clone());
                found
            }
        };
        let Some(path) = found else {
            return Ok(Config::default());
        };
        if let Some(done) = self.loaded.get(&path) {
            // A broken config is reported once, with the first manifest it applies to.
            return Ok(done.clone().unwrap_or_default());
        }
        match Config::load(&path) {
            Ok(config) => {
                self.loaded.insert(path, Ok(config.clone()));
                Ok(config)
            }
            Err(errors) => {
                self.loaded.insert(path.clone(), Err(display_path(&path)));
                Err(errors)
            }
        }
    }

    fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let candidate = dir.join(CONFIG_FILE);
        let found = if candidate.is_file() {
            Some(candidate)
        } else if dir.join(".git").exists() {
            None
        } else {
            dir.parent().and_then(|p| self.find(p))
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// The effective level of each rule for one manifest: flags over config over defaults.
pub fn effective_level(rule: RuleId, default: Severity, cli: &CliLevels, config: &Config) -> Level {
    cli.level(rule)
        .or_else(|| config.rules.get(&rule).copied())
        .unwrap_or(Some(default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_rules_beat_all_and_allow_beats_deny() {
        let cli = CliLevels {
            deny: vec![RuleSelector::Rule(RuleId::ExcessScope)],
            warn: vec![],
            allow: vec![RuleSelector::All],
        };
        let config = Config::default();
        assert_eq!(
            effective_level(RuleId::ExcessScope, Severity::Warning, &cli, &config),
            Some(Severity::Error)
        );
        assert_eq!(
            effective_level(RuleId::MissingScope, Severity::Error, &cli, &config),
            None
        );
    }

    #[test]
    fn config_applies_under_flags() {
        let mut config = Config::default();
        config.rules.insert(RuleId::HighRiskScope, None);
        config
            .rules
            .insert(RuleId::ExcessScope, Some(Severity::Error));
        let cli = CliLevels {
            warn: vec![RuleSelector::Rule(RuleId::ExcessScope)],
            ..CliLevels::default()
        };
        assert_eq!(
            effective_level(RuleId::HighRiskScope, Severity::Note, &cli, &config),
            None
        );
        assert_eq!(
            effective_level(RuleId::ExcessScope, Severity::Warning, &cli, &config),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn selectors_reject_unknown_rules_with_a_suggestion() {
        assert_eq!(parse_rule_selector("all"), Ok(RuleSelector::All));
        let err = parse_rule_selector("excess-scopes").unwrap_err();
        assert!(err.contains("did you mean `excess-scope`?"), "{err}");
    }

    #[test]
    fn config_files_are_strict() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, "rules:\n  excess-scope: off\n  high-risk-scop: error\n  missing-scope: fatal\nfail-on: warnings\nfailon: x\n").unwrap_or_else(|e| panic!("{e}"));
        let errors = Config::load(&path).unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages,
            [
                "unknown key `failon` in the config",
                "unknown rule `high-risk-scop`",
                "`fatal` is not a rule level",
                "`warnings` is not a valid `fail-on`"
            ]
        );
        std::fs::write(&path, "rules:\n  excess-scope: off\nfail-on: warning\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let config = Config::load(&path).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(config.rules.get(&RuleId::ExcessScope), Some(&None));
        assert_eq!(config.fail_on, Some(FailOn::Warning));
    }
}
