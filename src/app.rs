//! Runs a parsed command line: loads the table, dispatches, collects output and the exit code.

use std::io::{IsTerminal, Write};

use clap::CommandFactory;

use crate::cli::{Cli, ColorChoice, Command, TableAction, TableFormat};
use crate::commands::{self, Exit, Output};
use crate::error::InputError;
use crate::render::human::HumanRenderer;
use crate::source::SourceFile;
use crate::table::Table;
use crate::yaml::Limits;

/// Runs the command and writes its output; returns the exit status.
pub fn run(cli: Cli) -> Exit {
    let color = use_color(cli.global.color);
    let (output, exit) = execute(&cli, color);
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // Errors first, so the summary line ends the run. A closed pipe (`tokenscope audit | head`)
    // is not an error worth reporting.
    let _ = stderr.write_all(output.stderr.as_bytes());
    let _ = stderr.flush();
    let _ = stdout.write_all(output.stdout.as_bytes());
    let _ = stdout.flush();
    exit
}

/// Runs the command into buffers (what tests call).
pub fn execute(cli: &Cli, color: bool) -> (Output, Exit) {
    let mut out = Output::default();
    let renderer = HumanRenderer::new(color);
    let table = match load_table(cli) {
        Ok(table) => table,
        Err(errors) => {
            for e in &errors {
                renderer.diagnostic(&mut out.stderr, e);
            }
            return (out, Exit::InvalidInput);
        }
    };
    match &cli.command {
        Command::Audit(args) => commands::audit::run(&table, args, color, cli.global.quiet),
        Command::Schema => {
            out.stdout = crate::manifest::schema::manifest_schema();
            (out, Exit::Success)
        }
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "tokenscope", &mut buf);
            out.stdout = String::from_utf8_lossy(&buf).into_owned();
            (out, Exit::Success)
        }
        Command::Man => {
            let mut buf = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
                Ok(()) => {
                    out.stdout = String::from_utf8_lossy(&buf).into_owned();
                    (out, Exit::Success)
                }
                Err(e) => {
                    out.stderr = format!("error: cannot render the man page: {e}\n");
                    (out, Exit::InvalidInput)
                }
            }
        }
        Command::Diff(args) => commands::diff::run(&table, args, color),
        Command::Verify(args) => commands::verify::run(&table, args, color, cli.global.quiet),
        Command::Suggest(args) => commands::suggest::run(&table, args, color),
        Command::Explain(args) => match commands::explain::explain(&table, &args.topic.join(" ")) {
            Ok(text) => {
                out.stdout = text;
                (out, Exit::Success)
            }
            Err(e) => {
                renderer.diagnostic(&mut out.stderr, &e);
                (out, Exit::InvalidInput)
            }
        },
        Command::Table(args) => match &args.action {
            Some(TableAction::Check { file }) => {
                match SourceFile::read(file, Limits::TABLE.max_bytes)
                    .map_err(|e| vec![e])
                    .and_then(Table::load)
                {
                    Ok(t) => {
                        if !cli.global.quiet {
                            out.stdout = format!(
                                "{}: valid `{}` table: {} scopes, {} areas, {} endpoints\n",
                                t.file.path,
                                t.api,
                                t.scopes.len(),
                                t.areas.len(),
                                t.endpoints.len()
                            );
                        }
                        (out, Exit::Success)
                    }
                    Err(errors) => {
                        for e in &errors {
                            renderer.diagnostic(&mut out.stderr, e);
                        }
                        (out, Exit::InvalidInput)
                    }
                }
            }
            Some(TableAction::Drift(drift)) => commands::drift::run(
                &table,
                cli.global.table.as_deref(),
                drift,
                color,
                cli.global.quiet,
            ),
            None => {
                out.stdout = match args.format {
                    TableFormat::Yaml => table.file.text.to_string(),
                    TableFormat::Json => commands::table::to_json(&table),
                    TableFormat::Markdown => commands::table::to_markdown(&table),
                };
                (out, Exit::Success)
            }
        },
    }
}

fn load_table(cli: &Cli) -> Result<Table, Vec<InputError>> {
    match &cli.global.table {
        Some(path) => SourceFile::read(path, Limits::TABLE.max_bytes)
            .map_err(|e| vec![e])
            .and_then(Table::load),
        None => Table::embedded(),
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
