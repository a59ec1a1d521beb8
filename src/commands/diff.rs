//! `tokenscope diff OLD NEW` and `tokenscope diff --git REF MANIFEST`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde::Serialize;

use crate::render::markdown::{cell, code};

use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{TokenDiff, TokenStatus, diff};
use crate::error::InputError;
use crate::manifest::Manifest;
use crate::render::human::HumanRenderer;
use crate::source::{SourceFile, display_path};
use crate::table::{Risk, Table};
use crate::yaml::Limits;

use super::{Exit, Output};

pub fn run(table: &Table, args: &DiffArgs, color: bool) -> (Output, Exit) {
    let mut out = Output::default();
    let renderer = HumanRenderer::new(color);
    let loaded = match (&args.git, args.files.as_slice()) {
        (Some(reference), [path]) => at_git_ref(reference, path, &table.api)
            .and_then(|old| Ok((old, Manifest::load(path, &table.api)?))),
        (None, [old, new]) => {
            Manifest::load(old, &table.api).and_then(|o| Ok((o, Manifest::load(new, &table.api)?)))
        }
        (Some(_), _) => {
            out.stderr.push_str("error: with `--git REF`, give exactly one MANIFEST (compared with its version at REF)\n");
            return (out, Exit::InvalidInput);
        }
        (None, _) => {
            out.stderr
                .push_str("error: give OLD and NEW manifests, or `--git REF MANIFEST`\n");
            return (out, Exit::InvalidInput);
        }
    };
    let (old, new) = match loaded {
        Ok(pair) => pair,
        Err(errors) => {
            for e in &errors {
                renderer.diagnostic(&mut out.stderr, e);
            }
            return (out, Exit::InvalidInput);
        }
    };
    let tokens = diff(table, &old, &new);
    let risk = tokens.iter().any(|t| t.risk_increase);
    out.stdout = match args.format {
        DiffFormat::Human => human(&old.file.path, &new.file.path, &tokens),
        DiffFormat::Markdown => markdown(&old.file.path, &new.file.path, &tokens),
        DiffFormat::Json => json(&old.file.path, &new.file.path, &tokens),
    };
    let exit = if risk && args.fail_on_escalation {
        Exit::Findings
    } else {
        Exit::Success
    };
    (out, exit)
}

/// The manifest as committed at `reference`; a manifest that did not exist there is empty.
fn at_git_ref(reference: &str, path: &Path, api: &str) -> Result<Manifest, Vec<InputError>> {
    let shown = display_path(path);
    if reference.starts_with('-') || reference.contains(':') {
        return Err(vec![InputError::Unknown {
            what: "git ref",
            name: reference.to_owned(),
            help: Some(
                "a ref is a branch, tag or commit, such as `origin/main` or `HEAD~1`".into(),
            ),
        }]);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let output = Command::new("git")
        .args(["show", &format!("{reference}:./{file_name}")])
        .current_dir(dir)
        .output()
        .map_err(|cause| {
            vec![InputError::Io {
                path: format!("git show {reference}:{shown}"),
                cause,
            }]
        })?;
    let name = format!("{reference}:{shown}");
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("does not exist in") || stderr.contains("exists on disk, but not in") {
            return Ok(Manifest {
                file: SourceFile::new(name, String::new()),
                integration: crate::yaml::Text {
                    value: String::new(),
                    span: crate::source::Span::default(),
                },
                api: None,
                owner: None,
                tokens: Vec::new(),
                inline_ignores: Vec::new(),
            });
        }
        return Err(vec![InputError::Io {
            path: name,
            cause: std::io::Error::other(stderr.trim().to_owned()),
        }]);
    }
    if output.stdout.len() as u64 > Limits::MANIFEST.max_bytes {
        return Err(vec![InputError::TooLarge {
            path: name,
            size: output.stdout.len() as u64,
            limit: Limits::MANIFEST.max_bytes,
        }]);
    }
    let file = SourceFile::from_bytes(name, output.stdout).map_err(|e| vec![e])?;
    Manifest::parse(file, api)
}

fn risk_word(risk: Option<Risk>) -> &'static str {
    risk.map_or("unknown", Risk::as_str)
}

fn status_word(status: TokenStatus) -> &'static str {
    match status {
        TokenStatus::Added => "added",
        TokenStatus::Removed => "removed",
        TokenStatus::Changed => "changed",
    }
}

fn human(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    let mut out = format!("tokenscope diff {old} → {new}\n");
    if tokens.is_empty() {
        out.push_str("no token, scope or endpoint changed\n");
        return out;
    }
    for t in tokens {
        let _ = writeln!(out, "\ntoken `{}` ({})", t.name, status_word(t.status));
        for s in &t.added_scopes {
            let why = if s.needed_by.is_empty() {
                "needed by no endpoint of the token".to_owned()
            } else {
                format!("needed by {}", s.needed_by.join(", "))
            };
            let _ = writeln!(
                out,
                "  + scope     {}  [{} risk]  {why}",
                s.scope,
                risk_word(s.risk)
            );
        }
        for s in &t.removed_scopes {
            let _ = writeln!(out, "  - scope     {s}");
        }
        for e in &t.added_endpoints {
            let _ = writeln!(out, "  + endpoint  {e}");
        }
        for e in &t.removed_endpoints {
            let _ = writeln!(out, "  - endpoint  {e}");
        }
        if t.risk_increase {
            let high: Vec<&str> = t
                .added_scopes
                .iter()
                .filter(|s| s.risk == Some(Risk::High))
                .map(|s| s.scope.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  risk rose: newly holds high-risk {}",
                high.join(", ")
            );
        }
    }
    let risen = tokens.iter().filter(|t| t.risk_increase).count();
    let _ = writeln!(
        out,
        "\n{} changed; {}",
        crate::audit::plural(tokens.len(), "token"),
        if risen > 0 {
            format!("risk rose for {}", crate::audit::plural(risen, "token"))
        } else {
            "no risk increase".to_owned()
        }
    );
    out
}

fn markdown(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    let risen = tokens.iter().any(|t| t.risk_increase);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## tokenscope: token scope changes {}\n",
        if risen {
            "— ⚠️ risk rose"
        } else {
            "— no risk increase"
        }
    );
    let _ = writeln!(out, "{} → {}\n", code(old), code(new));
    if tokens.is_empty() {
        out.push_str("No token, scope or endpoint changed.\n");
        return out;
    }
    out.push_str("| Token | Change | Scope or endpoint | Risk | Why |\n|---|---|---|---|---|\n");
    for t in tokens {
        let token = format!(
            "{}{}",
            code(&t.name),
            match t.status {
                TokenStatus::Added => " (new)",
                TokenStatus::Removed => " (removed)",
                TokenStatus::Changed => "",
            }
        );
        for s in &t.added_scopes {
            let risk = match s.risk {
                Some(Risk::High) => "**high** ⚠️".to_owned(),
                other => risk_word(other).to_owned(),
            };
            let why = if s.needed_by.is_empty() {
                "needed by no endpoint".to_owned()
            } else {
                format!(
                    "needed by {}",
                    s.needed_by
                        .iter()
                        .map(|n| cell(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                out,
                "| {token} | ➕ scope | {} | {risk} | {why} |",
                cell(&s.scope)
            );
        }
        for s in &t.removed_scopes {
            let _ = writeln!(out, "| {token} | ➖ scope | {} | | |", cell(s));
        }
        for e in &t.added_endpoints {
            let _ = writeln!(out, "| {token} | ➕ endpoint | {} | | |", cell(e));
        }
        for e in &t.removed_endpoints {
            let _ = writeln!(out, "| {token} | ➖ endpoint | {} | | |", cell(e));
        }
    }
    out
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    old: &'a str,
    new: &'a str,
    risk_increase: bool,
    tokens: Vec<TokenJson<'a>>,
}

#[derive(Serialize)]
struct TokenJson<'a> {
    name: &'a str,
    status: TokenStatus,
    added_scopes: Vec<AddedScopeJson<'a>>,
    removed_scopes: &'a [String],
    added_endpoints: &'a [String],
    removed_endpoints: &'a [String],
    risk_increase: bool,
}

#[derive(Serialize)]
struct AddedScopeJson<'a> {
    scope: &'a str,
    risk: Option<Risk>,
    needed_by: &'a [String],
}

fn json(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    crate::render::json::to_string(&DiffJson {
        schema_version: crate::render::json::SCHEMA_VERSION,
        old,
        new,
        risk_increase: tokens.iter().any(|t| t.risk_increase),
        tokens: tokens
            .iter()
            .map(|t| TokenJson {
                name: &t.name,
                status: t.status,
                added_scopes: t
                    .added_scopes
                    .iter()
                    .map(|s| AddedScopeJson {
                        scope: &s.scope,
                        risk: s.risk,
                        needed_by: &s.needed_by,
                    })
                    .collect(),
                removed_scopes: &t.removed_scopes,
                added_endpoints: &t.added_endpoints,
                removed_endpoints: &t.removed_endpoints,
                risk_increase: t.risk_increase,
            })
            .collect(),
    })
}
