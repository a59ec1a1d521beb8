//! One module per command; `app` wires them to the command line.

pub mod audit;
pub mod diff;
pub mod drift;
pub mod explain;
pub mod scan;
pub mod suggest;
pub mod table;
pub mod verify;

/// The process exit status, as the SPEC defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing at or above `--fail-on`.
    Success = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Unreadable or malformed input, or bad usage.
    InvalidInput = 2,
    /// A live command could not reach or authenticate to the API.
    Unreachable = 3,
}

/// What a command prints, collected so it is written once, in order, and identically every run.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}
