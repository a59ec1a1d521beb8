use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tokenscope::cli::Cli::parse();
    ExitCode::from(tokenscope::app::run(cli) as u8)
}
