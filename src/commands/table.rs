//! `tokenscope table`: print the table in use (as YAML verbatim, JSON or Markdown), check a
//! table file, or import one from a provider's published data.

use crate::cli::{ImportArgs, ImportProfile, ImportSource, OutputFormat, TableArgs, TableFormat};
use crate::import;
use crate::render;
use crate::sanitize::terminal_line;
use crate::source::SourceFile;
use crate::table::{Table, builtin, builtins};
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

/// `table list`: every built-in table, the default first. A built-in that does not load (a
/// build from a broken file) is an error, as it is for any command that selects it.
pub fn list(ctx: &mut Context<'_>, format: OutputFormat) -> Result<Exit, Failure> {
    let mut tables: Vec<(&str, &Table)> = Vec::new();
    for b in builtins() {
        if let Some(loaded) = builtin(b.api) {
            tables.push((b.file, loaded?));
        }
    }
    let text = match format {
        OutputFormat::Human => render::human::table_list(&tables),
        OutputFormat::Json => render::json::table_list_document(&tables),
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

/// `table import SOURCE FILE...`: the imported table on standard output (only once it loads),
/// what the importer noticed on standard error.
pub fn import(ctx: &mut Context<'_>, args: &ImportArgs) -> Result<Exit, Failure> {
    let source = match args.source {
        ImportSource::GithubDocs => import::ImportSource::GithubDocs,
        ImportSource::GoogleDiscovery => import::ImportSource::GoogleDiscovery,
        ImportSource::OpenApi => import::ImportSource::OpenApi,
        ImportSource::Msgraph => import::ImportSource::Msgraph,
    };
    let options = import::Options {
        commits: args.commits.clone(),
        retrieved: args.retrieved.clone(),
        api_id: args.api_id.clone(),
        title: args.title.clone(),
        base_urls: args.base_urls.clone(),
        openapi: import::OpenApiOptions {
            scheme: args.scheme.clone(),
            profile: args.profile.map(|p| match p {
                ImportProfile::Datadog => import::ProfileName::Datadog,
            }),
            permission_extension: args.permission_extension.clone(),
            scopes_are_alternatives: args.scopes_are_alternatives,
        },
    };
    let imported = import::run(source, &args.files, &options)?;
    if !ctx.style.quiet {
        let mut notes = String::new();
        for note in &imported.notes {
            notes.push_str("note: ");
            notes.push_str(&terminal_line(note));
            notes.push('\n');
        }
        ctx.err.write_all(notes.as_bytes())?;
    }
    ctx.out.write_all(imported.text.as_bytes())?;
    Ok(Exit::Success)
}
