//! Renderers: the same findings, shaped for people, machines, CI systems and reviews.

pub mod frame;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
