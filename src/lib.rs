//! tokenscope: audit API token scopes against what an integration really calls.

pub mod app;
pub mod audit;
pub mod cli;
pub mod commands;
pub mod discover;
pub mod error;
pub mod finding;
pub mod manifest;
pub mod render;
pub mod source;
pub mod suggest;
pub mod table;
pub mod yaml;
