//! `tokenscope explain TOPIC...`: what a scope unlocks, what an endpoint needs, an area's
//! bundle, what a rule means — one explanation per topic. A topic the default table does not
//! know is looked up in the other built-in tables (unless `--table` or `--api` chose one), so
//! `explain "POST /repos/{owner}/{repo}/issues"` needs no `--api github`.

use crate::cli::ExplainArgs;
use crate::render::human::explain::explain;

use super::{Context, Exit, Failure};

pub fn run(ctx: &mut Context<'_>, args: &ExplainArgs) -> Result<Exit, Failure> {
    let mut texts = Vec::with_capacity(args.topic.len());
    let mut errors = Vec::new();
    let table = ctx.table()?;
    for topic in &args.topic {
        let mut found = explain(table, topic);
        if found.is_err() && !ctx.tables.forced() {
            for api in crate::table::builtin_apis().filter(|&a| a != table.api) {
                if let Some(Ok(other)) = crate::table::builtin(api)
                    && let Ok(text) = explain(other, topic)
                {
                    found = Ok(text);
                    break;
                }
            }
        }
        match found {
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
