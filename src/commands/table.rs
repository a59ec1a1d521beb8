//! `tokenscope table`: print the table in use (as YAML verbatim, JSON or Markdown), or check
//! a table file.

use crate::cli::{TableArgs, TableFormat};
use crate::render;
use crate::source::SourceFile;
use crate::table::Table;
use crate::yaml::Limits;

use super::{Context, Exit, Failure};

/// `table [--format yaml|json|markdown]`.
pub fn print(ctx: &mut Context<'_>, args: &TableArgs) -> Result<Exit, Failure> {
    let table = ctx.table()?;
    let text = match args.format {
        TableFormat::Yaml => table.file.text.to_string(),
        TableFormat::Json => render::json::table_document(table),
        TableFormat::Markdown => render::markdown::table_document(table),
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(Exit::Success)
}

/// `table check FILE`: every problem located, exit 2 when broken.
pub fn check(ctx: &mut Context<'_>, file: &std::path::Path) -> Result<Exit, Failure> {
    let t = SourceFile::read(file, Limits::TABLE.max_bytes)
        .map_err(|e| vec![e])
        .and_then(Table::load)?;
    if !ctx.style.quiet {
        let text = render::human::table_checked(&t);
        ctx.out.write_all(text.as_bytes())?;
    }
    Ok(Exit::Success)
}
