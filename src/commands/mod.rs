//! One module per command; `app` wires them to the command line.
//!
//! Every command has the same shape: `run(ctx, args) -> Result<Exit, Failure>`. It reads its
//! input, decides, and hands what it found to the emitters in `render`; what stops it before
//! it has anything to report comes back as a [`Failure`] for `app` to print.

use std::io::Write;

use miette::Diagnostic;

use crate::error::InputError;
use crate::render::Style;
use crate::table::{Table, Tables};

pub mod audit;
pub mod diff;
pub mod docs;
#[cfg(feature = "live")]
pub mod drift;
pub mod explain;
#[cfg(not(feature = "live"))]
mod offline;
pub mod scan;
pub mod suggest;
pub mod table;
#[cfg(feature = "live")]
pub mod verify;
#[cfg(not(feature = "live"))]
pub use offline::{drift, verify};

pub use crate::exit::Exit;

/// What every command runs with.
pub struct Context<'a> {
    /// `--table`, `--api`, or each manifest's `api:` among the built-ins.
    pub tables: &'a Tables,
    pub style: Style,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

impl Context<'_> {
    /// The table for a command that reads no manifest: `--table`, `--api`, or Texter's.
    pub fn table(&self) -> Result<&'static Table, Failure> {
        Ok(self.tables.default_table()?)
    }

    /// A manifest's table (its `api:`), its token kinds checked.
    pub fn table_for(
        &self,
        manifest: &crate::manifest::Manifest,
    ) -> Result<&'static Table, Failure> {
        Ok(crate::manifest::table_for(self.tables, manifest)?)
    }
}

/// Why a command stopped without a report: diagnostics to print, and the exit status.
pub struct Failure {
    pub diagnostics: Vec<Box<dyn Diagnostic + Send + Sync + 'static>>,
    pub exit: Exit,
}

impl Failure {
    pub fn new(diagnostic: impl Diagnostic + Send + Sync + 'static, exit: Exit) -> Failure {
        Failure {
            diagnostics: vec![Box::new(diagnostic)],
            exit,
        }
    }
}

impl From<Vec<InputError>> for Failure {
    fn from(errors: Vec<InputError>) -> Failure {
        Failure {
            diagnostics: errors
                .into_iter()
                .map(|e| Box::new(e) as Box<dyn Diagnostic + Send + Sync>)
                .collect(),
            exit: Exit::InvalidInput,
        }
    }
}

impl From<InputError> for Failure {
    fn from(error: InputError) -> Failure {
        Failure::new(error, Exit::InvalidInput)
    }
}

impl From<crate::live::LiveError> for Failure {
    fn from(error: crate::live::LiveError) -> Failure {
        let exit = error.exit();
        Failure::new(error, exit)
    }
}

impl From<crate::suggest::write::WriteError> for Failure {
    fn from(error: crate::suggest::write::WriteError) -> Failure {
        Failure::new(error, Exit::InvalidInput)
    }
}

/// A report that could not be written (a full disk). `app` reports standard output's own
/// failures; this is for writers that fail loudly.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot write the output: {0}")]
#[diagnostic(code(output::write))]
pub struct OutputError(#[from] pub std::io::Error);

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Failure {
        Failure::new(OutputError(error), Exit::InvalidInput)
    }
}
