use std::process::ExitCode;

use clap::Parser;

/// The system allocator for a short run, mimalloc once a run proves big (see
/// `tokenscope::allocator`).
#[global_allocator]
static ALLOCATOR: tokenscope::allocator::Hybrid = tokenscope::allocator::Hybrid::new();

fn main() -> ExitCode {
    let cli = tokenscope::cli::Cli::parse();
    ExitCode::from(tokenscope::app::run(cli) as u8)
}
