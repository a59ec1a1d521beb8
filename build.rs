//! Compiles the built-in scope tables to Rust statics (see `build/tables.rs`): a run borrows a
//! built-in table from the binary instead of parsing it. The YAML files stay the source of
//! truth and are embedded too, for `table --format yaml` and for diagnostics.
//!
//! Built-ins: `scope-table.yaml` (Texter, the default) and every `tables/<api>.yaml`. The
//! generated `builtin_tables.rs` lists them; a table is built on first use only.

use std::fmt::Write;
use std::path::{Path, PathBuf};

#[path = "src/table/index.rs"]
#[allow(dead_code)]
mod index;
#[path = "src/names.rs"]
mod names;
#[path = "build/tables.rs"]
mod tables;

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    println!("cargo::rerun-if-changed=scope-table.yaml");
    println!("cargo::rerun-if-changed=tables");
    println!("cargo::rerun-if-changed=build");
    println!("cargo::rerun-if-changed=src/names.rs");
    println!("cargo::rerun-if-changed=src/table/index.rs");
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
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let mut code = String::new();
    let mut list = String::from(
        "/// The built-in tables, the default first.\npub(crate) static BUILTINS: &[Builtin] = &[\n",
    );
    for (i, (api, path)) in tables.iter().enumerate() {
        println!("cargo::rerun-if-changed={}", path.display());
        let module = format!("compiled_{i}");
        // An unreadable table is reported at run time, with its location, by the YAML loader.
        let compiled = std::fs::read_to_string(path)
            .ok()
            .and_then(|yaml| tables::compile(&yaml, &module));
        let build = match compiled {
            Some(c) => {
                let written = std::fs::write(out.join(format!("{module}.bin")), &c.data)
                    .and_then(|()| std::fs::write(out.join(format!("{module}.idx")), &c.index))
                    .and_then(|()| std::fs::write(out.join(format!("{module}.txt")), &c.strings));
                match written {
                    Ok(()) => {
                        code.push_str(&c.rust);
                        format!("Some({module}::table)")
                    }
                    Err(e) => {
                        println!("cargo::warning=cannot write {module}'s data: {e}");
                        "None".to_owned()
                    }
                }
            }
            None => "None".to_owned(),
        };
        let yaml_path = Path::new(&manifest_dir).join(path);
        let _ = writeln!(
            list,
            "    Builtin {{ api: {api:?}, file: {file:?}, yaml: include_str!({yaml:?}), compiled: {build} }},",
            file = path.display().to_string(),
            yaml = yaml_path.display().to_string(),
        );
    }
    list.push_str("];\n");
    code.push_str(&list);
    if let Err(e) = std::fs::write(out.join("builtin_tables.rs"), code) {
        println!("cargo::warning=cannot write builtin_tables.rs: {e}");
    }
}
