//! What tokenscope says about itself: the manifest's JSON Schema, shell completions and the
//! man page.

use clap::CommandFactory;

use crate::cli::Cli;

use super::{Context, Exit, Failure};

/// `schema`: the manifest's JSON Schema.
pub fn schema(ctx: &mut Context<'_>) -> Result<Exit, Failure> {
    ctx.out
        .write_all(crate::manifest::schema::manifest_schema().as_bytes())?;
    Ok(Exit::Success)
}

/// `completions SHELL`.
pub fn completions(ctx: &mut Context<'_>, shell: clap_complete::Shell) -> Result<Exit, Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tokenscope", &mut buf);
    ctx.out.write_all(&buf)?;
    Ok(Exit::Success)
}

/// `man`: the man page, in roff.
pub fn man(ctx: &mut Context<'_>) -> Result<Exit, Failure> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    ctx.out.write_all(&buf)?;
    Ok(Exit::Success)
}
