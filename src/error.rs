//! Input errors: everything that makes tokenscope refuse a file or a flag (exit code 2).
//!
//! Findings are what tokenscope *reports about* a valid manifest; input errors are what keeps it
//! from reading one. They are typed so each carries its own help, and located wherever a
//! position is known.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::{SourceFile, Span};

#[derive(Debug, Error, Diagnostic)]
pub enum InputError {
    #[error("cannot read {path}: {cause}")]
    #[diagnostic(code(input::io), help("check that the path exists and is readable"))]
    Io { path: String, cause: std::io::Error },

    #[error("{path} is a directory where a file was expected")]
    #[diagnostic(code(input::directory))]
    IsDirectory { path: String },

    #[error("{path} is not a regular file (a pipe, socket or device)")]
    #[diagnostic(code(input::not_a_file), help("pass a regular file"))]
    NotAFile { path: String },

    #[error("{path} is {size} bytes, over the {limit}-byte limit for this kind of file")]
    #[diagnostic(
        code(input::too_large),
        help("manifests and scope tables are small YAML files; is this the right path?")
    )]
    TooLarge { path: String, size: u64, limit: u64 },

    #[error("{path} is not a text file: it holds a NUL byte at line {line}, column {column}")]
    #[diagnostic(code(input::binary), help("tokenscope reads YAML text files"))]
    Binary {
        path: String,
        line: usize,
        column: usize,
    },

    #[error("{path} is not valid UTF-8 (first bad byte at line {line}, column {column})")]
    #[diagnostic(code(input::encoding), help("save the file as UTF-8"))]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },

    /// A problem at a known place in a file: YAML syntax, a wrong type, an unknown key.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Located(Box<Located>),

    #[error("no manifests found under {path}")]
    #[diagnostic(
        code(input::no_manifests),
        help(
            "looked for `tokenscope.yaml`, `tokenscope.yml`, `*.tokenscope.yaml` and `*.tokenscope.yml`, honouring `.gitignore` (links are followed only with --follow); pass a file path to audit another name.{near_misses}"
        )
    )]
    NoManifests { path: String, near_misses: String },

    #[error("{path} was not audited: the config {config} that applies to it is invalid")]
    #[diagnostic(
        code(input::config),
        help(
            "fix the config (its errors are reported above); every manifest under it waits on it"
        )
    )]
    NotAudited { path: String, config: String },

    #[error("`{flag}` {why}")]
    #[diagnostic(code(input::usage))]
    BadFlag { flag: &'static str, why: String },

    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(input::unknown_topic))]
    Unknown {
        what: &'static str,
        name: String,
        #[help]
        help: Option<String>,
    },
}

impl InputError {
    /// A located error in `file` at `span`.
    pub fn at(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        InputError::Located(Box::new(Located {
            message: message.into(),
            file: Some(file.clone()),
            label: label.into(),
            help,
            span,
            path: file.path.clone(),
        }))
    }

    /// A located error whose code frame must not show the file's text: the file is not
    /// recognisably what it was meant to be (a manifest, a table, a config), so it may be
    /// anything, such as a private key a symlink pointed at. Only the position is printed.
    pub fn at_unshown(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        InputError::Located(Box::new(Located {
            message: message.into(),
            file: None,
            label: String::new(),
            help,
            span,
            path: file.path.clone(),
        }))
    }

    /// The same error, with the file's text kept out of its code frame.
    pub fn without_text(self) -> Self {
        match self {
            InputError::Located(mut located) => {
                located.file = None;
                InputError::Located(located)
            }
            other => other,
        }
    }

    /// The file this error is about, when it is about one.
    pub fn path(&self) -> Option<&str> {
        match self {
            InputError::Io { path, .. }
            | InputError::IsDirectory { path }
            | InputError::NotAFile { path }
            | InputError::TooLarge { path, .. }
            | InputError::Binary { path, .. }
            | InputError::NotUtf8 { path, .. }
            | InputError::NoManifests { path, .. }
            | InputError::NotAudited { path, .. } => Some(path),
            InputError::Located(located) => Some(&located.path),
            InputError::Unknown { .. } | InputError::BadFlag { .. } => None,
        }
    }

    /// Line and column, when known, for machine-readable output.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self {
            InputError::Binary { line, column, .. } | InputError::NotUtf8 { line, column, .. } => {
                Some((*line, *column))
            }
            InputError::Located(located) => Some((located.span.line, located.span.column)),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            InputError::Located(located) => Some(located.span),
            _ => None,
        }
    }

    pub fn help_text(&self) -> Option<String> {
        self.help().map(|h| h.to_string())
    }
}

/// "did you mean `x`?" help from a list of candidates (empty list: no help).
pub fn did_you_mean(candidates: &[String]) -> Option<String> {
    match candidates {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of: {}?",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The details of [`InputError::Located`], boxed to keep results small.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(input::invalid))]
pub struct Located {
    pub message: String,
    /// The file, when its text may be shown in a code frame.
    pub file: Option<SourceFile>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// The same position as line/column, for machine-readable output.
    pub span: Span,
    pub path: String,
}
