//! `tokenscope diff OLD NEW` and `tokenscope diff --git REF MANIFEST`.

use std::path::Path;
use std::process::Command;

use crate::render;

use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::diff;
use crate::error::InputError;
use crate::manifest::Manifest;
use crate::source::{SourceFile, display_path};
use crate::yaml::Limits;

use super::{Context, Exit, Failure};

pub fn run(ctx: &mut Context<'_>, args: &DiffArgs) -> Result<Exit, Failure> {
    let (old, new) = match (&args.git, args.files.as_slice()) {
        (Some(reference), [path]) => (at_git_ref(reference, path)?, Manifest::load(path)?),
        (None, [old, new]) => (Manifest::load(old)?, Manifest::load(new)?),
        (Some(_), _) => {
            return Err(InputError::BadFlag {
                flag: "--git",
                why: "compares one MANIFEST with its version at REF: give exactly one".into(),
            }
            .into());
        }
        (None, _) => {
            return Err(InputError::BadFlag {
                flag: "diff",
                why: "needs OLD and NEW manifests, or `--git REF MANIFEST`".into(),
            }
            .into());
        }
    };
    // Both sides are read with the new side's table; an old side for another API is refused.
    let table = ctx.table_for(&new)?;
    if !old.tokens.is_empty() {
        let old_table = ctx.table_for(&old)?;
        if !std::ptr::eq(old_table, table) {
            return Err(InputError::BadFlag {
                flag: "diff",
                why: format!(
                    "the old manifest is for the `{}` API and the new one for `{}`: compare manifests of one API",
                    old_table.api, table.api
                ),
            }
            .into());
        }
    }
    let tokens = diff(table, &old, &new);
    let (o, n) = (&old.file.path, &new.file.path);
    let text = match args.format {
        DiffFormat::Human => render::human::diff_report(o, n, &tokens),
        DiffFormat::Markdown => render::markdown::diff_report(o, n, &tokens),
        DiffFormat::Json => render::json::diff_document(o, n, &tokens),
    };
    ctx.out.write_all(text.as_bytes())?;
    let risk = tokens.iter().any(|t| t.risk_increase);
    Ok(if risk && args.fail_on_escalation {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// The manifest as committed at `reference`; a manifest that did not exist there is empty.
fn at_git_ref(reference: &str, path: &Path) -> Result<Manifest, Vec<InputError>> {
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
    Manifest::parse(file)
}
