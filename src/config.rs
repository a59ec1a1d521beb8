//! Severity control: `--deny/--warn/--allow`, `--fail-on`, and the `.tokenscope.yaml` config
//! found upward from each manifest.
//!
//! Severity is kept apart from what is shown: a rule's level decides how a finding is labelled
//! (or whether it is reported at all), `fail-on` decides which levels fail the run.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{InputError, did_you_mean};
use crate::finding::{RuleId, Severity};
use crate::source::{SourceFile, display_path};
use crate::yaml::{self, Limits, Reader, closest};

pub use crate::discover::{CONFIG_FILE, CONFIG_FILES};

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

/// `--min-severity`: the lowest severity shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MinSeverity {
    Error,
    Warning,
    Note,
}

impl MinSeverity {
    pub fn severity(self) -> crate::finding::Severity {
        match self {
            MinSeverity::Error => crate::finding::Severity::Error,
            MinSeverity::Warning => crate::finding::Severity::Warning,
            MinSeverity::Note => crate::finding::Severity::Note,
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
        let root = yaml::parse_document(
            &file,
            Limits::MANIFEST,
            yaml::DocumentKind {
                what: "a tokenscope config",
                keys: CONFIG_KEYS,
            },
        )
        .map_err(|e| vec![e])?;
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

/// Finds the config that applies to a manifest: the nearest `.tokenscope.yaml` in its directory
/// or above, up to the root of the repository the searched path is in (the nearest directory
/// holding `.git`), or up to the searched path itself when it is in no repository — never
/// beyond, so a config of an unrelated parent directory never applies. A config that is a
/// symbolic link is skipped unless links are followed.
pub struct ConfigFinder {
    follow: bool,
    ceilings: HashMap<PathBuf, PathBuf>,
    /// Each manifest directory as given, canonical: manifests share a few directories, and
    /// resolving a path costs a system call per component.
    canonical: HashMap<PathBuf, PathBuf>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Config files skipped because they are symbolic links.
    pub skipped_links: Vec<String>,
}

impl ConfigFinder {
    pub fn new(follow: bool) -> Self {
        ConfigFinder {
            follow,
            ceilings: HashMap::new(),
            canonical: HashMap::new(),
            by_dir: HashMap::new(),
            skipped_links: Vec::new(),
        }
    }

    /// The config file that applies to `manifest`, found under the searched path `root`.
    pub fn find(&mut self, manifest: &Path, root: &Path) -> Option<PathBuf> {
        let dir = manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = match self.canonical.get(dir) {
            Some(canonical) => canonical.clone(),
            None => {
                let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
                self.canonical.insert(dir.to_path_buf(), canonical.clone());
                canonical
            }
        };
        let ceiling = self.ceiling(root);
        let mut current = dir.as_path();
        loop {
            if let Some(found) = self.by_dir.get(current) {
                return found.clone();
            }
            if let Some(found) = self.config_in(current) {
                self.by_dir
                    .insert(current.to_path_buf(), Some(found.clone()));
                return Some(found);
            }
            // Outside the searched tree (a followed link), only the manifest's own directory.
            let stop = current == ceiling || !current.starts_with(&ceiling);
            match current.parent() {
                Some(parent) if !stop => current = parent,
                _ => {
                    self.by_dir.insert(current.to_path_buf(), None);
                    return None;
                }
            }
        }
    }

    /// Where the search stops for a searched path: its repository's root, or the path itself.
    fn ceiling(&mut self, root: &Path) -> PathBuf {
        if let Some(c) = self.ceilings.get(root) {
            return c.clone();
        }
        let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let ceiling = canonical
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&canonical)
            .to_path_buf();
        self.ceilings.insert(root.to_path_buf(), ceiling.clone());
        ceiling
    }

    fn config_in(&mut self, dir: &Path) -> Option<PathBuf> {
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            let Ok(meta) = std::fs::symlink_metadata(&candidate) else {
                continue;
            };
            if meta.file_type().is_symlink() && !self.follow {
                self.skipped_links.push(display_path(&candidate));
                continue;
            }
            return Some(candidate);
        }
        None
    }
}

/// The config each manifest of a run uses, every config loaded once, before any manifest is
/// audited: a broken config is one input error, and every manifest under it is not audited.
pub struct Resolved {
    /// Per manifest, in order: its config, or the path of the broken config that applies.
    pub per_file: Vec<Result<Arc<Config>, String>>,
    /// The errors of each broken config, in the order they were first needed.
    pub errors: Vec<Vec<InputError>>,
    pub skipped_links: Vec<String>,
}

impl Config {
    /// The config that applies to one manifest named on the command line.
    pub fn for_manifest(path: &Path, follow: bool) -> Result<Config, Vec<InputError>> {
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let found = crate::discover::Found {
            path: path.to_path_buf(),
            root,
        };
        let mut resolved = resolve(&[found], follow);
        match (resolved.per_file.pop(), resolved.errors.pop()) {
            (_, Some(errors)) => Err(errors),
            (Some(Ok(config)), None) => Ok(Arc::unwrap_or_clone(config)),
            _ => Ok(Config::default()),
        }
    }
}

/// Resolves the config of every manifest found.
pub fn resolve(files: &[crate::discover::Found], follow: bool) -> Resolved {
    let mut finder = ConfigFinder::new(follow);
    let mut loaded: HashMap<PathBuf, Result<Arc<Config>, String>> = HashMap::new();
    let mut errors = Vec::new();
    let default = Arc::new(Config::default());
    let per_file = files
        .iter()
        .map(|f| match finder.find(&f.path, &f.root) {
            None => Ok(Arc::clone(&default)),
            Some(path) => loaded
                .entry(path.clone())
                .or_insert_with(|| match Config::load(&path) {
                    Ok(config) => Ok(Arc::new(config)),
                    Err(e) => {
                        errors.push(e);
                        Err(display_path(&path))
                    }
                })
                .clone(),
        })
        .collect();
    let mut skipped_links = finder.skipped_links;
    skipped_links.sort();
    skipped_links.dedup();
    Resolved {
        per_file,
        errors,
        skipped_links,
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
        assert!(err.contains("`excess-scope`"), "{err}");
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
