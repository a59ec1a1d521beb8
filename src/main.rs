use std::process::ExitCode;

use clap::Parser;

/// Audit allocates many small, short-lived values on every core (parsed YAML, findings, output
/// lines); mimalloc's per-thread heaps make that much cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tokenscope::cli::Cli::parse();
    ExitCode::from(tokenscope::app::run(cli) as u8)
}
