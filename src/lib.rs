//! tokenscope: audit API token scopes against what an integration really calls.

pub mod app;
pub mod atomic;
pub mod audit;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cover;
pub mod diff;
pub mod discover;
pub mod error;
pub mod exit;
pub mod finding;
pub mod gate;
pub mod live;
pub mod manifest;
pub mod read;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod scan;
pub mod source;
pub mod suggest;
pub mod table;
pub mod textedit;
pub mod yaml;
