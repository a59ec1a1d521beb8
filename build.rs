//! Converts the built-in scope tables to JSON at build time: reading JSON at start-up is about
//! twenty times faster than reading YAML. The YAML files stay the source of truth (and are
//! embedded too, for `table --format yaml` and for diagnostics).
//!
//! Built-ins: `scope-table.yaml` (Texter, the default) and every `tables/<api>.yaml`. The
//! generated `builtin_tables.rs` lists them; nothing is parsed until a run asks for a table.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo::rerun-if-changed=scope-table.yaml");
    println!("cargo::rerun-if-changed=tables");
    let mut tables = vec![("texter".to_owned(), PathBuf::from("scope-table.yaml"))];
    let mut extra: Vec<(String, PathBuf)> = std::fs::read_dir("tables")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_owned(), p)))
        .collect();
    extra.sort();
    tables.extend(extra);
    let mut list = String::from(
        "/// The built-in tables, the default first.\npub(crate) static BUILTINS: &[Builtin] = &[\n",
    );
    for (api, path) in &tables {
        println!("cargo::rerun-if-changed={}", path.display());
        let json_name = format!("{api}.table.json");
        let json = std::fs::read_to_string(path)
            .ok()
            .and_then(|yaml| serde_saphyr::from_str::<serde_json::Value>(&yaml).ok())
            .and_then(|value| serde_json::to_string(&value).ok())
            // An unreadable table is reported at run time, with its location, by the YAML loader.
            .unwrap_or_default();
        if let Err(e) = std::fs::write(out.join(&json_name), json) {
            println!("cargo::warning=cannot write {json_name}: {e}");
        }
        let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        let yaml_path = Path::new(&manifest_dir).join(path);
        let _ = writeln!(
            list,
            "    Builtin {{ api: {api:?}, file: {file:?}, yaml: include_str!({yaml:?}), json: include_str!(concat!(env!(\"OUT_DIR\"), \"/{json_name}\")) }},",
            file = path.display().to_string(),
            yaml = yaml_path.display().to_string(),
        );
    }
    list.push_str("];\n");
    if let Err(e) = std::fs::write(out.join("builtin_tables.rs"), list) {
        println!("cargo::warning=cannot write builtin_tables.rs: {e}");
    }
}
