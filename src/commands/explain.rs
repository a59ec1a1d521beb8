//! `tokenscope explain TOPIC...`: what a scope unlocks, what an endpoint needs, an area's
//! bundle, what a rule means — one explanation per topic.

use crate::cli::ExplainArgs;
use crate::render::human::explain::explain;

use super::{Context, Exit, Failure};

pub fn run(ctx: &mut Context<'_>, args: &ExplainArgs) -> Result<Exit, Failure> {
    let mut texts = Vec::with_capacity(args.topic.len());
    let mut errors = Vec::new();
    for topic in &args.topic {
        match explain(ctx.table, topic) {
            Ok(text) => texts.push(text),
            Err(e) => errors.push(e),
        }
    }
    ctx.out.write_all(texts.join("\n").as_bytes())?;
    if errors.is_empty() {
        Ok(Exit::Success)
    } else {
        Err(errors.into())
    }
}
