//! Runs a parsed command line: loads the table, dispatches, collects output and the exit code.

use std::io::{IsTerminal, Write};

use crate::cli::{Cli, ColorChoice, Command, TableAction};
use crate::commands::{self, Context, Exit, Failure};
use crate::error::InputError;
use crate::render::Style;
use crate::render::human::HumanRenderer;
use crate::sanitize::TerminalWriter;
use crate::source::SourceFile;
use crate::table::{Table, Tables};
use crate::yaml::Limits;

/// Runs the command and writes its output; returns the exit status.
pub fn run(cli: Cli) -> Exit {
    let color = use_color(cli.global.color);
    let failure = std::cell::RefCell::new(None);
    let checked = CheckedWriter {
        inner: std::io::stdout().lock(),
        failure: &failure,
    };
    let stdout = std::io::BufWriter::with_capacity(64 * 1024, checked);
    // Human output goes through a terminal filter: nothing a manifest, file name or docs page
    // holds can drive the terminal. Machine formats are escaped by their own serializers.
    let mut stdout: Box<dyn Write> = if human_stdout(&cli.command) {
        Box::new(TerminalWriter::new(stdout, color))
    } else {
        Box::new(stdout)
    };
    // Not locked for the whole run: scan's progress spinner writes from worker threads.
    let mut stderr = TerminalWriter::new(std::io::stderr(), color);
    let exit = execute_to(&cli, color, &mut stdout, &mut stderr);
    let _ = stdout.flush();
    drop(stdout);
    // A report that could not be written (a full disk) must not pass for a clean run; a closed
    // pipe (`tokenscope audit | head`) is the reader's choice, not an error.
    let exit = match failure.into_inner() {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(stderr, "error: cannot write the output: {e}");
            Exit::InvalidInput
        }
        _ => exit,
    };
    let _ = stderr.flush();
    exit
}

/// Standard output that remembers its first write error (commands write on regardless, and
/// the run's exit status reports it) and drops what would follow it.
struct CheckedWriter<'a, W: Write> {
    inner: W,
    failure: &'a std::cell::RefCell<Option<std::io::Error>>,
}

impl<W: Write> Write for CheckedWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failure.borrow().is_some() {
            return Ok(buf.len());
        }
        match self.inner.write_all(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                *self.failure.borrow_mut() = Some(e);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failure.borrow().is_some() {
            return Ok(());
        }
        if let Err(e) = self.inner.flush() {
            *self.failure.borrow_mut() = Some(e);
        }
        Ok(())
    }
}

/// Whether a command writes text for people to standard output.
fn human_stdout(command: &Command) -> bool {
    use crate::cli::{DiffFormat, OutputFormat, ReportFormat};
    match command {
        Command::Audit(a) => a.gate.format == ReportFormat::Human,
        Command::Scan(a) => a.gate.format == ReportFormat::Human,
        Command::Suggest(a) => a.format == OutputFormat::Human,
        Command::Diff(a) => a.format == DiffFormat::Human,
        Command::Verify(a) => a.gate.format == ReportFormat::Human,
        Command::Explain(_) => true,
        Command::Table(t) => match &t.action {
            Some(TableAction::Drift(d)) => d.format == OutputFormat::Human,
            Some(TableAction::Check { .. }) => true,
            Some(TableAction::Import(_)) => false,
            Some(TableAction::List { format }) => *format == OutputFormat::Human,
            // The table as YAML, JSON or Markdown is a document, not terminal text.
            None => false,
        },
        Command::Schema | Command::Completions { .. } | Command::Man { .. } => false,
    }
}

/// Runs the command, writing to `out` and `err` as it goes.
pub fn execute_to(cli: &Cli, color: bool, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let renderer = HumanRenderer::new(color);
    let tables = match load_table(cli) {
        Ok(table) => Tables::new(table, cli.global.api.clone()),
        Err(errors) => return report_failure(&renderer, err, Failure::from(errors)),
    };
    let style = Style {
        color,
        quiet: cli.global.quiet,
        min_severity: None,
    };
    let mut ctx = Context {
        tables: &tables,
        style,
        out,
        err,
    };
    let result = match &cli.command {
        Command::Audit(args) => commands::audit::run(&mut ctx, args),
        Command::Scan(args) => commands::scan::run(&mut ctx, args),
        Command::Verify(args) => commands::verify::run(&mut ctx, args),
        Command::Diff(args) => commands::diff::run(&mut ctx, args),
        Command::Suggest(args) => commands::suggest::run(&mut ctx, args),
        Command::Explain(args) => commands::explain::run(&mut ctx, args),
        Command::Schema => commands::docs::schema(&mut ctx),
        Command::Completions { shell } => commands::docs::completions(&mut ctx, *shell),
        Command::Man { out } => commands::docs::man(&mut ctx, out.as_deref()),
        Command::Table(args) => match &args.action {
            Some(TableAction::Drift(drift)) => {
                commands::drift::run(&mut ctx, cli.global.table.as_deref(), drift)
            }
            Some(TableAction::Check { file }) => commands::table::check(&mut ctx, file),
            Some(TableAction::Import(import)) => commands::table::import(&mut ctx, import),
            Some(TableAction::List { format }) => commands::table::list(&mut ctx, *format),
            None => commands::table::print(&mut ctx, args),
        },
    };
    match result {
        Ok(exit) => exit,
        Err(failure) => report_failure(&renderer, ctx.err, failure),
    }
}

/// Prints why a command stopped; returns its exit status.
fn report_failure(renderer: &HumanRenderer, err: &mut dyn Write, failure: Failure) -> Exit {
    let mut text = String::new();
    for d in &failure.diagnostics {
        renderer.diagnostic(&mut text, d.as_ref());
    }
    let _ = err.write_all(text.as_bytes());
    failure.exit
}

/// The `--table` file, read and validated before anything else; built-ins load on demand.
fn load_table(cli: &Cli) -> Result<Option<Table>, Vec<InputError>> {
    match &cli.global.table {
        Some(path) => SourceFile::read(path, Limits::TABLE.max_bytes)
            .map_err(|e| vec![e])
            .and_then(Table::load)
            .map(Some),
        None => Ok(None),
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
