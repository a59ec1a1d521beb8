//! The live commands in a build without the `live` feature: no network code at all, and a
//! clear error instead of a missing subcommand, so scripts get one message to act on.

/// `verify`, not built.
pub mod verify {
    use crate::cli::VerifyArgs;
    use crate::commands::{Context, Exit, Failure};
    use crate::live::LiveError;

    pub fn run(_: &mut Context<'_>, _: &VerifyArgs) -> Result<Exit, Failure> {
        Err(LiveError::NotBuilt { command: "verify" }.into())
    }
}

/// `table drift`, not built.
pub mod drift {
    use std::path::Path;

    use crate::cli::DriftArgs;
    use crate::commands::{Context, Exit, Failure};
    use crate::live::LiveError;

    pub fn run(_: &mut Context<'_>, _: Option<&Path>, _: &DriftArgs) -> Result<Exit, Failure> {
        Err(LiveError::NotBuilt {
            command: "table drift",
        }
        .into())
    }
}
