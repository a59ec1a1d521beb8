//! The process exit status: what CI scripts branch on, as the README's table defines it.

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
