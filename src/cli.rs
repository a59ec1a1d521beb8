//! The command line: commands, their arguments and the options every command shares.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

pub use crate::config::{FailOn, MinSeverity};
use crate::config::{RuleSelector, parse_rule_selector};
use crate::live::NetArgs;
use crate::live::date::parse_date;
pub use crate::render::ReportFormat;
use crate::scan::MAX_THREADS;

/// The exit codes, for `--help` and the man pages.
pub const EXIT_CODES: &str = "Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (suggest: \
the suggestion is incomplete); 2 invalid input or usage, or output that could not be written; 3 a live \
command could not settle its answer: verify could not reach the API, the token was refused, a probe got \
no usable answer or no declared scope could be checked; table drift could not read the docs or refused \
to remove much of the table at once.";

/// Audit API token scopes: missing and excess scopes, unknown names, minimal sets.
#[derive(Debug, Parser)]
#[command(
    name = "tokenscope",
    version,
    about,
    long_about = "tokenscope checks an integration's manifest (the endpoints each API token calls and the \
scopes it holds) against a scope table, and reports missing scopes, excess scopes and unknown names, \
pointing at the line. The Texter API v2 table is built in.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The process's arguments, as `Cli::parse` reads them (a usage error, `--help` and
    /// `--version` print and exit), except that clap's command tree is kept, not freed: freeing
    /// its few thousand small values was 7% of a one-manifest audit's instructions, and the
    /// process ends with the command it runs.
    pub fn parse_args() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let mut command = std::mem::ManuallyDrop::new(Self::command());
        command
            .try_get_matches_from_mut(std::env::args_os())
            .and_then(|mut matches| Self::from_arg_matches_mut(&mut matches))
            .unwrap_or_else(|e| e.format(&mut command).exit())
    }
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this scope table instead of the built-in ones (a manifest's `api:` must match it).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "api")]
    pub table: Option<PathBuf>,
    /// Use this built-in table for every input instead of each manifest's `api:` (and for
    /// commands without a manifest, instead of Texter's).
    #[arg(long, global = true, value_name = "NAME", value_parser = builtin_api)]
    pub api: Option<String>,
    /// When to colour output (NO_COLOR in the environment turns `auto` off).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print findings only: no summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// `--api`: one of the built-in tables.
fn builtin_api(value: &str) -> Result<String, String> {
    let known: Vec<&str> = crate::table::builtin_apis().collect();
    if known.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "no built-in table for this API (built in: {})",
            known.join(", ")
        ))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests against the scope table (files, or directories searched recursively).
    #[command(after_help = EXIT_CODES)]
    Audit(AuditArgs),
    /// Suggest the minimal scopes per token (and per-area tokens), or write them back.
    #[command(after_help = EXIT_CODES)]
    Suggest(SuggestArgs),
    /// Find the endpoints a codebase calls; check them against a manifest or write a new one.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// Show scope changes between two versions of a manifest (for pull request review).
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
    /// Print the manifest's JSON Schema (for editor completion and validation).
    Schema,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command to a directory.
    Man {
        /// Write `tokenscope.1` and a page per subcommand (`tokenscope-audit.1`, ...) here.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Explain a scope, an endpoint, an area or a rule.
    Explain(ExplainArgs),
    /// Print the scope table in use, or check a custom one.
    #[command(after_help = EXIT_CODES)]
    Table(TableArgs),
    /// Check a real token's scopes read-only against the live API (token from the environment).
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Manifests, or directories to search for `tokenscope.yaml` and `*.tokenscope.yaml` (or
    /// `.yml`); `-` reads one manifest from standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The path to report (and find the config from) for a manifest read from standard input.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Follow symbolic links met while searching directories (manifests and configs); without
    /// it they are skipped with a warning. Files named on the command line are always read.
    #[arg(long, short = 'L')]
    pub follow: bool,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// What a CI gate needs: output format, severity control, suppressions and baselines.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// The lowest severity that fails the run (exit 1) [default: error, or the config's `fail-on`].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Report RULE as an error (repeatable; `all` for every rule).
    #[arg(long, value_name = "RULE", value_parser = parse_rule_selector)]
    pub deny: Vec<RuleSelector>,
    /// Report RULE as a warning (repeatable; `all` for every rule).
    #[arg(long, value_name = "RULE", value_parser = parse_rule_selector)]
    pub warn: Vec<RuleSelector>,
    /// Do not report RULE (repeatable; `all` for every rule).
    #[arg(long, value_name = "RULE", value_parser = parse_rule_selector)]
    pub allow: Vec<RuleSelector>,
    /// Report findings that `ignore:` entries and inline comments silence.
    #[arg(long)]
    pub no_ignores: bool,
    /// Show only findings at or above this severity (the rest are counted, not shown, and
    /// cannot fail the run) [default: note; Markdown shows notes only when asked].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<MinSeverity>,
    /// Hide the findings recorded in this baseline file; only new ones are reported.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0 unless input is invalid).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The manifest to suggest for (or use `--endpoint` without a manifest).
    #[arg(
        value_name = "MANIFEST",
        required_unless_present = "endpoint",
        conflicts_with = "endpoint"
    )]
    pub manifest: Option<PathBuf>,
    /// An endpoint to suggest scopes for, without a manifest (repeatable).
    #[arg(long, value_name = "REF")]
    pub endpoint: Vec<String>,
    /// Also propose one token per API area the token's endpoints touch.
    #[arg(long)]
    pub split_by_area: bool,
    /// Rewrite the manifest's `scopes:` lists to the minimal sets, in place (atomically).
    #[arg(long, requires = "manifest")]
    pub write: bool,
    /// Print the unified diff `--write` would apply, and write nothing.
    #[arg(long, requires = "manifest")]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// Formats of commands that report something other than findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (directories recursively, honouring `.gitignore`).
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Check the calls found against this manifest (`undeclared-endpoint`, `unused-endpoint`).
    #[arg(long, value_name = "MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// Write a new manifest with one token listing every endpoint found and its minimal scopes.
    #[arg(long, value_name = "FILE")]
    pub write_manifest: Option<PathBuf>,
    /// Let `--write-manifest` overwrite an existing file.
    #[arg(long, requires = "write_manifest")]
    pub force: bool,
    /// The integration (and token) name `--write-manifest` uses [default: the directory's name].
    #[arg(long, value_name = "NAME", requires = "write_manifest")]
    pub integration: Option<String>,
    /// The API's base URL when its table does not list it (a proxy, GitHub Enterprise Server):
    /// its host counts as the API's, and but for Texter its path is a base path.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Scan hidden files and directories: the default (`.github/workflows` make real calls);
    /// accepted so existing command lines keep working.
    #[arg(long, overrides_with = "no_hidden")]
    pub hidden: bool,
    /// Skip hidden files and directories, as ripgrep does by default. `.git`, `.hg` and `.svn`
    /// are skipped either way.
    #[arg(long, overrides_with = "hidden")]
    pub no_hidden: bool,
    /// Do not honour `.gitignore`, `.ignore` and similar files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links found while walking (they are skipped otherwise, since they can
    /// point outside the tree). Paths named on the command line are always followed.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_filesize: u64,
    /// Worker threads, 1 to 1024 [default: the number of CPUs, at most 1024].
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub gate: GateArgs,
}

/// `--threads`: a count scan accepts, so an absurd one is a usage error, not a hang.
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of threads from 1 to {MAX_THREADS}"
        )),
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD and NEW manifests; with `--git REF`, one manifest compared with its version at REF.
    #[arg(value_name = "MANIFEST", required = true, num_args = 1..=2)]
    pub files: Vec<PathBuf>,
    /// Compare the working-tree MANIFEST with its version at this git ref (branch, tag, commit).
    #[arg(long, value_name = "REF")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when a token newly holds a high-risk scope.
    #[arg(long)]
    pub fail_on_escalation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    /// A table for a pull request comment.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A scope (name or id), an endpoint (name, `METHOD /path` or URL), an area id or a rule id.
    #[arg(required = true, num_args = 1.., value_name = "TOPIC")]
    pub topic: Vec<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TableArgs {
    #[command(subcommand)]
    pub action: Option<TableAction>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Yaml)]
    pub format: TableFormat,
}

#[derive(Debug, Subcommand)]
pub enum TableAction {
    /// Validate a scope table file (exit 0 when valid, 2 with located errors when not).
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Compare the table with the published API docs; `--write` updates the `--table` file.
    Drift(DriftArgs),
    /// Build a table from a provider's published permission data (YAML on standard output).
    Import(ImportArgs),
    /// List the built-in tables: API id (for `api:` and `--api`), size, source and retrieval date.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Whose data the files are.
    #[arg(value_enum, value_name = "SOURCE")]
    pub source: ImportSource,
    /// The data files, in any order (each is recognised by its content).
    #[arg(required = true, num_args = 1.., value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The upstream commit the file with base name NAME came from (repeatable).
    #[arg(long = "commit", value_name = "NAME=SHA")]
    pub commits: Vec<String>,
    /// The date the files were retrieved, recorded as `retrieved:`.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub retrieved: Option<String>,
    /// The table's API id (what manifests write as `api:`) instead of the one made from the files.
    #[arg(long, value_name = "ID")]
    pub api_id: Option<String>,
    /// The table's title instead of the one made from the files.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// A URL the API is served from, instead of those the files give (repeatable).
    #[arg(long = "base-url", value_name = "URL")]
    pub base_urls: Vec<String>,
    /// openapi: the security scheme whose scopes the table lists (default: the only OAuth 2.0 one).
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// openapi: a vendor's extensions and defaults (`datadog`: `x-permission`, scheme `AuthZ`).
    #[arg(long, value_enum, value_name = "VENDOR")]
    pub profile: Option<ImportProfile>,
    /// openapi: an operation key stating its permissions as `{operator: OR|AND|OPEN, permissions}`.
    #[arg(long, value_name = "KEY")]
    pub permission_extension: Option<String>,
    /// openapi: read the scopes listed in one security requirement as alternatives (any one
    /// suffices), for documents that list them so by mistake.
    #[arg(long)]
    pub scopes_are_alternatives: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportProfile {
    /// Datadog: `x-permission`, OAuth scheme `AuthZ`, application keys and OAuth tokens.
    Datadog,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportSource {
    /// github/docs: fine-grained PAT and GitHub App permission files, REST category files.
    GithubDocs,
    /// Google API Discovery documents, one per API (a method's scopes are alternatives).
    GoogleDiscovery,
    /// One OpenAPI 3.0 or 3.1 document, JSON or YAML.
    #[value(name = "openapi")]
    OpenApi,
    /// Microsoft Graph: permissions.json (microsoftgraph/microsoft-graph-devx-content).
    Msgraph,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// The table file as written, comments included.
    Yaml,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["project", "base_url"])))]
pub struct VerifyArgs {
    /// The manifest declaring the token.
    #[arg(value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// The manifest's token the live token stands for (needed when it declares several).
    #[arg(long, value_name = "NAME")]
    pub token: Option<String>,
    /// The Texter project id: the API is https://ID.texterchat.com/server/api/v2.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// The API base URL instead (https; plain http only to loopback, for local stand-ins).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The environment variable holding the token (never pass a token as an argument).
    #[arg(long, value_name = "VAR", default_value = "TEXTER_TOKEN")]
    pub token_env: String,
    /// Read the token from the first line of standard input instead.
    #[arg(long, conflicts_with = "token_env")]
    pub token_stdin: bool,
    #[command(flatten)]
    pub net: NetArgs,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The docs site; its `llms.txt` lists the API reference pages.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://help.texterchat.com"
    )]
    pub docs_url: String,
    /// Write the docs' version into the table file given with `--table`, in place (atomically,
    /// keeping comments and order) and set its `retrieved:` date.
    #[arg(long)]
    pub write: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// The date `--write` records in `retrieved:` [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD", env = "TOKENSCOPE_TODAY", value_parser = parse_date, hide = true)]
    pub today: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
