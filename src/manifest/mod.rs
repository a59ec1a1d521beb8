//! Manifests: what an integration declares about its tokens, and how its references resolve.

mod inline;
mod model;
mod parse;
mod reference;
pub mod schema;

pub use inline::InlineIgnore;
pub use model::{Entry, EntryList, Ignore, ListStyle, Manifest, Token};
pub use parse::parse_rule;
pub use reference::{GrantProblem, Resolution, resolve_endpoint, resolve_grant, resolve_scope};

use crate::error::{InputError, did_you_mean};
use crate::table::{Table, Tables};
use crate::yaml::closest;

/// The table a manifest is checked against (its `api:`, or `--table`/`--api`), after checking
/// what only that table can judge: each token's `kind:`.
pub fn table_for(tables: &Tables, manifest: &Manifest) -> Result<&'static Table, Vec<InputError>> {
    let table = tables.for_manifest(&manifest.file, manifest.api.as_ref())?;
    let mut errors = Vec::new();
    for token in &manifest.tokens {
        let Some(kind) = &token.kind else { continue };
        if table.token_kind(&kind.value).is_some() {
            continue;
        }
        let (message, help) = if table.token_kinds.is_empty() {
            (
                format!(
                    "the {} table has one kind of token, so `kind: {}` means nothing here",
                    table.title, kind.value
                ),
                Some("remove `kind:`".to_owned()),
            )
        } else {
            (
                format!("`{}` is not a kind of {} token", kind.value, table.title),
                did_you_mean(&closest(
                    &kind.value,
                    table.token_kinds.iter().map(String::as_str),
                ))
                .or_else(|| Some(format!("kinds: {}", table.token_kinds.join(", ")))),
            )
        };
        errors.push(InputError::at(
            &manifest.file,
            kind.span,
            message,
            "unknown token kind",
            help,
        ));
    }
    if errors.is_empty() {
        Ok(table)
    } else {
        Err(errors)
    }
}
