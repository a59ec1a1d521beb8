//! What commands report beside their units: `verify`'s verdicts, `table drift`'s changes,
//! how a baseline was applied. (Units themselves are [`crate::render::Unit`].)

use crate::baseline::BaselineEntry;

/// What `verify` found about the live token, beside its findings.
pub struct VerifyHead<'a> {
    pub manifest: &'a str,
    pub token: &'a str,
    /// The API's base URL as shown (no credentials, no query).
    pub base_url: String,
    /// `None` when the API could not be reached to tell.
    pub token_valid: Option<bool>,
    /// The verdicts do not settle the comparison (the run exits 3).
    pub inconclusive: bool,
    pub verdicts: &'a [crate::live::verify::Verdict],
    /// Why none of the declared scopes could be checked, when none could.
    pub unchecked: Option<String>,
    /// Whether findings follow (a blank line separates them from the verdicts).
    pub has_findings: bool,
}

/// What `table drift` found: the docs compared with the table.
pub struct DriftView<'a> {
    /// The docs site as shown.
    pub docs: String,
    /// The table file, or `None` for the built-in table.
    pub table: Option<String>,
    pub read: usize,
    /// Pages that describe an endpoint.
    pub endpoints: usize,
    pub skipped: usize,
    /// API reference links on another origin than the docs', not read.
    pub offsite: usize,
    pub changes: &'a [crate::live::drift::Change],
    /// With `--write`: whether the table file was updated.
    pub written: Option<bool>,
}

/// How a baseline was applied.
#[derive(Debug, Default)]
pub struct BaselineStatus {
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Baseline entries no finding matched any more (fixed since).
    pub stale: Vec<BaselineEntry>,
}
