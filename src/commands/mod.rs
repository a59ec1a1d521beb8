//! One module per command; `app` wires them to the command line.

pub mod audit;
pub mod diff;
pub mod drift;
pub mod explain;
pub mod scan;
pub mod suggest;
pub mod table;
pub mod verify;

pub use crate::exit::Exit;

/// What a command prints, collected so it is written once, in order, and identically every run.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}
