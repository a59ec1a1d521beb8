//! Renderers: the same findings, shaped for people or for machines.

pub mod human;
pub mod json;
