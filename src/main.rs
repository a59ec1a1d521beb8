use std::process::ExitCode;

/// A small allocator on a static heap for a short run, mimalloc once a run proves big (see
/// `tokenscope::allocator`).
#[global_allocator]
// SAFETY: the process's one allocator on the start heap.
static ALLOCATOR: tokenscope::allocator::Hybrid = unsafe { tokenscope::allocator::Hybrid::new() };

fn main() -> ExitCode {
    let cli = tokenscope::cli::Cli::parse_args();
    ExitCode::from(tokenscope::app::run(cli) as u8)
}
