//! tokenscope: audit API token scopes against what an integration really calls.

pub mod audit;
pub mod error;
pub mod finding;
pub mod manifest;
pub mod source;
pub mod table;
pub mod yaml;
