//! What tokenscope says about itself: the manifest's JSON Schema, shell completions and the
//! man page.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;

use super::{Context, Exit, Failure};

/// `schema`: the manifest's JSON Schema; with `--api` or `--table`, the one for that API.
pub fn schema(ctx: &mut Context<'_>) -> Result<Exit, Failure> {
    let text = if ctx.tables.forced() {
        crate::manifest::schema::manifest_schema_for(ctx.table()?)
    } else {
        crate::manifest::schema::manifest_schema()
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}

/// `completions SHELL`.
pub fn completions(ctx: &mut Context<'_>, shell: clap_complete::Shell) -> Result<Exit, Failure> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tokenscope", &mut buf);
    ctx.out.write_all(&buf)?;
    Ok(Exit::Success)
}

/// `man`: the main page on standard output, or with `--out DIR` every page (the main one and
/// one per subcommand, with all its options) written there.
pub fn man(ctx: &mut Context<'_>, out: Option<&Path>) -> Result<Exit, Failure> {
    match out {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
            ctx.out.write_all(&buf)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            clap_mangen::generate_to(Cli::command(), dir)?;
            let mut pages: Vec<String> = std::fs::read_dir(dir)?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("tokenscope") && n.ends_with(".1"))
                .collect();
            pages.sort();
            writeln!(
                ctx.err,
                "tokenscope: wrote {} to {}: {}",
                crate::audit::plural(pages.len(), "man page"),
                crate::sanitize::terminal_line(&crate::source::display_path(dir)),
                pages.join(", ")
            )?;
        }
    }
    Ok(Exit::Success)
}
