//! The live commands, `verify` and `table drift`: the only code that touches the network.
//!
//! Each run builds a current-thread tokio runtime and one rustls HTTP client of its own;
//! nothing else in tokenscope uses tokio.

#[cfg(feature = "live")]
pub mod client;
#[cfg(feature = "live")]
pub mod crawl;
pub mod date;
pub mod docs;
pub mod drift;
pub mod error;
pub mod http;
#[cfg(feature = "live")]
pub mod probe;
pub mod secret;
pub mod verify;
pub mod write;

pub use error::LiveError;
pub use http::NetArgs;
pub use secret::Secret;
