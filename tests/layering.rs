//! The crate's layering, checked: no import cycles between modules, and the lower layers never
//! reach up (the model never knows how it is rendered or fetched; renderers never know
//! commands). ARCHITECTURE.md describes the layers this enforces.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which module a source file belongs to: `src/render/json.rs` is `render::json`, `src/app.rs`
/// is `app`; a `mod.rs` is its directory's module.
fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap_or(path).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its `#[cfg(test)]` module (tests may reach anywhere) and
/// without comments (a doc link is not an import).
fn non_test_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file refers to by `crate::a::b` paths, at the depth of the module graph:
/// `crate::render::json::x` is `render::json` when `render` has submodules in the graph.
fn references(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        // The longest prefix of the path that is a module.
        for n in (1..=segments.len()).rev() {
            let candidate = segments[..n].join("::");
            if modules.contains(&candidate) {
                found.insert(candidate);
                break;
            }
        }
        // `use crate::{a, b}` groups.
        if let Some(group) = rest.strip_prefix('{') {
            let group: String = group.chars().take_while(|c| *c != '}').collect();
            for item in group.split(',') {
                let head = item.trim().split("::").next().unwrap_or("").trim();
                if modules.contains(head) {
                    found.insert(head.to_owned());
                }
            }
        }
    }
    found
}

/// The sibling modules a file names with `super::x` (within one module family).
fn super_references(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    // `super` of `a::b` (a.rs's child or a/b.rs) is `a`; of `a` (a/mod.rs) the crate root.
    let mut parent: Vec<&str> = module.split("::").collect();
    parent.pop();
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("super::") {
        let name: String = code[at + "super::".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut path = parent.clone();
        path.push(&name);
        let candidate = path.join("::");
        if modules.contains(&candidate) {
            found.insert(candidate);
        }
    }
    found
}

/// The module graph at full depth (`table::load` → `table::matching`), without the edges
/// between a module and its own parent (a `mod.rs` re-exporting its children is not a cycle).
fn fine_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f, &src)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(file, &src);
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = non_test_code(&text);
        let mut to = references(&code, &modules);
        to.extend(super_references(&module, &code, &modules));
        let related =
            |a: &str, b: &str| a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"));
        let entry = edges.entry(module.clone()).or_default();
        for t in to {
            if t != module && !related(&t, &module) {
                entry.insert(t);
            }
        }
    }
    edges
}

/// The top-level module of a module path (`render::json` → `render`).
fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// The module graph between top-level modules (a module's files and submodules are one node):
/// the fine graph, collapsed.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, to) in fine_graph() {
        let from = top(&module).to_owned();
        let entry = edges.entry(from.clone()).or_default();
        for t in to {
            let t = top(&t).to_owned();
            if t != from {
                entry.insert(t);
            }
        }
    }
    edges
}

/// A cycle through `start`, if there is one.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    node: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in graph.get(node).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_owned());
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(c) = cycle_from(graph, start, next, path, seen) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

/// Every cycle of a graph, one per module it passes through, as `a -> b -> a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut cycles = Vec::new();
    for start in graph.keys() {
        let mut path = vec![start.clone()];
        if let Some(c) = cycle_from(graph, start, start, &mut path, &mut BTreeSet::new()) {
            cycles.push(c.join(" -> "));
        }
    }
    cycles
}

#[test]
fn no_import_cycles_between_modules() {
    let cycles = cycles(&graph());
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn no_import_cycles_between_submodules() {
    let cycles = cycles(&fine_graph());
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn lower_layers_never_reach_up() {
    let graph = graph();
    // (module, modules it must not use)
    let rules: &[(&str, &[&str])] = &[
        ("render", &["commands", "app", "cli"]),
        (
            "table",
            &[
                "render", "live", "commands", "app", "cli", "audit", "manifest", "scan",
            ],
        ),
        (
            "manifest",
            &["render", "live", "commands", "app", "cli", "audit", "scan"],
        ),
        (
            "audit",
            &["render", "live", "commands", "app", "cli", "scan"],
        ),
        ("scan", &["render", "live", "commands", "app", "cli"]),
        ("suggest", &["render", "live", "commands", "app", "cli"]),
        (
            "cover",
            &[
                "render", "live", "commands", "app", "cli", "audit", "manifest", "scan", "suggest",
            ],
        ),
        ("live", &["render", "commands", "app", "cli"]),
        ("source", &["error", "render", "commands"]),
        ("finding", &["render", "commands", "audit"]),
    ];
    let mut broken = Vec::new();
    for (module, forbidden) in rules {
        for used in graph.get(*module).into_iter().flatten() {
            if forbidden.contains(&used.as_str()) {
                broken.push(format!("{module} uses {used}"));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn only_commands_use_the_importers() {
    let graph = graph();
    let allowed = ["table", "source", "error", "yaml", "read"];
    let mut broken: Vec<String> = graph
        .get("import")
        .into_iter()
        .flatten()
        .filter(|used| !allowed.contains(&used.as_str()))
        .map(|used| format!("import uses {used}"))
        .collect();
    for (module, uses) in &graph {
        if module != "commands" && uses.contains("import") {
            broken.push(format!("{module} uses import"));
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}
