//! Manifests: what an integration declares about its tokens, and how its references resolve.

mod inline;
mod model;
mod parse;
mod reference;
pub mod schema;

pub use inline::InlineIgnore;
pub use model::{Entry, EntryList, Ignore, ListStyle, Manifest, Token};
pub use parse::parse_rule;
pub use reference::{Resolution, resolve_endpoint, resolve_scope};
