//! Suppressions: whether a manifest `ignore:` entry silences a finding. (Inline
//! `# tokenscope: ignore[rule] reason` comments are read with the manifest, in
//! [`crate::manifest::InlineIgnore`].)

use crate::finding::Finding;
use crate::manifest::{Ignore, Resolution, resolve_endpoint, resolve_scope};
use crate::table::Table;
use crate::yaml::normalize;

/// Whether a manifest `ignore:` entry silences a finding of its token.
pub fn ignore_covers(table: &Table, ignore: &Ignore, finding: &Finding) -> bool {
    if ignore.rule != finding.rule {
        return false;
    }
    if let Some(scope) = &ignore.scope {
        let wanted = match resolve_scope(table, &scope.value) {
            Some(id) => normalize(&table.scope(id).name),
            None => normalize(&scope.value),
        };
        if finding.scope.as_deref().map(normalize) != Some(wanted) {
            return false;
        }
    }
    if let Some(endpoint) = &ignore.endpoint {
        let wanted = match resolve_endpoint(table, &endpoint.value) {
            Resolution::Endpoint(id) => normalize(&table.endpoint(id).name),
            _ => normalize(&endpoint.value),
        };
        if finding.endpoint.as_deref().map(normalize) != Some(wanted) {
            return false;
        }
    }
    true
}
