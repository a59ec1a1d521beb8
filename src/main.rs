use std::process::ExitCode;

use clap::Parser;

/// mimalloc: audit allocates many small strings on every core, where it is markedly faster
/// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = tokenscope::cli::Cli::parse();
    ExitCode::from(tokenscope::app::run(cli) as u8)
}
